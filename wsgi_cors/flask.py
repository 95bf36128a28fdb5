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
  view serves ``/items`` is only known after routing. Once an application has a decorated
  view or a blueprint policy, the middleware asks the Flask URL map for the endpoint
  (``app.create_url_adapter(...).match()``, the same adapter Flask builds, so host and
  subdomain matching agree) and picks the decorator's policy for that view, else the
  blueprint's, else the application's. For a preflight it matches the method being asked
  for, so the answer is the one of the view that will serve the actual request. Only paths
  that begin like one of those views' routes are matched (a ``startswith`` on a tuple
  settles the rest), and the URL adapter is cached per host, so a routed request costs one
  ``match()``; applications without decorators or blueprint policies take the plain path
  lookup of the core middleware. The alternative, decorated views adding headers
  themselves as in flask-cors, would leave their preflights behind ``before_request``
  hooks and their error responses without headers.
* A decorated view also works without ``CORS(app)``: with no middleware around it, the view
  itself asks the same policy and adds the headers to its response, as flask-cors does
  (preflights then run after ``before_request`` hooks; call ``CORS(app, resources=[])`` to
  get the middleware and its guarantees without any application-wide policy).
* ``intercept_exceptions=False`` keeps its documented meaning: a response that Flask's
  exception handling produced (``abort()``, 404, 405, 500, error handlers) gets no CORS
  headers. Flask calls ``start_response`` without ``exc_info`` for those, so the adapter
  marks the request in ``handle_user_exception`` / ``handle_exception``.

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
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from .errors import ConfigurationError, ConfigurationTypeError, describe
from .middleware import ERROR_RESPONSE, CORSMiddleware, decide, merge_headers
from .options import OPTION_NAMES, RESOURCE_OPTIONS, check_option_names
from .policy import Decision, Policy, ResourcePolicy

if TYPE_CHECKING:
    from collections.abc import Iterator

    from _typeshed.wsgi import WSGIApplication, WSGIEnvironment
    from flask.typing import ResponseReturnValue
    from werkzeug.routing import MapAdapter
    from werkzeug.wrappers import Response


__all__ = ["CONFIG_OPTIONS", "CORS", "FlaskCORSMiddleware", "cross_origin"]

_log = logging.getLogger("wsgi_cors")

#: ``app.config`` key -> option name: ``CORS_ORIGINS`` -> ``origins`` and so on.
CONFIG_OPTIONS: Mapping[str, str] = {f"CORS_{name.upper()}": name for name in sorted(OPTION_NAMES)}

# flask-cors's own README sets CORS_HEADERS, which no version ever read; it is ignored quietly.
_IGNORED_CONFIG = frozenset({"CORS_HEADERS"})

_ACRM = "HTTP_ACCESS_CONTROL_REQUEST_METHOD"

# Request mark in ``environ``: the middleware already applied a decorated view's policy.
# (Responses from Flask's exception handling are marked with the core's ERROR_RESPONSE.)
_VIEW_MARK = "wsgi_cors.flask.view"

_VIEW_ATTRIBUTE = "_wsgi_cors_view"
_MAX_ADAPTERS = 64
_EXTENSION = "wsgi_cors"

F = TypeVar("F", bound=Callable[..., Any])


