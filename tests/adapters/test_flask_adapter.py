"""wsgi_cors.flask: flask-cors's API (CORS, init_app, cross_origin, CORS_* config, blueprints)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Blueprint, Flask, abort, request
from werkzeug.test import TestResponse

from wsgi_cors import ConfigurationError, ConfigurationTypeError, CORSMiddleware, CORSSecurityWarning
from wsgi_cors.flask import CORS, FlaskCORSMiddleware, cross_origin

A = "https://a.example"
B = "https://b.example"
EVIL = "https://evil.example"
PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
ALL_METHODS = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"


def cors(response: TestResponse) -> dict[str, str]:
    """The CORS headers of a response (and Vary), each joined if repeated."""
    return {
        name: ", ".join(response.headers.getlist(name))
        for name in dict.fromkeys(response.headers.keys())
        if name.lower().startswith("access-control-") or name == "Vary"
    }


def get(app: Flask, path: str, origin: str | None = A, **headers: str) -> TestResponse:
    if origin is not None:
        headers["Origin"] = origin
    return app.test_client().get(path, headers=headers)


def preflight(
    app: Flask, path: str, origin: str = A, method: str = "POST", request_headers: str | None = None
) -> TestResponse:
    headers = {"Origin": origin, "Access-Control-Request-Method": method}
    if request_headers is not None:
        headers["Access-Control-Request-Headers"] = request_headers
    return app.test_client().options(path, headers=headers)


def make_app(**config: Any) -> Flask:
    app = Flask(__name__)
    app.config.update(config)

    @app.route("/api/items", methods=["GET", "POST"])
    def items() -> str:
        return "items"

    @app.route("/public")
    def public() -> str:
        return "public"

    return app


# --- CORS(app): the middleware around app.wsgi_app -------------------------------------------


def test_cors_app_grants_an_allowed_origin() -> None:
    app = make_app()
    CORS(app, origins=[A, B])
    assert cors(get(app, "/api/items")) == {"Access-Control-Allow-Origin": A, "Vary": "Origin"}


def test_cors_app_refuses_other_origins_with_only_vary() -> None:
    app = make_app()
    CORS(app, origins=[A])
    response = get(app, "/api/items", origin=EVIL)
    assert response.status_code == 200
    assert cors(response) == {"Vary": "Origin"}


def test_cors_app_installs_one_middleware_around_wsgi_app() -> None:
    app = make_app()
    cors_extension = CORS(app)
    CORS(app, resources="/other")
    cors_extension.init_app(app)
    assert isinstance(app.wsgi_app, FlaskCORSMiddleware)
    assert app.extensions["wsgi_cors"] is app.wsgi_app
    assert not isinstance(app.wsgi_app.app, FlaskCORSMiddleware)
    assert len(app.wsgi_app.policies) == 3
    assert isinstance(app.wsgi_app, CORSMiddleware)
    assert app.wsgi_app.policy is app.wsgi_app.policies[0]


def test_preflight_is_answered_before_before_request_hooks() -> None:
    app = make_app()
    calls: list[str] = []

    @app.before_request
    def require_token() -> None:
        calls.append(request.method)
        if "Authorization" not in request.headers:
            abort(401)

    CORS(app, origins=A, allow_headers=["Authorization", "Content-Type"])
    response = preflight(app, "/api/items", request_headers="authorization, content-type")
    assert response.status_code == 200
    assert response.data == b""
    assert cors(response) == {
        "Access-Control-Allow-Origin": A,
        "Access-Control-Allow-Methods": ALL_METHODS,
        "Access-Control-Allow-Headers": "authorization, content-type",
        "Vary": PREFLIGHT_VARY,
    }
    assert calls == []


def test_the_hook_still_guards_the_actual_request_and_its_401_has_cors_headers() -> None:
    app = make_app()

    @app.before_request
    def require_token() -> None:
        abort(401)

    CORS(app, origins=A)
    response = get(app, "/api/items")
    assert response.status_code == 401
    assert cors(response) == {"Access-Control-Allow-Origin": A, "Vary": "Origin"}


def test_a_plain_options_request_goes_to_flask() -> None:
    app = make_app()
    CORS(app, origins=A)
    response = app.test_client().options("/api/items", headers={"Origin": A})
    assert response.status_code == 200
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}
    assert cors(response) == {"Access-Control-Allow-Origin": A, "Vary": "Origin"}


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/missing", 404), ("DELETE", "/api/items", 405), ("GET", "/abort", 403), ("GET", "/boom", 500)],
)
def test_error_responses_carry_cors_headers(method: str, path: str, status: int) -> None:
    app = errors_app()
    CORS(app, origins=A)
    response = app.test_client().open(path, method=method, headers={"Origin": A})
    assert response.status_code == status
    assert cors(response) == {"Access-Control-Allow-Origin": A, "Vary": "Origin"}


def errors_app() -> Flask:
    app = make_app()
    app.testing = False  # let Flask turn the exception into its 500 page

    @app.route("/abort")
    def forbidden() -> str:
        abort(403)

    @app.route("/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    app.logger.disabled = True
    return app


def test_the_applications_own_allow_origin_wins() -> None:
    app = make_app()

    @app.route("/own")
    def own() -> tuple[str, dict[str, str]]:
        return "own", {"Access-Control-Allow-Origin": "https://own.example"}

    CORS(app, origins=A, expose_headers="X-Id")
    assert cors(get(app, "/own")) == {"Access-Control-Allow-Origin": "https://own.example"}


def test_the_newest_cors_call_on_an_app_wins_where_both_cover_a_path() -> None:
    app = make_app()
    CORS(app, origins=A)
    CORS(app, resources="/api/*", origins=B)
    assert cors(get(app, "/api/items", origin=B))["Access-Control-Allow-Origin"] == B
    assert cors(get(app, "/public", origin=A))["Access-Control-Allow-Origin"] == A


# --- the deferred pattern and several apps ---------------------------------------------------


def test_init_app_serves_several_apps_each_with_its_own_config() -> None:
    extension = CORS(expose_headers="X-Id")
    first = make_app(CORS_ORIGINS=A)
    second = make_app(CORS_ORIGINS=B)
    extension.init_app(first)
    extension.init_app(second)
    assert cors(get(first, "/public", origin=A))["Access-Control-Allow-Origin"] == A
    assert cors(get(first, "/public", origin=B)) == {"Vary": "Origin"}
    assert cors(get(second, "/public", origin=B)) == {
        "Access-Control-Allow-Origin": B,
        "Access-Control-Expose-Headers": "X-Id",
        "Vary": "Origin",
    }


def test_init_app_keywords_win_over_the_constructors() -> None:
    extension = CORS(origins=A, max_age=10)
    app = make_app()
    extension.init_app(app, max_age=20)
    assert cors(preflight(app, "/public"))["Access-Control-Max-Age"] == "20"


def test_a_bad_option_fails_at_construction_with_the_fix() -> None:
    with pytest.raises(ConfigurationError, match=r"unknown option 'origin'.*did you mean 'origins'"):
        CORS(origin=A)


def test_init_app_refuses_anything_but_an_app_or_blueprint() -> None:
    with pytest.raises(ConfigurationTypeError, match="Flask application or a Blueprint"):
        CORS().init_app("app")  # type: ignore[arg-type]


# --- configuration from app.config ------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("CORS_ORIGINS", [B], {"Vary": PREFLIGHT_VARY}),
        ("CORS_METHODS", ["GET", "POST"], {"Access-Control-Allow-Methods": "GET, POST"}),
        ("CORS_ALLOW_HEADERS", ["X-Other"], {"Vary": PREFLIGHT_VARY}),
        ("CORS_EXPOSE_HEADERS", ["X-Id"], {}),
        ("CORS_SUPPORTS_CREDENTIALS", True, {"Access-Control-Allow-Credentials": "true"}),
        ("CORS_MAX_AGE", timedelta(minutes=10), {"Access-Control-Max-Age": "600"}),
        ("CORS_SEND_WILDCARD", True, {"Access-Control-Allow-Origin": "*"}),
        ("CORS_VARY_HEADER", False, {"Vary": None}),
        ("CORS_RESOURCES", "/elsewhere/*", {}),
        ("CORS_ALLOW_PRIVATE_NETWORK", True, {"Access-Control-Allow-Private-Network": "true"}),
    ],
)
def test_each_cors_config_key_shapes_the_preflight(key: str, value: object, expected: dict[str, Any]) -> None:
    app = make_app(**{key: value})
    if key == "CORS_SUPPORTS_CREDENTIALS":
        app.config["CORS_ORIGINS"] = [A]
    CORS(app, allow_headers="X-Custom") if key != "CORS_ALLOW_HEADERS" else CORS(app)
    client = app.test_client()
    response = client.options(
        "/api/items",
        headers={
            "Origin": A,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "x-custom",
            "Access-Control-Request-Private-Network": "true",
        },
    )
    granted = {
        "Access-Control-Allow-Origin": A,
        "Access-Control-Allow-Methods": ALL_METHODS,
        "Access-Control-Allow-Headers": "x-custom",
        "Vary": PREFLIGHT_VARY,
    }
    if key in ("CORS_ORIGINS", "CORS_ALLOW_HEADERS", "CORS_RESOURCES"):
        granted = {}  # refused (only Vary) or not covered at all
    if key == "CORS_SEND_WILDCARD":
        granted["Vary"] = "Access-Control-Request-Method, Access-Control-Request-Headers"
    if key == "CORS_ALLOW_PRIVATE_NETWORK":
        granted["Vary"] = PREFLIGHT_VARY + ", Access-Control-Request-Private-Network"
    merged = {name: value for name, value in {**granted, **expected}.items() if value is not None}
    assert cors(response) == merged


def test_cors_expose_headers_config_reaches_actual_responses() -> None:
    app = make_app(CORS_EXPOSE_HEADERS=["X-Id", "X-Trace"])
    CORS(app)
    assert cors(get(app, "/public"))["Access-Control-Expose-Headers"] == "X-Id, X-Trace"


def test_cors_always_send_config_controls_originless_answers() -> None:
    on = make_app(CORS_ORIGINS=A)
    off = make_app(CORS_ORIGINS=A, CORS_ALWAYS_SEND=False)
    CORS(on)
    CORS(off)
    assert cors(get(on, "/public", origin=None)) == {"Access-Control-Allow-Origin": A, "Vary": "Origin"}
    assert cors(get(off, "/public", origin=None)) == {"Vary": "Origin"}


def test_cors_automatic_options_false_lets_flask_answer_the_preflight() -> None:
    app = make_app(CORS_AUTOMATIC_OPTIONS=False)
    seen: list[str] = []
    app.before_request(lambda: seen.append(request.method) and None)
    CORS(app, origins=A)
    response = preflight(app, "/api/items")
    assert seen == ["OPTIONS"]
    assert "Allow" in response.headers
    assert cors(response)["Access-Control-Allow-Origin"] == A


def test_cors_intercept_exceptions_config_is_read() -> None:
    app = errors_app()
    app.config["CORS_INTERCEPT_EXCEPTIONS"] = False
    CORS(app, origins=A)
    assert cors(get(app, "/abort")) == {}


def test_precedence_resource_then_keywords_then_config_then_defaults() -> None:
    app = make_app(CORS_ORIGINS=B, CORS_MAX_AGE=1, CORS_EXPOSE_HEADERS="X-Config")
    CORS(app, resources={"/api/*": {"origins": A}}, max_age=2)
    headers = cors(preflight(app, "/api/items", origin=A))
    assert headers["Access-Control-Allow-Origin"] == A  # resource-level over config
    assert headers["Access-Control-Max-Age"] == "2"  # keyword over config
    assert "Access-Control-Allow-Credentials" not in headers  # default
    assert cors(get(app, "/api/items", origin=A))["Access-Control-Expose-Headers"] == "X-Config"  # config


def test_none_in_config_means_unset() -> None:
    app = make_app(CORS_ORIGINS=None)
    CORS(app)
    assert cors(get(app, "/public", origin=EVIL))["Access-Control-Allow-Origin"] == EVIL


def test_a_misspelt_config_key_warns_with_the_likely_key() -> None:
    app = make_app(CORS_ORIGIN=A)
    with pytest.warns(UserWarning, match=r"CORS_ORIGIN'\] is not a CORS option.*'CORS_ORIGINS'"):
        CORS(app)


def test_cors_headers_from_flask_cors_readme_is_ignored_quietly() -> None:
    app = make_app(CORS_HEADERS="Content-Type")
    CORS(app)
    assert cors(get(app, "/public"))["Access-Control-Allow-Origin"] == A


def test_config_text_for_booleans_and_numbers_is_read_as_the_environment_is() -> None:
    """``from_prefixed_env`` and env files leave text in app.config: "false" must mean false."""
    app = make_app(
        CORS_ORIGINS=A, CORS_SUPPORTS_CREDENTIALS="true", CORS_VARY_HEADER="false", CORS_MAX_AGE="600"
    )
    CORS(app)
    assert cors(get(app, "/api/items")) == {
        "Access-Control-Allow-Origin": A,
        "Access-Control-Allow-Credentials": "true",
    }
    assert cors(preflight(app, "/api/items"))["Access-Control-Max-Age"] == "600"


def test_a_bad_config_value_fails_naming_the_config_key() -> None:
    app = make_app(CORS_SUPPORTS_CREDENTIALS="maybe")
    with pytest.raises(ConfigurationError, match=r"\['CORS_SUPPORTS_CREDENTIALS'\]='maybe': not a boolean"):
        CORS(app)


def test_a_wrong_option_type_is_a_value_error_as_in_flask_cors() -> None:
    with pytest.raises(ValueError, match="resources=5"):
        CORS(make_app(), resources=5)
    with pytest.raises(TypeError, match="resources=5"):
        CORS(make_app(), resources=5)


def test_a_path_without_its_leading_slash_is_matched_as_flask_routes_it() -> None:
    """werkzeug's ``client.get("api/items")`` leaves the slash out of PATH_INFO; Flask adds it."""
    app = make_app()
    CORS(app, resources=r"/api/*")
    response = app.test_client().get("api/items", headers={"Origin": A})
    assert response.status_code == 200
    assert cors(response) == {"Access-Control-Allow-Origin": A, "Vary": "Origin"}
    assert cors(app.test_client().get("public", headers={"Origin": A})) == {}


