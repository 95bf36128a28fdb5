"""Real Chromium judges the middleware: every case of every configuration, as a browser sees it."""

from __future__ import annotations

import pytest

from .cases import CASE_NAMES, CONFIG_NAMES, EXPECTED
from .conftest import PageRun

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("config", "case", "expected"), EXPECTED, ids=[f"{c}:{k}" for c, k, _ in EXPECTED])
def test_chromium_verdict(browser_runs: dict[str, PageRun], config: str, case: str, expected: str) -> None:
    run = browser_runs[f"middleware/{config}"]
    assert run.results.get(case, {}).get("verdict") == expected, run.explain(case)


@pytest.mark.parametrize("config", CONFIG_NAMES)
def test_page_reports_exactly_the_known_cases(browser_runs: dict[str, PageRun], config: str) -> None:
    assert sorted(browser_runs[f"middleware/{config}"].results) == sorted(CASE_NAMES)
