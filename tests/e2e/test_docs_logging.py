"""The documented logging set-ups print a line for a refused request, with no other set-up.

Setting the ``wsgi_cors`` logger's level alone prints nothing (Python's last-resort handler
only shows warnings), so each snippet the docs show is run here as a user would run it, in a
fresh interpreter or a real gunicorn, and its output must hold the refusal's line.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .test_servers import (
    GUNICORN_LISTENING,
    REFUSED,
    START_DEADLINE,
    _environment,
    _gunicorn,
    _read,
    _stop,
    request,
)

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
TROUBLESHOOTING = (DOCS / "troubleshooting.md").read_text(encoding="utf-8")
DEPLOYMENT = (DOCS / "deployment.md").read_text(encoding="utf-8")

# A refused preflight, through the middleware, as the troubleshooting page's example shows it.
REFUSED_PREFLIGHT = """
from werkzeug.test import Client
from wsgi_cors import CORSMiddleware

def api(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]

app = CORSMiddleware(
    api, resources=r"/api/*", origins=["http://localhost:3000"], allow_headers=["Content-Type"]
)
Client(app).options("/api/items", headers={
    "Origin": "http://localhost:3000",
    "Access-Control-Request-Method": "PUT",
    "Access-Control-Request-Headers": "x-token",
})
"""


def section(page: str, heading: str) -> str:
    """The text of a ``## heading`` section, up to the next heading of that level."""
    start = page.index(f"\n## {heading}\n")
    end = page.find("\n## ", start + 1)
    return page[start : end if end != -1 else None]


def fenced(text: str, info: str) -> list[str]:
    return re.findall(rf"^```{info}\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)


def run(program: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )


def test_the_troubleshooting_snippet_prints_the_line_the_page_shows() -> None:
    turn_on = section(TROUBLESHOOTING, "Turn on the log")
    (snippet,) = fenced(turn_on, "python")
    (shown,) = fenced(turn_on, "text")
    done = run(snippet + REFUSED_PREFLIGHT)
    assert done.returncode == 0, done.stderr
    assert done.stderr == shown


def test_setting_the_level_alone_prints_nothing() -> None:
    # Why the snippets configure a handler: the documented pitfall is real.
    done = run('import logging\nlogging.getLogger("wsgi_cors").setLevel(logging.DEBUG)\n' + REFUSED_PREFLIGHT)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_the_deployment_guides_plain_snippet_prints_the_refusal() -> None:
    snippet = fenced(section(DEPLOYMENT, "Logging"), "python")[0]
    done = run(snippet + REFUSED_PREFLIGHT)
    assert "[refusal=header-refused detail='x-token']" in done.stderr, done.stderr


def test_the_django_logging_setting_prints_the_refusal() -> None:
    (django,) = [block for block in fenced(section(DEPLOYMENT, "Logging"), "python") if "LOGGING =" in block]
    done = run(django + "\nimport logging.config\nlogging.config.dictConfig(LOGGING)\n" + REFUSED_PREFLIGHT)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        "'OPTIONS' '/api/items' from origin 'http://localhost:3000': resource '/api/*', refused: header "
        "'x-token' not in allow_headers [refusal=header-refused detail='x-token']"
    ]


def test_the_gunicorn_logconfig_dict_prints_the_refusal(tmp_path: Path) -> None:
    (block,) = [
        block for block in fenced(section(DEPLOYMENT, "Logging"), "python") if "logconfig_dict" in block
    ]
    conf = tmp_path / "gunicorn.conf.py"
    conf.write_text('wsgi_app = "examples.gunicorn_app:app"\n' + block, encoding="utf-8")
    environ = _environment(CORS_ORIGINS="https://app.example.com")
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            _gunicorn("-c", str(conf)),
            cwd=ROOT,
            env=environ,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + START_DEADLINE
            while not (found := GUNICORN_LISTENING.search(_read(log))):
                assert process.poll() is None, f"gunicorn exited early:\n{_read(log)}"
                assert time.monotonic() < deadline, f"gunicorn did not start in time:\n{_read(log)}"
                time.sleep(0.05)
            status, _, _ = request(int(found.group(1)), "GET", "/api/items", {"Origin": REFUSED})
            assert status == 200
        finally:
            _stop(process)
        output = _read(log)
    assert (
        f"'GET' '/api/items' from origin '{REFUSED}': resource '/api/*', refused: origin not allowed "
        "[refusal=origin-refused]"
    ) in output, output
    assert "Booting worker" in output  # gunicorn's own log still shows
