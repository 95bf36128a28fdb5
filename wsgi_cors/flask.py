"""flask-cors's API on the one wsgi_cors policy: switch by changing one import line.

::

    from wsgi_cors.flask import CORS, cross_origin   # was: from flask_cors import ...

    CORS(app, resources={r"/api/*": {"origins": "https://app.example.com"}})

How it works, and why:

* ``CORS(app)`` wraps ``app.wsgi_app`` in :class:`FlaskCORSMiddleware`, so preflights are
  answered before any ``before_request`` hook (an auth hook can no longer refuse a
  preflight), and every response, including 404, 405, 500 and ``abort()``, gains its headers
  in ``start_response``. One middleware per application, found in
  ``app.extensions["wsgi_cors"]``; each ``init_app`` adds a policy to it.
* ``CORS(blueprint)`` and ``@cross_origin()`` cannot be decided from the path alone: which
  view serves ``/items`` is only known after routing (converters, ``strict_slashes``,
  hosts, ``SCRIPT_NAME``, redirects). Once an application has a decorated view or a
  blueprint policy, the middleware routes every request with Flask's own URL adapter and
  picks the decorator's policy for that view, else the blueprint's, else the application's;
  a routing redirect takes the policy of the view it leads to, and a preflight the one of
  the view serving the method it asks for (:mod:`wsgi_cors.flask_routing`). Applications
  without decorators or blueprint policies take the plain path lookup of the core
  middleware. The alternative, decorated views adding headers themselves as in flask-cors,
  would leave their preflights behind ``before_request`` hooks and their error responses
  without headers.
* A decorated view also works without ``CORS(app)``: with no middleware around it, the view
  itself asks the same policy and adds the headers to its response, as flask-cors does
  (preflights then run after ``before_request`` hooks; call ``CORS(app, resources=[])`` to
  get the middleware and its guarantees without any application-wide policy).
* ``intercept_exceptions=False`` keeps its documented meaning: a response that Flask's
  exception handling produced (``abort()``, 404, 405, 500, error handlers) gets no CORS
  headers. Flask calls ``start_response`` without ``exc_info`` for those, so the adapter
  marks the request in ``handle_user_exception`` / ``handle_exception``, for errors only:
  a redirect raised by routing is no error and keeps its headers.

Every decision, on every path, is :class:`~wsgi_cors.policy.ResourcePolicy`'s: this module
only chooses which policy applies and where its headers go. Where flask-cors is unsafe or
breaks the Fetch standard the answers differ on purpose; ``docs/migrating-from-flask-cors.md``
lists each difference.
"""

from __future__ import annotations

import difflib
import inspect
import logging
import warnings
import weakref
from collections.abc import Callable, Mapping
from functools import update_wrapper
from typing import TYPE_CHECKING, Any, TypeVar, cast

from flask import Blueprint, Flask, current_app, has_app_context, make_response, request
from werkzeug.datastructures import Headers
from werkzeug.exceptions import HTTPException

from .config import typed_value
from .errors import ConfigurationError, ConfigurationTypeError, describe
from .flask_routing import (
    VIEW_ATTRIBUTE,
    VIEW_MARK,
    FlaskCORSMiddleware,
    add_blueprint_policy,
    remove_blueprint_policy,
)
from .middleware import ERROR_RESPONSE, decide, merge_headers, trace
from .options import OPTION_NAMES, RESOURCE_OPTIONS, check_option_names
from .policy import Decision, Policy, ResourcePolicy

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue
    from typing_extensions import Unpack  # typing.Unpack from Python 3.11; only mypy reads it
    from werkzeug.wrappers import Response

    from .options import CORSOptions, ResourceOptions


__all__ = ["CONFIG_OPTIONS", "CORS", "FlaskCORSMiddleware", "cross_origin"]


#: ``app.config`` key -> option name: ``CORS_ORIGINS`` -> ``origins`` and so on.
CONFIG_OPTIONS: Mapping[str, str] = {f"CORS_{name.upper()}": name for name in sorted(OPTION_NAMES)}

