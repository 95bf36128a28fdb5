"""A configuration with several mistakes reports all of them at once, each with its option and fix.

Fixing one error per start-up is slow and, in a deployment pipeline, expensive: the middleware,
the ``CORS_*`` reader, the PasteDeploy filter and ``wsgi-cors explain`` list every error.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pytest

from wsgi_cors import (
    ConfigurationError,
    ConfigurationErrors,
    ConfigurationTypeError,
    CORSMiddleware,
    CORSSecurityWarning,
)
from wsgi_cors.config import from_env
from wsgi_cors.paste import filter_factory

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment


def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    start_response("200 OK", [])
    return []


def messages(error: ConfigurationErrors) -> list[str]:
    return [str(each) for each in error.errors]


TRAILING_SLASH = (
    "origins='https://a.example/': a trailing slash never matches: browsers send origins without one. "
    "Fix: write 'https://a.example'."
)
NEGATIVE_AGE = "max_age=-1: a negative cache lifetime is meaningless. Fix: pass 0 or more seconds."
NOT_A_BOOLEAN = (
    "supports_credentials='yes': expected True or False. Fix: pass supports_credentials=True or "
    "supports_credentials=False."
)


def test_every_bad_keyword_option_is_reported() -> None:
    options: dict[str, Any] = {
        "origins": "https://a.example/",
        "max_age": -1,
        "orgins": "https://b.example",
        "supports_credentials": "yes",
    }
    with pytest.raises(ConfigurationErrors) as raised:
        CORSMiddleware(app, **options)
    assert messages(raised.value) == [
        "CORSMiddleware: unknown option 'orgins'. Fix: did you mean 'origins'?",
        TRAILING_SLASH,
        NEGATIVE_AGE,
        NOT_A_BOOLEAN,
    ]
    assert str(raised.value) == "4 configuration errors:\n" + "\n".join(
        f"  - {message}" for message in messages(raised.value)
    )


def test_the_group_is_caught_as_a_configuration_error_and_a_value_error() -> None:
    with pytest.raises(ConfigurationError):
        CORSMiddleware(app, max_age=-1, preflight_status=500)
    with pytest.raises(ValueError, match=r"^2 configuration errors:"):
        CORSMiddleware(app, max_age=-1, preflight_status=500)


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"max_age": -1}, ConfigurationError),
        ({"supports_credentials": "yes"}, ConfigurationTypeError),
        ({"supports_credentials": True, "send_wildcard": True}, ConfigurationError),
    ],
)
def test_a_single_error_is_raised_as_itself(options: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error) as raised:
        CORSMiddleware(app, **options)
    assert type(raised.value) is error


def test_a_combination_error_is_reported_with_the_others() -> None:
    with pytest.raises(ConfigurationErrors) as raised:
        CORSMiddleware(app, supports_credentials=True, send_wildcard=True, max_age=-1)
    [first, second] = messages(raised.value)
    assert first == NEGATIVE_AGE
    assert second.startswith("send_wildcard=True: browsers reject 'Access-Control-Allow-Origin: *'")


def test_errors_in_several_resources_are_reported_once_each() -> None:
    with pytest.raises(ConfigurationErrors) as raised:
        CORSMiddleware(
            app,
            max_age=-1,  # shared by both resources: reported once
            resources={"/api/*": {"origns": "x"}, "/public/*": {"preflight_status": 500}},
        )
    assert messages(raised.value) == [
        "resources['/api/*']: unknown option 'origns'. Fix: did you mean 'origins'?",
        NEGATIVE_AGE,
        "preflight_status=500: a preflight answer must have a 2xx status, or browsers treat it as failed. "
        "Fix: use 200 (the default) or 204.",
    ]


def test_environment_variables_report_unreadable_unknown_and_wrong_values_together() -> None:
    environ = {
        "CORS_ORIGINS": "https://a.example/",
        "CORS_MAX_AGE": "ten",
        "CORS_ORGINS": "x",
        "CORS_SEND_WILDCARD": "true",
        "CORS_SUPPORTS_CREDENTIALS": "true",
    }
    with pytest.raises(ConfigurationErrors) as raised:
        from_env(environ)
    assert messages(raised.value) == [
        "CORS_MAX_AGE='ten': not a whole number of seconds. Fix: write e.g. 600 for ten minutes.",
        "environment: unknown option 'CORS_ORGINS'. Fix: did you mean 'CORS_ORIGINS'?",
        f"CORS_ORIGINS: {TRAILING_SLASH}",
    ]
    del environ["CORS_MAX_AGE"], environ["CORS_ORGINS"]
    with pytest.raises(ConfigurationErrors) as raised:
        CORSMiddleware.from_env(app, environ)
    [slash, combination] = messages(raised.value)
    assert slash == f"CORS_ORIGINS: {TRAILING_SLASH}"
    assert combination.startswith("CORS_SEND_WILDCARD, CORS_SUPPORTS_CREDENTIALS: send_wildcard=True:")


def test_the_paste_filter_reports_every_bad_ini_value() -> None:
    with pytest.raises(ConfigurationErrors) as raised:
        filter_factory({}, origins="https://a.example/", max_age="-1", vary_header="maybe")
    assert messages(raised.value) == [
        "max_age='-1': not a whole number of seconds. Fix: write e.g. 600 for ten minutes.",
        "vary_header='maybe': not a boolean. Fix: write true or false (1/0, yes/no and on/off work too).",
        f"origins: {TRAILING_SLASH}",
    ]


def test_a_working_configuration_still_warns_once() -> None:
    with pytest.warns(CORSSecurityWarning) as caught:
        CORSMiddleware.from_env(app, {"CORS_ORIGINS": "*", "CORS_SUPPORTS_CREDENTIALS": "true"})
    assert len(caught) == 1
