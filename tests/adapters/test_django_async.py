"""The same middleware in an async stack: django.test.AsyncClient and an async view."""

from __future__ import annotations

from typing import Any

from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest, HttpResponse

from wsgi_cors.django import CorsMiddleware, check_request_enabled

from .django_support import ALLOWED, CALLS, REFUSED, AsyncClient, cors_headers, cors_settings, run

ASYNC_MIDDLEWARE = ["wsgi_cors.django.CorsMiddleware"]
PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"


def test_the_middleware_is_a_coroutine_function_around_an_async_view() -> None:
    async def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    def sync_view(request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    with cors_settings():
        assert iscoroutinefunction(CorsMiddleware(view))
        assert not iscoroutinefunction(CorsMiddleware(sync_view))


def test_async_view_under_async_client_gets_the_grant() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED], MIDDLEWARE=ASYNC_MIDDLEWARE):
        response = run(AsyncClient().get("/api/async", headers={"origin": ALLOWED}))
        assert response.json() == {"items": ["async"]}
        assert cors_headers(response) == {
            "Access-Control-Allow-Origin": ALLOWED,
            "Vary": "Accept-Language, Origin",
        }
        assert CALLS == [("async_items", "GET")]


def test_async_preflight_is_answered_without_the_view() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED], MIDDLEWARE=ASYNC_MIDDLEWARE):
        headers = {"origin": ALLOWED, "access-control-request-method": "PATCH"}
        response = run(AsyncClient().options("/api/async", headers=headers))
        assert response.status_code == 200
        assert cors_headers(response) == {
            "Access-Control-Allow-Origin": ALLOWED,
            "Access-Control-Allow-Methods": "DELETE, GET, OPTIONS, PATCH, POST, PUT",
            "Access-Control-Max-Age": "7200",
            "Vary": PREFLIGHT_VARY,
        }
        assert CALLS == []


def test_async_refused_origin_gets_only_vary() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED], MIDDLEWARE=ASYNC_MIDDLEWARE):
        response = run(AsyncClient().get("/api/async", headers={"origin": REFUSED}))
        assert cors_headers(response) == {"Vary": "Accept-Language, Origin"}


def test_sync_view_under_async_client() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED]):
        response = run(AsyncClient().get("/api/items", headers={"origin": ALLOWED}))
        assert response["Access-Control-Allow-Origin"] == ALLOWED


def test_async_receivers_are_awaited() -> None:
    asked: list[str] = []

    async def receiver(sender: object, request: HttpRequest, **kwargs: Any) -> bool:
        asked.append(request.path_info)
        return True

    check_request_enabled.connect(receiver)
    try:
        with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED], MIDDLEWARE=ASYNC_MIDDLEWARE):
            response = run(AsyncClient().get("/api/async", headers={"origin": REFUSED}))
            assert response["Access-Control-Allow-Origin"] == REFUSED
            assert asked == ["/api/async"]
    finally:
        check_request_enabled.disconnect(receiver)
