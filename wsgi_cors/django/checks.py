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
