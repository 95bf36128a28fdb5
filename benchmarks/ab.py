"""A/B timing of one change: the package at a git revision against the working tree.

``python -m benchmarks.ab BASE [scenario ...] [--rounds N] [--batch N]`` extracts
``wsgi_cors`` as it was at ``BASE`` under another name, wraps the bare application in both
versions' ``CORSMiddleware`` and times them alternately, round after round (in a shuffled
order with the bare application), so the load of a shared machine hits both alike. It
prints, per scenario, the median and fastest-round added cost of each and their ratio.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import random
import statistics
import subprocess
import sys
import tarfile
import tempfile
import warnings
from typing import Any

from .contenders import bare_wsgi, caches_off, environs, make_flask
from .micro import _time_batch, call
from .scenarios import BY_NAME, SCENARIOS, Scenario


def load_revision(revision: str) -> Any:
    """``wsgi_cors`` as it was at ``revision``, imported as ``wsgi_cors_ab``."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", revision, "wsgi_cors"], capture_output=True, check=True
    ).stdout
    root = tempfile.mkdtemp(prefix="wsgi_cors_ab_")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(root, filter="data")
    os.rename(os.path.join(root, "wsgi_cors"), os.path.join(root, "wsgi_cors_ab"))
    sys.path.insert(0, root)
    return importlib.import_module("wsgi_cors_ab")


def flask_adapter(package: Any, scenario: Scenario) -> Any:
    """The adapter's middleware for a Flask app configured for ``scenario``, once the app has
    served a request, then wrapped around the bare application."""
    app = make_flask()
    importlib.import_module(f"{package.__name__}.flask").CORS(app, **scenario.ours)
    call(app, environs(scenario)[0])
    middleware = app.wsgi_app
    middleware.app = bare_wsgi
    return middleware


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ab", description=__doc__)
    parser.add_argument("base", help="git revision to compare the working tree with")
    parser.add_argument("scenarios", nargs="*", help="scenario names (default: all)")
    parser.add_argument("--rounds", type=int, default=41)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument(
        "--flask",
        action="store_true",
        help="time wsgi_cors.flask.CORS's middleware instead, around the bare application "
        "(after one request through Flask): the adapter's own cost, without Flask's",
    )
    parser.add_argument(
        "--uncached",
        action="store_true",
        help="also time both versions with their decision caches off, and print each version's "
        "cached / uncached ratio (what a cache miss costs over deciding afresh)",
    )
    args = parser.parse_intermixed_args(argv)
    old = load_revision(args.base)
    import wsgi_cors as new

    load = os.getloadavg()[0]
    print(
        f"A/B: {args.base} (A) against the working tree (B); {args.rounds} rounds of {args.batch}; "
        f"load average {load:.2f} at start"
    )
    print()
    extra_titles = " A / A uncached | B / B uncached |" if args.uncached else ""
    print(f"| scenario | A added | B added | B / A | A fastest | B fastest | B / A fastest |{extra_titles}")
    print("|---|---:|---:|---:|---:|---:|---:|" + "---:|---:|" * args.uncached)
    rng = random.Random(11)
    for scenario in [BY_NAME[name] for name in args.scenarios] or SCENARIOS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if args.flask:
                apps = {
                    "bare": bare_wsgi,
                    "A": flask_adapter(old, scenario),
                    "B": flask_adapter(new, scenario),
                }
            else:
                apps = {
                    "bare": bare_wsgi,
                    "A": old.CORSMiddleware(bare_wsgi, **scenario.ours),
                    "B": new.CORSMiddleware(bare_wsgi, **scenario.ours),
                }
            if args.uncached:
                apps["A uncached"] = caches_off(old.CORSMiddleware(bare_wsgi, **scenario.ours))
                apps["B uncached"] = caches_off(new.CORSMiddleware(bare_wsgi, **scenario.ours))
        family = environs(scenario)
        times: dict[str, list[float]] = {name: [] for name in apps}
        offset = 0
        for round_index in range(-1, args.rounds):
            batch = [family[(offset + i) % len(family)] for i in range(args.batch)]
            offset += args.batch
            order = list(apps)
            rng.shuffle(order)
            for name in order:
                elapsed = _time_batch(apps[name], batch)
                if round_index >= 0:
                    times[name].append(elapsed)
        added = {
            name: [mine - bare for mine, bare in zip(times[name], times["bare"], strict=True)]
            for name in apps
            if name != "bare"
        }
        median = {name: statistics.median(values) for name, values in added.items()}
        a, b = median["A"], median["B"]
        fa = min(times["A"]) - min(times["bare"])
        fb = min(times["B"]) - min(times["bare"])
        misses = "".join(
            f" {median[name]:,.0f} / {median[f'{name} uncached']:,.0f}"
            f" = {median[name] / median[f'{name} uncached']:.2f}x |"
            for name in ("A", "B")
            if args.uncached
        )
        print(
            f"| {scenario.title} | {a:,.0f} | {b:,.0f} | {b / a:.2f}x "
            f"| {fa:,.0f} | {fb:,.0f} | {fb / fa:.2f}x |{misses}"
        )
    print()
    print(f"load average {os.getloadavg()[0]:.2f} at end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
