"""The decision caches give exactly the decisions computed afresh from the configuration.

Each property drives a cached :class:`ResourcePolicy` (with a tiny cache, so that it fills
and starts over within one example) through generated requests and compares every answer
with the uncached form of a second policy built from the same resource.
"""

from __future__ import annotations

import copy
import pickle
import threading
import warnings
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wsgi_cors.policy import (
    MAX_CACHED_PREFLIGHT_KEY,
    Decision,
    Kind,
    ResourcePolicy,
    decide,
    request_facts,
)
from wsgi_cors.resources import compile_resources

CONFIGURATIONS: dict[str, dict[str, Any]] = {
    "exact list": {"origins": ["https://app.example.com", "http://localhost:3000"]},
    "regexes": {"origins": [r"https://[a-z0-9-]+\.t0[0-9]\.example\.com", "https://app.example.com"]},
    "wildcard": {"origins": "*"},
    "send_wildcard": {"origins": "*", "send_wildcard": True, "always_send": False},
    "credentials": {
        "origins": ["https://app.example.com", r"https://.*\.example\.org"],
        "supports_credentials": True,
        "expose_headers": ["X-Total"],
        "max_age": 600,
    },
    "null and private network": {
        "origins": ["null", "https://app.example.com"],
        "allow_private_network": True,
    },
    "errors left bare": {"origins": ["https://app.example.com"], "intercept_exceptions": False},
    "restricted": {
        "origins": ["https://app.example.com"],
        "methods": ["GET", "PUT"],
        "allow_headers": ["Content-Type", r"X-[a-z]+"],
        "automatic_options": False,
        "vary_header": False,
    },
    # Debug mode's refusals are decisions like any other: cached and spelt out alike.
    "debug": {
        "origins": ["https://app.example.com", r"https://.*\.example\.org"],
        "methods": ["GET", "PUT"],
        "allow_headers": ["Content-Type", r"X-[a-z]+"],
        "supports_credentials": True,
        "allow_private_network": True,
        "debug": True,
    },
    "debug with any origin": {
        "origins": "*",
        "methods": ["PUT", "*"],
        "allow_headers": ["X-Token"],
        "debug": True,
    },
}


def split_debug(name: str) -> tuple[dict[str, Any], bool]:
    """A configuration's resource options, and its (whole-configuration) debug switch."""
    options = dict(CONFIGURATIONS[name])
    return options, bool(options.pop("debug", False))


origins = st.one_of(
    st.sampled_from(
        [
            "https://app.example.com",
            "https://APP.example.com",
            "https://app.example.com:443",
            "http://localhost:3000",
            "https://a.t01.example.com",
            "https://b.t07.example.com",
            "https://x.example.org",
            "https://evil.example.net",
            "null",
            "",
            "https://app.example.com\r\n",
        ]
    ),
    st.builds(
        lambda name, zone: f"https://{name}.t0{zone}.example.com",
        st.text("abc-", max_size=4),
        st.integers(0, 9),
    ),
    st.text(max_size=20),
)
methods = st.one_of(
    st.sampled_from(["GET", "PUT", "put", "PATCH", "DELETE", "TRACE", "", "G T"]), st.text(max_size=6)
)
request_headers = st.one_of(
    st.sampled_from(["", "Content-Type", "content-type, x-token", "X-Other,Cookie", " , ", "X-\n"]),
    st.text(max_size=20),
)
private_network = st.sampled_from([None, "true", "false", "TRUE"])
requests = st.one_of(
    st.tuples(st.just("actual"), origins),
    st.tuples(st.just("preflight"), origins, methods, request_headers, private_network),
)

