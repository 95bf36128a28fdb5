"""Drive the middleware as a WSGI server would, and record what the application saw."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    WSGIApp = Callable[[WSGIEnvironment, StartResponse], Iterable[bytes]]

APP_STATUS = "418 I'm a teapot"
APP_BODY = b"the application's own body"
APP_HEADERS = (("Content-Type", "text/plain"), ("X-App", "kept"))


@dataclass
class RecordingApp:
    """A WSGI application that answers a fixed response and counts its calls."""

    status: str = APP_STATUS
    headers: tuple[tuple[str, str], ...] = APP_HEADERS
    body: bytes = APP_BODY
    calls: int = 0
    environs: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        self.calls += 1
        self.environs.append(dict(environ))
        start_response(self.status, list(self.headers))
        return [self.body]


@dataclass(frozen=True)
class Response:
    status: str
    headers: list[tuple[str, str]]
    body: bytes

    def values(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]

    def header(self, name: str) -> str | None:
        """The one value of ``name``, or None; two values of one CORS header is a bug."""
        values = self.values(name)
        assert len(values) <= 1, f"{name} sent {len(values)} times: {values}"
        return values[0] if values else None


def environ_for(
    method: str = "GET",
    path: str = "/",
    origin: str | None = None,
    request_method: str | None = None,
    request_headers: str | None = None,
    private_network: str | None = None,
) -> dict[str, Any]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
    }
    for key, value in (
        ("HTTP_ORIGIN", origin),
        ("HTTP_ACCESS_CONTROL_REQUEST_METHOD", request_method),
        ("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", request_headers),
        ("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK", private_network),
    ):
        if value is not None:
            environ[key] = value
    return environ


def call(middleware: WSGIApp, **request: Any) -> Response:
    """One request straight through the WSGI interface, the body joined after ``close()``."""
    started: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        started.append((status, headers))
        return lambda data: None

    iterable = middleware(environ_for(**request), start_response)
    try:
        body = b"".join(iterable)
    finally:
        close = getattr(iterable, "close", None)
        if close is not None:
            close()
    assert len(started) == 1, f"start_response called {len(started)} times"
    status, headers = started[0]
    return Response(status, list(headers), body)
