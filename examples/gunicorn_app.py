"""A server entrypoint configured by the environment: no code change between deployments.

The CORS policy comes from ``CORS_*`` variables (see ``CORSMiddleware.from_env``); a
malformed or misspelt one stops the server at start-up with an error naming it. Run it::

    CORS_ORIGINS=https://app.example.com CORS_SUPPORTS_CREDENTIALS=true \\
        gunicorn 'examples.gunicorn_app:app'
    gunicorn -c examples/gunicorn.conf.py       # the same, settings in a file
    waitress-serve --listen=127.0.0.1:8000 examples.gunicorn_app:app
    uwsgi --http 127.0.0.1:8000 --module examples.gunicorn_app:app --env CORS_ORIGINS=...
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from wsgi_cors import CORSMiddleware

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment


def api(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    path = environ.get("PATH_INFO", "")
    if not path.startswith("/api/"):
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    body = json.dumps({"path": path, "method": environ["REQUEST_METHOD"]}).encode()
    start_response(
        "200 OK",
        [("Content-Type", "application/json"), ("Content-Length", str(len(body))), ("X-Request-Id", "42")],
    )
    return [body]


# Code sets what belongs to the application (which paths are an API); the deployment's
# environment sets whom to trust. A CORS_RESOURCES variable would still override this.
app = CORSMiddleware.from_env(api, defaults={"resources": "/api/*"})
