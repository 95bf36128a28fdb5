"""The browser suite against the Django example project, served by gunicorn as it would be
deployed: ``examples/django_project`` with ``wsgi_cors.django.CorsMiddleware`` in ``MIDDLEWARE``
and its own ``CORS_*`` settings, the page's origin allowed in place of its
``https://app.example.com`` (``django_example_settings.py``).

The playground page calls the Django server instead of its own API. Only the cases that apply to
the example's configuration and routes are judged (:data:`tests.browser.cases.DJANGO_EXAMPLE`).
"""

from __future__ import annotations

from contextlib import ExitStack

import pytest

from playground.serve import Playground
from tests.test_servers import GUNICORN_LISTENING, _environment, _gunicorn, serving

from .cases import CASE_NAMES, DJANGO_EXAMPLE
from .conftest import PageRun, run_playgrounds

pytestmark = pytest.mark.browser

KEY = "django/example"


class DjangoExamplePlayground(Playground):
    """The playground's page server, its API origin pointing at the Django example under gunicorn.

    The playground's own API server still listens but is never called; so the preflight counts
    the page asks for stay at 0 (no applicable case's verdict depends on them).
    """

    def __init__(self) -> None:
        super().__init__("allow-all", "middleware")
        self.config, self.adapter = "example", "django"
        self._server = ExitStack()

    def start(self) -> DjangoExamplePlayground:
        environ = _environment(
            DJANGO_SETTINGS_MODULE="tests.browser.django_example_settings",
            WSGI_CORS_PAGE_ORIGIN=self.page_origin,
        )
        command = _gunicorn("--threads", "8", "examples.django_project.wsgi")
        self.api_port = self._server.enter_context(serving(command, environ, GUNICORN_LISTENING))
        super().start()
        return self

    def stop(self) -> None:
        try:
            super().stop()
        finally:
            self._server.close()


@pytest.fixture(scope="module")
def django_run(chromium: str) -> PageRun:
    return run_playgrounds(chromium, [DjangoExamplePlayground])[KEY]


@pytest.mark.parametrize(("case", "expected"), sorted(DJANGO_EXAMPLE.items()))
def test_chromium_verdict_against_the_django_example(django_run: PageRun, case: str, expected: str) -> None:
    assert django_run.results.get(case, {}).get("verdict") == expected, django_run.explain(case)


def test_django_page_reports_exactly_the_known_cases(django_run: PageRun) -> None:
    assert sorted(django_run.results) == sorted(CASE_NAMES)
