"""Configuration guards: impossible settings raise, risky ones warn, each message actionable."""

from __future__ import annotations

import re
import warnings
from datetime import timedelta
from typing import Any, NamedTuple

import pytest
from publicsuffixlist import PublicSuffixList

from wsgi_cors import CORSMiddleware, CORSSecurityWarning, guards
from wsgi_cors.options import build_options

from .harness import RecordingApp, call


class Case(NamedTuple):
    guard: str
    options: dict[str, Any]
    value: str  # how the message quotes the offending value
    danger: str  # a phrase of the explanation


WARNINGS = [
    Case(
        "credentials_with_any_origin", {"origins": "*", "supports_credentials": True}, "'*'", "any web site"
    ),
    Case(
        "credentials_with_any_origin",
        {"origins": [r"https://.*"], "supports_credentials": True},
        "'https://.*'",
        "matches origins nobody listed",
    ),
    Case(
        "credentials_with_any_origin",
        {"origins": [re.compile(r"[a-z]+://[^/]+")], "supports_credentials": True},
        "'[a-z]+://[^/]+'",
        "matches origins nobody listed",
    ),
    Case(
        "null_with_credentials",
        {"origins": ["null", "https://a.example"], "supports_credentials": True},
        "'null'",
        "sandboxed iframe",
    ),
    Case(
        "plain_http_with_credentials",
        {"origins": ["http://app.example.com"], "supports_credentials": True},
        "'http://app.example.com'",
        "impersonated by anyone on the network path",
    ),
    Case(
        "plain_http_with_credentials",
        {"origins": [r"https?://app\.example\.com"], "supports_credentials": True},
        r"'https?://app\\.example\\.com'",
        "impersonated",
    ),
    Case(
        "plain_http_with_credentials",
        {"origins": ["http://*.example.com"], "supports_credentials": True},
        "'http://*.example.com'",
        "impersonated",
    ),
    Case(
        "wildcard_over_public_suffix",
        {"origins": ["https://*.github.io"], "supports_credentials": True},
        "'https://*.github.io'",
        "'github.io', a public suffix where anyone can register a name",
    ),
    Case(
        "wildcard_over_public_suffix",
        {"origins": ["https://*.co.uk"], "supports_credentials": True},
        "'https://*.co.uk'",
        "'co.uk', a public suffix",
    ),
    Case(
        "wildcard_over_public_suffix",
        {"origins": ["https://*.com:8443"], "supports_credentials": True},
        "'https://*.com:8443'",
        "'com', a public suffix",
    ),
    Case(
        "wildcard_over_public_suffix",
        {"origins": [r"https://[a-z0-9-]+\.herokuapp\.com"], "supports_credentials": True},
        r"'https://[a-z0-9-]+\\.herokuapp\\.com'",
        "'herokuapp.com', a public suffix",
    ),
    Case(
        "unescaped_dot_in_regex",
        {"origins": [re.compile("https://api.example.com")]},
        "'https://api.example.com'",
        "also matches look-alike hosts an attacker can register (e.g. 'https://apixexample.com')",
    ),
    Case(
        "unescaped_dot_in_regex",
        {"origins": ["^https://api.example.com$"]},
        "'^https://api.example.com$'",
        "'.' at positions 12, 20 are unescaped",
    ),
    Case(
        "unescaped_dot_in_regex",
        {"origins": [r"https://[a-z]+\.example.com"]},
        r"'https://[a-z]+\\.example.com'",
        "'.' at position 23 is unescaped",
    ),
    Case(
        "unescaped_dot_in_regex",
        {"origins": [r"https://(www|api).example\.com"]},
        r"'https://(www|api).example\\.com'",
        r"Fix: escape each literal dot ('https://(www|api)\\.example\\.com')",
    ),
    Case(
        "unescaped_dot_in_regex",
        {"origins": [r"https://[a-z0-9-]+.example\.com(:\d+)?"]},
        r"'https://[a-z0-9-]+.example\\.com(:\\d+)?'",
        "'.' at position 18 is unescaped",
    ),
    Case(
        "wildcard_expose_with_credentials",
        {"origins": ["https://a.example"], "supports_credentials": True, "expose_headers": "*"},
        "expose_headers='*'",
        "treat '*' as a header literally named '*'",
    ),
    Case("max_age_beyond_browser_caps", {"max_age": 7201}, "max_age=7201", "Chromium caps"),
    Case("max_age_beyond_browser_caps", {"max_age": timedelta(days=1)}, "max_age=86400", "only Firefox"),
    Case("max_age_beyond_browser_caps", {"max_age": "86401"}, "max_age=86401", "no browser honours it"),
    # Useless entries, harmless: they start (as under flask-cors) with a warning.
    Case("forbidden_allow_headers", {"allow_headers": ["Content-Type", "Cookie"]}, "'cookie'", "forbidden"),
    Case("forbidden_allow_headers", {"allow_headers": "X-Token, Host"}, "'host'", "forbidden request header"),
    Case("forbidden_allow_headers", {"allow_headers": ["Sec-Fetch-Site"]}, "'sec-fetch-site'", "forbidden"),
    Case(
        "forbidden_allow_headers",
        {"allow_headers": ["Proxy-Authorization"]},
        "'proxy-authorization'",
        "never",
    ),
    Case("forbidden_allow_headers", {"allow_headers": ["Origin"]}, "'origin'", "can never take effect"),
    Case(
        "forbidden_expose_headers", {"expose_headers": ["Set-Cookie"]}, "'set-cookie'", "forbidden response"
    ),
    Case("forbidden_methods", {"methods": ["GET", "TRACE"]}, "'TRACE'", "forbidden method"),
    Case("forbidden_methods", {"methods": "get, connect"}, "'CONNECT'", "browsers refuse to send it"),
]


