"""The WSGI middleware: reads ``environ``, asks the policy, and adds headers.

It never reads, buffers or copies the body: preflights are answered here with an empty
body, and every other response is the application's own iterable, returned as is, so
``close()``, ``wsgi.file_wrapper`` and streaming keep working.
"""

from __future__ import annotations

import logging
import os
from types import MethodType
from typing import TYPE_CHECKING, Any

from . import config
from .policy import (
    METHOD,
    ORIGIN,
    PATH,
    REQUEST_HEADERS,
    REQUEST_METHOD,
    REQUEST_PRIVATE_NETWORK,
    Decision,
    Policy,
    ResourcePolicy,
    decide,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from types import TracebackType

    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from typing_extensions import Unpack  # typing.Unpack from Python 3.11; only mypy reads it

    from .options import CORSOptions

    ExcInfo = tuple[type[BaseException], BaseException, TracebackType] | tuple[None, None, None]

_log = logging.getLogger("wsgi_cors")
_DEBUG = logging.DEBUG
_debug_enabled = _log.isEnabledFor
# The logger's memo of isEnabledFor's answers, which logging clears (never replaces) whenever
# a level changes. A remembered False (the usual answer) is read without a call; anything
# else asks isEnabledFor, so the check always answers as isEnabledFor would.
_memo_get = getattr(_log, "_cache", {}).get  # bound once: a method lookup per request costs more

__all__ = ["ERROR_RESPONSE", "CORSMiddleware", "decide", "merge_headers", "trace"]

#: Set this ``environ`` key when a framework builds an error page without passing
#: ``exc_info`` (Flask does): with ``intercept_exceptions=False`` that response stays bare.
ERROR_RESPONSE = "wsgi_cors.error_response"


class CORSMiddleware:
    """Answer browsers' CORS questions for any WSGI application.

    Wrap the application once, at start-up::

        from wsgi_cors import CORSMiddleware

        app = CORSMiddleware(app, origins=["https://app.example.com"], supports_credentials=True)
        flask_app.wsgi_app = CORSMiddleware(flask_app.wsgi_app, resources=r"/api/*")

    The options are flask-cors's, with the same names and defaults (see :data:`DEFAULTS`),
    plus ``preflight_status``. They are validated here: a bad value raises
    :class:`~wsgi_cors.ConfigurationError` or :class:`~wsgi_cors.ConfigurationTypeError`
    naming the option and the fix, and risky ones warn with
    :class:`~wsgi_cors.CORSSecurityWarning`.
    """

    def __init__(self, app: WSGIApplication, **options: Unpack[CORSOptions]) -> None:
        self.app = app
        self.policy = Policy.from_options(options)
        self._resource_for = self.policy.resource_for
        # The default resources=r"/*" covers every path: no path to match at all.
        self._everywhere = self.policy.everywhere
        # select() as defined here only reads PATH_INFO: __call__ then skips it and asks the
        # policy itself. A subclass that selects otherwise keeps its select().
        self._by_path = self._resource_for if type(self).select is CORSMiddleware.select else None

    def select(self, environ: WSGIEnvironment) -> ResourcePolicy | None:
        """The resource whose policy decides this request, or ``None`` to pass it through.

        By path here; an adapter that must route first (the Flask adapter, for decorated
        views and blueprints) overrides this, and sets ``_everywhere`` (the resource that
        answers every request without a selection) only while no routing is needed.
        """
        return self._resource_for(environ.get("PATH_INFO", ""))

    @classmethod
    def from_env(
        cls,
        app: WSGIApplication,
        environ: Mapping[str, str] | None = None,
        prefix: str = config.DEFAULT_PREFIX,
        defaults: Mapping[str, Any] | None = None,
    ) -> CORSMiddleware:
        """Configure from ``CORS_*`` environment variables, for server entrypoints.

        ``CORS_ORIGINS=https://a.example,https://b.example``, ``CORS_SUPPORTS_CREDENTIALS=true``,
        ``CORS_MAX_AGE=600``, ``CORS_RESOURCES='{"/api/*": {}}'``: each variable is one option,
        read by its type (see :mod:`wsgi_cors.config`). Variables override ``defaults``
        (keyword options set in code). A malformed or unknown ``CORS_*`` variable raises
        :class:`~wsgi_cors.ConfigurationError` naming it, so a typo fails the start-up
        instead of leaving the default ``*`` in force.
        """
        gathered = config.from_env(os.environ if environ is None else environ, prefix)
        return gathered.build(cls, app, defaults)

    @classmethod
    def from_mapping(
        cls, app: WSGIApplication, mapping: Mapping[str, Any] | object, prefix: str = config.DEFAULT_PREFIX
    ) -> CORSMiddleware:
        """Configure from loaded settings: a TOML/YAML table, or a Django settings module.

        Keys are option names (``origins``) or ``CORS_*`` names in any case (``CORS_ORIGINS``);
        an unknown one is an error with a did-you-mean. An object that is not a mapping
        (``django.conf.settings``) contributes its ``CORS_*`` attributes only.
        """
        return config.from_mapping(mapping, prefix).build(cls, app)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        resource = self._everywhere
        if resource is None:
            by_path = self._by_path
            resource = self.select(environ) if by_path is None else by_path(environ.get(PATH, ""))
            if resource is None:
                return self.app(environ, start_response)
        # decide(resource, environ), spelt out: one call less on every request.
        # tests/core/test_middleware_fast_path.py holds the two to the same answers.
        origin = environ.get(ORIGIN)
        if origin is None:
            decision = resource.originless
        elif REQUEST_METHOD in environ and environ.get(METHOD) == "OPTIONS":
            decision = resource.preflight(
                origin,
                environ[REQUEST_METHOD],
                environ.get(REQUEST_HEADERS, ""),
                environ.get(REQUEST_PRIVATE_NETWORK),
            )
            if _memo_get(_DEBUG, True) and _debug_enabled(_DEBUG):
                trace(environ, resource, decision)
            if decision.answer:
                return _answer_preflight(resource, decision, start_response)
        else:
            # Only a preflight is answered here: an actual request always reaches the app.
            # ``decisions`` is only added to, or replaced whole: a miss is decided afresh.
            decision = resource.decisions.get(origin) or resource.learn_actual(origin)
            if _memo_get(_DEBUG, True) and _debug_enabled(_DEBUG):
                trace(environ, resource, decision)
        if not decision.appended:
            return self.app(environ, start_response)
        # The wrapper is a module function bound to a tuple of what it needs (a bound method is
        # the cheapest callable to make and to call), rather than a closure: __call__ then
        # keeps no cells, which every request would pay for, wrapped or not.
        if resource.intercept_exceptions:
            return self.app(environ, MethodType(_start_with_cors, (start_response, decision)))
        return self.app(
            environ, MethodType(_start_with_cors_unless_error, (start_response, decision, environ))
        )


def _start_with_cors(
    bound: tuple[StartResponse, Decision],
    status: str,
    headers: list[tuple[str, str]],
    exc_info: ExcInfo | None = None,
) -> Any:
    """``start_response`` with the CORS headers merged in (see :func:`merge_headers`)."""
    start_response, decision = bound
    # merge_headers' scan, spelt out for the usual response, which sets none of the names it
    # looks for and so takes the decision's headers and Vary as they are; any other response
    # takes merge_headers itself.
    for header in headers:
        if len(header[0]) in _WATCHED_SIZES:
            return start_response(status, merge_headers(headers, decision.headers, decision.vary), exc_info)
    return start_response(status, [*headers, *decision.appended], exc_info)


def _start_with_cors_unless_error(
    bound: tuple[StartResponse, Decision, WSGIEnvironment],
    status: str,
    headers: list[tuple[str, str]],
    exc_info: ExcInfo | None = None,
) -> Any:
    """The same, for ``intercept_exceptions=False``: an error response stays bare."""
    start_response, decision, environ = bound
    if exc_info is not None or ERROR_RESPONSE in environ:
        return start_response(status, headers, exc_info)
    return _start_with_cors((start_response, decision), status, headers, exc_info)


def trace(environ: Mapping[str, Any], resource: ResourcePolicy, decision: Decision) -> None:
    """One DEBUG line for a decision; a refusal ends with its structured reason.

    Request values go through %r so that CR/LF in a path or origin cannot forge a log line.
    The record also carries the fields themselves (``cors_refusal``: the :class:`Refusal`
    value or ``None``, ``cors_detail``, ``cors_resource``), for handlers that log structured
    data. Callers check isEnabledFor first: a disabled trace must not cost a call per request.
    """
    refusal = decision.refusal
    fields = ""
    if refusal is not None:
        fields = f" [refusal={refusal.value}" + (" detail=%r]" if decision.detail else "]")
    args: tuple[object, ...] = (
        environ.get("REQUEST_METHOD"),
        environ.get("PATH_INFO", ""),
        environ.get("HTTP_ORIGIN"),
        resource.pattern,
        "granted" if decision.granted else "refused",
        decision.reason,
    )
    _log.debug(
        "%r %r from origin %r: resource %r, %s: %s" + fields,
        *args,
        *((decision.detail,) if refusal is not None and decision.detail else ()),
        extra={
            "cors_refusal": None if refusal is None else refusal.value,
            "cors_detail": decision.detail,
            "cors_resource": resource.pattern,
        },
    )


def _answer_preflight(
    resource: ResourcePolicy, decision: Decision, start_response: StartResponse
) -> Iterable[bytes]:
    start_response(resource.preflight_status, [*decision.appended, *resource.preflight_body])
    return []


# Headers the middleware adds to actual responses that an application may also set on its own.
_OWN_NAMES = frozenset({"access-control-allow-credentials", "access-control-expose-headers"})
# The lengths of every name merge_headers looks for. A name that lower-cases to ASCII keeps its
# length, so a name of any other length is none of them and is not lower-cased at all.
_WATCHED_SIZES = frozenset(len(name) for name in (*_OWN_NAMES, "access-control-allow-origin", "vary"))


def merge_headers(
    headers: list[tuple[str, str]], extra: tuple[tuple[str, str], ...], vary: str | None
) -> list[tuple[str, str]]:
    """A new header list: the application's, plus ``extra``, with ``vary`` merged in once.

    If the application answered CORS itself (it set ``Access-Control-Allow-Origin``), its
    headers are returned untouched: the application knows better than a blanket policy.
    The application's list is read once; most responses set none of the names looked for.
    """
    vary_header: tuple[str, str] | None = None
    vary_values: list[str] = []
    own: set[str] | None = None
    for header in headers:
        if len(header[0]) in _WATCHED_SIZES:
            lowered = header[0].lower()
            if lowered == "access-control-allow-origin":
                return headers
            if lowered == "vary":
                vary_header = header
                vary_values.append(header[1])
            elif lowered in _OWN_NAMES:
                own = {lowered} if own is None else own | {lowered}
    if own is not None:
        # The application set this header itself: a second copy would make the browser read
        # "true, true" (a failed credentials check) or a list it did not write.
        extra = tuple(header for header in extra if header[0].lower() not in own)
    if vary is None:
        return [*headers, *extra]
    if vary_header is None:
        return [*headers, *extra, ("Vary", vary)]
    merged = [*headers, *extra]
    present = {token.strip().lower() for value in vary_values for token in value.split(",")}
    if "*" in present:
        return merged
    missing = [token for token in vary.split(", ") if token.lower() not in present]
    if missing:
        # Into the last Vary header: no later header equals it, since an equal one is a Vary.
        vary_at = len(headers) - 1 - headers[::-1].index(vary_header)
        name, value = vary_header
        value = value.strip()
        merged[vary_at] = (name, ", ".join([value, *missing]) if value else ", ".join(missing))
    return merged
