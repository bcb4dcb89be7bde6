"""The engine's functions for an array: numpy's, or their twins in its own library.

The training step and the components compute with ``xp = functions_of(Z)``,
then ``xp.exp(Z, out=Z)``, ``xp.dot(A, W, out=Z)``: numpy's names and
signatures, ``out=`` included. For numpy arrays (every array of a fit on the
CPU, see :mod:`sknn_scratch._boundary`) ``xp`` holds numpy's own functions,
so the step runs exactly as written with ``np``. For arrays on another
device it holds that library's functions: PyTorch's, which take ``out=``
themselves, and any other array API library's through its standard
namespace, each result assigned into ``out`` (array-api-strict, correctness
rather than speed), both in :mod:`sknn_scratch._xp_libraries`; CuPy's, which
copy numpy's (:func:`numpy_like_functions`, as numpy's own). The choice is
made per array type, once, and cached.
"""

import contextlib
import types

import numpy as np

# ---------------------------------------------------------------- numpy


def _numpy_sum_rows_into(A, out):
    # np.add.reduce: a third of np.sum's time on a batch's gradients
    return np.add.reduce(A, axis=0, keepdims=True, out=out)


def _numpy_take_rows(A, rows, out):
    return A.take(rows, axis=0, out=out, mode="clip")


def astype_method(A, dtype):
    return A.astype(dtype)


# numpy's reductions through the array's methods: np.sum and np.max are
# Python wrappers that cost 1.5 us more a call (a softmax of one sample
# calls two)


def _numpy_sum(a, axis=None, keepdims=False, out=None):
    if type(a) is np.ndarray:
        return a.sum(axis, None, out, keepdims)
    return np.sum(a, axis=axis, keepdims=keepdims, out=out)


def _numpy_max(a, axis=None, keepdims=False):
    if type(a) is np.ndarray:
        return a.max(axis, None, keepdims)
    return np.max(a, axis=axis, keepdims=keepdims)


def _numpy_min(a, axis=None, keepdims=False):
    if type(a) is np.ndarray:
        return a.min(axis, None, keepdims)
    return np.min(a, axis=axis, keepdims=keepdims)


def _numpy_mean(a, axis=None):
    return a.mean(axis) if type(a) is np.ndarray else np.mean(a, axis=axis)


#: the functions the engine calls, by numpy's names: every library's set
#: holds them
FUNCTION_NAMES = (
    "negative exp expm1 log log1p tanh abs sign sqrt reciprocal isfinite add "
    "subtract multiply divide maximum minimum greater greater_equal less "
    "logaddexp copyto where dot vdot sum max min mean all any empty_like "
    "zeros_like ones_like errstate finfo clip concatenate argmax reshape column_stack"
).split()


def numpy_like_functions(module, **faster):
    """The engine's functions of a library that copies numpy's, ``out=`` and all.

    numpy's own (:data:`NUMPY`, with ``faster`` forms of a few) and CuPy's:
    its ufuncs, ``dot``, ``copyto``, ``sum`` and ``take`` take ``out=`` as
    numpy's do.
    """

    def sum_rows_into(A, out):
        return module.sum(A, axis=0, keepdims=True, out=out)

    def row_dots(U, V):
        return module.einsum("ij,ij->i", U, V)

    def take_rows(A, rows, out):
        return module.take(A, rows, axis=0, out=out)

    functions = {name: getattr(module, name, None) for name in FUNCTION_NAMES}
    functions.update(
        errstate=getattr(module, "errstate", _no_errstate),
        finfo=np.finfo,  # (numpy's dtypes are the library's)
        dtype=np.dtype,
        sum_rows_into=sum_rows_into,
        row_dots=row_dots,
        take_rows=take_rows,
        astype=astype_method,
        copy=module.copy,
        is_numpy=False,
    )
    functions.update(faster)
    return types.SimpleNamespace(**functions)


def _no_errstate(**kwargs):
    return contextlib.nullcontext()