# --- option value types, as flask-cors accepts them -------------------------------------------


@pytest.mark.parametrize(
    "origins",
    [
        A,
        [A, B],
        {A, B},
        (A,),
        re.compile(r"https://a\.example"),
        r"https://[ab]\.example",
        [re.compile(r"https://a\.example"), B],
        "https://*.example",
    ],
)
def test_origins_accept_flask_cors_value_types(origins: object) -> None:
    app = make_app()
    CORS(app, origins=origins)
    assert cors(get(app, "/public"))["Access-Control-Allow-Origin"] == A


def test_methods_allow_headers_expose_headers_and_max_age_accept_flask_cors_types() -> None:
    app = make_app()
    CORS(
        app,
        methods={"get", "put"},
        allow_headers=[re.compile(r"x-custom-\w+"), "Content-Type"],
        expose_headers={"X-B", "X-A"},
        max_age="30",
    )
    headers = cors(preflight(app, "/api/items", method="PUT", request_headers="content-type, x-custom-id"))
    assert headers["Access-Control-Allow-Methods"] == "GET, PUT"
    assert headers["Access-Control-Allow-Headers"] == "content-type, x-custom-id"
    assert headers["Access-Control-Max-Age"] == "30"
    assert cors(get(app, "/api/items"))["Access-Control-Expose-Headers"] == "X-A, X-B"


