"""Settings for the example project: the least Django needs, plus django-cors-headers's CORS_* settings."""

from __future__ import annotations

SECRET_KEY = "example-only-not-secret"  # an example never deployed, so not a secret
DEBUG = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
ROOT_URLCONF = "examples.django_project.urls"
WSGI_APPLICATION = "examples.django_project.wsgi.application"
INSTALLED_APPS = ["wsgi_cors.django"]  # registers the CORS checks of manage.py check
MIDDLEWARE = [
    "wsgi_cors.django.CorsMiddleware",  # first: preflights are answered before anything below
    "django.middleware.common.CommonMiddleware",
]
DATABASES: dict[str, object] = {}
USE_TZ = True

# django-cors-headers's names and meanings, read by wsgi_cors.django.CorsMiddleware.
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
CORS_ALLOW_HEADERS = ["Content-Type", "Authorization"]
CORS_ALLOW_METHODS = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
CORS_EXPOSE_HEADERS = ["X-Request-Id"]
CORS_ALLOW_CREDENTIALS = True
CORS_PREFLIGHT_MAX_AGE = 600