#: numpy's functions, and what the engine needs beyond them
NUMPY = numpy_like_functions(
    np,
    sum=_numpy_sum,
    max=_numpy_max,
    min=_numpy_min,
    mean=_numpy_mean,
    sum_rows_into=_numpy_sum_rows_into,
    take_rows=_numpy_take_rows,
    is_numpy=True,
)


def functions_of(array):
    """The engine's functions for ``array``'s library (numpy's for numpy's)."""
    if type(array) is np.ndarray:
        return NUMPY
    kind = type(array)
    found = _BY_TYPE.get(kind)
    if found is None:
        found = _BY_TYPE[kind] = _functions_for(array)
    return found


_BY_TYPE = {}


def _functions_for(array):
    if isinstance(array, (np.ndarray, np.generic)) or not (
        hasattr(array, "__array_namespace__") or hasattr(array, "__dlpack__")
    ):
        return NUMPY  # (numbers, lists, sparse matrices: numpy's)
    from ._sklearn_private import compat_namespace
    from ._xp_libraries import ArrayAPIFunctions, TorchFunctions

    library = type(array).__module__.split(".")[0]
    if library == "cupy":
        import cupy

        return numpy_like_functions(cupy)
    xp = compat_namespace(array)
    if library == "torch":
        return TorchFunctions(xp)
    return ArrayAPIFunctions(xp)


def numpy_dtype(dtype):
    """numpy's dtype of the same name as ``dtype`` (of any library)."""
    if isinstance(dtype, np.dtype):
        return dtype
    return np.dtype(str(dtype).rsplit(".", 1)[-1])


def float_array(Z, dtype=None, copy=False):
    """``Z`` as a float array, of its own library (numpy for lists, numbers)."""
    xp = functions_of(Z)
    if xp is NUMPY:
        Z = np.asarray(Z)
        if dtype is None:
            dtype = Z.dtype if Z.dtype.kind == "f" else np.dtype(np.float64)
        return Z.astype(dtype) if Z.dtype != dtype or copy else Z
    if dtype is None:
        dtype = Z.dtype if numpy_dtype(Z.dtype).kind == "f" else np.float64
    if numpy_dtype(Z.dtype) != numpy_dtype(dtype):
        return xp.astype(Z, dtype)
    return xp.copy(Z) if copy else Z


def array_like(array, like):
    """``array`` (a list, say) as numpy's array where ``like`` is numpy's."""
    if array is None or functions_of(like) is not NUMPY:
        return array
    return np.asarray(array)


def row_max(Z):
    """The maximum of each row of ``Z``, as a column.

    numpy reduces a short last axis one row at a time: 20 us for a batch of
    256 rows of 10 outputs, against 3 us over the rows of the transposed
    copy, vectorised across the batch (a maximum is exact in any order).
    """
    # one row: over the whole array, numpy's faster path
    axis = None if Z.ndim == 2 and Z.shape[0] == 1 else -1
    if type(Z) is np.ndarray:
        if axis is not None and Z.ndim == 2:
            return np.ascontiguousarray(Z.T).max(axis=0)[:, np.newaxis]
        return Z.max(axis, None, True)
    return functions_of(Z).max(Z, axis=axis, keepdims=True)


def smallest_normal(array):
    """The smallest positive normal float of ``array``'s float dtype."""
    return np.finfo(np.result_type(numpy_dtype(array.dtype), np.float32)).tiny


#: the machine epsilon of each float dtype (np.finfo costs a microsecond)
_EPS = {
    np.dtype(t): float(np.finfo(t).eps) for t in (np.float16, np.float32, np.float64)
}


def machine_epsilon(y_pred):
    """The machine epsilon of ``y_pred``'s dtype (of any library)."""
    eps = _EPS.get(y_pred.dtype)
    return _EPS.get(numpy_dtype(y_pred.dtype), 1e-15) if eps is None else eps