def test_resources_accept_a_compiled_regex_a_list_and_a_dict() -> None:
    for resources in (re.compile(r"/api/"), [r"/api/*"], {r"/api/.*": {}}):
        app = make_app()
        CORS(app, resources=resources)
        assert cors(get(app, "/api/items"))["Access-Control-Allow-Origin"] == A
        assert cors(get(app, "/public")) == {}


# --- intercept_exceptions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/missing", 404), ("DELETE", "/api/items", 405), ("GET", "/abort", 403), ("GET", "/boom", 500)],
)
def test_without_intercept_exceptions_error_responses_carry_no_cors_headers(
    method: str, path: str, status: int
) -> None:
    app = errors_app()
    CORS(app, origins=A, intercept_exceptions=False)
    response = app.test_client().open(path, method=method, headers={"Origin": A})
    assert response.status_code == status
    assert cors(response) == {}


def test_without_intercept_exceptions_normal_responses_still_carry_them() -> None:
    app = errors_app()
    CORS(app, origins=A, intercept_exceptions=False)
    assert cors(get(app, "/api/items")) == {"Access-Control-Allow-Origin": A, "Vary": "Origin"}


def test_without_intercept_exceptions_an_error_handlers_response_carries_none() -> None:
    app = errors_app()

    @app.errorhandler(403)
    def handled(error: Exception) -> tuple[str, int]:
        return "handled", 200

    CORS(app, origins=A, intercept_exceptions=False)
    response = get(app, "/abort")
    assert (response.status_code, response.data) == (200, b"handled")
    assert cors(response) == {}


