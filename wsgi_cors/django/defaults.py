"""django-cors-headers's defaults, under the names its users import.

Settings written as ``CORS_ALLOW_HEADERS = (*default_headers, "x-api-key")`` keep working
after switching the import to ``from wsgi_cors.django.defaults import default_headers``.
"""

from __future__ import annotations

#: The request headers a preflight may ask for when ``CORS_ALLOW_HEADERS`` is not set.
default_headers = (
    "accept",
    "authorization",
    "content-type",
    "user-agent",
    "x-csrftoken",
    "x-requested-with",
)

#: The methods a preflight may ask for when ``CORS_ALLOW_METHODS`` is not set.
default_methods = (
    "DELETE",
    "GET",
    "OPTIONS",
    "PATCH",
    "POST",
    "PUT",
)
