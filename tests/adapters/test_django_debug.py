"""CORS_DEBUG on Django: the core's debug answers, switched by a setting, warned about in production."""

from __future__ import annotations

from django.core.checks import run_checks

from .django_support import ALLOWED, CALLS, REFUSED, Client, cors_settings, preflight


def test_a_refused_header_is_named_to_the_browser_and_the_view_is_not_called() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED], CORS_DEBUG=True, DEBUG=True):
        response = preflight(Client(), "/api/items", headers="x-token")
        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
        assert "x-token" not in response.headers.get("Access-Control-Allow-Headers", "")
        assert response.headers["X-CORS-Debug"] == 'refusal=header-refused; detail="x-token"; resource="/*"'
        assert response.headers["Access-Control-Allow-Methods"] == "DELETE, GET, OPTIONS, PATCH, POST, PUT"
        assert CALLS == []


def test_a_refused_origin_gets_no_allow_origin_even_in_debug_mode() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED], CORS_DEBUG=True, DEBUG=True):
        response = preflight(Client(), "/api/items", origin=REFUSED)
        assert "Access-Control-Allow-Origin" not in response.headers
        assert response.headers["X-CORS-Debug"].startswith("refusal=origin-refused")
        assert CALLS == []


def test_without_cors_debug_a_refusal_says_nothing() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED], DEBUG=True):
        response = preflight(Client(), "/api/items", headers="x-token")
        assert "Access-Control-Allow-Origin" not in response.headers
        assert "X-CORS-Debug" not in response.headers


def test_cors_debug_with_django_debug_off_is_a_check_warning() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED], CORS_DEBUG=True, DEBUG=False):
        [warning] = [message for message in run_checks() if str(message.id).startswith("wsgi_cors.")]
        assert warning.id == "wsgi_cors.W001"
        assert warning.msg.startswith(
            "CORS_DEBUG=True: debug mode is on while origins allow 'https://app.example.com'"
        )
        assert warning.hint.startswith("turn it off outside development (CORS_DEBUG=False")


def test_cors_debug_in_development_is_not_warned_about() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED], CORS_DEBUG=True, DEBUG=True):
        assert [m for m in run_checks() if str(m.id).startswith("wsgi_cors.")] == []


def test_cors_debug_must_be_a_boolean() -> None:
    with cors_settings(CORS_DEBUG="yes"):
        [error] = [m for m in run_checks() if str(m.id).startswith("wsgi_cors.")]
        assert error.id == "wsgi_cors.E001"
        assert error.msg.startswith("CORS_DEBUG='yes'")
