"""Hypothesis profiles for the security suite.

``ci`` (the default) runs a fixed, derandomised number of examples so CI stays fast and
repeatable; ``long`` explores far more, with fresh random inputs every run::

    HYPOTHESIS_PROFILE=long python -m pytest tests/security
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

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
    max_examples=20_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