# flask-cors's own README sets CORS_HEADERS, which no version ever read; it is ignored quietly.
_IGNORED_CONFIG = frozenset({"CORS_HEADERS"})

_EXTENSION = "wsgi_cors"
_log = logging.getLogger("wsgi_cors")

F = TypeVar("F", bound=Callable[..., Any])


def config_options(app: Flask, *, warn: bool = True) -> dict[str, object]:
    """The ``CORS_*`` settings of ``app.config`` as options; ``None`` values are unset.

    Text for a boolean or a number (``"true"``, ``"600"``, as ``from_prefixed_env`` or an
    env file leaves it) is read as :func:`wsgi_cors.config.from_env` reads it.

    A ``CORS_*`` key that is no option is ignored, as flask-cors does, but with a warning
    that names the likely intended key: a misspelt ``CORS_ORIGIN`` silently falling back to
    ``"*"`` is the kind of mistake a CORS layer must not hide.
    """
    options: dict[str, object] = {}
    for key, value in app.config.items():
        if not key.startswith("CORS_") or value is None:
            continue
        name = CONFIG_OPTIONS.get(key)
        if name is not None:
            options[name] = typed_value(name, value, f"app.config[{key!r}]")
        elif warn and key not in _IGNORED_CONFIG:
            close = difflib.get_close_matches(key, sorted(CONFIG_OPTIONS), n=1)
            fix = f"did you mean {close[0]!r}?" if close else f"use one of {sorted(CONFIG_OPTIONS)}"
            warnings.warn(
                f"app.config[{key!r}] is not a CORS option and is ignored. Fix: {fix}", stacklevel=4
            )
    return options


class _ViewCORS:
    """What ``@cross_origin(...)`` attached to a view: its options and its policy per app."""

    def __init__(self, options: Mapping[str, object]) -> None:
        self.options = dict(options)
        # Built now, without any app config, so a bad option fails at import time.
        self.default = _view_policy(self.options)
        self._per_app: weakref.WeakKeyDictionary[Flask, ResourcePolicy] = weakref.WeakKeyDictionary()

    def policy_for(self, app: Flask) -> ResourcePolicy:
        """The decorator's options over the app's ``CORS_*`` config (flask-cors precedence)."""
        policy = self._per_app.get(app)
        if policy is None:
            config = config_options(app, warn=False)
            config.pop("resources", None)  # a view is its own resource
            policy = self.default
            if config:
                policy = _view_policy({**config, **self.options}, _in_development(app))
            self._per_app[app] = policy
        return policy


def _view_policy(options: Mapping[str, object], development: bool = False) -> ResourcePolicy:
    return Policy.from_options({**options, "resources": r"/*"}, development=development).resources[0]


def _in_development(app: Flask) -> bool:
    """Flask says it runs in development or tests: ``debug=True`` is then not warned about."""
    return bool(app.debug or app.testing)


def _mark_errors(handler: Callable[[Exception], Any]) -> Callable[[Exception], Any]:
    def marking(error: Exception) -> Any:
        if _is_error(error):
            request.environ[ERROR_RESPONSE] = True
        return handler(error)

    return update_wrapper(marking, handler)


def _is_error(error: Exception) -> bool:
    """Whether Flask's exception handling is answering an error, not a redirect.

    Routing redirects (308 to add a slash, ``redirect_to`` rules) and ``abort(redirect(...))``
    pass through ``handle_user_exception`` too; they are no error responses, and browsers
    check CORS on each redirect hop, so they keep their headers under
    ``intercept_exceptions=False``.
    """
    if not isinstance(error, HTTPException):
        return True
    status = error.code if error.response is None else error.response.status_code
    return status is None or status >= 400


