"""Cache misses inside Flask, timed: what a new origin costs through the Flask adapter.

``python -m benchmarks.flask_misses [--rounds N]`` serves the "4,096 rotating origins"
scenario (every request a new origin) through bare Flask, flask-cors, ``wsgi_cors.flask.CORS``
and the same adapter with its decision caches off, interleaved in a shuffled order each round,
and prints the median added cost of each. It separates what the decision cache costs from what
deciding costs when Flask's own work has evicted the code a decision runs (see RESULTS.md).
"""

from __future__ import annotations

import argparse
import random
import statistics
import warnings
from typing import Any

from .contenders import CONTENDERS, caches_off, environs
from .micro import _time_batch, call
from .scenarios import BY_NAME

BATCH = 200
BY_CONTENDER = {contender.name: contender for contender in CONTENDERS}


def _adapter(cached: bool) -> Any:
    scenario = BY_NAME["regex50_rotating"]
    app = BY_CONTENDER["wsgi_cors.flask.CORS"].build(scenario)
    call(app, environs(scenario)[0])  # the first request installs the middleware
    if not cached:
        caches_off(app.wsgi_app)
    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.flask_misses", description=__doc__)
    parser.add_argument("--rounds", type=int, default=151)
    args = parser.parse_args(argv)
    scenario = BY_NAME["regex50_rotating"]
    family = environs(scenario)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        apps = {
            "bare Flask": BY_CONTENDER["bare Flask"].build(scenario),
            "flask-cors": BY_CONTENDER["flask-cors"].build(scenario),
            "wsgi_cors.flask.CORS": _adapter(cached=True),
            "wsgi_cors.flask.CORS, uncached": _adapter(cached=False),
        }
    times: dict[str, list[float]] = {name: [] for name in apps}
    rng = random.Random(7)
    offset = 0
    for _ in range(args.rounds):
        batch = [family[(offset + i) % len(family)] for i in range(BATCH)]
        offset += BATCH
        order = list(apps)
        rng.shuffle(order)
        for name in order:
            times[name].append(_time_batch(apps[name], batch))
    print(f"{scenario.title}, through Flask: ns added per request, median of {args.rounds} rounds of {BATCH}")
    for name in list(apps)[1:]:
        added = [mine - bare for mine, bare in zip(times[name], times["bare Flask"], strict=True)]
        print(f"  {name}: {statistics.median(added):,.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
