"""Falcon: wrap the ``falcon.App`` (leave its own ``cors_enable`` off).

Falcon answers plain ``OPTIONS`` itself (with ``Allow``) and serialises errors as JSON with
``Vary: Accept``; both keep working, with CORS headers added and ``Origin`` merged into Vary.

Run it::

    gunicorn examples.falcon_app:application
"""

from __future__ import annotations

import falcon

from wsgi_cors import CORSMiddleware

ALLOWED_ORIGIN = "https://app.example.com"


class Items:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"items": ["apple", "pear"]}
        resp.set_header("X-Request-Id", "42")
        resp.vary = ("Accept-Language",)


class Boom:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        raise RuntimeError("an unhandled error: falcon answers with its own 500 error")


class Health:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = falcon.MEDIA_TEXT
        resp.text = "ok"


app = falcon.App()
app.add_route("/api/items", Items())
app.add_route("/api/boom", Boom())
app.add_route("/health", Health())

application = CORSMiddleware(
    app,
    resources=r"/api/*",
    origins=[ALLOWED_ORIGIN],
    allow_headers=["Content-Type", "Authorization"],
    expose_headers=["X-Request-Id"],
    supports_credentials=True,
    max_age=600,
)
