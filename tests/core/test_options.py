"""Configuration: every bad value fails at construction, naming the option, value and fix."""

from __future__ import annotations

import re
import warnings
from datetime import timedelta
from typing import Any

import pytest
from werkzeug.test import Client

from tests.support import ALLOWED, RecordingApp, cors_headers, make_client, preflight
from wsgi_cors import (
    ConfigurationError,
    ConfigurationTypeError,
    CORSMiddleware,
    CORSSecurityWarning,
    Policy,
    WsgiCorsError,
)
from wsgi_cors.policy import request_facts


def build(**options: Any) -> CORSMiddleware:
    return CORSMiddleware(RecordingApp(), **options)


def test_errors_are_value_and_type_errors_of_one_family() -> None:
    assert issubclass(ConfigurationError, ValueError)
    assert issubclass(ConfigurationError, WsgiCorsError)
    assert issubclass(ConfigurationTypeError, TypeError)
    assert issubclass(ConfigurationTypeError, WsgiCorsError)


def test_misspelt_option_is_an_error_that_suggests_the_name() -> None:
    with pytest.raises(ConfigurationError, match=r"unknown option 'origin'.*did you mean 'origins'"):
        build(origin=ALLOWED)


def test_unknown_option_inside_a_resource_names_the_resource() -> None:
    with pytest.raises(ConfigurationError, match=r"resources\['/api/\*'\]: unknown option 'max_ages'"):
        build(resources={r"/api/*": {"max_ages": 10}})


def test_resources_is_not_a_per_resource_option() -> None:
    with pytest.raises(ConfigurationError, match="unknown option 'resources'"):
        build(resources={r"/api/*": {"resources": "/x"}})


def test_invalid_origin_regex_names_the_value() -> None:
    with pytest.raises(
        ConfigurationError, match=r"origins='https://\(unclosed\.example': .*does not compile"
    ):
        build(origins="https://(unclosed.example")


def test_invalid_resource_regex_names_the_value() -> None:
    with pytest.raises(ConfigurationError, match=r"resources='/api/\(v1': .*does not compile"):
        build(resources="/api/(v1")


def test_credentials_with_send_wildcard_is_an_error() -> None:
    with pytest.raises(ConfigurationError, match=r"send_wildcard=True: .*cannot work together"):
        build(supports_credentials=True, send_wildcard=True)


