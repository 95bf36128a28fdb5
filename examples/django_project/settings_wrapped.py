"""Settings for the WSGI-wrapped way (``wsgi_wrapped.py``): Django without any CORS middleware."""

from __future__ import annotations

SECRET_KEY = "example-only-not-secret"  # an example never deployed, so not a secret
DEBUG = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
ROOT_URLCONF = "examples.django_project.urls"
WSGI_APPLICATION = "examples.django_project.wsgi_wrapped.application"
INSTALLED_APPS: list[str] = []
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
DATABASES: dict[str, object] = {}
USE_TZ = True
