"""Sphinx configuration: Markdown pages (MyST), the furo theme, autodoc from the docstrings.

Every ``*.md`` file in this folder is a page: the index's table of contents is generated
from the folder (known pages in reading order, any other page after them), so a page that
another branch drops in, such as ``migrating-from-flask-cors.md``, is included with no edit
here, and none is ever left out.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sphinx.application import Sphinx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import wsgi_cors  # noqa: E402 (needs the path above)

project = "wsgi-cors"
author = "The wsgi-cors developers"
copyright = "the wsgi-cors developers"
release = version = wsgi_cors.__version__

extensions = ["myst_parser", "sphinx.ext.autodoc"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", ".venv", "README.md"]
root_doc = "index"
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

html_theme = "furo"
html_title = f"wsgi-cors {release}"
pygments_style = "friendly"

# Broken references fail the build (with -W): every cross-reference must resolve.
nitpicky = True
nitpick_ignore = [
    # WSGI types exist only for type checkers (typeshed), and the standard library is not
    # cross-linked (no network access for intersphinx at build time).
    ("py:class", "WSGIApplication"),
    ("py:class", "WSGIEnvironment"),
    ("py:class", "StartResponse"),
    ("py:class", "Iterable"),
    ("py:class", "collections.abc.Sequence"),
    ("py:class", "collections.abc.Mapping"),
    ("py:class", "Mapping"),
    ("py:class", "Headers"),
    ("py:class", "NamedTuple"),
    ("py:class", "ValueError"),
    ("py:class", "TypeError"),
    ("py:class", "Exception"),
    ("py:class", "UserWarning"),
    ("py:class", "object"),
    ("py:class", "str"),
    ("py:class", "bool"),
    ("py:class", "tuple"),
    ("py:class", "bytes"),
    ("py:class", "Any"),
    ("py:class", "ResourcePolicy"),
    ("py:class", "Resource"),
    ("py:class", "Decision"),
    ("py:class", "wsgi_cors.policy.ResourcePolicy"),
]
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_format = "short"

#: Pages in reading order; any other Markdown page in this folder follows them.
READING_ORDER = [
    "quickstart",
    "options",
    "how-it-decides",
    "security",
    "migrating-from-flask-cors",
    "django",
    "migrating-from-django-cors-headers",
    "troubleshooting",
    "cli",
    "deployment",
    "api",
    "changelog",
]
TOC_MARKER = "<!-- pages -->"


def pages() -> list[str]:
    present = {path.stem for path in HERE.glob("*.md")} - {"index", "README"}
    known = [name for name in READING_ORDER if name in present]
    return known + sorted(present - set(known))


def _insert_toctree(app: Sphinx, docname: str, source: list[str]) -> None:
    if docname == "index":
        toctree = "```{toctree}\n:maxdepth: 2\n\n" + "\n".join(pages()) + "\n```"
        source[0] = source[0].replace(TOC_MARKER, toctree)


def setup(app: Sphinx) -> None:
    app.connect("source-read", _insert_toctree)
