"""wsgi_cors.flask_routing: the policy is the one of the view Flask dispatches to, always.

Each test names a way a request reaches (or is redirected to) a view whose own policy refuses
an origin that the application-wide policy grants: the refused origin must get no grant.
"""

from __future__ import annotations

import threading
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
from flask import Blueprint, Flask, abort, redirect, request
from werkzeug.test import TestResponse
from werkzeug.wrappers import Response

from wsgi_cors.flask import CORS, FlaskCORSMiddleware, cross_origin
from wsgi_cors.middleware import decide
from wsgi_cors.policy import ResourcePolicy

A = "https://a.example"  # the view's (or blueprint's) origin
B = "https://b.example"  # the application-wide policy's origin
PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
GRANT_A = {"Access-Control-Allow-Origin": A, "Vary": "Origin"}
REFUSED = {"Vary": "Origin"}


def cors(response: TestResponse) -> dict[str, str]:
    """The CORS headers of a response (and Vary), each joined if repeated."""
    return {
        name: ", ".join(response.headers.getlist(name))
        for name in dict.fromkeys(response.headers.keys())
        if name.lower().startswith("access-control-") or name == "Vary"
    }


def middleware_of(app: Flask) -> FlaskCORSMiddleware:
    middleware = app.wsgi_app
    assert isinstance(middleware, FlaskCORSMiddleware)
    return middleware


class Ran:
    """The endpoints whose view bodies ran, in order."""

    def __init__(self) -> None:
        self.views: list[str] = []

    def __call__(self) -> str:
        assert request.endpoint is not None
        self.views.append(request.endpoint)
        return request.endpoint


def partner_app(rule: str = "/partner/", **rule_options: Any) -> tuple[Flask, Ran]:
    """A view at ``rule`` allowing only A, under an application-wide policy allowing only B."""
    app = Flask(__name__)
    ran = Ran()

    @app.route("/open")
    def open_() -> str:
        return ran()

    @app.route(rule, **rule_options)
    @cross_origin(origins=A)
    def partner() -> str:
        return ran()

    CORS(app, origins=B)
    return app, ran


def get(app: Flask, path: str, origin: str, **kwargs: Any) -> TestResponse:
    return app.test_client().get(path, headers={"Origin": origin}, **kwargs)


def preflight(app: Flask, path: str, origin: str, method: str = "GET", **kwargs: Any) -> TestResponse:
    headers = {"Origin": origin, "Access-Control-Request-Method": method}
    return app.test_client().options(path, headers=headers, **kwargs)


def assert_partner_policy(app: Flask, ran: Ran, path: str, **kwargs: Any) -> None:
    """The view ran with its own policy: A granted, B refused, on GET and on preflight."""
    refused = get(app, path, B, **kwargs)
    assert (refused.status_code, cors(refused)) == (200, REFUSED)
    granted = get(app, path, A, **kwargs)
    assert (granted.status_code, cors(granted)) == (200, GRANT_A)
    assert ran.views == ["partner", "partner"]
    assert cors(preflight(app, path, B, **kwargs)) == {"Vary": PREFLIGHT_VARY}
    assert cors(preflight(app, path, A, **kwargs))["Access-Control-Allow-Origin"] == A
    assert ran.views == ["partner", "partner"]  # preflights are answered before the view


# --- requests Flask serves without a redirect -----------------------------------------------


def test_a_rule_without_strict_slashes_keeps_its_views_policy_without_the_slash() -> None:
    app, ran = partner_app("/partner/", strict_slashes=False)
    assert_partner_policy(app, ran, "/partner")


def test_a_map_without_strict_slashes_keeps_its_views_policy_without_the_slash() -> None:
    app = Flask(__name__)
    app.url_map.strict_slashes = False  # read by each rule as it is added
    ran = Ran()
    app.add_url_rule("/partner/", "partner", cross_origin(origins=A)(ran))
    CORS(app, origins=B)
    assert_partner_policy(app, ran, "/partner")


def test_a_non_ascii_rule_keeps_its_views_policy() -> None:
    app, ran = partner_app("/café/partner")
    assert_partner_policy(app, ran, "/caf%C3%A9/partner")


def test_a_rule_added_with_add_url_rule_keeps_its_views_policy() -> None:
    app = Flask(__name__)
    ran = Ran()
    app.add_url_rule("/añadido/", "partner", cross_origin(origins=A)(ran), strict_slashes=False)
    CORS(app, origins=B)
    assert_partner_policy(app, ran, "/a%C3%B1adido")


def test_a_rule_starting_with_a_converter_keeps_its_views_policy() -> None:
    app = Flask(__name__)
    ran = Ran()
    app.add_url_rule(
        "/<lang>/partner/", "partner", cross_origin(origins=A)(lambda lang: ran()), strict_slashes=False
    )
    CORS(app, origins=B)
    assert_partner_policy(app, ran, "/fr/partner")


