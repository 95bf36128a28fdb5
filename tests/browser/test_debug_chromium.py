"""Debug mode in real Chromium: the console names the cause, and the actual request never leaves.

A page on ``http://127.0.0.1:PAGE`` calls an API on ``http://localhost:API`` wrapped by
``CORSMiddleware(debug=True)``, one refusal per path. For each refused preflight the test reads
Chromium's console message and the API server's access log: only the preflight (``OPTIONS``)
reached the server, the ``wsgi_cors`` log has one refusal line for it, the application itself was
never called, and DevTools' Network panel shows the preflight's ``X-CORS-Debug`` reason. The
same page runs against the same configuration without debug mode, where every message is the
missing allow-origin one.

Private Network Access is not among the cases: Chromium 156 sends no
``Access-Control-Request-Private-Network`` preflight (Local Network Access replaced it with a
permission prompt), so no refusal of that kind can reach the server from it. The browser model
(``tests/core/test_debug_safety.py``) covers those answers.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple
from wsgiref.simple_server import WSGIRequestHandler

import pytest

from playground.serve import BIND, CHROMIUM_FLAGS, _ThreadingServer
from wsgi_cors import CORSMiddleware

pytestmark = pytest.mark.browser

TIMEOUT_MS = 30_000


class Case(NamedTuple):
    name: str
    init: str  # the fetch() options, as JavaScript
    debug_message: str  # what Chromium's console says with debug=True
    plain_message: str  # ... and without


NO_ALLOW_ORIGIN = (
    "Response to preflight request doesn't pass access control check: "
    "No 'Access-Control-Allow-Origin' header is present on the requested resource."
)
CASES = (
    Case(
        "header",
        "{method: 'PUT', headers: {'X-Token': '1'}}",
        "Request header field x-token is not allowed by Access-Control-Allow-Headers in preflight response.",
        NO_ALLOW_ORIGIN,
    ),
    Case(
        "method",
        "{method: 'DELETE'}",
        "Method DELETE is not allowed by Access-Control-Allow-Methods in preflight response.",
        NO_ALLOW_ORIGIN,
    ),
    # POST is CORS-safelisted: no answer can make Chromium name it, so it is refused as without
    # debug mode (X-CORS-Debug still names it).
    Case(
        "safelisted-method", "{method: 'POST', headers: {'X-Token': '1'}}", NO_ALLOW_ORIGIN, NO_ALLOW_ORIGIN
    ),
    Case("origin", "{method: 'PUT'}", NO_ALLOW_ORIGIN, NO_ALLOW_ORIGIN),
    Case(
        "credentials",
        "{method: 'PUT', credentials: 'include', headers: {'X-Token': '1'}}",
        "Request header field x-token is not allowed by Access-Control-Allow-Headers in preflight response.",
        NO_ALLOW_ORIGIN,
    ),
    # A credentialed call to a resource without supports_credentials: the debug answer carries
    # no Access-Control-Allow-Credentials, and Chromium names that first.
    Case(
        "credentials-mismatch",
        "{method: 'PUT', credentials: 'include', headers: {'X-Token': '1'}}",
        "Response to preflight request doesn't pass access control check: The value of the "
        "'Access-Control-Allow-Credentials' header in the response is '' which must be 'true' when the "
        "request's credentials mode is 'include'.",
        NO_ALLOW_ORIGIN,
    ),
)
#: An actual (not preflighted) request from a refused origin: it reaches the application, as
#: simple requests do, and its answer carries no allow-origin in debug mode either.
SIMPLE = "origin-simple"


def options(page_origin: str, debug: bool) -> dict[str, Any]:
    return {
        "origins": [page_origin],
        "debug": debug,
        "resources": {
            "/header/*": {"allow_headers": ["Content-Type"]},
            "/method/*": {"methods": ["GET", "PUT"]},
            "/safelisted-method/*": {"methods": ["GET", "PUT"]},
            "/origin/*": {"origins": ["http://localhost:1"]},
            "/origin-simple/*": {"origins": ["http://localhost:1"]},
            "/credentials/*": {"supports_credentials": True, "allow_headers": ["Content-Type"]},
            "/credentials-mismatch/*": {"allow_headers": ["Content-Type"]},
        },
    }


class Api:
    """The application behind the middleware: records each call, and each response's headers."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.responses: dict[str, list[tuple[str, str]]] = {}

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        self.calls.append((environ["REQUEST_METHOD"], environ["PATH_INFO"]))
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]


class Server(NamedTuple):
    api: Api
    access_log: list[str]
    cors_log: list[str]  # the wsgi_cors logger's DEBUG lines
    sent: dict[str, list[tuple[str, str]]]
    port: int


