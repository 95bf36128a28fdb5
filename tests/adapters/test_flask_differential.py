"""Differential tests: the same Flask app and requests under flask-cors 6 and wsgi_cors.flask.

The matrix compares the CORS headers (and status) of both, header by header. flask-cors's
answer is turned into the expected wsgi_cors answer by the named deviations below, and
nothing else; every deviation is one section of ``docs/migrating-from-flask-cors.md``
(checked by ``test_every_deviation_is_in_the_migration_guide``), and every one must change
at least one answer of the matrix or be asserted by a targeted test further down, so none
is a dead excuse. Header lists (methods, header names, Vary) compare as sets of
case-insensitive tokens: their order and spacing carry no meaning (deviation ``list-order``).
"""

from __future__ import annotations

import gc
import re
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import flask_cors
import pytest
from flask import Blueprint, Flask, abort
from werkzeug.test import TestResponse

import wsgi_cors.flask as wsgi_cors_flask
from wsgi_cors import ConfigurationError, ConfigurationTypeError, CORSSecurityWarning

A = "https://a.example"
A_UPPER = "https://A.EXAMPLE"
B = "https://b.example"
EVIL = "https://evil.example"
OTHER = "https://other.example"
DEFAULT_METHODS = frozenset({"GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"})
# Origin values no browser sends, as test suites (flask-cors's own among them) and scripts do:
# both answer them alike.
NON_BROWSER_ORIGINS = ("www.example.com", "a.example", "//a.example:8080/", "javascript:alert(1)")
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "migrating-from-flask-cors.md"

# Deviation id -> one line; each id is a section of the migration guide.
DEVIATIONS = {
    "vary-origin": "Vary: Origin wherever the answer depends on Origin (refused, single-origin, origin-less)",
    "vary-preflight": "preflight answers also vary on the request method and headers",
    "preflight-refusal-total": "a refused preflight (origin, method or any header) carries no grant headers",
    "no-expose-on-preflight": "Access-Control-Expose-Headers only on actual responses",
    "private-network": "Access-Control-Allow-Private-Network only 'true', only on granted preflights",
    "originless-static": "origin-less requests name an origin only if exactly one exact origin is allowed",
    "preflight-without-origin": "OPTIONS with Access-Control-Request-Method but no Origin is no preflight",
    "preflight-before-routing": "preflights are answered before routing and before_request hooks",
    "list-order": "header lists may come in another order or spacing",
    "regex-fullmatch": "regex origins and allow_headers match the whole value, not a prefix",
    "null-origin": "the origin 'null' is trusted with credentials only when listed",
    "unsafe-origin": "an Origin with control characters, spaces, commas or non-ASCII text is never echoed",
    "method-token": "the preflight method check is a token match, not a substring test",
    "methods-star": "methods='*' allows any method",
    "resource-prefix": "'/api/*' covers /api and below, not /apiary",
    "host-wildcard": "'https://*.example.com' means its subdomains",
    "intercept-exceptions": "intercept_exceptions=False keeps error responses free of CORS headers",
    "async-views": "@cross_origin works on async views",
    "decorated-view-errors": "a decorated view's error responses get the view's headers",
    "blueprint-after-registration": "CORS(blueprint) works after the blueprint was registered",
    "redirect-hops": "a routing redirect gets the policy of the view it leads to, not the app's",
    "strict-options": "bad option names, types and values fail at start-up",
    "unknown-config-keys": "unknown CORS_* config keys warn",
}

GRANT_HEADERS = (
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-expose-headers",
    "access-control-max-age",
    "access-control-allow-private-network",
)
LIST_HEADERS = frozenset(
    {"access-control-allow-methods", "access-control-allow-headers", "access-control-expose-headers", "vary"}
)

Normalised = dict[str, Any]


