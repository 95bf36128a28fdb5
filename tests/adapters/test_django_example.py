"""examples/django_project as its users run it: ``manage.py check``, and the ASGI entrypoint."""

from __future__ import annotations

import asyncio
import importlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from asgiref.testing import ApplicationCommunicator

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = "https://app.example.com"


def test_manage_py_check_is_clean() -> None:
    environ = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "examples/django_project/manage.py", "check"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "System check identified no issues (0 silenced)."


def asgi_request(method: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """One request through the example's ASGI application (Django's ASGIHandler)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_SETTINGS_MODULE", "examples.django_project.settings")
        application = importlib.import_module("examples.django_project.asgi").application
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"localhost"), *((k.encode(), v.encode()) for k, v in headers.items())],
        "client": ("127.0.0.1", 50000),
        "server": ("localhost", 80),
    }

    async def exchange() -> tuple[int, dict[str, str], bytes]:
        communicator = ApplicationCommunicator(application, scope)
        await communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
        start = await communicator.receive_output(timeout=10)
        body = b""
        while True:
            message = await communicator.receive_output(timeout=10)
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await communicator.wait(timeout=10)
        sent = {name.decode(): value.decode() for name, value in start["headers"]}
        return start["status"], sent, body

    return asyncio.run(exchange())


def test_asgi_preflight_is_answered_by_the_middleware() -> None:
    status, headers, body = asgi_request(
        "OPTIONS", "/api/items", {"origin": ALLOWED, "access-control-request-method": "GET"}
    )
    assert status == 200
    assert body == b""
    assert headers["Access-Control-Allow-Origin"] == ALLOWED
    assert headers["Access-Control-Allow-Credentials"] == "true"
    assert headers["Access-Control-Max-Age"] == "600"


def test_asgi_actual_request_gets_the_grant() -> None:
    status, headers, body = asgi_request("GET", "/api/items", {"origin": ALLOWED})
    assert status == 200
    assert body == b'{"items": ["apple", "pear"]}'
    assert headers["Access-Control-Allow-Origin"] == ALLOWED
    assert headers["Access-Control-Expose-Headers"] == "X-Request-Id"
    assert headers["Vary"] == "Accept-Language, Origin"
