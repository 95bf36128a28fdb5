"""The classic CORS misconfiguration classes: each attack input is refused by the middleware."""

from __future__ import annotations

import re

import pytest

from wsgi_cors import ConfigurationError, CORSMiddleware, CORSSecurityWarning

from .harness import RecordingApp, call

TRUSTED = "https://example.com"


def allow_origin(middleware: CORSMiddleware, origin: str, **request: str) -> str | None:
    return call(middleware, origin=origin, **request).header("Access-Control-Allow-Origin")


# --- unanchored regex ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern",
    [r"https://example\.com", r"^https://example\.com", re.compile(r"https://example\.com")],
)
@pytest.mark.parametrize(
    "attack", ["https://example.com.evil.net", "https://example.com:443.evil.net", "https://example.comevil"]
)
def test_unanchored_regex_matches_the_whole_origin_not_a_prefix(pattern: object, attack: str) -> None:
    middleware = CORSMiddleware(RecordingApp(), origins=[pattern])
    assert allow_origin(middleware, TRUSTED) == TRUSTED
    assert allow_origin(middleware, attack) is None


@pytest.mark.parametrize("pattern", [r"example\.com$", r"https://example\.com$"])
def test_regex_anchored_only_at_the_end_does_not_match_a_longer_prefix(pattern: str) -> None:
    middleware = CORSMiddleware(RecordingApp(), origins=[pattern])
    assert allow_origin(middleware, "https://evilexample.com") is None
    assert allow_origin(middleware, "https://evil.net/https://example.com") is None


# --- suffix and prefix look-alikes --------------------------------------------------------------


@pytest.mark.parametrize(
    "attack",
    [
        "https://evilexample.com",
        "https://example.com.evil.net",
        "https://example.co",
        "https://xexample.com",
        "https://example.comm",
        "http://example.com",
        "https://example.com:8443",
        "https://sub.example.com",
        "https://example.com@evil.net",
        "https://evil.net#https://example.com",
    ],
)
def test_exact_origin_refuses_look_alikes(attack: str) -> None:
    middleware = CORSMiddleware(RecordingApp(), origins=[TRUSTED])
    assert allow_origin(middleware, attack) is None


@pytest.mark.parametrize(
    "attack",
    [
        "https://evilexample.com",
        "https://example.com",  # the wildcard needs at least one label
        "https://a.example.com.evil.net",
        "https://aexample.com",
        "http://a.example.com",
        "https://a.example.com:8443",
        "https://.example.com",
        "https://a..example.com",
        "https://a_b.example.com",
    ],
)
def test_wildcard_host_refuses_look_alikes(attack: str) -> None:
    middleware = CORSMiddleware(RecordingApp(), origins=["https://*.example.com"])
    assert allow_origin(middleware, "https://a.example.com") == "https://a.example.com"
    assert allow_origin(middleware, "https://a.b.example.com") == "https://a.b.example.com"
    assert allow_origin(middleware, attack) is None


# --- the null origin ----------------------------------------------------------------------------


def test_null_origin_is_not_trusted_by_a_list_of_origins() -> None:
    middleware = CORSMiddleware(RecordingApp(), origins=[TRUSTED, r"https://.*\.example\.org"])
    assert allow_origin(middleware, "null") is None


def test_null_origin_is_not_trusted_by_star_with_credentials() -> None:
    with pytest.warns(CORSSecurityWarning):
        middleware = CORSMiddleware(RecordingApp(), origins="*", supports_credentials=True)
    response = call(middleware, origin="null")
    assert response.header("Access-Control-Allow-Origin") is None
    assert response.header("Access-Control-Allow-Credentials") is None


def test_null_origin_is_trusted_only_where_listed_literally() -> None:
    middleware = CORSMiddleware(RecordingApp(), origins=["null"])
    assert allow_origin(middleware, "null") == "null"
    assert allow_origin(middleware, "NULL") is None


# --- http:// origins and credentials ------------------------------------------------------------


def test_http_origin_is_not_granted_by_an_https_entry() -> None:
    middleware = CORSMiddleware(RecordingApp(), origins=[TRUSTED], supports_credentials=True)
    response = call(middleware, origin="http://example.com")
    assert response.header("Access-Control-Allow-Origin") is None
    assert response.header("Access-Control-Allow-Credentials") is None


def test_http_origin_with_credentials_warns() -> None:
    with pytest.warns(CORSSecurityWarning, match="plain-HTTP origin"):
        CORSMiddleware(RecordingApp(), origins=["http://example.com"], supports_credentials=True)


# --- a wildcard over a public suffix ------------------------------------------------------------


@pytest.mark.parametrize("entry", ["https://*.github.io", "https://*.co.uk"])
def test_wildcard_over_a_public_suffix_with_credentials_warns_and_grants_only_that_suffix(entry: str) -> None:
    with pytest.warns(CORSSecurityWarning, match="public suffix"):
        middleware = CORSMiddleware(RecordingApp(), origins=[entry], supports_credentials=True)
    suffix = entry.partition("*.")[2]
    assert allow_origin(middleware, f"https://attacker.{suffix}") == f"https://attacker.{suffix}"
    assert allow_origin(middleware, f"https://attacker{suffix}") is None


# --- credentials with "*" -----------------------------------------------------------------------


