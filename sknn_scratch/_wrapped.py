"""numpy's functions on another library's arrays: :class:`Wrapped`.

numpy hands every function called on a wrapped array to it (NEP 13 and 18,
``__array_ufunc__`` and ``__array_function__``), and it runs the same
function of the array's own namespace. What the array API standard lacks
is done here once: ``out=`` (a result is assigned into the buffer),
``reciprocal``, ``take`` into a buffer, indexing a 2-D array by its rows
alone. :mod:`sknn_scratch._array` says when arrays are wrapped.
"""

import numpy as np

#: numpy's ufuncs, by name, and the array API functions that compute them
_UFUNCS = {
    "add": "add",
    "subtract": "subtract",
    "multiply": "multiply",
    "divide": "divide",
    "true_divide": "divide",
    "negative": "negative",
    "exp": "exp",
    "expm1": "expm1",
    "log": "log",
    "log1p": "log1p",
    "tanh": "tanh",
    "abs": "abs",
    "absolute": "abs",
    "sign": "sign",
    "sqrt": "sqrt",
    "square": "square",
    "maximum": "maximum",
    "minimum": "minimum",
    "greater": "greater",
    "greater_equal": "greater_equal",
    "less": "less",
    "less_equal": "less_equal",
    "equal": "equal",
    "not_equal": "not_equal",
    "isfinite": "isfinite",
    "logaddexp": "logaddexp",
    "logical_not": "logical_not",
    "logical_and": "logical_and",
}


def unwrap(array):
    """The library's own array inside a :class:`Wrapped` (others as they are)."""
    return array.array if isinstance(array, Wrapped) else array


def _xp_dtype(xp, dtype):
    if not isinstance(dtype, (np.dtype, type, str)):
        return dtype  # already the namespace's
    return getattr(xp, np.dtype(dtype).name)


def _np_dtype(xp, dtype):
    for name in ("float64", "float32", "float16", "int64", "int32", "bool"):
        candidate = getattr(xp, name, None)
        if candidate is not None and dtype == candidate:
            return np.dtype(name)
    return np.dtype(str(dtype).rsplit(".", 1)[-1])


def _plain(value, xp):
    """An operand for ``xp``: the array of a wrapper, a Python number."""
    if isinstance(value, Wrapped):
        return value.array
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return xp.asarray(value)
    return value


