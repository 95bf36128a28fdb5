"""The 2024 flask-cors advisories, reproduced with their triggering inputs against our middleware."""

from __future__ import annotations

import logging

import pytest

from wsgi_cors import CORSMiddleware

from .harness import RecordingApp, call

ADMIN = "https://admin.example.com"
EVIL = "https://evil.example.net"


# CVE-2024-1681: a request value with CR/LF, logged raw, forged a log line.
@pytest.mark.parametrize(
    ("path", "origin"),
    [
        ("/api/x\r\nINFO:wsgi_cors:forged entry", "https://a.example"),
        ("/api/x", "https://a.example\r\nINFO:wsgi_cors:forged entry"),
        ("/api/x\n\n", "https://a.example\n"),
        ("/api/x\x1b[2J", "https://a.example\x00"),
    ],
)
def test_cve_2024_1681_crlf_in_path_or_origin_cannot_forge_a_log_line(
    caplog: pytest.LogCaptureFixture, path: str, origin: str
) -> None:
    middleware = CORSMiddleware(RecordingApp(), origins=[ADMIN, "https://a.example"])
    with caplog.at_level(logging.DEBUG, logger="wsgi_cors"):
        response = call(middleware, path=path, origin=origin)
        call(middleware, method="OPTIONS", path=path, origin=origin, request_method="GET\r\nX: y")
    assert caplog.records, "the decision must be logged at DEBUG"
    for record in caplog.records:
        message = record.getMessage()
        assert "\r" not in message
        assert "\n" not in message
        assert "\x00" not in message
        assert "\x1b" not in message
    # A clean origin is still granted; one with control characters is never echoed.
    expected = origin if origin.isprintable() else None
    assert response.header("Access-Control-Allow-Origin") == expected


def test_cve_2024_1681_a_raising_origins_callable_is_logged_with_the_origin_quoted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(origin: str) -> bool:
        raise RuntimeError("lookup failed")

    middleware = CORSMiddleware(RecordingApp(), origins=[broken])
    with caplog.at_level(logging.DEBUG, logger="wsgi_cors"):
        response = call(middleware, origin="https://a.example\r\nforged")
        response_ok_shape = call(middleware, origin="https://a.example")
    assert response.header("Access-Control-Allow-Origin") is None
    assert response_ok_shape.header("Access-Control-Allow-Origin") is None
    assert any(record.levelno == logging.ERROR for record in caplog.records)
    assert all("\n" not in record.getMessage() for record in caplog.records)


# CVE-2024-6221: flask-cors granted Private Network Access by default.
def test_cve_2024_6221_private_network_access_is_not_granted_by_default() -> None:
    middleware = CORSMiddleware(RecordingApp())
    response = call(
        middleware,
        method="OPTIONS",
        origin="https://public.example",
        request_method="GET",
        private_network="true",
    )
    assert response.header("Access-Control-Allow-Origin") == "https://public.example"
    assert response.header("Access-Control-Allow-Private-Network") is None


def test_cve_2024_6221_private_network_access_is_granted_only_when_enabled_and_asked() -> None:
    middleware = CORSMiddleware(RecordingApp(), origins=[ADMIN], allow_private_network=True)
    asked = call(middleware, method="OPTIONS", origin=ADMIN, request_method="GET", private_network="true")
    not_asked = call(middleware, method="OPTIONS", origin=ADMIN, request_method="GET")
    refused_origin = call(
        middleware, method="OPTIONS", origin=EVIL, request_method="GET", private_network="true"
    )
    assert asked.header("Access-Control-Allow-Private-Network") == "true"
    assert not_asked.header("Access-Control-Allow-Private-Network") is None
    assert refused_origin.header("Access-Control-Allow-Private-Network") is None
    assert refused_origin.header("Access-Control-Allow-Origin") is None


