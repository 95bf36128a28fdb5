"""Real Chromium for the browser suite: found (or the suite is skipped, loudly), launched once.

The driver is Playwright's Python package talking the DevTools protocol to Debian's
``/usr/bin/chromium`` (``executable_path``): no browser is downloaded. Every configuration
gets its own playground servers and its own browser context (fresh cookies and preflight
cache); all pages run at once, so the whole run takes about as long as its slowest page.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

from playground.serve import CHROMIUM_FLAGS, Adapter, Playground, find_chromium

from .cases import CASE_NAMES

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage

PAGE_TIMEOUT_MS = 45_000
_judge: dict[str, str] = {}


@dataclass
class PageRun:
    """One configuration's page: the verdicts it reported and what Chromium logged."""

    config: str
    adapter: str
    results: dict[str, dict[str, str]]
    console: list[str] = field(default_factory=list)

    def explain(self, case: str) -> str:
        outcome = self.results.get(case, {"verdict": "(no result)", "detail": ""})
        logged = "\n    ".join(self.console) or "(nothing)"
        return (
            f"{self.adapter}/{self.config}/{case}: Chromium's verdict {outcome['verdict']!r}, "
            f"page read: {outcome['detail']}\n  console of that page:\n    {logged}"
        )


@pytest.fixture(scope="session")
def chromium() -> str:
    path = find_chromium()
    if path is None:
        pytest.skip(
            "Chromium is not installed (apt-get install chromium, or set WSGI_CORS_CHROMIUM): "
            "the real-browser CORS tests did NOT run"
        )
    return path


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator[Browser]:
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is missing (pip install -e '.[test]')"
    )
    with sync_api.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=chromium, args=list(CHROMIUM_FLAGS[1:]), headless=True)
        _judge["version"] = f"Chromium {launched.version} ({chromium})"
        try:
            yield launched
        finally:
            launched.close()


def run_pages(browser: Browser, adapter: Adapter, configs: tuple[str, ...]) -> dict[str, PageRun]:
    """Load the playground once per configuration, all at once, and collect every verdict."""
    started: list[tuple[Playground, Any, PageRun]] = []
    try:
        for config in configs:
            playground = Playground(config, adapter).start()
            context = browser.new_context()
            started.append((playground, context, PageRun(config, adapter, {})))
            # The private-network case needs Local Network Access, which Chromium asks the
            # user for; grant it, so that what remains to judge is the server's CORS answer.
            context.grant_permissions(["local-network-access"], origin=playground.page_origin)
            page = context.new_page()
            page.on("console", _recorder(started[-1][2]))
            page.goto(playground.page_url)
        for _, context, run in started:
            page = context.pages[0]
            try:
                page.wait_for_function("document.documentElement.dataset.done === 'true'", timeout=PAGE_TIMEOUT_MS)
            finally:
                run.results = page.evaluate("window.playground ? window.playground.results : {}")
    finally:
        for playground, context, _ in started:
            context.close()
            playground.stop()
    return {run.config: run for _, _, run in started}


def _recorder(run: PageRun) -> Any:
    def record(message: ConsoleMessage) -> None:
        if "Failed to load resource" not in message.text:  # Chromium's echo of the same error
            run.console.append(message.text)

    return record


@pytest.fixture(scope="session")
def middleware_runs(browser: Browser) -> dict[str, PageRun]:
    from .cases import CONFIG_NAMES

    return run_pages(browser, "middleware", CONFIG_NAMES)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if "version" in _judge:
        terminalreporter.write_line(f"browser tests judged by {_judge['version']}, {len(CASE_NAMES)} cases a page")
