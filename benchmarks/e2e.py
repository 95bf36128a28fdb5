"""End-to-end run: gunicorn (one sync worker) on 127.0.0.1, driven by a bounded load generator.

Both applications are served at once, each by its own gunicorn, and the load generator
alternates between them, so drift hits both. wrk is used when installed (Debian's package);
otherwise a small Python client with a fixed deadline. Every server is stopped at the end.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from .scenarios import ALLOWED, PATH

APPS = {"bare": "benchmarks.e2e_app:bare", "CORSMiddleware": "benchmarks.e2e_app:wrapped"}
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(target: str) -> Iterator[int]:
    """Serve ``target`` on a free loopback port for the duration of the block."""
    port = _free_port()
    command = [
        sys.executable, "-m", "gunicorn", "--workers", "1", "--worker-class", "sync",
        "--bind", f"127.0.0.1:{port}", "--log-level", "warning", target,
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    problem = server.stderr.read() if server.stderr else b""
                    raise RuntimeError(f"gunicorn did not start: {problem!r}") from None
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _probe(port: int) -> dict[str, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", PATH, headers={"Origin": ALLOWED})
        response = connection.getresponse()
        response.read()
        return {name.lower(): value for name, value in response.getheaders()}
    finally:
        connection.close()


def _wrk(port: int, seconds: int) -> float:
    completed = subprocess.run(
        ["wrk", "-t1", "-c2", f"-d{seconds}s", "-H", f"Origin: {ALLOWED}", f"http://127.0.0.1:{port}{PATH}"],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    )
    match = re.search(r"Requests/sec:\s*([0-9.]+)", completed.stdout)
    if match is None:
        raise RuntimeError(f"unexpected wrk output: {completed.stdout!r}")
    return float(match.group(1))


def _python_client(port: int, seconds: int, connections: int = 2) -> float:
    """A bounded fallback load generator: a fixed deadline, a fixed number of threads."""
    counts = [0] * connections
    deadline = time.monotonic() + seconds

    def worker(slot: int) -> None:
        while time.monotonic() < deadline:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                connection.request("GET", PATH, headers={"Origin": ALLOWED})
                connection.getresponse().read()
                counts[slot] += 1
            finally:
                connection.close()

    threads = [threading.Thread(target=worker, args=(slot,)) for slot in range(connections)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - began)


def run(seconds: int, repeats: int) -> list[str]:
    generator = "wrk -t1 -c2" if shutil.which("wrk") else "a Python client (2 threads; wrk not installed)"
    load = _wrk if shutil.which("wrk") else _python_client
    lines = [
        "## End to end: gunicorn, one sync worker, 127.0.0.1",
        "",
        f"GET {PATH} with an allowed Origin (3 exact origins), {generator}, {seconds} s per run, "
        f"{repeats} runs each in ABBA order; median requests per second. The load generator shares "
        "the 2 CPUs with the server.",
        "",
    ]
    rates: dict[str, list[float]] = {name: [] for name in APPS}
    with ExitStack() as stack:
        ports = {name: stack.enter_context(gunicorn(target)) for name, target in APPS.items()}
        granted = _probe(ports["CORSMiddleware"]).get("access-control-allow-origin")
        if granted != ALLOWED:
            return [*lines, f"CHECK FAILED: the middleware answered Access-Control-Allow-Origin {granted!r}"]
        for repeat in range(repeats):
            # ABBA order: whichever runs second in a pair is not always the same one.
            order = list(ports.items()) if repeat % 2 == 0 else list(reversed(ports.items()))
            for name, port in order:
                rates[name].append(load(port, seconds))
    bare = statistics.median(rates["bare"])
    ours = statistics.median(rates["CORSMiddleware"])
    # Each run of the middleware against the bare run next to it (same pair of the ABBA order):
    # the spread of these is the noise the median ratio must be read against.
    pairs = sorted(mine / theirs for mine, theirs in zip(rates["CORSMiddleware"], rates["bare"], strict=True))
    lines += [
        "| application | requests/s (median) | runs |",
        "|---|---:|---|",
        f"| bare WSGI | {bare:,.0f} | {', '.join(f'{r:,.0f}' for r in rates['bare'])} |",
        f"| CORSMiddleware | {ours:,.0f} | {', '.join(f'{r:,.0f}' for r in rates['CORSMiddleware'])} |",
        "",
        f"Throughput with the middleware: {ours / bare:.1%} of bare. Run by run (each against the bare "
        f"run of its ABBA pair): median {statistics.median(pairs):.1%}, "
        f"from {pairs[0]:.1%} to {pairs[-1]:.1%}.",
    ]
    return lines
