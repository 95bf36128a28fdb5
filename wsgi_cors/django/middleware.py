"""The Django middleware: selects the policy for a request and puts its headers on the response.

Every decision is :func:`wsgi_cors.policy.decide`'s. This class only chooses which policy
applies (the one configured for ``CORS_URLS_REGEX``, or the one a ``check_request_enabled``
receiver enables) and where the headers go (a preflight answer of its own, or the view's
response).
"""

from __future__ import annotations

import logging
import warnings
from typing import TYPE_CHECKING, Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.http import HttpResponse

from ..errors import CORSSecurityWarning
from ..fetch import wsgi_path_info
from ..middleware import merge_headers, trace
from ..policy import ORIGIN, Decision, Kind, Refusal, ResourcePolicy, decide
from . import conf
from .signals import check_request_enabled

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from django.http import HttpRequest
    from django.http.response import HttpResponseBase

    GetResponse = (
        Callable[[HttpRequest], HttpResponseBase] | Callable[[HttpRequest], Awaitable[HttpResponseBase]]
    )

_log = logging.getLogger("wsgi_cors")

Plan = tuple[ResourcePolicy, Decision]

# Refusals of the origin itself: a receiver's yes cannot turn them into a grant (a malformed
# or overlong Origin is never echoed, whoever vouches for it), so receivers are not asked.
_ORIGIN_REFUSALS = frozenset({Refusal.ORIGIN_MALFORMED, Refusal.ORIGIN_TOO_LONG, Refusal.ORIGIN_REFUSED})


