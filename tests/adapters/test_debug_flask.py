"""Debug mode with the Flask adapter: ``CORS_DEBUG`` in ``app.config``, blueprints, views, and
no warning while Flask runs in development."""

from __future__ import annotations

import warnings

import pytest
from flask import Blueprint, Flask

from wsgi_cors import ConfigurationError, CORSDebugWarning
from wsgi_cors.debug import DEBUG_HEADER
from wsgi_cors.flask import CORS, cross_origin

DEV = "http://localhost:3000"
WHOLE_CONFIGURATION = "'debug' here: it applies to the whole configuration"


def test_a_decorated_view_cannot_set_debug() -> None:
    with pytest.raises(ConfigurationError, match=WHOLE_CONFIGURATION):
        cross_origin(debug=True)  # type: ignore[call-arg]


def test_flask_app_config_turns_debug_on_for_the_app_and_its_decorated_views() -> None:
    app = Flask(__name__)
    app.config.update(CORS_DEBUG=True, CORS_ORIGINS=[DEV], CORS_ALLOW_HEADERS=["Content-Type"])
    app.testing = True  # development: no warning

    @app.route("/view", methods=["PUT"])
    @cross_origin(methods=["PUT"])
    def view() -> str:
        return "view"

    @app.route("/items", methods=["PUT"])
    def items() -> str:
        return "items"

    CORS(app)
    client = app.test_client()
    for path in ("/items", "/view"):
        response = client.options(
            path,
            headers={
                "Origin": DEV,
                "Access-Control-Request-Method": "PUT",
                "Access-Control-Request-Headers": "x-token",
            },
        )
        assert response.headers["Access-Control-Allow-Origin"] == DEV
        assert response.headers[DEBUG_HEADER].startswith('refusal=header-refused; detail="x-token"')


def test_flask_in_debug_or_testing_is_development() -> None:
    app = Flask(__name__)
    app.debug = True
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CORS(app, debug=True)
    production = Flask(__name__)
    with pytest.warns(CORSDebugWarning):
        CORS(production, debug=True)


def test_a_blueprints_own_cors_takes_debug_as_a_keyword() -> None:
    blueprint = Blueprint("api", __name__)

    @blueprint.route("/items", methods=["PUT"])
    def items() -> str:
        return "items"

    CORS(blueprint, origins=[DEV], methods=["GET"], debug=True)  # loopback origins: no warning
    app = Flask(__name__)
    app.register_blueprint(blueprint, url_prefix="/api")
    response = app.test_client().options(
        "/api/items", headers={"Origin": DEV, "Access-Control-Request-Method": "PUT"}
    )
    assert response.headers["Access-Control-Allow-Methods"] == "GET"
    assert response.headers[DEBUG_HEADER] == 'refusal=method-refused; detail="PUT"; resource="/*"'
