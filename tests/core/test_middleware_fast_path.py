"""The middleware spells out ``decide`` (no-Origin path, cached decisions) and the usual case
of ``merge_headers`` for speed; whatever the request and the application's headers, its answer
is the one the plain dispatch gives, from an uncached policy."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wsgi_cors import CORSMiddleware
from wsgi_cors.middleware import merge_headers
from wsgi_cors.policy import ResourcePolicy, decide, request_facts
from wsgi_cors.resources import compile_resources

from .test_decision_cache import (
    CONFIGURATIONS,
    methods,
    origins,
    private_network,
    request_headers,
    split_debug,
)
from .test_merge_headers import headers as application_headers

facts = st.builds(
    request_facts,
    st.sampled_from(["GET", "OPTIONS", "POST", "PUT", "options"]),
    st.just("/x"),
    st.one_of(st.none(), origins),
    st.one_of(st.none(), methods),
    st.one_of(st.none(), request_headers),
    private_network,
)


def respond(
    app: Any, environ: dict[str, str], app_headers: list[tuple[str, str]]
) -> tuple[str, list[tuple[str, str]], bool]:
    started: list[Any] = []
    called: list[bool] = []

    def application(environ: Any, start_response: Any) -> list[bytes]:
        called.append(True)
        start_response("200 OK", list(app_headers))
        return [b""]

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        started[:] = [status, headers]

    app.app = application
    app(dict(environ), start_response)
    return started[0], started[1], bool(called)


def plain(
    resource: ResourcePolicy, environ: dict[str, str], app_headers: list[tuple[str, str]]
) -> tuple[str, list[tuple[str, str]], bool]:
    decision = decide(resource, environ)
    if decision.answer:
        vary = [("Vary", decision.vary)] if decision.vary else []
        return resource.preflight_status, [*decision.headers, *vary, *resource.preflight_body], False
    return "200 OK", merge_headers(list(app_headers), decision.headers, decision.vary), True


@pytest.mark.parametrize("name", sorted(CONFIGURATIONS))
@given(st.lists(facts, min_size=1, max_size=20))
def test_the_middleware_answers_as_the_plain_dispatch(name: str, stream: list[dict[str, str]]) -> None:
    check(
        name, [(environ, [("Content-Type", "text/plain"), ("Vary", "Accept-Encoding")]) for environ in stream]
    )


# Requests every configuration answers with headers to merge: granted, refused, no Origin.
answered = st.sampled_from(
    [
        request_facts("GET", "/x", origin="https://app.example.com"),
        request_facts("GET", "/x", origin="https://evil.example"),
        request_facts("GET", "/x"),
    ]
)


@pytest.mark.parametrize("name", sorted(CONFIGURATIONS))
@given(st.lists(st.tuples(answered, application_headers), min_size=1, max_size=6))
def test_the_middleware_merges_as_merge_headers_whatever_the_application_sets(
    name: str, stream: list[tuple[dict[str, str], list[tuple[str, str]]]]
) -> None:
    check(name, stream)


def check(name: str, stream: list[tuple[dict[str, str], list[tuple[str, str]]]]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        middleware = CORSMiddleware(lambda environ, start_response: [], **CONFIGURATIONS[name])
        options, debug = split_debug(name)
        (resource,) = compile_resources(r"/*", options)
    reference = ResourcePolicy(resource, debug=debug)
    reference.caching = False
    for environ, app_headers in stream * 2:
        assert respond(middleware, environ, app_headers) == plain(reference, environ, app_headers), environ
