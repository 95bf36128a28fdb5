"""Test helpers: a recording WSGI application and clients that check PEP 3333 both ways."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from wsgiref.validate import validator

from werkzeug.test import Client, TestResponse

from wsgi_cors import CORSMiddleware

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

ALLOWED = "https://app.example.com"


@dataclass
class RecordingApp:
    """A WSGI app that counts its calls and answers with the headers it was given."""

    headers: list[tuple[str, str]] = field(default_factory=lambda: [("Content-Type", "text/plain")])
    body: bytes = b"app body"
    status: str = "200 OK"
    calls: list[WSGIEnvironment] = field(default_factory=list)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        self.calls.append(environ)
        start_response(self.status, list(self.headers))
        return [self.body]


class ClosingClient(Client):
    """A client that reads and closes every response, as a server must (PEP 3333)."""

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


def make_client(app: WSGIApplication, **options: Any) -> Client:
    """Validate the app as the middleware sees it, and the middleware as the server sees it."""
    return ClosingClient(validator(CORSMiddleware(validator(app), **options)))


def preflight(
    client: Client,
    path: str = "/api/items",
    *,
    origin: str = ALLOWED,
    method: str = "PUT",
    headers: str | None = None,
    extra: dict[str, str] | None = None,
) -> TestResponse:
    request_headers = {"Origin": origin, "Access-Control-Request-Method": method, **(extra or {})}
    if headers is not None:
        request_headers["Access-Control-Request-Headers"] = headers
    return client.options(path, headers=request_headers)


def cors_headers(response: TestResponse) -> dict[str, str]:
    """The response's CORS and Vary headers, names as sent; duplicates would be lost, so check."""
    names = [name for name, _ in response.headers if name.lower().startswith("access-control-")]
    assert len(names) == len({name.lower() for name in names}), f"duplicate CORS headers: {names}"
    return {
        name: value
        for name, value in response.headers
        if name.lower().startswith("access-control-") or name.lower() == "vary"
    }
