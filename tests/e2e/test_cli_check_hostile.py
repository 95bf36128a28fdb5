"""A hostile server cannot drive the terminal through check's error lines (stderr)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from wsgi_cors.cli import main

ESCAPES = "\x1b]0;PWNED\x07\x1b[2J\x1b[32mVerdict: ALLOWED\x1b[0m"


@pytest.fixture
def hostile() -> Iterator[str]:
    """Answers every connection with ``ANSWER`` bytes chosen per path; stopped by the test."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(5)
                request = connection.recv(65536).decode("latin-1")
                path = request.split(" ", 2)[1] if " " in request else "/"
                if path == "/redirect":
                    location = f"http://127.0.0.1:1/{ESCAPES}"
                    answer = f"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n"
                else:
                    answer = f"{ESCAPES}\r\n\r\n"
                connection.sendall(answer.encode("latin-1"))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()
    assert not thread.is_alive()


@pytest.mark.parametrize("path", ["/redirect", "/bad-status-line"])
def test_server_text_in_an_error_line_is_escaped(
    hostile: str, path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["check", hostile + path, "--origin", "https://app.example.com", "--timeout", "5"])
    captured = capsys.readouterr()
    assert status == (1 if path == "/redirect" else 2)  # a refused redirect; a network error
    assert "\x1b" not in captured.err + captured.out
    assert "\x07" not in captured.err + captured.out
    assert "\\x1b" in captured.err + captured.out  # shown, escaped
