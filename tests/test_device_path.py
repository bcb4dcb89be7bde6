"""The path of arrays on a GPU, run on the CPU: PyTorch's own functions.

Fits view PyTorch CPU tensors as numpy arrays (sknn_scratch/_boundary.py);
tensors on a GPU train in PyTorch, through the engine's functions for it
(sknn_scratch/_xp.py). This machine may have no GPU: here every PyTorch
test of tests/test_array_api.py and tests/test_array_api_entry.py runs
again with CPU tensors sent down that path, so that it is tested wherever
the suite runs (on a GPU, tests/test_array_api.py's CUDA tests run it too).
"""

import pytest

pytest.importorskip("torch", reason="PyTorch runs the device path")
pytest.importorskip("array_api_strict", reason="the array API tests import it")

import test_array_api  # noqa: E402

import sknn_scratch._boundary as boundary  # noqa: E402

#: tests of what the viewed path alone does (numpy's arithmetic, bit for bit)
VIEWED_ONLY = ("test_arrays_in_the_cpus_memory_train_as_numpy_arrays_bit_for_bit",)


@pytest.fixture(autouse=True)
def device_path(request, monkeypatch):
    params = getattr(request.node, "callspec", None)
    if params is not None and "array_api_strict" in params.params.values():
        pytest.skip(
            "array-api-strict's arrays are always in numpy's memory: "
            "the device path is PyTorch's (and CuPy's)"
        )
    if request.node.originalname in VIEWED_ONLY:
        pytest.skip("a test of the viewed path")
    monkeypatch.setattr(boundary, "VIEW_IN_PLACE", False)


def reuse_tests(module, into):
    """Every test of ``module``, and its ``data`` fixture, in the dict ``into``."""
    for name in dir(module):
        if name.startswith("test_") or name == "data":
            into[name] = getattr(module, name)


reuse_tests(test_array_api, globals())


def test_a_library_that_copies_numpys_functions_gets_its_own_with_out():
    # CuPy's functions, out= and all (there may be no CuPy here: numpy's own
    # module stands in for a library that copies it)
    import numpy as np

    from sknn_scratch._xp import NUMPY, numpy_like_functions

    functions = numpy_like_functions(np)
    assert set(vars(NUMPY)) <= set(vars(functions))
    assert functions.is_numpy is False
    rng = np.random.RandomState(0)
    A = rng.normal(size=(5, 3))
    out = np.empty((1, 3))
    assert functions.sum_rows_into(A, out) is out
    np.testing.assert_allclose(out, A.sum(axis=0, keepdims=True))
    rows, batch = np.array([3, 0]), np.empty((2, 3))
    assert functions.take_rows(A, rows, batch) is batch
    np.testing.assert_array_equal(batch, A[rows])
    np.testing.assert_allclose(functions.row_dots(A, A), (A * A).sum(axis=1))
    np.testing.assert_array_equal(functions.astype(A, np.float32), A.astype(np.float32))
    assert functions.dtype(np.float32) == np.dtype(np.float32)
