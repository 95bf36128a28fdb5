"""Debug mode never lets a refused preflight pass: the browser model judges every debug answer.

For generated configurations and generated ``fetch()`` calls, the preflight the browser sends
is decided twice, with and without ``debug``. Whenever the policy refuses it, the debug answer
must fail the browser's preflight checks (:func:`wsgi_cors.browser.check_preflight`), so the
actual request is never sent; the refusal must be the same one as without debug mode; and the
answer never lists ``*``. Whenever the policy grants it, debug mode changes nothing.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from wsgi_cors.browser import BrowserRequest, Verdict, check_actual, check_preflight
from wsgi_cors.debug import DEBUG_HEADER
from wsgi_cors.fetch import SAFELISTED_METHODS
from wsgi_cors.policy import Decision, Policy, Refusal, request_facts

PAGE = "http://127.0.0.1:8000"
ORIGINS = [
    PAGE,
    "https://app.example.com",
    "https://evil.example.net",
    "http://sub.app.localhost:8000",
    "null",
]
HEADER_NAMES = ["X-Token", "x-other", "Authorization", "Content-Type", "X-Requested-With", "Accept", "Range"]


def _ascii_token(text: str) -> bool:
    return re.fullmatch(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+", text) is not None


@st.composite
def configurations(draw: st.DrawFn) -> dict[str, Any]:
    credentials = draw(st.booleans())
    origins = draw(
        st.one_of(
            st.just("*"),
            st.lists(
                st.sampled_from([PAGE, "https://app.example.com", r"https://.*\.example\.com", "null"]),
                min_size=1,
                max_size=3,
                unique=True,
            ),
        )
    )
    options: dict[str, Any] = {
        "origins": origins,
        "methods": draw(
            st.one_of(
                st.just("*"),
                st.lists(
                    st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "*"]),
                    min_size=1,
                    max_size=5,
                    unique=True,
                ),
            )
        ),
        "allow_headers": draw(
            st.one_of(
                st.just("*"),
                st.lists(
                    st.sampled_from(["Content-Type", "X-Token", "Authorization", r"X-[a-z]+", "*", "Range"]),
                    min_size=1,
                    max_size=3,
                    unique=True,
                ),
            )
        ),
        "supports_credentials": credentials,
        "send_wildcard": False if credentials else draw(st.booleans()),
        "allow_private_network": draw(st.booleans()),
        "preflight_status": draw(st.sampled_from([200, 204])),
        "vary_header": draw(st.booleans()),
        "max_age": draw(st.sampled_from([None, 600])),
    }
    return options


header_values = {
    "Content-Type": ["text/plain", "application/json"],
    "Accept": ["application/json", "x" * 200],
    "Range": ["bytes=0-99", "bytes=0-1, 5-6"],
}


@st.composite
def fetches(draw: st.DrawFn) -> BrowserRequest:
    """A ``fetch()`` from one of the origins, with headers a page can set (safelisted or not)."""
    names = draw(st.lists(st.sampled_from(HEADER_NAMES), max_size=3, unique=True))
    headers = tuple((name, draw(st.sampled_from(header_values.get(name, ["1"])))) for name in names)
    return BrowserRequest(
        draw(st.sampled_from(ORIGINS)),
        draw(
            st.sampled_from(
                ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "patch", "OPTIONS", "CUSTOM", "*"]
            )
        ),
        headers,
        draw(st.booleans()),
        draw(st.booleans()),
    )


def policies(options: dict[str, Any]) -> tuple[Policy, Policy]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Policy.from_options(options), Policy.from_options({**options, "debug": True})


def preflight_decision(policy: Policy, request: BrowserRequest) -> Decision:
    headers = dict(request.preflight_request_headers())
    facts = request_facts(
        "OPTIONS",
        "/api/items",
        origin=headers["Origin"],
        request_method=headers["Access-Control-Request-Method"],
        request_headers=headers.get("Access-Control-Request-Headers"),
        private_network=headers.get("Access-Control-Request-Private-Network"),
    )
    decided = policy.decide(facts)
    assert decided is not None
    return decided[1]


def answer(policy: Policy, decision: Decision) -> tuple[int, list[tuple[str, str]]]:
    """The preflight response as the middleware sends it."""
    resource = policy.resources[0]
    vary = [("Vary", decision.vary)] if decision.vary else []
    return int(resource.preflight_status[:3]), [*decision.headers, *vary, *resource.preflight_body]


@settings(max_examples=600, deadline=None)
@given(configurations(), fetches())
def test_a_debug_answer_never_lets_a_refused_preflight_pass(
    options: dict[str, Any], request: BrowserRequest
) -> None:
    plain, debug = policies(options)
    refused = preflight_decision(plain, request)
    debugged = preflight_decision(debug, request)
    if refused.granted:
        assert debugged == refused  # debug mode changes nothing on a grant
        return
    assert not debugged.granted
    assert (debugged.refusal, debugged.detail) == (refused.refusal, refused.detail)
    assert refused.headers == ()

    status, headers = answer(debug, debugged)
    verdict = Verdict()
    assert not check_preflight(request, status, headers, verdict), (
        options,
        request,
        headers,
        verdict.findings,
    )
    assert not check_preflight(request, *answer(plain, refused), Verdict())

    sent = dict(headers)
    for name in ("Access-Control-Allow-Methods", "Access-Control-Allow-Headers"):
        assert "*" not in [item.strip() for item in sent.get(name, "").split(",")]
    assert "Access-Control-Max-Age" not in sent  # nothing to cache from a refusal
    assert sent[DEBUG_HEADER].startswith(f"refusal={refused.refusal.value}")  # type: ignore[union-attr]
    if refused.refusal in (Refusal.ORIGIN_REFUSED, Refusal.ORIGIN_MALFORMED, Refusal.ORIGIN_TOO_LONG):
        assert "Access-Control-Allow-Origin" not in sent
    if refused.refusal is Refusal.METHOD_REFUSED and request.method.upper() in SAFELISTED_METHODS:
        assert "Access-Control-Allow-Origin" not in sent


@settings(max_examples=300, deadline=None)
@given(configurations(), fetches())
def test_a_debug_answer_to_a_refused_actual_request_grants_nothing(
    options: dict[str, Any], request: BrowserRequest
) -> None:
    plain, debug = policies(options)
    facts = request_facts(request.method, "/api/items", origin=request.origin)
    refused = plain.decide(facts)
    debugged = debug.decide(facts)
    assert refused is not None
    assert debugged is not None
    if refused[1].granted:
        assert debugged[1] == refused[1]
        return
    headers = debugged[1].headers
    assert [name for name, _ in headers] == [DEBUG_HEADER]
    assert not check_actual(request, headers, Verdict())


def test_the_generated_cases_include_each_refusal_a_browser_can_cause() -> None:
    """The properties above see every refusal a real browser can meet (a guard on the strategies)."""
    seen: set[Refusal] = set()
    cases = [
        (
            {"origins": [PAGE], "allow_headers": ["Content-Type"]},
            BrowserRequest(PAGE, "PUT", (("X-Token", "1"),)),
        ),
        ({"origins": [PAGE], "methods": ["GET"]}, BrowserRequest(PAGE, "DELETE")),
        ({"origins": ["https://app.example.com"]}, BrowserRequest(PAGE, "PUT")),
    ]
    for options, request in cases:
        plain, _ = policies(options)
        decision = preflight_decision(plain, request)
        assert decision.refusal is not None
        seen.add(decision.refusal)
    assert seen == {Refusal.HEADER_REFUSED, Refusal.METHOD_REFUSED, Refusal.ORIGIN_REFUSED}
    assert all(_ascii_token(name) for name in HEADER_NAMES)
