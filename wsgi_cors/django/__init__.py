"""django-cors-headers's API on the one wsgi_cors policy: switch by changing two lines.

::

    INSTALLED_APPS = [..., "wsgi_cors.django"]             # was: "corsheaders"
    MIDDLEWARE = ["wsgi_cors.django.CorsMiddleware", ...]  # was: "corsheaders.middleware..."

The ``CORS_*`` settings keep django-cors-headers's names and defaults (see
:mod:`wsgi_cors.django.conf`); :data:`check_request_enabled` is its signal, and
:mod:`wsgi_cors.django.defaults` its ``default_headers`` and ``default_methods``. Where
django-cors-headers is unsafe or breaks the Fetch standard the answers differ on purpose;
``docs/migrating-from-django-cors-headers.md`` lists each difference.
"""

from __future__ import annotations

from .middleware import CorsMiddleware
from .signals import check_request_enabled

__all__ = ["CorsMiddleware", "check_request_enabled"]
