"""Fixtures shared by the whole suite; the helpers themselves live in :mod:`tests.support`.

Hypothesis profiles, for every property test of the suite: ``ci`` (the default) runs a fixed,
derandomised number of examples so CI stays fast and repeatable; ``long`` explores far more,
with fresh random inputs every run::

    HYPOTHESIS_PROFILE=long python -m pytest tests -k property
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from werkzeug.test import Client

from .support import RecordingApp, make_client

settings.register_profile(
    "ci",
    max_examples=300,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "long",
    max_examples=100_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def app() -> RecordingApp:
    return RecordingApp()


@pytest.fixture
def cors(app: RecordingApp) -> Callable[..., Client]:
    """``cors(**options)``: a client for the recording app wrapped with those options."""

    def build(**options: Any) -> Client:
        return make_client(app, **options)

    return build
