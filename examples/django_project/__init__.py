"""A minimal, real Django project that adds CORS with ``wsgi_cors.django.CorsMiddleware``.

The CORS settings are django-cors-headers's (``CORS_ALLOWED_ORIGINS`` and the rest), in
``settings.py``; ``wsgi.py`` and ``asgi.py`` are Django's own entrypoints::

    python examples/django_project/manage.py check
    python examples/django_project/manage.py runserver 127.0.0.1:8000
    gunicorn examples.django_project.wsgi
    uvicorn examples.django_project.asgi:application
"""
