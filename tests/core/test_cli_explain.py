"""``wsgi-cors explain``: the core policy's decision on one request, step by step."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from werkzeug.test import Client

from wsgi_cors import CORSMiddleware
from wsgi_cors.cli import main

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

APP = "https://app.example.com"


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(["explain", *argv], stdout=out)
    return status, out.getvalue()


def run_json(*argv: str) -> tuple[int, dict[str, object]]:
    status, output = run(*argv, "--json")
    return status, json.loads(output)


def test_granted_preflight_names_resource_rule_and_headers() -> None:
    status, output = run(
        "--resources", "/api/*", "--origins", APP, "--supports-credentials",
        "--path", "/api/items", "--origin", APP, "--method", "PUT",
        "--header", "Content-Type: application/json", "--credentials",
    )  # fmt: skip
    lines = output.splitlines()
    assert status == 0
    assert "1. Resource: '/api/*' covers '/api/items'." in lines
    assert f"2. Origin '{APP}': granted by exact origin '{APP}'." in lines
    assert (
        "3. The browser sends a preflight first: method PUT is not one of GET, HEAD, POST; "
        "Content-Type 'application/json' is not form, multipart or text/plain." in lines
    )
    assert "     > Access-Control-Request-Headers: content-type" in lines
    assert "     < Access-Control-Allow-Headers: content-type" in lines
    assert "     < Access-Control-Allow-Credentials: true" in lines
    assert "     < Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers" in lines
    assert lines[-1] == (
        f"Verdict: ALLOWED. A page at {APP} can make this call and read the response "
        "(response headers it can read: the safelisted ones only)."
    )


def test_simple_request_has_no_preflight_step() -> None:
    status, report = run_json("--origin", APP, "--method", "post", "--header", "Content-Type: text/plain")
    assert status == 0
    assert report["preflight"] is None
    assert report["method"] == "POST"
    assert report["actual"] == {
        "decision": "origin allowed",
        "granted": True,
        "refusal": None,
        "detail": None,
        "headers": [["Access-Control-Allow-Origin", APP], ["Vary", "Origin"]],
    }


def test_refused_origin_gives_cause_console_message_and_fix() -> None:
    status, output = run("--resources", "/api/*", "--origins", APP, "--path", "/api/x", "--origin",
                         "https://evil.example", "--method", "DELETE")  # fmt: skip
    lines = output.splitlines()
    assert status == 1
    assert "2. Origin 'https://evil.example': no rule of resource '/api/*' grants it." in lines
    assert "   The browser stops here: the actual request is never sent." in lines
    assert "Verdict: BLOCKED (preflight): no Access-Control-Allow-Origin header." in lines
    assert "  Cause: resource '/api/*' refused the preflight: origin not allowed." in lines
    assert (
        "  Chromium's console: Access to fetch at '/api/x' from origin 'https://evil.example' has been "
        "blocked by CORS policy: Response to preflight request doesn't pass access control check: No "
        "'Access-Control-Allow-Origin' header is present on the requested resource." in lines
    )
    assert (
        "  Fix: add 'https://evil.example' to origins (of resource '/api/*'), if you trust that site."
        in lines
    )


def test_refused_header_names_the_header_in_the_fix() -> None:
    status, report = run_json("--allow-headers", "Content-Type", "--origin", APP, "--header", "X-Token: 1")
    assert status == 1
    assert report["cause"] == "resource '/*' refused the preflight: header 'x-token' not in allow_headers"
    assert report["fix"] == "add 'x-token' to allow_headers (of resource '/*')"
    assert report["actual"] is None


def test_refused_method_names_the_method_in_the_fix() -> None:
    status, report = run_json("--methods", "GET", "--methods", "POST", "--origin", APP, "--method", "PATCH")
    assert status == 1
    assert report["fix"] == "add 'PATCH' to methods (of resource '/*')"


def test_most_specific_resource_decides_and_the_skipped_ones_are_named() -> None:
    config = ["--resources", "/api/*", "--resources", "/api/public/*", "--resources", "/api/public/status"]
    status, output = run(*config, "--path", "/api/public/feed", "--origin", APP)
    assert status == 0
    assert (
        "1. Resource: '/api/public/*' covers '/api/public/feed' (checked first, no match: "
        "'/api/public/status')." in output.splitlines()
    )


def test_uncovered_path_is_blocked_with_a_fix() -> None:
    status, report = run_json("--resources", "/api/*", "--path", "/apiary", "--origin", APP)
    assert status == 1
    assert report["resource"] is None
    assert report["fix"] == "add a resources pattern covering '/apiary'"


def test_credentials_without_supports_credentials_blames_the_missing_header() -> None:
    status, report = run_json("--origin", APP, "--credentials")
    assert status == 1
    assert report["cause"] is None  # the policy granted it; the browser refuses the answer
    assert report["fix"] == (
        "send 'Access-Control-Allow-Credentials: true' (wsgi-cors: supports_credentials=True), "
        "or make the call without credentials"
    )


def test_send_wildcard_with_credentialed_call_is_blocked() -> None:
    status, report = run_json("--send-wildcard", "--origin", APP, "--credentials")
    assert status == 1
    assert str(report["console"]).endswith(
        "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard "
        "'*' when the request's credentials mode is 'include'."
    )


def test_null_origin_is_refused_with_credentials_even_under_star() -> None:
    # the security warning is reported, not raised (pytest runs with filterwarnings=error)
    status, output = run("--supports-credentials", "--origin", "null", "--credentials")
    assert status == 1
    assert "2. Origin 'null': no rule of resource '/*' grants it." in output.splitlines()
    assert "warning: origins='*': with supports_credentials=True" in output


def test_automatic_options_off_says_the_application_answers() -> None:
    status, output = run("--no-automatic-options", "--origin", APP, "--method", "PUT")
    assert status == 0
    assert (
        "   The middleware grants it; automatic_options is off, so the application answers the OPTIONS "
        "request (assumed 200) and the middleware adds:" in output.splitlines()
    )


def test_no_origin_shows_the_static_answer() -> None:
    status, report = run_json("--origins", APP)
    assert status == 0
    assert report["actual"] == {
        "decision": f"no Origin header; static answer '{APP}'",
        "granted": True,
        "refusal": None,
        "detail": None,
        "headers": [["Access-Control-Allow-Origin", APP], ["Vary", "Origin"]],
    }


def test_json_config_file_with_resources_and_command_line_override(tmp_path: Path) -> None:
    config = tmp_path / "cors.json"
    config.write_text(
        json.dumps({"resources": {"/api/*": {"origins": [APP], "methods": ["GET"]}}, "max_age": 60})
    )
    status, report = run_json("--config", str(config), "--path", "/api/x", "--origin", APP, "--method", "PUT")
    assert status == 1
    assert report["configuration"] == str(config)
    assert report["fix"] == "add 'PUT' to methods (of resource '/api/*')"
    status, report = run_json("--config", str(config), "--methods", "GET,PUT", "--path", "/api/x",
                              "--origin", APP, "--method", "PUT")  # fmt: skip
    # a keyword option is the default under the resource's own setting, as in the middleware
    assert status == 1
    assert report["configuration"] == f"{config} and the command line"


def test_toml_config_file_with_a_cors_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "cors.toml"
    config.write_text(
        '[cors]\norigins = ["https://*.example.org"]\nsupports_credentials = true\n'
        'expose_headers = ["X-Request-Id"]\n'
    )
    if sys.version_info < (3, 11):  # no tomllib: a clear usage error instead
        assert main(["explain", "--config", str(config)]) == 2
        assert "TOML configuration files need Python 3.11" in capsys.readouterr().err
        return
    status, report = run_json("--config", str(config), "--origin", "https://a.example.org", "--credentials")
    assert status == 0
    assert report["origin_rule"] == "pattern 'https://*.example.org'"
    _, output = run("--config", str(config), "--origin", "https://a.example.org", "--credentials")
    assert output.splitlines()[-1].endswith(
        "(response headers it can read: the safelisted ones and X-Request-Id)."
    )
    assert report["actual"]["headers"] == [  # type: ignore[index]
        ["Access-Control-Allow-Origin", "https://a.example.org"],
        ["Access-Control-Expose-Headers", "X-Request-Id"],
        ["Access-Control-Allow-Credentials", "true"],
        ["Vary", "Origin"],
    ]


@pytest.fixture
def app_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A module in the working directory, as a user's project would be."""
    (tmp_path / "explain_target.py").write_text(
        "from wsgi_cors import CORSMiddleware\n"
        "def api(environ, start_response):\n"
        "    start_response('200 OK', [])\n"
        "    return [b'']\n"
        "application = CORSMiddleware(api, resources='/api/*', origins=['https://app.example.com'])\n"
        "class FlaskLike:\n"
        "    wsgi_app = application\n"
        "flask_app = FlaskLike()\n"
        "def create_app():\n"
        "    return FlaskLike()\n"
        "plain = api\n"
        "risky = CORSMiddleware(api, origins='*', supports_credentials=True)\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    yield "explain_target"
    sys.modules.pop("explain_target", None)


@pytest.mark.parametrize("target", ["application", "flask_app", "create_app()"])
def test_app_reads_the_live_middleware(app_module: str, target: str) -> None:
    status, report = run_json("--app", f"{app_module}:{target}", "--path", "/api/x", "--origin", APP)
    assert status == 0
    assert report["configuration"] == f"the middleware in {app_module}:{target}"
    assert report["resources"] == ["/api/*"]
    assert report["origin_rule"] == f"exact origin '{APP}'"


def test_app_without_middleware_is_a_usage_error(app_module: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "--app", f"{app_module}:plain", "--origin", APP]) == 2
    assert "no wsgi-cors middleware found" in capsys.readouterr().err


