"""Every framework example, driven with WebTest: CORS is added, and the framework stays itself.

Each stack wraps the same small API the way its users would. For each one: preflights from an
allowed and a refused origin are answered by the middleware alone; actual requests get exactly
the grant headers (or none); and the framework's routing, error pages, ``Allow`` answers and
own ``Vary`` values come through, with ``Origin`` merged in once.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from webtest import TestApp, TestResponse

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

ALLOWED = "https://app.example.com"
REFUSED = "https://evil.example.net"
ALL_METHODS = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"
PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
GRANTED_PREFLIGHT = [
    ("Access-Control-Allow-Origin", ALLOWED),
    ("Access-Control-Allow-Methods", ALL_METHODS),
    ("Access-Control-Allow-Headers", "Content-Type, Authorization"),
    ("Access-Control-Allow-Credentials", "true"),
    ("Access-Control-Max-Age", "600"),
]
EMPTY_BODY = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "0")]
GRANTED_ACTUAL = {
    "Access-Control-Allow-Origin": ALLOWED,
    "Access-Control-Expose-Headers": "X-Request-Id",
    "Access-Control-Allow-Credentials": "true",
}


class Sent:
    """Records the headers handed to the server, before WebTest's response object adds defaults."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app
        self.headers: list[tuple[str, str]] = []

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        def recording(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            self.headers = list(headers)
            return start_response(status, headers, exc_info)

        return self.app(environ, recording)


def _django() -> WSGIApplication:
    # Django reads DJANGO_SETTINGS_MODULE once, at import: set it only for that moment.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_SETTINGS_MODULE", "examples.django_project.settings")
        module = importlib.import_module("examples.django_project.wsgi")
    app: WSGIApplication = module.application
    return app


def _attribute(module: str, name: str) -> Callable[[], WSGIApplication]:
    def load() -> WSGIApplication:
        app: WSGIApplication = getattr(importlib.import_module(module), name)
        return app

    return load


@dataclass(frozen=True)
class Stack:
    """One example and what its framework answers on its own."""

    name: str
    load: Callable[[], WSGIApplication]
    not_found: bytes  # a piece of the framework's own 404 body
    server_error: bytes  # a piece of its 500 body
    error_vary: str  # Vary on error pages: the framework's own, plus Origin
    plain_options_status: int  # OPTIONS without Access-Control-Request-Method goes to the app
    plain_options_allow: frozenset[str]  # the methods in the framework's Allow answer to it


STACKS = [
    Stack(
        "flask",
        _attribute("examples.flask_app", "app"),
        not_found=b"<title>404 Not Found</title>",
        server_error=b"<title>500 Internal Server Error</title>",
        error_vary="Origin",
        plain_options_status=200,
        plain_options_allow=frozenset({"OPTIONS", "GET", "HEAD"}),
    ),
    Stack(
        "django",
        _django,
        not_found=b"<title>Not Found</title>",
        server_error=b"<title>Server Error (500)</title>",
        error_vary="Origin",
        plain_options_status=405,
        plain_options_allow=frozenset({"GET"}),
    ),
    Stack(
        "pyramid",
        _attribute("examples.pyramid_app", "application"),
        not_found=b"The resource could not be found.",
        server_error=b'{"error":"internal server error"}',
        error_vary="Origin",
        plain_options_status=404,  # the route only matches GET
        plain_options_allow=frozenset(),
    ),
    Stack(
        "bottle",
        _attribute("examples.bottle_app", "application"),
        not_found=b"Error: 404 Not Found",
        server_error=b"Error: 500 Internal Server Error",
        error_vary="Origin",
        plain_options_status=405,
        plain_options_allow=frozenset({"GET"}),
    ),
    Stack(
        "falcon",
        _attribute("examples.falcon_app", "application"),
        not_found=b'{"title": "404 Not Found"}',
        server_error=b'{"title": "500 Internal Server Error"}',
        error_vary="Accept, Origin",  # falcon's error serialiser varies on Accept
        plain_options_status=200,  # falcon's default OPTIONS responder
        plain_options_allow=frozenset({"GET"}),
    ),
]


@pytest.fixture(scope="module", params=STACKS, ids=[stack.name for stack in STACKS])
def stack(request: pytest.FixtureRequest) -> Stack:
    chosen: Stack = request.param
    return chosen


@pytest.fixture
def sent(stack: Stack) -> Sent:
    return Sent(stack.load())


@pytest.fixture
def client(sent: Sent) -> TestApp:
    return TestApp(sent)


def cors_and_vary(response: TestResponse) -> dict[str, str]:
    """The response's CORS headers and Vary, with canonical names (frameworks differ in case)."""
    found: dict[str, str] = {}
    for name, value in response.headerlist:
        lowered = name.lower()
        if lowered.startswith("access-control-") or lowered == "vary":
            canonical = "-".join(part.capitalize() for part in lowered.split("-"))
            assert canonical not in found, f"{name} sent twice"
            found[canonical] = value
    return found


def preflight(client: TestApp, origin: str) -> TestResponse:
    return client.options(
        "/api/items",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "Content-Type, Authorization",
        },
    )


