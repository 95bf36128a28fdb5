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
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from tests.peer_suites import deviations_for, fetch_tests, judge, run_pytest

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


def write_shim(into: Path) -> Path:
    package = into / "shim" / "flask_cors"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(SHIM_INIT)
    (package / "core.py").write_text(SHIM_CORE)
    return package.parent


def run_suite(tests: Path, shim: Path, into: Path) -> dict[str, str]:
    """Run pytest on the public-API tests; ``test id -> "passed" | "failed" | "skipped"``."""
    ignores = [f"--ignore={tests / part}" for part in INTERNAL_TESTS]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(shim), str(REPOSITORY)])}
    return run_pytest(tests.parent, [*ignores, str(tests)], environment, into)


def check_version(version: str) -> bool:
    """Run one version's suite and print its counts; whether every failure is a listed deviation."""
    with tempfile.TemporaryDirectory(prefix="flask-cors-suite-") as temporary:
        into = Path(temporary)
        exact, tests = fetch_tests("flask-cors", version, into)
        outcomes = run_suite(tests, write_shim(into), into)
    return judge(f"flask-cors {exact}: public-API tests", outcomes, deviations_for(DEVIATIONS, exact))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("versions", nargs="*", default=list(DEFAULT_VERSIONS))
    arguments = parser.parse_args(argv)
    results = [check_version(version) for version in arguments.versions]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
