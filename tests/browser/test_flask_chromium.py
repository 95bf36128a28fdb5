"""The same browser suite once more, with CORS added by the Flask adapter (``wsgi_cors.flask.CORS``)
to a Flask application, as a flask-cors user would write it: Chromium must reach the same verdicts."""

from __future__ import annotations

import pytest

try:
    from wsgi_cors.flask import CORS  # type: ignore[import-not-found,unused-ignore]  # noqa: F401
except ImportError as missing:
    if missing.name != "wsgi_cors.flask":  # Flask itself missing, or a broken adapter: say so
        raise
    pytest.skip("wsgi_cors.flask not present yet", allow_module_level=True)

from .cases import CASE_NAMES, CONFIG_NAMES, EXPECTED
from .conftest import PageRun

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("config", "case", "expected"), EXPECTED, ids=[f"{c}:{k}" for c, k, _ in EXPECTED])
def test_chromium_verdict_with_flask_adapter(
    browser_runs: dict[str, PageRun], config: str, case: str, expected: str
) -> None:
    run = browser_runs[f"flask/{config}"]
    assert run.results.get(case, {}).get("verdict") == expected, run.explain(case)


@pytest.mark.parametrize("config", CONFIG_NAMES)
def test_flask_page_reports_exactly_the_known_cases(browser_runs: dict[str, PageRun], config: str) -> None:
    assert sorted(browser_runs[f"flask/{config}"].results) == sorted(CASE_NAMES)
