"""Tables and target verdicts from the timed cells, as Markdown."""

from __future__ import annotations

from collections.abc import Sequence

from .micro import Cell, Figure, added, best_added, total
from .scenarios import SCENARIOS

MINIMAL = "minimal correct"
FLASK_MINIMAL = "Flask + minimal correct"
WSGI = (MINIMAL, "wsgicors", "CORSMiddleware", "CORSMiddleware, uncached")
FLASK = (FLASK_MINIMAL, "flask-cors", "wsgi_cors.flask.CORS", "Flask + CORSMiddleware")
OURS_FLASK = ("wsgi_cors.flask.CORS", "Flask + CORSMiddleware")

# The targets of the performance issue, as ratios of added cost.
TO_MINIMAL = 1.1  # every scenario, ours / minimal correct
TO_WSGICORS = 0.9  # every scenario with an Origin, ours / wsgicors
MISS_TO_UNCACHED = 1.15  # rotating origins, ours / ours without its decision cache
FLASK_CORS_FACTOR = 15  # every GET scenario, flask-cors / ours


class Results:
    """Cells indexed by (scenario, contender), with the derived figures."""

    def __init__(self, cells: Sequence[Cell]) -> None:
        self.cells = {(cell.scenario.name, cell.contender.name): cell for cell in cells}

    def cell(self, scenario: str, contender: str) -> Cell | None:
        return self.cells.get((scenario, contender))

    def added(self, scenario: str, contender: str) -> Figure | None:
        cell = self.cell(scenario, contender)
        if cell is None or cell.contender.base is None:
            return None
        base = self.cell(scenario, cell.contender.base)
        return added(cell, base) if base else None

    def best(self, scenario: str, contender: str) -> float | None:
        cell = self.cell(scenario, contender)
        if cell is None or cell.contender.base is None:
            return None
        base = self.cell(scenario, cell.contender.base)
        return best_added(cell, base) if base else None

    def total(self, scenario: str, contender: str) -> Figure | None:
        cell = self.cell(scenario, contender)
        return total(cell) if cell else None

    def missing(self, scenario: str, contender: str) -> str:
        cell = self.cell(scenario, contender)
        return cell.missing if cell else "n/a"


def _ratio(numerator: Figure | None, denominator: Figure | None) -> float | None:
    if numerator is None or denominator is None or denominator.median <= 0:
        return None
    return numerator.median / denominator.median


def _best_ratio(results: Results, scenario: str, numerator: str, denominator: str) -> str:
    top, bottom = results.best(scenario, numerator), results.best(scenario, denominator)
    if top is None or bottom is None or bottom <= 0:
        return "n/a"
    return f"{top / bottom:.2f}x"


def _fmt_ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def _cell_text(
    results: Results, scenario: str, contender: str, base: bool = False, spread: bool = True
) -> str:
    total_figure = results.total(scenario, contender)
    if total_figure is None:
        return results.missing(scenario, contender)
    if not spread:  # one deterministic count: no spread to show
        added_figure = results.added(scenario, contender)
        if base or added_figure is None:
            return f"{total_figure.median:,.0f}"
        return f"{total_figure.median:,.0f} ({added_figure.median:+,.0f})"
    if base:
        return str(total_figure)
    return f"{total_figure.median:,.0f} (+{results.added(scenario, contender)})"


def _ratio_text(results: Results, scenario: str, numerator: str, denominator: str) -> str:
    return _fmt_ratio(_ratio(results.added(scenario, numerator), results.added(scenario, denominator)))


