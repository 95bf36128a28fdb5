"""One middleware shared by many threads (gunicorn gthread, waitress) and a stream of strangers.

Run more requests with ``WSGI_CORS_CONCURRENCY_REQUESTS=2000000 python -m pytest
tests/core/security/test_concurrency.py``.
"""

from __future__ import annotations

import os
import sys
import tracemalloc
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from wsgi_cors import CORSMiddleware

REQUESTS = int(os.environ.get("WSGI_CORS_CONCURRENCY_REQUESTS", "300000"))
THREADS = 8

OPTIONS: dict[str, Any] = {
    "resources": {
        "/api/*": {
            "origins": ["https://app.example.com", "https://*.example.org", r"https://t[0-9]+\.example\.net"],
            "supports_credentials": True,
            "allow_headers": ["Content-Type", "X-Token"],
            "expose_headers": ["X-Request-Id"],
            "max_age": 600,
        },
        "/public/*": {"origins": "*", "send_wildcard": True},
    },
}

# (method, path, origin, Access-Control-Request-Method, Access-Control-Request-Headers)
TEMPLATES: list[tuple[str, str, str | None, str | None, str | None]] = [
    ("GET", "/api/users", "https://app.example.com", None, None),
    ("GET", "/api/users", "https://evil.example.com", None, None),
    ("GET", "/api/users", None, None, None),
    ("POST", "/api/users", "https://a.b.example.org", None, None),
    ("GET", "/api/users", "https://t42.example.net", None, None),
    ("GET", "/api/users", "https://t42.example.net.evil", None, None),
    ("OPTIONS", "/api/users", "https://app.example.com", "PUT", "Content-Type, X-Token"),
    ("OPTIONS", "/api/users", "https://app.example.com", "PUT", "X-Evil"),
    ("OPTIONS", "/api/users", "https://evil.example.com", "PUT", None),
    ("OPTIONS", "/api/users", "https://x.example.org", "DELETE", "content-type"),
    ("OPTIONS", "/api/users", "https://app.example.com", None, None),
    ("GET", "/public/logo.png", "https://anyone.example", None, None),
    ("OPTIONS", "/public/logo.png", "https://anyone.example", "GET", "X-Anything"),
    ("GET", "/elsewhere", "https://app.example.com", None, None),
    ("GET", "/api/users", "https://app.example.com\r\nX-Injected: 1", None, None),
    ("GET", "/api/users", "null", None, None),
]

Answer = tuple[str, tuple[tuple[str, str], ...], bytes]


def _app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    marker = environ["HTTP_X_MARKER"]
    start_response("200 OK", [("Content-Type", "text/plain"), ("X-Marker", marker)])
    return [marker.encode()]


def _environ(index: int, marker: str) -> dict[str, Any]:
    method, path, origin, request_method, request_headers = TEMPLATES[index]
    environ: dict[str, Any] = {"REQUEST_METHOD": method, "PATH_INFO": path, "HTTP_X_MARKER": marker}
    if origin is not None:
        environ["HTTP_ORIGIN"] = origin
    if request_method is not None:
        environ["HTTP_ACCESS_CONTROL_REQUEST_METHOD"] = request_method
    if request_headers is not None:
        environ["HTTP_ACCESS_CONTROL_REQUEST_HEADERS"] = request_headers
    return environ


def _run(middleware: CORSMiddleware, environ: dict[str, Any]) -> Answer:
    started: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        started.append((status, headers))

    body = b"".join(middleware(environ, start_response))  # type: ignore[arg-type]
    (status, headers), *more = started
    assert not more
    return status, tuple(headers), body


def _expected(middleware: CORSMiddleware) -> list[Answer]:
    """Each template's answer, computed serially, with the marker written as {marker}."""
    return [_run(middleware, _environ(index, "{marker}")) for index in range(len(TEMPLATES))]


def _substitute(answer: Answer, marker: str) -> Answer:
    status, headers, body = answer
    return (
        status,
        tuple((name, value.replace("{marker}", marker)) for name, value in headers),
        body.replace(b"{marker}", marker.encode()),
    )


@pytest.fixture
def fast_thread_switching() -> Iterator[None]:
    """Switch threads every 50 µs instead of 5 ms, so requests interleave mid-call."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(5e-5)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


def test_expected_answers_are_the_documented_behaviour() -> None:
    """Pin a few of the serial answers, so the concurrent comparison compares against the truth."""
    expected = _expected(CORSMiddleware(_app, **OPTIONS))
    as_dict = [dict(headers) for _, headers, _ in expected]
    assert as_dict[0]["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert as_dict[0]["Access-Control-Allow-Credentials"] == "true"
    assert "Access-Control-Allow-Origin" not in as_dict[1]
    assert as_dict[6]["Access-Control-Allow-Headers"] == "Content-Type, X-Token"
    assert "Access-Control-Allow-Origin" not in as_dict[7]
    assert expected[7][2] == b""  # refused preflights are answered here too, app not called
    assert as_dict[11]["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in as_dict[13]
    assert "Access-Control-Allow-Origin" not in as_dict[14]
    assert expected[2][2] == b"{marker}"


@pytest.mark.usefixtures("fast_thread_switching")
def test_one_instance_answers_every_request_correctly_under_many_threads() -> None:
    middleware = CORSMiddleware(_app, **OPTIONS)
    expected = _expected(middleware)
    per_thread = REQUESTS // THREADS

    def worker(thread: int) -> tuple[int, list[str]]:
        wrong: list[str] = []
        count = 0
        for number in range(per_thread):
            index = (number * 7 + thread) % len(TEMPLATES)
            marker = f"{thread}-{number}"
            answer = _run(middleware, _environ(index, marker))
            count += 1
            if answer != _substitute(expected[index], marker):
                wrong.append(f"template {index}, marker {marker}: {answer!r}")
        return count, wrong[:5]

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(worker, range(THREADS)))
    assert sum(count for count, _ in results) == per_thread * THREADS
    assert per_thread * THREADS >= min(REQUESTS, 300_000) - THREADS
    assert [wrong for _, wrong in results if wrong] == []


def test_a_stream_of_distinct_origins_does_not_grow_memory() -> None:
    """There is no per-origin state: memory after 50,000 strangers is what it was after 1,000."""
    middleware = CORSMiddleware(_app, **OPTIONS)

    def stream(start: int, stop: int) -> None:
        for number in range(start, stop):
            origin = f"https://h{number}.example.org" if number % 2 else f"https://stranger-{number}.example"
            environ = {
                "REQUEST_METHOD": "GET",
                "PATH_INFO": "/api/x",
                "HTTP_ORIGIN": origin,
                "HTTP_X_MARKER": "m",
            }
            _, headers, _ = _run(middleware, environ)
            assert (dict(headers).get("Access-Control-Allow-Origin") == origin) == bool(number % 2)

    tracemalloc.start()
    try:
        stream(0, 1_000)  # warm up: interned strings, free lists
        before, _ = tracemalloc.get_traced_memory()
        stream(1_000, 51_000)
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # 50,000 origins of ~30 bytes kept anywhere would be well over a megabyte.
    assert after - before < 64 * 1024, after - before