class Wrapped:
    """An array of another library, on which numpy's functions run its own.

    Parameters
    ----------
    array : array of a namespace following the array API
    xp : that namespace (scikit-learn's array-api-compat one)
    """

    __slots__ = ("array", "xp")
    __array_priority__ = 1000

    def __init__(self, array, xp):
        self.array, self.xp = array, xp

    # ------------------------------------------------------ numpy's protocol

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        xp = self.xp
        args = [_plain(value, xp) for value in inputs]
        if len(args) > 1:
            # numbers as arrays of this dtype, on this device: not every
            # namespace's functions take Python scalars
            args = [
                xp.asarray(a, dtype=self.array.dtype, device=self.device)
                if isinstance(a, (int, float)) and not isinstance(a, bool)
                else a
                for a in args
            ]
        if method == "reduce":
            axis, keepdims = kwargs.get("axis", 0), kwargs.get("keepdims", False)
            reductions = {"add": xp.sum, "maximum": xp.max, "minimum": xp.min}
            result = reductions[ufunc.__name__](args[0], axis=axis, keepdims=keepdims)
        elif method != "__call__":
            return NotImplemented
        elif ufunc.__name__ == "reciprocal":
            result = 1.0 / args[0]
        elif ufunc.__name__ in _UFUNCS:
            result = getattr(xp, _UFUNCS[ufunc.__name__])(*args)
        else:
            return NotImplemented
        if out is not None:
            return _assign(out[0], result)
        return Wrapped(result, xp)

    def __array_function__(self, func, types, args, kwargs):
        handler = _FUNCTIONS.get(func.__name__)
        if handler is None:
            return NotImplemented
        return handler(self.xp, *args, **kwargs)

    def __array__(self, dtype=None, copy=None):
        raise TypeError(
            "An array of another library than numpy met a numpy function this "
            "package does not run in that library; convert it explicitly."
        )

    # ------------------------------------------------------------- attributes

    @property
    def shape(self):
        return tuple(self.array.shape)

    @property
    def ndim(self):
        return self.array.ndim

    @property
    def size(self):
        return int(np.prod(self.shape))

    @property
    def dtype(self):
        return _np_dtype(self.xp, self.array.dtype)

    @property
    def device(self):
        from ._sklearn_private import device

        return device(self.array)

    @property
    def T(self):
        return Wrapped(self.xp.permute_dims(self.array, (1, 0)), self.xp)

    def __len__(self):
        return self.shape[0]

    def __repr__(self):
        return f"Wrapped({self.array!r})"

    # ------------------------------------------------------------- indexing

    def _key(self, key):
        if not isinstance(key, tuple):
            key = (key,)
        key = tuple(
            self.xp.asarray(k, device=self.device)
            if isinstance(k, (np.ndarray, Wrapped))
            else k
            for k in (unwrap(k) if isinstance(k, Wrapped) else k for k in key)
        )
        if not any(k is Ellipsis for k in key) and len(key) < self.ndim:
            key = key + (Ellipsis,)
        return key

    def __getitem__(self, key):
        return Wrapped(self.array[self._key(key)], self.xp)

    def __setitem__(self, key, value):
        if isinstance(value, np.ndarray):
            value = self.xp.asarray(value, device=self.device)
        value = _plain(value, self.xp)
        if hasattr(value, "dtype") and value.dtype != self.array.dtype:
            value = self.xp.astype(value, self.array.dtype)
        self.array[self._key(key)] = value

    # --------------------------------------------------------------- methods

    def reshape(self, *shape):
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], tuple) else shape
        return Wrapped(self.xp.reshape(self.array, shape), self.xp)

    def ravel(self):
        return self.reshape((-1,))

    def copy(self):
        return Wrapped(self.xp.asarray(self.array, copy=True), self.xp)

    def astype(self, dtype, copy=True):
        return Wrapped(self.xp.astype(self.array, _xp_dtype(self.xp, dtype)), self.xp)

    def sum(self, axis=None, keepdims=False):
        return Wrapped(self.xp.sum(self.array, axis=axis, keepdims=keepdims), self.xp)

    def max(self, axis=None, keepdims=False):
        return Wrapped(self.xp.max(self.array, axis=axis, keepdims=keepdims), self.xp)

    def min(self, axis=None, keepdims=False):
        return Wrapped(self.xp.min(self.array, axis=axis, keepdims=keepdims), self.xp)

    def all(self):
        return bool(self.xp.all(self.array))

    def any(self):
        return bool(self.xp.any(self.array))

    def dot(self, other):
        return _dot(self.xp, self, other)

    def take(self, indices, axis=None, out=None, mode=None):
        if isinstance(indices, Wrapped):
            indices = indices.array
        else:
            indices = self.xp.asarray(np.asarray(indices), device=self.device)
        result = self.xp.take(self.array, indices, axis=axis)
        if out is not None:
            return _assign(out, result)
        return Wrapped(result, self.xp)

    def __float__(self):
        return float(self.array)

    def __int__(self):
        return int(self.array)

    def __bool__(self):
        return bool(self.array)

    # ------------------------------------------------------------- operators

    def _operate(self, name, other, reverse=False):
        other = _plain(other, self.xp)
        a, b = (other, self.array) if reverse else (self.array, other)
        return Wrapped(getattr(self.xp, name)(a, b), self.xp)

    def _in_place(self, name, other):
        result = getattr(self.xp, name)(self.array, _plain(other, self.xp))
        _assign(self, result)
        return self

    def __add__(self, other):
        return self._operate("add", other)

    def __radd__(self, other):
        return self._operate("add", other, True)

    def __sub__(self, other):
        return self._operate("subtract", other)

    def __rsub__(self, other):
        return self._operate("subtract", other, True)

    def __mul__(self, other):
        return self._operate("multiply", other)

    def __rmul__(self, other):
        return self._operate("multiply", other, True)

    def __truediv__(self, other):
        return self._operate("divide", other)

    def __rtruediv__(self, other):
        return self._operate("divide", other, True)

    def __pow__(self, other):
        return self._operate("pow", other)

    def __matmul__(self, other):
        return _dot(self.xp, self, other)

    def __neg__(self):
        return Wrapped(-self.array, self.xp)

    def __gt__(self, other):
        return self._operate("greater", other)

    def __lt__(self, other):
        return self._operate("less", other)

    def __ge__(self, other):
        return self._operate("greater_equal", other)

    def __le__(self, other):
        return self._operate("less_equal", other)

    def __iadd__(self, other):
        return self._in_place("add", other)

    def __isub__(self, other):
        return self._in_place("subtract", other)

    def __imul__(self, other):
        return self._in_place("multiply", other)

    def __itruediv__(self, other):
        return self._in_place("divide", other)