def test_credentials_never_go_out_with_a_literal_star() -> None:
    with pytest.warns(CORSSecurityWarning):
        middleware = CORSMiddleware(RecordingApp(), origins="*", supports_credentials=True)
    actual = call(middleware, origin="https://a.example")
    preflight = call(middleware, method="OPTIONS", origin="https://a.example", request_method="PUT")
    for response in (actual, preflight):
        assert response.header("Access-Control-Allow-Origin") == "https://a.example"
        assert response.header("Access-Control-Allow-Credentials") == "true"
        assert "Origin" in (response.header("Vary") or "")


def test_credentials_with_send_wildcard_is_an_error() -> None:
    with pytest.raises(ConfigurationError, match="send_wildcard"):
        CORSMiddleware(RecordingApp(), origins="*", supports_credentials=True, send_wildcard=True)


def test_originless_request_under_credentials_and_star_gets_no_star() -> None:
    with pytest.warns(CORSSecurityWarning):
        middleware = CORSMiddleware(RecordingApp(), origins="*", supports_credentials=True)
    response = call(middleware)
    assert response.header("Access-Control-Allow-Origin") is None
    assert response.header("Access-Control-Allow-Credentials") is None


# --- missing Vary: cache poisoning --------------------------------------------------------------


@pytest.mark.parametrize(
    "origin", [TRUSTED, "https://refused.example", None, "not an origin", "https://bad\r\norigin"]
)
def test_every_origin_dependent_answer_carries_vary_origin(origin: str | None) -> None:
    """A shared cache must not serve one origin's answer to another."""
    middleware = CORSMiddleware(RecordingApp(), origins=[TRUSTED, "https://second.example"])
    assert call(middleware, origin=origin).values("Vary") == ["Origin"]


def test_single_static_origin_answer_still_varies_on_origin() -> None:
    middleware = CORSMiddleware(RecordingApp(), origins=[TRUSTED])
    without_origin = call(middleware)
    assert without_origin.header("Access-Control-Allow-Origin") == TRUSTED
    assert without_origin.values("Vary") == ["Origin"]


def test_preflight_answers_vary_on_the_request_method_and_headers() -> None:
    middleware = CORSMiddleware(RecordingApp(), origins=[TRUSTED])
    for origin in (TRUSTED, "https://refused.example"):
        response = call(middleware, method="OPTIONS", origin=origin, request_method="PUT")
        assert response.values("Vary") == [
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
        ]


def test_vary_is_merged_into_the_applications_own_once() -> None:
    app = RecordingApp(headers=(("Vary", "Accept-Encoding, origin"),))
    middleware = CORSMiddleware(app, origins=[TRUSTED])
    assert call(middleware, origin=TRUSTED).values("Vary") == ["Accept-Encoding, origin"]
    app.headers = (("Vary", "Accept-Encoding"),)
    assert call(middleware, origin=TRUSTED).values("Vary") == ["Accept-Encoding, Origin"]


# --- header injection through reflected values --------------------------------------------------

INJECTIONS = [
    "https://example.com\r\nSet-Cookie: session=attacker",
    "https://example.com\nX-Injected: 1",
    "https://example.com\rX-Injected: 1",
    "https://example.com\x00",
    "https://example.com\x0b",
    "https://example.com, https://evil.net",
    "https://example.com https://evil.net",
    "https://example.com\t",
    " https://example.com",
]


@pytest.mark.parametrize("origin", INJECTIONS)
@pytest.mark.parametrize("origins", ["*", [TRUSTED], [r"https://example\.com.*"]])
def test_an_origin_with_control_characters_or_separators_is_never_echoed(
    origin: str, origins: object
) -> None:
    middleware = CORSMiddleware(RecordingApp(), origins=origins)
    for response in (
        call(middleware, origin=origin),
        call(middleware, method="OPTIONS", origin=origin, request_method="GET"),
    ):
        assert response.header("Access-Control-Allow-Origin") is None
        assert all(origin not in value for _, value in response.headers)


@pytest.mark.parametrize(
    "requested",
    ["X-Ok\r\nSet-Cookie: a=b", "X-Ok, X-B\nad", "X-Ok\x00", "X Ok", "X-Ok;evil", 'X-"quoted"'],
)
def test_requested_headers_with_control_characters_refuse_the_preflight(requested: str) -> None:
    middleware = CORSMiddleware(RecordingApp(), origins=[TRUSTED])
    response = call(
        middleware, method="OPTIONS", origin=TRUSTED, request_method="POST", request_headers=requested
    )
    assert response.header("Access-Control-Allow-Origin") is None
    assert response.header("Access-Control-Allow-Headers") is None
    assert response.status == "200 OK"


def test_whitespace_around_requested_header_names_is_trimmed_not_echoed() -> None:
    middleware = CORSMiddleware(RecordingApp(), origins=[TRUSTED])
    response = call(
        middleware, method="OPTIONS", origin=TRUSTED, request_method="POST", request_headers=" X-A ,\tX-B\r\n"
    )
    assert response.header("Access-Control-Allow-Headers") == "X-A, X-B"


@pytest.mark.parametrize("method", ["GET\r\nSet-Cookie: a=b", "PUT\n", "P UT", "GET,PUT", ""])
def test_a_requested_method_with_control_characters_is_never_echoed(method: str) -> None:
    middleware = CORSMiddleware(RecordingApp(), origins=[TRUSTED], methods="*")
    response = call(middleware, method="OPTIONS", origin=TRUSTED, request_method=method)
    assert response.header("Access-Control-Allow-Methods") is None
    assert response.header("Access-Control-Allow-Origin") is None
