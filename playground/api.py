"""The playground's API: a tiny JSON application that knows nothing about CORS.

The same routes are served two ways, so the browser suite can judge both: a bare WSGI
callable wrapped by :class:`~wsgi_cors.CORSMiddleware`, and a Flask application set up with
the Flask adapter (``wsgi_cors.flask.CORS``), as a flask-cors user would write it.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from http.cookies import CookieError, SimpleCookie
from typing import TYPE_CHECKING, Any

from wsgi_cors import CORSMiddleware

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

SESSION_COOKIE = "playground_session"
Answer = tuple[str, list[tuple[str, str]], bytes]


def answer(method: str, path: str, cookie_header: str) -> Answer:
    """Status, headers and body for one API request; shared by both servings."""
    if path == "/api/login":
        # A cross-site cookie needs SameSite=None, hence Secure (allowed on http://localhost),
        # and Partitioned: Chromium keeps it in the calling page's partition, so it is sent
        # back on the page's next credentialed call even where third-party cookies are blocked.
        token = secrets.token_hex(8)
        cookie = f"{SESSION_COOKIE}={token}; Path=/api; HttpOnly; SameSite=None; Secure; Partitioned"
        return _json("200 OK", {"logged_in": True}, [("Set-Cookie", cookie)])
    if path == "/api/whoami":
        return _json("200 OK", {"session": _session(cookie_header)})
    if path == "/api/items" or path.startswith("/api/items/"):
        extra = [("X-Request-Id", "42"), ("X-Secret", "s3cret")]
        return _json("200 OK", {"method": method, "path": path}, extra)
    return _json("404 Not Found", {"error": f"no route {path}"})


def _json(status: str, data: object, extra: list[tuple[str, str]] | None = None) -> Answer:
    body = json.dumps(data).encode()
    headers = [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body))),
        ("Cache-Control", "no-store"),
    ]
    return status, headers + (extra or []), body


def _session(cookie_header: str) -> str | None:
    cookies: SimpleCookie = SimpleCookie()
    try:
        cookies.load(cookie_header)
    except CookieError:
        return None
    morsel = cookies.get(SESSION_COOKIE)
    return morsel.value if morsel is not None else None


def plain_api(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    status, headers, body = answer(
        environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""), environ.get("HTTP_COOKIE", "")
    )
    start_response(status, headers)
    return [body]


def middleware_api(options: Mapping[str, Any]) -> WSGIApplication:
    """The bare API behind :class:`~wsgi_cors.CORSMiddleware`."""
    return CORSMiddleware(plain_api, **options)


def flask_api(options: Mapping[str, Any]) -> WSGIApplication:
    """The same API as a Flask application, with CORS from the Flask adapter.

    Imported lazily: Flask and the adapter are optional, and the plain serving must work
    without them.
    """
    from flask import Flask, Response, request

    from wsgi_cors.flask import CORS  # type: ignore[import-not-found,unused-ignore]

    app = Flask("playground")

    @app.route("/api/<path:rest>", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
    def api(rest: str) -> Response:
        status, headers, body = answer(request.method, request.path, request.headers.get("Cookie", ""))
        return Response(body, status=status, headers=headers)

    CORS(app, **options)
    return app


class PreflightCounter:
    """Counts the preflights that reach the server.

    Per path, so the page can tell whether the browser answered one from its preflight cache
    (``Access-Control-Max-Age``); and those asking for Private Network Access, so the page can
    show whether the browser asked the server at all.
    """

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.private_network = 0

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ["REQUEST_METHOD"] == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in environ:
            with self._lock:
                self._counts[environ.get("PATH_INFO", "")] += 1
                if "HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK" in environ:
                    self.private_network += 1
        return self.app(environ, start_response)

    def count(self, path: str) -> int:
        with self._lock:
            return self._counts[path]