# --- blueprints --------------------------------------------------------------------------------


def make_blueprint(name: str = "v1", url_prefix: str | None = None) -> Blueprint:
    blueprint = Blueprint(name, __name__, url_prefix=url_prefix)

    @blueprint.route("/things", methods=["GET", "POST"])
    def things() -> str:
        return "things"

    return blueprint


def test_cors_blueprint_covers_its_routes_only_with_its_url_prefix() -> None:
    app = make_app()
    blueprint = make_blueprint(url_prefix="/v1")
    CORS(blueprint, origins=A)
    app.register_blueprint(blueprint)
    assert cors(get(app, "/v1/things")) == {"Access-Control-Allow-Origin": A, "Vary": "Origin"}
    assert cors(get(app, "/public")) == {}
    assert cors(get(app, "/v1/missing")) == {}


def test_cors_blueprint_follows_the_prefix_given_at_registration_and_routes_added_later() -> None:
    app = make_app()
    blueprint = Blueprint("late", __name__)
    CORS(blueprint, origins=A)

    @blueprint.route("/added-after-cors")
    def added() -> str:
        return "added"

    app.register_blueprint(blueprint, url_prefix="/mounted")
    assert cors(get(app, "/mounted/added-after-cors"))["Access-Control-Allow-Origin"] == A
    assert get(app, "/added-after-cors").status_code == 404


