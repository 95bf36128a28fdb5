"""The request-aware hook of django-cors-headers, under its name."""

from __future__ import annotations

from django.dispatch import Signal

#: Sent as ``send(sender=None, request=request)`` when the settings alone would not grant a
#: request: its path is outside ``CORS_URLS_REGEX``, or its origin is not allowed. A truthy
#: return from any receiver enables CORS for that request, from its ``Origin``. Receivers are
#: only asked when their answer can change the outcome, at most once per request.
check_request_enabled = Signal()
