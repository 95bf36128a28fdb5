"""``wsgi-cors explain --config app.ini``: the PasteDeploy pipeline's wsgi-cors filter, read as served.

The ini is read by PasteDeploy and the filter's own reader, so these tests compare what
``explain`` runs with what ``paste.deploy.loadapp`` builds from the same file.
"""

from __future__ import annotations

import argparse
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from paste.deploy import loadapp

from wsgi_cors import CORSMiddleware
from wsgi_cors.cli import build_parser, main
from wsgi_cors.cli.configuration import load_middleware

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

ROOT = Path(__file__).resolve().parent.parent
PYRAMID_INI = "examples/pyramid.ini"
APP = "https://app.example.com"


def hello(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    start_response("200 OK", [])
    return [b"hello"]


def app_factory(global_conf: dict[str, str], **local_conf: str) -> WSGIApplication:
    return hello


def run_json(*argv: str) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    status = main(["explain", *argv, "--json"], stdout=out)
    return status, json.loads(out.getvalue())


def explained(*argv: str) -> CORSMiddleware:
    args: argparse.Namespace = build_parser().parse_args(["explain", *argv])
    return load_middleware(args)[0]


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "app.ini"
    path.write_text(
        "[app:hello]\nuse = call:tests.test_cli_ini:app_factory\n\n" + text.strip() + "\n", encoding="utf-8"
    )
    return str(path)


@pytest.fixture(autouse=True)
def _at_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_the_pyramid_example_is_read_as_the_server_loads_it() -> None:
    served = loadapp(f"config:{PYRAMID_INI}", relative_to=str(ROOT))
    explaining = explained("--config", PYRAMID_INI)
    assert [r.pattern for r in explaining.policy.resources] == [r.pattern for r in served.policy.resources]
    assert [r.options for r in explaining.policy.resources] == [r.options for r in served.policy.resources]


def test_the_pyramid_example_explained() -> None:
    request = ["--origin", "https://eu.example.org", "--method", "PUT", "--header", "Authorization: t"]
    status, report = run_json("--config", PYRAMID_INI, "--path", "/api/items", *request, "--credentials")
    assert status == 0
    assert report["configuration"] == "examples/pyramid.ini [filter:cors]"
    assert report["resource"] == "/api/*"
    assert report["origin_rule"] == "pattern 'https://*.example.org'"
    assert dict(report["preflight"]["headers"])["Access-Control-Max-Age"] == "600"
    status, report = run_json(
        "--config", PYRAMID_INI, "--path", "/api/items", "--origin", "https://evil.example"
    )
    assert status == 1
    assert report["refusal"] == "origin-refused"
    assert (
        report["fix"]
        == "add 'https://evil.example' to origins (of resource '/api/*'), if you trust that site"
    )


def test_defaults_interpolation_and_get_are_pasteDeploys(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[DEFAULT]
trusted = https://app.example.com
age = 900

[filter:cors]
use = egg:wsgi-cors#cors
cors_origins = %(trusted)s, https://b.example.com
get max_age = age

[pipeline:main]
pipeline = cors hello
""",
    )
    status, report = run_json("--config", path, "--origin", APP, "--method", "PUT")
    assert status == 0
    assert dict(report["preflight"]["headers"])["Access-Control-Max-Age"] == "900"
    assert report["origin_rule"] == f"exact origin '{APP}'"


def test_here_is_the_directory_of_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "[filter:cors]\nuse = egg:wsgi-cors#cors\nexpose_headers = X-A, %(here)s\n")
    assert main(["explain", "--config", path]) == 2
    assert f"expose_headers={str(tmp_path)!r}: not a valid HTTP token" in capsys.readouterr().err


def test_an_option_in_defaults_is_warned_about(tmp_path: Path) -> None:
    """PasteDeploy keeps [DEFAULT] keys from filters: this ini leaves the filter on origins '*'."""
    path = write(
        tmp_path,
        """
[DEFAULT]
origins = https://app.example.com

[filter:cors]
use = egg:wsgi-cors#cors
origins = https://app.example.com

[pipeline:main]
pipeline = cors hello
""",
    )
    served = loadapp(f"config:{path}")
    assert served.policy.resources[0].options.origins.any  # what the server really runs
    status, report = run_json("--config", path, "--origin", "https://evil.example")
    assert status == 0  # and explain says so
    assert report["warnings"][0] == (
        "[DEFAULT] sets 'origins', which PasteDeploy never passes to [filter:cors] (nor a 'origins' of that "
        "section: [DEFAULT] keys are global configuration). Fix: write 'get origins = origins' in "
        "[filter:cors] to pass it, or move it there"
    )


TWO_FILTERS = """
[filter:public]
use = egg:wsgi-cors#cors
origins = *

[filter:private]
use = egg:wsgi-cors#cors
origins = https://app.example.com

[filter:other]
use = call:tests.test_cli_ini:app_factory
"""


def test_the_filter_the_main_pipeline_runs_is_chosen(tmp_path: Path) -> None:
    path = write(tmp_path, TWO_FILTERS + "\n[pipeline:main]\npipeline = other private hello\n")
    status, report = run_json("--config", path, "--origin", "https://evil.example")
    assert status == 1
    assert report["configuration"] == f"{path} [filter:private]"
    status, report = run_json("--config", path, "--filter", "public", "--origin", "https://evil.example")
    assert status == 0
    assert report["configuration"] == f"{path} [filter:public]"


def test_filter_with_on_the_main_app_is_followed(tmp_path: Path) -> None:
    main_app = "\n[app:main]\nuse = call:tests.test_cli_ini:app_factory\nfilter-with = public\n"
    path = write(tmp_path, TWO_FILTERS + main_app)
    _, report = run_json("--config", path)
    assert report["configuration"] == f"{path} [filter:public]"


NOT_OURS = (
    "[filter:other] is not wsgi-cors's filter (use = call:tests.test_cli_ini:app_factory). "
    "Fix: name a section with use = egg:wsgi-cors#cors"
)
SEVERAL = (
    "the file has several wsgi-cors filters (public, private). Fix: name the one to explain with --filter"
)
NONE = "no [filter:...] section uses wsgi-cors's filter (use = egg:wsgi-cors#cors); its filters: other"
IN_PIPELINE = TWO_FILTERS + "\n[pipeline:main]\npipeline = public private hello\n"


@pytest.mark.parametrize(
    ("text", "argv", "message"),
    [
        (TWO_FILTERS, [], SEVERAL),
        (IN_PIPELINE, [], "[pipeline:main] runs several wsgi-cors filters (public, private)"),
        (
            TWO_FILTERS,
            ["--filter", "missing"],
            "no section [filter:missing]; its wsgi-cors filters: public, private",
        ),
        (TWO_FILTERS, ["--filter", "other"], NOT_OURS),
        ("[filter:other]\nuse = call:tests.test_cli_ini:app_factory\n", [], NONE),
        ("[filter:cors\nuse = x\n", [], "is not a valid ini file"),
    ],
    ids=["two-no-pipeline", "two-in-pipeline", "missing", "not-ours", "none", "broken"],
)
def test_which_filter_errors(
    text: str, argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, text)
    assert main(["explain", "--config", path, *argv]) == 2
    assert message in capsys.readouterr().err


def test_every_error_of_the_section_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(
        tmp_path,
        """
[filter:cors]
use = egg:wsgi-cors#cors
origins = https://app.example.com/
max_age = ten
orgins = https://b.example.com
supports_credentials = true
send_wildcard = true
""",
    )
    assert main(["explain", "--config", path]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"wsgi-cors explain: error: {path} [filter:cors]: 3 configuration errors:",
        "  - max_age='ten': not a whole number of seconds. Fix: write e.g. 600 for ten minutes.",
        "  - [filter] cors: unknown option 'orgins'. Fix: did you mean 'origins'?",
        "  - origins: origins='https://app.example.com/': a trailing slash never matches: browsers send "
        "origins without one. Fix: write 'https://app.example.com'.",
    ]


def test_values_that_parse_are_checked_together_with_every_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path,
        """
[filter:cors]
use = egg:wsgi-cors#cors
origins = https://app.example.com/
supports_credentials = true
send_wildcard = true
""",
    )
    assert main(["explain", "--config", path]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "wsgi-cors explain: error: invalid configuration: 2 configuration errors:"
    assert lines[1].startswith(f"  - {path} [filter:cors] origins: origins='https://app.example.com/'")
    section = f"{path} [filter:cors]"
    assert lines[2].startswith(
        f"  - {section} supports_credentials, {section} send_wildcard: send_wildcard=True"
    )


def test_the_command_line_overrides_the_ini() -> None:
    evil = "https://evil.example"
    status, report = run_json(
        "--config", PYRAMID_INI, "--origins", evil, "--path", "/api/x", "--origin", evil
    )
    assert status == 0
    assert report["configuration"] == "examples/pyramid.ini [filter:cors] and the command line"


def test_filter_needs_an_ini(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "--config", "docs/cors-example.json", "--filter", "cors"]) == 2
    assert "--filter names a [filter:NAME] section of a PasteDeploy ini" in capsys.readouterr().err