def test_cors_blueprint_preflight_is_answered_before_hooks() -> None:
    app = make_app()
    app.before_request(lambda: abort(401))
    blueprint = make_blueprint(url_prefix="/v1")
    CORS(blueprint, origins=A, max_age=5)
    app.register_blueprint(blueprint)
    response = preflight(app, "/v1/things")
    assert response.status_code == 200
    assert cors(response) == {
        "Access-Control-Allow-Origin": A,
        "Access-Control-Allow-Methods": ALL_METHODS,
        "Access-Control-Max-Age": "5",
        "Vary": PREFLIGHT_VARY,
    }


def test_cors_blueprint_after_registration_inside_an_app_context() -> None:
    app = make_app()
    blueprint = make_blueprint(url_prefix="/v1")
    app.register_blueprint(blueprint)
    with app.app_context():
        CORS(blueprint, origins=A)
    assert cors(get(app, "/v1/things"))["Access-Control-Allow-Origin"] == A


def test_cors_blueprint_after_registration_on_an_app_with_cors() -> None:
    app = make_app()
    CORS(app, resources=[])
    blueprint = make_blueprint(url_prefix="/v1")
    app.register_blueprint(blueprint)
    CORS(blueprint, origins=A)
    assert cors(get(app, "/v1/things"))["Access-Control-Allow-Origin"] == A
    assert cors(get(app, "/public")) == {}


def test_cors_blueprint_after_registration_without_a_way_to_the_app_is_an_error() -> None:
    app = make_app()
    blueprint = make_blueprint(url_prefix="/v1")
    app.register_blueprint(blueprint)
    with pytest.raises(ConfigurationError, match=r"before app.register_blueprint"):
        CORS(blueprint, origins=A)


