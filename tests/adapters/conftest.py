"""Django for the adapter tests: the example project's settings, configured once per process.

Django's settings are process-wide, and tests/adapters/test_examples.py loads the example project
through ``DJANGO_SETTINGS_MODULE``; configuring the same module here keeps both working in
one run, whichever comes first. Each test then states its own ``CORS_*`` settings with
:func:`tests.adapters.django_support.cors_settings`.
"""

from __future__ import annotations

import django
import pytest
from django.conf import settings

if not settings.configured:
    # Set only for the moment Django reads it, as tests/adapters/test_examples.py does.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_SETTINGS_MODULE", "examples.django_project.settings")
        django.setup()