def _page(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    body = b"<!doctype html><title>debug</title>"
    start_response("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(body)))])
    return [body]


@contextmanager
def serving(app: Any, log: list[str] | None = None) -> Iterator[int]:
    class Handler(WSGIRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            if log is not None:
                log.append(self.requestline)

    server = _ThreadingServer((BIND, 0), Handler)
    server.set_app(app)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def recording(middleware: CORSMiddleware, sent: dict[str, list[tuple[str, str]]]) -> Any:
    """What the middleware sent on the wire, per request line."""

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            sent[f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}"] = list(headers)
            return start_response(status, headers, exc_info)

        return middleware(environ, start)

    return app


class PageRun(NamedTuple):
    console: dict[str, list[str]]  # Chromium's console messages, per case
    devtools: dict[str, str | None]  # X-CORS-Debug as the Network panel shows it, per request


async def run_page(chromium: str, page_port: int, api_port: int) -> PageRun:
    from playwright.async_api import async_playwright

    api = f"http://localhost:{api_port}"
    calls = [(case.name, f"fetch('{api}/{case.name}/x', {case.init})") for case in CASES]
    calls.append((SIMPLE, f"fetch('{api}/{SIMPLE}/x')"))
    console: list[str] = []
    devtools: dict[str, str | None] = {}

    def response(event: dict[str, Any]) -> None:
        headers = {name.lower(): value for name, value in event["response"]["headers"].items()}
        devtools[f"{event['type']} {event['response']['url']}"] = headers.get("x-cors-debug")

    async with async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=chromium, args=list(CHROMIUM_FLAGS[1:]))
        try:
            context = await browser.new_context()
            page = await context.new_page()
            page.on("console", lambda message: console.append(message.text))
            # The Network panel's view of each response, preflights included.
            session = await context.new_cdp_session(page)
            await session.send("Network.enable")
            session.on("Network.responseReceived", response)
            await page.goto(f"http://127.0.0.1:{page_port}/", wait_until="load")
            outcomes = await page.evaluate(
                "async (calls) => { const out = {}; for (const [name, call] of calls) {"
                " try { await eval(call); out[name] = 'allowed'; } catch (e) { out[name] = 'blocked'; } }"
                " return out; }",
                calls,
            )
            await context.close()
        finally:
            await browser.close()
    assert outcomes == dict.fromkeys(outcomes, "blocked"), outcomes
    by_case: dict[str, list[str]] = {}
    for name, _ in calls:
        by_case[name] = [text for text in console if f"{api}/{name}/x'" in text]
    return PageRun(by_case, devtools)


@pytest.fixture(scope="module", params=[True, False], ids=["debug", "plain"])
def chromium_run(request: pytest.FixtureRequest, chromium: str) -> tuple[bool, PageRun, Server]:
    pytest.importorskip("playwright.async_api")
    debug: bool = request.param
    api = Api()
    access_log: list[str] = []
    sent: dict[str, list[tuple[str, str]]] = {}
    with serving(_page) as page_port:
        middleware = CORSMiddleware(api, **options(f"http://127.0.0.1:{page_port}", debug))
        with serving(recording(middleware, sent), access_log) as api_port:
            logger = logging.getLogger("wsgi_cors")
            level = logger.level
            cors_log: list[str] = []
            handler = logging.Handler()
            handler.emit = lambda record: cors_log.append(record.getMessage())  # type: ignore[method-assign]
            logger.addHandler(handler)
            logger.setLevel(logging.DEBUG)
            try:
                run = asyncio.run(run_page(chromium, page_port, api_port))
            finally:
                logger.setLevel(level)
                logger.removeHandler(handler)
    return debug, run, Server(api, access_log, cors_log, sent, api_port)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_console_names_the_cause_and_the_request_never_arrives(
    chromium_run: tuple[bool, PageRun, Server], case: Case
) -> None:
    debug, run, server = chromium_run
    expected = case.debug_message if debug else case.plain_message
    (message,) = run.console[case.name]
    assert message.endswith(f"has been blocked by CORS policy: {expected}"), message
    assert " from origin 'http://127.0.0.1:" in message  # Chromium names the page's origin in each
    # Only the preflight reached the server; the application was never called for this path.
    path = f"/{case.name}/x"
    assert [line for line in server.access_log if f" {path} " in line] == [f"OPTIONS {path} HTTP/1.1"]
    (logged,) = [line for line in server.cors_log if f" '{path}' " in line]
    assert logged.startswith(f"'OPTIONS' '{path}' from origin 'http://127.0.0.1:")
    assert ", refused: " in logged
    assert "[refusal=" in logged
    assert [call for call in server.api.calls if call[1] == path] == []
    answer = dict(server.sent[f"OPTIONS {path}"])
    # The developer reads the reason in the Network panel, on the preflight.
    shown = run.devtools[f"Preflight http://localhost:{server.port}{path}"]
    if debug:
        assert answer["X-CORS-Debug"].startswith("refusal=")
        assert shown == answer["X-CORS-Debug"]
    else:
        assert "X-CORS-Debug" not in answer
        assert shown is None
    if case.name in ("origin", "safelisted-method") or not debug:
        assert "Access-Control-Allow-Origin" not in answer


def test_an_actual_request_from_a_refused_origin_gets_no_allow_origin(
    chromium_run: tuple[bool, PageRun, Server],
) -> None:
    debug, run, server = chromium_run
    path = f"/{SIMPLE}/x"
    (message,) = run.console[SIMPLE]
    assert "No 'Access-Control-Allow-Origin' header is present on the requested resource." in message
    assert server.api.calls.count(("GET", path)) == 1  # a simple request is sent: CORS only hides it
    answer = dict(server.sent[f"GET {path}"])
    assert "Access-Control-Allow-Origin" not in answer
    reason = 'refusal=origin-refused; resource="/origin-simple/*"' if debug else None
    assert answer.get("X-CORS-Debug") == reason
