"""A minimal, real Django project whose ``wsgi.py`` wraps ``get_wsgi_application()``.

The CORS options live in ``settings.py`` as ``CORS_*`` settings, beside the rest of the
project's configuration, and ``wsgi.py`` reads them with ``CORSMiddleware.from_mapping``::

    python examples/django_project/manage.py runserver 127.0.0.1:8000
    gunicorn examples.django_project.wsgi
"""