def _middleware_for(app: Flask) -> FlaskCORSMiddleware:
    """The application's middleware, installed around ``app.wsgi_app`` on first use."""
    middleware = app.extensions.get(_EXTENSION)
    if isinstance(middleware, FlaskCORSMiddleware):
        return middleware
    middleware = FlaskCORSMiddleware(app, app.wsgi_app)
    app.wsgi_app = middleware  # type: ignore[method-assign]
    # Instance attributes shadow the methods Flask calls when a view raises or aborts.
    app.handle_user_exception = _mark_errors(app.handle_user_exception)  # type: ignore[method-assign, assignment]
    app.handle_exception = _mark_errors(app.handle_exception)  # type: ignore[method-assign, assignment]
    app.register_blueprint = _adopting(app.register_blueprint, middleware)  # type: ignore[method-assign]
    app.extensions[_EXTENSION] = middleware
    middleware.adopt_blueprints()
    return middleware


def _adopting(register: Callable[..., None], middleware: FlaskCORSMiddleware) -> Callable[..., None]:
    """``app.register_blueprint`` that marks the blueprints as served by ``middleware``, so
    that ``CORS(blueprint)`` after registration reaches it even outside an app context."""

    def registering(blueprint: Blueprint, **options: Any) -> None:
        register(blueprint, **options)
        middleware.adopt_blueprints()

    return update_wrapper(registering, register)


def _install_on_registration(state: Any) -> None:
    _middleware_for(state.app)


def _register_blueprint(blueprint: Blueprint, policy: Policy) -> None:
    """Put the policy on the blueprint, and make sure every app serving it has a middleware."""
    served_by = add_blueprint_policy(blueprint, policy)
    try:
        blueprint.record(_install_on_registration)
        return
    except AssertionError:  # already registered: Flask takes no new setup functions
        pass
    if has_app_context() and any(bp is blueprint for bp in current_app.blueprints.values()):
        _middleware_for(_current_app()).changed()
        return
    if served_by:
        return  # its applications already have a middleware, which will see the new policy
    remove_blueprint_policy(blueprint, policy)
    raise ConfigurationError(
        describe(
            "CORS",
            blueprint,
            "the blueprint is already registered on an application that has no CORS middleware, "
            "and outside an application context there is no way to reach that application",
            "call CORS(blueprint) before app.register_blueprint(blueprint), or inside "
            "'with app.app_context():', or call CORS(app, resources=[]) first",
        )
    )


class CORS:
    """Cross-Origin Resource Sharing for a Flask application or blueprint, flask-cors style.

    ``CORS(app, **options)`` at once, or ``cors = CORS(**options)`` then
    ``cors.init_app(app)`` in an application factory (as often as there are apps). Options
    are flask-cors's (see :data:`wsgi_cors.DEFAULTS`); each resource's setting comes from,
    in order: its entry in ``resources``, the keyword arguments (``init_app``'s over the
    constructor's), ``app.config["CORS_*"]``, then the defaults. As in flask-cors,
    ``CORS(blueprint)`` reads no app config and applies to that blueprint's views only.
    Bad values fail here, naming the option and the fix.
    """

    def __init__(self, app: Flask | Blueprint | None = None, **options: Unpack[CORSOptions]) -> None:
        check_option_names(options, OPTION_NAMES, "CORS")
        self._options = options
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask | Blueprint, **options: Unpack[CORSOptions]) -> None:
        check_option_names(options, OPTION_NAMES, "CORS.init_app")
        if isinstance(app, Blueprint):
            _register_blueprint(app, Policy.from_options({**self._options, **options}))
        elif isinstance(app, Flask):
            policy = Policy.from_options(
                {**config_options(app), **self._options, **options}, development=_in_development(app)
            )
            _middleware_for(app).add(policy)
            # Views decorated so far read this app's config too: fail now, not on a request.
            for view in app.view_functions.values():
                spec = getattr(view, VIEW_ATTRIBUTE, None)
                if isinstance(spec, _ViewCORS):
                    spec.policy_for(app)
        else:
            raise ConfigurationTypeError(
                describe("CORS", app, "expected a Flask application or a Blueprint", "pass CORS(app)")
            )


