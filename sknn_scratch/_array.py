"""Arrays of other libraries on another device (a GPU): where they live.

Arrays in the CPU's memory (PyTorch CPU tensors) never get here: the
estimators view them as numpy arrays at their boundary
(:mod:`sknn_scratch._boundary`). Arrays on another device (a GPU's, or
array-api-strict's ``device1``) stay there: the network keeps its weights
and buffers in their library, on their device (:class:`Backend`), and the
training step computes with that library's own functions
(:mod:`sknn_scratch._xp`). Here too: how a fitted model moves between
libraries.
"""

import numpy as np

from ._xp import NUMPY, functions_of, numpy_dtype


def namespace_of(X):
    """``(xp, device)`` of a non-numpy array under array API dispatch, else None.

    scikit-learn's namespace (its vendored array-api-compat) decides; numpy
    input, and any input while dispatch is off, stays numpy.
    """
    if X is None or isinstance(X, (np.ndarray, np.generic)):
        return None
    if not hasattr(X, "__array_namespace__") and not hasattr(X, "__dlpack__"):
        return None  # lists, sparse matrices, DataFrames: scikit-learn's
    from ._sklearn_private import _is_numpy_namespace, get_namespace_and_device

    xp, is_array_api, device = get_namespace_and_device(X)
    if not is_array_api or _is_numpy_namespace(xp):
        return None
    return xp, device


def to_numpy(array):
    """``array`` as a numpy array on the CPU (numpy arrays as they are)."""
    if array is None or isinstance(array, (np.ndarray, np.generic)):
        return array
    from ._sklearn_private import get_namespace, move_to

    xp, _ = get_namespace(array)
    return move_to(array, xp=np, device="cpu")


class Backend:
    """Where the network's arrays live: numpy, or a namespace and a device.

    ``fn``: the engine's functions there (:func:`sknn_scratch._xp.functions_of`).
    """

    def __init__(self, xp=None, device=None, fn=NUMPY):
        self.xp, self.device, self.fn = xp, device, fn

    @property
    def is_numpy(self):
        return self.xp is None

    def empty(self, shape, dtype):
        if self.xp is None:
            return np.empty(shape, dtype)
        return self.xp.empty(shape, dtype=self.fn.dtype(dtype), device=self.device)

    def asarray(self, array, dtype=None):
        """``array`` (numpy, or of this namespace) in this namespace."""
        if self.xp is None:
            return to_numpy(array) if dtype is None else np.asarray(array, dtype)
        if isinstance(array, (np.ndarray, np.generic, list, tuple)):
            array = np.asarray(array, dtype=dtype)
            return self.xp.asarray(array, device=self.device)
        if dtype is not None:
            array = self.fn.astype(array, dtype)
        return array

    def dtype(self, dtype):
        """numpy's dtype of the same name as this library's ``dtype``."""
        return numpy_dtype(dtype)


NUMPY_BACKEND = Backend()


def backend_of(array):
    """The backend of an array: its library's namespace and device, or numpy."""
    found = namespace_of(array)
    if found is None:
        return NUMPY_BACKEND
    return Backend(*found, fn=functions_of(array))


def same_library(result, like):
    """Whether ``result`` (a user's component's) is of ``like``'s library."""
    found, expected = namespace_of(result), namespace_of(like)
    if expected is None:
        return found is None
    return found is not None and found[0] == expected[0]


def library_name(array):
    """The library of ``array``, for messages: ``numpy``, ``torch``, ..."""
    return type(array).__module__.split(".")[0]


def array_namespace(*arrays):
    """The array API namespace of ``arrays``: what a component computes with.

    scikit-learn's own (its vendored array-api-compat namespaces), so that a
    component written with it, ``xp = array_namespace(Z)``, runs on numpy
    arrays and on those of any library scikit-learn's array API dispatch
    accepts (PyTorch, CuPy, array-api-strict).

    Examples
    --------
    >>> import numpy as np
    >>> from sknn_scratch import array_namespace
    >>> Z = np.array([-1.0, 2.0])
    >>> xp = array_namespace(Z)
    >>> xp.exp(Z).tolist() == np.exp(Z).tolist()
    True
    """
    from ._sklearn_private import get_namespace

    return get_namespace(*arrays)[0]