def normalise(response: TestResponse) -> Normalised:
    """CORS headers and Vary: lists as sets of lower-cased tokens, the rest as value tuples."""
    result: Normalised = {}
    for name in {key.lower() for key, _ in response.headers.items()}:
        if not (name.startswith("access-control-") or name == "vary"):
            continue
        values = response.headers.getlist(name)
        if name in LIST_HEADERS:
            result[name] = frozenset(t.strip().lower() for v in values for t in v.split(",") if t.strip())
        else:
            result[name] = tuple(values)
    return result


@dataclass(frozen=True)
class Setup:
    """One configuration, with the facts the model of wsgi_cors's intended answer needs."""

    id: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    config: Mapping[str, Any] = field(default_factory=dict)
    mode: str = "app"  # app | blueprint | decorator (with an app-wide CORS) | decorator-only
    covers: Callable[[str], bool] = lambda path: True
    methods: frozenset[str] = DEFAULT_METHODS
    header_ok: Callable[[str], bool] = lambda name: True
    static_origin: str | None = "*"  # the origin-less answer when always_send
    wildcard: bool = False  # origins '*' with send_wildcard: nothing depends on Origin
    vary: bool = True
    private_network: bool = False


def _api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


SETUPS = [
    Setup("defaults"),
    Setup("one-exact-origin", {"origins": A}, static_origin=A),
    Setup("exact-origins-list", {"origins": [A, B]}, static_origin=None),
    Setup("exact-origins-set", {"origins": {A, B}}, static_origin=None),
    Setup("regex-string-origin", {"origins": r"https://[ab]\.example"}, static_origin=None),
    Setup("compiled-regex-origin", {"origins": re.compile(r"https://(a|evil)\.example")}, static_origin=None),
    Setup("regex-and-exact-origins", {"origins": [re.compile(r"https://b\.example"), A]}, static_origin=None),
    Setup("wildcard-sent", {"send_wildcard": True}, wildcard=True),
    Setup("credentials", {"origins": [A, B], "supports_credentials": True}, static_origin=None),
    Setup("credentials-one-origin", {"origins": A, "supports_credentials": True}, static_origin=A),
    Setup("max-age-int", {"max_age": 600}),
    Setup("max-age-str", {"max_age": "60"}),
    Setup("max-age-timedelta", {"max_age": timedelta(hours=1)}),
    Setup("expose-headers-list", {"expose_headers": ["X-Total", "X-Id"]}),
    Setup("expose-headers-str", {"expose_headers": "X-Id"}),
    Setup(
        "allow-headers-list",
        {"allow_headers": ["Content-Type", "Authorization"]},
        header_ok=lambda name: name in ("content-type", "authorization"),
    ),
    Setup(
        "allow-headers-regex",
        {"allow_headers": [re.compile(r"x-custom-\w+"), "Content-Type"]},
        header_ok=lambda name: name == "content-type" or name.startswith("x-custom-"),
    ),
    Setup("methods-list", {"methods": ["GET", "POST"]}, methods=frozenset({"GET", "POST"})),
    Setup("methods-str", {"methods": "GET, PUT"}, methods=frozenset({"GET", "PUT"})),
    Setup("no-vary", {"origins": [A, B], "vary_header": False}, static_origin=None, vary=False),
    Setup("always-send-off", {"origins": A, "always_send": False}, static_origin=None),
    Setup("private-network", {"allow_private_network": True}, private_network=True),
    Setup("resources-str", {"resources": r"/api/*"}, covers=_api),
    Setup(
        "resources-list",
        {"resources": [r"/api/items", r"/api/abort"]},
        covers=lambda p: p in ("/api/items", "/api/abort"),
    ),
    Setup(
        "resources-dict",
        {"resources": {r"/api/*": {"origins": A, "max_age": 5}}, "origins": B},
        covers=_api,
        static_origin=A,
    ),
    Setup(
        "app-config",
        {},
        {"CORS_ORIGINS": [A], "CORS_EXPOSE_HEADERS": "X-Id", "CORS_MAX_AGE": 9},
        static_origin=A,
    ),
    Setup(
        "config-and-keywords",
        {"origins": B},
        {"CORS_ORIGINS": [A], "CORS_METHODS": ["GET"]},
        static_origin=B,
        methods=frozenset({"GET"}),
    ),
    Setup("blueprint", {"origins": A}, mode="blueprint", static_origin=A),
    Setup("decorator-over-app", {"origins": [A, B], "max_age": 7}, mode="decorator", static_origin=None),
    Setup(
        "decorator-only", {"origins": A, "expose_headers": ["X-Id"]}, mode="decorator-only", static_origin=A
    ),
]


