"""Arrays of other libraries in the CPU's memory: numpy's, inside the estimator.

A PyTorch tensor on the CPU, or an array-api-strict array (on any of its
devices, which are names for tests), holds its numbers in memory numpy can
read and write: numpy views it without
a copy (DLPack). The public methods of the estimators take such arrays at
one boundary, :func:`fits` and :func:`predicts`: every array argument, and
for a fit the fitted arrays, become numpy views; the method runs as it runs
on numpy arrays, at numpy's speed; the fitted arrays (``coefs_``,
``intercepts_``, numeric ``classes_``, the optimizer's state) and the
results go back to the input's library, again without a copy. So the epoch
loop, the stopping rule and the components' formulas see numpy arrays only.

Arrays on another device (a GPU) cannot be viewed by numpy: they pass the
boundary as they are, and train where they are, in their library's own
functions (:mod:`sknn_scratch._array`, :mod:`sknn_scratch._xp`).

A user's component that writes only the protocol (``forward`` and
``derivative``, ``loss`` and ``gradient``) still gets arrays of the input's
library, as documented (:mod:`sknn_scratch._forms` asks :func:`library`).
"""

import contextvars
import functools

import numpy as np

from ._array import convert_fitted, namespace_of, to_numpy
from ._inputs import detached
from ._sklearn_private import check_same_namespace, device

#: the library of the arrays the running public method was given, if another
#: library's arrays in the CPU's memory (None: numpy, or no such call)
_LIBRARY = contextvars.ContextVar("sknn_scratch_input_library", default=None)


def library():
    """The :class:`HostLibrary` of the running fit or prediction, or None."""
    return _LIBRARY.get()


class HostLibrary:
    """An array library whose arrays, on this device, numpy views in place."""

    def __init__(self, xp, device):
        self.xp, self.device = xp, device

    def __repr__(self):
        return f"HostLibrary({self.xp.__name__}, {self.device!r})"

    def owns(self, array):
        """Whether ``array`` is an array of this library (not numpy's)."""
        found = namespace_of(array)
        return found is not None and found[0] is self.xp

    def to_numpy(self, array):
        """``array`` as a numpy array on the same memory (a copy if it cannot be)."""
        if not self.owns(array):
            return array
        array = detached(array)
        try:
            view = np.from_dlpack(array)
        except (BufferError, TypeError, RuntimeError, ValueError):
            view = None  # a tensor DLPack cannot export
        if view is None or not view.flags.writeable:
            # (numpy before 2.1 makes what it imports by DLPack read-only,
            # and the optimizer's state is updated in place): scikit-learn's
            # conversion, a writable copy if need be
            view = to_numpy(array)
            if not view.flags.writeable:
                view = np.array(view)
        return view

    def from_numpy(self, array):
        """A numpy array of numbers as this library's, on the same memory."""
        if type(array) is not np.ndarray or array.dtype.kind not in "biuf":
            return array  # labels that are strings stay numpy's
        try:
            moved = self.xp.from_dlpack(array)
        except (BufferError, TypeError, RuntimeError, ValueError):
            moved = None  # (a read-only array: numpy exports none by DLPack)
        if moved is None or device(moved) != self.device:
            # (array-api-strict's test devices are not DLPack's)
            moved = self.xp.asarray(array, device=self.device)
        return moved


def host_library(array):
    """The :class:`HostLibrary` of ``array``, if another library's in the CPU's memory.

    None for numpy arrays, lists, sparse matrices, DataFrames, any array
    while scikit-learn's array API dispatch is off, and arrays on a GPU.
    """
    found = namespace_of(array)
    if found is None or not (VIEW_IN_PLACE and _numpy_reads(array)):
        return None
    return HostLibrary(*found)


#: whether arrays numpy can read are viewed as numpy's (False: every array
#: of another library trains in it, as on a GPU; for tests of that path)
VIEW_IN_PLACE = True


def _numpy_reads(array):
    # DLPack says where an array lives: the CPU's memory for PyTorch CPU
    # tensors and every array-api-strict array (its "device1" and "device2"
    # are names for tests: the memory is numpy's), not a GPU's
    try:
        device_type, _ = array.__dlpack_device__()
    except (AttributeError, TypeError, ValueError, RuntimeError):
        return False
    return int(device_type) == 1  # kDLCPU


def _converted(library, args, kwargs):
    args = [library.to_numpy(a) for a in args]
    kwargs = {name: library.to_numpy(a) for name, a in kwargs.items()}
    return args, kwargs


def fits(method):
    """``fit`` or ``partial_fit`` on numpy views of another library's arrays.

    The estimator's fitted arrays are viewed as numpy's while the method
    runs, and handed back in the input's library when it ends, also when it
    fails.
    """

    @functools.wraps(method)
    def fit(self, X, *args, **kwargs):
        outside = host_library(X)
        if outside is None:
            return method(self, X, *args, **kwargs)
        if method.__name__ == "partial_fit" and hasattr(self, "coefs_"):
            # a model trained on one library trains on it only (predict's rule)
            check_same_namespace(
                X, self, attribute="_fitted_array", method="partial_fit"
            )
        args, kwargs = _converted(outside, args, kwargs)
        convert_fitted(self, outside.to_numpy)
        token = _LIBRARY.set(outside)
        try:
            return method(self, outside.to_numpy(X), *args, **kwargs)
        finally:
            _LIBRARY.reset(token)
            convert_fitted(self, outside.from_numpy)

    return fit


def predicts(method):
    """A method of a fitted estimator, on numpy views of another library's arrays.

    Its result (an array of numbers) is handed back in the input's library.
    """

    @functools.wraps(method)
    def predict(self, X, *args, **kwargs):
        outside = host_library(X)
        if outside is None:
            return method(self, X, *args, **kwargs)
        if hasattr(self, "coefs_"):  # (else the method says it is not fitted)
            check_same_namespace(
                X, self, attribute="_fitted_array", method=method.__name__
            )
        args, kwargs = _converted(outside, args, kwargs)
        token = _LIBRARY.set(outside)
        try:
            result = method(self, outside.to_numpy(X), *args, **kwargs)
        finally:
            _LIBRARY.reset(token)
        return outside.from_numpy(result)

    return predict


def numpy_view(array):
    """A fitted array as numpy's, inside a call on another library's arrays."""
    outside = _LIBRARY.get()
    return array if outside is None else outside.to_numpy(array)