def test_preflight_from_allowed_origin_is_granted_before_the_framework(client: TestApp, sent: Sent) -> None:
    response = preflight(client, ALLOWED)
    assert response.status_int == 200
    assert response.body == b""
    # Exactly the middleware's answer: no Allow, no cookie, no content type of the framework's.
    assert sent.headers == [*GRANTED_PREFLIGHT, ("Vary", PREFLIGHT_VARY), *EMPTY_BODY]


def test_preflight_from_refused_origin_gets_no_grant(client: TestApp, sent: Sent) -> None:
    response = preflight(client, REFUSED)
    assert response.status_int == 200
    assert response.body == b""
    assert sent.headers == [("Vary", PREFLIGHT_VARY), *EMPTY_BODY]


def test_actual_request_from_allowed_origin_keeps_the_framework_answer(client: TestApp) -> None:
    response = client.get("/api/items", headers={"Origin": ALLOWED})
    assert response.status_int == 200
    assert response.json == {"items": ["apple", "pear"]}
    assert response.headers["X-Request-Id"] == "42"
    assert cors_and_vary(response) == {**GRANTED_ACTUAL, "Vary": "Accept-Language, Origin"}


def test_actual_request_from_refused_origin_gets_no_cors_headers(client: TestApp) -> None:
    response = client.get("/api/items", headers={"Origin": REFUSED})
    assert response.status_int == 200
    assert response.json == {"items": ["apple", "pear"]}  # the server answers; the browser blocks the read
    assert cors_and_vary(response) == {"Vary": "Accept-Language, Origin"}


def test_framework_404_page_survives_with_cors(client: TestApp, stack: Stack) -> None:
    response = client.get("/api/missing", headers={"Origin": ALLOWED}, status=404)
    assert stack.not_found in response.body
    assert cors_and_vary(response) == {**GRANTED_ACTUAL, "Vary": stack.error_vary}


def test_framework_500_page_survives_with_cors(client: TestApp, stack: Stack) -> None:
    response = client.get("/api/boom", headers={"Origin": ALLOWED}, status=500, expect_errors=True)
    assert stack.server_error in response.body
    assert cors_and_vary(response) == {**GRANTED_ACTUAL, "Vary": stack.error_vary}


def test_plain_options_is_routed_to_the_framework(client: TestApp, stack: Stack) -> None:
    response = client.options("/api/items", headers={"Origin": ALLOWED}, status="*", expect_errors=True)
    assert response.status_int == stack.plain_options_status
    allow = {method.strip() for method in response.headers.get("Allow", "").split(",") if method.strip()}
    assert allow == stack.plain_options_allow
    assert "Access-Control-Allow-Methods" not in response.headers
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED


def test_paths_outside_the_resources_are_untouched(client: TestApp) -> None:
    response = client.get("/health", headers={"Origin": ALLOWED})
    assert response.text == "ok"
    assert cors_and_vary(response) == {}


