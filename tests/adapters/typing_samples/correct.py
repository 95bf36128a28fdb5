"""User code that type-checks under ``mypy --strict``: every option with a type it accepts.

Read by tests/adapters/test_typing.py (never imported by pytest).
"""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Blueprint, Flask

from wsgi_cors import CORSMiddleware, CORSOptions
from wsgi_cors.flask import CORS, cross_origin

app = Flask(__name__)
CORS(
    app,
    resources={r"/api/*": {"origins": ["https://a.example", re.compile(r"https://[a-z]+\.example")]}},
    supports_credentials=True,
    max_age=timedelta(minutes=10),
    expose_headers=["X-Total"],
    allow_headers=["Content-Type", re.compile(r"x-custom-[a-z]+")],
)
blueprint = Blueprint("api", __name__)
CORS(blueprint, origins=lambda origin: origin.endswith(".example"), methods="GET, POST")
cors = CORS(send_wildcard=True, vary_header=False)
cors.init_app(app, resources=[r"/public/*", re.compile(r"/static/.*")], max_age=600)
settings: CORSOptions = {"origins": "https://a.example", "preflight_status": 204, "debug": False}
application = CORSMiddleware(app.wsgi_app, **settings)


@app.route("/items")
@cross_origin(origins="https://a.example", max_age="60", allow_private_network=True)
def items() -> str:
    return "items"