@dataclass(frozen=True)
class Req:
    method: str
    path: str
    origin: str | None = A
    acrm: str | None = None
    acrh: str | None = None
    acrpn: str | None = None

    @property
    def is_preflight(self) -> bool:
        return self.method == "OPTIONS" and self.origin is not None and self.acrm is not None

    def headers(self) -> dict[str, str]:
        given = {
            "Origin": self.origin,
            "Access-Control-Request-Method": self.acrm,
            "Access-Control-Request-Headers": self.acrh,
            "Access-Control-Request-Private-Network": self.acrpn,
        }
        return {name: value for name, value in given.items() if value is not None}


def requests_for(setup: Setup) -> Iterator[Req]:
    on_view_only = setup.mode.startswith("decorator")
    for origin in (A, A_UPPER, B, EVIL, "null", None, *NON_BROWSER_ORIGINS):
        yield Req("GET", "/api/items", origin)
    for origin in NON_BROWSER_ORIGINS:
        yield Req("OPTIONS", "/api/items", origin, "PUT", "content-type")
    yield Req("POST", "/api/items", A)
    yield Req("GET", "/api/items", A, acrpn="true")
    for origin in (A, EVIL, None):
        yield Req("OPTIONS", "/api/items", origin)  # plain OPTIONS: no preflight
    for origin in (A, EVIL):
        for method in ("GET", "PUT", "DELETE", "patch"):
            for requested in (None, "content-type", "authorization, content-type", "x-custom-id"):
                yield Req("OPTIONS", "/api/items", origin, method, requested)
    yield Req("OPTIONS", "/api/items", A, "POST", "content-type", acrpn="true")
    yield Req("OPTIONS", "/api/items", None, "POST")
    if on_view_only:
        return
    yield Req("GET", "/public", A)
    yield Req("GET", "/public", None)
    yield Req("GET", "/api/abort", A)
    yield Req("GET", "/api/boom", A)
    yield Req("GET", "/api/missing", A)
    yield Req("DELETE", "/api/items", A)
    yield Req("OPTIONS", "/api/missing", A, "GET")


def build(adapter: Any, setup: Setup) -> Flask:
    app = Flask(f"differential-{adapter.__name__}")
    app.testing = False  # unhandled exceptions become Flask's 500 page
    app.logger.disabled = True
    app.config.update(setup.config)

    def items() -> str:
        return "items"

    def public() -> str:
        return "public"

    def forbidden() -> str:
        abort(403)

    def boom() -> str:
        raise RuntimeError("boom")

    methods = ["GET", "POST", "PUT"]
    if setup.mode == "blueprint":
        blueprint = Blueprint("api", __name__, url_prefix="/api")
        blueprint.add_url_rule("/items", view_func=items, methods=methods)
        blueprint.add_url_rule("/abort", view_func=forbidden)
        blueprint.add_url_rule("/boom", view_func=boom)
        adapter.CORS(blueprint, **setup.kwargs)
        app.register_blueprint(blueprint)
        app.add_url_rule("/public", view_func=public)
        return app
    view = adapter.cross_origin(**setup.kwargs)(items) if setup.mode.startswith("decorator") else items
    app.add_url_rule("/api/items", view_func=view, methods=methods)
    app.add_url_rule("/api/abort", view_func=forbidden)
    app.add_url_rule("/api/boom", view_func=boom)
    app.add_url_rule("/public", view_func=public)
    if setup.mode == "app":
        adapter.CORS(app, **setup.kwargs)
    elif setup.mode == "decorator":
        adapter.CORS(app, origins=OTHER)
    return app


