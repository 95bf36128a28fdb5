"""``wsgi-cors check`` follows redirects as Chromium does: the same verdicts, the same requests.

A page on ``http://localhost:PORT`` fetches the redirecting servers of
``tests/test_cli_check_redirects.py`` (on 127.0.0.1: another origin); then ``check`` makes the
same call with the page's origin. Both must reach the same verdict, make the same requests at
each hop (method, path, ``Origin``, ``Authorization``, ``Content-Type``), and, for a blocked call,
report Chromium's console message.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIServer, make_server

import pytest

from playground.serve import CHROMIUM_FLAGS
from tests.test_cli_check_redirects import Recorder, _Quiet
from wsgi_cors.cli import main

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

pytestmark = pytest.mark.browser

#: (path, method, headers the page sets): every redirect behaviour the recorder serves.
CALLS: list[tuple[str, str, dict[str, str]]] = [
    ("/same", "GET", {}),
    ("/same", "PUT", {"X-Token": "1"}),
    ("/cross", "GET", {}),
    ("/cross", "GET", {"Authorization": "Bearer t"}),
    ("/cross-strict", "GET", {}),
    ("/bare", "GET", {}),
    ("/moved", "PUT", {}),
    ("/loop", "GET", {}),
    ("/see-other", "POST", {"Content-Type": "application/json"}),
    ("/to-ftp", "GET", {}),
]

FETCH = """async ([url, method, headers]) => {
    try { const response = await fetch(url, {method, headers}); return "allowed"; }
    catch (error) { return "blocked"; }
}"""


def _page(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/html")])
    return [b"<!doctype html><title>page</title>"]


def _start(app: WSGIApplication, running: list[tuple[WSGIServer, threading.Thread]]) -> str:
    server = make_server("127.0.0.1", 0, app, handler_class=_Quiet)
    server.timeout = 5
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    running.append((server, thread))
    return f"http://127.0.0.1:{server.server_port}"


def _requests(recorders: tuple[Recorder, Recorder]) -> list[tuple[Any, ...]]:
    seen = [
        (s["method"], s["path"], s["origin"], s["authorization"], s["content-type"])
        for recorder in recorders
        for s in recorder.seen
    ]
    for recorder in recorders:
        recorder.seen.clear()
    return seen


@pytest.fixture(scope="module")
def compared(chromium: str) -> Iterator[list[dict[str, Any]]]:
    """Each call made by Chromium, then by check: verdicts, requests and console messages."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")
    first, second = Recorder(), Recorder()
    running: list[tuple[WSGIServer, threading.Thread]] = []
    results: list[dict[str, Any]] = []
    try:
        api, other = _start(first, running), _start(second, running)
        first.other, second.other = other, api
        page_url = _start(_page, running).replace("127.0.0.1", "localhost") + "/"
        origin = page_url.rstrip("/")
        with sync_api.sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=chromium, args=list(CHROMIUM_FLAGS[1:]))
            try:
                page = browser.new_page()
                console: list[str] = []
                page.on("console", lambda message: console.append(message.text))
                page.goto(page_url)
                for path, method, headers in CALLS:
                    console.clear()
                    verdict = page.evaluate(FETCH, [api + path, method, headers])
                    for _ in range(100):  # a failed fetch always logs "Failed to load resource: net::..."
                        if verdict == "allowed" or any("net::" in message for message in console):
                            break
                        page.wait_for_timeout(50)
                    chromium_requests = _requests((first, second))
                    argv = ["check", api + path, "--origin", origin, "--method", method, "--timeout", "5"]
                    argv += [
                        arg for name, value in headers.items() for arg in ("--header", f"{name}: {value}")
                    ]
                    out = io.StringIO()
                    status = main([*argv, "--json"], stdout=out)
                    results.append(
                        {
                            "call": f"{method} {path} {headers}",
                            "chromium": verdict,
                            "chromium_requests": chromium_requests,
                            "chromium_console": list(console),
                            "check": {0: "allowed", 1: "blocked"}.get(status, f"exit {status}"),
                            "check_requests": _requests((first, second)),
                            "report": json.loads(out.getvalue()),
                        }
                    )
            finally:
                browser.close()
        yield results
    finally:
        for server, thread in running:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)


@pytest.mark.parametrize("index", range(len(CALLS)), ids=[f"{m} {p} {h}" for p, m, h in CALLS])
def test_check_follows_redirects_as_chromium_does(compared: list[dict[str, Any]], index: int) -> None:
    result = compared[index]
    assert result["check"] == result["chromium"], result
    assert result["check_requests"] == result["chromium_requests"], result
    console = result["report"]["console"]
    if result["chromium"] == "blocked":
        blocked = [m for m in result["chromium_console"] if "blocked by CORS policy" in m]
        if blocked:  # a CORS error: check prints Chromium's message (and may add its hint)
            assert console.startswith(blocked[0]), result
        else:  # a network error: the same net:: code
            [failed] = [m for m in result["chromium_console"] if "net::" in m]
            assert console.split(";")[0] == failed.rpartition(" ")[2], result
    else:
        assert console is None