@pytest.mark.parametrize(
    ("origin", "problem", "fix"),
    [
        ("https://app.example.com/", "trailing slash never matches", "write 'https://app.example.com'"),
        ("https://app.example.com/path", "no path, query or fragment", "write 'https://app.example.com'"),
        ("https://app.example.com#top", "no path, query or fragment", "write 'https://app.example.com'"),
        ("app.example.com", "needs a scheme", "write 'https://app.example.com'"),
        ("https://user@app.example.com", "no user name", "write 'https://app.example.com'"),
        ("https://bücher.example", "ASCII (punycode) form", "write 'https://xn--bcher-kva.example'"),
    ],
)
def test_origin_that_no_browser_sends_is_an_error_with_the_fix(origin: str, problem: str, fix: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        build(origins=[origin])
    message = str(raised.value)
    assert message.startswith(f"origins={origin!r}: ")
    assert problem in message
    assert fix in message


def test_malformed_wildcard_origin_is_an_error() -> None:
    with pytest.raises(
        ConfigurationError, match=r"origins='https://\*\.example\.com/': .*scheme://\*\.domain"
    ):
        build(origins="https://*.example.com/")


def test_negative_max_age_is_an_error() -> None:
    with pytest.raises(ConfigurationError, match=r"max_age=-1: .*Fix: pass 0 or more seconds"):
        build(max_age=-1)


@pytest.mark.parametrize("value", ["ten", 1.5, True, [10]])
def test_max_age_of_the_wrong_type_is_a_type_error(value: object) -> None:
    with pytest.raises(ConfigurationTypeError, match="max_age="):
        build(max_age=value)


@pytest.mark.parametrize("value", ["\u00b2", "\u0661\u0662", "\uff16\uff10\uff10", "6\u00b2"])
def test_max_age_in_non_ascii_digits_names_the_option(value: str) -> None:
    # str.isdigit() accepts these, int() does not (or reads Arabic-Indic digits as a number a
    # reader of the configuration would not expect): the error must name max_age and the fix.
    with pytest.raises(ConfigurationTypeError) as caught:
        build(max_age=value)
    assert str(caught.value) == (
        f"max_age={value!r}: expected whole seconds. Fix: pass an int, a digit string or a timedelta."
    )


@pytest.mark.parametrize(
    ("value", "sent"),
    [(600, "600"), ("600", "600"), (timedelta(minutes=10), "600"), (0, "0"), (timedelta(0), "0")],
)
def test_max_age_forms_all_send_whole_seconds(value: object, sent: str) -> None:
    response = preflight(make_client(RecordingApp(), max_age=value))
    assert response.headers["Access-Control-Max-Age"] == sent


@pytest.mark.parametrize("name", ["supports_credentials", "send_wildcard", "vary_header", "always_send"])
def test_string_for_a_boolean_option_is_a_type_error(name: str) -> None:
    # "false" is truthy: accepting it would switch the option on.
    with pytest.raises(ConfigurationTypeError, match=rf"{name}='false': expected True or False"):
        build(**{name: "false"})


def test_origins_of_the_wrong_type_is_a_type_error() -> None:
    with pytest.raises(ConfigurationTypeError, match="origins=42"):
        build(origins=42)
    with pytest.raises(ConfigurationTypeError, match="origins=42: each entry"):
        build(origins=[ALLOWED, 42])


def test_resources_of_the_wrong_type_is_a_type_error() -> None:
    with pytest.raises(ConfigurationTypeError, match="resources=42"):
        build(resources=42)
    with pytest.raises(ConfigurationTypeError, match=r"resources\['/api/\*'\]=\['x'\]"):
        build(resources={"/api/*": ["x"]})


@pytest.mark.parametrize("option", ["methods", "allow_headers", "expose_headers"])
def test_header_values_that_are_not_tokens_are_errors(option: str) -> None:
    # A CR/LF from configuration would split the response header.
    with pytest.raises(
        ConfigurationError, match=f"{option}='X-A\\\\r\\\\nSet-Cookie: a=b': not a valid HTTP token"
    ):
        build(**{option: ["X-A\r\nSet-Cookie: a=b"]})


@pytest.mark.parametrize("status", [404, 302, "204", True, 199])
def test_preflight_status_must_be_a_2xx_int(status: object) -> None:
    with pytest.raises(ConfigurationError, match=r"preflight_status=.*use 200 .* or 204"):
        build(preflight_status=status)


def test_credentials_with_any_origin_warns() -> None:
    with pytest.warns(CORSSecurityWarning, match=r"origins='\*': .*any web site can make credentialed calls"):
        build(supports_credentials=True)


def test_plain_http_origin_with_credentials_warns() -> None:
    with pytest.warns(CORSSecurityWarning, match=r"origins='http://app\.example\.com': .*over HTTPS"):
        build(origins=["http://app.example.com"], supports_credentials=True)


@pytest.mark.parametrize(
    "origin", ["https://app.example.com", "http://localhost:3000", "http://127.0.0.1:8080"]
)
def test_https_and_loopback_origins_with_credentials_do_not_warn(origin: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        build(origins=[origin], supports_credentials=True)


def test_security_warning_can_be_escalated_with_the_warnings_filter() -> None:
    with warnings.catch_warnings():
        warnings.filterwarnings("error", category=CORSSecurityWarning)
        with pytest.raises(CORSSecurityWarning):
            build(supports_credentials=True)


def test_options_accept_strings_lists_sets_and_comma_separated_strings(app: RecordingApp) -> None:
    client = make_client(
        app,
        methods="get, post",
        allow_headers={"X-A", "X-B"},
        expose_headers="X-Total, X-Page",
    )
    answer = preflight(client, method="POST", headers="x-b, x-a")
    assert answer.headers["Access-Control-Allow-Methods"] == "GET, POST"
    assert answer.headers["Access-Control-Allow-Headers"] == "x-b, x-a"
    actual = client.get("/", headers={"Origin": ALLOWED})
    assert actual.headers["Access-Control-Expose-Headers"] == "X-Page, X-Total"


def test_allow_headers_regex_matches_whole_names_case_insensitively(app: RecordingApp) -> None:
    client = make_client(app, allow_headers=[r"X-Custom-.*", "Content-Type"])
    assert preflight(client, headers="x-custom-id, content-type").headers["Access-Control-Allow-Headers"] == (
        "x-custom-id, content-type"
    )
    assert "Access-Control-Allow-Origin" not in preflight(client, headers="x-customer").headers


def test_compiled_regex_resources_and_origins_are_accepted(app: RecordingApp) -> None:
    client = make_client(
        app, resources=re.compile(r"/v\d+/"), origins=re.compile(r"https://[a-z]+\.example\.com")
    )
    assert client.get("/v2/x", headers={"Origin": ALLOWED}).headers["Access-Control-Allow-Origin"] == ALLOWED
    assert cors_headers(client.get("/x", headers={"Origin": ALLOWED})) == {}


def test_methods_star_echoes_the_requested_method(app: RecordingApp) -> None:
    client: Client = make_client(app, methods="*")
    assert preflight(client, method="PROPFIND").headers["Access-Control-Allow-Methods"] == "PROPFIND"


# allow_headers accepts compiled regexes, as flask-cors does.


def _preflight_headers(allow_headers: object, requested: str) -> dict[str, str]:
    policy = Policy.from_options({"allow_headers": allow_headers})
    decided = policy.decide(request_facts("OPTIONS", "/x", "https://a.example", "POST", requested))
    assert decided is not None
    return dict(decided[1].headers)


def test_a_compiled_regex_grants_matching_headers_case_insensitively() -> None:
    headers = _preflight_headers(re.compile(r"X-Custom-\w+"), "x-custom-id")
    assert headers["Access-Control-Allow-Headers"] == "x-custom-id"


def test_a_compiled_regex_matches_the_whole_name() -> None:
    assert _preflight_headers([re.compile("X-A")], "x-ab") == {}


def test_compiled_regexes_mix_with_plain_names() -> None:
    headers = _preflight_headers(["Content-Type", re.compile("X-A")], "content-type, x-a")
    assert headers["Access-Control-Allow-Headers"] == "content-type, x-a"


def test_a_bytes_regex_is_refused_at_construction() -> None:
    with pytest.raises(ConfigurationTypeError, match="allow_headers"):
        Policy.from_options({"allow_headers": [re.compile(b"x-a")]})
