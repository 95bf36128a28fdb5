"""The README's first command: the plain WSGI example served on 127.0.0.1 answers CORS."""

from __future__ import annotations

import http.client
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plain_wsgi.py"
ALLOWED = "https://app.example.com"


@pytest.fixture
def served() -> Iterator[tuple[int, subprocess.Popen[str]]]:
    """Start the example on a free loopback port; always stop it within a few seconds."""
    process = subprocess.Popen(
        [sys.executable, "-u", str(EXAMPLE), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 15
        port = None
        while port is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
            found = re.search(r"http://127\.0\.0\.1:(\d+)/api/", line)
            if found:
                port = int(found.group(1))
        assert port is not None, "the example did not report its address in time"
        yield port, process
    finally:
        if process.stdout is not None:
            process.stdout.close()
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def request(port: int, method: str, headers: dict[str, str]) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request(method, "/api/items", headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_example_answers_a_preflight_and_a_simple_request(served: tuple[int, subprocess.Popen[str]]) -> None:
    port, _ = served
    answer = request(
        port,
        "OPTIONS",
        {
            "Origin": ALLOWED,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "content-type, authorization",
        },
    )
    assert answer.status == 200
    assert answer.getheader("Access-Control-Allow-Origin") == ALLOWED
    assert answer.getheader("Access-Control-Allow-Headers") == "content-type, authorization"
    assert answer.getheader("Access-Control-Allow-Credentials") == "true"
    assert answer.getheader("Access-Control-Max-Age") == "600"

    simple = request(port, "GET", {"Origin": ALLOWED})
    assert simple.status == 200
    assert simple.getheader("Access-Control-Allow-Origin") == ALLOWED
    assert simple.getheader("Access-Control-Expose-Headers") == "X-Request-Id"
    assert simple.getheader("Vary") == "Origin"

    refused = request(port, "GET", {"Origin": "https://evil.example.net"})
    assert refused.status == 200
    assert refused.getheader("Access-Control-Allow-Origin") is None


def test_example_prints_curl_lines_for_its_own_address(served: tuple[int, subprocess.Popen[str]]) -> None:
    port, process = served
    assert process.stdout is not None
    seen = ""
    deadline = time.monotonic() + 10
    while "curl -i http" not in seen and time.monotonic() < deadline:
        seen += process.stdout.readline()
    assert f"curl -i -X OPTIONS http://127.0.0.1:{port}/api/items -H 'Origin: {ALLOWED}'" in seen
