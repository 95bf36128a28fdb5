"""wsgi_cors.django.CorsMiddleware under django.test.Client: the exact headers a browser reads.

Settings are django-cors-headers's names; every test states the ones it relies on.
"""

from __future__ import annotations

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