def float_dtypes(X):
    """The float dtypes ``validate_data`` may keep, in ``X``'s namespace."""
    found = namespace_of(X)
    if found is None:
        return (np.float64, np.float32)
    xp = found[0]
    return [xp.float64, xp.float32]


def move_estimator_to(estimator, xp, device=None):
    """A copy of a fitted estimator, its arrays in another library or device.

    Turns a model fitted on GPU tensors into a numpy model (to pickle, save
    with skops, or predict on a machine without a GPU), and back: the copy
    holds the same weights, bit for bit. Its predictions, on inputs of its
    new library, equal the original's up to the last bits where the two
    libraries' matrix products round differently (PyTorch's CPU build uses
    MKL, numpy OpenBLAS); moved back, it predicts exactly as the original.

    Parameters
    ----------
    estimator : ScratchMLPClassifier or ScratchMLPRegressor
        A fitted estimator (any estimator scikit-learn's array API helpers
        can convert also works).
    xp : module
        The target library: ``numpy``, ``torch``, ``cupy``,
        ``array_api_strict``, or an array API namespace.
    device : str or device, default=None
        The target device (``"cpu"``, ``"cuda"``, ...); ``None``: the
        library's default (numpy: the CPU).

    Returns
    -------
    moved : estimator
        A new estimator; ``estimator`` is unchanged.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn_scratch import ScratchMLPRegressor, move_estimator_to
    >>> X = np.random.RandomState(0).normal(size=(20, 3))
    >>> reg = ScratchMLPRegressor((4,), max_iter=5).fit(X, X[:, 0])
    >>> moved = move_estimator_to(reg, np)  # numpy to numpy: a copy
    >>> bool(np.array_equal(moved.predict(X), reg.predict(X)))
    True
    """
    from ._sklearn_private import compat_namespace
    from ._sklearn_private import move_estimator_to as move

    if xp is np or getattr(xp, "__name__", "") == "numpy":
        namespace, device = compat_namespace(np.empty(0)), device or "cpu"
    elif hasattr(xp, "__array_namespace_info__") and not hasattr(xp, "Tensor"):
        namespace = xp  # already an array API namespace
    else:
        namespace = compat_namespace(xp.empty(0))
    return move(estimator, namespace, device)


#: the arrays of a fitted estimator (besides its optimizer's state)
FITTED_ARRAYS = ("coefs_", "intercepts_", "classes_")


def convert_arrays(estimator, converter, names):
    """A shallow copy of ``estimator`` with its array attributes converted.

    ``names``: the attributes holding arrays or lists of arrays; an
    optimizer's state arrays (``velocities_``, ``ms_``, ``vs_``) follow.
    """
    import copy

    moved = copy.copy(estimator)
    _convert_into(moved, estimator, converter, names)
    return moved


def convert_fitted(estimator, converter):
    """``estimator``'s fitted arrays, and its optimizer's, converted in place."""
    _convert_into(estimator, estimator, converter, FITTED_ARRAYS)


def _convert_into(target, estimator, converter, names):
    import copy

    for name in names:
        value = getattr(estimator, name, None)
        if isinstance(value, list):
            setattr(target, name, [converter(a) for a in value])
        elif value is not None and hasattr(value, "shape"):
            setattr(target, name, converter(value))
    training = getattr(estimator, "_training", None)
    if training is not None and training.best_coefs is not None:
        # early stopping's best weights, to return to
        training = copy.copy(training)
        training.best_coefs = [converter(a) for a in training.best_coefs]
        training.best_intercepts = [converter(a) for a in training.best_intercepts]
        target._training = training
    optimizer = getattr(estimator, "optimizer_", None)
    if optimizer is not None:
        optimizer = copy.copy(optimizer)
        for name, value in vars(optimizer).items():
            if isinstance(value, list) and value and hasattr(value[0], "shape"):
                setattr(optimizer, name, [converter(a) for a in value])
        target.optimizer_ = optimizer


def dtype_of(array):
    """numpy's dtype of ``array``, of any library (a list's as numpy makes it)."""
    dtype = getattr(array, "dtype", None)
    if dtype is None:
        return np.asarray(array).dtype
    return numpy_dtype(dtype)
