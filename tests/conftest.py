"""Fixtures shared by the whole suite; the helpers themselves live in :mod:`tests.support`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from werkzeug.test import Client

from .support import RecordingApp, make_client


@pytest.fixture
def app() -> RecordingApp:
    return RecordingApp()


@pytest.fixture
def cors(app: RecordingApp) -> Callable[..., Client]:
    """``cors(**options)``: a client for the recording app wrapped with those options."""

    def build(**options: Any) -> Client:
        return make_client(app, **options)

    return build