def _ids(cases: list[Case]) -> list[str]:
    return [f"{case.guard}-{index}" for index, case in enumerate(cases)]


@pytest.mark.parametrize("case", WARNINGS, ids=_ids(WARNINGS))
def test_risky_setting_warns_naming_option_value_danger_and_fix(case: Case) -> None:
    with pytest.warns(CORSSecurityWarning) as caught:
        CORSMiddleware(RecordingApp(), **case.options)
    messages = [str(warning.message) for warning in caught]
    matching = [message for message in messages if case.danger in message]
    assert len(matching) == 1, messages
    message = matching[0]
    assert case.value in message
    assert "Fix: " in message
    assert message.split("=")[0] in guards_options_for(case.guard)


def guards_options_for(guard: str) -> set[str]:
    """The option each guard is about, so a message that names another one fails."""
    return {
        "credentials_with_any_origin": {"origins"},
        "null_with_credentials": {"origins"},
        "plain_http_with_credentials": {"origins"},
        "wildcard_over_public_suffix": {"origins"},
        "unescaped_dot_in_regex": {"origins"},
        "wildcard_expose_with_credentials": {"expose_headers"},
        "max_age_beyond_browser_caps": {"max_age"},
        "forbidden_allow_headers": {"allow_headers"},
        "forbidden_expose_headers": {"expose_headers"},
        "forbidden_methods": {"methods"},
    }[guard]


def test_every_guard_has_a_case() -> None:
    covered = {case.guard for case in WARNINGS}
    assert covered == {guard.__name__ for guard in guards.GUARDS}


