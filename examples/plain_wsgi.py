"""A bare WSGI application wrapped by CORSMiddleware, served on 127.0.0.1.

Run it and paste the printed ``curl`` lines into another terminal to see a preflight and a
simple cross-origin request answered::

    python examples/plain_wsgi.py            # serves until Ctrl-C
    python examples/plain_wsgi.py --port 0   # any free port
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING
from wsgiref.simple_server import WSGIRequestHandler, make_server

from wsgi_cors import CORSMiddleware

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

ALLOWED_ORIGIN = "https://app.example.com"


def api(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """The application knows nothing about CORS: that is the middleware's job."""
    body = json.dumps({"path": environ.get("PATH_INFO", ""), "method": environ["REQUEST_METHOD"]})
    start_response("200 OK", [("Content-Type", "application/json"), ("X-Request-Id", "42")])
    return [body.encode()]


app = CORSMiddleware(
    api,
    resources=r"/api/*",
    origins=[ALLOWED_ORIGIN, "https://*.example.org"],
    allow_headers=["Content-Type", "Authorization"],
    expose_headers=["X-Request-Id"],
    supports_credentials=True,
    max_age=600,
)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        print(f"  <- {self.address_string()} {format % args}", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (0: any free port)")
    args = parser.parse_args(argv)
    with make_server("127.0.0.1", args.port, app, handler_class=_QuietHandler) as server:
        base = f"http://127.0.0.1:{server.server_port}"
        print(f"Serving the example API on {base}/api/ (Ctrl-C to stop). Try:\n", flush=True)
        print(
            f"  # a preflight from an allowed origin: answered by the middleware, app not called\n"
            f"  curl -i -X OPTIONS {base}/api/items -H 'Origin: {ALLOWED_ORIGIN}' "
            f"-H 'Access-Control-Request-Method: PUT' "
            f"-H 'Access-Control-Request-Headers: content-type, authorization'\n\n"
            f"  # a simple request from an allowed origin: the app's answer plus CORS headers\n"
            f"  curl -i {base}/api/items -H 'Origin: {ALLOWED_ORIGIN}'\n\n"
            f"  # a refused origin: no Access-Control-Allow-Origin, so a browser blocks the read\n"
            f"  curl -i {base}/api/items -H 'Origin: https://evil.example.net'\n",
            flush=True,
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("stopped")


if __name__ == "__main__":
    main()
