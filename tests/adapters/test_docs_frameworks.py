"""The documentation's examples that import a framework or a server run, as the core tier's do.

``tests/core/test_docs.py`` holds the machinery and runs every other page; it sorts the pages by
what they import, so each Python page runs in exactly one tier.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.test_docs import (
    CONSOLE_PAGES,
    FRAMEWORK_PYTHON_PAGES,
    example_server,  # noqa: F401 (the fixture the console examples are served by)
    run_console_examples,
    run_python_examples,
)


def test_the_framework_pages_were_found() -> None:
    assert {"quickstart.md", "migrating-from-flask-cors.md"} <= {page.name for page in FRAMEWORK_PYTHON_PAGES}


@pytest.mark.parametrize("page", FRAMEWORK_PYTHON_PAGES, ids=lambda page: page.name)
def test_python_examples_run(page: Path, tmp_path: Path) -> None:
    run_python_examples(page, tmp_path)


def test_console_examples_that_read_an_ini_pipeline_print_what_the_page_shows(example_server: str) -> None:  # noqa: F811
    ran = sum(run_console_examples(page, example_server, pastedeploy=True) for page in CONSOLE_PAGES)
    assert ran >= 1  # docs/cli.md shows explain --config examples/pyramid.ini
