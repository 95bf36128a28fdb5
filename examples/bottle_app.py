"""Bottle: the ``Bottle`` object is the WSGI application; wrap it and serve the wrapper.

Run it::

    python -m examples.bottle_app          # bottle's development server on 127.0.0.1:8000
    gunicorn examples.bottle_app:application
"""

from __future__ import annotations

import bottle

from wsgi_cors import CORSMiddleware

ALLOWED_ORIGIN = "https://app.example.com"

app = bottle.Bottle()


@app.get("/api/items")
def items() -> dict[str, object]:
    bottle.response.set_header("X-Request-Id", "42")
    bottle.response.set_header("Vary", "Accept-Language")
    return {"items": ["apple", "pear"]}  # bottle serialises dicts to JSON


@app.get("/api/boom")
def boom() -> str:
    raise RuntimeError("an unhandled error: bottle answers with its own 500 page")


@app.get("/health")
def health() -> str:
    return "ok"


application = CORSMiddleware(
    app,
    resources=r"/api/*",
    origins=[ALLOWED_ORIGIN],
    allow_headers=["Content-Type", "Authorization"],
    expose_headers=["X-Request-Id"],
    supports_credentials=True,
    max_age=600,
)

if __name__ == "__main__":
    bottle.run(application, host="127.0.0.1", port=8000)
