"""examples/django_project/wsgi_wrapped.py: the WSGI-wrapping way, in a process of its own
(Django's settings are per process, and this example has its own)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROGRAM = """
import json
from werkzeug.test import Client
from examples.django_project.wsgi_wrapped import application

client = Client(application)
preflight = client.options(
    "/api/items",
    headers={"Origin": "https://app.example.com", "Access-Control-Request-Method": "GET"},
)
actual = client.get("/api/items", headers={"Origin": "https://app.example.com"})
outside = client.get("/health", headers={"Origin": "https://app.example.com"})
print(json.dumps([
    [preflight.status_code, dict(preflight.headers)],
    [actual.status_code, dict(actual.headers)],
    [outside.status_code, dict(outside.headers)],
]))
"""


def test_the_wrapped_example_answers_preflights_and_actual_requests() -> None:
    # The example chooses its own settings module: none may be inherited.
    environ = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    environ["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (preflight_status, preflight), (actual_status, actual), (outside_status, outside) = json.loads(
        done.stdout
    )
    assert preflight_status == 200
    assert preflight["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert preflight["Access-Control-Max-Age"] == "600"
    assert actual_status == 200
    assert actual["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert actual["Access-Control-Expose-Headers"] == "X-Request-Id"
    assert actual["Vary"] == "Accept-Language, Origin"
    assert outside_status == 200
    assert "Access-Control-Allow-Origin" not in outside
