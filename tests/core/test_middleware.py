"""PEP 3333: the middleware adds headers and nothing else; body, close(), exc_info, write() pass."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
import webtest

from tests.support import ALLOWED, RecordingApp, make_client
from wsgi_cors import CORSMiddleware

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment


def environ(**headers: str) -> dict[str, Any]:
    env: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/api/items",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "wsgi.input": io.BytesIO(),
    }
    env.update(headers)
    return env


class Recorder:
    """A minimal server-side start_response that records what it was given."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, list[tuple[str, str]], Any]] = []
        self.written: list[bytes] = []

    def __call__(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        self.calls.append((status, headers, exc_info))
        return self.written.append


class Streaming:
    """A streaming body that must be closed, as a file or database cursor would."""

    def __init__(self) -> None:
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        yield b"chunk 1;"
        yield b"chunk 2"

    def close(self) -> None:
        self.closed = True


def test_application_iterable_is_returned_as_is_and_closed_by_the_server() -> None:
    body = Streaming()

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return body

    recorder = Recorder()
    result = CORSMiddleware(app)(environ(HTTP_ORIGIN=ALLOWED), recorder)
    assert result is body
    assert b"".join(result) == b"chunk 1;chunk 2"
    assert ("Access-Control-Allow-Origin", ALLOWED) in recorder.calls[0][1]


def test_streaming_body_is_closed_through_a_validating_client() -> None:
    body = Streaming()

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return body

    response = make_client(app).get("/", headers={"Origin": ALLOWED})
    assert response.get_data() == b"chunk 1;chunk 2"
    assert body.closed


def test_file_wrapper_passes_through_untouched() -> None:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        wrapper: Any = environ["wsgi.file_wrapper"]
        return wrapper(io.BytesIO(b"file contents"), 4)  # type: ignore[no-any-return]

    class FileWrapper:
        def __init__(self, file: io.BytesIO, block_size: int = 8192) -> None:
            self.file = file

        def __iter__(self) -> Iterator[bytes]:
            return iter([self.file.read()])

    env = environ(HTTP_ORIGIN=ALLOWED)
    env["wsgi.file_wrapper"] = FileWrapper
    result = CORSMiddleware(app)(env, Recorder())
    assert isinstance(result, FileWrapper)
    assert list(result) == [b"file contents"]


def test_write_callable_passes_through() -> None:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"written, ")
        return [b"returned"]

    recorder = Recorder()
    result = CORSMiddleware(app)(environ(HTTP_ORIGIN=ALLOWED), recorder)
    assert recorder.written == [b"written, "]
    assert list(result) == [b"returned"]


def failing_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        start_response("500 Internal Server Error", [("Content-Type", "text/plain")], sys.exc_info())
    return [b"error page"]


def test_exc_info_is_passed_to_the_server_and_the_error_page_gets_cors() -> None:
    recorder = Recorder()
    result = CORSMiddleware(failing_app, origins=[ALLOWED])(environ(HTTP_ORIGIN=ALLOWED), recorder)
    assert list(result) == [b"error page"]
    status, headers, exc_info = recorder.calls[-1]
    assert status == "500 Internal Server Error"
    assert exc_info[0] is RuntimeError
    assert ("Access-Control-Allow-Origin", ALLOWED) in headers


def test_intercept_exceptions_off_leaves_error_responses_bare() -> None:
    recorder = Recorder()
    CORSMiddleware(failing_app, origins=[ALLOWED], intercept_exceptions=False)(
        environ(HTTP_ORIGIN=ALLOWED), recorder
    )
    _, headers, exc_info = recorder.calls[-1]
    assert exc_info[0] is RuntimeError
    assert headers == [("Content-Type", "text/plain")]
    # The first, successful start gets the headers as usual.
    assert ("Access-Control-Allow-Origin", ALLOWED) in recorder.calls[0][1]


def test_each_request_gets_a_fresh_header_list() -> None:
    app_headers = [("Content-Type", "text/plain")]

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        start_response("200 OK", app_headers)
        return [b""]

    middleware = CORSMiddleware(app, origins=[ALLOWED])
    first, second = Recorder(), Recorder()
    middleware(environ(HTTP_ORIGIN=ALLOWED), first)
    first.calls[0][1].append(("X-Mutated", "by the server"))
    middleware(environ(HTTP_ORIGIN=ALLOWED), second)
    assert ("X-Mutated", "by the server") not in second.calls[0][1]
    assert app_headers == [("Content-Type", "text/plain")]


def test_each_preflight_gets_a_fresh_header_list() -> None:
    middleware = CORSMiddleware(RecordingApp())
    env = {"REQUEST_METHOD": "OPTIONS", "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT"}
    first, second = Recorder(), Recorder()
    middleware(environ(HTTP_ORIGIN=ALLOWED, **env), first)
    first.calls[0][1].clear()
    middleware(environ(HTTP_ORIGIN=ALLOWED, **env), second)
    assert ("Access-Control-Allow-Origin", ALLOWED) in second.calls[0][1]


