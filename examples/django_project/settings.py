"""Settings for the example project: the least Django needs, plus the CORS_* options."""

from __future__ import annotations

SECRET_KEY = "example-only-not-secret"  # an example never deployed, so not a secret
DEBUG = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
ROOT_URLCONF = "examples.django_project.urls"
WSGI_APPLICATION = "examples.django_project.wsgi.application"  # so runserver serves the wrapper
INSTALLED_APPS: list[str] = []
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
DATABASES: dict[str, object] = {}
USE_TZ = True

# Read by wsgi.py through CORSMiddleware.from_mapping(..., settings); same names as flask-cors.
CORS_RESOURCES = r"/api/*"
CORS_ORIGINS = ["https://app.example.com"]
CORS_ALLOW_HEADERS = ["Content-Type", "Authorization"]
CORS_EXPOSE_HEADERS = ["X-Request-Id"]
CORS_SUPPORTS_CREDENTIALS = True
CORS_MAX_AGE = 600
