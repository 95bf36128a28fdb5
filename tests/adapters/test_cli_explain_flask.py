"""``wsgi-cors explain --app`` on a Flask application: it selects the policy the server selects.

A view's or blueprint's own policy (``cross_origin``, ``CORS(blueprint)``) is chosen by
``FlaskCORSMiddleware``'s routing; ``explain`` must report the decision that routing reaches,
checked here against the headers the running application sends.
"""

from __future__ import annotations

import pytest

from tests.cli_apps import flask_views
from tests.core.test_cli_explain import _served, run, run_json

FLASK_APP = "tests.cli_apps.flask_views:app"


def test_cross_origin_view_is_allowed_for_its_origin_as_the_server_does() -> None:
    # Before explain selected with the middleware, it read only CORS(app)'s resources: BLOCKED.
    status, report = run_json("--app", FLASK_APP, "--origin", flask_views.VIEW, "--path", "/view")
    assert status == 0
    assert report["routing"] == "FlaskCORSMiddleware"
    assert report["routed"] is True
    assert report["origin_rule"] == f"exact origin '{flask_views.VIEW}'"
    assert report["actual"]["headers"] == [  # type: ignore[index]
        ["Access-Control-Allow-Origin", flask_views.VIEW],
        ["Access-Control-Expose-Headers", "X-View"],
        ["Vary", "Origin"],
    ]
    served = _served(flask_views.app, "GET", "/view", {"Origin": flask_views.VIEW})
    assert report["actual"]["headers"] == served  # type: ignore[index]


def test_cross_origin_view_refuses_the_application_wide_origin_as_the_server_does() -> None:
    status, output = run("--app", FLASK_APP, "--origin", flask_views.SITE, "--path", "/view")
    lines = output.splitlines()
    assert status == 1
    assert (
        "1. Resource: FlaskCORSMiddleware routed '/view' to the view's or blueprint's policy '/*'." in lines
    )
    assert "  Cause: the view's or blueprint's policy '/*' refused the request: origin not allowed." in lines
    assert _served(flask_views.app, "GET", "/view", {"Origin": flask_views.SITE}) == [["Vary", "Origin"]]


def test_cross_origin_view_preflight_is_the_one_the_server_answers() -> None:
    status, report = run_json("--app", FLASK_APP, "--origin", flask_views.VIEW, "--path", "/view",
                              "--method", "PUT", "--header", "X-Token: 1")  # fmt: skip
    assert status == 0
    served = _served(
        flask_views.app,
        "OPTIONS",
        "/view",
        {
            "Origin": flask_views.VIEW,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "x-token",
        },
    )
    assert report["preflight"]["headers"] == served  # type: ignore[index]
    assert report["preflight"]["answered_by_middleware"] is True  # type: ignore[index]


@pytest.mark.parametrize(
    ("origin", "status"), [(flask_views.PARTNER, 0), (flask_views.SITE, 1), (flask_views.VIEW, 1)]
)
def test_blueprint_policy_decides_its_views(origin: str, status: int) -> None:
    result, report = run_json("--app", FLASK_APP, "--origin", origin, "--path", "/partners/feed")
    assert result == status
    assert report["routed"] is True
    assert report["actual"]["headers"] == _served(  # type: ignore[index]
        flask_views.app, "GET", "/partners/feed", {"Origin": origin}
    )


def test_views_without_a_policy_of_their_own_get_the_application_wide_one() -> None:
    status, output = run("--app", FLASK_APP, "--origin", flask_views.SITE, "--path", "/plain")
    assert status == 0
    assert "1. Resource: '/*' covers '/plain'." in output.splitlines()


@pytest.mark.parametrize(("host", "status"), [("127.0.0.1", 1), ("api.example.com", 0)])
def test_host_selects_the_view_of_a_host_routed_application(host: str, status: int) -> None:
    app = "tests.cli_apps.flask_views:hosted"
    result, report = run_json("--app", app, "--host", host, "--origin", flask_views.VIEW, "--path", "/view")
    assert result == status
    assert report["routed"] is (status == 0)
