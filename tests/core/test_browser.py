"""The browser model behind ``wsgi-cors check``: when Fetch preflights, and what it accepts."""

from __future__ import annotations

import pytest

from wsgi_cors.browser import (
    BrowserRequest,
    Verdict,
    check_actual,
    check_preflight,
    parse_header_option,
    readable_headers,
)

APP = "https://app.example.com"


@pytest.mark.parametrize(
    ("method", "headers", "reasons"),
    [
        ("GET", (), []),
        ("post", (("Content-Type", "text/plain; charset=utf-8"),), []),
        ("POST", (("Content-Type", "multipart/form-data; boundary=x"),), []),
        ("GET", (("Accept", "application/json"), ("Accept-Language", "en-GB, fr;q=0.8")), []),
        ("GET", (("Range", "bytes=0-99"),), []),
        ("PUT", (), ["method PUT is not one of GET, HEAD, POST"]),
        ("patch", (), ["method patch is not one of GET, HEAD, POST"]),  # fetch() only upper-cases six
        ("POST", (("Content-Type", "application/json"),), [
            "Content-Type 'application/json' is not form, multipart or text/plain"
        ]),
        ("GET", (("X-Token", "1"), ("Authorization", "x")), [
            "header authorization is not CORS-safelisted",
            "header x-token is not CORS-safelisted",
        ]),
        ("GET", (("Accept", "a" * 129),), ["header accept is not CORS-safelisted"]),
        ("GET", (("Range", "bytes=0-1, 5-6"),), ["header range is not CORS-safelisted"]),
    ],
)  # fmt: skip
def test_when_a_browser_sends_a_preflight(
    method: str, headers: tuple[tuple[str, str], ...], reasons: list[str]
) -> None:
    assert BrowserRequest(APP, method, headers).preflight_reasons() == reasons


def test_over_1024_bytes_of_safelisted_values_are_all_unsafe() -> None:
    headers = tuple((name, "a" * 120) for name in ("Accept", "Accept-Language", "Content-Language"))
    request = BrowserRequest(APP, "GET", headers * 3)
    assert request.unsafe_header_names == ["accept", "accept-language", "content-language"]


def test_preflight_request_headers_are_lowercased_sorted_and_unique() -> None:
    request = BrowserRequest(APP, "delete", (("X-B", "1"), ("x-a", "2"), ("X-B", "3"), ("Accept", "*/*")))
    assert request.preflight_request_headers() == [
        ("Origin", APP),
        ("Access-Control-Request-Method", "DELETE"),
        ("Access-Control-Request-Headers", "x-a,x-b"),
    ]


def _preflight(request: BrowserRequest, headers: list[tuple[str, str]], status: int = 204) -> Verdict:
    verdict = Verdict()
    check_preflight(request, status, headers, verdict)
    return verdict


def test_methods_compare_case_sensitively_after_normalisation() -> None:
    granted = [("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Methods", "PATCH")]
    lower = _preflight(BrowserRequest(APP, "patch"), granted)
    assert lower.failure is not None
    assert lower.failure.fix is not None
    assert lower.failure.fix.startswith("write the method in upper case in the page ('PATCH')")
    assert _preflight(BrowserRequest(APP, "PATCH"), granted).ok
    assert _preflight(
        BrowserRequest(APP, "delete"), [*granted[:1], ("Access-Control-Allow-Methods", "DELETE")]
    ).ok


def test_header_names_compare_case_insensitively_and_tolerate_spaces() -> None:
    headers = [
        ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Allow-Headers", " X-Token ,Content-Type"),
    ]
    request = BrowserRequest(APP, "GET", (("x-token", "1"), ("content-type", "application/json")))
    assert _preflight(request, headers).ok


def test_allow_origin_split_over_two_header_lines_is_two_values() -> None:
    verdict = Verdict()
    check_actual(
        BrowserRequest(APP),
        [("Access-Control-Allow-Origin", APP), ("access-control-allow-origin", APP)],
        verdict,
    )
    assert verdict.failure is not None
    assert verdict.failure.console == (
        f"The 'Access-Control-Allow-Origin' header contains multiple values '{APP}, {APP}', "
        "but only one is allowed."
    )


def test_allow_origin_is_compared_byte_for_byte() -> None:
    verdict = Verdict()
    check_actual(BrowserRequest(APP), [("Access-Control-Allow-Origin", APP.upper())], verdict)
    assert not verdict.ok


def test_credentials_header_must_be_exactly_true() -> None:
    verdict = Verdict()
    headers = [("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Credentials", "True")]
    check_actual(BrowserRequest(APP, credentials=True), headers, verdict)
    assert verdict.failure is not None
    assert verdict.failure.message == (
        "response: Access-Control-Allow-Credentials is 'True', and a credentialed request needs 'true'"
    )


def test_readable_headers_follow_expose_headers_and_star_rules() -> None:
    headers = [
        ("Content-Type", "text/plain"),
        ("X-Request-Id", "1"),
        ("X-Secret", "2"),
        ("Set-Cookie", "a=b"),
        ("Access-Control-Expose-Headers", "x-request-id"),
    ]
    assert readable_headers(BrowserRequest(APP), headers) == ["content-type", "x-request-id"]
    starred = [*headers[:4], ("Access-Control-Expose-Headers", "*")]
    assert readable_headers(BrowserRequest(APP), starred) == [
        "content-type",
        "x-request-id",
        "x-secret",
        "access-control-expose-headers",
    ]
    assert readable_headers(BrowserRequest(APP, credentials=True), starred) == ["content-type"]


@pytest.mark.parametrize("name", ["Cookie", "Origin", "Host", "Sec-Fetch-Mode", "Proxy-Authorization"])
def test_headers_a_page_cannot_set_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="a page cannot set"):
        parse_header_option(f"{name}: x")


def test_header_option_without_a_value() -> None:
    assert parse_header_option(" X-Token ") == ("X-Token", "")
    assert parse_header_option("Content-Type: application/json; charset=utf-8") == (
        "Content-Type",
        "application/json; charset=utf-8",
    )