def covered(setup: Setup, request: Req) -> bool:
    """Whether wsgi_cors's policy applies to the request at all."""
    routes = {
        "/api/items": ("GET", "HEAD", "POST", "PUT", "OPTIONS"),
        "/api/abort": ("GET",),
        "/api/boom": ("GET",),
    }
    if setup.mode == "blueprint":  # the blueprint's views only, as routed
        return request.path in routes and (request.method in routes[request.path] or request.is_preflight)
    return setup.covers(request.path)


def expected_answer(
    setup: Setup, request: Req, theirs: Normalised, status: int
) -> tuple[Normalised, int, set[str]]:
    """flask-cors's answer, changed by the named deviations only: wsgi_cors's intended answer."""
    if not covered(setup, request):
        return theirs, status, set()
    applied: set[str] = set()
    expected = dict(theirs)

    def drop(*names: str, deviation: str) -> None:
        for name in names:
            if expected.pop(name, None) is not None:
                applied.add(deviation)

    if request.origin is None:
        drop(
            "access-control-allow-methods",
            "access-control-allow-headers",
            "access-control-max-age",
            deviation="preflight-without-origin",
        )
        drop("access-control-allow-private-network", deviation="private-network")
        static = (setup.static_origin,) if setup.static_origin else None
        if expected.get("access-control-allow-origin") != static:
            drop(
                "access-control-allow-origin",
                "access-control-expose-headers",
                "access-control-allow-credentials",
                deviation="originless-static",
            )
    elif request.is_preflight:
        assert request.acrm is not None
        requested = [name.strip() for name in (request.acrh or "").split(",") if name.strip()]
        refused = (
            "access-control-allow-origin" not in theirs
            or request.acrm.upper() not in setup.methods
            or not all(setup.header_ok(name) for name in requested)
        )
        if refused:
            drop(*GRANT_HEADERS, deviation="preflight-refusal-total")
        else:
            drop("access-control-expose-headers", deviation="no-expose-on-preflight")
            granted_pna = setup.private_network and request.acrpn == "true"
            if granted_pna:
                if expected.get("access-control-allow-private-network") != ("true",):
                    applied.add("private-network")
                expected["access-control-allow-private-network"] = ("true",)
            else:
                drop("access-control-allow-private-network", deviation="private-network")
        if status != 200:
            applied.add("preflight-before-routing")
            status = 200
    else:
        drop("access-control-allow-private-network", deviation="private-network")

    vary: set[str] = set()
    if setup.vary:
        if not setup.wildcard:
            vary.add("origin")
        if request.is_preflight:
            vary |= {"access-control-request-method", "access-control-request-headers"}
            if setup.private_network:
                vary.add("access-control-request-private-network")
    before = theirs.get("vary", frozenset())
    if vary != before:
        applied.add("vary-origin" if ("origin" in vary) != ("origin" in before) else "vary-preflight")
        if request.is_preflight and vary - {"origin"} != before - {"origin"}:
            applied.add("vary-preflight")
    expected.pop("vary", None)
    if vary:
        expected["vary"] = frozenset(vary)
    return expected, status, applied


def answer(app: Flask, request: Req) -> tuple[Normalised, int]:
    response = app.test_client().open(request.path, method=request.method, headers=request.headers())
    return normalise(response), response.status_code


APPLIED: dict[str, set[str]] = {}


