"""The contenders: each CORS layer around the same application, configured per scenario.

Every contender names its bare base (the same application without CORS), so the cost a
layer adds is measured against the floor it actually sits on.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from werkzeug.test import EnvironBuilder

from wsgi_cors import CORSMiddleware

from .minimal import MinimalCORS
from .scenarios import Scenario

WSGIApp = Callable[..., Iterable[bytes]]
# What a builder returns: the application, or why the scenario cannot be expressed.
Built = WSGIApp | str

BODY = [b'{"ok": true}']


def bare_wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The floor: the cheapest honest WSGI application, with a fresh header list each call."""
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "12")])
    return BODY


def make_flask() -> Any:
    from flask import Flask

    app = Flask("bench")

    @app.route("/api/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def item(rest: str) -> dict[str, bool]:
        return {"ok": True}

    return app


def flask_adapter() -> Any | None:
    """``wsgi_cors.flask.CORS`` when the adapter is installed, else ``None``."""
    try:
        module = importlib.import_module("wsgi_cors.flask")
    except ImportError:
        return None
    return getattr(module, "CORS", None)


def _quiet(build: Callable[[], Built]) -> Built:
    # Configurations here are deliberate; a security warning must not abort the run.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return build()


def _wsgicors(scenario: Scenario) -> Built:
    if isinstance(scenario.wsgicors, str):
        return f"n/a ({scenario.wsgicors})"
    from wsgicors import CORS

    config = dict(scenario.wsgicors)
    return CORS(bare_wsgi, **config)  # type: ignore[no-any-return]


def _flask_cors(scenario: Scenario) -> Built:
    if isinstance(scenario.flask_cors, str):
        return f"n/a ({scenario.flask_cors})"
    from flask_cors import CORS

    app = make_flask()
    CORS(app, **scenario.flask_cors)
    return app  # type: ignore[no-any-return]


def _wsgi_cors_flask(scenario: Scenario) -> Built:
    adapter = flask_adapter()
    if adapter is None:
        return "n/a (adapter not present)"
    app = make_flask()
    adapter(app, **scenario.ours)
    return app  # type: ignore[no-any-return]


def _flask_wrapped(scenario: Scenario) -> Built:
    app = make_flask()
    app.wsgi_app = CORSMiddleware(app.wsgi_app, **scenario.ours)
    return app  # type: ignore[no-any-return]


def caches_off(middleware: Any) -> Any:
    """``middleware`` (any version's CORSMiddleware) with its decision caches off: every
    request decided from the configuration, the yardstick for what a cache miss may cost."""
    for resource in middleware.policy.resources:
        resource.caching = False
    return middleware


def _uncached(scenario: Scenario) -> Built:
    return caches_off(CORSMiddleware(bare_wsgi, **scenario.ours))


def _flask_minimal(scenario: Scenario) -> Built:
    app = make_flask()
    app.wsgi_app = MinimalCORS(app.wsgi_app, **scenario.ours)
    return app  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Contender:
    name: str
    group: str  # "wsgi" or "flask": which table it belongs to
    base: str | None  # the contender it adds cost over; None for a floor
    build: Callable[[Scenario], Built]


CONTENDERS: tuple[Contender, ...] = (
    Contender("bare WSGI", "wsgi", None, lambda s: bare_wsgi),
    Contender("minimal correct", "wsgi", "bare WSGI", lambda s: MinimalCORS(bare_wsgi, **s.ours)),
    Contender("wsgicors", "wsgi", "bare WSGI", _wsgicors),
    Contender("CORSMiddleware", "wsgi", "bare WSGI", lambda s: CORSMiddleware(bare_wsgi, **s.ours)),
    Contender("CORSMiddleware, uncached", "wsgi", "bare WSGI", _uncached),
    Contender("bare Flask", "flask", None, lambda s: make_flask()),
    Contender("Flask + minimal correct", "flask", "bare Flask", _flask_minimal),
    Contender("flask-cors", "flask", "bare Flask", _flask_cors),
    Contender("wsgi_cors.flask.CORS", "flask", "bare Flask", _wsgi_cors_flask),
    Contender("Flask + CORSMiddleware", "flask", "bare Flask", _flask_wrapped),
)


def build(contender: Contender, scenario: Scenario) -> Built:
    return _quiet(lambda: contender.build(scenario))


def environs(scenario: Scenario) -> list[dict[str, Any]]:
    """One complete WSGI environ per origin of the scenario, as a server would pass it."""
    base = EnvironBuilder(
        path=scenario.path,
        method=scenario.method,
        base_url="http://api.example.com",
        headers={
            "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) bench",
            "Accept": "application/json, text/plain, */*",
            "Accept-Encoding": "gzip, deflate, br",
            "Accept-Language": "en-GB,en;q=0.9",
            "Connection": "keep-alive",
        },
    ).get_environ()
    base.update(scenario.extra_environ)
    result = []
    for origin in scenario.origins:
        environ = dict(base)
        if origin is not None:
            environ["HTTP_ORIGIN"] = origin
        result.append(environ)
    return result
