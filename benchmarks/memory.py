"""Memory run: a million requests, each from a distinct allowed origin, in a fresh process.

Each contender runs in its own interpreter (so its figures are its own) under tracemalloc;
the traced memory is sampled at ten checkpoints after a garbage collection. Flat means the
traced memory after warm-up (the first checkpoint) does not grow with the request count.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import time
import tracemalloc
from array import array
from typing import Any

from .contenders import bare_wsgi, environs
from .scenarios import BY_NAME

CONTENDERS = ("bare WSGI", "CORSMiddleware", "wsgicors")


def _rss_kib() -> int:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


def _cache_sizes(contender: str, app: Any) -> dict[str, str]:
    import re

    sizes = {"re module cache": str(len(re._cache))}  # type: ignore[attr-defined]
    if contender == "wsgicors":
        sizes["wsgicors selectPolicy lru_cache"] = str(type(app).selectPolicy.cache_info())
        import fnmatch

        sizes["fnmatch pattern cache"] = str(fnmatch._compile_pattern.cache_info())  # type: ignore[attr-defined]
    elif contender == "CORSMiddleware":
        resource = app.policy.resources[0]
        sizes["wsgi_cors decision caches (actual, preflight)"] = (
            f"{len(resource.decisions)}, {len(resource._preflights)} entries"
        )
    return sizes


def measure(contender: str, requests: int) -> dict[str, Any]:
    """Run ``requests`` requests with distinct origins through one contender, in this process."""
    scenario = BY_NAME["regex50_rotating"]
    if contender == "bare WSGI":
        app: Any = bare_wsgi
    elif contender == "CORSMiddleware":
        from wsgi_cors import CORSMiddleware

        app = CORSMiddleware(bare_wsgi, **scenario.ours)
    else:
        from wsgicors import CORS

        assert not isinstance(scenario.wsgicors, str)
        app = CORS(bare_wsgi, **scenario.wsgicors)
    base = environs(scenario)[0]
    granted = 0

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        nonlocal granted
        for name, _ in headers:
            if name == "Access-Control-Allow-Origin":
                granted += 1

    # Preallocated, unboxed: recording a checkpoint must not itself allocate traced memory.
    samples = array("d", [0.0] * 40)
    step = max(1, requests // 10)
    taken = 0
    tracemalloc.start()
    began = time.perf_counter()
    for index in range(requests):
        environ = dict(base)
        environ["HTTP_ORIGIN"] = f"https://u{index}.t49.example.com"
        body = app(environ, start_response)
        for _ in body:
            pass
        if (index + 1) % step == 0:
            gc.collect()
            current, peak = tracemalloc.get_traced_memory()
            samples[4 * taken : 4 * taken + 4] = array(
                "d", (index + 1, current / 1024, peak / 1024, _rss_kib())
            )
            taken += 1
    elapsed = time.perf_counter() - began
    tracemalloc.stop()
    keys = ("requests", "traced_kib", "peak_kib", "rss_kib")
    checkpoints = [dict(zip(keys, samples[4 * i : 4 * i + 4], strict=True)) for i in range(taken)]
    return {
        "contender": contender,
        "requests": requests,
        "granted": granted,
        "seconds": elapsed,
        "checkpoints": checkpoints,
        "caches": _cache_sizes(contender, app),
    }


def run(requests: int) -> list[str]:
    lines = [
        "## Memory: distinct origins",
        "",
        f"{requests:,} requests, each from a distinct origin allowed by the 50-regex configuration "
        "(wsgicors: its globs), one fresh process per contender, tracemalloc on (so slower than above). "
        "A bounded cache that starts over when full shows as a saw-tooth in the series: bounded means "
        "the peak stays put as requests grow, not that the first and last samples agree.",
        "",
        "| contender | granted | traced after warm-up (KiB) | traced at end (KiB) | growth (KiB) "
        "| traced peak (KiB) | RSS end (MiB) | caches |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for contender in CONTENDERS:
        completed = subprocess.run(
            [sys.executable, "-m", "benchmarks.memory", contender, str(requests)],
            capture_output=True,
            text=True,
            check=False,
            timeout=1800,
            cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        )
        if completed.returncode != 0:
            lines.append(f"| {contender} | failed: {completed.stderr.strip().splitlines()[-1:]} |")
            continue
        data = json.loads(completed.stdout)
        first, last = data["checkpoints"][0], data["checkpoints"][-1]
        caches = "; ".join(f"{name}: {value}" for name, value in data["caches"].items())
        lines.append(
            f"| {contender} | {data['granted']:,} | {first['traced_kib']:,.1f} | {last['traced_kib']:,.1f} "
            f"| {last['traced_kib'] - first['traced_kib']:+,.1f} | {last['peak_kib']:,.1f} "
            f"| {last['rss_kib'] / 1024:,.1f} | {caches} |"
        )
        series = ", ".join(f"{point['traced_kib']:,.0f}" for point in data["checkpoints"])
        lines.append(f"|  | traced KiB at each tenth: {series} | | | | | | |")
    return lines


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1], int(sys.argv[2]))))