@pytest.mark.parametrize("setup", SETUPS, ids=lambda setup: setup.id)
def test_same_answers_as_flask_cors_except_named_deviations(setup: Setup) -> None:
    theirs_app = build(flask_cors, setup)
    ours_app = build(wsgi_cors_flask, setup)
    mismatches = []
    applied: set[str] = set()
    for request in requests_for(setup):
        theirs, their_status = answer(theirs_app, request)
        ours, our_status = answer(ours_app, request)
        expected, expected_status, deviations = expected_answer(setup, request, theirs, their_status)
        applied |= deviations
        if (ours, our_status) != (expected, expected_status):
            mismatches.append(f"{request}: ours {our_status} {ours}, expected {expected_status} {expected}")
    APPLIED[setup.id] = applied
    assert not mismatches, "\n".join(mismatches)


def test_the_matrix_exercises_the_header_deviations() -> None:
    """Each header-level deviation changes some answer of the matrix, so each is real."""
    if len(APPLIED) != len(SETUPS):
        for setup in SETUPS:
            test_same_answers_as_flask_cors_except_named_deviations(setup)
    seen = set().union(*APPLIED.values())
    assert seen == {
        "vary-origin",
        "vary-preflight",
        "preflight-refusal-total",
        "no-expose-on-preflight",
        "private-network",
        "originless-static",
        "preflight-without-origin",
        "preflight-before-routing",
    }


def test_every_deviation_is_in_the_migration_guide() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    missing = [deviation for deviation in DEVIATIONS if f"`{deviation}`" not in guide]
    assert missing == []


# --- targeted deviations: flask-cors's answer, then ours --------------------------------------


def pair(**kwargs: Any) -> tuple[Flask, Flask]:
    def one(adapter: Any) -> Flask:
        app = Flask(f"pair-{adapter.__name__}")

        @app.route("/api/items", methods=["GET", "POST"])
        def items() -> str:
            return "items"

        @app.route("/apiary")
        def apiary() -> str:
            return "apiary"

        adapter.CORS(app, **kwargs)
        return app

    return one(flask_cors), one(wsgi_cors_flask)


def allow_origin(app: Flask, path: str = "/api/items", method: str = "GET", **headers: str) -> str | None:
    response = app.test_client().open(path, method=method, headers=headers)
    return response.headers.get("Access-Control-Allow-Origin")


def test_list_order() -> None:
    theirs, ours = pair(expose_headers="X-B, X-A")
    assert (
        theirs.test_client().get("/api/items", headers={"Origin": A}).headers["Access-Control-Expose-Headers"]
        == "X-B, X-A"
    )
    assert (
        ours.test_client().get("/api/items", headers={"Origin": A}).headers["Access-Control-Expose-Headers"]
        == "X-A, X-B"
    )
    preflight = {
        "Origin": A,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-b, x-a",
    }
    assert (
        theirs.test_client().options("/api/items", headers=preflight).headers["Access-Control-Allow-Headers"]
        == "x-a, x-b"
    )
    assert (
        ours.test_client().options("/api/items", headers=preflight).headers["Access-Control-Allow-Headers"]
        == "x-b, x-a"
    )


def test_regex_fullmatch_for_origins() -> None:
    theirs, ours = pair(origins=r"https://.*\.example\.com")
    attacker = "https://app.example.com.evil.net"
    assert allow_origin(theirs, Origin=attacker) == attacker
    assert allow_origin(ours, Origin=attacker) is None
    assert allow_origin(ours, Origin="https://app.example.com") == "https://app.example.com"


def test_regex_fullmatch_for_allow_headers() -> None:
    theirs, ours = pair(allow_headers=r"X-Custom-\w")
    headers = {
        "Origin": A,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-custom-ab",
    }
    assert (
        theirs.test_client().options("/api/items", headers=headers).headers["Access-Control-Allow-Headers"]
        == "x-custom-ab"
    )
    assert (
        "Access-Control-Allow-Headers"
        not in ours.test_client().options("/api/items", headers=headers).headers
    )