def cross_origin(*args: object, **options: Unpack[ResourceOptions]) -> Callable[[F], F]:
    """CORS for one view, flask-cors style; place it below ``@app.route``.

    The view's settings win over any application-wide ``CORS`` for that view. With
    ``automatic_options`` (the default) the view's preflights are answered with its policy,
    and a plain ``OPTIONS`` gets Flask's usual answer.
    """
    if args:
        raise ConfigurationTypeError(
            describe(
                "cross_origin",
                args[0],
                "takes keyword options only",
                "write @cross_origin() with parentheses, or @cross_origin(origins=...)",
            )
        )
    check_option_names(options, RESOURCE_OPTIONS, "cross_origin")
    spec = _ViewCORS(options)
    automatic = options.get("automatic_options", True) is True

    def decorator(view: F) -> F:
        wrapped: Callable[..., Any]
        if inspect.iscoroutinefunction(view):

            async def async_view(*a: Any, **kw: Any) -> Any:
                if _middleware_did_it():
                    return await view(*a, **kw)
                early = _before_view(spec, automatic)
                if early is not None:
                    return early
                return _after_view(spec, await view(*a, **kw))

            wrapped = async_view
        else:

            def sync_view(*a: Any, **kw: Any) -> Any:
                if _middleware_did_it():
                    return view(*a, **kw)
                early = _before_view(spec, automatic)
                if early is not None:
                    return early
                return _after_view(spec, view(*a, **kw))

            wrapped = sync_view
        update_wrapper(wrapped, view)
        if automatic:
            # Route OPTIONS to this view (not Flask's automatic answer), so that without the
            # middleware the view can answer its preflights itself.
            routed: Any = wrapped
            routed.required_methods = {*getattr(view, "required_methods", ()), "OPTIONS"}
            routed.provide_automatic_options = False
        setattr(wrapped, VIEW_ATTRIBUTE, spec)
        return cast("F", wrapped)

    return decorator


def _middleware_did_it() -> bool:
    """The middleware applied this view's policy, and there is no OPTIONS to answer here."""
    environ = request.environ
    return environ.get(VIEW_MARK) is True and environ.get("REQUEST_METHOD") != "OPTIONS"


def _current_app() -> Flask:
    """The application itself, not its proxy: policies are cached per app in weak maps."""
    return cast("Flask", cast("Any", current_app)._get_current_object())


def _before_view(spec: _ViewCORS, automatic: bool) -> Response | None:
    """Answer here, before the view runs: a preflight, or Flask's usual OPTIONS answer."""
    if request.method != "OPTIONS" or not automatic:
        return None
    if request.environ.get(VIEW_MARK):  # the middleware answered any preflight already
        return current_app.make_default_options_response()
    resource = spec.policy_for(_current_app())
    decision = _decide_and_trace(resource)
    if decision.answer:
        response = current_app.response_class(status=int(resource.options.preflight_status[:3]))
        _set_headers(response, decision)
        return response
    response = current_app.make_default_options_response()
    _set_headers(response, decision)
    return response


def _after_view(spec: _ViewCORS, rv: ResponseReturnValue) -> ResponseReturnValue:
    if request.environ.get(VIEW_MARK):
        return rv  # the middleware adds the headers in start_response
    response = make_response(rv)
    _set_headers(response, _decide_and_trace(spec.policy_for(_current_app())))
    return response


def _decide_and_trace(resource: ResourcePolicy) -> Decision:
    """The view's decision, logged as the middleware logs its own (a view without it)."""
    decision = decide(resource, request.environ)
    if "HTTP_ORIGIN" in request.environ and _log.isEnabledFor(logging.DEBUG):
        trace(request.environ, resource, decision)
    return decision


def _set_headers(response: Response, decision: Decision) -> None:
    if decision.appended:
        response.headers = Headers(
            merge_headers(list(response.headers.items()), decision.headers, decision.vary)
        )
