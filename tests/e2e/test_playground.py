"""The playground's servers and the browser suite's table, checked without a browser."""

from __future__ import annotations

import http.client
import json
import re
from pathlib import Path

import pytest

from playground.api import SESSION_COOKIE, middleware_api
from playground.configs import CONFIGS, options_for
from playground.serve import Playground
from tests.browser.cases import CASE_NAMES, CASES, CONFIG_NAMES, EXPECTED, origin_of

VERDICTS = {"allowed", "blocked", "readable", "hidden", "cached", "not cached"}


def request(
    port: int, method: str, path: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("name", list(CONFIGS))
def test_every_configuration_builds_a_middleware_without_warnings(name: str) -> None:
    options = options_for(name, 8000)
    assert options["resources"] == r"/api/*"
    middleware_api(options)


def test_unknown_configuration_names_the_choices() -> None:
    with pytest.raises(ValueError, match="unknown configuration 'nope'; choose one of allow-all, "):
        options_for("nope", 8000)


def test_table_has_one_known_verdict_per_configuration_and_case() -> None:
    assert tuple(CONFIGS) == CONFIG_NAMES
    pairs = [(config, case) for config, case, _ in EXPECTED]
    assert len(pairs) == len(set(pairs)) == len(CONFIG_NAMES) * len(CASE_NAMES)
    assert {verdict for _, _, verdict in EXPECTED} == VERDICTS
    assert [case.name for case in CASES] == list(CASE_NAMES)


def test_page_script_runs_exactly_the_cases_of_the_table() -> None:
    script = (Path(__file__).parents[2] / "playground" / "static" / "playground.js").read_text()
    assert re.findall(r'^  \["([a-z-]+)",', script, re.MULTILINE) == list(CASE_NAMES)


def test_page_names_the_api_origin_and_the_configuration() -> None:
    with Playground("origin-list") as playground:
        status, headers, body = request(playground.page_port, "GET", "/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    page = body.decode()
    assert f'<meta name="api" content="http://localhost:{playground.api_port}">' in page
    assert "configuration <code>origin-list</code>" in page
    assert f"http://127.0.0.1:{playground.page_port}" in page  # the origin list, shown escaped


def test_probe_frame_is_public_only_when_asked() -> None:
    with Playground() as playground:
        _, public, _ = request(playground.page_port, "GET", "/probe.html?case=x&public=1")
        _, private, _ = request(playground.page_port, "GET", "/probe.html?case=x")
    assert public["content-security-policy"] == "treat-as-public-address"
    assert "content-security-policy" not in private


def test_preflights_reaching_the_api_are_counted_per_path() -> None:
    with Playground("max-age") as playground:
        preflight = {
            "Origin": playground.page_origin,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "x-custom-header",
        }
        status, headers, body = request(playground.api_port, "OPTIONS", "/api/items/a", preflight)
        request(playground.api_port, "OPTIONS", "/api/items/a", preflight)
        request(playground.api_port, "OPTIONS", "/api/items/a")  # not a preflight: no request method
        _, _, counted = request(playground.page_port, "GET", "/_preflights?path=/api/items/a")
    assert (status, body) == (200, b"")
    assert headers["access-control-allow-origin"] == playground.page_origin
    assert headers["access-control-max-age"] == "600"
    assert json.loads(counted) == {"count": 2, "private_network": 0}


def test_login_sets_a_cross_site_partitioned_cookie_that_whoami_reads_back() -> None:
    with Playground("credentials") as playground:
        origin = {"Origin": playground.page_origin}
        _, login, _ = request(playground.api_port, "POST", "/api/login", origin)
        token = login["set-cookie"].split(";")[0].split("=")[1]
        cookie = {**origin, "Cookie": f"{SESSION_COOKIE}={token}"}
        _, who, body = request(playground.api_port, "GET", "/api/whoami", cookie)
    assert login["set-cookie"] == (
        f"{SESSION_COOKIE}={token}; Path=/api; HttpOnly; SameSite=None; Secure; Partitioned"
    )
    assert login["access-control-allow-credentials"] == "true"
    assert who["access-control-allow-origin"] == playground.page_origin
    assert json.loads(body) == {"session": token}


def test_items_carry_one_header_to_expose_and_one_to_keep_hidden() -> None:
    with Playground("expose-headers") as playground:
        _, headers, _ = request(
            playground.api_port, "GET", "/api/items", {"Origin": "http://evil.localhost:1"}
        )
    assert (headers["x-request-id"], headers["x-secret"]) == ("42", "s3cret")
    assert headers["access-control-expose-headers"] == "X-Request-Id"


def test_stopping_the_playground_frees_both_ports() -> None:
    playground = Playground().start()
    ports = (playground.page_port, playground.api_port)
    playground.stop()
    for port in ports:
        with pytest.raises(ConnectionRefusedError):
            request(port, "GET", "/")


def test_origin_of_a_case_is_the_page_or_its_frame() -> None:
    by_name = {case.name: case for case in CASES}
    assert origin_of(by_name["simple-get"], 8000) == "http://127.0.0.1:8000"
    assert origin_of(by_name["subdomain-origin"], 8000) == "http://sub.app.localhost:8000"
