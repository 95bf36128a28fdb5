"""Real servers: the Django example project (``wsgi_cors.django.CorsMiddleware`` in its
``MIDDLEWARE``) under gunicorn through ``wsgi.py`` and under uvicorn through ``asgi.py``.

Each server is a subprocess on 127.0.0.1 with a port the kernel picks (read back from its log),
spoken to over a real socket, and stopped by the test (its process group killed if it does not
stop within a few seconds); :func:`tests.test_servers.serving` does the starting and stopping.
The example's settings (``examples/django_project/settings.py``): CORS on ``^/api/``, the one
origin ``https://app.example.com``, credentials, ``Content-Type`` and ``Authorization``
allowed, ``X-Request-Id`` exposed, a 600 s preflight cache.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator

import pytest

from tests.e2e.test_servers import GUNICORN_LISTENING, _environment, _gunicorn, cors, request, serving

ALLOWED = "https://app.example.com"
REFUSED = "https://app.example.com.evil.net"
UVICORN_LISTENING = re.compile(r"Uvicorn running on http://127\.0\.0\.1:(\d+)")
PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"

GRANTED_PREFLIGHT = {
    "access-control-allow-origin": ALLOWED,
    "access-control-allow-credentials": "true",
    "access-control-allow-methods": "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT",
    "access-control-allow-headers": "content-type",
    "access-control-max-age": "600",
    "vary": PREFLIGHT_VARY,
}
GRANTED_GET = {
    "access-control-allow-origin": ALLOWED,
    "access-control-allow-credentials": "true",
    "access-control-expose-headers": "X-Request-Id",
    "vary": "Accept-Language, Origin",
}


def _uvicorn() -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "examples.django_project.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--lifespan",
        "off",  # Django speaks no ASGI lifespan
        "--timeout-graceful-shutdown",
        "1",
    ]


SERVERS = {
    "gunicorn-wsgi": (lambda: _gunicorn("examples.django_project.wsgi"), GUNICORN_LISTENING),
    "uvicorn-asgi": (_uvicorn, UVICORN_LISTENING),
}


@pytest.fixture(params=sorted(SERVERS), scope="module")
def port(request: pytest.FixtureRequest) -> Iterator[int]:
    command, listening = SERVERS[request.param]
    environ = _environment(DJANGO_SETTINGS_MODULE="examples.django_project.settings")
    with serving(command(), environ, listening) as bound:
        yield bound


def preflight(
    port: int, origin: str, method: str = "PUT", headers: str = "content-type"
) -> tuple[int, dict[str, str], bytes]:
    return request(
        port,
        "OPTIONS",
        "/api/items",
        {
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
    )


def test_preflight_from_the_allowed_origin_is_answered_by_the_middleware(port: int) -> None:
    # items() accepts GET only (require_GET): a 200 here can only be the middleware's answer.
    status, headers, body = preflight(port, ALLOWED)
    assert (status, body) == (200, b"")
    assert cors(headers) == GRANTED_PREFLIGHT


def test_actual_request_from_the_allowed_origin_gets_the_grant(port: int) -> None:
    status, headers, body = request(port, "GET", "/api/items", {"Origin": ALLOWED})
    assert status == 200
    assert json.loads(body) == {"items": ["apple", "pear"]}
    assert headers["x-request-id"] == "42"
    assert cors(headers) == GRANTED_GET


def test_look_alike_origin_gets_no_grant(port: int) -> None:
    status, headers, body = preflight(port, REFUSED)
    assert (status, body) == (200, b"")
    assert cors(headers) == {"vary": PREFLIGHT_VARY}
    status, headers, _ = request(port, "GET", "/api/items", {"Origin": REFUSED})
    assert status == 200
    assert cors(headers) == {"vary": "Accept-Language, Origin"}


def test_preflight_asking_for_an_unlisted_header_is_refused(port: int) -> None:
    status, headers, body = preflight(port, ALLOWED, headers="content-type, x-unlisted")
    assert (status, body) == (200, b"")
    assert cors(headers) == {"vary": PREFLIGHT_VARY}


def test_paths_outside_cors_urls_regex_are_left_alone(port: int) -> None:
    status, headers, body = request(port, "GET", "/health", {"Origin": ALLOWED})
    assert (status, body) == (200, b"ok")
    assert cors(headers) == {}
