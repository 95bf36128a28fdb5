"""allow_headers accepts compiled regexes, as flask-cors does (core fix found by the Flask adapter)."""

from __future__ import annotations

import re

import pytest

from wsgi_cors import ConfigurationTypeError, Policy


def _preflight_headers(allow_headers: object, requested: str) -> dict[str, str]:
    policy = Policy.from_options({"allow_headers": allow_headers})
    decided = policy.decide("OPTIONS", "/x", "https://a.example", "POST", requested)
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
