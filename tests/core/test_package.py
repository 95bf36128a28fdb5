"""The package as the index shows it: valid classifiers, a README that renders there, lean dists.

``.ci/run`` builds the sdist and the wheel and runs ``tests/dist_check.py`` on them; the checks
it makes are shown to catch each mistake here, on hand-made file lists.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest
import trove_classifiers

from tests.dist_check import sdist_problems, source_packages, wheel_problems

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
PROJECT: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
CLASSIFIERS: list[str] = PROJECT["classifiers"]
SOURCE: str = PROJECT["urls"]["Source"]
#: The adapters tier runs an example under each of these (tests/adapters/test_examples.py).
FRAMEWORKS = ("Bottle", "Django", "Falcon", "Flask", "Pyramid")


# --------------------------------------------------------------------------- metadata


@pytest.mark.parametrize("classifier", CLASSIFIERS)
def test_every_classifier_is_in_the_trove_list(classifier: str) -> None:
    # The index refuses an upload with an unknown classifier; a deprecated one is a typo in waiting.
    assert classifier in trove_classifiers.classifiers
    assert classifier not in trove_classifiers.deprecated_classifiers


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_every_framework_with_a_trove_classifier_is_named(framework: str) -> None:
    classifier = f"Framework :: {framework}"
    assert (classifier in CLASSIFIERS) is (classifier in trove_classifiers.classifiers), (
        f"{classifier}: name it exactly when the trove list has it"
    )


def test_the_python_versions_named_start_at_requires_python_and_include_this_one() -> None:
    floor = re.fullmatch(r">=3\.(\d+)", PROJECT["requires-python"])
    assert floor, PROJECT["requires-python"]
    named = (re.fullmatch(r"Programming Language :: Python :: 3\.(\d+)", c) for c in CLASSIFIERS)
    minors = sorted(int(match[1]) for match in named if match)
    assert minors == list(range(int(floor[1]), minors[-1] + 1))
    assert sys.version_info.minor in minors, f"tests run on 3.{sys.version_info.minor}, not a named version"


def test_the_license_file_is_the_mit_licence_the_metadata_names() -> None:
    assert PROJECT["license"] == "MIT"
    (name,) = PROJECT["license-files"]
    text = (ROOT / name).read_text(encoding="utf-8")
    assert text.startswith("MIT License\n\nCopyright (c) 2026 The wsgi-cors developers\n")


def test_the_project_urls_are_the_four_the_index_shows() -> None:
    assert set(PROJECT["urls"]) == {"Documentation", "Changelog", "Source", "Issues"}
    assert all(url.startswith("https://") for url in PROJECT["urls"].values())


# --------------------------------------------------------------------------- the README on the index

_FENCED = re.compile(r"^(`{3,}|~{3,}).*?^\1", re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"`+[^`\n]*`+")
_INLINE = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
_HTML = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


def link_targets(markdown: str) -> list[str]:
    """Every link and image target of a Markdown text, code left out."""
    text = _CODE_SPAN.sub("", _FENCED.sub("", markdown))
    return [m[1] for pattern in (_INLINE, _REFERENCE, _HTML) for m in pattern.finditer(text)]


def test_link_targets_finds_every_form_and_skips_code() -> None:
    markdown = (
        "See [a](SECURITY.md), ![b](shot.png 'title'), [c][r], <a href=\"docs/x.md\">d</a>,\n"
        '<img src="img.png">, `[e](not-a-link.md)`.\n\n[r]: benchmarks/RESULTS.md\n\n'
        "```python\nx = d[0](arg)\n```\n"
    )
    expected = ["SECURITY.md", "shot.png", "benchmarks/RESULTS.md", "docs/x.md", "img.png"]
    assert link_targets(markdown) == expected


def test_the_readme_links_nothing_by_a_relative_address() -> None:
    # The README is the package's page on the index, where a relative target leads nowhere.
    targets = link_targets((ROOT / "README.md").read_text(encoding="utf-8"))
    assert targets
    assert [target for target in targets if not target.startswith("https://")] == []


def test_the_readmes_links_into_the_repository_name_files_that_exist() -> None:
    owner_repo = SOURCE.removeprefix("https://github.com/")
    prefixes = (
        f"{SOURCE}/blob/main/",
        f"{SOURCE}/tree/main/",
        f"https://raw.githubusercontent.com/{owner_repo}/main/",
    )
    targets = link_targets((ROOT / "README.md").read_text(encoding="utf-8"))
    into_repository = [target for target in targets if target.startswith(prefixes)]
    assert len(into_repository) >= 3  # SECURITY.md, benchmarks/RESULTS.md, the screenshot
    for target in into_repository:
        path = next(target.removeprefix(prefix) for prefix in prefixes if target.startswith(prefix))
        assert (ROOT / path.split("#")[0]).exists(), target
    # a link to the source host that is not the Source URL would survive a move of the project
    assert [t for t in targets if "github" in t and not t.startswith(prefixes)] == []


# --------------------------------------------------------------------------- the built distributions

GOOD_WHEEL = [
    "wsgi_cors/__init__.py",
    "wsgi_cors/py.typed",
    "wsgi_cors/cli/__init__.py",
    "wsgi_cors/cli/check.py",
    "wsgi_cors-0.1.0.dist-info/METADATA",
    "wsgi_cors-0.1.0.dist-info/licenses/LICENSE",
    "wsgi_cors-0.1.0.dist-info/RECORD",
]


def test_a_wheel_of_the_package_alone_passes() -> None:
    assert wheel_problems(GOOD_WHEEL, ["wsgi_cors", "wsgi_cors/cli"]) == []


def test_a_wheel_with_anything_beside_the_package_fails() -> None:
    names = [*GOOD_WHEEL, "tests/__init__.py", "examples/flask_app.py", "wsgi_cors-0.1.0.data/data/x"]
    assert wheel_problems(names, ["wsgi_cors", "wsgi_cors/cli"]) == [
        "wheel: examples/flask_app.py is outside wsgi_cors/ and the .dist-info",
        "wheel: tests/__init__.py is outside wsgi_cors/ and the .dist-info",
        "wheel: wsgi_cors-0.1.0.data/data/x is outside wsgi_cors/ and the .dist-info",
    ]


def test_a_wheel_missing_a_subpackage_the_type_marker_or_the_licence_fails() -> None:
    names = [n for n in GOOD_WHEEL if not n.endswith(("py.typed", "LICENSE"))]
    assert wheel_problems(names, ["wsgi_cors", "wsgi_cors/cli", "wsgi_cors/django"]) == [
        "wheel: wsgi_cors/py.typed is missing",
        "wheel: the subpackage wsgi_cors/django/ is missing",
        "wheel: the .dist-info has no licenses/LICENSE",
    ]


def test_the_source_packages_are_found_on_disk() -> None:
    assert {"wsgi_cors", "wsgi_cors/cli"} <= set(source_packages(ROOT))


def test_an_sdist_of_every_tracked_file_passes_and_dot_files_are_left_out() -> None:
    tracked = ["README.md", "tests/conftest.py", ".ci/run", ".gitignore", "wsgi_cors/__init__.py"]
    names = ["wsgi_cors-0.1.0/README.md", "wsgi_cors-0.1.0/tests/conftest.py", "wsgi_cors-0.1.0/PKG-INFO"]
    names += ["wsgi_cors-0.1.0/setup.cfg", "wsgi_cors-0.1.0/wsgi_cors.egg-info/SOURCES.txt"]
    names += ["wsgi_cors-0.1.0/wsgi_cors/__init__.py"]
    assert sdist_problems(names, tracked) == []


def test_an_sdist_missing_a_tracked_file_or_holding_an_untracked_one_fails() -> None:
    tracked = ["README.md", "tests/conftest.py", "tests/support.py"]
    names = ["wsgi_cors-0.1.0/README.md", "wsgi_cors-0.1.0/tests/conftest.py", "wsgi_cors-0.1.0/notes.txt"]
    assert sdist_problems(names, tracked) == [
        "sdist: tests/support.py is tracked by git but missing",
        "sdist: notes.txt is not tracked by git",
    ]
