"""gunicorn settings for the environment-configured example: ``gunicorn -c examples/gunicorn.conf.py``.

gunicorn reads this file in the master process before it loads the application, so the
``CORS_*`` defaults set here reach ``CORSMiddleware.from_env``; variables already set in the
real environment win (``setdefault``), and command-line flags override the rest.
"""

from __future__ import annotations

import os

wsgi_app = "examples.gunicorn_app:app"
bind = "127.0.0.1:8000"
workers = 2
# Load the application in the master: a bad CORS_* variable is reported once, before any
# worker is forked, and the workers share the policy built there.
preload_app = True
graceful_timeout = 5

os.environ.setdefault("CORS_ORIGINS", "https://app.example.com, https://*.example.org")
os.environ.setdefault("CORS_SUPPORTS_CREDENTIALS", "true")
os.environ.setdefault("CORS_EXPOSE_HEADERS", "X-Request-Id")
os.environ.setdefault("CORS_MAX_AGE", "600")