def test_webtest_lint_accepts_every_kind_of_answer() -> None:
    app = RecordingApp(headers=[("Content-Type", "text/plain"), ("Vary", "Accept-Encoding")])
    client = webtest.TestApp(CORSMiddleware(app, origins=[ALLOWED], max_age=60), lint=True)
    actual = client.get("/api/items", headers={"Origin": ALLOWED})
    assert actual.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert actual.headers["Vary"] == "Accept-Encoding, Origin"
    refused = client.get("/api/items", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in refused.headers
    answer = client.options(
        "/api/items", headers={"Origin": ALLOWED, "Access-Control-Request-Method": "DELETE"}
    )
    assert answer.status == "200 OK"
    assert answer.body == b""
    assert answer.headers["Access-Control-Max-Age"] == "60"
    assert len(app.calls) == 2


def test_missing_path_info_is_treated_as_the_root() -> None:
    env = environ(HTTP_ORIGIN=ALLOWED)
    del env["PATH_INFO"]
    recorder = Recorder()
    CORSMiddleware(RecordingApp(), resources="/*")(env, recorder)
    assert ("Access-Control-Allow-Origin", ALLOWED) in recorder.calls[0][1]


def test_each_decision_is_logged_at_debug_with_request_values_quoted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = make_client(RecordingApp(), resources={r"/api/*": {"origins": [ALLOWED]}})
    with caplog.at_level(logging.DEBUG, logger="wsgi_cors"):
        client.get("/api/items", headers={"Origin": ALLOWED})
        client.get(
            "/api/x\r\nFAKE LOG LINE", environ_overrides={"HTTP_ORIGIN": "https://e.example\r\nforged"}
        )
    granted, refused = (record.getMessage() for record in caplog.records)
    assert granted == (
        "'GET' '/api/items' from origin 'https://app.example.com': resource '/api/*', granted: origin allowed"
    )
    assert "\n" not in refused
    assert "\r" not in refused
    assert "'https://e.example\\r\\nforged'" in refused
    assert refused.endswith(
        "refused: Origin holds a control character, a space, a comma or non-ASCII text"
        " [refusal=origin-malformed]"
    )


def test_the_debug_trace_follows_every_change_of_logging_after_requests_were_served(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The middleware reads logging's memo of "debug is off" instead of asking each time; every
    # way of turning debug on or off must still take effect on the next request.
    logger = logging.getLogger("wsgi_cors")
    client = make_client(RecordingApp(), origins=[ALLOWED])

    def traces() -> int:
        caplog.clear()
        client.get("/", headers={"Origin": ALLOWED})
        client.options("/", headers={"Origin": ALLOWED, "Access-Control-Request-Method": "PUT"})
        return sum(record.name == "wsgi_cors" for record in caplog.records)

    level, root_level = logger.level, logging.getLogger().level
    try:
        logger.setLevel(logging.INFO)
        assert (traces(), traces()) == (0, 0)  # the second pass reads the memo
        logger.setLevel(logging.DEBUG)
        assert traces() == 2
        logging.disable(logging.DEBUG)
        assert traces() == 0
        logging.disable(logging.NOTSET)
        assert traces() == 2
        logger.disabled = True
        assert traces() == 0
        logger.disabled = False
        logger.setLevel(logging.NOTSET)
        logging.getLogger().setLevel(logging.DEBUG)  # inherited from the root logger
        assert traces() == 2
    finally:
        logger.disabled = False
        logging.disable(logging.NOTSET)
        logger.setLevel(level)
        logging.getLogger().setLevel(root_level)


def test_a_forged_request_method_cannot_forge_a_log_line(caplog: pytest.LogCaptureFixture) -> None:
    # A server that passes the request line's method through (wsgiref.validate would refuse it).
    env = environ(HTTP_ORIGIN=ALLOWED, REQUEST_METHOD="GET\r\nFAKE LOG LINE", PATH_INFO="/api/items")
    with caplog.at_level(logging.DEBUG, logger="wsgi_cors"):
        CORSMiddleware(RecordingApp(), resources=r"/api/*", origins=[ALLOWED])(env, Recorder())
    (message,) = (record.getMessage() for record in caplog.records)
    assert "\r" not in message
    assert "\n" not in message
    assert message.startswith("'GET\\r\\nFAKE LOG LINE' '/api/items' from origin")


def test_a_path_info_without_its_leading_slash_is_matched_as_routers_read_it() -> None:
    """Out of PEP 3333, but test clients send it (werkzeug's ``client.get("api/items")``)."""
    middleware = CORSMiddleware(RecordingApp(), resources=r"/api/*", origins=[ALLOWED])
    recorder = Recorder()
    middleware(environ(HTTP_ORIGIN=ALLOWED, PATH_INFO="api/items"), recorder)
    assert ("Access-Control-Allow-Origin", ALLOWED) in recorder.calls[0][1]
    recorder = Recorder()
    middleware(environ(HTTP_ORIGIN=ALLOWED, PATH_INFO="public"), recorder)
    assert all(name != "Access-Control-Allow-Origin" for name, _ in recorder.calls[0][1])