def _assign(target, result):
    """``target[...] = result``, cast to its dtype: numpy's ``out=``."""
    xp, array = target.xp, target.array
    if not hasattr(result, "dtype"):
        result = xp.asarray(result, dtype=array.dtype, device=target.device)
    elif result.dtype != array.dtype:
        result = xp.astype(result, array.dtype)
    array[...] = result
    return target


# ------------------------------------------ numpy functions, by their names


def _dot(xp, a, b, out=None):
    a, b = _plain(a, xp), _plain(b, xp)
    result = a @ b
    if out is not None:
        return _assign(out, result)
    return Wrapped(result, xp)


def _vdot(xp, a, b):
    a, b = _plain(a, xp), _plain(b, xp)
    return Wrapped(xp.sum(xp.reshape(a, (-1,)) * xp.reshape(b, (-1,))), xp)


def _copyto(xp, dst, src, casting="same_kind", where=True):
    src = _plain(src, xp)
    if where is not True:
        src = xp.where(_plain(where, xp), src, dst.array)
    _assign(dst, src)


def _einsum(xp, subscripts, a, b):
    if subscripts.replace(" ", "") != "ij,ij->i":
        return NotImplemented
    return Wrapped(xp.sum(_plain(a, xp) * _plain(b, xp), axis=1), xp)


def _like(name):
    def like(xp, a, dtype=None, **kwargs):
        a = _plain(a, xp)
        dtype = a.dtype if dtype is None else _xp_dtype(xp, dtype)
        return Wrapped(getattr(xp, name)(a, dtype=dtype), xp)

    return like


def _column_stack(xp, columns):
    columns = [_plain(c, xp) for c in columns]
    return Wrapped(xp.stack(columns, axis=1), xp)


def _sum(xp, a, axis=None, keepdims=False, **kwargs):
    return Wrapped(xp.sum(_plain(a, xp), axis=axis, keepdims=keepdims), xp)


def _mean(xp, a, axis=None, **kwargs):
    return Wrapped(xp.mean(_plain(a, xp), axis=axis), xp)


def _where(xp, condition, x, y):
    return Wrapped(xp.where(_plain(condition, xp), _plain(x, xp), _plain(y, xp)), xp)


def _clip(xp, a, low, high, **kwargs):
    return Wrapped(xp.clip(_plain(a, xp), _plain(low, xp), _plain(high, xp)), xp)


def _argmax(xp, a, axis=None, **kwargs):
    return Wrapped(xp.argmax(_plain(a, xp), axis=axis), xp)


def _concatenate(xp, arrays, axis=0, **kwargs):
    return Wrapped(xp.concat([_plain(a, xp) for a in arrays], axis=axis), xp)


def _shape(xp, a):
    return tuple(_plain(a, xp).shape)


def _result_type(xp, *args):
    return np.result_type(*(a.dtype if isinstance(a, Wrapped) else a for a in args))


_FUNCTIONS = {
    "dot": _dot,
    "vdot": _vdot,
    "matmul": _dot,
    "copyto": _copyto,
    "einsum": _einsum,
    "empty_like": _like("empty_like"),
    "zeros_like": _like("zeros_like"),
    "ones_like": _like("ones_like"),
    "column_stack": _column_stack,
    "sum": _sum,
    "mean": _mean,
    "where": _where,
    "clip": _clip,
    "argmax": _argmax,
    "concatenate": _concatenate,
    "shape": _shape,
    "result_type": _result_type,
}
