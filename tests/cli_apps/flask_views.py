"""Flask applications whose CORS policy depends on routing, for ``explain --app``.

Each origin is granted by one policy only, so a test can tell which policy decided:
``VIEW`` by the ``@cross_origin`` view, ``PARTNER`` by the blueprint's ``CORS(partners)``,
``SITE`` by the application-wide ``CORS(app)``.
"""

from __future__ import annotations

from flask import Blueprint, Flask

from wsgi_cors.flask import CORS, cross_origin

VIEW = "https://view.example"
PARTNER = "https://partner.example"
SITE = "https://site.example"

app = Flask(__name__)


@app.route("/view", methods=["GET", "PUT"])
@cross_origin(origins=[VIEW], expose_headers=["X-View"])
def view() -> str:
    return "view"


@app.route("/plain")
def plain() -> str:
    return "plain"


partners = Blueprint("partners", __name__, url_prefix="/partners")


@partners.route("/feed")
def feed() -> str:
    return "feed"


CORS(partners, origins=[PARTNER])
app.register_blueprint(partners)
CORS(app, origins=[SITE])

# Routing by host: the decorated view exists on api.example.com only.
hosted = Flask(__name__, host_matching=True, static_host="api.example.com")


@hosted.route("/view", host="api.example.com")
@cross_origin(origins=[VIEW])
def hosted_view() -> str:
    return "hosted view"


CORS(hosted, origins=[SITE])
