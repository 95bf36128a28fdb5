"""wsgi_cors.django.CorsMiddleware under django.test.Client: the exact headers a browser reads.

Settings are django-cors-headers's names; every test states the ones it relies on.
"""

from __future__ import annotations

import logging

import pytest
from django.http import HttpResponse

from .django_support import ALLOWED, CALLS, REFUSED, Client, cors_headers, cors_settings, preflight

PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
DEFAULT_METHODS = "DELETE, GET, OPTIONS, PATCH, POST, PUT"


def test_preflight_is_answered_without_the_view_or_the_middleware_below() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED]):
        response = preflight(Client(), "/api/private", headers="authorization, content-type")
        assert response.status_code == 200
        assert response.content == b""
        assert cors_headers(response) == {
            "Access-Control-Allow-Origin": ALLOWED,
            "Access-Control-Allow-Methods": DEFAULT_METHODS,
            "Access-Control-Allow-Headers": "authorization, content-type",
            "Access-Control-Max-Age": "7200",
            "Vary": PREFLIGHT_VARY,
        }
        assert response["Content-Length"] == "0"
        assert CALLS == []


def test_preflight_from_a_refused_origin_gets_no_grant_and_no_view() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED]):
        response = preflight(Client(), "/api/items", origin=REFUSED)
        assert response.status_code == 200
        assert cors_headers(response) == {"Vary": PREFLIGHT_VARY}
        assert CALLS == []


def test_actual_request_gets_the_grant_and_vary_merged_with_the_views() -> None:
    with cors_settings(
        CORS_ALLOWED_ORIGINS=[ALLOWED], CORS_ALLOW_CREDENTIALS=True, CORS_EXPOSE_HEADERS=["X-Request-Id"]
    ):
        response = Client().get("/api/items", headers={"origin": ALLOWED})
        assert response.status_code == 200
        assert cors_headers(response) == {
            "Access-Control-Allow-Origin": ALLOWED,
            "Access-Control-Expose-Headers": "X-Request-Id",
            "Access-Control-Allow-Credentials": "true",
            "Vary": "Accept-Language, Origin",
        }
        assert CALLS == [("items", "GET")]


def test_refused_origin_gets_the_view_and_only_vary() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED]):
        response = Client().get("/api/items", headers={"origin": REFUSED})
        assert response.status_code == 200
        assert cors_headers(response) == {"Vary": "Accept-Language, Origin"}
        assert CALLS == [("items", "GET")]


def test_plain_options_without_request_method_goes_to_the_view() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED]):
        response = Client().options("/api/items", headers={"origin": ALLOWED})
        assert response.content == b"options from the view"
        assert response["Access-Control-Allow-Origin"] == ALLOWED
        assert CALLS == [("items", "OPTIONS")]


def test_request_without_origin_gets_vary_only() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED]):
        response = Client().get("/api/items")
        assert cors_headers(response) == {"Vary": "Accept-Language, Origin"}


def test_allow_all_origins_answers_star() -> None:
    with cors_settings(CORS_ALLOW_ALL_ORIGINS=True):
        response = Client().get("/api/items", headers={"origin": REFUSED})
        assert cors_headers(response) == {
            "Access-Control-Allow-Origin": "*",
            "Vary": "Accept-Language, Origin",
        }


def test_decisions_are_logged_at_debug_with_request_values_quoted(caplog: pytest.LogCaptureFixture) -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED]), caplog.at_level(logging.DEBUG, logger="wsgi_cors"):
        Client().get("/api/items", headers={"origin": "https://evil.example\u2028"})
    [record] = [record for record in caplog.records if record.name == "wsgi_cors"]
    assert record.getMessage() == (
        "'GET' '/api/items' from origin 'https://evil.example\\u2028': resource '/*', refused: "
        "Origin holds a control character, a space, a comma or non-ASCII text [refusal=origin-malformed]"
    )


def test_an_unknown_setting_is_logged_at_start_up(caplog: pytest.LogCaptureFixture) -> None:
    with (
        cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED], CORS_ORIGIN=[ALLOWED]),
        caplog.at_level(logging.WARNING),
    ):
        Client().get("/api/items")
    assert "CORS_ORIGIN is not a setting wsgi_cors.django reads. Fix: " in caplog.text


def test_cors_does_not_pass_csrf_for_an_untrusted_origin() -> None:
    # The browser can read the refusal (the grant is there), but Django refuses the POST.
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED], CORS_ALLOW_CREDENTIALS=True):
        response = csrf_post()
        assert response.status_code == 403
        assert response["Access-Control-Allow-Origin"] == ALLOWED
        assert CALLS == []


def test_csrf_trusted_origins_lets_the_cross_origin_post_through() -> None:
    with cors_settings(
        CORS_ALLOWED_ORIGINS=[ALLOWED], CORS_ALLOW_CREDENTIALS=True, CSRF_TRUSTED_ORIGINS=[ALLOWED]
    ):
        response = csrf_post()
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == ALLOWED
        assert CALLS == [("items", "POST")]


def csrf_post() -> HttpResponse:
    """A cross-origin POST as a page sends it: session cookies and the CSRF token header."""
    http = Client(enforce_csrf_checks=True)
    token = "a" * 32
    http.cookies["csrftoken"] = token
    response: HttpResponse = http.post("/api/items", headers={"origin": ALLOWED, "x-csrftoken": token})
    return response
