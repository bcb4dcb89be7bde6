"""Shared test configuration.

Hypothesis profiles: ``default`` keeps the property tests to a fixed,
reproducible budget; ``thorough`` searches far longer with fresh random
examples. Choose one with the environment variable ``HYPOTHESIS_PROFILE``::

    HYPOTHESIS_PROFILE=thorough pytest tests/test_properties.py
"""

import os

import pytest
from hypothesis import HealthCheck, settings
from threadpoolctl import threadpool_limits

settings.register_profile(
    "default",
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    max_examples=5000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session", autouse=True)
def _one_blas_thread():
    """Run BLAS on one thread: the networks in the tests are small.

    On a busy machine with few cores, BLAS threads wait for each other; one
    thread per process made a default fit on the digits ten times faster.
    """
    with threadpool_limits(limits=1, user_api="blas"):
        yield