def test_app_with_options_is_a_usage_error(app_module: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "--app", f"{app_module}:application", "--origins", APP]) == 2
    assert "give no other options" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--origins", "https://app.example.com/"],
            "invalid configuration: --origins: origins='https://app.example.com/': a trailing slash",
        ),
        (["--max-age", "-1"], "error: --max-age='-1': not a whole number of seconds"),
        (["--app", "no_such_module_here:app"], "cannot load it (ModuleNotFoundError"),
        (["--app", "nocolon"], "write MODULE:OBJECT"),
        (["--config", "/nonexistent/cors.json"], "cannot read /nonexistent/cors.json"),
    ],
)
def test_bad_configuration_is_exit_2_naming_the_problem(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["explain", *argv, "--origin", APP]) == 2
    assert message in capsys.readouterr().err


def test_malformed_config_file_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "cors.json"
    config.write_text("[1, 2]")
    assert main(["explain", "--config", str(config)]) == 2
    assert "must hold a table of options" in capsys.readouterr().err


def test_app_security_warnings_are_reported(app_module: str) -> None:
    status, report = run_json("--app", f"{app_module}:risky", "--origin", APP)
    assert status == 0
    (warning,) = report["warnings"]  # type: ignore[misc]
    assert str(warning).startswith("origins='*': with supports_credentials=True every origin is echoed back")


