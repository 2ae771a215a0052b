"""Hypothesis profiles for the property-based tests of the library (test_properties.py).

``ci`` (the default) runs a fixed, derandomised budget of examples, so that every run checks the
same documents and the suite stays fast. ``long`` runs many more, freshly random each time::

    PIOS_HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/pios_ld/test_properties.py
    .venv/bin/python -m pytest tests/pios_ld/test_properties.py --hypothesis-profile=long
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=300, derandomize=True, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile(
    "long", max_examples=5000, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("PIOS_HYPOTHESIS_PROFILE", "ci"))
