"""The project's WSGI entrypoint: Django's application, wrapped once by CORSMiddleware.

Wrapping here, rather than in a Django middleware, answers preflights before Django's
URL resolver, CSRF or authentication ever see them.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from wsgi_cors import CORSMiddleware

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "examples.django_project.settings")

application = CORSMiddleware.from_mapping(get_wsgi_application(), settings)
