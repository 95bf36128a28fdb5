"""Run django-cors-headers's own tests against ``wsgi_cors.django``, as a team switching would.

::

    PYTHONPATH=$PWD python -m tests.django_cors_headers_suite            # 4.1.0
    PYTHONPATH=$PWD python -m tests.django_cors_headers_suite 3.14.0     # another version

The published sdist is fetched from PyPI into a temporary directory (the tests never enter this
repository); 4.1.0 is the newest whose sdist ships its ``tests/``. The sdist leaves out the test
project the tests run in (settings, URLs, views, helpers), so this script writes its own from
what the tests ask for, with ``wsgi_cors.django`` in ``INSTALLED_APPS`` and its
``CorsMiddleware`` in ``MIDDLEWARE``: the two lines a switching team changes. A throwaway
package named ``corsheaders``, first on the path, re-exports our public names
(``corsheaders.middleware.CorsMiddleware``, ``corsheaders.signals.check_request_enabled``,
``corsheaders.defaults``), so the tests import us where they meant to import django-cors-headers.

All of its tests run. ``test_checks.py`` calls ``corsheaders.checks.check_settings()``, here our
``wsgi_cors.django.checks.check_settings``; ``test_conf.py`` reads the private
``corsheaders.conf.conf``, here ``wsgi_cors.django.conf.conf``, our view of the same settings
(new name, else old alias, else default).

Every failure must be one of :data:`DEVIATIONS`, each pinned to the heading of
``docs/migrating-from-django-cors-headers.md`` that explains why we answer differently; the exit
status is 1 when a test fails that is not listed, or a listed test passes (the list is stale).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from tests import peer_suites

REPOSITORY = Path(__file__).resolve().parent.parent
GUIDE = REPOSITORY / "docs" / "migrating-from-django-cors-headers.md"
DEFAULT_VERSIONS = ("4.1.0",)

#: The stand-in for django-cors-headers's package, built at run time.
SHIM = {
    "__init__.py": '"""corsheaders, answered by wsgi_cors.django (a test stand-in)."""\n',
    "middleware.py": '''"""corsheaders.middleware: our middleware, and the header names the tests import."""
from wsgi_cors.django import CorsMiddleware  # noqa: F401

ACCESS_CONTROL_ALLOW_ORIGIN = "access-control-allow-origin"
ACCESS_CONTROL_EXPOSE_HEADERS = "access-control-expose-headers"
ACCESS_CONTROL_ALLOW_CREDENTIALS = "access-control-allow-credentials"
ACCESS_CONTROL_ALLOW_HEADERS = "access-control-allow-headers"
ACCESS_CONTROL_ALLOW_METHODS = "access-control-allow-methods"
ACCESS_CONTROL_MAX_AGE = "access-control-max-age"
ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK = "access-control-request-private-network"
ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK = "access-control-allow-private-network"
''',
    "signals.py": "from wsgi_cors.django import check_request_enabled  # noqa: F401\n",
    "defaults.py": "from wsgi_cors.django.defaults import default_headers, default_methods  # noqa: F401\n",
    # What test_checks.py calls: our checks, with wsgi_cors ids (the `check-ids` deviation).
    "checks.py": "from wsgi_cors.django.checks import check_settings  # noqa: F401\n",
    # The settings view test_conf.py reads: ours (new name, else old alias, else default).
    "conf.py": "from wsgi_cors.django.conf import conf  # noqa: F401\n",
}

#: The test project the sdist does not ship, written from what its tests use.
PROJECT = {
    "__init__.py": "",
    "settings.py": """SECRET_KEY = "test-only-not-secret"
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = ["wsgi_cors.django"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
ROOT_URLCONF = "tests.urls"
MIDDLEWARE = ["wsgi_cors.django.CorsMiddleware"]
USE_TZ = True
""",
    "urls.py": """from django.urls import path

from tests import views

urlpatterns = [
    path("", views.index),
    path("async/", views.asynchronous),
    path("unauthorized/", views.unauthorized),
    path("delete-enabled/", views.drops_private_attribute),
]
""",
    "views.py": """from django.http import HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def index(request):
    return HttpResponse("index")


async def asynchronous(request):
    return HttpResponse("async")


def unauthorized(request):
    return HttpResponse("no", status=401)


def drops_private_attribute(request):
    vars(request).pop("_cors_enabled", None)
    return HttpResponse()
""",
    "utils.py": """from contextlib import contextmanager

from django.test.utils import modify_settings

from corsheaders.signals import check_request_enabled


def append_middleware(path):
    return modify_settings(MIDDLEWARE={"append": path})


def prepend_middleware(path):
    return modify_settings(MIDDLEWARE={"prepend": path})


@contextmanager
def temporary_check_request_hander(handler):
    check_request_enabled.connect(handler)
    try:
        yield
    finally:
        check_request_enabled.disconnect(handler)
""",
    "conftest.py": """import os

import django
from django.test.utils import setup_test_environment

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
django.setup()
setup_test_environment()
""",
}

_VARY_SPELLING = "`Vary: Origin` is spelled with a capital O (`vary-spelling`)"
_VARY_PREFLIGHT = "Preflight answers vary on the request method and headers (`vary-preflight`)"
_ECHO = "`Access-Control-Allow-Headers` names the requested headers (`allow-headers-requested`)"
_PNA = "Private Network Access only on granted preflights (`private-network`)"
_CHECK_IDS = "Check ids are `wsgi_cors.*` (`check-ids`)"
_REMOVED_SETTINGS = "Unknown `CORS_*` settings warn (`unknown-settings`)"
_CORS_ENABLED = "No `request._cors_enabled` (`cors-enabled-attribute`)"
_MIDDLEWARE = "tests/test_middleware.py::CorsMiddlewareTests::"
_CHECKS = "tests/test_checks.py::ChecksTests::"
#: Tests comparing ``check_settings()``'s ids with ``corsheaders.E0xx``: ours reports an error
#: for each of these settings too, under a ``wsgi_cors`` id (held by
#: ``test_our_checks_refuse_what_theirs_refuse`` in tests/adapters/test_django_differential.py).
_CHECK_ID_TESTS = (
    "test_cors_allow_headers_non_sequence",
    "test_cors_allow_headers_non_string",
    "test_cors_allow_methods_non_sequence",
    "test_cors_allow_methods_non_string",
    "test_cors_allow_credentials_non_bool",
    "test_cors_allow_network_access_non_bool",
    "test_cors_preflight_max_age_non_integer",
    "test_cors_preflight_max_age_negative",
    "test_cors_allow_all_origins_non_bool",
    "test_cors_allow_all_origins_old_name",
    "test_cors_allowed_origins_non_sequence",
    "test_cors_allowed_origins_non_string",
    "test_cors_allowed_origins_old_name",
    "test_cors_allowed_origins_no_scheme",
    "test_cors_allowed_origins_no_scheme_old_name",
    "test_cors_allowed_origins_no_netloc",
    "test_cors_allowed_origins_path",
    "test_cors_allowed_origins_path_old_name",
    "test_cors_allowed_origin_regexes_non_sequence",
    "test_cors_allowed_origin_regexes_old_name",
    "test_cors_expose_headers_non_sequence",
    "test_cors_expose_headers_non_string",
    "test_cors_urls_regex_non_string",
)

#: Each deliberate difference, as ``file::Class::test`` -> the migration guide heading; by
#: exact version, else by major version.
DEVIATIONS: Mapping[str, Mapping[str, str]] = {
    "4": {
        f"{_MIDDLEWARE}test_get_origin_vary_by_default": _VARY_SPELLING,
        f"{_MIDDLEWARE}test_allow_all_origins_get": _VARY_SPELLING,
        f"{_MIDDLEWARE}test_allow_all_origins_options": _VARY_PREFLIGHT,
        # A preflight that asks for no header gets no Access-Control-Allow-Headers.
        f"{_MIDDLEWARE}test_options_allowed_origin": _ECHO,
        f"{_MIDDLEWARE}test_async_options_allowed_origin": _ECHO,
        f"{_MIDDLEWARE}test_options_no_max_age": _ECHO,
        # A GET asking for Private Network Access gets no Access-Control-Allow-Private-Network.
        f"{_MIDDLEWARE}test_allow_private_network_added_if_enabled_and_requested": _PNA,
        f"{_MIDDLEWARE}test_cors_enabled_is_attached_and_bool": _CORS_ENABLED,
        **{f"{_CHECKS}{name}": _CHECK_IDS for name in _CHECK_ID_TESTS},
        # CORS_MODEL and CORS_REPLACE_HTTPS_REFERER: warnings (wsgi_cors.W002), not errors.
        f"{_CHECKS}test_cors_model_failure": _REMOVED_SETTINGS,
        f"{_CHECKS}test_cors_replace_https_referer_failure": _REMOVED_SETTINGS,
    },
}


def fetch_tests(version: str, into: Path) -> tuple[str, Path]:
    """The published ``tests/`` of ``django-cors-headers==version``, with this test project."""
    exact, tests = peer_suites.fetch_tests("django-cors-headers", version, into)
    if int(exact.split(".", 1)[0]) < 4:
        # 3.x's tests call other URLs and test features 4.0 removed (CORS_REPLACE_HTTPS_REFERER).
        raise SystemExit(f"django-cors-headers {exact}: only the 4.x tests run on this test project")
    for name, text in PROJECT.items():
        (tests / name).write_text(text)
    return exact, tests


def write_shim(into: Path) -> Path:
    """The ``corsheaders`` stand-in, and ``wsgi_cors`` from this checkout (not the installed one)."""
    shim = into / "shim"
    package = shim / "corsheaders"
    package.mkdir(parents=True)
    for name, text in SHIM.items():
        (package / name).write_text(text)
    (shim / "wsgi_cors").symlink_to(REPOSITORY / "wsgi_cors", target_is_directory=True)
    return shim


def run_suite(tests: Path, shim: Path, into: Path) -> dict[str, str]:
    """Run pytest on every test; ``test id -> "passed" | "failed" | "skipped"``."""
    root = tests.parent
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), str(shim)])}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    return peer_suites.run_pytest(root, ["tests"], environment, into)


def check_version(version: str) -> bool:
    """Run one version's tests and print the counts; whether every failure is a listed deviation."""
    with tempfile.TemporaryDirectory(prefix="django-cors-headers-suite-") as temporary:
        into = Path(temporary)
        exact, tests = fetch_tests(version, into)
        outcomes = run_suite(tests, write_shim(into), into)
    expected = peer_suites.deviations_for(DEVIATIONS, exact)
    listed = peer_suites.judge(f"django-cors-headers {exact}: tests", outcomes, expected)
    lines = GUIDE.read_text(encoding="utf-8").splitlines()
    headings = {line.removeprefix("### ") for line in lines if line.startswith("### ")}
    missing = sorted(set(expected.values()) - headings)
    for heading in missing:
        print(f"  no such heading in {GUIDE.name}: {heading}")
    return listed and not missing


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("versions", nargs="*", default=list(DEFAULT_VERSIONS))
    arguments = parser.parse_args(argv)
    results = [check_version(version) for version in arguments.versions]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
