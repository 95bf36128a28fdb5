"""Which policy applies to a Flask request: the one of the view Flask will dispatch it to.

The path alone cannot say which view serves a request: converters, ``strict_slashes``,
``merge_slashes``, hosts and subdomains, ``SCRIPT_NAME`` and redirects all take part. So once
an application has a decorated view or a blueprint policy, :class:`FlaskCORSMiddleware`
routes every request with Flask's own URL adapter (``app.create_url_adapter`` and
``MapAdapter.match``, as Flask does) and picks, for the endpoint found: the view's
``@cross_origin`` policy, else its innermost blueprint's, else the application's. A routing
redirect takes the policy of the view it leads to, since browsers check CORS on every hop.
An application with neither takes the plain path lookup and is never routed here; once it
has served a request, while its newest application-wide policy covers every path, it skips
selection altogether (see :meth:`FlaskCORSMiddleware._shortcut`).

What the middleware knows about the application (blueprint policies, whether to route, its
caches) is one immutable :class:`Routing`, built aside and published in one
assignment: a request running during a rebuild sees the old state or the new, never half.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple, Protocol
from urllib.parse import unquote, urlsplit

from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import RequestRedirect

from .fetch import wsgi_path_info, wsgi_path_text
from .middleware import CORSMiddleware
from .policy import Policy, ResourcePolicy

if TYPE_CHECKING:
    from collections.abc import Iterator

    from _typeshed.wsgi import WSGIApplication, WSGIEnvironment
    from flask import Flask
    from flask.sansio.blueprints import Blueprint
    from werkzeug.routing import MapAdapter

__all__ = [
    "VIEW_ATTRIBUTE",
    "VIEW_MARK",
    "FlaskCORSMiddleware",
    "Routing",
    "ViewPolicy",
    "add_blueprint_policy",
    "blueprint_policies",
    "remove_blueprint_policy",
]

_log = logging.getLogger("wsgi_cors")

_ACRM = "HTTP_ACCESS_CONTROL_REQUEST_METHOD"

#: The attribute ``@cross_origin`` sets on a view: its :class:`ViewPolicy`.
VIEW_ATTRIBUTE = "_wsgi_cors_view"

#: Request mark in ``environ``: the middleware applied the policy of the decorated view that
#: will run, so the view adds no headers itself.
VIEW_MARK = "wsgi_cors.flask.view"

# On a Blueprint: its policies, newest first, and the middlewares of the apps serving it.
_POLICIES = "_wsgi_cors_policies"
_SERVED_BY = "_wsgi_cors_served_by"

_MAX_ADAPTERS = 64
_MAX_SELECTIONS = 1024
# werkzeug's own redirects take one hop (or two: an alias, then a slash); more is a loop.
_MAX_REDIRECTS = 8


class ViewPolicy(Protocol):
    """What ``@cross_origin`` attaches to a view: its policy, given the app's config."""

    def policy_for(self, app: Flask) -> ResourcePolicy: ...


def blueprint_policies(blueprint: Blueprint) -> list[Policy]:
    """The ``CORS(blueprint)`` policies of a blueprint, newest first (empty if none)."""
    policies: list[Policy] = getattr(blueprint, _POLICIES, [])
    return policies


def add_blueprint_policy(blueprint: Blueprint, policy: Policy) -> list[FlaskCORSMiddleware]:
    """Put a policy on the blueprint; returns the middlewares of apps that already serve it.

    Those middlewares are told, so that a ``CORS(blueprint)`` after registration (even after
    the first request) takes effect on the next request.
    """
    setattr(blueprint, _POLICIES, [policy, *blueprint_policies(blueprint)])
    middlewares = list(getattr(blueprint, _SERVED_BY, ()))
    for middleware in middlewares:
        middleware.changed()
    return middlewares


def remove_blueprint_policy(blueprint: Blueprint, policy: Policy) -> None:
    setattr(blueprint, _POLICIES, [kept for kept in blueprint_policies(blueprint) if kept is not policy])


