"""The exceptions and warning category that wsgi_cors raises at construction."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager


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


def describe(option: str, value: object, problem: str, fix: str) -> str:
    """One message shape for every configuration error: option, value, problem, fix."""
    return f"{option}={value!r}: {problem}. Fix: {fix}."


class ConfigurationErrors(ConfigurationError):
    """Every error found in one configuration, raised together so that one start-up shows them all.

    A :class:`ConfigurationError` (so a ``ValueError``): code that catches one error catches
    this too. ``errors`` holds each error, in the order found, each naming its option, value
    and fix. Only raised for two errors or more; a single error is raised as itself.
    """

    def __init__(self, errors: Iterable[WsgiCorsError]) -> None:
        self.errors: tuple[WsgiCorsError, ...] = tuple(errors)
        listed = "\n".join(f"  - {error}" for error in self.errors)
        super().__init__(f"{len(self.errors)} configuration errors:\n{listed}")


def combined(errors: Iterable[WsgiCorsError]) -> WsgiCorsError:
    """One error for several: the error itself when there is one, else a :class:`ConfigurationErrors`.

    Groups are flattened and repeated messages (an option shared by several resources) kept once.
    """
    flat: dict[str, WsgiCorsError] = {}
    for error in errors:
        for each in error.errors if isinstance(error, ConfigurationErrors) else (error,):
            flat.setdefault(str(each), each)
    found = list(flat.values())
    return found[0] if len(found) == 1 else ConfigurationErrors(found)


def with_source(error: WsgiCorsError, source: str) -> WsgiCorsError:
    """``error`` with ``source: `` before its message (before each message, for a group)."""
    if isinstance(error, ConfigurationErrors):
        return ConfigurationErrors(with_source(each, source) for each in error.errors)
    return type(error)(f"{source}: {error}")


class ErrorCollector:
    """Gathers the configuration errors of independent checks, to raise them all at the end."""

    def __init__(self) -> None:
        self.errors: list[WsgiCorsError] = []

    @contextmanager
    def collect(self) -> Iterator[None]:
        """Run the block; a configuration error in it is kept for :meth:`raise_any`, not raised."""
        try:
            yield
        except WsgiCorsError as error:
            self.errors.append(error)

    def raise_any(self) -> None:
        if self.errors:
            raise combined(self.errors)