def test_null_origin() -> None:
    with pytest.warns(CORSSecurityWarning):
        theirs, ours = pair(supports_credentials=True)
    assert allow_origin(theirs, Origin="null") == "null"
    assert allow_origin(ours, Origin="null") is None
    assert allow_origin(ours, Origin=A) == A
    with pytest.warns(CORSSecurityWarning, match="trusting 'null'"):
        _, listed = pair(origins=["null", A], supports_credentials=True)
    assert allow_origin(listed, Origin="null") == "null"


def test_unsafe_origin() -> None:
    theirs, ours = pair()
    for joined in (f"{A}, {B}", f"{A},{B}", f"{A} {B}"):
        assert allow_origin(theirs, Origin=joined) == joined
        assert allow_origin(ours, Origin=joined) is None


def test_method_token() -> None:
    theirs, ours = pair()
    for asked in ("GE", "GET, HEAD"):
        headers = {"Origin": A, "Access-Control-Request-Method": asked}
        assert (
            "Access-Control-Allow-Methods"
            in theirs.test_client().options("/api/items", headers=headers).headers
        )
        refused = ours.test_client().options("/api/items", headers=headers)
        assert refused.status_code == 200
        assert "Access-Control-Allow-Methods" not in refused.headers
        assert "Access-Control-Allow-Origin" not in refused.headers


def test_methods_star() -> None:
    theirs, ours = pair(methods="*")
    headers = {"Origin": A, "Access-Control-Request-Method": "PURGE"}
    assert (
        "Access-Control-Allow-Methods"
        not in theirs.test_client().options("/api/items", headers=headers).headers
    )
    assert (
        ours.test_client().options("/api/items", headers=headers).headers["Access-Control-Allow-Methods"]
        == "PURGE"
    )


def test_resource_prefix() -> None:
    theirs, ours = pair(resources=r"/api/*")
    assert allow_origin(theirs, "/apiary", Origin=A) == A
    assert allow_origin(ours, "/apiary", Origin=A) is None
    assert allow_origin(ours, "/api/items", Origin=A) == A


def test_host_wildcard() -> None:
    theirs, ours = pair(origins="https://*.example.com")
    assert allow_origin(theirs, Origin="https://app.example.com") is None
    assert allow_origin(ours, Origin="https://app.example.com") == "https://app.example.com"
    assert allow_origin(ours, Origin="https://example.com") is None
    assert allow_origin(ours, Origin="https://app.example.com.evil.net") is None


def test_preflight_before_routing() -> None:
    def one(adapter: Any) -> Flask:
        app = Flask(f"hook-{adapter.__name__}")
        app.before_request(lambda: abort(401))

        @app.route("/api/items", methods=["POST"])
        def items() -> str:
            return "items"

        adapter.CORS(app, origins=A)
        return app

    headers = {"Origin": A, "Access-Control-Request-Method": "POST"}
    theirs, ours = one(flask_cors), one(wsgi_cors_flask)
    assert theirs.test_client().options("/api/items", headers=headers).status_code == 401
    answered = ours.test_client().options("/api/items", headers=headers)
    assert (answered.status_code, answered.headers["Access-Control-Allow-Origin"]) == (200, A)
    assert theirs.test_client().options("/api/missing", headers=headers).status_code == 401
    assert ours.test_client().options("/api/missing", headers=headers).status_code == 200


def test_intercept_exceptions() -> None:
    def one(adapter: Any) -> Flask:
        app = Flask(f"errors-{adapter.__name__}")

        @app.route("/api/items")
        def items() -> str:
            abort(403)

        adapter.CORS(app, origins=A, intercept_exceptions=False)
        return app

    assert allow_origin(one(flask_cors), Origin=A) == A
    assert allow_origin(one(wsgi_cors_flask), Origin=A) is None