def test_loading_the_django_example_leaves_the_environment_as_it_was() -> None:
    before = os.environ.get("DJANGO_SETTINGS_MODULE")
    _django()
    assert os.environ.get("DJANGO_SETTINGS_MODULE") == before


class TestPlainWSGI:
    """The bare callable: no framework, so no routing or error pages of its own."""

    @pytest.fixture
    def sent(self) -> Sent:
        from examples.plain_wsgi import app

        return Sent(app)

    @pytest.fixture
    def plain(self, sent: Sent) -> TestApp:
        return TestApp(sent)

    def test_preflight_granted(self, plain: TestApp, sent: Sent) -> None:
        assert preflight(plain, ALLOWED).body == b""
        assert sent.headers == [*GRANTED_PREFLIGHT, ("Vary", PREFLIGHT_VARY), *EMPTY_BODY]

    def test_preflight_refused(self, plain: TestApp, sent: Sent) -> None:
        assert preflight(plain, REFUSED).body == b""
        assert sent.headers == [("Vary", PREFLIGHT_VARY), *EMPTY_BODY]

    def test_actual_from_allowed_and_refused_origin(self, plain: TestApp) -> None:
        granted = plain.get("/api/items", headers={"Origin": ALLOWED})
        assert granted.json == {"path": "/api/items", "method": "GET"}
        assert cors_and_vary(granted) == {**GRANTED_ACTUAL, "Vary": "Origin"}
        refused = plain.get("/api/items", headers={"Origin": REFUSED})
        assert refused.json == {"path": "/api/items", "method": "GET"}
        assert cors_and_vary(refused) == {"Vary": "Origin"}

    def test_wildcard_subdomain_origin_is_granted(self, plain: TestApp) -> None:
        response = plain.get("/api/items", headers={"Origin": "https://eu.example.org"})
        assert response.headers["Access-Control-Allow-Origin"] == "https://eu.example.org"


class TestEnvironmentEntrypoint:
    """examples/gunicorn_app.py, imported as a server would, with CORS_* in the environment."""

    @pytest.fixture
    def served(self, monkeypatch: pytest.MonkeyPatch) -> tuple[TestApp, Sent]:
        for name in [name for name in os.environ if name.startswith("CORS_")]:
            monkeypatch.delenv(name)
        monkeypatch.setenv("CORS_ORIGINS", ALLOWED)
        monkeypatch.setenv("CORS_ALLOW_HEADERS", "Content-Type, Authorization")
        monkeypatch.setenv("CORS_SUPPORTS_CREDENTIALS", "true")
        monkeypatch.setenv("CORS_EXPOSE_HEADERS", "X-Request-Id")
        monkeypatch.setenv("CORS_MAX_AGE", "600")
        module = importlib.reload(importlib.import_module("examples.gunicorn_app"))
        sent = Sent(module.app)
        return TestApp(sent), sent

    def test_preflights(self, served: tuple[TestApp, Sent]) -> None:
        client, sent = served
        assert preflight(client, ALLOWED).body == b""
        assert sent.headers == [*GRANTED_PREFLIGHT, ("Vary", PREFLIGHT_VARY), *EMPTY_BODY]
        assert preflight(client, REFUSED).body == b""
        assert sent.headers == [("Vary", PREFLIGHT_VARY), *EMPTY_BODY]

    def test_actual_requests(self, served: tuple[TestApp, Sent]) -> None:
        client, _ = served
        granted = client.get("/api/items", headers={"Origin": ALLOWED})
        assert granted.json == {"path": "/api/items", "method": "GET"}
        assert cors_and_vary(granted) == {**GRANTED_ACTUAL, "Vary": "Origin"}
        assert cors_and_vary(client.get("/api/items", headers={"Origin": REFUSED})) == {"Vary": "Origin"}
        outside = client.get("/health", headers={"Origin": ALLOWED}, status=404)
        assert cors_and_vary(outside) == {}
