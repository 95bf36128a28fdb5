"""A small Django site for the adapter tests: views that record their calls, and settings helpers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.test import AsyncClient, Client, override_settings
from django.urls import path
from django.utils.cache import patch_vary_headers

ALLOWED = "https://app.example.com"
REFUSED = "https://evil.example.net"

#: Every view call, as (view name, method): a preflight must never add one.
CALLS: list[tuple[str, str]] = []

MIDDLEWARE = [
    "wsgi_cors.django.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "tests.adapters.django_support.refuse_without_authorization",
    "django.middleware.csrf.CsrfViewMiddleware",
]


def refuse_without_authorization(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[..., Any]:
    """Stands for authentication middleware: no Authorization header, no entry (401).

    Browsers never send credentials on a preflight, so a preflight that reached this far
    would fail; the CORS middleware above must answer it first.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        if "authorization" not in request.headers and request.path_info.startswith("/api/private"):
            return HttpResponse("authenticate first", status=401)
        return get_response(request)

    return middleware


def items(request: HttpRequest) -> HttpResponse:
    CALLS.append(("items", request.method or ""))
    if request.method == "OPTIONS":
        return HttpResponse("options from the view", content_type="text/plain")
    response = JsonResponse({"items": ["apple", "pear"]})
    response["X-Request-Id"] = "42"
    patch_vary_headers(response, ["Accept-Language"])
    return response


def private(request: HttpRequest) -> HttpResponse:
    CALLS.append(("private", request.method or ""))
    return JsonResponse({"secret": 1})


def own_cors(request: HttpRequest) -> HttpResponse:
    CALLS.append(("own_cors", request.method or ""))
    response = HttpResponse("mine")
    response["Access-Control-Allow-Origin"] = "https://partner.example"
    return response


def own_expose(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("mine")
    response["Access-Control-Expose-Headers"] = "X-Mine"
    response["Vary"] = "Cookie, origin"
    return response


def vary_star(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("anything")
    response["Vary"] = "*"
    return response


async def async_items(request: HttpRequest) -> HttpResponse:
    CALLS.append(("async_items", request.method or ""))
    await asyncio.sleep(0)
    response = JsonResponse({"items": ["async"]})
    patch_vary_headers(response, ["Accept-Language"])
    return response


def public(request: HttpRequest) -> HttpResponse:
    CALLS.append(("public", request.method or ""))
    return HttpResponse("public page")


urlpatterns = [
    path("api/items", items),
    path("api/private", private),
    path("api/own-cors", own_cors),
    path("api/vary-star", vary_star),
    path("api/own-expose", own_expose),
    path("api/async", async_items),
    path("api/données", items),
    path("public", public),
]


@contextmanager
def cors_settings(**values: Any) -> Iterator[None]:
    """Exactly these ``CORS_*`` settings (every other one unset), this module's URLs and
    :data:`MIDDLEWARE`; other settings may be overridden too (``MIDDLEWARE=[...]``)."""
    overrides = {
        "ROOT_URLCONF": "tests.adapters.django_support",
        "MIDDLEWARE": MIDDLEWARE,
        "ALLOWED_HOSTS": ["testserver"],
        **values,
    }
    with override_settings(**overrides):
        for name in [name for name in dir(settings) if name.startswith("CORS_") and name not in values]:
            delattr(settings, name)
        CALLS.clear()
        yield


def client() -> Client:
    return Client()


def preflight(
    http: Client,
    path: str,
    origin: str = ALLOWED,
    method: str = "PUT",
    headers: str | None = None,
    **extra: str,
) -> HttpResponse:
    sent = {"origin": origin, "access-control-request-method": method, **extra}
    if headers is not None:
        sent["access-control-request-headers"] = headers
    response: HttpResponse = http.options(path, headers=sent)
    return response


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


def async_client() -> AsyncClient:
    return AsyncClient()


def cors_headers(response: HttpResponse) -> dict[str, str]:
    """The response's CORS and Vary headers, as sent (names as set, values exact)."""
    return {
        name: value
        for name, value in response.items()
        if name.lower().startswith("access-control-") or name.lower() == "vary"
    }
