"""Tables and target verdicts from the timed cells, as Markdown."""

from __future__ import annotations

from collections.abc import Sequence

from .micro import Cell, Figure, added, best_added, total
from .scenarios import SCENARIOS

WSGI = ("wsgicors", "CORSMiddleware")
FLASK = ("flask-cors", "wsgi_cors.flask.CORS", "Flask + CORSMiddleware")
OURS_FLASK = ("wsgi_cors.flask.CORS", "Flask + CORSMiddleware")


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


def _cell_text(results: Results, scenario: str, contender: str, base: bool = False) -> str:
    total_figure = results.total(scenario, contender)
    if total_figure is None:
        return results.missing(scenario, contender)
    if base:
        return str(total_figure)
    return f"{total_figure.median:,.0f} (+{results.added(scenario, contender)})"


def tables(results: Results) -> list[str]:
    lines = [
        "### Plain WSGI application (ns per request; in brackets: added over bare WSGI, median ±½IQR)",
        "",
        "| scenario | bare WSGI | wsgicors | CORSMiddleware | ours / wsgicors (added) "
        "| same, fastest rounds |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for scenario in SCENARIOS:
        name = scenario.name
        ratio = _ratio(results.added(name, "CORSMiddleware"), results.added(name, "wsgicors"))
        lines.append(
            f"| {scenario.title} | {_cell_text(results, name, 'bare WSGI', base=True)} | "
            f"{_cell_text(results, name, 'wsgicors')} | {_cell_text(results, name, 'CORSMiddleware')} | "
            f"{_fmt_ratio(ratio)} | {_best_ratio(results, name, 'CORSMiddleware', 'wsgicors')} |"
        )
    lines += [
        "",
        "### Flask application (ns per request; in brackets: added over bare Flask)",
        "",
        "| scenario | bare Flask | flask-cors | wsgi_cors.flask.CORS | Flask + CORSMiddleware "
        "| flask-cors / ours (added) | same, fastest rounds |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for scenario in SCENARIOS:
        name = scenario.name
        ratios = [
            _fmt_ratio(_ratio(results.added(name, "flask-cors"), results.added(name, ours)))
            for ours in OURS_FLASK
        ]
        lines.append(
            f"| {scenario.title} | {_cell_text(results, name, 'bare Flask', base=True)} | "
            + " | ".join(_cell_text(results, name, contender) for contender in FLASK)
            + f" | {' / '.join(ratios)} | "
            + " / ".join(_best_ratio(results, name, "flask-cors", ours) for ours in OURS_FLASK)
            + " |"
        )
    notes = [f"- {scenario.title}: {scenario.note}" for scenario in SCENARIOS if scenario.note]
    if notes:
        lines += ["", "Notes:", *notes]
    return lines


def verdicts(results: Results) -> list[str]:
    """Each target of the issue, with the measured figure and whether it is met."""
    lines = ["### Targets", ""]

    def verdict(met: bool | None) -> str:
        return "n/a" if met is None else ("MET" if met else "NOT MET")

    for scenario in SCENARIOS:
        ratio = _ratio(
            results.added(scenario.name, "CORSMiddleware"), results.added(scenario.name, "wsgicors")
        )
        if ratio is None:
            lines.append(
                f"- under wsgicors's added cost, {scenario.title}: n/a (not expressible in wsgicors)"
            )
        else:
            best = _best_ratio(results, scenario.name, "CORSMiddleware", "wsgicors")
            lines.append(
                f"- under wsgicors's added cost, {scenario.title}: {ratio:.2f}x "
                f"(fastest rounds {best}) — {verdict(ratio < 1)}"
            )
    rotating = _ratio(
        results.added("regex50_rotating", "CORSMiddleware"), results.added("regex50", "CORSMiddleware")
    )
    lines.append(
        f"- rotating origins at most 1.5x fixed: {_fmt_ratio(rotating)} — "
        f"{verdict(None if rotating is None else rotating <= 1.5)}"
    )
    no_origin = _ratio(results.added("no_origin", "CORSMiddleware"), results.added("no_origin", "wsgicors"))
    lines.append(
        f"- GET without Origin at most 0.4x wsgicors's added cost: {_fmt_ratio(no_origin)} — "
        f"{verdict(None if no_origin is None else no_origin <= 0.4)}"
    )
    for ours in OURS_FLASK:
        for scenario in SCENARIOS:
            ours_added = results.added(scenario.name, ours)
            if ours_added is None:
                lines.append(f"- Flask, {ours}, {scenario.title}: {results.missing(scenario.name, ours)}")
                continue
            theirs = results.added(scenario.name, "flask-cors")
            if scenario.name == "preflight":
                # The answer never reaches Flask: compare whole requests, not added costs.
                ratio = _ratio(results.total("preflight", "flask-cors"), results.total("preflight", ours))
                lines.append(
                    f"- Flask preflight, flask-cors's whole request / {ours}'s: {_fmt_ratio(ratio)} "
                    f"(target ≥ 50x) — {verdict(None if ratio is None else ratio >= 50)}"
                )
                continue
            if ours_added.median <= ours_added.spread:
                lines.append(
                    f"- Flask, {ours}, {scenario.title}: ours adds {ours_added} ns, within the noise "
                    f"of bare Flask; flask-cors adds {theirs} ns; fastest rounds: flask-cors adds "
                    f"{_best_ratio(results, scenario.name, 'flask-cors', ours)} ours — unresolved"
                )
                continue
            ratio = _ratio(theirs, ours_added)
            lines.append(
                f"- Flask, {ours}, {scenario.title}: flask-cors adds {_fmt_ratio(ratio)} ours "
                f"(fastest rounds {_best_ratio(results, scenario.name, 'flask-cors', ours)}; target ≥ 30x) — "
                f"{verdict(None if ratio is None else ratio >= 30)}"
            )
    return lines
