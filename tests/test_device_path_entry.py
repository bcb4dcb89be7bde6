"""tests/test_array_api_entry.py's PyTorch tests on the device path (see
tests/test_device_path.py)."""

import pytest

pytest.importorskip("torch", reason="PyTorch runs the device path")
callback = pytest.importorskip(
    "sklearn.callback", reason="tests/test_array_api_entry.py needs it"
)

import test_array_api_entry  # noqa: E402
from test_device_path import device_path, reuse_tests  # noqa: E402, F401

reuse_tests(test_array_api_entry, globals())
