"""``wsgi-cors check`` end to end: real servers on 127.0.0.1, real sockets, a browser's verdicts.

The browser suite's own cases (``tests/browser/cases.py``) are judged by
``test_cli_check_vs_browser.py``, against the verdicts Chromium reached on the playground's
servers. ``BEYOND_BROWSER_CASES`` here are the calls that suite has no case for: deliberately
broken servers (no wsgi-cors involved), options the playground does not configure
(``send_wildcard``, paths outside the resources, ``Authorization`` with credentials), origin
look-alikes, and Chromium's exact console message for each kind of failure.
"""

from __future__ import annotations

import io
import json
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

from wsgi_cors import CORSMiddleware
from wsgi_cors.cli import main

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

APP = "https://app.example.com"
EVIL = "https://evil.example.net"


def api(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "application/json"), ("X-Request-Id", "7")])
    return [b'{"ok": true}']


def broken(
    extra: Callable[[WSGIEnvironment], list[tuple[str, str]]], preflight_status: str = "200 OK"
) -> Any:
    """A server that does CORS by hand, with a mistake in it: no wsgi-cors involved."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        is_preflight = environ["REQUEST_METHOD"] == "OPTIONS"
        status = preflight_status if is_preflight else "200 OK"
        start_response(status, [("Content-Type", "text/plain"), *extra(environ)])
        return [b"" if is_preflight else b"hello"]

    return app


def _echo(environ: WSGIEnvironment) -> str:
    return str(environ.get("HTTP_ORIGIN", ""))


SERVERS: dict[str, Callable[[], WSGIApplication]] = {
    # our middleware
    "allow_all": lambda: CORSMiddleware(api),
    "origin_list": lambda: CORSMiddleware(
        api,
        resources=r"/api/*",
        origins=[APP],
        methods=["GET", "POST", "PUT"],
        allow_headers=["Content-Type", "X-Token"],
        expose_headers=["X-Request-Id"],
    ),
    "wildcard_subdomain": lambda: CORSMiddleware(api, origins="https://*.example.org"),
    "credentials": lambda: CORSMiddleware(api, origins=[APP], supports_credentials=True, max_age=600),
    "send_wildcard": lambda: CORSMiddleware(api, origins="*", send_wildcard=True),
    # deliberately broken servers
    "forgets_credentials": lambda: broken(
        lambda env: [
            ("Access-Control-Allow-Origin", _echo(env)),
            ("Access-Control-Allow-Methods", "GET, PUT"),
            ("Access-Control-Allow-Headers", "content-type"),
        ]
    ),
    "two_origins": lambda: broken(
        lambda env: [("Access-Control-Allow-Origin", _echo(env)), ("Access-Control-Allow-Origin", "*")]
    ),
    "star_everything": lambda: broken(
        lambda env: [
            ("Access-Control-Allow-Origin", _echo(env)),
            ("Access-Control-Allow-Credentials", "true"),
            ("Access-Control-Allow-Methods", "*"),
            ("Access-Control-Allow-Headers", "*"),
        ]
    ),
    "preflight_401": lambda: broken(
        lambda env: [("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Methods", "PUT")],
        preflight_status="401 Unauthorized",
    ),
    "trailing_slash": lambda: broken(lambda env: [("Access-Control-Allow-Origin", APP + "/")]),
    "no_cors": lambda: broken(lambda env: []),
}


@dataclass(frozen=True)
class Case:
    name: str
    server: str
    origin: str
    method: str = "GET"
    headers: tuple[str, ...] = ()
    credentials: bool = False
    path: str = "/api/items"
    allowed: bool = True
    preflight: bool = False  # whether a browser sends one first
    console: str = ""  # the start of Chromium's console message, for a blocked call


PREFLIGHT_FAILED = "Response to preflight request doesn't pass access control check: "
MISSING = "No 'Access-Control-Allow-Origin' header is present on the requested resource."

#: Calls the browser suite has no case for, and what Chromium does with each. A call that
#: becomes a case of tests/browser/cases.py leaves this table: Chromium's verdict is the judge.
BEYOND_BROWSER_CASES = (
    Case("text/plain POST needs no preflight", "allow_all", EVIL, "POST", ("Content-Type: text/plain",)),
    Case("path outside the resources", "origin_list", APP, path="/private", allowed=False, console=MISSING),
    Case(  # the verdict is refused-header/delete-custom-header's; kept for the console message
        "refused header",
        "origin_list",
        APP,
        "GET",
        ("X-Other: 1",),
        preflight=True,
        allowed=False,
        console=PREFLIGHT_FAILED + MISSING,
    ),
    Case("wildcard subdomain, two labels deep", "wildcard_subdomain", "https://a.b.example.org"),
    Case("wildcard subdomain, look-alike", "wildcard_subdomain", "https://evilexample.org", allowed=False),
    Case(
        "credentials, PUT with Authorization",
        "credentials",
        APP,
        "PUT",
        ("Authorization: Bearer x", "Content-Type: application/json"),
        credentials=True,
        preflight=True,
    ),
    Case("send_wildcard, anonymous", "send_wildcard", EVIL),
    Case(
        "send_wildcard, credentialed",
        "send_wildcard",
        EVIL,
        credentials=True,
        allowed=False,
        console="The value of the 'Access-Control-Allow-Origin' header in the response must not be the "
        "wildcard '*'",
    ),
    Case("server forgets credentials, anonymous call", "forgets_credentials", APP),
    Case(
        "server forgets Access-Control-Allow-Credentials",
        "forgets_credentials",
        APP,
        credentials=True,
        allowed=False,
        console="The value of the 'Access-Control-Allow-Credentials' header in the response is ''",
    ),
    Case(
        "server forgets credentials on the preflight",
        "forgets_credentials",
        APP,
        "PUT",
        credentials=True,
        preflight=True,
        allowed=False,
        console=PREFLIGHT_FAILED + "The value of the 'Access-Control-Allow-Credentials'",
    ),
    Case(
        "server sends two origins",
        "two_origins",
        APP,
        allowed=False,
        console="The 'Access-Control-Allow-Origin' header contains multiple values "
        f"'{APP}, *', but only one is allowed.",
    ),
    Case("'*' methods, anonymous PUT", "star_everything", APP, "PUT", preflight=True),
    Case(
        "'*' methods do not count with credentials",
        "star_everything",
        APP,
        "PUT",
        credentials=True,
        preflight=True,
        allowed=False,
        console="Method PUT is not allowed by Access-Control-Allow-Methods in preflight response.",
    ),
    Case(
        "'*' headers, anonymous custom header", "star_everything", APP, "GET", ("X-Token: t",), preflight=True
    ),
    Case(
        "'*' headers never cover Authorization",
        "star_everything",
        APP,
        "GET",
        ("Authorization: Bearer x",),
        preflight=True,
        allowed=False,
        console="Request header field authorization is not allowed by Access-Control-Allow-Headers",
    ),
    Case(
        "'*' headers do not count with credentials",
        "star_everything",
        APP,
        "GET",
        ("X-Token: t",),
        credentials=True,
        preflight=True,
        allowed=False,
        console="Request header field x-token is not allowed",
    ),
    Case(
        "preflight answered 401",
        "preflight_401",
        APP,
        "PUT",
        preflight=True,
        allowed=False,
        console=PREFLIGHT_FAILED + "It does not have HTTP ok status.",
    ),
    Case(
        "trailing slash in the answer",
        "trailing_slash",
        APP,
        allowed=False,
        console=f"The 'Access-Control-Allow-Origin' header has a value '{APP}/' that is not equal",
    ),
    Case("no CORS at all", "no_cors", APP, allowed=False, console=MISSING),
)


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, str]]:
    """Every server of ``SERVERS`` on its own free 127.0.0.1 port, stopped after the module."""
    running: list[tuple[WSGIServer, threading.Thread]] = []
    urls: dict[str, str] = {}
    try:
        for name, factory in SERVERS.items():
            server = make_server("127.0.0.1", 0, factory(), handler_class=_Quiet)
            server.timeout = 5
            thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            thread.start()
            running.append((server, thread))
            urls[name] = f"http://127.0.0.1:{server.server_port}"
        yield urls
    finally:
        for server, thread in running:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
            assert not thread.is_alive()


def run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    status = main(argv, stdout=out)
    return status, out.getvalue()


def check_argv(case: Case, url: str) -> list[str]:
    argv = ["check", url + case.path, "--origin", case.origin, "--method", case.method, "--timeout", "5"]
    for header in case.headers:
        argv += ["--header", header]
    if case.credentials:
        argv.append("--credentials")
    return argv


@pytest.mark.parametrize("case", BEYOND_BROWSER_CASES, ids=lambda case: case.name)
def test_check_verdict_and_console_message(case: Case, servers: dict[str, str]) -> None:
    status, output = run([*check_argv(case, servers[case.server]), "--json"])
    report = json.loads(output)
    assert status == (0 if case.allowed else 1)
    assert report["allowed"] is case.allowed
    assert (report["preflight"] is not None) is case.preflight
    if case.allowed:
        assert report["console"] is None
        assert report["actual"]["status"] == 200
    else:
        assert report["console"].startswith(
            f"Access to fetch at '{servers[case.server]}{case.path}' from origin '{case.origin}' has been "
            f"blocked by CORS policy: {case.console}"
        )
        assert report["fix"]


def test_a_failed_preflight_stops_before_the_actual_request(servers: dict[str, str]) -> None:
    status, output = run(
        ["check", servers["preflight_401"] + "/x", "--origin", APP, "--method", "PUT", "--json"]
    )
    report = json.loads(output)
    assert status == 1
    assert report["preflight"]["status"] == 401
    assert report["actual"] is None


def test_preflight_is_sent_as_chromium_sends_it(servers: dict[str, str]) -> None:
    _, output = run(
        [
            "check",
            servers["origin_list"] + "/api/items",
            "--origin",
            APP,
            "--method",
            "put",
            "--header",
            "X-Token: 1",
            "--header",
            "Content-Type: application/json",
            "--json",
        ]
    )
    sent = dict(json.loads(output)["preflight"]["request_headers"])
    assert sent == {
        "Origin": APP,
        "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "content-type,x-token",
    }


def test_text_report_names_the_missing_header_and_the_fix(servers: dict[str, str]) -> None:
    status, output = run(
        ["check", servers["forgets_credentials"] + "/api/items", "--origin", APP, "--credentials"]
    )
    assert status == 1
    lines = output.splitlines()
    assert (
        "Verdict: BLOCKED (response): no Access-Control-Allow-Credentials, and a credentialed request "
        "needs 'true'." in lines
    )
    assert any(line.startswith("  Fix: send 'Access-Control-Allow-Credentials: true'") for line in lines)


def test_allowed_report_lists_the_readable_headers(servers: dict[str, str]) -> None:
    status, output = run(["check", servers["origin_list"] + "/api/items", "--origin", APP])
    assert status == 0
    assert output.splitlines()[-1] == (
        f"Verdict: ALLOWED. A page at {APP} can make this call and read the response "
        "(response headers it can read: content-type, x-request-id, content-length)."
    )


def test_explain_agrees_with_check_on_our_middleware(servers: dict[str, str]) -> None:
    """The same configuration, judged offline by explain and over HTTP by check."""
    configs = {
        "allow_all": [],
        "origin_list": [
            "--resources",
            "/api/*",
            "--origins",
            APP,
            "--methods",
            "GET,POST,PUT",
            "--allow-headers",
            "Content-Type",
            "--allow-headers",
            "X-Token",
            "--expose-headers",
            "X-Request-Id",
        ],
        "wildcard_subdomain": ["--origins", "https://*.example.org"],
        "credentials": ["--origins", APP, "--supports-credentials", "--max-age", "600"],
        "send_wildcard": ["--origins", "*", "--send-wildcard"],
    }
    compared = 0
    for case in BEYOND_BROWSER_CASES:
        if case.server not in configs:
            continue
        argv = ["explain", *configs[case.server], "--path", case.path, "--origin", case.origin]
        argv += ["--method", case.method, *(a for h in case.headers for a in ("--header", h))]
        argv += ["--credentials"] if case.credentials else []
        status, output = run([*argv, "--json"])
        assert (status == 0) is case.allowed, case.name
        assert json.loads(output)["allowed"] is case.allowed, case.name
        compared += 1
    assert compared == 8  # the browser suite's cases: test_cli_check_vs_browser.py


def test_unreachable_server_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    status = main(["check", f"http://127.0.0.1:{port}/", "--origin", APP, "--timeout", "2"])
    assert status == 2
    assert "network error" in capsys.readouterr().err


def test_server_that_never_answers_times_out_with_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # accepts the connection in the kernel, never answers
        port = silent.getsockname()[1]
        status = main(["check", f"http://127.0.0.1:{port}/", "--origin", APP, "--timeout", "0.3"])
    assert status == 2
    assert "timed out" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["check", "ftp://127.0.0.1/", "--origin", APP], "is not an http:// or https:// URL"),
        (["check", "http://127.0.0.1/", "--origin", APP + "/path"], "is not an origin"),
        (["check", "http://127.0.0.1/", "--origin", APP, "--header", "Cookie: a=b"], "use --credentials"),
        (["check", "http://127.0.0.1/", "--origin", APP, "--header", "Bad Name: x"], "is not a header"),
        (["check", "http://127.0.0.1/", "--origin", APP, "--method", "GE T"], "is not an HTTP method"),
        (["check", "http://127.0.0.1/", "--origin", APP, "--header", "X-A: 1\r\nX-B: 2"], "contains CR, LF"),
        (["check", "http://127.0.0.1/", "--origin", "https://a.example\r\nX: y"], "is not an origin"),
    ],
)
def test_usage_errors_exit_2_with_a_message(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_missing_origin_is_an_argparse_error() -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "http://127.0.0.1/"])
    assert exit_info.value.code == 2


def test_python_dash_m_runs_the_command(servers: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "wsgi_cors", "check", servers["two_origins"] + "/", "--origin", APP],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "Verdict: BLOCKED (response): Access-Control-Allow-Origin has several values" in done.stdout


def test_console_script_is_declared() -> None:
    from importlib.metadata import entry_points

    (script,) = [ep for ep in entry_points(group="console_scripts") if ep.name == "wsgi-cors"]
    assert script.value == "wsgi_cors.cli:main"


def test_a_hostile_answer_cannot_drive_the_terminal() -> None:
    # An escape sequence in a header value would retitle the terminal or rewrite the screen.
    from wsgi_cors.browser import BrowserRequest
    from wsgi_cors.cli.check import check
    from wsgi_cors.cli.report import emit

    def send(method: str, url: str, headers: list[tuple[str, str]]) -> tuple[int, str, list[tuple[str, str]]]:
        return 200, "OK\x1b[2J", [("Access-Control-Allow-Origin", "\x1b]0;pwned\x07https://x.example")]

    out = io.StringIO()
    status = emit(check(BrowserRequest(APP), "http://127.0.0.1:9/", send), False, out, [])
    text = out.getvalue()
    assert status == 1
    assert "\x1b" not in text
    assert "\x07" not in text
    assert "< Access-Control-Allow-Origin: \\x1b]0;pwned\\x07https://x.example" in text
    assert "< 200 OK\\x1b[2J" in text


# A server that refuses a preflight answers it without CORS headers, whatever it refused; check
# then asks smaller preflights, so that its fix names the refused header, method or origin.


@pytest.mark.parametrize(
    ("argv", "cause", "refused", "probes", "fix"),
    [
        (
            ["--origin", APP, "--method", "PUT", "--header", "X-Other: 1", "--header", "X-Token: 2"],
            "header",
            ["x-other"],
            [("PUT without headers", True), ("PUT with x-other", False), ("PUT with x-token", True)],
            "allow the request header x-other: the server refuses it (a preflight without it passes); "
            "with wsgi-cors, add 'x-other' to allow_headers",
        ),
        (
            ["--origin", APP, "--method", "DELETE", "--header", "X-Token: 2"],
            "method",
            ["DELETE"],
            [("DELETE without headers", False), ("GET without headers", True)],
            "allow the method DELETE: the server refuses it (a preflight for GET passes); with wsgi-cors, "
            "add 'DELETE' to methods",
        ),
        (
            ["--origin", EVIL, "--method", "PUT", "--header", "X-Token: 2"],
            "origin",
            [EVIL],
            [("PUT without headers", False), ("GET without headers", False)],
            f"allow the origin {EVIL}, if you trust that site: the server refuses it (even a preflight for "
            "GET without headers gets no Access-Control-Allow-Origin; or no CORS is configured for this "
            f"path); with wsgi-cors, add '{EVIL}' to origins",
        ),
    ],
    ids=["header", "method", "origin"],
)
def test_a_silently_refused_preflight_is_diagnosed(
    argv: list[str],
    cause: str,
    refused: list[str],
    probes: list[tuple[str, bool]],
    fix: str,
    servers: dict[str, str],
) -> None:
    status, output = run(["check", servers["origin_list"] + "/api/items", *argv, "--json"])
    report = json.loads(output)
    assert status == 1
    assert report["diagnosis"]["cause"] == cause
    assert report["diagnosis"]["refused"] == refused
    assert [(p["probe"], p["passed"]) for p in report["diagnosis"]["probes"]] == probes
    assert all(p["request_headers"][0] == ["Origin", argv[1]] for p in report["diagnosis"]["probes"])
    assert report["fix"] == fix
    assert report["actual"] is None  # probes are preflights only: the actual request is never sent


def test_the_text_report_shows_the_probes_and_the_cause(servers: dict[str, str]) -> None:
    argv = ["check", servers["origin_list"] + "/api/items", "--origin", APP, "--header", "X-Other: 1"]
    status, output = run(argv)
    assert status == 1
    lines = output.splitlines()
    start = lines.index(
        "Diagnosis: the preflight was answered without any CORS header, which says nothing of the cause; "
        "smaller preflights (OPTIONS requests, no side effects) find it:"
    )
    assert lines[start + 1 :] == [
        "     OPTIONS for GET without headers: passes",
        "     OPTIONS for GET with x-other: refused",
        "Verdict: BLOCKED (preflight): no Access-Control-Allow-Origin header.",
        "  Cause: the server refuses the header x-other.",
        f"  Chromium's console: Access to fetch at '{servers['origin_list']}/api/items' from origin '{APP}' "
        "has been blocked by CORS policy: Response to preflight request doesn't pass access control check: "
        "No 'Access-Control-Allow-Origin' header is present on the requested resource.",
        "  Fix: allow the request header x-other: the server refuses it (a preflight without it passes); "
        "with wsgi-cors, add 'x-other' to allow_headers.",
    ]


def test_a_preflight_that_names_its_refusal_needs_no_diagnosis(servers: dict[str, str]) -> None:
    argv = ["check", servers["star_everything"] + "/x", "--origin", APP, "--header", "X-Token: t"]
    status, output = run([*argv, "--credentials", "--json"])
    report = json.loads(output)
    assert status == 1
    assert report["diagnosis"] is None
    assert (
        report["fix"] == "list x-token in Access-Control-Allow-Headers (wsgi-cors: add it to allow_headers)"
    )
    [failed] = [check for check in report["checks"] if not check["ok"]]
    assert (failed["stage"], failed["check"], failed["subject"]) == ("preflight", "header", "x-token")


def test_the_body_is_never_read(capsys: pytest.CaptureFixture[str]) -> None:
    """A server announcing an endless body that never comes: the verdict needs the headers only."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        done = threading.Event()

        def answer() -> None:
            connection, _ = listener.accept()
            with connection:
                connection.recv(65536)
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\n"
                    b"Content-Length: 1000000000\r\n\r\nx"
                )
                done.wait(10)  # holds the connection open until the check is over

        thread = threading.Thread(target=answer, daemon=True)
        thread.start()
        try:
            status = main(["check", f"http://127.0.0.1:{port}/", "--origin", APP, "--timeout", "5"])
        finally:
            done.set()
            thread.join(timeout=5)
    assert status == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"Verdict: ALLOWED. A page at {APP} can make this call and read the response (response headers it "
        "can read: content-length)."
    )