def test_head_takes_the_policy_of_the_get_view() -> None:
    app, ran = partner_app("/partner/", strict_slashes=False)
    response = app.test_client().head("/partner", headers={"Origin": B})
    assert (response.status_code, cors(response)) == (200, REFUSED)
    assert ran.views == ["partner"]


def make_partner_blueprint(url_prefix: str, **route_options: Any) -> tuple[Flask, Ran]:
    """A blueprint allowing only A whose root is at ``url_prefix``, under an app allowing B."""
    app = Flask(__name__)
    ran = Ran()
    blueprint = Blueprint("partner", __name__, url_prefix=url_prefix)
    blueprint.add_url_rule("/", "partner", ran, **route_options)
    CORS(blueprint, origins=A)
    app.register_blueprint(blueprint)
    CORS(app, origins=B)
    return app, ran


def assert_blueprint_policy(app: Flask, ran: Ran, path: str) -> None:
    assert cors(get(app, path, B)) == REFUSED
    assert cors(get(app, path, A)) == GRANT_A
    assert ran.views == ["partner.partner", "partner.partner"]
    assert cors(preflight(app, path, B)) == {"Vary": PREFLIGHT_VARY}
    assert cors(preflight(app, path, A))["Access-Control-Allow-Origin"] == A


def test_a_blueprint_root_without_strict_slashes_keeps_the_blueprints_policy() -> None:
    app, ran = make_partner_blueprint("/partner", strict_slashes=False)
    assert_blueprint_policy(app, ran, "/partner")


def test_a_non_ascii_blueprint_prefix_keeps_the_blueprints_policy() -> None:
    app, ran = make_partner_blueprint("/café")
    assert_blueprint_policy(app, ran, "/caf%C3%A9/")


def test_a_mounted_app_is_routed_below_its_script_name() -> None:
    app, ran = partner_app("/partner/", strict_slashes=False)
    response = app.test_client().get(
        "/mount/partner",
        headers={"Origin": B},
        environ_overrides={"SCRIPT_NAME": "/mount", "PATH_INFO": "/partner"},
    )
    assert (response.status_code, cors(response)) == (200, REFUSED)
    assert ran.views == ["partner"]


def test_views_are_told_apart_by_host() -> None:
    app = Flask(__name__, host_matching=True, static_host="static.test")
    ran = Ran()
    app.add_url_rule("/data/", "partner", cross_origin(origins=A)(ran), host="api.test", strict_slashes=False)
    app.add_url_rule("/data/", "open", ran, host="www.test", strict_slashes=False)
    CORS(app, origins=B)
    client = app.test_client()
    api = client.get("/data", base_url="http://api.test", headers={"Origin": B})
    www = client.get("/data", base_url="http://www.test", headers={"Origin": B})
    assert (cors(api), cors(www)["Access-Control-Allow-Origin"]) == (REFUSED, B)
    assert ran.views == ["partner", "open"]


def test_synthetic_environ_is_selected_as_the_server_does() -> None:
    """What ``wsgi-cors explain`` does: select on a made-up environ, outside any request."""
    app, _ = partner_app("/café/", strict_slashes=False)
    environ: dict[str, Any] = {"PATH_INFO": "/café".encode().decode("latin-1"), "HTTP_ORIGIN": B}
    setup_testing_defaults(environ)
    resource = middleware_of(app).select(environ)
    assert resource is not None
    decision = decide(resource, environ)
    assert (decision.granted, decision.headers, decision.vary) == (False, (), "Origin")


# --- redirects: each hop carries the policy of the view it leads to ---------------------------


def test_the_trailing_slash_redirect_carries_the_target_views_policy() -> None:
    app, ran = partner_app("/partner/")
    refused = get(app, "/partner", B)
    assert (refused.status_code, refused.location, cors(refused)) == (
        308,
        "http://localhost/partner/",
        REFUSED,
    )
    granted = get(app, "/partner", A)
    assert (granted.status_code, cors(granted)) == (308, GRANT_A)
    assert cors(preflight(app, "/partner", B)) == {"Vary": PREFLIGHT_VARY}
    assert ran.views == []


def test_a_merge_slashes_redirect_carries_the_target_views_policy() -> None:
    app, _ = partner_app("/partner/x")
    refused = get(app, "/partner//x", B)
    assert (refused.status_code, refused.location, cors(refused)) == (
        308,
        "http://localhost/partner/x",
        REFUSED,
    )
    assert cors(get(app, "/partner//x", A)) == GRANT_A


