"""Run the benchmark suite: ``python -m benchmarks [--quick] [--only micro,memory,e2e]``.

Prints Markdown: the checks, the per-request tables, the targets, the memory run and the
end-to-end run. Nothing here is a pass/fail test; the figures are for people.

``python -m benchmarks --instructions`` prints the same per-request tables and targets in
instructions counted under valgrind's callgrind instead of time (see
:mod:`benchmarks.instructions`): deterministic, so fit for a loaded machine and for the
Flask rows, where a few µs drown in Flask's own variation.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

from . import e2e, instructions, memory
from .micro import Settings, prepare, python_version, run
from .report import Results, tables, verdicts

PARTS = ("micro", "memory", "e2e")
EXTRA_PARTS = ("instructions",)  # not in the default run: needs valgrind and a few minutes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short run, for trying things out")
    parser.add_argument("--only", default=",".join(PARTS), help=f"comma-separated parts of {PARTS}")
    parser.add_argument("--rounds", type=int, help="interleaved rounds of the in-process timing")
    parser.add_argument("--requests", type=int, help="requests in the memory run")
    parser.add_argument("--e2e-runs", type=int, help="runs of each application end to end (default 5)")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="instructions per request under callgrind instead of the timed parts (--only instructions)",
    )
    args = parser.parse_args(argv)
    parts = [part.strip() for part in args.only.split(",") if part.strip()]
    if args.instructions:
        parts = ["instructions"]
    unknown = set(parts) - set(PARTS + EXTRA_PARTS)
    if unknown:
        parser.error(f"unknown parts {sorted(unknown)}; choose from {PARTS + EXTRA_PARTS}")

    def say(line: str = "") -> None:
        print(line, flush=True)

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    say(f"# wsgi-cors benchmarks ({'quick' if args.quick else 'full'} run)")
    say()
    say(
        f"Python {python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, "
        f"load average {load:.2f} at start; command: `python -m benchmarks {' '.join(sys.argv[1:])}`"
    )
    began = time.monotonic()

    if "micro" in parts:
        settings = (
            Settings(rounds=args.rounds or 9, wsgi_batch=500, flask_batch=40)
            if args.quick
            else Settings(rounds=args.rounds or 101, wsgi_batch=2000, flask_batch=200)
        )
        say()
        say("## In-process, per request")
        say()
        cells, checks = prepare()
        failed = [line for line in checks if "FAILED" in line]
        say(
            f"Checks before timing: {len(checks) - len(failed)} of {len(checks)} contenders "
            "answer as expected."
        )
        for line in failed:
            say(f"- {line}")
        say(
            f"Timing {settings.rounds} interleaved rounds (batches of {settings.wsgi_batch} WSGI / "
            f"{settings.flask_batch} Flask requests, shuffled order each round)..."
        )
        run(cells, settings, progress=lambda line: print(line, file=sys.stderr, flush=True))
        results = Results(cells)
        say()
        for line in tables(results):
            say(line)
        say()
        for line in verdicts(results):
            say(line)

    if "instructions" in parts:
        say()
        say("## In-process, instructions per request (callgrind)")
        say()
        say(
            f"Instructions counted by valgrind's callgrind over a batch of {instructions.WSGI_BATCH} "
            f"WSGI / {instructions.FLASK_BATCH} Flask requests per contender, after a warm-up, "
            "divided by the batch; one run, deterministic (PYTHONHASHSEED=0), so no spread."
        )
        say()
        counted = Results(instructions.measure())
        for line in tables(counted, unit="instructions"):
            say(line)
        say()
        for line in verdicts(counted, timed=False):
            say(line)

    if "memory" in parts:
        say()
        for line in memory.run(args.requests or (100_000 if args.quick else 1_000_000)):
            say(line)

    if "e2e" in parts:
        say()
        for line in e2e.run(
            seconds=2 if args.quick else 4, repeats=args.e2e_runs or (2 if args.quick else 5)
        ):
            say(line)

    say()
    say(f"Total time {time.monotonic() - began:.0f} s.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