def config_options(app: Flask, *, warn: bool = True) -> dict[str, object]:
    """The ``CORS_*`` settings of ``app.config`` as options; ``None`` values are unset.

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
            options[name] = value
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
            policy = _view_policy({**config, **self.options}) if config else self.default
            self._per_app[app] = policy
        return policy


def _view_policy(options: Mapping[str, object]) -> ResourcePolicy:
    return Policy.from_options({**options, "resources": r"/*"}).resources[0]


# Blueprint policies live here, not on the blueprint, so that CORS(bp) also works after the
# blueprint was registered (Flask refuses new setup functions on it then). Newest first.
_BLUEPRINTS: weakref.WeakKeyDictionary[object, list[Policy]] = weakref.WeakKeyDictionary()
_APPS: weakref.WeakSet[Flask] = weakref.WeakSet()
_generation = 0  # bumped on each CORS(bp), so middlewares know to look again


class FlaskCORSMiddleware(CORSMiddleware):
    """The WSGI middleware that ``CORS`` installs around ``app.wsgi_app``.

    A :class:`~wsgi_cors.CORSMiddleware` whose decisions come from the same
    :class:`~wsgi_cors.policy.ResourcePolicy`; what it adds is the choice of policy for
    views and blueprints, which needs the Flask URL map. ``policies`` holds the
    application-wide ones, newest first (flask-cors's order); ``policy`` is the newest.
    """

    def __init__(self, flask_app: Flask, app: WSGIApplication) -> None:
        super().__init__(app, resources=[])  # no application-wide policy until init_app adds one
        self.flask_app = flask_app
        self.policies: list[Policy] = []
        self._seen: tuple[int, int, int] | None = None
        self._blueprints: dict[str, list[Policy]] = {}
        # Static beginnings of the routes of decorated views and policy blueprints: a path
        # starting with none of them needs no routing. Empty: the application has none.
        self._scoped_prefixes: tuple[str, ...] = ()
        self._adapters: dict[tuple[object, ...], MapAdapter | None] = {}

    def add(self, policy: Policy) -> None:
        self.policies.insert(0, policy)
        self.policy = policy

    def _app_resource(self, path: str) -> ResourcePolicy | None:
        for policy in self.policies:
            resource = policy.everywhere or policy.resource_for(path)
            if resource is not None:
                return resource
        return None

    def _refresh(self) -> None:
        """Find decorated views and blueprint policies; re-run when views or CORS(bp) change.

        Flask refuses new routes once it has served a request, so counting views and
        blueprints (and CORS(bp) calls) is enough to notice every change.
        """
        app = self.flask_app
        self._seen = (len(app.view_functions), len(app.blueprints), _generation)
        self._blueprints = {name: _BLUEPRINTS[bp] for name, bp in app.blueprints.items() if bp in _BLUEPRINTS}
        scoped = {
            endpoint
            for endpoint, view in app.view_functions.items()
            if hasattr(view, _VIEW_ATTRIBUTE) or next(self._blueprint_policies(endpoint), None)
        }
        prefixes = {
            rule.rule.split("<", 1)[0] for rule in app.url_map.iter_rules() if rule.endpoint in scoped
        }
        self._scoped_prefixes = tuple(sorted(prefixes))
        self._adapters.clear()

    def _blueprint_policies(self, endpoint: str) -> Iterator[Policy]:
        """The policies of the endpoint's blueprints, innermost first (``a.b.view``: a.b, a)."""
        name = endpoint.rpartition(".")[0]
        while name:
            yield from self._blueprints.get(name, ())
            name = name.rpartition(".")[0]

    def _adapter(self, environ: WSGIEnvironment) -> MapAdapter | None:
        """Flask's own URL adapter for the request's host, cached: building one costs more
        than matching. Bounded, since the Host header is the client's to choose."""
        key = (
            environ.get("HTTP_HOST"),
            environ.get("SERVER_NAME"),
            environ.get("SERVER_PORT"),
            environ.get("wsgi.url_scheme"),
            environ.get("SCRIPT_NAME"),
            environ.get("HTTP_CONNECTION"),
            environ.get("HTTP_UPGRADE"),
        )
        try:
            return self._adapters[key]
        except KeyError:
            pass
        app = self.flask_app
        try:
            adapter = app.create_url_adapter(app.request_class(environ))
        except Exception:  # e.g. an untrusted Host: Flask will refuse the request itself
            _log.debug("no URL adapter for host %r", environ.get("HTTP_HOST"), exc_info=True)
            adapter = None
        if len(self._adapters) >= _MAX_ADAPTERS:
            self._adapters.clear()
        self._adapters[key] = adapter
        return adapter

    def _endpoint(self, environ: WSGIEnvironment, path: str) -> str | None:
        adapter = self._adapter(environ)
        if adapter is None:
            return None
        path = _wsgi_path(path)
        method = environ.get("REQUEST_METHOD", "GET")
        try:
            if method == "OPTIONS" and _ACRM in environ and "HTTP_ORIGIN" in environ:
                # A preflight speaks for the request that follows: route the method it asks for.
                try:
                    return str(adapter.match(path, method=str(environ[_ACRM]).upper())[0])
                except MethodNotAllowed:
                    pass
            return str(adapter.match(path, method=method)[0])
        except HTTPException:  # 404, 405 and redirects: no view, Flask answers them itself
            return None

    def _scoped_resource(self, environ: WSGIEnvironment, path: str) -> ResourcePolicy | None:
        endpoint = self._endpoint(environ, path)
        if endpoint is not None:
            view = self.flask_app.view_functions.get(endpoint)
            spec: _ViewCORS | None = getattr(view, _VIEW_ATTRIBUTE, None)
            if spec is not None:
                environ[_VIEW_MARK] = True
                return spec.policy_for(self.flask_app)
            for policy in self._blueprint_policies(endpoint):
                resource = policy.resource_for(path)
                if resource is not None:
                    return resource
        return self._app_resource(path)

    def select(self, environ: WSGIEnvironment) -> ResourcePolicy | None:
        """Route first where a decorated view or a blueprint policy may serve the path."""
        app = self.flask_app
        if self._seen != (len(app.view_functions), len(app.blueprints), _generation):
            self._refresh()
        path = environ.get("PATH_INFO", "")
        prefixes = self._scoped_prefixes
        if prefixes and path.startswith(prefixes):
            return self._scoped_resource(environ, path)
        return self._app_resource(path)


def _wsgi_path(path: str) -> str:
    """PATH_INFO as werkzeug routes it: WSGI's latin-1 string carries the UTF-8 bytes."""
    if path.isascii():
        return path
    try:
        return path.encode("latin-1").decode("utf-8", "replace")
    except UnicodeEncodeError:  # not a WSGI string after all: route it as it is
        return path


def _mark_errors(handler: Callable[[Exception], Any]) -> Callable[[Exception], Any]:
    def marking(error: Exception) -> Any:
        request.environ[ERROR_RESPONSE] = True
        return handler(error)

    return update_wrapper(marking, handler)


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
    app.extensions[_EXTENSION] = middleware
    _APPS.add(app)
    return middleware


def _install_on_registration(state: Any) -> None:
    _middleware_for(state.app)


def _register_blueprint(blueprint: Blueprint, policy: Policy) -> None:
    global _generation
    _BLUEPRINTS.setdefault(blueprint, []).insert(0, policy)
    _generation += 1
    try:
        blueprint.record(_install_on_registration)
        return
    except AssertionError:  # already registered: Flask takes no new setup functions
        pass
    if has_app_context() and any(bp is blueprint for bp in current_app.blueprints.values()):
        _middleware_for(_current_app())
        return
    if any(any(bp is blueprint for bp in app.blueprints.values()) for app in _APPS):
        return  # its applications already have a middleware, which will see the new policy
    _BLUEPRINTS[blueprint].remove(policy)
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

    def __init__(self, app: Flask | Blueprint | None = None, **options: Any) -> None:
        check_option_names(options, OPTION_NAMES, "CORS")
        self._options = options
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask | Blueprint, **options: Any) -> None:
        check_option_names(options, OPTION_NAMES, "CORS.init_app")
        if isinstance(app, Blueprint):
            _register_blueprint(app, Policy.from_options({**self._options, **options}))
        elif isinstance(app, Flask):
            policy = Policy.from_options({**config_options(app), **self._options, **options})
            _middleware_for(app).add(policy)
            # Views decorated so far read this app's config too: fail now, not on a request.
            for view in app.view_functions.values():
                spec = getattr(view, _VIEW_ATTRIBUTE, None)
                if isinstance(spec, _ViewCORS):
                    spec.policy_for(app)
        else:
            raise ConfigurationTypeError(
                describe("CORS", app, "expected a Flask application or a Blueprint", "pass CORS(app)")
            )