def tables(results: Results, unit: str = "ns") -> list[str]:
    """The two tables; ``unit`` "ns" for timed cells, "instructions" for counted ones (one
    deterministic count per cell: no spread and no fastest rounds)."""
    timed = unit == "ns"
    wsgi_title = (
        "### Plain WSGI application (ns per request; in brackets: added over bare WSGI, median ±½IQR)"
        if timed
        else "### Plain WSGI application (instructions per request; in brackets: added over bare WSGI)"
    )
    lines = [
        wsgi_title,
        "",
        "| scenario | bare WSGI | " + " | ".join(WSGI) + " | wsgicors / minimal | ours / minimal "
        "| ours / wsgicors |" + (" ours / minimal, fastest rounds |" if timed else ""),
        "|---|---:|" + "---:|" * len(WSGI) + "---:|---:|---:|" + ("---:|" if timed else ""),
    ]
    for scenario in SCENARIOS:
        name = scenario.name
        lines.append(
            f"| {scenario.title} | {_cell_text(results, name, 'bare WSGI', True, timed)} | "
            + " | ".join(_cell_text(results, name, contender, spread=timed) for contender in WSGI)
            + f" | {_ratio_text(results, name, 'wsgicors', MINIMAL)}"
            f" | {_ratio_text(results, name, 'CORSMiddleware', MINIMAL)}"
            f" | {_ratio_text(results, name, 'CORSMiddleware', 'wsgicors')} |"
            + (f" {_best_ratio(results, name, 'CORSMiddleware', MINIMAL)} |" if timed else "")
        )
    lines += [
        "",
        f"### Flask application ({unit} per request; in brackets: added over bare Flask)",
        "",
        "| scenario | bare Flask | " + " | ".join(FLASK) + " | ours / minimal (adapter / wrapped) "
        "| flask-cors / ours (adapter / wrapped) |" + (" same, fastest rounds |" if timed else ""),
        "|---|---:|" + "---:|" * len(FLASK) + "---:|---:|" + ("---:|" if timed else ""),
    ]
    for scenario in SCENARIOS:
        name = scenario.name
        lines.append(
            f"| {scenario.title} | {_cell_text(results, name, 'bare Flask', True, timed)} | "
            + " | ".join(_cell_text(results, name, contender, spread=timed) for contender in FLASK)
            + " | "
            + " / ".join(_ratio_text(results, name, ours, FLASK_MINIMAL) for ours in OURS_FLASK)
            + " | "
            + " / ".join(_ratio_text(results, name, "flask-cors", ours) for ours in OURS_FLASK)
            + " |"
            + (
                " " + " / ".join(_best_ratio(results, name, "flask-cors", ours) for ours in OURS_FLASK) + " |"
                if timed
                else ""
            )
        )
    notes = [f"- {scenario.title}: {scenario.note}" for scenario in SCENARIOS if scenario.note]
    notes.append(
        "- preflights never reach Flask, so their added cost over bare Flask is negative; compare the totals"
    )
    lines += ["", "Notes:", *notes]
    return lines


def verdicts(results: Results, timed: bool = True) -> list[str]:
    """Each target of the performance issue, with the measured figure and whether it is met."""
    lines = ["### Targets" if timed else "### Targets, by instruction counts", ""]

    def verdict(met: bool | None) -> str:
        return "n/a" if met is None else ("MET" if met else "NOT MET")

    def check(
        label: str, scenario: str, numerator: str, denominator: str, limit: float, at_most: bool
    ) -> None:
        ratio = _ratio(results.added(scenario, numerator), results.added(scenario, denominator))
        best = _best_ratio(results, scenario, numerator, denominator)
        met = None if ratio is None else (ratio <= limit if at_most else ratio >= limit)
        bound = f"{'≤' if at_most else '≥'} {limit}x"
        fastest = f"fastest rounds {best}; " if timed else ""
        lines.append(f"- {label}: {_fmt_ratio(ratio)} ({fastest}target {bound}) — {verdict(met)}")

    for scenario in SCENARIOS:
        check(
            f"ours / minimal correct, {scenario.title}",
            scenario.name,
            "CORSMiddleware",
            MINIMAL,
            TO_MINIMAL,
            at_most=True,
        )
    for scenario in SCENARIOS:
        if scenario.origins == (None,):
            continue
        if isinstance(scenario.wsgicors, str):
            lines.append(f"- ours / wsgicors, {scenario.title}: n/a ({scenario.wsgicors})")
            continue
        check(
            f"ours / wsgicors, {scenario.title}",
            scenario.name,
            "CORSMiddleware",
            "wsgicors",
            TO_WSGICORS,
            at_most=True,
        )
    check(
        "rotating origins (cache misses), ours / ours uncached",
        "regex50_rotating",
        "CORSMiddleware",
        "CORSMiddleware, uncached",
        MISS_TO_UNCACHED,
        at_most=True,
    )
    for ours in OURS_FLASK:
        for scenario in SCENARIOS:
            if scenario.method == "OPTIONS":
                total_ours = results.total(scenario.name, ours)
                total_minimal = results.total(scenario.name, FLASK_MINIMAL)
                lines.append(
                    f"- Flask preflight, {ours} / Flask + minimal correct, whole requests: "
                    f"{_fmt_ratio(_ratio(total_ours, total_minimal))} (answered before Flask)"
                )
                continue
            check(
                f"Flask, {ours} / Flask + minimal correct, {scenario.title}",
                scenario.name,
                ours,
                FLASK_MINIMAL,
                TO_MINIMAL,
                at_most=True,
            )
            check(
                f"Flask, flask-cors / {ours}, {scenario.title}",
                scenario.name,
                "flask-cors",
                ours,
                FLASK_CORS_FACTOR,
                at_most=False,
            )
    return lines