# Few values each, so that a stream holds requests differing in one fact only: a key that
# left a fact out would hand one of them the other's decision.
dense_requests = st.one_of(
    st.tuples(
        st.just("actual"), st.sampled_from(["https://app.example.com", "https://a.t01.example.com", "null"])
    ),
    st.tuples(
        st.just("preflight"),
        st.sampled_from(
            ["https://app.example.com", "https://a.t01.example.com", "null", "https://evil.example"]
        ),
        st.sampled_from(["PUT", "put", "DELETE"]),
        st.sampled_from(["", "Content-Type", "X-a, content-type"]),
        private_network,
    ),
)


def resource_policies(name: str, cache_size: int = 3) -> tuple[ResourcePolicy, ResourcePolicy]:
    """The same resource twice: with a tiny cache, and with none."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        options, debug = split_debug(name)
        (resource,) = compile_resources(r"/*", options)
    cached = ResourcePolicy(resource, cache_size=cache_size, debug=debug)
    plain = ResourcePolicy(resource, debug=debug)
    plain.caching = False
    return cached, plain


def both(
    cached: ResourcePolicy, plain: ResourcePolicy, request: tuple[Any, ...]
) -> tuple[Decision, Decision]:
    if request[0] == "actual":
        return cached.actual(request[1]), plain.actual_uncached(request[1])
    return cached.preflight(*request[1:]), plain.preflight_uncached(*request[1:])


@pytest.mark.parametrize("name", sorted(CONFIGURATIONS))
@given(st.lists(st.one_of(requests, dense_requests), min_size=1, max_size=25), st.sampled_from([3, 1024]))
def test_cached_decisions_equal_the_decisions_computed_afresh(
    name: str, stream: list[tuple[Any, ...]], cache_size: int
) -> None:
    cached, plain = resource_policies(name, cache_size)
    for request in stream * 2:  # the second pass hits what the first one learned
        got, expected = both(cached, plain, request)
        assert got == expected, request


@pytest.mark.parametrize("name", sorted(CONFIGURATIONS))
@given(st.lists(requests, min_size=1, max_size=25))
def test_decide_on_the_request_facts_equals_the_uncached_decision(
    name: str, stream: list[tuple[Any, ...]]
) -> None:
    cached, plain = resource_policies(name)
    for request in stream:
        if request[0] == "actual":
            facts = request_facts("GET", "/x", origin=request[1])
            expected = plain.actual_uncached(request[1])
        else:
            facts = request_facts("OPTIONS", "/x", request[1], request[2], request[3], request[4])
            expected = plain.preflight_uncached(*request[1:])
        assert decide(cached, facts) == expected, request


@pytest.mark.parametrize("name", sorted(CONFIGURATIONS))
def test_the_caches_stay_within_their_size_whatever_the_stream(name: str) -> None:
    cached, _ = resource_policies(name, cache_size=16)
    exact = len(cached.exact_grants)
    for index in range(1000):
        cached.actual(f"https://u{index}.t01.example.com")
        cached.preflight(f"https://u{index}.t01.example.com", "PUT", f"x-h{index}", "true")
        assert len(cached.decisions) <= exact + 16
        assert len(cached._preflights) <= 16
    # Starting over keeps the exact grants: they never cost more than a lookup.
    assert all(cached.decisions[origin] is grant for origin, grant in cached.exact_grants.items())


def test_long_keys_are_decided_every_time_and_not_remembered() -> None:
    cached, plain = resource_policies("regexes")
    origin = "https://" + "a" * 300 + ".t01.example.com"
    assert cached.actual(origin) == plain.actual_uncached(origin)
    assert origin not in cached.decisions
    headers = ", ".join(["X-Header"] * (MAX_CACHED_PREFLIGHT_KEY // 10))
    decision = cached.preflight("https://a.t01.example.com", "PUT", headers, None)
    assert decision == plain.preflight_uncached("https://a.t01.example.com", "PUT", headers, None)
    assert cached._preflights == {}


def toggling() -> Callable[[str], bool]:
    """An origin callable that changes its mind on every call, as a live allow-list may."""
    calls = [0]

    def predicate(origin: str) -> bool:
        calls[0] += 1
        return calls[0] % 2 == 1

    return predicate


def test_nothing_is_remembered_when_an_origin_callable_is_configured() -> None:
    (resource,) = compile_resources(r"/*", {"origins": ["https://app.example.com", toggling()]})
    policy = ResourcePolicy(resource)
    assert not policy.caching
    origin = "https://live.example.com"
    assert [policy.actual(origin).granted for _ in range(4)] == [True, False, True, False]
    assert [policy.preflight(origin, "PUT", "", None).granted for _ in range(4)] == [True, False, True, False]
    assert list(policy.decisions) == ["https://app.example.com"]


@pytest.mark.parametrize("name", ["regexes", "credentials", "restricted"])
def test_threads_sharing_a_filling_cache_get_the_fresh_decisions(name: str) -> None:
    cached, plain = resource_policies(name, cache_size=8)
    stream: list[tuple[Any, ...]] = []
    for index in range(64):
        origin = [
            "https://app.example.com",
            f"https://u{index}.t0{index % 10}.example.com",
            "https://evil.example",
        ][index % 3]
        stream.append(("actual", origin))
        stream.append(
            ("preflight", origin, ["PUT", "DELETE"][index % 2], ["", "Content-Type", "X-a"][index % 3], None)
        )
    expected = [both(plain, plain, request)[1] for request in stream]
    wrong: list[tuple[Any, ...]] = []

    def worker(offset: int) -> None:
        for turn in range(20):
            for index in range(len(stream)):
                at = (index + offset + turn) % len(stream)
                if both(cached, plain, stream[at])[0] != expected[at]:
                    wrong.append(stream[at])

    threads = [threading.Thread(target=worker, args=(offset,)) for offset in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []


def appended_by_the_plain_rule(decision: Decision) -> tuple[tuple[str, str], ...]:
    """What merge_headers adds to a response that sets none of the CORS names or Vary."""
    vary = () if decision.vary is None else (("Vary", decision.vary),)
    return (*decision.headers, *vary)


@pytest.mark.parametrize("name", sorted(CONFIGURATIONS))
@given(st.lists(st.one_of(requests, dense_requests), min_size=1, max_size=25))
def test_every_decision_appends_its_headers_then_its_vary(name: str, stream: list[tuple[Any, ...]]) -> None:
    # The grant of a new origin is built without Decision() (see ResourcePolicy._grant): it
    # must be the decision Decision() makes from the same fields, appended headers included.
    cached, plain = resource_policies(name)
    made = [cached.originless, plain.originless]
    for request in stream * 2:
        made.extend(both(cached, plain, request))
    for decision in made:
        assert type(decision) is Decision
        assert decision.appended == appended_by_the_plain_rule(decision), decision
        assert decision == Decision(*decision[:7]), decision


def test_a_changed_or_copied_decision_remakes_what_it_appends() -> None:
    cached, _ = resource_policies("credentials")
    granted = cached.actual("https://app.example.com")
    refused = granted._replace(headers=(), granted=False)
    assert refused.appended == (("Vary", "Origin"),)
    unvaried = granted._replace(vary=None)
    assert unvaried.appended == granted.headers
    # A value given for appended is never taken: it is remade from headers and vary.
    assert Decision(False, (), "Origin", False, granted.kind, None, None, (("X-Forged", "1"),)).appended == (
        ("Vary", "Origin"),
    )
    assert pickle.loads(pickle.dumps(granted)) == granted
    assert copy.deepcopy(granted).appended == granted.appended


def test_a_decision_made_with_a_header_list_appends_the_same_headers() -> None:
    decision = Decision(
        False, [("Access-Control-Allow-Origin", "https://a.example")], "Origin", True, Kind.ACTUAL
    )  # type: ignore[arg-type]
    assert decision.appended == (("Access-Control-Allow-Origin", "https://a.example"), ("Vary", "Origin"))
