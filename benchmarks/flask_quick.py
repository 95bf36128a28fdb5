"""Per-request cost of one Flask app under flask-cors and under wsgi_cors.flask (a quick timeit).

The same app (a JSON view under app-wide ``CORS``, one under ``@cross_origin``, the same
options) is called through WSGI, without a server or test client: a GET from an allowed
origin, a preflight and a GET without Origin on the first view, a GET and a preflight on
the decorated one. Prints microseconds per request (best of the repeats) and the ratio
flask-cors / wsgi_cors; "CORS cost" subtracts the same app without any CORS layer::

    python benchmarks/flask_quick.py            # about 10 s
    python benchmarks/flask_quick.py --number 2000 --repeat 3
"""

from __future__ import annotations

import argparse
import timeit
from collections.abc import Callable
from typing import Any

import flask_cors
from flask import Flask
from werkzeug.test import EnvironBuilder

import wsgi_cors.flask

ORIGIN = "https://app.example.com"
OPTIONS: dict[str, Any] = {
    "resources": {r"/api/*": {}},
    "origins": [ORIGIN, "https://admin.example.com"],
    "allow_headers": ["Content-Type", "Authorization"],
    "expose_headers": ["X-Request-Id"],
    "supports_credentials": True,
    "max_age": 600,
}
REQUESTS = {
    "GET, allowed Origin": {"method": "GET", "headers": {"Origin": ORIGIN}},
    "preflight": {
        "method": "OPTIONS",
        "headers": {
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    },
    "GET, no Origin": {"method": "GET", "headers": {}},
    "GET, @cross_origin view": {"path": "/api/view", "method": "GET", "headers": {"Origin": ORIGIN}},
    "preflight, @cross_origin": {
        "path": "/api/view",
        "method": "OPTIONS",
        "headers": {
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    },
}


def make_app(adapter: Any) -> Flask:
    """The same app for each adapter module (flask_cors, wsgi_cors.flask), or none."""
    app = Flask(__name__)

    @app.route("/api/items", methods=["GET", "POST"])
    def items() -> dict[str, list[int]]:
        return {"items": [1, 2, 3]}

    def view() -> dict[str, str]:
        return {"view": "decorated"}

    if adapter is not None:
        view = adapter.cross_origin(origins=[ORIGIN], supports_credentials=True)(view)
    app.add_url_rule("/api/view", view_func=view, methods=["GET", "POST"])
    if adapter is not None:
        adapter.CORS(app, **OPTIONS)
    return app


def caller(app: Flask, request: dict[str, Any]) -> Callable[[], None]:
    environ = EnvironBuilder(**{"path": "/api/items", **request}).get_environ()

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> None:
        return None

    def call() -> None:
        body = app(dict(environ), start_response)
        for _ in body:
            pass
        close = getattr(body, "close", None)
        if close is not None:
            close()

    call()
    return call


def best_of(calls: list[Callable[[], None]], number: int, repeat: int) -> list[float]:
    """Microseconds per call, best of ``repeat``; the apps take turns so load hits all alike."""
    best = [float("inf")] * len(calls)
    for _ in range(repeat):
        for index, call in enumerate(calls):
            best[index] = min(best[index], timeit.timeit(call, number=number) / number * 1e6)
    return best


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=2000, help="calls per timing")
    parser.add_argument(
        "--repeat", type=int, default=15, help="timings per app, taking turns; the best is kept"
    )
    args = parser.parse_args(argv)
    apps = {
        "no CORS": make_app(None),
        "flask-cors": make_app(flask_cors),
        "wsgi_cors.flask": make_app(wsgi_cors.flask),
    }
    print(f"{'request':26} {'no CORS':>9} {'flask-cors':>11} {'wsgi_cors':>10} {'ratio':>6}  CORS cost ratio")
    for label, request in REQUESTS.items():
        calls = [caller(app, request) for app in apps.values()]
        bare, theirs, ours = best_of(calls, args.number, args.repeat)
        # A preflight answered by the middleware costs less than the bare app's own OPTIONS.
        cost = f"{(theirs - bare) / (ours - bare):.1f}x" if ours > bare else "n/a"
        print(f"{label:26} {bare:8.1f}µs {theirs:10.1f}µs {ours:9.1f}µs {theirs / ours:5.2f}x  {cost}")


if __name__ == "__main__":
    main()
