"""Configuration without code: CORSMiddleware.from_env and from_mapping.

Each test builds the middleware from text or loaded settings and checks what it then
answers (or the start-up error, which must name the variable at fault).
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pytest

from wsgi_cors import ConfigurationError, ConfigurationTypeError, CORSMiddleware, CORSSecurityWarning
from wsgi_cors.config import PARSERS
from wsgi_cors.options import OPTION_NAMES
from wsgi_cors.policy import request_facts

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

ALLOWED = "https://app.example.com"


def api(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def from_env(**variables: str) -> CORSMiddleware:
    return CORSMiddleware.from_env(api, environ=variables)


def grant(middleware: CORSMiddleware, origin: str, path: str = "/api/items") -> str | None:
    """The Access-Control-Allow-Origin an actual GET from ``origin`` would get."""
    decided = middleware.policy.decide(request_facts("GET", path, origin))
    if decided is None:
        return None
    return dict(decided[1].headers).get("Access-Control-Allow-Origin")


def test_every_option_can_be_read_from_text() -> None:
    assert set(PARSERS) == set(OPTION_NAMES)


class TestFromEnv:
    def test_comma_separated_origins_with_spaces(self) -> None:
        cors = from_env(CORS_ORIGINS=f" {ALLOWED} , https://*.example.org ")
        assert grant(cors, ALLOWED) == ALLOWED
        assert grant(cors, "https://eu.example.org") == "https://eu.example.org"
        assert grant(cors, "https://evil.example.net") is None

    def test_newline_separated_origins(self) -> None:
        cors = from_env(CORS_ORIGINS=f"{ALLOWED}\nhttps://admin.example.com\n")
        assert grant(cors, "https://admin.example.com") == "https://admin.example.com"

    def test_json_array_keeps_commas_inside_a_regex(self) -> None:
        cors = from_env(CORS_ORIGINS=r'["https://[a-z]{2,3}\\.example\\.com"]')
        assert grant(cors, "https://abc.example.com") == "https://abc.example.com"
        assert grant(cors, "https://abcd.example.com") is None

    def test_json_array_of_non_strings_is_refused(self) -> None:
        with pytest.raises(ConfigurationTypeError, match=r"^CORS_ORIGINS=.*array of strings"):
            from_env(CORS_ORIGINS="[1, 2]")

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            *[("true", True), ("TRUE", True), ("1", True), ("yes", True), ("on", True)],
            *[("false", False), ("False", False), ("0", False), ("no", False), ("off", False)],
        ],
    )
    def test_booleans(self, text: str, expected: bool) -> None:
        cors = from_env(CORS_ORIGINS=ALLOWED, CORS_SUPPORTS_CREDENTIALS=text)
        decision = cors.policy.resources[0].actual(ALLOWED)
        assert (("Access-Control-Allow-Credentials", "true") in decision.headers) is expected

    def test_a_word_that_is_not_a_boolean_names_the_variable(self) -> None:
        with pytest.raises(ConfigurationError, match=r"^CORS_VARY_HEADER='maybe': not a boolean"):
            from_env(CORS_VARY_HEADER="maybe")

    def test_max_age_in_seconds(self) -> None:
        cors = from_env(CORS_MAX_AGE="600")
        decision = cors.policy.resources[0].preflight(ALLOWED, "GET", "", None)
        assert ("Access-Control-Max-Age", "600") in decision.headers

    @pytest.mark.parametrize("text", ["10m", "-5", "1.5", "\uff16\uff10\uff10"])
    def test_max_age_that_is_not_whole_seconds_names_the_variable(self, text: str) -> None:
        with pytest.raises(ConfigurationError, match=r"^CORS_MAX_AGE=.*whole number of seconds"):
            from_env(CORS_MAX_AGE=text)

    def test_preflight_status(self) -> None:
        assert from_env(CORS_PREFLIGHT_STATUS="204").policy.resources[0].options.preflight_status == (
            "204 No Content"
        )

    def test_core_validation_errors_name_the_variable(self) -> None:
        with pytest.raises(ConfigurationError, match=r"^CORS_PREFLIGHT_STATUS: preflight_status=500"):
            from_env(CORS_PREFLIGHT_STATUS="500")
        with pytest.raises(ConfigurationError, match=r"^CORS_METHODS: methods='PO ST'"):
            from_env(CORS_METHODS="GET, PO ST")
        with pytest.raises(ConfigurationError, match=r"^CORS_ORIGINS: origins='https://app.example.com/'"):
            from_env(CORS_ORIGINS="https://app.example.com/")

    def test_a_conflict_names_both_variables(self) -> None:
        with pytest.raises(ConfigurationError) as caught:
            from_env(CORS_SUPPORTS_CREDENTIALS="true", CORS_SEND_WILDCARD="true", CORS_MAX_AGE="5")
        assert str(caught.value).startswith(
            "CORS_SUPPORTS_CREDENTIALS, CORS_SEND_WILDCARD: send_wildcard=True"
        )

    def test_resources_as_a_plain_pattern(self) -> None:
        cors = from_env(CORS_RESOURCES="/api/*", CORS_ORIGINS=ALLOWED)
        assert grant(cors, ALLOWED, "/api/items") == ALLOWED
        assert grant(cors, ALLOWED, "/admin") is None

    def test_resources_as_comma_separated_patterns(self) -> None:
        cors = from_env(CORS_RESOURCES="/api/*, /public/*", CORS_ORIGINS=ALLOWED)
        assert grant(cors, ALLOWED, "/public/logo.png") == ALLOWED
        assert grant(cors, ALLOWED, "/admin") is None

    def test_resources_as_json_with_options_per_resource(self) -> None:
        cors = from_env(
            CORS_ORIGINS=ALLOWED,
            CORS_RESOURCES='{"/public/*": {"origins": "*", "send_wildcard": true}, "/api/*": {}}',
        )
        assert grant(cors, "https://anyone.example", "/public/logo.png") == "*"
        assert grant(cors, "https://anyone.example", "/api/items") is None
        assert grant(cors, ALLOWED, "/api/items") == ALLOWED

    def test_malformed_json_resources_name_the_variable(self) -> None:
        with pytest.raises(ConfigurationError, match=r"^CORS_RESOURCES=.*not valid JSON"):
            from_env(CORS_RESOURCES='{"/api/*": {"origins": }')

    def test_json_resources_of_the_wrong_shape_name_the_variable(self) -> None:
        with pytest.raises(ConfigurationTypeError, match=r"^CORS_RESOURCES: resources=1: a pattern must be"):
            from_env(CORS_RESOURCES="[1]")

    def test_a_bad_option_inside_json_resources_names_the_variable(self) -> None:
        with pytest.raises(
            ConfigurationError, match=r"^CORS_RESOURCES: resources\['/api/\*'\]: unknown option"
        ):
            from_env(CORS_RESOURCES='{"/api/*": {"orgins": "*"}}')

    def test_an_unknown_variable_is_an_error_with_a_suggestion(self) -> None:
        with pytest.raises(
            ConfigurationError, match=r"unknown option 'CORS_ORIGNS'.*did you mean 'CORS_ORIGINS'"
        ):
            from_env(CORS_ORIGNS=ALLOWED)

    def test_an_empty_variable_is_an_error_not_the_default(self) -> None:
        # CORS_ORIGINS= could mean "no origin" or "the default '*'": refuse to guess.
        with pytest.raises(ConfigurationError, match=r"^CORS_ORIGINS='': set but empty"):
            from_env(CORS_ORIGINS="")

    def test_a_list_of_only_commas_is_an_error(self) -> None:
        with pytest.raises(ConfigurationError, match=r"^CORS_EXPOSE_HEADERS=' , ,': no entries"):
            from_env(CORS_EXPOSE_HEADERS=" , ,")

    def test_other_variables_are_ignored(self) -> None:
        cors = from_env(PATH="/usr/bin", HOME="/root", MYCORS_ORIGINS="x", CORS_ORIGINS=ALLOWED)
        assert grant(cors, ALLOWED) == ALLOWED

    def test_another_prefix(self) -> None:
        cors = CORSMiddleware.from_env(
            api, environ={"API_CORS_ORIGINS": ALLOWED, "CORS_SOMETHING_ELSE": "x"}, prefix="API_CORS_"
        )
        assert grant(cors, ALLOWED) == ALLOWED
        assert grant(cors, "https://other.example") is None

    def test_variables_override_defaults_from_code(self) -> None:
        defaults: dict[str, Any] = {"resources": "/api/*", "origins": "https://old.example.com"}
        cors = CORSMiddleware.from_env(api, environ={"CORS_ORIGINS": ALLOWED}, defaults=defaults)
        assert grant(cors, ALLOWED) == ALLOWED
        assert grant(cors, "https://old.example.com") is None
        assert grant(cors, ALLOWED, "/admin") is None  # resources came from the defaults

    def test_reads_the_process_environment_by_default(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("CORS_ORIGINS", ALLOWED)
        cors = CORSMiddleware.from_env(api)
        assert grant(cors, ALLOWED) == ALLOWED
        assert grant(cors, "https://other.example") is None

    def test_nothing_set_means_the_defaults(self) -> None:
        cors = from_env()
        assert grant(cors, "https://anyone.example") == "https://anyone.example"

    def test_a_risky_setting_warns_once(self) -> None:
        with pytest.warns(CORSSecurityWarning) as record:
            from_env(CORS_SUPPORTS_CREDENTIALS="true")
        assert len(record) == 1

    def test_the_middleware_wraps_the_given_app(self) -> None:
        assert from_env().app is api


class TestFromMapping:
    def test_option_names(self) -> None:
        cors = CORSMiddleware.from_mapping(api, {"origins": [ALLOWED], "resources": "/api/*"})
        assert grant(cors, ALLOWED) == ALLOWED
        assert grant(cors, ALLOWED, "/admin") is None

    @pytest.mark.parametrize("key", ["CORS_ORIGINS", "cors_origins", "Cors_Origins"])
    def test_prefixed_names_in_any_case(self, key: str) -> None:
        cors = CORSMiddleware.from_mapping(api, {key: [ALLOWED]})
        assert grant(cors, ALLOWED) == ALLOWED
        assert grant(cors, "https://other.example") is None

    def test_an_unknown_key_is_an_error_with_a_suggestion(self) -> None:
        with pytest.raises(ConfigurationError, match=r"unknown option 'orgins'.*did you mean 'origins'"):
            CORSMiddleware.from_mapping(api, {"orgins": ALLOWED})
        with pytest.raises(ConfigurationError, match=r"unknown option 'CORS_MAXAGE'.*'CORS_MAX_AGE'"):
            CORSMiddleware.from_mapping(api, {"CORS_MAXAGE": 5})

    def test_the_same_option_twice_is_an_error(self) -> None:
        with pytest.raises(ConfigurationError, match=r"'origins' and 'CORS_ORIGINS' both set 'origins'"):
            CORSMiddleware.from_mapping(api, {"origins": "*", "CORS_ORIGINS": ALLOWED})

    def test_text_for_a_boolean_is_parsed_not_taken_as_truthy(self) -> None:
        cors = CORSMiddleware.from_mapping(api, {"CORS_VARY_HEADER": "false", "CORS_MAX_AGE": "60"})
        options = cors.policy.resources[0].options
        assert options.vary_header is False
        assert options.max_age == "60"

    def test_a_bad_typed_value_names_the_key(self) -> None:
        with pytest.raises(ConfigurationTypeError, match=r"^CORS_ALWAYS_SEND: always_send=3"):
            CORSMiddleware.from_mapping(api, {"CORS_ALWAYS_SEND": 3})

    def test_non_string_keys_are_refused(self) -> None:
        with pytest.raises(ConfigurationTypeError, match="every key must be a string"):
            CORSMiddleware.from_mapping(api, {1: "x"})

    def test_a_toml_table(self) -> None:
        loaded = tomllib.loads(
            """
            [cors]
            resources = "/api/*"
            origins = ["https://app.example.com", "https://*.example.org"]
            supports_credentials = true
            max_age = 600
            """
        )
        cors = CORSMiddleware.from_mapping(api, loaded["cors"])
        decision = cors.policy.resources[0].preflight("https://eu.example.org", "PUT", "", None)
        assert dict(decision.headers) == {
            "Access-Control-Allow-Origin": "https://eu.example.org",
            "Access-Control-Allow-Methods": "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT",
            "Access-Control-Allow-Credentials": "true",
            "Access-Control-Max-Age": "600",
        }

    def test_a_settings_module_contributes_its_cors_settings_only(self) -> None:
        settings = types.ModuleType("settings")
        settings.DEBUG = False  # type: ignore[attr-defined]
        settings.INSTALLED_APPS = ["django.contrib.admin"]  # type: ignore[attr-defined]
        settings.CORS_ORIGINS = [ALLOWED]  # type: ignore[attr-defined]
        settings.CORS_RESOURCES = "/api/*"  # type: ignore[attr-defined]
        cors = CORSMiddleware.from_mapping(api, settings)
        assert grant(cors, ALLOWED) == ALLOWED
        assert grant(cors, ALLOWED, "/admin") is None

    def test_a_misspelt_setting_in_a_module_is_an_error(self) -> None:
        settings = types.ModuleType("settings")
        settings.CORS_ALLOWED_ORIGINS = [ALLOWED]  # type: ignore[attr-defined]
        with pytest.raises(ConfigurationError, match=r"unknown option 'CORS_ALLOWED_ORIGINS'"):
            CORSMiddleware.from_mapping(api, settings)