def test_blueprint_policy_wins_over_the_apps_on_its_routes() -> None:
    app = make_app()
    CORS(app, origins=B)
    blueprint = make_blueprint(url_prefix="/v1")
    CORS(blueprint, origins=A)
    app.register_blueprint(blueprint)
    assert cors(get(app, "/v1/things", origin=B)) == {"Vary": "Origin"}
    assert cors(get(app, "/v1/things", origin=A))["Access-Control-Allow-Origin"] == A
    assert cors(get(app, "/public", origin=B))["Access-Control-Allow-Origin"] == B


def test_blueprint_resources_are_full_paths_and_fall_back_to_the_app() -> None:
    app = make_app()
    CORS(app, origins=B)
    blueprint = make_blueprint(url_prefix="/v1")

    @blueprint.route("/open")
    def open_() -> str:
        return "open"

    CORS(blueprint, resources="/v1/things", origins=A)
    app.register_blueprint(blueprint)
    assert cors(get(app, "/v1/things", origin=A))["Access-Control-Allow-Origin"] == A
    assert cors(get(app, "/v1/open", origin=B))["Access-Control-Allow-Origin"] == B


def test_a_nested_blueprint_inherits_its_parents_policy() -> None:
    app = make_app()
    parent = Blueprint("parent", __name__, url_prefix="/p")
    child = make_blueprint("child", url_prefix="/c")
    parent.register_blueprint(child)
    CORS(parent, origins=A)
    app.register_blueprint(parent)
    assert cors(get(app, "/p/c/things"))["Access-Control-Allow-Origin"] == A


def test_one_blueprint_on_two_apps() -> None:
    blueprint = make_blueprint(url_prefix="/v1")
    CORS(blueprint, origins=A)
    first, second = make_app(), make_app()
    first.register_blueprint(blueprint)
    second.register_blueprint(blueprint, url_prefix="/v2")
    assert cors(get(first, "/v1/things"))["Access-Control-Allow-Origin"] == A
    assert cors(get(second, "/v2/things"))["Access-Control-Allow-Origin"] == A


# --- @cross_origin ---------------------------------------------------------------------------


def decorated_app(with_extension: bool, **view_options: Any) -> tuple[Flask, list[str]]:
    app = make_app()
    calls: list[str] = []

    @app.route("/view", methods=["GET", "PUT"])
    @cross_origin(**view_options)
    def view() -> str:
        calls.append(request.method)
        return "view"

    if with_extension:
        CORS(app, origins=B)
    return app, calls


@pytest.mark.parametrize("with_extension", [True, False])
def test_cross_origin_grants_its_origins(with_extension: bool) -> None:
    app, _ = decorated_app(with_extension, origins=A, expose_headers="X-Id")
    assert cors(get(app, "/view")) == {
        "Access-Control-Allow-Origin": A,
        "Access-Control-Expose-Headers": "X-Id",
        "Vary": "Origin",
    }


@pytest.mark.parametrize("with_extension", [True, False])
def test_cross_origin_answers_its_preflight_without_calling_the_view(with_extension: bool) -> None:
    app, calls = decorated_app(with_extension, origins=A, max_age=60, methods=["GET", "PUT"])
    response = preflight(app, "/view", method="PUT", request_headers="content-type")
    assert response.status_code == 200
    assert response.data == b""
    assert cors(response) == {
        "Access-Control-Allow-Origin": A,
        "Access-Control-Allow-Methods": "GET, PUT",
        "Access-Control-Allow-Headers": "content-type",
        "Access-Control-Max-Age": "60",
        "Vary": PREFLIGHT_VARY,
    }
    assert calls == []


@pytest.mark.parametrize("with_extension", [True, False])
def test_cross_origin_refuses_a_preflight_for_a_method_it_does_not_allow(with_extension: bool) -> None:
    app, calls = decorated_app(with_extension, origins=A, methods=["GET"])
    response = preflight(app, "/view", method="PUT")
    assert cors(response) == {"Vary": PREFLIGHT_VARY}
    assert calls == []


