"""Pyramid: wrap the router in code, or add the PasteDeploy filter in ``pyramid.ini``.

In code (``application`` below)::

    gunicorn examples.pyramid_app:application

From an ini file (``examples/pyramid.ini``: ``[filter:cors] use = egg:wsgi-cors#cors`` in a
``[pipeline:main]``), where operators change origins without touching code::

    PYTHONPATH=. pserve examples/pyramid.ini   # from the repository root
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.request import Request
from pyramid.response import Response
from pyramid.router import Router

from wsgi_cors import CORSMiddleware

ALLOWED_ORIGIN = "https://app.example.com"


def items(request: Request) -> Response:
    response = Response(json={"items": ["apple", "pear"]})
    response.headers["X-Request-Id"] = "42"
    response.vary = ("Accept-Language",)
    return response


def boom(request: Request) -> Response:
    raise RuntimeError("an unhandled error: the exception view below answers 500")


def server_error(exc: Exception, request: Request) -> Response:
    return Response(json={"error": "internal server error"}, status=500)


def health(request: Request) -> Response:
    return Response("ok", content_type="text/plain")


def main(global_config: dict[str, Any] | None = None, **settings: Any) -> Router:
    """The PasteDeploy app factory (``use = call:examples.pyramid_app:main``)."""
    with Configurator(settings=settings) as config:
        config.add_route("items", "/api/items", request_method="GET")
        config.add_route("boom", "/api/boom")
        config.add_route("health", "/health")
        config.add_view(items, route_name="items")
        config.add_view(boom, route_name="boom")
        config.add_view(health, route_name="health")
        config.add_exception_view(server_error, context=Exception)
        return config.make_wsgi_app()


application = CORSMiddleware(
    main(),
    resources=r"/api/*",
    origins=[ALLOWED_ORIGIN],
    allow_headers=["Content-Type", "Authorization"],
    expose_headers=["X-Request-Id"],
    supports_credentials=True,
    max_age=600,
)
