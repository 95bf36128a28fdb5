"""``wsgi-cors check`` judged by Chromium: the browser suite's cases, on the same servers.

The browser suite (``tests/browser``) runs the playground page in a real Chromium against the
playground API served with every configuration of ``playground/configs.py``; what Chromium
concluded is ``EXPECTED`` in ``tests/browser/cases.py``. Here the same API, with the same
configurations and both servings (``CORSMiddleware`` and the Flask adapter), is started on
127.0.0.1 by the playground's own :class:`~playground.serve.Playground`, each case ``check`` can
express is sent by ``wsgi-cors check --json``, and its verdict must be Chromium's;
``wsgi-cors explain`` must reach it too, offline, from the same configuration. No browser runs
here: the table is the judge, so this runs in every CI, with or without Chromium.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from playground.configs import options_for
from playground.serve import Adapter, Playground
from tests.browser.cases import CASE_NAMES, CASES, CONFIG_NAMES, EXPECTED, Case, origin_of
from wsgi_cors.cli import main

ADAPTERS: tuple[Adapter, ...] = ("middleware", "flask")

#: Cases whose verdict rests on something only a browser does; every other case is compared.
NOT_EXPRESSIBLE = {
    "preflight-cache": "its verdict is whether Chromium's preflight cache spared the second of two "
    "calls 6 s apart; check makes each call once and keeps no cache",
    "private-network": "its verdict rests on Local Network Access (a frame in the public address "
    "space, a permission the suite grants); check cannot place a request in an address space",
}

#: The value of each header the page sets (the table names them; ``playground.js`` sends these).
PAGE_HEADER_VALUES = {"content-type": "application/json", "x-custom-header": "playground"}

#: The verdicts ``check`` can reach; ``cached``/``not cached`` are the preflight cache's.
VERDICTS_CHECK_CAN_REACH = {"allowed", "blocked", "readable", "hidden"}

BY_NAME = {case.name: case for case in CASES}
COMPARED = [
    (adapter, config, case, verdict)
    for adapter in ADAPTERS
    for config, case, verdict in EXPECTED
    if case not in NOT_EXPRESSIBLE
]


@pytest.fixture(scope="module")
def playgrounds() -> Iterator[dict[tuple[str, str], Playground]]:
    """The playground for every adapter and configuration, on free 127.0.0.1 ports, stopped after."""
    running: dict[tuple[str, str], Playground] = {}
    try:
        for adapter in ADAPTERS:
            for config in CONFIG_NAMES:
                running[adapter, config] = Playground(config, adapter).start()
        yield running
    finally:
        for playground in running.values():
            playground.stop()


def check_argv(case: Case, playground: Playground) -> list[str]:
    """The case as ``wsgi-cors check`` arguments: the request the page (or its frame) makes.

    The frames of ``unlisted-origin`` and friends exist only to give the call another origin,
    which ``--origin`` says directly. ``credentialed-cookie`` is judged on its verdict's call,
    the credentialed ``GET /api/whoami``: the cookie a browser stored from ``/api/login`` rides
    along, but the server's CORS answer does not depend on it.
    """
    # The API listens on 127.0.0.1 only; the page calls it as http://localhost:PORT, which is
    # the same server (the host is not part of any CORS decision, the Origin is).
    argv = ["check", f"http://127.0.0.1:{playground.api_port}{case.path}"]
    argv += ["--origin", origin_of(case, playground.page_port), "--method", case.method]
    for name in case.request_headers:
        argv += ["--header", f"{name}: {PAGE_HEADER_VALUES[name]}"]
    if case.credentials:
        argv.append("--credentials")
    return [*argv, "--timeout", "5", "--json"]


def verdict_of(case: Case, status: int, report: dict[str, Any]) -> str:
    """``check``'s report in the browser suite's words."""
    assert status == (0 if report["allowed"] else 1)
    if not report["allowed"]:
        return "blocked"
    if case.reads is None:
        return "allowed"
    return "readable" if case.reads.lower() in report["readable_headers"] else "hidden"


@pytest.mark.parametrize(
    ("adapter", "config", "case", "expected"),
    COMPARED,
    ids=[f"{adapter}/{config}/{case}" for adapter, config, case, _ in COMPARED],
)
def test_check_reaches_chromiums_verdict(
    adapter: str,
    config: str,
    case: str,
    expected: str,
    playgrounds: dict[tuple[str, str], Playground],
) -> None:
    request, playground = BY_NAME[case], playgrounds[adapter, config]
    out = io.StringIO()
    status = main(check_argv(request, playground), stdout=out)
    report = json.loads(out.getvalue())
    assert verdict_of(request, status, report) == expected, report.get("console")
    if expected == "blocked":  # says so as Chromium's console would, and how to fix it
        assert report["console"].startswith(
            f"Access to fetch at 'http://127.0.0.1:{playground.api_port}{request.path}' from origin "
            f"'{origin_of(request, playground.page_port)}' has been blocked by CORS policy: "
        )
        assert report["fix"]


def test_every_case_is_compared_or_says_why_not() -> None:
    assert set(NOT_EXPRESSIBLE) <= set(CASE_NAMES)
    compared = set(CASE_NAMES) - set(NOT_EXPRESSIBLE)
    assert len(compared) == 10
    assert {verdict for config, case, verdict in EXPECTED if case in compared} == VERDICTS_CHECK_CAN_REACH
    assert len(COMPARED) == len(ADAPTERS) * len(CONFIG_NAMES) * len(compared)
    # Every header a compared case sets has the value the page sends.
    assert {name for case in compared for name in BY_NAME[case].request_headers} == set(PAGE_HEADER_VALUES)


def test_header_values_are_the_ones_the_page_sends() -> None:
    script = (Path(__file__).parents[2] / "playground" / "static" / "playground.js").read_text()
    pairs = re.findall(r'"(Content-Type|X-Custom-Header)": "([^"]*)"', script)
    assert pairs
    assert {(name.lower(), value) for name, value in pairs} == set(PAGE_HEADER_VALUES.items())


def test_check_sends_each_case_as_the_page_does(playgrounds: dict[tuple[str, str], Playground]) -> None:
    """The mapping itself: the origin and preflight check sent for two of the cases."""
    playground = playgrounds["middleware", "allow-all"]
    out = io.StringIO()
    main(check_argv(BY_NAME["put-custom-header"], playground), stdout=out)
    report = json.loads(out.getvalue())
    assert dict(report["preflight"]["request_headers"]) == {
        "Origin": playground.page_origin,
        "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "content-type,x-custom-header",
    }
    assert report["actual"]["status"] == 200
    out = io.StringIO()
    main(check_argv(BY_NAME["subdomain-origin"], playground), stdout=out)
    report = json.loads(out.getvalue())
    assert report["preflight"] is None
    assert dict(report["actual"]["request_headers"]) == {
        "Origin": f"http://sub.app.localhost:{playground.page_port}"
    }


# ``explain`` judges the same configurations offline. It does not run the application, so it
# cannot know which headers a response carries: the cases that read one are check's alone.
EXPLAINED = [
    (config, case, verdict)
    for config, case, verdict in EXPECTED
    if case not in NOT_EXPRESSIBLE and BY_NAME[case].reads is None
]
PAGE_PORT = 8000


@pytest.mark.parametrize(
    ("config", "case", "expected"), EXPLAINED, ids=[f"{config}/{case}" for config, case, _ in EXPLAINED]
)
def test_explain_reaches_chromiums_verdict(config: str, case: str, expected: str, tmp_path: Path) -> None:
    options = tmp_path / "cors.json"
    options.write_text(json.dumps(options_for(config, PAGE_PORT)))
    request = BY_NAME[case]
    argv = ["explain", "--config", str(options), "--path", request.path, "--method", request.method]
    argv += ["--origin", origin_of(request, PAGE_PORT)]
    for name in request.request_headers:
        argv += ["--header", f"{name}: {PAGE_HEADER_VALUES[name]}"]
    argv += ["--credentials", "--json"] if request.credentials else ["--json"]
    out = io.StringIO()
    status = main(argv, stdout=out)
    report = json.loads(out.getvalue())
    assert report["warnings"] == []
    assert verdict_of(request, status, report) == expected, report.get("console")
