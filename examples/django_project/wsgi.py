"""The project's WSGI entrypoint: Django's own; CORS is a ``MIDDLEWARE`` entry in settings.py.

gunicorn examples.django_project.wsgi
"""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "examples.django_project.settings")

application = get_wsgi_application()