def test_a_redirect_to_rule_carries_the_target_views_policy() -> None:
    app, _ = partner_app("/partner")
    app.add_url_rule("/old-partner", "old", redirect_to="/partner")
    refused = get(app, "/old-partner", B)
    assert (refused.status_code, refused.location, cors(refused)) == (
        308,
        "http://localhost/partner",
        REFUSED,
    )
    assert cors(get(app, "/old-partner", A)) == GRANT_A


def test_a_defaults_redirect_carries_the_target_views_policy() -> None:
    app = Flask(__name__)
    ran = Ran()
    view = cross_origin(origins=A)(lambda page: ran())
    app.add_url_rule("/pages/", "partner", view, defaults={"page": 1})
    app.add_url_rule("/pages/<int:page>", "partner", view)
    CORS(app, origins=B)
    refused = get(app, "/pages/1", B)
    assert (refused.status_code, refused.location, cors(refused)) == (308, "http://localhost/pages/", REFUSED)


def test_a_redirect_chain_carries_the_final_views_policy() -> None:
    app, _ = partner_app("/partner/")
    app.add_url_rule("/old", "old", redirect_to="/partner")  # then the slash redirect
    assert cors(get(app, "/old", B)) == REFUSED
    assert cors(get(app, "/old", A)) == GRANT_A


def test_a_redirect_into_a_blueprint_root_carries_the_blueprints_policy() -> None:
    app, _ = make_partner_blueprint("/partner")
    refused = get(app, "/partner", B)
    assert (refused.status_code, refused.location, cors(refused)) == (
        308,
        "http://localhost/partner/",
        REFUSED,
    )
    assert cors(get(app, "/partner", A)) == GRANT_A


