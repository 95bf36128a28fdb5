"""The documentation's examples that import a framework or a server run, as the core tier's do.

``tests/core/test_docs.py`` holds the machinery and runs every other page; it sorts the pages by
what they import, so each Python page runs in exactly one tier.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.test_docs import FRAMEWORK_PYTHON_PAGES, run_python_examples


def test_the_framework_pages_were_found() -> None:
    assert {"quickstart.md", "migrating-from-flask-cors.md"} <= {page.name for page in FRAMEWORK_PYTHON_PAGES}


@pytest.mark.parametrize("page", FRAMEWORK_PYTHON_PAGES, ids=lambda page: page.name)
def test_python_examples_run(page: Path, tmp_path: Path) -> None:
    run_python_examples(page, tmp_path)
