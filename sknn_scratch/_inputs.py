"""``X`` before scikit-learn's ``validate_data``, and the fast path around it.

``validate_data`` with the estimators' ``dtype=(np.float64, np.float32)``
keeps a DataFrame's big-endian float columns big-endian, where numpy's
in-place forms of the training step refuse them as output buffers, and
turns a big-endian float32 array into float64. It also converts strings of
numbers (``[["1", "2"]]``), which scikit-learn's default
``dtype="numeric"`` refuses. :func:`prepared` refuses those as scikit-learn
does, and gives ``validate_data`` floats in the machine's byte order, of
the same precision.
"""

import math

import numpy as np
from sklearn.utils import check_array

from ._array import to_numpy
from ._sklearn_private import _check_sample_weight


def checked_sample_weight(sample_weight, n_rows, dtype):
    """``sample_weight`` as scikit-learn checks it: ``n_rows`` finite,
    non-negative weights in ``dtype``, as a numpy vector.

    The loss is divided by the sum of the weights: a negative weight would
    make it unbounded below. Checked in numpy, whatever the inputs' library:
    the weights join the data's library with the targets.
    """
    return _check_sample_weight(
        to_numpy(sample_weight),
        np.empty((n_rows, 0), dtype),
        dtype=dtype,
        ensure_non_negative=True,
    )


def detached(array):
    """``array`` without autograd: a PyTorch tensor that records gradients
    (``requires_grad=True``) cannot be changed in place, nor read by numpy.

    The network never differentiates through its input: a detached view
    shares the tensor's memory and leaves the caller's tensor as it was.
    """
    if getattr(array, "requires_grad", False) and hasattr(array, "detach"):
        return array.detach()
    return array


def refuse_text(y):
    """A regressor's ``y`` of strings refused (``validate_data``'s
    ``y_numeric`` converts only object arrays, and numbers written as text
    would train unnoticed)."""
    dtype = getattr(y, "dtype", None)
    if dtype is None and isinstance(y, list | tuple):
        dtype = np.asarray(y).dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "USV":
        raise ValueError(
            f"y holds strings (dtype {dtype}): a regressor learns numbers. "
            "Convert y to numbers explicitly (y.astype(float) if they are "
            "numbers written as text)."
        )


def prepared(X):
    """``X`` for ``validate_data``: no strings, floats in native byte order."""
    X = detached(X)
    if isinstance(X, list | tuple):
        try:
            X = np.asarray(X)
        except (ValueError, TypeError):  # ragged: validate_data says so
            return X
    dtype = getattr(X, "dtype", None)
    if isinstance(dtype, np.dtype):
        if dtype.kind in "USV":
            # scikit-learn's error for strings, in its own words
            check_array(X, dtype="numeric", ensure_2d=False, allow_nd=True)
        if dtype.kind == "f" and not dtype.isnative:
            return X.astype(dtype.newbyteorder("="))
        return X
    dtypes = getattr(X, "dtypes", None)  # a DataFrame's, one per column
    if dtypes is not None and hasattr(X, "astype"):
        swapped = {
            column: dtype.newbyteorder("=")
            for column, dtype in dtypes.items()
            if isinstance(dtype, np.dtype) and dtype.kind == "f" and not dtype.isnative
        }
        if swapped:
            return X.astype(swapped)
    return X


def plainly_valid(estimator, X):
    """True if ``validate_data`` would return ``X`` itself, unchanged.

    A finite 2-D float ndarray with the fitted number of features, for an
    estimator fitted without feature names: the common case, which this
    settles in a few microseconds where ``validate_data`` takes hundreds
    (most of the time of predicting one row). Anything else goes through
    ``validate_data``, with its conversions, errors and warnings.
    """
    return (
        type(X) is np.ndarray
        and X.ndim == 2
        and X.dtype in (np.float64, np.float32)
        and X.dtype.isnative
        and X.shape[0] > 0
        and X.shape[1] == getattr(estimator, "n_features_in_", None)
        and not hasattr(estimator, "feature_names_in_")
        # fitted on numpy too (else scikit-learn's namespace check decides)
        and type(estimator.intercepts_[-1]) is np.ndarray
        # a finite sum means no inf or nan (else validate_data decides: finite
        # values whose sum overflows, say)
        and math.isfinite(_sum(X))
    )


def _sum(X):
    with np.errstate(over="ignore", invalid="ignore"):
        return X.sum()
