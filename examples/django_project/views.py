"""The project's views know nothing about CORS."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET


@require_GET
def items(request: HttpRequest) -> JsonResponse:
    response = JsonResponse({"items": ["apple", "pear"]})
    response["X-Request-Id"] = "42"
    patch_vary_headers(response, ["Accept-Language"])
    return response


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("an unhandled error: Django answers with its own 500 page")


def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
