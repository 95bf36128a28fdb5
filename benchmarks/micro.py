"""In-process timing: every contender in every scenario, interleaved round by round.

Each round times one batch of every (scenario, contender) pair in a shuffled order, so slow
drift of a shared machine hits all contenders alike. A contender's added cost is the median,
over rounds, of its time minus its bare base's time in the same round.
"""

from __future__ import annotations

import gc
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .contenders import CONTENDERS, Contender, WSGIApp, build, environs
from .scenarios import SCENARIOS, Scenario


@dataclass
class Cell:
    """One contender in one scenario: its app (or why there is none) and its timings."""

    scenario: Scenario
    contender: Contender
    app: WSGIApp | None
    missing: str = ""
    times: list[float] = field(default_factory=list)  # ns per request, one per round


def _ignore_start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
    return None


def call(app: WSGIApp, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    """One request, recording what the application started; for the checks."""
    started: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        started[:] = [status, list(headers)]
        return None

    body = app(dict(environ), start_response)
    try:
        data = b"".join(body)
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()
    return started[0], started[1], data


def check(cell: Cell, envs: Sequence[dict[str, Any]]) -> str | None:
    """Whether the contender answers the scenario as configured; ``None`` when it does."""
    assert cell.app is not None
    sample = list(envs[:3]) + ([envs[-1]] if len(envs) > 3 else [])
    for environ in sample:
        status, headers, _ = call(cell.app, environ)
        if not status.startswith("2"):
            return f"status {status!r}"
        if cell.contender.base is None:
            continue  # the floors add no CORS headers, by definition
        problem = cell.scenario.check(headers, environ.get("HTTP_ORIGIN"))
        if problem:
            return problem
    return None


def _time_batch(app: WSGIApp, batch: Sequence[dict[str, Any]]) -> float:
    start_response = _ignore_start_response
    enabled = gc.isenabled()
    gc.disable()
    try:
        began = time.perf_counter_ns()
        for environ in batch:
            body = app(environ.copy(), start_response)
            for _ in body:
                pass
            if hasattr(body, "close"):
                body.close()
        elapsed = time.perf_counter_ns() - began
    finally:
        if enabled:
            gc.enable()
    return elapsed / len(batch)


@dataclass
class Settings:
    rounds: int
    wsgi_batch: int
    flask_batch: int
    seed: int = 7


def prepare(
    scenarios: Iterable[Scenario] = SCENARIOS, contenders: Iterable[Contender] = CONTENDERS
) -> tuple[list[Cell], list[str]]:
    """Build every cell and check it; returns the cells and the lines the checks printed."""
    cells: list[Cell] = []
    report: list[str] = []
    for scenario in scenarios:
        envs = environs(scenario)
        for contender in contenders:
            built = build(contender, scenario)
            if isinstance(built, str):
                cells.append(Cell(scenario, contender, None, built))
                continue
            cell = Cell(scenario, contender, built)
            problem = check(cell, envs)
            if problem:
                cell.app, cell.missing = None, f"CHECK FAILED: {problem}"
                report.append(f"{scenario.name} / {contender.name}: check FAILED: {problem}")
            else:
                report.append(f"{scenario.name} / {contender.name}: check ok")
            cells.append(cell)
    return cells, report


def run(cells: list[Cell], settings: Settings, progress: Callable[[str], None] = lambda line: None) -> None:
    """Time every runnable cell, ``settings.rounds`` times, interleaved and shuffled."""
    rng = random.Random(settings.seed)
    envs = {cell.scenario.name: environs(cell.scenario) for cell in cells}
    runnable = [cell for cell in cells if cell.app is not None]
    offsets = dict.fromkeys(envs, 0)
    for round_index in range(-1, settings.rounds):  # round -1 warms up and is dropped
        batches: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for name, family in envs.items():
            for group, size in (("wsgi", settings.wsgi_batch), ("flask", settings.flask_batch)):
                start = offsets[name]
                batches[name, group] = [family[(start + i) % len(family)] for i in range(size)]
            offsets[name] += settings.wsgi_batch  # rotating origins keep moving between rounds
        order = list(runnable)
        rng.shuffle(order)
        for cell in order:
            assert cell.app is not None
            elapsed = _time_batch(cell.app, batches[cell.scenario.name, cell.contender.group])
            if round_index >= 0:
                cell.times.append(elapsed)
        if round_index >= 0 and (round_index + 1) % max(1, settings.rounds // 10) == 0:
            progress(f"  round {round_index + 1}/{settings.rounds}")
        gc.collect()


@dataclass(frozen=True)
class Figure:
    """A median with its spread (half the interquartile range), in nanoseconds."""

    median: float
    spread: float

    def __str__(self) -> str:
        return f"{self.median:,.0f} ±{self.spread:,.0f}"


def figure(values: Sequence[float]) -> Figure:
    if len(values) < 4:
        return Figure(statistics.median(values), 0.0)
    quartiles = statistics.quantiles(values, n=4)
    return Figure(statistics.median(values), (quartiles[2] - quartiles[0]) / 2)


def total(cell: Cell) -> Figure | None:
    return figure(cell.times) if cell.times else None


def added(cell: Cell, base: Cell) -> Figure | None:
    """Median over rounds of (contender - base) in the same round: drift cancels pairwise."""
    if not cell.times or not base.times:
        return None
    return figure([mine - theirs for mine, theirs in zip(cell.times, base.times, strict=True)])


def best_added(cell: Cell, base: Cell) -> float | None:
    """Fastest round minus the base's fastest round: load on a shared machine only ever adds
    time, so this cross-checks the medians when other processes disturb many rounds."""
    if not cell.times or not base.times:
        return None
    return min(cell.times) - min(base.times)


def python_version() -> str:
    return sys.version.split()[0]
