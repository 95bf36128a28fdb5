"""Flask: wrap ``app.wsgi_app``, so preflights are answered before any Flask hook runs.

Wrapping ``wsgi_app`` (not ``app``) keeps ``app`` a Flask object, so ``flask run``, the test
client and extensions still see Flask; no ``before_request`` or login check ever sees a
preflight. (The ``wsgi_cors.flask`` adapter offers flask-cors's ``CORS(app)`` API instead.)

Run it::

    flask --app examples.flask_app run --port 8000
"""

from __future__ import annotations

from flask import Flask, Response, jsonify

from wsgi_cors import CORSMiddleware

ALLOWED_ORIGIN = "https://app.example.com"

app = Flask(__name__)


@app.get("/api/items")
def items() -> Response:
    response = jsonify(items=["apple", "pear"])
    response.headers["X-Request-Id"] = "42"
    response.vary.add("Accept-Language")  # the app's own Vary must survive the middleware
    return response


@app.get("/api/boom")
def boom() -> Response:
    raise RuntimeError("an unhandled error: Flask answers with its own 500 page")


@app.get("/health")
def health() -> str:
    return "ok"


app.wsgi_app = CORSMiddleware(  # type: ignore[method-assign]
    app.wsgi_app,
    resources=r"/api/*",
    origins=[ALLOWED_ORIGIN],
    allow_headers=["Content-Type", "Authorization"],
    expose_headers=["X-Request-Id"],
    supports_credentials=True,
    max_age=600,
)
