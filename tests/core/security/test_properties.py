"""Hostile input: whatever a request carries, the middleware's invariants hold.

Run longer with ``HYPOTHESIS_PROFILE=long python -m pytest tests/core/security/test_properties.py``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from wsgi_cors import CORSMiddleware

from .harness import RecordingApp, Response, call

TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
EXACT = ("https://app.example.com", "http://localhost:3000", "https://app.example.com:8443")
ALLOWED_HEADERS = ("content-type", "x-token")
ALLOWED_METHODS = ("GET", "POST", "PUT")


def _labels_ok(host: str) -> bool:
    return all(
        len(label) <= 63 and re.fullmatch(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?", label)
        for label in host.split(".")
    )


def trusted_by_list(origin: str) -> bool:
    """An oracle written apart from the implementation: which origins the list config trusts."""
    if not origin.isascii():
        return False
    lowered = origin.lower()
    if lowered in EXACT:
        return True
    scheme, separator, host = lowered.partition("://")
    if separator and scheme == "https" and host.endswith(".example.org"):
        return _labels_ok(host.removesuffix(".example.org"))
    return re.fullmatch(r"https://tenant-[0-9]+\.example\.net", lowered) is not None


def harmless_to_echo(origin: str) -> bool:
    """What ``"*"`` echoes: any value that cannot damage a header or a log line (nor is overlong)."""
    return 0 < len(origin) <= 300 and all(c.isascii() and c.isprintable() and c not in " ," for c in origin)


@dataclass(frozen=True)
class Config:
    options: dict[str, Any]
    trusted: Callable[[str], bool]
    credentials: bool = False
    wildcard: bool = False
    vary: bool = True
    private_network: bool = False
    header_names: tuple[str, ...] | None = None  # None: any requested name may be granted


LIST_OPTIONS: dict[str, Any] = {
    "origins": [*EXACT, "https://*.example.org", r"https://tenant-[0-9]+\.example\.net"],
    "allow_headers": ["Content-Type", "X-Token"],
    "methods": list(ALLOWED_METHODS),
    "expose_headers": ["X-Request-Id"],
    "max_age": 600,
}

CONFIGS = {
    "star": Config({}, harmless_to_echo),
    "star-send-wildcard": Config({"send_wildcard": True}, lambda origin: False, wildcard=True),
    "list-credentials": Config(
        {**LIST_OPTIONS, "supports_credentials": True},
        trusted_by_list,
        credentials=True,
        header_names=ALLOWED_HEADERS,
    ),
    "list-no-vary-204": Config(
        {**LIST_OPTIONS, "vary_header": False, "preflight_status": 204},
        trusted_by_list,
        vary=False,
        header_names=ALLOWED_HEADERS,
    ),
    "list-private-network": Config(
        {**LIST_OPTIONS, "allow_private_network": True},
        trusted_by_list,
        private_network=True,
        header_names=ALLOWED_HEADERS,
    ),
    "null-listed": Config(
        {"origins": ["null", "https://app.example.com"]},
        # exact origins compare case-insensitively; the opaque origin only as the literal "null"
        lambda origin: origin == "null" or origin.lower() == "https://app.example.com",
    ),
}

ADVERSARIAL_ORIGINS = [
    "null",
    "NULL",
    "",
    " ",
    "*",
    "https://app.example.com",
    "HTTPS://APP.EXAMPLE.COM",
    "https://app.example.com.",
    "https://app.example.com/",
    "https://app.example.com:443",
    "https://app.example.com.evil.net",
    "https://evilapp.example.com",
    "https://appxexample.com",
    "https://a.example.org",
    "https://.example.org",
    "https://-a.example.org",
    "https://a.example.org.evil",
    "https://aexample.org",
    "http://a.example.org",
    "https://tenant-7.example.net",
    "https://tenant-.example.net",
    "https://tenant-7.example.net\r\nSet-Cookie: a=b",
    "https://app.example.com\x00",
    "https://app.example.com, https://evil.net",
    "https://app.example.com https://evil.net",
    "https://app.example.com@evil.net",
    "https://evil.net#https://app.example.com",
    "https://app.example.\u212aom",  # KELVIN SIGN, which lower()s to "k"
    "https://app.ex\u0430mple.com",  # Cyrillic a
    "javascript://app.example.com",
    "file://",
    "http://localhost:3000",
    "http://LOCALHOST:3000",
    "http://localhost:30000",
]

origins = st.one_of(
    st.sampled_from(ADVERSARIAL_ORIGINS),
    st.builds(
        lambda scheme, host, port, tail: f"{scheme}://{host}{port}{tail}",
        st.sampled_from(["https", "http", "HTTPS", "ftp", "ws", "x-y+z", ""]),
        st.one_of(
            st.sampled_from(
                ["app.example.com", "a.example.org", "tenant-1.example.net", "localhost", "[::1]"]
            ),
            st.from_regex(r"[a-zA-Z0-9.\-]{0,20}\.example\.(org|com|net)", fullmatch=True),
            st.text(min_size=0, max_size=20),
        ),
        st.sampled_from(["", ":3000", ":8443", ":443", ":0", ":99999", ":"]),
        st.sampled_from(["", "/", "\r\n", "\n", " ", ",", "\x00", "\t", "?q", "#f", "@x"]),
    ),
    st.text(max_size=60),
    st.text(alphabet=st.characters(max_codepoint=0xFF), max_size=60),
)

paths = st.one_of(
    st.sampled_from(["/", "/api", "/api/x", "/API/x", "/apiary", "/public/a+b", "/a b", ""]),
    st.text(alphabet=st.characters(max_codepoint=0xFF), max_size=40),
)
methods = st.one_of(
    st.sampled_from(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "get", "options"]),
    st.text(max_size=12),
)
header_name = st.one_of(
    st.sampled_from(["Content-Type", "X-Token", "x-token", "Authorization", "X-Other", "Cookie", ""]),
    st.text(max_size=12),
)
request_headers = st.one_of(
    st.none(),
    st.builds(
        lambda names, separator: separator.join(names),
        st.lists(header_name, max_size=6),
        st.sampled_from([",", ", ", " , ", ",,", "\t,", ",\r\n "]),
    ),
    st.text(max_size=80),
)
app_responses = st.fixed_dictionaries(
    {
        "status": st.sampled_from(["200 OK", "201 Created", "204 No Content", "404 Not Found", "500 Oops"]),
        "headers": st.lists(
            st.sampled_from(
                [
                    ("Content-Type", "application/json"),
                    ("Vary", "Accept-Encoding"),
                    ("Vary", "*"),
                    ("vary", "origin"),
                    ("Set-Cookie", "a=b"),
                    ("Access-Control-Allow-Origin", "https://app-chosen.example"),
                ]
            ),
            max_size=4,
            unique=True,
        ).map(tuple),
        "body": st.binary(max_size=32),
    }
)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    origin: str | None
    request_method: str | None
    request_headers: str | None
    private_network: str | None


requests = st.builds(
    Request,
    method=methods,
    path=paths,
    origin=st.one_of(st.none(), origins),
    request_method=st.one_of(st.none(), methods),
    request_headers=request_headers,
    private_network=st.one_of(st.none(), st.sampled_from(["true", "false", "TRUE", ""]), st.text(max_size=8)),
)


def check_invariants(config: Config, app: RecordingApp, request: Request, response: Response) -> None:
    names = [name.lower() for name, _ in response.headers]
    # never two Access-Control-Allow-Origin headers
    assert names.count("access-control-allow-origin") <= 1
    # no header name or value can split the response
    for name, value in response.headers:
        assert TOKEN.fullmatch(name), name
        assert not {"\r", "\n", "\x00"} & set(value), (name, value)

    app_set_cors = any(name.lower() == "access-control-allow-origin" for name, _ in app.headers)
    allow_origin = response.header("Access-Control-Allow-Origin")
    credentials = response.header("Access-Control-Allow-Credentials")
    # never '*' together with credentials
    assert not (allow_origin == "*" and credentials == "true")

    if app.calls == 0:
        # a preflight answered here: empty body, 2xx, the application never saw it
        assert request.method == "OPTIONS"
        assert request.origin is not None
        assert request.request_method is not None
        assert response.body == b""
        assert response.status[:1] == "2"
    else:
        # the application's status, body and own headers pass through untouched
        assert app.calls == 1
        assert response.status == app.status
        assert response.body == app.body
        own = [header for header in app.headers if header[0].lower() != "vary"]
        assert [header for header in response.headers if header[0].lower() != "vary"][: len(own)] == own
        if app_set_cors:
            assert response.headers == list(app.headers)
            return

    if allow_origin is not None and allow_origin != "*":
        # an echoed origin is the request's own, byte for byte, and one the configuration trusts
        if request.origin is None:
            assert allow_origin in EXACT  # the static answer of a one-origin configuration
        else:
            assert allow_origin == request.origin
            assert config.trusted(request.origin), request.origin
        if config.vary:
            # "Vary: *" (the application's own) already varies on everything, Origin included
            tokens = {token.strip().lower() for token in ",".join(response.values("Vary")).split(",")}
            assert "origin" in tokens or "*" in tokens
    if allow_origin == "*":
        assert not config.credentials
    if credentials is not None:
        assert credentials == "true"
        assert config.credentials
        assert allow_origin is not None

    granted = response.header("Access-Control-Allow-Headers")
    if granted is not None:
        assert allow_origin is not None
        requested = {name.strip().lower() for name in (request.request_headers or "").split(",")}
        for name in granted.split(", "):
            assert TOKEN.fullmatch(name)
            assert name.lower() in requested
            if config.header_names is not None:
                assert name.lower() in config.header_names

    allowed_methods = response.header("Access-Control-Allow-Methods")
    if allowed_methods is not None:
        assert allow_origin is not None
        assert request.request_method is not None
        assert all(TOKEN.fullmatch(method) for method in allowed_methods.split(", "))

    if response.header("Access-Control-Allow-Private-Network") is not None:
        assert config.private_network
        assert request.private_network == "true"
        assert allow_origin is not None


VARY_STAR = {"status": "200 OK", "headers": (("Vary", "*"),), "body": b""}


@pytest.mark.parametrize("name", sorted(CONFIGS))
@given(request=requests, answer=app_responses)
@example(request=Request("GET", "/", "https://app.example.com", None, None, None), answer=VARY_STAR)
@example(request=Request("GET", "/", "null", None, None, None), answer=VARY_STAR)
@example(request=Request("GET", "/", "HTTPS://APP.EXAMPLE.COM", None, None, None), answer=VARY_STAR)
def test_invariants_hold_for_any_request(name: str, request: Request, answer: dict[str, Any]) -> None:
    config = CONFIGS[name]
    app = RecordingApp(**answer)
    resources = {"/api/*": config.options, "/public/*": config.options, "/": config.options}
    middleware = CORSMiddleware(app, resources=resources)
    response = call(
        middleware,
        method=request.method,
        path=request.path,
        origin=request.origin,
        request_method=request.request_method,
        request_headers=request.request_headers,
        private_network=request.private_network,
    )
    check_invariants(config, app, request, response)


@given(origin=origins)
def test_the_list_configuration_grants_exactly_the_trusted_origins(origin: str) -> None:
    """The other direction of 'never echoes a refused origin': every trusted one is granted."""
    middleware = CORSMiddleware(RecordingApp(), **{**LIST_OPTIONS, "supports_credentials": True})
    expected = origin if trusted_by_list(origin) else None
    assert call(middleware, origin=origin).header("Access-Control-Allow-Origin") == expected
    preflight = call(middleware, method="OPTIONS", origin=origin, request_method="PUT")
    assert preflight.header("Access-Control-Allow-Origin") == expected


@pytest.mark.parametrize("origin", ADVERSARIAL_ORIGINS)
def test_the_oracle_agrees_on_the_named_adversarial_origins(origin: str) -> None:
    middleware = CORSMiddleware(RecordingApp(), **LIST_OPTIONS)
    expected = origin if trusted_by_list(origin) else None
    assert call(middleware, origin=origin).header("Access-Control-Allow-Origin") == expected


# --- bounded time on oversized input -------------------------------------------------------------

MEGABYTE = 1 << 20
OVERSIZED = {
    "a megabyte of request headers": {"request_headers": "X-Token," * (MEGABYTE // 8)},
    "ten thousand commas": {"request_headers": "," * 10_000},
    "just under the length limit": {"request_headers": "a," * 4095},
    "a megabyte of whitespace": {"request_headers": " " * MEGABYTE},
    "a megabyte origin": {"origin": "https://" + "a" * MEGABYTE},
    "a megabyte origin of dots": {"origin": "https://" + "a." * (MEGABYTE // 2) + "example.org"},
    "a megabyte path": {"path": "/api/" + "x/" * (MEGABYTE // 2)},
    "a megabyte method": {"request_method": "G" * MEGABYTE},
}


@pytest.mark.parametrize("name", sorted(OVERSIZED))
def test_oversized_preflight_is_answered_in_bounded_time(name: str) -> None:
    middleware = CORSMiddleware(RecordingApp(), **LIST_OPTIONS)
    request: dict[str, Any] = {
        "method": "OPTIONS",
        "path": "/api/x",
        "origin": "https://a.example.org",
        "request_method": "POST",
        **OVERSIZED[name],
    }
    elapsed = []
    for _ in range(3):
        started = time.perf_counter()
        response = call(middleware, **request)
        elapsed.append(time.perf_counter() - started)
    # Linear scans of a megabyte take a few milliseconds; anything quadratic takes minutes.
    assert min(elapsed) < 0.25, elapsed
    assert response.status == "200 OK"
    assert all(len(value) < 10_000 for _, value in response.headers)
