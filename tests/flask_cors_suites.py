"""Run flask-cors's own test suites against ``wsgi_cors.flask``, as a team switching its import would.

::

    PYTHONPATH=$PWD python -m tests.flask_cors_suites            # 3.0.10 and the newest 6.0.x
    PYTHONPATH=$PWD python -m tests.flask_cors_suites 3.0.10     # one version

For each version the published sdist is fetched from PyPI into a temporary directory (the
suites never enter this repository), and only its ``tests/`` are kept. A throwaway package
named ``flask_cors`` that re-exports :mod:`wsgi_cors.flask` is put first on the path, so the
suites import us where they meant to import flask-cors. Tests of flask-cors's internal
helpers (``core/helper_tests.py``, ``core/test_helpers.py``) and its static typing checks
(``tests/typecheck``) are not run: they call functions that are no part of the public API.

Every failure must be one of :data:`DEVIATIONS`, each pinned to the migration guide heading
(``docs/migrating-from-flask-cors.md``) that explains why we answer differently; the exit
status is 1 when a test fails that is not listed, or a listed test passes (the list is stale).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tarfile
import tempfile
import xml.etree.ElementTree as ElementTree
from collections.abc import Mapping, Sequence
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
DEFAULT_VERSIONS = ("3.0.10", "6.0.*")

#: The stand-in for flask-cors's package: its public names, from our adapter.
SHIM_INIT = '''"""flask_cors, answered by wsgi_cors.flask (a test stand-in, built at run time)."""
from wsgi_cors.flask import *  # noqa: F403
from wsgi_cors.flask import CORS, cross_origin  # noqa: F401
'''

#: ``flask_cors.core``'s header-name constants, which the suites import with ``*``.
SHIM_CORE = '''"""The header names flask-cors's tests import from flask_cors.core."""
ACL_ORIGIN = "Access-Control-Allow-Origin"
ACL_METHODS = "Access-Control-Allow-Methods"
ACL_ALLOW_HEADERS = "Access-Control-Allow-Headers"
ACL_EXPOSE_HEADERS = "Access-Control-Expose-Headers"
ACL_CREDENTIALS = "Access-Control-Allow-Credentials"
ACL_MAX_AGE = "Access-Control-Max-Age"
ACL_RESPONSE_PRIVATE_NETWORK = "Access-Control-Allow-Private-Network"
ACL_REQUEST_METHOD = "Access-Control-Request-Method"
ACL_REQUEST_HEADERS = "Access-Control-Request-Headers"
ACL_REQUEST_HEADER_PRIVATE_NETWORK = "Access-Control-Request-Private-Network"
ALL_METHODS = ["GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"]
'''

#: Test files that exercise flask-cors internals (or mypy), not its public API.
INTERNAL_TESTS = ("core/helper_tests.py", "core/test_helpers.py", "typecheck")

_REFUSAL = "A refused preflight carries no grant headers (`preflight-refusal-total`)"
_INTERCEPT = "`intercept_exceptions=False` is honoured (`intercept-exceptions`)"
_FULLMATCH = "Regexes match the whole value, not a prefix (`regex-fullmatch`)"
_VARY = "Vary: Origin wherever the answer depends on Origin (`vary-origin`)"
_PNA = "Private Network Access: only `true`, only on granted preflights (`private-network`)"

_COMMON = {
    "tests/decorator/test_allow_headers.py::AllowHeadersTestCaseIntegration::"
    "test_allow_headers_with_unmatched_request_headers": _REFUSAL,
    "tests/decorator/test_exception_interception.py::NoExceptionInterceptionTestCase::"
    "test_acl_abort_404": _INTERCEPT,
    "tests/decorator/test_exception_interception.py::NoExceptionInterceptionTestCase::"
    "test_acl_abort_500": _INTERCEPT,
    "tests/decorator/test_exception_interception.py::NoExceptionInterceptionTestCase::"
    "test_acl_exception_with_error_handler": _INTERCEPT,
    "tests/decorator/test_origins.py::OriginsTestCase::test_regex_list": _FULLMATCH,
    "tests/extension/test_app_extension.py::AppExtensionRegexp::test_regex_list": _FULLMATCH,
    "tests/decorator/test_vary_header.py::VaryHeaderTestCase::test_consistent_origin": _VARY,
    "tests/decorator/test_vary_header.py::VaryHeaderTestCase::test_consistent_origin_concat": _VARY,
}

#: Each deliberate difference, as ``file::Class::test`` -> the migration guide heading; by
#: exact version, else by major version.
DEVIATIONS: Mapping[str, Mapping[str, str]] = {
    "3.0.10": _COMMON,
    "6": {
        **_COMMON,
        "tests/decorator/test_private_network_headers.py::SupportsCredentialsCase::"
        "test_credentials_supported": _PNA,
        "tests/decorator/test_private_network_headers.py::SupportsCredentialsCase::"
        "test_credentials_unsupported": _PNA,
    },
}


def fetch_tests(version: str, into: Path) -> tuple[str, Path]:
    """Download the sdist of ``flask-cors==version`` and unpack its ``tests/``; the exact version."""
    download = into / "sdist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--no-binary",
            ":all:",
            f"flask-cors=={version}",
            "-d",
            str(download),
        ],
        check=True,
    )
    (archive,) = download.iterdir()
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if "/tests/" in m.name and (m.isfile() or m.isdir())]
        tar.extractall(into / "unpacked", members=members, filter="data")
    (root,) = (into / "unpacked").iterdir()
    exact = root.name.rsplit("-", 1)[1]
    return exact, root / "tests"


def write_shim(into: Path) -> Path:
    package = into / "shim" / "flask_cors"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(SHIM_INIT)
    (package / "core.py").write_text(SHIM_CORE)
    return package.parent


def run_suite(tests: Path, shim: Path, into: Path) -> dict[str, str]:
    """Run pytest on the public-API tests; ``test id -> "passed" | "failed" | "skipped"``."""
    report = into / "report.xml"
    ini = into / "pytest.ini"
    ini.write_text("[pytest]\n")
    ignores = [f"--ignore={tests / part}" for part in INTERNAL_TESTS]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(shim), str(REPOSITORY)])}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-c",
            str(ini),
            "--rootdir",
            str(tests.parent),
            f"--junitxml={report}",
            *ignores,
            str(tests),
        ],
        env=environment,
        cwd=tests.parent,
        stdout=subprocess.DEVNULL,
        check=False,
    )
    outcomes: dict[str, str] = {}
    for case in ElementTree.parse(report).iter("testcase"):
        module = case.get("classname", "").rsplit(".", 1)
        path = module[0].replace(".", "/") + ".py"
        test_id = f"{path}::{module[1]}::{case.get('name')}"
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error"):
                outcome = "failed"
            elif child.tag == "skipped":
                outcome = "skipped"
        outcomes[test_id] = outcome
    return outcomes


def deviations_for(version: str) -> Mapping[str, str]:
    return DEVIATIONS.get(version) or DEVIATIONS.get(version.split(".", 1)[0], {})


def check_version(version: str) -> bool:
    """Run one version's suite and print its counts; whether every failure is a listed deviation."""
    with tempfile.TemporaryDirectory(prefix="flask-cors-suite-") as temporary:
        into = Path(temporary)
        exact, tests = fetch_tests(version, into)
        outcomes = run_suite(tests, write_shim(into), into)
    expected = deviations_for(exact)
    failed = sorted(test for test, outcome in outcomes.items() if outcome == "failed")
    passed = sum(outcome == "passed" for outcome in outcomes.values())
    skipped = sum(outcome == "skipped" for outcome in outcomes.values())
    print(
        f"flask-cors {exact}: {passed} of {len(outcomes) - skipped} public-API tests pass "
        f"({skipped} skipped by the suite itself); failures and their migration-guide headings:"
    )
    for test in failed:
        print(f"  {test}: {expected.get(test, 'NOT A LISTED DEVIATION')}")
    unexpected = [test for test in failed if test not in expected]
    stale = [test for test in expected if outcomes.get(test) != "failed"]
    for test in stale:
        print(f"  listed as a deviation but {outcomes.get(test, 'not run')}: {test}")
    return not unexpected and not stale


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("versions", nargs="*", default=list(DEFAULT_VERSIONS))
    arguments = parser.parse_args(argv)
    results = [check_version(version) for version in arguments.versions]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
