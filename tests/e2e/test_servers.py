"""Real servers: gunicorn and waitress serve the environment-configured example on 127.0.0.1.

Each test starts the server as a subprocess on a port the kernel picks (port 0, read back
from the server's log), talks to it over a real socket, and stops it within a few seconds,
killing its whole process group if it does not stop in time.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import gunicorn.config

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = "https://app.example.com"
REFUSED = "https://evil.example.net"
START_DEADLINE = 15.0
STOP_DEADLINE = 5.0

GUNICORN_LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")
WAITRESS_LISTENING = re.compile(r"Serving on http://127\.0\.0\.1:(\d+)")


def _environment(**cors: str) -> dict[str, str]:
    """The test process's environment without its own CORS_* variables, plus ``cors``."""
    environ = {key: value for key, value in os.environ.items() if not key.startswith("CORS_")}
    environ.update(cors)
    return environ


def _waitress(*arguments: str) -> list[str]:
    # The console script, as users run it (``python -m waitress`` exits 0 on an import error).
    return [str(Path(sys.executable).with_name("waitress-serve")), "--listen=127.0.0.1:0", *arguments]


def _gunicorn(*arguments: str) -> list[str]:
    command = [sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:0", "--workers", "1"]
    command += ["--graceful-timeout", "1"]
    if "control_socket_disable" in gunicorn.config.Config().settings:
        # gunicorn 25.1+ opens a control socket at a fixed path in $HOME; parallel runs would collide.
        command.append("--no-control-socket")
    return [*command, *arguments]


def _read(log: IO[str]) -> str:
    log.seek(0)
    return log.read()


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=STOP_DEADLINE)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # its own session: the server and its workers only
        process.wait(timeout=STOP_DEADLINE)


@contextmanager
def serving(command: list[str], environ: dict[str, str], listening: re.Pattern[str]) -> Iterator[int]:
    """Run ``command`` until the block ends; yield the port its log says it listens on."""
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environ, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + START_DEADLINE
            while not (found := listening.search(_read(log))):
                assert process.poll() is None, f"the server exited early:\n{_read(log)}"
                assert time.monotonic() < deadline, f"the server did not start in time:\n{_read(log)}"
                time.sleep(0.05)
            yield int(found.group(1))
        finally:
            _stop(process)


def _fails_to_start(command: list[str], environ: dict[str, str]) -> tuple[int, str]:
    """Run a server that must refuse to start; its exit code and output."""
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environ, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            code = process.wait(timeout=START_DEADLINE)
        finally:
            _stop(process)
        return code, _read(log)


def request(port: int, method: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        return (
            response.status,
            {name.lower(): value for name, value in response.getheaders()},
            response.read(),
        )
    finally:
        connection.close()


def cors(headers: dict[str, str]) -> dict[str, str]:
    return {
        name: value for name, value in headers.items() if name.startswith("access-control-") or name == "vary"
    }


def preflight(port: int, origin: str) -> tuple[int, dict[str, str], bytes]:
    return request(
        port,
        "OPTIONS",
        "/api/items",
        {
            "Origin": origin,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "content-type",
        },
    )


PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"


def test_gunicorn_with_its_config_file_and_the_environment() -> None:
    # The variable set here beats the config file's default; the file's others still apply.
    environ = _environment(CORS_ORIGINS="https://ops.example.com")
    with serving(_gunicorn("-c", "examples/gunicorn.conf.py"), environ, GUNICORN_LISTENING) as port:
        status, headers, body = preflight(port, "https://ops.example.com")
        assert (status, body) == (200, b"")
        assert cors(headers) == {
            "access-control-allow-origin": "https://ops.example.com",
            "access-control-allow-methods": "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT",
            "access-control-allow-headers": "content-type",
            "access-control-allow-credentials": "true",
            "access-control-max-age": "600",
            "vary": PREFLIGHT_VARY,
        }

        status, headers, body = request(port, "GET", "/api/items", {"Origin": "https://ops.example.com"})
        assert status == 200
        assert json.loads(body) == {"path": "/api/items", "method": "GET"}
        assert cors(headers) == {
            "access-control-allow-origin": "https://ops.example.com",
            "access-control-allow-credentials": "true",
            "access-control-expose-headers": "X-Request-Id",
            "vary": "Origin",
        }

        # The config file's origin is not trusted: the environment replaced it.
        status, headers, _ = preflight(port, ALLOWED)
        assert status == 200
        assert cors(headers) == {"vary": PREFLIGHT_VARY}


def test_gunicorn_refuses_to_start_on_a_malformed_variable() -> None:
    environ = _environment(CORS_MAX_AGE="ten minutes")
    code, output = _fails_to_start(_gunicorn("--preload", "examples.gunicorn_app:app"), environ)
    assert code != 0
    assert "CORS_MAX_AGE='ten minutes': not a whole number of seconds" in output


def test_waitress_configured_by_the_environment() -> None:
    environ = _environment(
        CORS_ORIGINS=ALLOWED,
        CORS_ALLOW_HEADERS="Content-Type",
        CORS_MAX_AGE="120",
        CORS_PREFLIGHT_STATUS="204",
    )
    with serving(_waitress("examples.gunicorn_app:app"), environ, WAITRESS_LISTENING) as port:
        status, headers, body = preflight(port, ALLOWED)
        assert (status, body) == (204, b"")
        assert cors(headers) == {
            "access-control-allow-origin": ALLOWED,
            "access-control-allow-methods": "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT",
            "access-control-allow-headers": "content-type",
            "access-control-max-age": "120",
            "vary": PREFLIGHT_VARY,
        }

        status, headers, body = request(port, "GET", "/api/items", {"Origin": ALLOWED})
        assert status == 200
        assert json.loads(body) == {"path": "/api/items", "method": "GET"}
        assert cors(headers) == {"access-control-allow-origin": ALLOWED, "vary": "Origin"}

        status, headers, _ = request(port, "GET", "/api/items", {"Origin": REFUSED})
        assert status == 200
        assert cors(headers) == {"vary": "Origin"}

        # Outside the resources the code set as defaults, nothing is added.
        status, headers, _ = request(port, "GET", "/health", {"Origin": ALLOWED})
        assert status == 404
        assert cors(headers) == {}


def test_waitress_refuses_to_start_on_an_unknown_variable() -> None:
    code, output = _fails_to_start(_waitress("examples.gunicorn_app:app"), _environment(CORS_ORIGIN=ALLOWED))
    assert code != 0
    assert "unknown option 'CORS_ORIGIN'. Fix: did you mean 'CORS_ORIGINS'?" in output
