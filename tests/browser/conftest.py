"""Real Chromium for the browser suite: found (or the suite is skipped, loudly), launched once.

The driver is Playwright's Python package talking the DevTools protocol to Debian's
``/usr/bin/chromium`` (``executable_path``): no browser is downloaded. One launch per
session; every adapter and configuration gets its own playground servers and its own
browser context (fresh cookies and preflight cache), and the pages run concurrently
(asyncio), so a run takes a few times its slowest page (the 6 s preflight-cache case).
"""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

from playground.serve import CHROMIUM_FLAGS, Adapter, Playground, find_chromium

from .cases import CASE_NAMES, CONFIG_NAMES

if TYPE_CHECKING:
    from playwright.async_api import ConsoleMessage

PAGE_TIMEOUT_MS = 120_000
# Pages at once: each costs a handful of renderer processes, and the machine has 2 cores.
CONCURRENT_PAGES = 10
_judge: dict[str, str] = {}


@dataclass(repr=False)
class PageRun:
    """One configuration's page: the verdicts it reported and what Chromium logged."""

    config: str
    adapter: str
    results: dict[str, dict[str, str]]
    console: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"<PageRun {self.adapter}/{self.config}: {len(self.results)} verdicts>"

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
        _judge["skipped"] = (
            "Chromium was not found (apt-get install chromium, or set WSGI_CORS_CHROMIUM): "
            "the real-browser CORS tests did NOT run"
        )
        pytest.skip(_judge["skipped"])
    return path


def flask_adapter_present() -> bool:
    return importlib.util.find_spec("wsgi_cors.flask") is not None


def run_pages(chromium: str, adapters: tuple[Adapter, ...], configs: tuple[str, ...]) -> dict[str, PageRun]:
    """Launch Chromium once, load the playground once per adapter and configuration, all
    pages at once, and collect every verdict, keyed ``adapter/config``."""
    return run_playgrounds(chromium, [lambda a=a, c=c: Playground(c, a) for a in adapters for c in configs])


def run_playgrounds(chromium: str, makers: list[Callable[[], Playground]]) -> dict[str, PageRun]:
    """The same for any playgrounds (``makers`` build them, not started), keyed ``adapter/config``."""
    async_api = pytest.importorskip(
        "playwright.async_api", reason="the playwright package is missing (pip install -e '.[test]')"
    )
    return asyncio.run(_run_pages(async_api, chromium, makers))


async def _run_pages(
    async_api: Any, chromium: str, makers: list[Callable[[], Playground]]
) -> dict[str, PageRun]:
    async with async_api.async_playwright() as driver:
        # CHROMIUM_FLAGS without "--headless", which Playwright adds in its own form.
        browser = await driver.chromium.launch(executable_path=chromium, args=list(CHROMIUM_FLAGS[1:]))
        _judge["version"] = f"Chromium {browser.version} ({chromium})"
        playgrounds: list[Playground] = []
        try:
            for make in makers:
                playgrounds.append(make().start())
            slots = asyncio.Semaphore(CONCURRENT_PAGES)
            runs = await asyncio.gather(
                *(_run_page(browser, playground, slots) for playground in playgrounds)
            )
        finally:
            for playground in playgrounds:
                playground.stop()
            await browser.close()
    return {f"{run.adapter}/{run.config}": run for run in runs}


async def _run_page(browser: Any, playground: Playground, slots: asyncio.Semaphore) -> PageRun:
    async with slots:
        return await _judge_page(browser, playground)


async def _judge_page(browser: Any, playground: Playground) -> PageRun:
    run = PageRun(playground.config, playground.adapter, {})
    context = await browser.new_context()
    try:
        # The private-network case needs Local Network Access, which Chromium asks the user
        # for; grant it, so that what remains to judge is the server's CORS answer.
        await context.grant_permissions(["local-network-access"], origin=playground.page_origin)
        page = await context.new_page()
        page.on("console", _recorder(run))
        await page.goto(playground.page_url, wait_until="commit")
        try:
            await page.wait_for_function(
                "document.documentElement.dataset.done === 'true'", timeout=PAGE_TIMEOUT_MS
            )
        finally:
            run.results = await page.evaluate("window.playground ? window.playground.results : {}")
    finally:
        await context.close()
    return run


def _recorder(run: PageRun) -> Any:
    def record(message: ConsoleMessage) -> None:
        if "Failed to load resource" not in message.text:  # Chromium's echo of the same error
            run.console.append(message.text)

    return record


@pytest.fixture(scope="session")
def browser_runs(chromium: str) -> dict[str, PageRun]:
    """Every page of the session; the Flask adapter's too when it exists, in the same launch."""
    adapters: tuple[Adapter, ...] = ("middleware", "flask") if flask_adapter_present() else ("middleware",)
    return run_pages(chromium, adapters, CONFIG_NAMES)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if "skipped" in _judge:
        terminalreporter.write_line(f"BROWSER TESTS SKIPPED: {_judge['skipped']}", yellow=True, bold=True)
    if "version" in _judge:
        terminalreporter.write_line(
            f"browser tests judged by {_judge['version']}, {len(CASE_NAMES)} cases a page"
        )