class Routing(NamedTuple):
    """What the middleware knows of the application, for one state of its views and blueprints.

    ``seen`` is the change key it was built for. ``blueprints`` maps a blueprint's full
    (dotted) name to its policies. ``routed`` is False when no view has a policy of its own:
    then the application-wide policy decides by path, without routing. ``adapters`` caches
    Flask's URL adapter per host, ``selections`` the answer per request key (see
    :meth:`FlaskCORSMiddleware.select`); both are bounded, belong to this state and die
    with it.
    """

    seen: tuple[int, int, int]
    blueprints: Mapping[str, tuple[Policy, ...]]
    routed: bool
    adapters: dict[tuple[object, ...], MapAdapter | None]
    selections: dict[tuple[object, ...], tuple[ResourcePolicy | None, bool]]


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
        # Bumped by CORS(blueprint) on a blueprint this app already serves.
        self._changes = 0
        self._routing = Routing((-1, -1, -1), {}, False, {}, {})

    def add(self, policy: Policy) -> None:
        self.policies = [policy, *self.policies]
        self.policy = policy
        self.changed()  # cached selections may hold the previous application-wide answer

    def changed(self) -> None:
        """A policy was added (to the app or one of its blueprints): rebuild the state."""
        self._changes += 1
        # After the count: a select() that takes the shortcut before this line sees the new
        # count when it checks again (see _shortcut); one that took it earlier is undone here.
        self._everywhere = None

    def adopt_blueprints(self) -> None:
        """Mark each blueprint of the app as served here, nested ones included, so that a
        later ``CORS(blueprint)`` outside any app context can still reach this middleware."""
        pending = list(self.flask_app.blueprints.values())
        while pending:
            blueprint = pending.pop()
            served_by: weakref.WeakSet[FlaskCORSMiddleware] | None = getattr(blueprint, _SERVED_BY, None)
            if served_by is None:
                served_by = weakref.WeakSet()
                setattr(blueprint, _SERVED_BY, served_by)
            if self not in served_by:
                served_by.add(self)
                # Children registered through this one (Flask registers them right after it).
                pending.extend(child for child, _ in getattr(blueprint, "_blueprints", ()))

    def _key(self) -> tuple[int, int, int]:
        """Changes to notice: Flask refuses new views and blueprints once it has served a
        request, so counting them (and CORS(blueprint) calls) catches every change."""
        app = self.flask_app
        return (len(app.view_functions), len(app.blueprints), self._changes)

    def _rebuild(self) -> Routing:
        key = self._key()  # taken first: a change during the build leaves the state stale
        app = self.flask_app
        self.adopt_blueprints()
        blueprints = {
            name: tuple(policies)
            for name, blueprint in app.blueprints.items()
            if (policies := blueprint_policies(blueprint))
        }
        routed = any(
            hasattr(view, VIEW_ATTRIBUTE) or next(_enclosing(blueprints, endpoint), None) is not None
            for endpoint, view in app.view_functions.items()
        )
        routing = Routing(key, blueprints, routed, {}, {})
        self._routing = routing  # the one publication
        return routing

    def _app_resource(self, path: str) -> ResourcePolicy | None:
        for policy in self.policies:
            resource = policy.everywhere or policy.resource_for(path)
            if resource is not None:
                return resource
        return None

    def select(self, environ: WSGIEnvironment) -> ResourcePolicy | None:
        """The policy of the view Flask will dispatch this request to (see the module).

        Works on any WSGI environ, inside a request or not: ``wsgi-cors explain`` calls it
        on a made-up one to answer exactly as the server does.
        """
        routing = self._routing
        if routing.seen != self._key():
            routing = self._rebuild()
        path = environ.get("PATH_INFO", "")
        if not routing.routed:
            self._shortcut(routing)
            return self._app_resource(path)
        # Everything Flask's routing reads from a request is in the key (host, mount, scheme,
        # path, method), so a request seen before is one lookup instead of one match().
        method = environ.get("REQUEST_METHOD")
        # As _dispatched reads it (any case of OPTIONS), so the key holds what routing used.
        asked = environ.get(_ACRM) if str(method).upper() == "OPTIONS" and "HTTP_ORIGIN" in environ else None
        key = (*_adapter_key(environ), path, method, asked)
        selections = routing.selections
        selected = selections.get(key)
        if selected is None:
            selected = self._route(routing, environ, path)
            if len(selections) >= _MAX_SELECTIONS:
                selections.clear()
            selections[key] = selected
        resource, view_runs = selected
        if view_runs:
            environ[VIEW_MARK] = True
        return resource

    def _shortcut(self, routing: Routing) -> None:
        """Skip selection altogether while the newest application-wide policy answers for
        every path and no view needs routing.

        Only once Flask has served a request: it then refuses new views and blueprints (its
        setup methods raise), so only a new policy can change the selection, and ``changed``
        turns the shortcut off before it rebuilds.
        """
        policies = self.policies
        newest = policies[0].everywhere if policies else None
        if newest is None or not getattr(self.flask_app, "_got_first_request", False):
            return
        self._everywhere = newest
        # Written first, checked after: a change that raced this call is seen here or, if it
        # counts later, clears the shortcut itself (see changed).
        if self._key() != routing.seen or self.policies is not policies:
            self._everywhere = None

    def _route(
        self, routing: Routing, environ: WSGIEnvironment, path: str
    ) -> tuple[ResourcePolicy | None, bool]:
        """The policy, and whether it is a decorated view's that will run for this request."""
        dispatched = self._dispatched(routing, environ)
        if dispatched is None:
            return self._app_resource(path), False
        endpoint, served = dispatched
        app = self.flask_app
        spec: ViewPolicy | None = getattr(app.view_functions.get(endpoint), VIEW_ATTRIBUTE, None)
        if spec is not None:
            return spec.policy_for(app), served is environ  # not a redirect to the view
        served_path = served.get("PATH_INFO", "")
        for policy in _enclosing(routing.blueprints, endpoint):
            resource = policy.resource_for(served_path)
            if resource is not None:
                return resource, False
        return self._app_resource(served_path), False

    def _dispatched(self, routing: Routing, environ: WSGIEnvironment) -> tuple[str, WSGIEnvironment] | None:
        """The endpoint Flask serves this request with, and the environ of the request that
        reaches it (another one after a redirect); ``None`` when Flask answers no view."""
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        try:
            if method == "OPTIONS" and _ACRM in environ and "HTTP_ORIGIN" in environ:
                # A preflight speaks for the request that follows: route the method it asks for.
                try:
                    return self._follow(routing, environ, str(environ[_ACRM]).upper())
                except MethodNotAllowed:
                    pass  # no view takes that method here: the one answering OPTIONS decides
            return self._follow(routing, environ, method)
        except HTTPException:  # 404, 405 and the like: Flask answers without a view
            return None

    def _follow(
        self, routing: Routing, environ: WSGIEnvironment, method: str
    ) -> tuple[str, WSGIEnvironment] | None:
        """Match as Flask does, following routing redirects to the view they lead to."""
        for _ in range(_MAX_REDIRECTS):
            adapter = self._adapter(routing, environ)
            if adapter is None:
                return None
            try:
                endpoint = adapter.match(wsgi_path_text(environ.get("PATH_INFO", "")), method=method)[0]
            except RequestRedirect as redirect:
                target = self._redirected(environ, adapter, redirect.new_url)
                if target is None:
                    return None
                environ = target
                continue
            return str(endpoint), environ
        return None

    def _redirected(self, environ: WSGIEnvironment, adapter: MapAdapter, url: str) -> WSGIEnvironment | None:
        """The environ of the request a redirect leads to, if this application serves it."""
        parts = urlsplit(url)
        if parts.netloc != adapter.get_host(None):
            app = self.flask_app
            other_subdomain = app.subdomain_matching and parts.netloc.endswith(f".{adapter.server_name}")
            if not (app.url_map.host_matching or other_subdomain):
                return None  # another site: no view of ours
        root = adapter.script_name.rstrip("/")
        path = unquote(parts.path)
        if root and not path.startswith(f"{root}/"):
            return None  # outside this application's mount
        target = dict(environ)
        target["HTTP_HOST"] = parts.netloc
        target["wsgi.url_scheme"] = parts.scheme or environ.get("wsgi.url_scheme", "http")
        target["PATH_INFO"] = wsgi_path_info(path[len(root) :])
        target.pop(VIEW_MARK, None)
        return target

    def _adapter(self, routing: Routing, environ: WSGIEnvironment) -> MapAdapter | None:
        """Flask's own URL adapter for the request's host, cached: building one costs more
        than matching. Bounded, since the Host header is the client's to choose."""
        key = _adapter_key(environ)
        adapters = routing.adapters
        try:
            return adapters[key]
        except KeyError:
            pass
        app = self.flask_app
        try:
            adapter = app.create_url_adapter(app.request_class(environ))
        except Exception:  # e.g. an untrusted Host: Flask will refuse the request itself
            _log.debug("no URL adapter for host %r", environ.get("HTTP_HOST"), exc_info=True)
            adapter = None
        if len(adapters) >= _MAX_ADAPTERS:
            adapters.clear()
        adapters[key] = adapter
        return adapter


def _adapter_key(environ: WSGIEnvironment) -> tuple[object, ...]:
    """What Flask's URL adapter is built from: host, mount, scheme and a WebSocket upgrade."""
    return (
        environ.get("HTTP_HOST"),
        environ.get("SERVER_NAME"),
        environ.get("SERVER_PORT"),
        environ.get("wsgi.url_scheme"),
        environ.get("SCRIPT_NAME"),
        environ.get("HTTP_CONNECTION"),
        environ.get("HTTP_UPGRADE"),
    )


def _enclosing(blueprints: Mapping[str, tuple[Policy, ...]], endpoint: str) -> Iterator[Policy]:
    """The policies of the endpoint's blueprints, innermost first (``a.b.view``: a.b, a)."""
    name = endpoint.rpartition(".")[0]
    while name:
        yield from blueprints.get(name, ())
        name = name.rpartition(".")[0]