@pytest.mark.parametrize("case", WARNINGS, ids=_ids(WARNINGS))
def test_each_case_is_found_by_its_own_guard(case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    """Calling the guard directly pins which guard reports what (not just that something does)."""
    monkeypatch.setattr(guards, "check", lambda options: None)
    guard = next(guard for guard in guards.GUARDS if guard.__name__ == case.guard)
    findings = list(guard(build_options(case.options)))
    assert len(findings) == 1
    assert findings[0].severity == "warning"
    assert case.value in findings[0].message


# --- settings that must NOT warn (no noise for good configurations) ----------------------------


SAFE = [
    {},
    {"origins": "*"},
    {"origins": ["https://app.example.com", "https://*.example.com"], "supports_credentials": True},
    {
        "origins": ["http://localhost:3000", "http://127.0.0.1:8000", "http://[::1]:5173"],
        "supports_credentials": True,
    },
    {"origins": [r"http://localhost:\d+", r"https://app\.example\.com"], "supports_credentials": True},
    {"origins": ["https://myapp.github.io", "https://*.myapp.github.io"], "supports_credentials": True},
    {"origins": ["https://*.github.io"]},  # no credentials: nothing to steal beyond a public read
    {"origins": ["http://app.example.com"]},
    {"origins": ["null"]},
    {
        "origins": [
            r"^https://api\.example\.com$",
            r"https://[a-z.]+\.example\.com",
            r"https://.+\.example\.com",
        ]
    },
    {"origins": ["https://a.example"], "supports_credentials": True, "expose_headers": ["X-Request-Id"]},
    {"allow_headers": ["Content-Type", "Authorization", "X-Requested-With", r"X-Custom-.*"]},
    {"expose_headers": "*"},
    {"methods": "*"},
    {"max_age": 7200},
    {"max_age": timedelta(minutes=10)},
    {"origins": ["https://intranet.example"], "allow_private_network": True},
    {"allow_private_network": True},
]


@pytest.mark.parametrize("options", SAFE)
def test_sound_configuration_is_silent(options: dict[str, Any]) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        CORSMiddleware(RecordingApp(), **options)
    assert [str(warning.message) for warning in caught] == []


# --- how the guards are wired -------------------------------------------------------------------


def test_warning_points_at_the_line_that_built_the_middleware() -> None:
    with pytest.warns(CORSSecurityWarning) as caught:
        CORSMiddleware(RecordingApp(), origins=["null"], supports_credentials=True)
    assert caught[0].filename == __file__


def test_guards_run_for_each_resource_override() -> None:
    with pytest.warns(CORSSecurityWarning, match=r"allow_headers='cookie'"):
        CORSMiddleware(RecordingApp(), resources={"/a/*": {}, "/b/*": {"allow_headers": ["Cookie"]}})
    with pytest.warns(CORSSecurityWarning, match="public suffix"):
        CORSMiddleware(
            RecordingApp(),
            resources={"/a/*": {"origins": ["https://*.vercel.app"]}},
            supports_credentials=True,
        )


def test_security_warnings_can_be_escalated_to_errors() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", CORSSecurityWarning)
        with pytest.raises(CORSSecurityWarning, match="origins='null'"):
            CORSMiddleware(RecordingApp(), origins=["null"], supports_credentials=True)


def test_a_warned_setting_still_behaves_as_configured() -> None:
    """Warnings inform; they do not silently change the policy the user wrote."""
    with pytest.warns(CORSSecurityWarning):
        middleware = CORSMiddleware(RecordingApp(), origins=["null"], supports_credentials=True)
    response = call(middleware, origin="null")
    assert response.header("Access-Control-Allow-Origin") == "null"
    assert response.header("Access-Control-Allow-Credentials") == "true"


def test_cookie_in_allow_headers_points_to_supports_credentials() -> None:
    with pytest.warns(CORSSecurityWarning, match="set supports_credentials=True"):
        CORSMiddleware(RecordingApp(), allow_headers=["Cookie"])


def test_a_forbidden_header_in_allow_headers_starts_and_the_rest_is_granted() -> None:
    """flask-cors starts with it; the entry is useless (no page can set Cookie), not dangerous."""
    with pytest.warns(CORSSecurityWarning, match="forbidden request header"):
        middleware = CORSMiddleware(RecordingApp(), allow_headers=["X-Token", "Cookie"])
    response = call(
        middleware,
        method="OPTIONS",
        origin="https://a.example",
        request_method="PUT",
        request_headers="x-token",
    )
    assert response.header("Access-Control-Allow-Headers") == "x-token"


# --- public suffixes (both sources: tests/security/test_public_suffixes.py) ---------------------


def test_a_wildcard_under_a_registrable_domain_of_a_public_suffix_is_not_flagged() -> None:
    psl = PublicSuffixList()
    assert not psl.is_public("example.co.uk")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        CORSMiddleware(RecordingApp(), origins=["https://*.example.co.uk"], supports_credentials=True)
    assert caught == []


def test_the_documented_escalation_turns_every_guard_warning_into_an_error() -> None:
    """What README and SECURITY.md tell deployments to run, verbatim."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", CORSSecurityWarning)
        for case in WARNINGS:
            with pytest.raises(CORSSecurityWarning):
                CORSMiddleware(RecordingApp(), **case.options)