# --------------------------------------------------------------------------- what the server sends


def _cors_headers(headers: Iterable[tuple[str, str]]) -> list[list[str]]:
    return [[n, v] for n, v in headers if n.lower().startswith("access-control-") or n == "Vary"]


def _served(app: WSGIApplication, method: str, path: str, headers: dict[str, str]) -> list[list[str]]:
    """The CORS headers the running middleware sends for one request."""
    return _cors_headers(Client(app).open(path, method=method, headers=headers).headers.items())


@pytest.mark.parametrize("path", ["/données/x", "/donn%C3%A9es/x"])
def test_non_ascii_path_selects_as_the_middleware_does_for_the_browsers_url(
    path: str, tmp_path: Path
) -> None:
    options = {"resources": {"/données/*": {"origins": [APP]}, "/*": {"origins": ["https://other.example"]}}}
    config = tmp_path / "cors.json"
    config.write_text(json.dumps(options), encoding="utf-8")
    status, report = run_json("--config", str(config), "--path", path, "--origin", APP)
    assert status == 0
    assert report["resource"] == "/données/*"
    # werkzeug's client sends the URL a browser sends for that path: /donn%C3%A9es/x
    served = _served(CORSMiddleware(_ok, **options), "GET", "/données/x", {"Origin": APP})
    assert report["actual"]["headers"] == served  # type: ignore[index]


def _ok(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


# --------------------------------------------------------------------------- refusals as data


def test_json_report_gives_the_refusal_as_its_enum_value_and_detail() -> None:
    status, report = run_json("--allow-headers", "Content-Type", "--origin", APP, "--header", "X-Token: 1")
    assert status == 1
    assert report["refusal"] == "header-refused"
    assert report["preflight"]["refusal"] == "header-refused"  # type: ignore[index]
    assert report["preflight"]["detail"] == "x-token"  # type: ignore[index]
    assert report["preflight"]["decision"] == "header 'x-token' not in allow_headers"  # type: ignore[index]


def test_json_report_of_a_refused_origin_on_the_actual_request() -> None:
    status, report = run_json("--origins", APP, "--origin", "https://evil.example")
    assert status == 1
    assert report["refusal"] == "origin-refused"
    assert report["actual"] == {
        "decision": "origin not allowed",
        "granted": False,
        "refusal": "origin-refused",
        "detail": None,
        "headers": [["Vary", "Origin"]],
    }
