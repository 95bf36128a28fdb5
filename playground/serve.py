"""Serve the CORS playground: a demo page on one loopback origin, an API on another.

The page (``http://127.0.0.1:8000``) runs a set of ``fetch()`` calls against the API
(``http://localhost:8001``), which is wrapped by ``CORSMiddleware`` with the configuration
chosen by ``--config``, and shows what the browser allowed and what the page could read::

    python -m playground                          # open http://127.0.0.1:8000/
    python -m playground --config credentials     # another middleware configuration
    python -m playground --list                   # the configurations
    python -m playground --screenshot playground.png   # headless Chromium takes a picture
"""

from __future__ import annotations

import argparse
import html
import importlib.util
import json
import os
import shutil
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Literal
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

if __package__ in (None, ""):  # run as ``python playground/serve.py``: make the package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playground.api import PreflightCounter, flask_api, middleware_api
from playground.configs import CONFIGS, options_for

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

Adapter = Literal["middleware", "flask"]

STATIC = Path(__file__).with_name("static")
API_HOST = "localhost"  # a different host from the page's 127.0.0.1: a cross-origin call
BIND = "127.0.0.1"  # both servers listen on loopback only

# The flags Chromium needs here: no sandbox as root, and no calls home on a closed network.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--hide-scrollbars",
)
_MAX_SLEEP_MS = 10_000


def find_chromium() -> str | None:
    """The Chromium to drive: ``$WSGI_CORS_CHROMIUM``, else Debian's ``chromium`` on PATH."""
    named = os.environ.get("WSGI_CORS_CHROMIUM")
    if named:
        return named if os.access(named, os.X_OK) else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


class _ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    # Browsers open speculative connections and leave them idle; a single-threaded server
    # would wait on such a socket while the real request queues behind it.
    daemon_threads = True
    allow_reuse_address = True


class _Handler(WSGIRequestHandler):
    verbose = False

    def log_message(self, format: str, *args: object) -> None:
        if self.verbose:
            port = getattr(self.server, "server_port", "?")
            print(f"  [{port}] {format % args}", flush=True)


class _VerboseHandler(_Handler):
    verbose = True