def cross_origin(*args: Any, **options: Any) -> Callable[[F], F]:
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
        setattr(wrapped, _VIEW_ATTRIBUTE, spec)
        return cast("F", wrapped)

    return decorator


def _middleware_did_it() -> bool:
    """The middleware applied this view's policy, and there is no OPTIONS to answer here."""
    environ = request.environ
    return environ.get(_VIEW_MARK) is True and environ.get("REQUEST_METHOD") != "OPTIONS"


def _current_app() -> Flask:
    """The application itself, not its proxy: policies are cached per app in weak maps."""
    return cast("Flask", cast("Any", current_app)._get_current_object())


def _before_view(spec: _ViewCORS, automatic: bool) -> Response | None:
    """Answer here, before the view runs: a preflight, or Flask's usual OPTIONS answer."""
    if request.method != "OPTIONS" or not automatic:
        return None
    if request.environ.get(_VIEW_MARK):  # the middleware answered any preflight already
        return current_app.make_default_options_response()
    resource = spec.policy_for(_current_app())
    decision = decide(resource, request.environ)
    if decision.answer:
        response = current_app.response_class(status=int(resource.options.preflight_status[:3]))
        _set_headers(response, decision)
        return response
    response = current_app.make_default_options_response()
    _set_headers(response, decision)
    return response


def _after_view(spec: _ViewCORS, rv: ResponseReturnValue) -> ResponseReturnValue:
    if request.environ.get(_VIEW_MARK):
        return rv  # the middleware adds the headers in start_response
    response = make_response(rv)
    _set_headers(response, decide(spec.policy_for(_current_app()), request.environ))
    return response


def _set_headers(response: Response, decision: Decision) -> None:
    if decision.headers or decision.vary:
        response.headers = Headers(
            merge_headers(list(response.headers.items()), decision.headers, decision.vary)
        )
