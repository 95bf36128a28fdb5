"""wsgi_cors: Cross-Origin Resource Sharing for any WSGI application.

One middleware, correct to the Fetch standard and secure by default, with flask-cors's
option names and defaults::

    from wsgi_cors import CORSMiddleware

    application = CORSMiddleware(application, origins=["https://app.example.com"])
"""

from __future__ import annotations

from .errors import (
    ConfigurationError,
    ConfigurationErrors,
    ConfigurationTypeError,
    CORSSecurityWarning,
    WsgiCorsError,
)
from .middleware import CORSMiddleware
from .options import DEFAULTS, CORSOptions, ResourceOptions
from .policy import Decision, Kind, Policy, Refusal, decide, request_facts

__all__ = [
    "DEFAULTS",
    "CORSMiddleware",
    "CORSOptions",
    "CORSSecurityWarning",
    "ConfigurationError",
    "ConfigurationErrors",
    "ConfigurationTypeError",
    "Decision",
    "Kind",
    "Policy",
    "Refusal",
    "ResourceOptions",
    "WsgiCorsError",
    "decide",
    "request_facts",
]
__version__ = "0.1.0"
