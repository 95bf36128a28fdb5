"""``wsgi-cors check`` follows redirects as Fetch does for a CORS request, checking every hop.

Two servers on 127.0.0.1 (two ports: two origins) answer with redirects and record every
request they get, so each test asserts what a browser would send at each hop (the method,
the ``Origin``, the headers) as well as the verdict.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

from wsgi_cors import CORSMiddleware
from wsgi_cors.cli import main

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

APP = "https://app.example.com"


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def get_environ(self) -> dict[str, Any]:
        environ = super().get_environ()
        # wsgiref fills CONTENT_TYPE in with text/plain when the request had none.
        environ["test.content_type"] = self.headers.get("Content-Type")
        return environ


class Recorder:
    """A hand-written CORS server (no wsgi-cors), one behaviour per path, that logs each request."""

    def __init__(self) -> None:
        self.seen: list[dict[str, str | None]] = []
        self.other = ""  # the other server's base URL, set once both run

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ["PATH_INFO"]
        method = environ["REQUEST_METHOD"]
        origin = environ.get("HTTP_ORIGIN")
        self.seen.append(
            {
                "method": method,
                "path": path,
                "origin": origin,
                "content-type": environ["test.content_type"],
                "authorization": environ.get("HTTP_AUTHORIZATION"),
                "request-method": environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"),
            }
        )
        grant = [
            ("Access-Control-Allow-Origin", origin or "*"),
            ("Access-Control-Allow-Methods", "GET, POST, PUT"),
            ("Access-Control-Allow-Headers", "content-type, authorization, x-token"),
        ]
        if method == "OPTIONS" and path != "/moved":
            start_response("204 No Content", grant)
            return []
        redirects = {
            "/same": ("307 Temporary Redirect", "/final"),
            "/cross": ("302 Found", f"{self.other}/final"),
            "/cross-strict": ("302 Found", f"{self.other}/strict"),
            "/see-other": ("303 See Other", "/final"),
            "/moved": ("308 Permanent Redirect", "/final"),
            "/loop": ("302 Found", "/loop"),
            "/to-ftp": ("302 Found", "ftp://127.0.0.1/file"),
        }
        if path == "/bare":  # a redirect without any CORS header
            start_response("302 Found", [("Location", "/final")])
            return []
        if path in redirects:
            status, location = redirects[path]
            start_response(status, [*grant, ("Location", location)])
            return []
        if path == "/strict":  # grants only the page's own origin, never 'null'
            headers = [("Access-Control-Allow-Origin", APP)] if origin == APP else []
            start_response("200 OK", [("Content-Type", "text/plain"), *headers])
            return [b"strict"]
        start_response("200 OK", [("Content-Type", "text/plain"), *grant])
        return [b"final"]


def _api(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"api"]


@pytest.fixture(scope="module")
def two() -> Iterator[tuple[str, Recorder, str, Recorder]]:
    """Two recording servers on two ports of 127.0.0.1, each the other's redirect target."""
    first, second = Recorder(), Recorder()
    running: list[tuple[WSGIServer, threading.Thread]] = []
    urls: list[str] = []
    try:
        for app in (first, second):
            server = make_server("127.0.0.1", 0, app, handler_class=_Quiet)
            server.timeout = 5
            thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            thread.start()
            running.append((server, thread))
            urls.append(f"http://127.0.0.1:{server.server_port}")
        first.other, second.other = urls[1], urls[0]
        yield urls[0], first, urls[1], second
    finally:
        for server, thread in running:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)


@pytest.fixture
def servers(two: tuple[str, Recorder, str, Recorder]) -> tuple[str, Recorder, str, Recorder]:
    for recorder in (two[1], two[3]):
        recorder.seen.clear()
    return two


@pytest.fixture(autouse=True)
def _no_proxy_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


def run_json(*argv: str) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    status = main(["check", *argv, "--timeout", "5", "--json"], stdout=out)
    return status, json.loads(out.getvalue())


