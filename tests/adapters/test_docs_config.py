"""The configuration-without-code documentation says what ``wsgi_cors/config.py`` and ``paste.py`` do.

``test_docs.py`` runs the pages' Python examples; ini blocks and tables are not Python, so the
claims in them are checked here: the ``[filter:cors]`` ini in ``deployment.md`` is loaded with
PasteDeploy, the table of ``CORS_*`` variables is complete and its examples are accepted, and
the pages name the variable of every option and link the example files that exist.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from paste.deploy import loadapp
from webtest import TestApp

from wsgi_cors import CORSMiddleware, config
from wsgi_cors.options import OPTION_NAMES

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
DEPLOYMENT = (DOCS / "deployment.md").read_text(encoding="utf-8")
VARIABLES = {f"CORS_{option.upper()}": option for option in OPTION_NAMES}


def hello(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]


def app_factory(global_conf: dict[str, str], **local_conf: str) -> WSGIApplication:
    """Stands in for the page's ``egg:myproject`` application."""
    return hello


def fenced(text: str, info: str) -> list[str]:
    return re.findall(rf"^```{info}\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)


@pytest.fixture(scope="module")
def documented_pipeline(tmp_path_factory: pytest.TempPathFactory) -> CORSMiddleware:
    """The page's ini, byte for byte, but for the ``use`` line of its application."""
    (shown,) = [block for block in fenced(DEPLOYMENT, "ini") if "[filter:cors]" in block]
    ini, replaced = re.subn(
        r"^use = egg:myproject$", "use = call:tests.adapters.test_docs_config:app_factory", shown, flags=re.M
    )
    assert replaced == 1, "the page's [app:...] section changed: update this test"
    path = tmp_path_factory.mktemp("paste") / "production.ini"
    path.write_text(ini, encoding="utf-8")
    loaded = loadapp(f"config:{path}")
    assert isinstance(loaded, CORSMiddleware)
    return loaded


class TestTheDocumentedIni:
    def test_cors_wraps_the_application(self, documented_pipeline: CORSMiddleware) -> None:
        assert documented_pipeline.app is hello
        [api] = documented_pipeline.policy.resources
        assert api.pattern == "/api/*"

    def test_a_listed_origin_gets_the_preflight_the_page_describes(
        self, documented_pipeline: CORSMiddleware
    ) -> None:
        response = TestApp(documented_pipeline).options(
            "/api/items",
            headers={
                "Origin": "https://eu.example.org",
                "Access-Control-Request-Method": "PUT",
                "Access-Control-Request-Headers": "authorization",
            },
        )
        assert response.status_int == 200
        assert response.body == b""
        assert response.headers["Access-Control-Allow-Origin"] == "https://eu.example.org"
        assert response.headers["Access-Control-Allow-Headers"] == "authorization"
        assert response.headers["Access-Control-Allow-Credentials"] == "true"
        assert response.headers["Access-Control-Max-Age"] == "600"

    def test_other_origins_and_paths_get_no_grant(self, documented_pipeline: CORSMiddleware) -> None:
        client = TestApp(documented_pipeline)
        refused = client.get("/api/items", headers={"Origin": "https://example.org"})
        assert "Access-Control-Allow-Origin" not in refused.headers
        assert refused.headers["Vary"] == "Origin"
        outside = client.get("/health", headers={"Origin": "https://app.example.com"})
        assert outside.body == b"hello"
        assert "Access-Control-Allow-Origin" not in outside.headers


def variable_rows() -> list[tuple[str, str, str, list[str]]]:
    """(variable, option, how it is read, examples) for each row of the page's table."""
    rows = []
    for line in DEPLOYMENT.splitlines():
        if not line.startswith("| `CORS_"):
            continue
        cells = [cell.strip() for cell in line.strip("|").split(" | ")]
        assert len(cells) == 4, line
        variable = cells[0].strip("`")
        (option,) = re.findall(r"^\[`(\w+)`\]\(options\.md#[\w-]+\)$", cells[1])
        rows.append((variable, option, cells[2], re.findall(r"`([^`]+)`", cells[3])))
    return rows


def test_the_table_lists_every_option_once_under_its_variable() -> None:
    rows = variable_rows()
    assert len(rows) == len({variable for variable, _, _, _ in rows})
    assert {variable: option for variable, option, _, _ in rows} == VARIABLES


@pytest.mark.parametrize(
    ("variable", "option", "reading", "examples"), [pytest.param(*row, id=row[0]) for row in variable_rows()]
)
def test_each_row_says_how_config_reads_the_text(
    variable: str, option: str, reading: str, examples: list[str]
) -> None:
    words = {
        "_boolean": "a boolean",
        "_items": "a list",
        "_seconds": "whole seconds",
        "_status": "a status code",
        "_resources": "JSON",
    }
    assert words[config.PARSERS[option].__name__] in reading
    assert examples, f"{variable}: no example"
    for example in examples:
        # A trusted origin beside it, as the other examples would need (credentials with "*" warn).
        environ = {"CORS_ORIGINS": "https://app.example.com", variable: example}
        middleware = CORSMiddleware.from_env(hello, environ=environ)
        assert middleware.app is hello


def test_the_options_page_names_each_options_variable() -> None:
    table = {}
    for line in (DOCS / "options.md").read_text(encoding="utf-8").splitlines():
        found = re.match(r"^\| \[`(\w+)`\]\(#[\w-]+\) \|.*\| `(CORS_\w+)` \|$", line)
        if found:
            table[found[2]] = found[1]
    assert table == VARIABLES


EXAMPLES = [
    "flask_app.py",
    "django_project/settings.py",
    "django_project/wsgi.py",
    "pyramid_app.py",
    "pyramid.ini",
    "bottle_app.py",
    "falcon_app.py",
    "plain_wsgi.py",
    "gunicorn_app.py",
    "gunicorn.conf.py",
]


def test_the_quickstart_links_every_example() -> None:
    quickstart = (DOCS / "quickstart.md").read_text(encoding="utf-8")
    for name in EXAMPLES:
        assert f"](../examples/{name})" in quickstart, name


@pytest.mark.parametrize("page", sorted(DOCS.glob("*.md")), ids=lambda page: page.name)
def test_links_to_example_files_point_at_files(page: Path) -> None:
    for target in re.findall(r"\]\((\.\./examples/[^)#]+)\)", page.read_text(encoding="utf-8")):
        assert (DOCS / target).is_file(), f"{page.name}: {target}"