class CorsMiddleware:
    """django-cors-headers's ``CorsMiddleware``, on the wsgi_cors policy.

    Put it first in ``MIDDLEWARE`` (above ``CommonMiddleware``, authentication and CSRF), so
    that preflights are answered before anything below can refuse or redirect them::

        INSTALLED_APPS = [..., "wsgi_cors.django"]
        MIDDLEWARE = ["wsgi_cors.django.CorsMiddleware", ...]
        CORS_ALLOWED_ORIGINS = ["https://app.example.com"]

    The settings are read once, here, and again after ``override_settings`` changes a
    ``CORS_*`` one; an invalid one raises :class:`~django.core.exceptions.ImproperlyConfigured`
    naming the setting, the value and the fix (``manage.py check`` reports the same, with ids).
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            # Django then awaits this instance; __call__ hands async requests to __acall__.
            markcoroutinefunction(self)
        self._built: conf.Built | None = _build()
        # Counts settings changes, so a build that overlapped one is used once, never kept.
        self._generation = 0
        # A weak reference (the default): the receiver goes away with the middleware.
        setting_changed.connect(self._setting_changed)

    def _setting_changed(self, *, setting: str, **kwargs: Any) -> None:
        if setting.startswith("CORS_") or setting == "DEBUG":
            # Rebuilt on the next request; an invalid override then fails that request.
            self._generation += 1
            self._built = None

    def _policies(self) -> conf.Built:
        built = self._built
        if built is None:
            generation = self._generation
            built = _build()
            if generation == self._generation:
                self._built = built
        return built

    def __call__(self, request: HttpRequest) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        plan, alternative = _plan(self._policies(), request)
        if alternative is not None and _enabled_by_receivers(request):
            plan = alternative
        if plan is None:
            return self.get_response(request)
        resource, decision = plan
        if _log.isEnabledFor(logging.DEBUG) and ORIGIN in request.META:
            _trace_plan(request, resource, decision)
        if decision.answer:
            return _preflight_response(resource, decision)
        response = self.get_response(request)
        _add_headers(response, decision)
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        plan, alternative = _plan(self._policies(), request)
        if alternative is not None and await _enabled_by_receivers_async(request):
            plan = alternative
        if plan is None:
            response: HttpResponseBase = await self.get_response(request)
            return response
        resource, decision = plan
        if _log.isEnabledFor(logging.DEBUG) and ORIGIN in request.META:
            _trace_plan(request, resource, decision)
        if decision.answer:
            return _preflight_response(resource, decision)
        response = await self.get_response(request)
        _add_headers(response, decision)
        return response


def _build() -> conf.Built:
    """The policies for the current settings; errors stop start-up, warnings are emitted."""
    built, problems = conf.build(settings)
    errors = [problem for problem in problems if problem.level == "error"]
    if built is None or errors:
        raise ImproperlyConfigured("; ".join(conf.describe_problem(problem) for problem in errors))
    for problem in problems:
        if problem.id == conf.SECURITY:
            warnings.warn(conf.describe_problem(problem), CORSSecurityWarning, stacklevel=3)
        else:
            _log.warning("%s", conf.describe_problem(problem))
    return built


def _plan(built: conf.Built, request: HttpRequest) -> tuple[Plan | None, Plan | None]:
    """The plan the settings give, and the one to take instead if a receiver enables CORS.

    ``None`` as the first: not a CORS path, leave the request alone. The second is ``None``
    when no receiver's answer could change the outcome, so receivers are asked only when
    the configured policy would not grant, and only about a well-formed origin.
    """
    meta = request.META
    path = request.path_info
    # The core selects by PATH_INFO as a WSGI server hands it over; Django's is decoded text.
    resource = built.policy.resource_for(path if path.isascii() else wsgi_path_info(path))
    if resource is not None:
        decision = decide(resource, meta)
        if decision.refusal is not Refusal.ORIGIN_REFUSED or not check_request_enabled.has_listeners():
            return (resource, decision), None
        return (resource, decision), _alternative(built.signal_resource, meta)
    if not check_request_enabled.has_listeners():
        return None, None
    # A receiver may enable this path for some origins: whatever it answers, the response
    # depends on Origin, and a cache must know (the originless answer carries that Vary).
    signal_resource = built.signal_resource
    unenabled = (signal_resource, signal_resource.originless)
    if ORIGIN not in meta:
        return unenabled, None
    return unenabled, _alternative(signal_resource, meta)


def _trace_plan(request: HttpRequest, resource: ResourcePolicy, decision: Decision) -> None:
    if decision.kind is Kind.NO_ORIGIN:
        # The request has an Origin: this is the plan of a path no receiver enabled.
        _log.debug(
            "%r %r from origin %r: outside CORS_URLS_REGEX, and no check_request_enabled receiver enabled it",
            request.method,
            request.path_info,
            request.META.get(ORIGIN),
        )
    else:
        trace(request.META, resource, decision)


def _alternative(signal_resource: ResourcePolicy, meta: Any) -> Plan | None:
    decision = decide(signal_resource, meta)
    if decision.refusal in _ORIGIN_REFUSALS:
        return None
    return signal_resource, decision


def _enabled_by_receivers(request: HttpRequest) -> bool:
    answers = check_request_enabled.send(sender=None, request=request)
    return _any_yes(answers, request)


async def _enabled_by_receivers_async(request: HttpRequest) -> bool:
    send_async = getattr(check_request_enabled, "asend", None)  # Django 5.0 and later
    if send_async is None:
        answers = await sync_to_async(check_request_enabled.send)(sender=None, request=request)
    else:
        answers = await send_async(sender=None, request=request)
    return _any_yes(answers, request)


def _any_yes(answers: list[tuple[Any, Any]], request: HttpRequest) -> bool:
    for receiver, answer in answers:
        if answer:
            if _log.isEnabledFor(logging.DEBUG):
                _log.debug(
                    "%r %r from origin %r: enabled by check_request_enabled receiver %r",
                    request.method,
                    request.path_info,
                    request.META.get(ORIGIN),
                    receiver,
                )
            return True
    return False


def _preflight_response(resource: ResourcePolicy, decision: Decision) -> HttpResponse:
    response = HttpResponse(status=int(resource.preflight_status[:3]))
    del response["Content-Type"]  # the preflight body's own headers follow, if any
    # The WSGI middleware's answer, header for header.
    for name, value in (*decision.appended, *resource.preflight_body):
        response[name] = value
    return response


def _add_headers(response: HttpResponseBase, decision: Decision) -> None:
    """The decision's headers on the view's response, merged as the WSGI middleware merges
    them (:func:`wsgi_cors.middleware.merge_headers`): ``Vary`` once, the view's own
    ``Access-Control-Allow-Origin`` left alone."""
    if not decision.appended:
        return
    current = list(response.items())
    merged = merge_headers(current, decision.headers, decision.vary)
    if merged is current:
        return
    headers = response.headers
    # merge_headers keeps the response's headers in place (only Vary may be rewritten) and
    # appends the rest: write back just what changed.
    count = len(current)
    for index in range(count):
        if merged[index] != current[index]:
            headers[merged[index][0]] = merged[index][1]
    for name, value in merged[count:]:
        headers[name] = value
