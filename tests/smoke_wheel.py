"""Smoke test of an installed wheel: what a user gets from ``pip install wsgi-cors``.

Run as a script (pytest does not collect it) by a Python whose environment holds the built
wheel and nothing else, from a directory outside the checkout, so no source tree can stand in
for the installed package; ``.ci/run`` does::

    python -m venv /tmp/smoke && /tmp/smoke/bin/pip install dist/wsgi_cors-*.whl
    cp tests/smoke_wheel.py /tmp/x/ && cd /tmp/x && /tmp/smoke/bin/python smoke_wheel.py

It exits non-zero, naming the failed check, on the first thing that is wrong.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from collections.abc import Iterable
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING
from wsgiref.util import setup_testing_defaults

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

APP = "https://app.example.com"


def check_installed_copy() -> None:
    """The package comes from this environment's site-packages, complete with its type marker."""
    import wsgi_cors

    location = Path(wsgi_cors.__file__).resolve().parent
    site_packages = Path(sysconfig.get_paths()["purelib"]).resolve()
    assert location == site_packages / "wsgi_cors", f"wsgi_cors imported from {location}, not the wheel"
    assert wsgi_cors.__version__ == metadata.version("wsgi-cors"), wsgi_cors.__version__
    assert resources.files("wsgi_cors").joinpath("py.typed").is_file(), "py.typed is missing"
    runtime = [r for r in metadata.requires("wsgi-cors") or [] if "extra ==" not in r]
    assert runtime == [], f"runtime dependencies: {runtime}"
    (paste,) = metadata.entry_points(group="paste.filter_factory", name="cors")
    assert paste.value == "wsgi_cors.paste:filter_factory", paste.value


def check_command() -> None:
    """The console script is installed beside the interpreter and runs."""
    script = Path(sys.executable).with_name("wsgi-cors")
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, f"wsgi-cors --help exited {done.returncode}: {done.stderr}"
    assert done.stdout.startswith("usage: wsgi-cors "), done.stdout
    assert "explain" in done.stdout, done.stdout
    assert "check" in done.stdout, done.stdout


def check_preflight() -> None:
    """One preflight through the middleware: answered in full, the application never called."""
    from wsgi_cors import CORSMiddleware

    called: list[str] = []

    def api(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        called.append(environ["REQUEST_METHOD"])
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b"{}"]

    middleware = CORSMiddleware(
        api, resources=r"/api/*", origins=[APP], allow_headers=["Content-Type", "X-Token"], max_age=600
    )
    environ: dict[str, object] = {}
    setup_testing_defaults(environ)
    environ.update(
        REQUEST_METHOD="OPTIONS",
        PATH_INFO="/api/items",
        HTTP_ORIGIN=APP,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="PUT",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type,x-token",
    )
    started: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> object:
        started.append((status, headers))
        return lambda data: None

    body = b"".join(middleware(environ, start_response))  # type: ignore[arg-type]
    assert started == [
        (
            "200 OK",
            [
                ("Access-Control-Allow-Origin", APP),
                ("Access-Control-Allow-Methods", "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"),
                ("Access-Control-Allow-Headers", "content-type, x-token"),
                ("Access-Control-Max-Age", "600"),
                ("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"),
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Length", "0"),
            ],
        )
    ], started
    assert body == b"", body
    assert called == [], called


def main() -> int:
    for check in (check_installed_copy, check_command, check_preflight):
        try:
            check()
        except AssertionError as error:
            print(f"smoke test FAILED: {check.__name__}: {error}", file=sys.stderr)
            return 1
        print(f"ok: {check.__name__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