def test_cross_origin_wins_over_the_app_wide_extension_for_its_view() -> None:
    app, _ = decorated_app(True, origins=A)
    assert cors(get(app, "/view", origin=B)) == {"Vary": "Origin"}
    assert cors(preflight(app, "/view", origin=B)) == {"Vary": PREFLIGHT_VARY}
    assert cors(get(app, "/public", origin=B))["Access-Control-Allow-Origin"] == B


def test_a_plain_options_to_a_decorated_view_gets_flasks_answer() -> None:
    for with_extension in (True, False):
        app, calls = decorated_app(with_extension, origins=A)
        response = app.test_client().options("/view", headers={"Origin": A})
        assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "PUT"}
        assert cors(response) == {"Access-Control-Allow-Origin": A, "Vary": "Origin"}
        assert calls == []


def test_cross_origin_without_automatic_options_leaves_options_to_flask() -> None:
    app, calls = decorated_app(True, origins=A, automatic_options=False)
    response = preflight(app, "/view", method="PUT")
    assert "Allow" in response.headers
    assert cors(response)["Access-Control-Allow-Origin"] == A
    assert calls == []


def test_cross_origin_reads_app_config_below_its_own_options() -> None:
    app = make_app(CORS_MAX_AGE=99, CORS_ORIGINS=B)

    @app.route("/view")
    @cross_origin(origins=A)
    def view() -> str:
        return "view"

    headers = cors(preflight(app, "/view", method="GET"))
    assert headers["Access-Control-Allow-Origin"] == A
    assert headers["Access-Control-Max-Age"] == "99"


def test_a_decorated_views_error_response_gets_the_views_headers() -> None:
    app = errors_app()

    @app.route("/fails")
    @cross_origin(origins=A)
    def fails() -> str:
        raise RuntimeError("boom")

    CORS(app, origins=B)
    response = get(app, "/fails")
    assert response.status_code == 500
    assert cors(response) == {"Access-Control-Allow-Origin": A, "Vary": "Origin"}


def test_a_preflight_takes_the_policy_of_the_view_serving_the_requested_method() -> None:
    app = make_app()

    @app.route("/split", methods=["GET"])
    @cross_origin(origins=A)
    def read() -> str:
        return "read"

    @app.route("/split", methods=["POST"])
    def write() -> str:
        return "write"

    CORS(app, origins=B)
    assert cors(preflight(app, "/split", origin=A, method="GET"))["Access-Control-Allow-Origin"] == A
    assert cors(preflight(app, "/split", origin=B, method="POST"))["Access-Control-Allow-Origin"] == B
    assert cors(preflight(app, "/split", origin=B, method="GET")) == {"Vary": PREFLIGHT_VARY}


@pytest.mark.parametrize("with_extension", [True, False])
def test_cross_origin_works_on_async_views(with_extension: bool) -> None:
    app = make_app()

    @app.route("/async")
    @cross_origin(origins=A)
    async def view() -> str:
        return "async"

    if with_extension:
        CORS(app, origins=B)
    response = get(app, "/async")
    assert response.data == b"async"
    assert cors(response) == {"Access-Control-Allow-Origin": A, "Vary": "Origin"}
    assert cors(preflight(app, "/async", method="GET"))["Access-Control-Allow-Origin"] == A


def test_cross_origin_on_a_blueprint_view_wins_over_the_blueprint() -> None:
    app = make_app()
    blueprint = Blueprint("bp", __name__)

    @blueprint.route("/special")
    @cross_origin(origins=B)
    def special() -> str:
        return "special"

    CORS(blueprint, origins=A)
    app.register_blueprint(blueprint)
    assert cors(get(app, "/special", origin=B))["Access-Control-Allow-Origin"] == B
    assert cors(get(app, "/special", origin=A)) == {"Vary": "Origin"}


def test_cross_origin_without_intercept_exceptions_leaves_error_responses_alone() -> None:
    app = errors_app()

    @app.route("/fails")
    @cross_origin(origins=A, intercept_exceptions=False)
    def fails() -> str:
        abort(409)

    CORS(app, resources=[])
    assert cors(get(app, "/fails")) == {}


