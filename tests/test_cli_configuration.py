"""Where ``explain`` gets its middleware: flags and files are read as ``CORS_*`` variables are."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from wsgi_cors import CORSMiddleware
from wsgi_cors.cli import build_parser, main
from wsgi_cors.cli.configuration import load_middleware
from wsgi_cors.policy import Decision, decide, request_facts

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

A, B = "https://a.example", "https://b.example"

# Requests whose answers differ with every option the cases below set.
REQUESTS = [
    request_facts("GET", "/api/x"),
    request_facts("GET", "/api/x", A),
    request_facts("GET", "/other", B),
    request_facts("OPTIONS", "/api/x", B, "PATCH", "x-token", "true"),
    request_facts("OPTIONS", "/api/x", "https://c.example", "PUT"),
]


def _ok(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
    start_response("200 OK", [])
    return [b""]


def _answers(middleware: CORSMiddleware) -> list[Decision | None]:
    answers = []
    for facts in REQUESTS:
        resource = middleware.select(facts)
        answers.append(None if resource is None else decide(resource, facts))
    return answers


def _from_flags(*flags: str) -> CORSMiddleware:
    middleware, _, _ = load_middleware(build_parser().parse_args(["explain", *flags]))
    return middleware


@pytest.mark.parametrize(
    ("flags", "variables"),
    [
        (
            ["--origins", f"{A},{B}", "--max-age", "600", "--supports-credentials", "true"],
            {"CORS_ORIGINS": f"{A},{B}", "CORS_MAX_AGE": "600", "CORS_SUPPORTS_CREDENTIALS": "true"},
        ),
        (["--methods", "GET", "--methods", "put,PATCH"], {"CORS_METHODS": "GET,put,PATCH"}),
        (["--origins", f'["{A}"]', "--origins", B], {"CORS_ORIGINS": f"{A}\n{B}"}),
        (["--origins", A, "--supports-credentials"],
         {"CORS_ORIGINS": A, "CORS_SUPPORTS_CREDENTIALS": "true"}),
        (["--no-vary-header"], {"CORS_VARY_HEADER": "false"}),
        (["--allow-private-network", "on"], {"CORS_ALLOW_PRIVATE_NETWORK": "on"}),
        (["--allow-headers", "X-Token", "--expose-headers", "X-Id"],
         {"CORS_ALLOW_HEADERS": "X-Token", "CORS_EXPOSE_HEADERS": "X-Id"}),
        (["--resources", json.dumps({"/api/*": {"origins": [A]}})],
         {"CORS_RESOURCES": json.dumps({"/api/*": {"origins": [A]}})}),
        (["--resources", "/api/*", "--resources", "/admin/*"], {"CORS_RESOURCES": "/api/*,/admin/*"}),
    ],
)  # fmt: skip
def test_a_flag_means_what_its_cors_variable_means(flags: list[str], variables: dict[str, str]) -> None:
    from_variables = CORSMiddleware.from_env(_ok, variables)
    assert _answers(_from_flags(*flags)) == _answers(from_variables)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--send-wildcard", "maybe"],
            "error: --send-wildcard='maybe': not a boolean. Fix: write true or false",
        ),
        (["--max-age", "ten"], "error: --max-age='ten': not a whole number of seconds"),
        (["--origins", ","], "error: --origins=',': no entries"),
        (
            ["--resources", '{"/api/*": {}}', "--resources", "/b/*"],
            "error: --resources: a JSON object of resources takes the whole option; give --resources once",
        ),
        (
            ["--supports-credentials", "--send-wildcard"],
            "error: invalid configuration: --send-wildcard, --supports-credentials: send_wildcard=True",
        ),
    ],
)
def test_a_bad_flag_is_exit_2_naming_the_flag(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["explain", *argv]) == 2
    assert message in capsys.readouterr().err


def _explain_json(*argv: str) -> tuple[int, dict[str, object]]:
    out = io.StringIO()
    status = main(["explain", *argv, "--json"], stdout=out)
    return status, json.loads(out.getvalue())


def test_text_in_a_config_file_is_parsed_as_the_variable_would_be(tmp_path: Path) -> None:
    config = tmp_path / "cors.json"
    config.write_text(json.dumps({"origins": [A], "supports_credentials": "true", "max_age": "600"}))
    status, report = _explain_json("--config", str(config), "--origin", A, "--method", "PUT", "--credentials")
    assert status == 0
    assert report["preflight"]["headers"] == [  # type: ignore[index]
        ["Access-Control-Allow-Origin", A],
        ["Access-Control-Allow-Methods", "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"],
        ["Access-Control-Allow-Credentials", "true"],
        ["Access-Control-Max-Age", "600"],
        ["Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"],
    ]


def test_text_false_in_a_config_file_is_false(tmp_path: Path) -> None:
    config = tmp_path / "cors.json"
    config.write_text(json.dumps({"origins": [A], "supports_credentials": "false"}))
    status, report = _explain_json("--config", str(config), "--origin", A, "--credentials")
    assert status == 1
    assert report["actual"]["headers"] == [["Access-Control-Allow-Origin", A], ["Vary", "Origin"]]  # type: ignore[index]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"orgins": [A]}, "cors.json: unknown option 'orgins'. Fix: did you mean 'origins'?"),
        ({"max_age": "soon"}, "cors.json: max_age='soon': not a whole number of seconds"),
        ({"origins": [f"{A}/"]}, "invalid configuration: "),
    ],
)
def test_a_bad_config_file_is_exit_2_naming_the_file(
    table: dict[str, object], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "cors.json"
    config.write_text(json.dumps(table))
    assert main(["explain", "--config", str(config)]) == 2
    error = capsys.readouterr().err
    assert message in error
    assert str(config) in error


def test_a_flag_overrides_the_file_and_both_are_named(tmp_path: Path) -> None:
    config = tmp_path / "cors.json"
    config.write_text(json.dumps({"origins": [A], "supports_credentials": True}))
    status, report = _explain_json("--config", str(config), "--supports-credentials", "false", "--origin", A)
    assert status == 0
    assert report["configuration"] == f"{config} and the command line"
    assert report["actual"]["headers"] == [["Access-Control-Allow-Origin", A], ["Vary", "Origin"]]  # type: ignore[index]


def test_every_error_of_a_config_file_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "cors.json"
    config.write_text(
        json.dumps(
            {
                "origins": "https://app.example.com/",
                "max_age": "ten",
                "orgins": "x",
                "resources": {"/api/*": {"preflight_status": 500}},
            }
        )
    )
    assert main(["explain", "--config", str(config)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"wsgi-cors explain: error: {config}: 4 configuration errors:",
        "  - max_age='ten': not a whole number of seconds. Fix: write e.g. 600 for ten minutes.",
        f"  - {config}: unknown option 'orgins'. Fix: did you mean 'origins'?",
        "  - origins: origins='https://app.example.com/': a trailing slash never matches: browsers send "
        "origins without one. Fix: write 'https://app.example.com'.",
        "  - resources: preflight_status=500: a preflight answer must have a 2xx status, or browsers treat "
        "it as failed. Fix: use 200 (the default) or 204.",
    ]