def run_text(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(["check", *argv, "--timeout", "5"], stdout=out)
    return status, out.getvalue()


def test_same_origin_redirect_keeps_the_origin(servers: tuple[str, Recorder, str, Recorder]) -> None:
    url, first, _, _ = servers
    status, report = run_json(url + "/same", "--origin", APP)
    assert status == 0
    assert [(hop["url"], hop["origin"]) for hop in report["hops"]] == [
        (url + "/same", APP),
        (url + "/final", APP),
    ]
    assert [(seen["method"], seen["path"], seen["origin"]) for seen in first.seen] == [
        ("GET", "/same", APP),
        ("GET", "/final", APP),
    ]
    assert report["actual"]["status"] == 200


def test_cross_origin_redirect_makes_the_origin_null(servers: tuple[str, Recorder, str, Recorder]) -> None:
    url, first, other, second = servers
    status, output = run_text(url + "/cross", "--origin", APP)
    assert status == 0  # the second server echoes 'null', as a server allowing it must
    assert [(seen["path"], seen["origin"]) for seen in first.seen] == [("/cross", APP)]
    assert [(seen["path"], seen["origin"]) for seen in second.seen] == [("/final", "null")]
    assert f"Redirect 1: the browser follows it to {other}/final:" in output
    assert "     < Access-Control-Allow-Origin: null" in output


def test_a_hop_that_does_not_grant_null_blocks_the_call(servers: tuple[str, Recorder, str, Recorder]) -> None:
    url, _, other, second = servers
    status, report = run_json(url + "/cross-strict", "--origin", APP)
    assert status == 1
    assert [(seen["path"], seen["origin"]) for seen in second.seen] == [("/strict", "null")]
    assert report["console"] == (
        f"Access to fetch at '{other}/strict' (redirected from '{url}/cross-strict') from origin '{APP}' has "
        "been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested "
        "resource. If an opaque response serves your needs, set the request's mode to 'no-cors' to fetch "
        "the resource with CORS disabled."
    )
    assert report["fix"].startswith(
        "the response must carry 'Access-Control-Allow-Origin: null' (or '*') (the origin is null after a "
        "cross-origin redirect)"
    )


def test_a_redirect_without_cors_headers_is_not_followed(
    servers: tuple[str, Recorder, str, Recorder],
) -> None:
    url, first, _, _ = servers
    status, output = run_text(url + "/bare", "--origin", APP)
    assert status == 1
    assert [seen["path"] for seen in first.seen] == ["/bare"]  # /final is never requested
    assert "   A redirect must pass the CORS check too: the browser does not follow it." in output
    assert "Verdict: BLOCKED (response): no Access-Control-Allow-Origin header." in output


def test_a_redirected_preflight_fails(servers: tuple[str, Recorder, str, Recorder]) -> None:
    url, first, _, _ = servers
    status, report = run_json(url + "/moved", "--origin", APP, "--method", "PUT")
    assert status == 1
    assert [(seen["method"], seen["path"]) for seen in first.seen] == [("OPTIONS", "/moved")]
    assert report["actual"] is None
    assert report["console"].endswith(
        "Response to preflight request doesn't pass access control check: Redirect is not allowed for a "
        "preflight request."
    )
    failed = [check for check in report["checks"] if not check["ok"]]
    assert failed == [
        {
            "ok": False,
            "message": "preflight: status 308 redirects to '/final', and a preflight is never redirected",
            "stage": "preflight",
            "check": "redirect",
            "subject": "/final",
        }
    ]


def test_a_redirect_loop_stops_after_twenty_redirects(servers: tuple[str, Recorder, str, Recorder]) -> None:
    url, first, _, _ = servers
    status, report = run_json(url + "/loop", "--origin", APP)
    assert status == 1
    assert len(first.seen) == 21  # the request and 20 redirects; the 21st redirect is refused
    assert len(report["hops"]) == 21
    assert report["console"] == "net::ERR_TOO_MANY_REDIRECTS; fetch() rejects with TypeError: Failed to fetch"


def test_303_turns_a_preflighted_post_into_a_simple_get(servers: tuple[str, Recorder, str, Recorder]) -> None:
    url, first, _, _ = servers
    status, report = run_json(
        url + "/see-other", "--origin", APP, "--method", "POST", "--header", "Content-Type: application/json"
    )
    assert status == 0
    assert [(seen["method"], seen["path"], seen["content-type"]) for seen in first.seen] == [
        ("OPTIONS", "/see-other", None),
        ("POST", "/see-other", "application/json"),
        ("GET", "/final", None),  # no body, no Content-Type, so no second preflight
    ]
    assert report["hops"][1]["preflight"] is None


def test_307_keeps_the_method_and_preflights_the_next_hop(
    servers: tuple[str, Recorder, str, Recorder],
) -> None:
    url, first, _, _ = servers
    status, _ = run_json(url + "/same", "--origin", APP, "--method", "PUT", "--header", "X-Token: 1")
    assert status == 0
    assert [(seen["method"], seen["path"], seen["request-method"]) for seen in first.seen] == [
        ("OPTIONS", "/same", "PUT"),
        ("PUT", "/same", None),
        ("OPTIONS", "/final", "PUT"),
        ("PUT", "/final", None),
    ]


def test_a_cross_origin_redirect_drops_authorization(servers: tuple[str, Recorder, str, Recorder]) -> None:
    url, first, _, second = servers
    status, output = run_text(url + "/cross", "--origin", APP, "--header", "Authorization: Bearer t")
    assert status == 0
    assert first.seen[-1]["authorization"] == "Bearer t"
    assert [(seen["method"], seen["authorization"]) for seen in second.seen] == [("GET", None)]
    assert "     Authorization is dropped on a cross-origin redirect" in output


def test_a_redirect_to_another_scheme_is_refused(servers: tuple[str, Recorder, str, Recorder]) -> None:
    url, _, _, _ = servers
    status, report = run_json(url + "/to-ftp", "--origin", APP)
    assert status == 1
    assert report["console"].startswith(
        f"Access to fetch at 'ftp://127.0.0.1/file' (redirected from '{url}/to-ftp') from origin '{APP}' has "
        "been blocked by CORS policy: Cross origin requests are only supported for protocol schemes: "
    )


def test_a_wsgi_cors_server_redirect_carries_the_grant(servers: tuple[str, Recorder, str, Recorder]) -> None:
    """wsgi-cors adds its headers to the application's redirect, so the browser follows it."""

    def redirecting(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        start_response("302 Found", [("Location", f"{servers[2]}/final")])
        return []

    app: WSGIApplication = CORSMiddleware(redirecting, origins=[APP])
    server = make_server("127.0.0.1", 0, app, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        status, report = run_json(f"http://127.0.0.1:{server.server_port}/go", "--origin", APP)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    assert status == 0
    assert dict(report["hops"][0]["actual"]["headers"])["Access-Control-Allow-Origin"] == APP
    assert [(seen["path"], seen["origin"]) for seen in servers[3].seen] == [("/final", "null")]