# CVE-2024-6839: resources were sorted by pattern length, so a long broad regex outranked a
# short specific path and its permissive origins applied to the private resource.
@pytest.mark.parametrize(
    "resources",
    [
        {
            r"/(?:api|public|static|assets|media|downloads)/.*": {"origins": "*"},
            "/api/admin": {"origins": ADMIN},
        },
        {
            r"/(?:api|public|static|assets|media|downloads)/.*": {"origins": "*"},
            r"/api/admin/*": {"origins": ADMIN},
        },
        {r"/api/*": {"origins": "*"}, r"/api/admin/.*": {"origins": ADMIN}},
        {r"/.*": {"origins": "*"}, "/api/admin": {"origins": ADMIN}},
    ],
)
def test_cve_2024_6839_a_broad_resource_pattern_does_not_outrank_a_specific_path(
    resources: dict[str, dict[str, object]],
) -> None:
    middleware = CORSMiddleware(RecordingApp(), resources=resources)
    path = "/api/admin" if "/api/admin" in resources else "/api/admin/users"
    assert middleware.policy.resource_for(path) is middleware.policy.resources[0]
    evil = call(middleware, path=path, origin=EVIL)
    admin = call(middleware, path=path, origin=ADMIN)
    public = call(middleware, path="/api/items", origin=EVIL)
    assert evil.header("Access-Control-Allow-Origin") is None
    assert evil.header("Vary") == "Origin"
    assert admin.header("Access-Control-Allow-Origin") == ADMIN
    assert public.header("Access-Control-Allow-Origin") == EVIL


# CVE-2024-6844: the path was unquote_plus()ed, so "+" became " " and a resource for
# "/files/a+b" never matched its own path.
def test_cve_2024_6844_plus_in_a_path_is_a_plus_not_a_space() -> None:
    middleware = CORSMiddleware(
        RecordingApp(), resources={"/files/a+b": {"origins": ADMIN}, "/files/*": {"origins": "*"}}
    )
    assert middleware.policy.resource_for("/files/a+b").pattern == "/files/a+b"  # type: ignore[union-attr]
    assert middleware.policy.resource_for("/files/a b").pattern == "/files/*"  # type: ignore[union-attr]
    assert call(middleware, path="/files/a+b", origin=EVIL).header("Access-Control-Allow-Origin") is None
    assert call(middleware, path="/files/a+b", origin=ADMIN).header("Access-Control-Allow-Origin") == ADMIN
    assert call(middleware, path="/files/a b", origin=EVIL).header("Access-Control-Allow-Origin") == EVIL


def test_cve_2024_6844_plus_in_a_prefix_resource_is_literal() -> None:
    middleware = CORSMiddleware(RecordingApp(), resources={"/c++/*": {"origins": ADMIN}})
    assert call(middleware, path="/c++/docs", origin=ADMIN).header("Access-Control-Allow-Origin") == ADMIN
    not_covered = call(middleware, path="/c/docs", origin=ADMIN)
    assert not_covered.header("Access-Control-Allow-Origin") is None
    assert not_covered.header("Vary") is None


# CVE-2024-6866: paths were matched case-insensitively, so a permissive policy written for
# one path also applied to a differently-cased route that the application treats as distinct.
def test_cve_2024_6866_path_matching_is_case_sensitive() -> None:
    app = RecordingApp()
    middleware = CORSMiddleware(app, resources={"/public/*": {"origins": "*"}, "/*": {"origins": ADMIN}})
    public = call(middleware, path="/public/report", origin=EVIL)
    upper = call(middleware, path="/PUBLIC/report", origin=EVIL)
    assert public.header("Access-Control-Allow-Origin") == EVIL
    assert upper.header("Access-Control-Allow-Origin") is None
    assert upper.header("Vary") == "Origin"


def test_cve_2024_6866_an_uncovered_differently_cased_path_gets_no_cors_headers() -> None:
    app = RecordingApp()
    middleware = CORSMiddleware(app, resources=r"/api/*")
    response = call(middleware, path="/API/data", origin=EVIL)
    assert response.headers == list(app.headers)
    assert app.calls == 1