def test_a_redirect_to_another_subdomain_carries_its_views_policy() -> None:
    app = Flask(__name__, subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.test"
    app.add_url_rule("/", "partner", cross_origin(origins=A)(Ran()), subdomain="api")
    app.add_url_rule("/api", "old", redirect_to="http://api.example.test/")
    CORS(app, origins=B)
    response = app.test_client().get("/api", base_url="http://example.test", headers={"Origin": B})
    assert (response.status_code, response.location, cors(response)) == (
        308,
        "http://api.example.test/",
        REFUSED,
    )


def test_a_redirect_to_a_missing_page_carries_the_application_policy() -> None:
    app, _ = partner_app("/partner/")
    app.add_url_rule("/gone", "gone", redirect_to="/nowhere")
    assert cors(get(app, "/gone", B))["Access-Control-Allow-Origin"] == B


def test_a_redirect_under_a_mount_keeps_the_mount() -> None:
    app, _ = partner_app("/partner/")
    mount = {"SCRIPT_NAME": "/mount", "PATH_INFO": "/partner"}
    response = app.test_client().get("/", headers={"Origin": B}, environ_overrides=mount)
    assert (response.status_code, response.location, cors(response)) == (
        308,
        "http://localhost/mount/partner/",
        REFUSED,
    )


# --- intercept_exceptions=False: a redirect is no error ---------------------------------------


def test_without_intercept_exceptions_a_routing_redirect_keeps_its_headers() -> None:
    app = Flask(__name__)
    app.add_url_rule("/items/", "items", lambda: "items")
    CORS(app, origins=B, intercept_exceptions=False)
    redirected = get(app, "/items", B)
    assert (redirected.status_code, cors(redirected)) == (
        308,
        {"Access-Control-Allow-Origin": B, "Vary": "Origin"},
    )
    missing = get(app, "/missing", B)
    assert (missing.status_code, cors(missing)) == (404, {})


def test_without_intercept_exceptions_a_redirect_to_a_view_keeps_the_views_headers() -> None:
    app = Flask(__name__)
    app.add_url_rule("/partner/", "partner", cross_origin(origins=A, intercept_exceptions=False)(Ran()))
    CORS(app, origins=B)
    assert cors(get(app, "/partner", A)) == GRANT_A
    assert cors(get(app, "/partner", B)) == REFUSED


def test_without_intercept_exceptions_an_aborted_redirect_keeps_its_headers_and_errors_stay_bare() -> None:
    app = Flask(__name__)

    @app.route("/moved")
    def moved() -> str:
        abort(redirect("/elsewhere"))

    @app.route("/forbidden")
    def forbidden() -> str:
        abort(Response("no", status=403))

    CORS(app, origins=B, intercept_exceptions=False)
    redirected = get(app, "/moved", B)
    assert (redirected.status_code, cors(redirected)["Access-Control-Allow-Origin"]) == (302, B)
    refused = get(app, "/forbidden", B)
    assert (refused.status_code, cors(refused)) == (403, {})


# --- state: built aside, published at once, on the Flask objects ------------------------------


class PausingViews(dict[str, Any]):
    """``app.view_functions`` whose first listing pauses until released, mid-build."""

    def __init__(self, views: dict[str, Any]) -> None:
        super().__init__(views)
        self.entered = threading.Event()
        self.release = threading.Event()
        self.paused = False

    def items(self) -> Any:
        if not self.paused:
            self.paused = True
            self.entered.set()
            assert self.release.wait(10)
        return super().items()


def test_a_request_during_the_first_build_never_sees_half_a_state() -> None:
    app, _ = partner_app("/partner")
    views = PausingViews(app.view_functions)
    app.view_functions = views
    middleware = middleware_of(app)
    first: list[ResourcePolicy | None] = []

    def first_request() -> None:
        environ: dict[str, Any] = {"PATH_INFO": "/partner", "HTTP_ORIGIN": B}
        setup_testing_defaults(environ)
        first.append(middleware.select(environ))

    builder = threading.Thread(target=first_request)
    builder.start()
    try:
        assert views.entered.wait(10)
        # Another thread's first request while the first one is half-way through its build.
        concurrent = get(app, "/partner", B)
    finally:
        views.release.set()
        builder.join(10)
    assert cors(concurrent) == REFUSED
    [selected] = first
    assert selected is not None
    assert decide(selected, {"HTTP_ORIGIN": B}).granted is False


def test_cors_on_a_blueprint_after_the_first_request_is_noticed() -> None:
    app = Flask(__name__)
    blueprint = Blueprint("late", __name__)
    blueprint.add_url_rule("/late", "late", lambda: "late")
    app.register_blueprint(blueprint)
    CORS(app, origins=B)
    assert cors(get(app, "/late", B))["Access-Control-Allow-Origin"] == B
    CORS(blueprint, origins=A)
    assert cors(get(app, "/late", B)) == REFUSED
    assert cors(get(app, "/late", A)) == GRANT_A


def test_cors_on_a_nested_blueprint_after_registration_is_noticed() -> None:
    app = Flask(__name__)
    parent = Blueprint("parent", __name__, url_prefix="/p")
    child = Blueprint("child", __name__, url_prefix="/c")
    child.add_url_rule("/", "root", lambda: "root")
    parent.register_blueprint(child)
    CORS(parent, origins=B)  # installs the middleware while the parent registers
    app.register_blueprint(parent)
    CORS(child, origins=A)
    assert cors(get(app, "/p/c/", A)) == GRANT_A
    assert cors(get(app, "/p/c/", B)) == REFUSED


def test_a_blueprints_policies_live_on_the_blueprint_newest_first() -> None:
    blueprint = Blueprint("bp", __name__)
    CORS(blueprint, origins=A)
    CORS(blueprint, origins=B)
    policies = blueprint._wsgi_cors_policies  # type: ignore[attr-defined]
    assert [policy.resources[0].options.origins.exact for policy in policies] == [
        frozenset({B}),
        frozenset({A}),
    ]


@pytest.mark.parametrize("path", ["/open", "/partner/", "/missing"])
def test_an_app_with_a_decorated_view_routes_each_request_once_in_the_middleware(
    path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from werkzeug.routing import MapAdapter

    app, _ = partner_app("/partner/")
    matched: list[str | None] = []
    original = MapAdapter.match

    def counting(self: MapAdapter, path_info: str | None = None, *args: Any, **kwargs: Any) -> Any:
        matched.append(path_info)
        return original(self, path_info, *args, **kwargs)

    monkeypatch.setattr(MapAdapter, "match", counting)
    get(app, path, B)
    assert matched == [path, None]  # the middleware's match, then Flask's own


def test_a_repeated_request_gets_the_same_answer_from_one_match(monkeypatch: pytest.MonkeyPatch) -> None:
    from werkzeug.routing import MapAdapter

    app, ran = partner_app("/partner/", strict_slashes=False)
    matched: list[str | None] = []
    original = MapAdapter.match

    def counting(self: MapAdapter, path_info: str | None = None, *args: Any, **kwargs: Any) -> Any:
        matched.append(path_info)
        return original(self, path_info, *args, **kwargs)

    monkeypatch.setattr(MapAdapter, "match", counting)
    assert [cors(get(app, "/partner", B)) for _ in range(3)] == [REFUSED] * 3
    assert ran.views == ["partner"] * 3  # the view ran each time, with the middleware's headers
    assert matched == ["/partner", None, None, None]  # the middleware matched once, Flask thrice


def test_a_new_application_policy_after_the_first_request_replaces_cached_answers() -> None:
    app, _ = partner_app("/partner/")
    assert cors(get(app, "/open", B))["Access-Control-Allow-Origin"] == B
    CORS(app, origins=A)
    assert cors(get(app, "/open", A))["Access-Control-Allow-Origin"] == A
    assert cors(get(app, "/open", B)) == REFUSED
