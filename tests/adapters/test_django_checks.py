"""manage.py check: every problem of the CORS settings, with an id and the fix as the hint."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.checks import Error, Warning, run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from .django_support import ALLOWED, MIDDLEWARE, cors_settings


def ours() -> list[Error | Warning]:
    return [message for message in run_checks() if str(message.id).startswith("wsgi_cors.")]


def test_a_valid_configuration_reports_nothing() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED], CORS_ALLOW_CREDENTIALS=True):
        assert ours() == []


def test_a_misspelt_setting_is_a_warning_with_a_did_you_mean() -> None:
    with cors_settings(CORS_ALLOWED_ORIGIN=[ALLOWED]):
        assert ours() == [
            Warning(
                "CORS_ALLOWED_ORIGIN is not a setting wsgi_cors.django reads",
                hint="did you mean CORS_ALLOWED_ORIGINS?",
                id="wsgi_cors.W002",
            )
        ]


def test_a_flask_cors_name_points_at_the_django_cors_headers_name() -> None:
    with cors_settings(CORS_SUPPORTS_CREDENTIALS=True):
        [warning] = ours()
        assert warning.id == "wsgi_cors.W002"
        assert (
            warning.hint
            == "rename it to CORS_ALLOW_CREDENTIALS (the django-cors-headers name, which is read here)"
        )


def test_an_unsafe_setting_is_a_security_warning_with_the_fix() -> None:
    with cors_settings(CORS_ALLOW_ALL_ORIGINS=True, CORS_ALLOW_CREDENTIALS=True):
        [warning] = ours()
        assert warning.id == "wsgi_cors.W001"
        assert warning.level == Warning("").level
        assert warning.msg.startswith(
            "CORS_ALLOW_ALL_ORIGINS=True: with CORS_ALLOW_CREDENTIALS=True every origin"
        )
        assert warning.hint == "list the origins you trust instead"


def test_a_lookalike_regex_is_flagged() -> None:
    with cors_settings(CORS_ALLOWED_ORIGIN_REGEXES=[r"^https://app.example.com$"]):
        [warning] = ours()
        assert warning.id == "wsgi_cors.W001"
        assert warning.msg.startswith("CORS_ALLOWED_ORIGIN_REGEXES='^https://app.example.com$'")


def test_an_invalid_value_is_an_error_naming_the_setting() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=["https://app.example.com/"]):
        assert ours() == [
            Error(
                "CORS_ALLOWED_ORIGINS='https://app.example.com/': a trailing slash never matches: "
                "browsers send origins without one",
                hint="write 'https://app.example.com'",
                id="wsgi_cors.E002",
            )
        ]


def test_a_regex_among_exact_origins_is_an_error() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[r"https://\w+\.example\.com"]):
        [error] = ours()
        assert error.id == "wsgi_cors.E003"
        assert "CORS_ALLOWED_ORIGIN_REGEXES" in error.hint


def test_errors_of_several_settings_are_all_reported() -> None:
    with cors_settings(
        CORS_ALLOW_CREDENTIALS="yes", CORS_PREFLIGHT_MAX_AGE="600", CORS_EXPOSE_HEADERS="X-Id"
    ):
        assert sorted((error.id, error.msg.split("=")[0]) for error in ours()) == [
            ("wsgi_cors.E001", "CORS_ALLOW_CREDENTIALS"),
            ("wsgi_cors.E001", "CORS_EXPOSE_HEADERS"),
            ("wsgi_cors.E001", "CORS_PREFLIGHT_MAX_AGE"),
        ]


def test_a_type_error_in_one_setting_hides_no_value_error_in_another() -> None:
    with cors_settings(
        CORS_ALLOW_CREDENTIALS="yes",
        CORS_ALLOWED_ORIGINS=["https://app.example.com/"],
        CORS_ALLOW_METHODS=["GET", "G T"],
        CORS_URLS_REGEX="^/api/(",
        CORS_PREFLIGHT_MAX_AGE="600",
    ):
        found = sorted((error.id, error.msg.split("=")[0]) for error in ours())
    assert found == [
        ("wsgi_cors.E001", "CORS_ALLOW_CREDENTIALS"),
        ("wsgi_cors.E001", "CORS_PREFLIGHT_MAX_AGE"),
        ("wsgi_cors.E002", "CORS_ALLOWED_ORIGINS"),
        ("wsgi_cors.E002", "CORS_ALLOW_METHODS"),
        ("wsgi_cors.E002", "CORS_URLS_REGEX"),
    ]


def test_both_a_name_and_its_old_alias_is_a_warning() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED], CORS_ORIGIN_WHITELIST=[ALLOWED]):
        [warning] = ours()
        assert warning.id == "wsgi_cors.W003"
        assert warning.hint == "remove CORS_ORIGIN_WHITELIST"


def test_middleware_below_common_middleware_is_a_warning() -> None:
    below = ["django.middleware.common.CommonMiddleware", "wsgi_cors.django.CorsMiddleware"]
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED], MIDDLEWARE=below):
        [warning] = ours()
        assert warning.id == "wsgi_cors.W004"
        assert warning.hint == "move wsgi_cors.django.CorsMiddleware to the top of MIDDLEWARE"


def test_two_cors_middlewares_is_a_warning() -> None:
    both = [*MIDDLEWARE, "corsheaders.middleware.CorsMiddleware"]
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED], MIDDLEWARE=both):
        assert [warning.id for warning in ours()] == ["wsgi_cors.W005"]


def test_manage_py_check_fails_on_an_error_and_shows_the_hint() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=["app.example.com"]):
        with pytest.raises(SystemCheckError) as raised:
            call_command("check", stdout=StringIO(), stderr=StringIO())
        report = str(raised.value)
        assert "(wsgi_cors.E002) CORS_ALLOWED_ORIGINS='app.example.com': an origin needs a scheme" in report
        assert "HINT: write 'https://app.example.com'" in report


def test_manage_py_check_prints_warnings_and_passes() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED], CORS_ORIGNS=[ALLOWED]):
        out = StringIO()
        call_command("check", stdout=out, stderr=out)
        assert "(wsgi_cors.W002) CORS_ORIGNS is not a setting wsgi_cors.django reads" in out.getvalue()


KEYWORD = re.compile(
    r"\b(?:origins|methods|allow_headers|expose_headers|max_age|supports_credentials|send_wildcard|"
    r"resources|allow_private_network)\b(?:=| \(|$)|from methods\b"
)


@pytest.mark.parametrize(
    "values",
    [
        {"CORS_EXPOSE_HEADERS": ["X Bad"]},
        {"CORS_ALLOW_HEADERS": ["x-(a"]},
        {"CORS_ALLOW_HEADERS": ["content-length"]},
        {"CORS_ALLOW_METHODS": ["TRACE"]},
        {"CORS_PREFLIGHT_MAX_AGE": 86400},
        {"CORS_ALLOWED_ORIGINS": ["https://*.github.io"], "CORS_ALLOW_CREDENTIALS": True},
        {"CORS_ALLOWED_ORIGINS": ["http://app.example.com"], "CORS_ALLOW_CREDENTIALS": True},
        {"CORS_ALLOW_ALL_ORIGINS": True, "CORS_ALLOW_CREDENTIALS": True},
        {"CORS_ORIGIN_REGEX_WHITELIST": ["https://(.*)+x"]},
        {"CORS_EXPOSE_HEADERS": ["*"], "CORS_ALLOW_CREDENTIALS": True, "CORS_ALLOWED_ORIGINS": [ALLOWED]},
        {"CORS_URLS_REGEX": r"^/(a|aa)+$"},
    ],
)
def test_messages_name_the_django_settings_never_the_core_keywords(values: dict[str, object]) -> None:
    with cors_settings(**values):
        found = ours()
    assert found
    for message in found:
        assert str(message.msg).startswith("CORS_"), message
        assert not KEYWORD.search(f"{message.msg} | {message.hint}"), message


def test_a_flask_cors_option_without_an_equivalent_says_so() -> None:
    with cors_settings(CORS_ALWAYS_SEND=False):
        [warning] = ours()
        assert warning.id == "wsgi_cors.W002"
        assert (
            warning.hint
            == "remove it: a flask-cors option that django-cors-headers's settings have no equivalent for"
        )