class Playground:
    """Both servers, started on loopback in daemon threads; a context manager that stops them.

    Port 0 picks free ports (the tests use that); the page is served for any ``Host``, so
    the same server is also ``http://evil.localhost:PORT`` and ``http://sub.app.localhost:PORT``,
    the other origins the page probes from iframes.
    """

    def __init__(
        self,
        config: str = "allow-all",
        adapter: Adapter = "middleware",
        page_port: int = 0,
        api_port: int = 0,
        verbose: bool = False,
    ) -> None:
        if config not in CONFIGS:
            raise ValueError(f"unknown configuration {config!r}; choose one of {', '.join(CONFIGS)}")
        handler = _VerboseHandler if verbose else _Handler
        self.config = config
        self.adapter = adapter
        self._page_server = _ThreadingServer((BIND, page_port), handler)
        try:
            self.page_port = self._page_server.server_port
            self.options = options_for(config, self.page_port)
            build = flask_api if adapter == "flask" else middleware_api
            self.counter = PreflightCounter(build(self.options))
            self._api_server = _ThreadingServer((BIND, api_port), handler)
        except BaseException:
            self._page_server.server_close()
            raise
        self.api_port = self._api_server.server_port
        self._api_server.set_app(self.counter)
        self._page_server.set_app(self._page_app)
        self._threads: list[threading.Thread] = []

    @property
    def page_origin(self) -> str:
        return f"http://127.0.0.1:{self.page_port}"

    @property
    def api_origin(self) -> str:
        return f"http://{API_HOST}:{self.api_port}"

    @property
    def page_url(self) -> str:
        return self.page_origin + "/"

    def start(self) -> Playground:
        for server in (self._page_server, self._api_server):
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        for server in (self._page_server, self._api_server):
            if self._threads:
                server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()

    def __enter__(self) -> Playground:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # The page's own server: the demo page, the probe frames and two small helpers.
    def _page_app(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        query = parse_qs(environ.get("QUERY_STRING", ""))
        if path in ("/", "/index.html"):
            return _send(start_response, "text/html; charset=utf-8", self._index())
        if path == "/playground.js":
            return _send(
                start_response, "text/javascript; charset=utf-8", (STATIC / "playground.js").read_bytes()
            )
        if path == "/probe.html":
            # treat-as-public-address puts the frame in the public address space, so its call
            # to the loopback API is a private network request (Chromium: Local Network Access).
            csp = [("Content-Security-Policy", "treat-as-public-address")] if "public" in query else []
            return _send(
                start_response, "text/html; charset=utf-8", (STATIC / "probe.html").read_bytes(), csp
            )
        if path == "/_preflights":
            counted = {"count": self.counter.count(query.get("path", [""])[0])}
            counted["private_network"] = self.counter.private_network
            return _send(start_response, "application/json", json.dumps(counted).encode())
        if path == "/_sleep":
            # A wait the browser sees as a pending request, so it also holds under the
            # virtual time of --screenshot, where a setTimeout would be skipped over.
            time.sleep(min(_int(query.get("ms", ["0"])[0]), _MAX_SLEEP_MS) / 1000)
            return _send(start_response, "application/json", b"{}")
        if path == "/favicon.ico":
            start_response("204 No Content", [])
            return []
        return _send(start_response, "text/plain", b"not found", status="404 Not Found")

    def _index(self) -> bytes:
        values = {
            "API": self.api_origin,
            "CONFIG": self.config,
            "ADAPTER": self.adapter,
            "PAGE_PORT": str(self.page_port),
            "OPTIONS": json.dumps(self.options, sort_keys=True),
            "CONFIGS": ", ".join(CONFIGS),
        }
        text = (STATIC / "index.html").read_text(encoding="utf-8")
        for name, value in values.items():
            text = text.replace("{{" + name + "}}", html.escape(value))
        return text.encode()


def _int(text: str) -> int:
    return int(text) if text.isdigit() else 0


def _send(
    start_response: StartResponse,
    content_type: str,
    body: bytes,
    extra: Sequence[tuple[str, str]] = (),
    status: str = "200 OK",
) -> list[bytes]:
    headers = [
        ("Content-Type", content_type),
        ("Content-Length", str(len(body))),
        ("Cache-Control", "no-store"),
    ]
    start_response(status, [*headers, *extra])
    return [body]


def screenshot(playground: Playground, output: Path, chromium: str, timeout: float = 90.0) -> None:
    """``chromium --headless --screenshot`` of the page once every case has settled.

    ``--virtual-time-budget`` keeps Chromium from taking the picture at the load event: it
    waits while requests are pending, and the page's only real wait is such a request.
    """
    with tempfile.TemporaryDirectory(prefix="wsgi-cors-chromium-") as profile:
        command = [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--window-size=1200,1000",
            "--virtual-time-budget=30000",
            f"--screenshot={output.resolve()}",
            playground.page_url,
        ]
        subprocess.run(command, check=True, timeout=timeout, capture_output=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m playground", description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--config", default="allow-all", choices=list(CONFIGS), help="middleware configuration"
    )
    parser.add_argument(
        "--adapter", default="middleware", choices=["middleware", "flask"], help="how CORS is added"
    )
    parser.add_argument(
        "--page-port", type=int, help="port of the page on 127.0.0.1 (default 8000; 0: any free port)"
    )
    parser.add_argument(
        "--api-port", type=int, help="port of the API on localhost (default 8001; 0: any free port)"
    )
    parser.add_argument("--screenshot", type=Path, metavar="FILE", help="write a PNG of the page and exit")
    parser.add_argument("--list", action="store_true", help="list the configurations and exit")
    args = parser.parse_args(argv)

    if args.adapter == "flask" and importlib.util.find_spec("wsgi_cors.flask") is None:
        print("the Flask adapter (wsgi_cors.flask) is not installed in this checkout", file=sys.stderr)
        return 2
    if args.list:
        for name in CONFIGS:
            print(f"{name:20} {json.dumps(options_for(name, args.page_port or 8000))}")
        return 0
    if args.screenshot is not None:
        # Free ports unless told otherwise: a picture should not depend on 8000 being free.
        args.page_port = args.page_port or 0
        args.api_port = args.api_port or 0
        chromium = find_chromium()
        if chromium is None:
            print("no Chromium found: apt-get install chromium, or set WSGI_CORS_CHROMIUM", file=sys.stderr)
            return 2
        with Playground(args.config, args.adapter, args.page_port, args.api_port) as playground:
            screenshot(playground, args.screenshot, chromium)
        print(f"wrote {args.screenshot} ({args.config}, {args.adapter})")
        return 0

    page_port = 8000 if args.page_port is None else args.page_port
    api_port = 8001 if args.api_port is None else args.api_port
    with Playground(args.config, args.adapter, page_port, api_port, verbose=True) as playground:
        print(f"CORS playground, configuration {args.config!r} ({args.adapter}):")
        print(f"  options: {json.dumps(playground.options)}")
        print(f"  API:     {playground.api_origin}/api/ (every request is logged below)")
        print(f"  open     {playground.page_url}   (Ctrl-C to stop)\n", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("stopped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