def test_async_views() -> None:
    def one(adapter: Any) -> Flask:
        app = Flask(f"async-{adapter.__name__}")
        app.testing = False
        app.logger.disabled = True

        @app.route("/api/items")
        @adapter.cross_origin(origins=A)
        async def items() -> str:
            return "items"

        return app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # flask-cors never awaits the coroutine
        assert one(flask_cors).test_client().get("/api/items", headers={"Origin": A}).status_code == 500
        gc.collect()  # the never-awaited coroutine warns when collected: here, not in a later test
    ours = one(wsgi_cors_flask).test_client().get("/api/items", headers={"Origin": A})
    assert (ours.status_code, ours.headers["Access-Control-Allow-Origin"]) == (200, A)


def test_decorated_view_errors() -> None:
    def one(adapter: Any) -> Flask:
        app = Flask(f"view-errors-{adapter.__name__}")

        @app.route("/api/items")
        @adapter.cross_origin(origins=A)
        def items() -> str:
            abort(409)

        adapter.CORS(app, origins=B)
        return app

    assert allow_origin(one(flask_cors), Origin=A) is None
    assert allow_origin(one(flask_cors), Origin=B) == B
    assert allow_origin(one(wsgi_cors_flask), Origin=A) == A
    assert allow_origin(one(wsgi_cors_flask), Origin=B) is None


def test_blueprint_after_registration() -> None:
    def one(adapter: Any) -> Flask:
        app = Flask(f"late-{adapter.__name__}")
        blueprint = Blueprint("late", __name__)
        blueprint.add_url_rule("/api/items", view_func=lambda: "items", endpoint="items")
        app.register_blueprint(blueprint)
        with app.app_context():
            adapter.CORS(blueprint, origins=A)
        return app

    with pytest.raises(AssertionError, match="can no longer be called"):
        one(flask_cors)
    assert allow_origin(one(wsgi_cors_flask), Origin=A) == A


def test_redirect_hops() -> None:
    def one(adapter: Any) -> Flask:
        app = Flask(f"redirect-{adapter.__name__}")

        @app.route("/api/items/")
        @adapter.cross_origin(origins=A)
        def items() -> str:
            return "items"

        adapter.CORS(app, origins=B)
        return app

    theirs = one(flask_cors).test_client().get("/api/items", headers={"Origin": B})
    ours = one(wsgi_cors_flask).test_client().get("/api/items", headers={"Origin": B})
    assert (theirs.status_code, theirs.headers.get("Access-Control-Allow-Origin")) == (308, B)
    assert (ours.status_code, ours.headers.get("Access-Control-Allow-Origin")) == (308, None)
    assert allow_origin(one(wsgi_cors_flask), "/api/items", Origin=A) == A


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"origin": A}, ConfigurationError),
        ({"supports_credentials": "false"}, ConfigurationTypeError),
        ({"origins": [A], "supports_credentials": True, "send_wildcard": True}, ConfigurationError),
        ({"origins": "a.example"}, ConfigurationError),
        ({"origins": "https://a.example/"}, ConfigurationError),
        ({"max_age": -1}, ConfigurationError),
        ({"methods": ["GET POST"]}, ConfigurationError),
    ],
)
def test_strict_options(options: dict[str, Any], error: type[Exception]) -> None:
    app = Flask("strict-flask-cors")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        flask_cors.CORS(app, **options)  # flask-cors accepts each (at most logging a warning)
    with pytest.raises(error):
        wsgi_cors_flask.CORS(Flask("strict-ours"), **options)


def test_unknown_config_keys() -> None:
    app = Flask("config-flask-cors")
    app.config["CORS_ORIGIN"] = A
    flask_cors.CORS(app)
    ours = Flask("config-ours")
    ours.config["CORS_ORIGIN"] = A
    with pytest.warns(UserWarning, match="CORS_ORIGINS"):
        wsgi_cors_flask.CORS(ours)


def test_credentials_with_every_origin_warns() -> None:
    with pytest.warns(CORSSecurityWarning, match="list the origins you trust"):
        wsgi_cors_flask.CORS(Flask("warned"), supports_credentials=True)
