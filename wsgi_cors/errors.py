"""The exceptions and warning category that wsgi_cors raises at construction."""

from __future__ import annotations


class WsgiCorsError(Exception):
    """Base class, so callers can catch every wsgi_cors error with one clause."""


class ConfigurationError(WsgiCorsError, ValueError):
    """An option has a value that can never work; the message names the option and the fix."""


class ConfigurationTypeError(WsgiCorsError, TypeError, ValueError):
    """An option has a value of the wrong type; the message names the option and the fix.

    Also a ``ValueError``: flask-cors raises ``ValueError`` for such values, and code (and
    tests) written for it catch that.
    """


class CORSSecurityWarning(UserWarning):
    """A legal but risky setting.

    A category of its own so that deployments can escalate it with the standard filter,
    ``warnings.simplefilter("error", CORSSecurityWarning)`` before building the middleware.
    (``python -W error::wsgi_cors.CORSSecurityWarning`` is ignored: Python reads ``-W`` before
    installed packages are importable.)
    """


class CORSDebugWarning(CORSSecurityWarning):
    """``debug=True`` in a configuration that looks like production (see ``docs/options.md``).

    A :class:`CORSSecurityWarning`, so a deployment that escalates those refuses to start
    with debug mode left on.
    """


def describe(option: str, value: object, problem: str, fix: str) -> str:
    """One message shape for every configuration error: option, value, problem, fix."""
    return f"{option}={value!r}: {problem}. Fix: {fix}."
