"""``manage.py check`` for the CORS settings: the same findings that start-up acts on."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning

from . import conf


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every problem of the current ``CORS_*`` settings, with its id and the fix as the hint."""
    _, problems = conf.build(settings)
    kinds = {"error": Error, "warning": Warning}
    return [kinds[problem.level](problem.message, hint=problem.hint, id=problem.id) for problem in problems]


#: Middleware that can answer a request itself (a redirect, a refusal): above the CORS
#: middleware, they answer preflights before it can, and the browser reports a CORS error.
ANSWERING_MIDDLEWARE = (
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.auth.middleware.RemoteUserMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
OURS = "wsgi_cors.django.CorsMiddleware"
THEIRS = ("corsheaders.middleware.CorsMiddleware",)


def check_middleware(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Where ``CorsMiddleware`` sits in ``MIDDLEWARE``, and whether another CORS layer is there."""
    middleware = list(getattr(settings, "MIDDLEWARE", None) or ())
    if OURS not in middleware:
        return []
    found: list[CheckMessage] = []
    above = [name for name in middleware[: middleware.index(OURS)] if name in ANSWERING_MIDDLEWARE]
    if above:
        found.append(
            Warning(
                f"{OURS} comes after {', '.join(above)} in MIDDLEWARE, which can answer a preflight "
                "(a redirect or a refusal) before CORS does",
                hint=f"move {OURS} to the top of MIDDLEWARE",
                id="wsgi_cors.W004",
            )
        )
    for other in THEIRS:
        if other in middleware:
            found.append(
                Warning(
                    f"both {OURS} and {other} are in MIDDLEWARE: two CORS layers answer the same requests",
                    hint=f"remove {other} (and 'corsheaders' from INSTALLED_APPS)",
                    id="wsgi_cors.W005",
                )
            )
    return found
