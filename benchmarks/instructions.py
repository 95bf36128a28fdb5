"""Instructions per request under callgrind: a measure that load on the machine cannot move.

Timings on a shared machine drift with everyone else's work, and a Flask request (about
180 µs) drowns a CORS layer's few µs in that drift. Valgrind's callgrind counts the
instructions the CPU executes instead: the same code on the same input counts the same on an
idle or a busy machine, so small differences are real differences. Instruction counts ignore
cache misses and branch mispredictions, so they are a proxy for time, not a replacement; the
timed tables stay the figures users read.

One process under ``valgrind --tool=callgrind --dump-before=os_getppid`` builds and checks
every contender of every scenario (as the timed run does), then, per contender, serves a
warm-up batch and then a measured batch, calling ``os.getppid()`` (which no contender calls)
just before and just after the measured batch. Callgrind writes the instructions counted since
its previous dump each time ``os_getppid`` is entered, so the dump after the measured batch
holds that batch alone, free of start-up and imports. ``PYTHONHASHSEED`` is fixed, so two runs
of a WSGI row count the same to within some tens of instructions per request. A Flask request
(about 370,000 instructions) moves by up to about 900 from one process to another (object
addresses change dictionary and set probing), and every Flask "added" figure with it: compare
Flask rows across runs by their totals, or read differences of a few hundred as noise.

Run through ``python -m benchmarks --instructions`` (needs ``valgrind`` on the PATH; a few
minutes). A batch is 2,048 WSGI or 128 Flask requests: the 4,096 rotating origins then miss
every cache in the measured batch, as they do in the timed run. The warm-up batch is as
long for WSGI and 64 requests for Flask (enough to specialise the interpreter's code).
``python -m benchmarks.instructions [scenario ...] [--contenders a,b]`` measures a subset,
for trying one change.
"""

from __future__ import annotations

import gc
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .contenders import CONTENDERS, Contender, WSGIApp, environs
from .micro import Cell, _ignore_start_response, prepare
from .scenarios import BY_NAME, SCENARIOS

# The C function of os.getppid in CPython: entering it makes callgrind dump its counters.
MARKER = "os_getppid"
WSGI_BATCH = 2048
FLASK_BATCH = 128
FLASK_WARM_UP = 64


@dataclass(frozen=True)
class Plan:
    """What the child measured for one cell, and which dump holds the measured batch."""

    scenario: str
    contender: str
    requests: int
    dump: int | None  # None: the cell could not run (see ``missing``)
    missing: str = ""


def _serve(app: WSGIApp, batch: Sequence[dict[str, Any]]) -> None:
    start_response = _ignore_start_response
    for environ in batch:
        body = app(environ.copy(), start_response)
        for _ in body:
            pass
        if hasattr(body, "close"):
            body.close()


def _chosen(names: Sequence[str]) -> list[Contender]:
    """The named contenders with the bare bases they are measured against."""
    if not names:
        return list(CONTENDERS)
    wanted = set(names)
    wanted |= {c.base for c in CONTENDERS if c.name in wanted and c.base is not None}
    unknown = wanted - {c.name for c in CONTENDERS}
    if unknown:
        raise SystemExit(f"unknown contenders {sorted(unknown)}; choose from {[c.name for c in CONTENDERS]}")
    return [c for c in CONTENDERS if c.name in wanted]


def child(
    scenario_names: Sequence[str], contender_names: Sequence[str], wsgi_batch: int, flask_batch: int
) -> list[Plan]:
    """Runs inside valgrind: serve every cell's batches between markers."""
    scenarios = [BY_NAME[name] for name in scenario_names] if scenario_names else list(SCENARIOS)
    cells, _ = prepare(scenarios, _chosen(contender_names))
    marker: Callable[[], int] = os.getppid
    dumps = 0
    plans: list[Plan] = []
    for cell in cells:
        size, warm_up = (
            (wsgi_batch, wsgi_batch) if cell.contender.group == "wsgi" else (flask_batch, FLASK_WARM_UP)
        )
        if cell.app is None:
            plans.append(Plan(cell.scenario.name, cell.contender.name, size, None, cell.missing))
            continue
        family = environs(cell.scenario)
        # Warm-up and measured batches continue one rotation, so rotating origins stay unseen.
        warm = [family[i % len(family)] for i in range(warm_up)]
        measured = [family[(warm_up + i) % len(family)] for i in range(size)]
        _serve(cell.app, warm)
        gc.collect()
        gc.disable()
        marker()
        dumps += 1
        _serve(cell.app, measured)
        marker()
        dumps += 1
        gc.enable()
        plans.append(Plan(cell.scenario.name, cell.contender.name, size, dumps))
    return plans


def _summary(path: str) -> int:
    with open(path, encoding="utf-8") as dump:
        for line in dump:
            if line.startswith("summary:"):
                return int(line.split()[1])
    raise RuntimeError(f"no summary line in {path}")


def measure(
    scenario_names: Sequence[str] = (),
    contender_names: Sequence[str] = (),
    wsgi_batch: int = WSGI_BATCH,
    flask_batch: int = FLASK_BATCH,
) -> list[Cell]:
    """Run the child under callgrind; cells whose ``times`` hold instructions per request."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind): no instruction counts")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with tempfile.TemporaryDirectory(prefix="wsgi_cors_callgrind_") as work:
        out = os.path.join(work, "callgrind.out")
        command = [
            valgrind,
            "--tool=callgrind",
            f"--dump-before={MARKER}",
            f"--callgrind-out-file={out}",
            sys.executable,
            "-m",
            "benchmarks.instructions",
            "--child",
            f"--wsgi-batch={wsgi_batch}",
            f"--flask-batch={flask_batch}",
            f"--contenders={','.join(contender_names)}",
            *scenario_names,
        ]
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"callgrind run failed ({done.returncode}):\n{done.stderr[-4000:]}")
        plans = [Plan(**item) for item in json.loads(done.stdout.strip().splitlines()[-1])]
        counts = {
            (plan.scenario, plan.contender): _summary(f"{out}.{plan.dump}") / plan.requests
            for plan in plans
            if plan.dump is not None
        }
    scenarios = {scenario.name: scenario for scenario in SCENARIOS}
    contenders = {contender.name: contender for contender in CONTENDERS}
    cells = []
    for plan in plans:
        cell = Cell(scenarios[plan.scenario], contenders[plan.contender], None, plan.missing)
        count = counts.get((plan.scenario, plan.contender))
        if count is not None:
            cell.times.append(count)
        cells.append(cell)
    return cells


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m benchmarks.instructions", description=__doc__)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--wsgi-batch", type=int, default=WSGI_BATCH)
    parser.add_argument("--flask-batch", type=int, default=FLASK_BATCH)
    parser.add_argument("--contenders", default="", help="comma-separated contender names (default: all)")
    parser.add_argument("scenarios", nargs="*", help="scenario names (default: all)")
    args = parser.parse_args(argv)
    # Names are separated by a bare comma: "CORSMiddleware, uncached" is one name.
    contenders = [name.strip() for name in re.split(r",(?! )", args.contenders) if name.strip()]
    if args.child:
        plans = child(args.scenarios, contenders, args.wsgi_batch, args.flask_batch)
        print(json.dumps([plan.__dict__ for plan in plans]))
        return 0
    from .report import Results, tables, verdicts

    results = Results(measure(args.scenarios, contenders, args.wsgi_batch, args.flask_batch))
    for line in [*tables(results, unit="instructions"), "", *verdicts(results, timed=False)]:
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
