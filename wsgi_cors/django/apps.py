"""``"wsgi_cors.django"`` in ``INSTALLED_APPS``: registers the system checks."""

from __future__ import annotations

from django.apps import AppConfig
from django.core.checks import Tags, register

from .checks import check_middleware, check_settings


class WsgiCorsConfig(AppConfig):  # type: ignore[misc]  # Django is untyped
    name = "wsgi_cors.django"
    label = "wsgi_cors"
    verbose_name = "wsgi-cors"

    def ready(self) -> None:
        register(check_settings, Tags.security)
        register(check_middleware, Tags.security)
