"""The browser suite against the Django example project, served as it would be deployed:
by gunicorn (``wsgi.py``) and by uvicorn (``asgi.py``). ``examples/django_project`` has
``wsgi_cors.django.CorsMiddleware`` in ``MIDDLEWARE`` and its own ``CORS_*`` settings; the
page's origin is allowed in place of its ``https://app.example.com``
(``django_example_settings.py``).

The playground page calls the Django server instead of its own API. Only the cases that apply to
the example's configuration and routes are judged (:data:`tests.browser.cases.DJANGO_EXAMPLE`).
"""

from __future__ import annotations

from contextlib import ExitStack

import pytest

from playground.serve import Playground
from tests.e2e.test_django_servers import UVICORN_LISTENING, _uvicorn
from tests.e2e.test_servers import GUNICORN_LISTENING, _environment, _gunicorn, serving

from .cases import CASE_NAMES, DJANGO_EXAMPLE
from .conftest import PageRun, run_playgrounds

pytestmark = pytest.mark.browser

#: How each server is started, and how its log says where it listens.
SERVERS = {
    "wsgi": (lambda: _gunicorn("--threads", "8", "examples.django_project.wsgi"), GUNICORN_LISTENING),
    "asgi": (_uvicorn, UVICORN_LISTENING),
}


class DjangoExamplePlayground(Playground):
    """The playground's page server, its API origin pointing at the Django example's server.

    The playground's own API server still listens but is never called; so the preflight counts
    the page asks for stay at 0 (no applicable case's verdict depends on them).
    """

    def __init__(self, server: str) -> None:
        super().__init__("allow-all", "middleware")
        self.config, self.adapter = "example", f"django-{server}"
        self.server = server
        self._server = ExitStack()

    def start(self) -> DjangoExamplePlayground:
        environ = _environment(
            DJANGO_SETTINGS_MODULE="tests.browser.django_example_settings",
            WSGI_CORS_PAGE_ORIGIN=self.page_origin,
        )
        command, listening = SERVERS[self.server]
        self.api_port = self._server.enter_context(serving(command(), environ, listening))
        super().start()
        return self

    def stop(self) -> None:
        try:
            super().stop()
        finally:
            self._server.close()


@pytest.fixture(scope="module")
def django_runs(chromium: str) -> dict[str, PageRun]:
    """Both servers' pages, in one Chromium launch, keyed by server."""
    makers = [lambda server=server: DjangoExamplePlayground(server) for server in SERVERS]
    runs = run_playgrounds(chromium, makers)
    return {server: runs[f"django-{server}/example"] for server in SERVERS}


@pytest.mark.parametrize("server", sorted(SERVERS))
@pytest.mark.parametrize(("case", "expected"), sorted(DJANGO_EXAMPLE.items()))
def test_chromium_verdict_against_the_django_example(
    django_runs: dict[str, PageRun], server: str, case: str, expected: str
) -> None:
    run = django_runs[server]
    assert run.results.get(case, {}).get("verdict") == expected, run.explain(case)


@pytest.mark.parametrize("server", sorted(SERVERS))
def test_django_page_reports_exactly_the_known_cases(django_runs: dict[str, PageRun], server: str) -> None:
    assert sorted(django_runs[server].results) == sorted(CASE_NAMES)
