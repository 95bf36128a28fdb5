"""Fuzz target for the header handling: Origin, the preflight request headers and Vary merging.

With atheris installed (``pip install atheris``) this is a coverage-guided fuzzer::

    python fuzz/fuzz_headers.py -max_total_time=600

Without it, the same target runs on random inputs (``python fuzz/fuzz_headers.py 100000``),
and the test suite drives it through hypothesis (tests/core/security/test_fuzz_headers.py).
Any invariant broken raises AssertionError, which both fuzzers report with the input.
"""

from __future__ import annotations

import random
import re
import sys
import warnings
from typing import Any

try:
    import atheris
except ImportError:  # the fallback below needs nothing but the standard library
    atheris = None

if atheris is not None:
    with atheris.instrument_imports():
        from wsgi_cors import CORSMiddleware, CORSSecurityWarning
        from wsgi_cors.middleware import merge_headers
else:
    from wsgi_cors import CORSMiddleware, CORSSecurityWarning
    from wsgi_cors.middleware import merge_headers

_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_FIELDS = ("origin", "path", "request_method", "request_headers", "private_network", "app_vary")
_BAD = frozenset("\r\n\x00")


def _app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain"), ("Vary", environ["fuzz.app_vary"])])
    return [b"body"]


def _build() -> list[tuple[CORSMiddleware, bool]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CORSSecurityWarning)
        return [
            (CORSMiddleware(_app), False),
            (CORSMiddleware(_app, send_wildcard=True, expose_headers="*"), False),
            (
                CORSMiddleware(
                    _app,
                    origins=[
                        "https://app.example.com",
                        "https://*.example.org",
                        r"https://t[0-9]+\.example\.net",
                    ],
                    supports_credentials=True,
                    allow_headers=["Content-Type", "X-Token", r"X-Custom-[a-z]+"],
                    methods="*",
                    allow_private_network=True,
                    max_age=600,
                ),
                True,
            ),
            (CORSMiddleware(_app, origins="*", supports_credentials=True, vary_header=False), True),
        ]


_MIDDLEWARES = _build()

#: Inputs worth starting from: each field separated by \x1e, after one selector byte.
SEEDS = [
    b"\x1e".join(
        [
            b"\x02https://app.example.com",
            b"/api",
            b"PUT",
            b"Content-Type, X-Token",
            b"true",
            b"Accept-Encoding",
        ]
    ),
    b"\x03null\x1e/\x1eGET\x1eX-Custom-abc,,\x1efalse\x1eorigin",
    b"\x00https://a.example.org\r\nSet-Cookie: x\x1e/\x1eGET\r\n\x1eX-A\r\nX-B\x1e\x1e*",
    b"\x81https://t1.example.net\x1e/x\x1epatch\x1e" + b"," * 9000 + b"\x1etrue\x1e",
]


def one_input(data: bytes) -> None:
    """Decode one request from bytes, run it through a middleware, and check the invariants."""
    if not data:
        return
    selector = data[0]
    middleware, credentials = _MIDDLEWARES[selector % len(_MIDDLEWARES)]
    values = data[1:].decode("latin-1").split("\x1e")
    fields = dict(zip(_FIELDS, values + [""] * len(_FIELDS), strict=False))
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "OPTIONS" if selector & 0x80 == 0 else "GET",
        "PATH_INFO": fields["path"],
        "HTTP_ORIGIN": fields["origin"],
        "fuzz.app_vary": fields["app_vary"],
    }
    if selector & 0x40 == 0:
        environ["HTTP_ACCESS_CONTROL_REQUEST_METHOD"] = fields["request_method"]
    if selector & 0x20 == 0:
        environ["HTTP_ACCESS_CONTROL_REQUEST_HEADERS"] = fields["request_headers"]
    if selector & 0x10 == 0:
        environ["HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK"] = fields["private_network"]

    started: list[tuple[str, list[tuple[str, str]]]] = []
    body = b"".join(
        middleware(environ, lambda status, headers, exc_info=None: started.append((status, headers)))
    )
    assert len(started) == 1
    status, headers = started[0]
    assert status[:1] == "2", status
    assert body in (b"", b"body")
    _check_headers(headers, fields, credentials)
    _check_merge(fields["app_vary"])


def _check_headers(headers: list[tuple[str, str]], fields: dict[str, str], credentials: bool) -> None:
    ours = [(name, value) for name, value in headers if name.lower() != "vary" and name != "Content-Type"]
    for name, value in ours:
        assert _TOKEN.fullmatch(name), name
        assert _BAD.isdisjoint(value), (name, value)
    allow_origin = [value for name, value in headers if name == "Access-Control-Allow-Origin"]
    assert len(allow_origin) <= 1
    if allow_origin and allow_origin[0] != "*":
        assert allow_origin[0] == fields["origin"]
    if credentials:
        assert allow_origin != ["*"]
    for name, value in headers:
        if name == "Access-Control-Allow-Headers":
            requested = {item.strip().lower() for item in fields["request_headers"].split(",")}
            assert all(_TOKEN.fullmatch(item) and item.lower() in requested for item in value.split(", "))
        if name == "Access-Control-Allow-Methods" and value not in (
            "GET, HEAD, POST, OPTIONS, PUT, PATCH, DELETE"
        ):
            assert _TOKEN.fullmatch(value) or all(_TOKEN.fullmatch(item) for item in value.split(", "))


def _check_merge(app_vary: str) -> None:
    """Merging our Vary into any application Vary keeps the application's and adds ours once."""
    merged = merge_headers([("Vary", app_vary)], (), "Origin, Access-Control-Request-Method")
    assert len(merged) == 1
    value = merged[0][1]
    if value == app_vary:  # the application already varies on everything ('*') or on ours
        return
    assert value.startswith(app_vary.strip())
    tokens = [token.strip().lower() for token in value.split(",")]
    if "*" not in {token.strip() for token in app_vary.split(",")}:
        assert "origin" in tokens
        assert "access-control-request-method" in tokens
        added = value[len(app_vary.strip()) :]
        assert added.lower().count("origin") <= 1


def main(argv: list[str]) -> None:
    if atheris is not None:
        atheris.Setup(argv, one_input)
        atheris.Fuzz()
        return
    count = int(argv[1]) if len(argv) > 1 else 10_000
    generator = random.Random(0)
    alphabet = b"\x1e\r\n\x00 ,:/.*-_abcAZ09\x7f\xff\t"
    for seed in SEEDS:
        one_input(seed)
    for _ in range(count):
        size = generator.randrange(0, 200)
        data = bytes(
            generator.choice(alphabet) if generator.random() < 0.7 else generator.randrange(256)
            for _ in range(size)
        )
        one_input(data)
    print(f"{count} random inputs: every invariant held")


if __name__ == "__main__":
    main(sys.argv)
