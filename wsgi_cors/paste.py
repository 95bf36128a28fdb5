"""PasteDeploy filter: add CORS to an ini-configured pipeline (Pyramid, Pylons, any Paste app).

Registered as the ``paste.filter_factory`` entry point ``cors``::

    [filter:cors]
    use = egg:wsgi-cors#cors
    resources = /api/*
    origins =
        https://app.example.com
        https://*.example.org
    supports_credentials = true
    max_age = 600

    [pipeline:main]
    pipeline = cors myapp

Keys are the middleware's option names (``cors_origins`` works too); values are text, read
as :meth:`~wsgi_cors.CORSMiddleware.from_env` reads environment variables.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from . import config
from .middleware import CORSMiddleware

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication


def filter_configuration(local_conf: Mapping[str, str]) -> config.Configuration:
    """The options of a ``[filter:...]`` section, as PasteDeploy hands it over (its local_conf).

    ``wsgi-cors explain --config app.ini`` reads the section through here too, so it reads
    the ini exactly as the server does. Every bad key or value is reported at once.
    """
    return config.from_text(local_conf, prefix="cors_", where="[filter] cors")


def filter_factory(
    global_conf: Mapping[str, str], **local_conf: str
) -> Callable[[WSGIApplication], CORSMiddleware]:
    """Validate the ``[filter:...]`` section now, so a bad ini fails at load time."""
    gathered = filter_configuration(local_conf)
    gathered.check()

    def cors_filter(app: WSGIApplication) -> CORSMiddleware:
        return gathered.build(CORSMiddleware, app)

    return cors_filter
