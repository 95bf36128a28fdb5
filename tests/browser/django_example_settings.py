"""The Django example project's settings, with the browser suite's page origin allowed.

The page runs on ``http://127.0.0.1:PORT`` with a port picked at run time, so it cannot be
listed in ``examples/django_project/settings.py``; everything else is the example's as written.
"""

from __future__ import annotations

import os

from examples.django_project.settings import *  # noqa: F403

CORS_ALLOWED_ORIGINS = [os.environ["WSGI_CORS_PAGE_ORIGIN"]]