def test_cross_origin_needs_parentheses() -> None:
    with pytest.raises(ConfigurationTypeError, match=r"@cross_origin\(\)"):
        cross_origin(lambda: "view")


def test_cross_origin_refuses_resources_and_unknown_options() -> None:
    with pytest.raises(ConfigurationError, match="unknown option 'resources'"):
        cross_origin(resources="/x")
    with pytest.raises(ConfigurationError, match="did you mean 'max_age'"):
        cross_origin(maxage=5)


def test_cross_origin_validates_at_decoration_time() -> None:
    with pytest.raises(ConfigurationError, match="send_wildcard"):
        cross_origin(supports_credentials=True, send_wildcard=True)
    with pytest.warns(CORSSecurityWarning):
        cross_origin(supports_credentials=True)


def test_a_decorated_view_conflicting_with_app_config_fails_at_cors_app() -> None:
    app = make_app(CORS_SEND_WILDCARD=True)

    @app.route("/view")
    @cross_origin(supports_credentials=True, origins=A)
    def view() -> str:
        return "view"

    with pytest.raises(ConfigurationError, match="send_wildcard"):
        CORS(app, resources=[])


# --- routing: how the middleware finds the view ---------------------------------------------


def test_a_decorated_view_with_converters_is_found() -> None:
    app = make_app()

    @app.route("/items/<int:item_id>")
    @cross_origin(origins=A)
    def item(item_id: int) -> str:
        return str(item_id)

    CORS(app, origins=B)
    assert cors(get(app, "/items/7"))["Access-Control-Allow-Origin"] == A
    assert cors(get(app, "/items/x", origin=B))["Access-Control-Allow-Origin"] == B  # 404: the app's


def test_a_decorated_view_on_a_non_ascii_path_is_found() -> None:
    app = make_app()

    @app.route("/café")
    @cross_origin(origins=A)
    def cafe() -> str:
        return "café"

    CORS(app, origins=B)
    assert cors(get(app, "/caf%C3%A9"))["Access-Control-Allow-Origin"] == A


def test_views_are_told_apart_by_subdomain() -> None:
    app = Flask(__name__, subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.test"

    @app.route("/data", subdomain="api")
    @cross_origin(origins=A)
    def api_data() -> str:
        return "api"

    @app.route("/data", subdomain="www")
    def www_data() -> str:
        return "www"

    CORS(app, origins=B)
    client = app.test_client()
    api = client.get("/data", base_url="http://api.example.test", headers={"Origin": A})
    www = client.get("/data", base_url="http://www.example.test", headers={"Origin": A})
    assert (api.data, cors(api)["Access-Control-Allow-Origin"]) == (b"api", A)
    assert (www.data, cors(www)) == (b"www", {"Vary": "Origin"})


def test_distinct_hosts_cannot_grow_the_adapter_cache_without_bound() -> None:
    app = make_app()

    @app.route("/view")
    @cross_origin(origins=A)
    def view() -> str:
        return "view"

    CORS(app, origins=B)
    client = app.test_client()
    for number in range(200):
        response = client.get("/view", base_url=f"http://host{number}.test", headers={"Origin": A})
        assert cors(response)["Access-Control-Allow-Origin"] == A
    middleware = app.wsgi_app
    assert isinstance(middleware, FlaskCORSMiddleware)
    assert len(middleware._routing.adapters) <= 64


def count_matches(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record each URL-map match (its path), to see who routes a request."""
    from werkzeug.routing import MapAdapter

    matched: list[str] = []
    original = MapAdapter.match

    def counting(self: MapAdapter, path_info: str | None = None, *args: Any, **kwargs: Any) -> Any:
        matched.append(path_info or self.path_info)
        return original(self, path_info, *args, **kwargs)

    monkeypatch.setattr(MapAdapter, "match", counting)
    return matched


def test_an_app_without_views_or_blueprint_policies_is_routed_by_flask_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = make_app()
    app.register_blueprint(make_blueprint(url_prefix="/v1"))  # a blueprint without CORS
    CORS(app, origins=A)
    matched = count_matches(monkeypatch)
    assert cors(get(app, "/v1/things"))["Access-Control-Allow-Origin"] == A
    assert matched == ["/v1/things"]
