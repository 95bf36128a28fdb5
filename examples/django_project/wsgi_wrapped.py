"""The other way: Django's WSGI application wrapped once by the framework-agnostic middleware.

The wrapper sits outside Django, so preflights never reach its middleware stack; the options
are the WSGI middleware's (flask-cors's names), in code. Django's test client does not go
through this file: test the wrapped application itself.

    DJANGO_SETTINGS_MODULE=examples.django_project.settings_wrapped \\
        gunicorn examples.django_project.wsgi_wrapped
"""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

from wsgi_cors import CORSMiddleware

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "examples.django_project.settings_wrapped")

application = CORSMiddleware(
    get_wsgi_application(),
    resources=r"/api/*",
    origins=["https://app.example.com"],
    allow_headers=["Content-Type", "Authorization"],
    expose_headers=["X-Request-Id"],
    supports_credentials=True,
    max_age=600,
)
