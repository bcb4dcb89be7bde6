"""The engine's functions in libraries other than numpy (see :mod:`sknn_scratch._xp`).

numpy's names and signatures, ``out=`` included: PyTorch's own functions
(:class:`TorchFunctions`), and any array API namespace's, each result
assigned into ``out`` (:class:`ArrayAPIFunctions`). (CuPy copies numpy's
functions: :func:`sknn_scratch._xp.numpy_like_functions`.)
"""

import contextlib

import numpy as np

from ._xp import numpy_dtype

# ------------------------------------------------ any array API library


class ArrayAPIFunctions:
    """numpy's functions, computed with an array API namespace ``xp``.

    A result for ``out`` is computed, then assigned into it: the standard
    has no ``out=``. Python numbers become arrays of the other operand's
    dtype and device (the 2023.12 standard takes no number in a function).
    """

    is_numpy = False

    def __init__(self, xp):
        self.xp = xp

    def __repr__(self):
        return f"{type(self).__name__}({self.xp.__name__})"

    def _operands(self, *values):
        like = next(v for v in values if hasattr(v, "dtype") and v.ndim >= 0)
        return [
            self.xp.asarray(v, dtype=like.dtype, device=like.device)
            if isinstance(v, (int, float)) and not isinstance(v, bool)
            else v
            for v in values
        ]

    def _into(self, result, out):
        if out is None:
            return result
        if result.dtype != out.dtype:
            result = self.xp.astype(result, out.dtype)
        out[...] = result
        return out

    def reciprocal(self, x, out=None):
        return self._into(1.0 / x, out)

    def copyto(self, dst, src, where=None):
        (src,) = self._operands(src, dst)[:1]
        if where is not None:
            src = self.xp.where(where, src, dst)
        self._into(src, dst)

    def where(self, condition, a, b):
        a, b = self._operands(a, b)
        return self.xp.where(condition, a, b)

    def dot(self, a, b, out=None):
        if a.ndim == 1 and b.ndim == 1:
            return self._into(self.xp.sum(a * b), out)
        return self._into(self.xp.matmul(a, b), out)

    def vdot(self, a, b):
        return self.xp.sum(self.xp.reshape(a, (-1,)) * self.xp.reshape(b, (-1,)))

    def sum(self, a, axis=None, keepdims=False, out=None):
        return self._into(self.xp.sum(a, axis=axis, keepdims=keepdims), out)

    def sum_rows_into(self, A, out):
        return self.sum(A, axis=0, keepdims=True, out=out)

    def row_dots(self, U, V):
        return self.xp.sum(U * V, axis=1)

    def max(self, a, axis=None, keepdims=False):
        return self.xp.max(a, axis=axis, keepdims=keepdims)

    def min(self, a, axis=None, keepdims=False):
        return self.xp.min(a, axis=axis, keepdims=keepdims)

    def mean(self, a, axis=None):
        return self.xp.mean(a, axis=axis)

    def all(self, a):
        return self.xp.all(a)

    def any(self, a):
        return self.xp.any(a)

    def argmax(self, a, axis=None):
        return self.xp.argmax(a, axis=axis)

    def clip(self, a, low, high):
        a = self.maximum(a, low)
        return self.minimum(a, high, out=a)

    def column_stack(self, columns):
        return self.xp.stack(list(columns), axis=1)

    def reshape(self, a, shape):
        return self.xp.reshape(a, shape)

    def concatenate(self, arrays, axis=0):
        return self.xp.concat(list(arrays), axis=axis)

    def empty_like(self, a, dtype=None):
        dtype = a.dtype if dtype is None else self.dtype(dtype)
        return self.xp.empty(a.shape, dtype=dtype, device=a.device)

    def zeros_like(self, a, dtype=None):
        dtype = a.dtype if dtype is None else self.dtype(dtype)
        return self.xp.zeros(a.shape, dtype=dtype, device=a.device)

    def ones_like(self, a, dtype=None):
        dtype = a.dtype if dtype is None else self.dtype(dtype)
        return self.xp.ones(a.shape, dtype=dtype, device=a.device)

    def astype(self, a, dtype):
        return self.xp.astype(a, self.dtype(dtype))

    def copy(self, a):
        return self.xp.asarray(a, copy=True)

    def take_rows(self, A, rows, out):
        return self._into(self.xp.take(A, rows, axis=0), out)

    def dtype(self, dtype):
        """This library's dtype for ``dtype`` (numpy's or its own)."""
        if isinstance(dtype, (np.dtype, type, str)):
            return getattr(self.xp, np.dtype(dtype).name)
        return dtype

    def finfo(self, dtype):
        return np.finfo(numpy_dtype(dtype))

    def errstate(self, **kwargs):
        return contextlib.nullcontext()


# ---------------------------------------------------------------- PyTorch


class TorchFunctions(ArrayAPIFunctions):
    """numpy's functions in PyTorch's own, ``out=`` and all: no copy."""

    def __init__(self, xp):
        super().__init__(xp)
        import torch

        self.torch = torch

    def _scalar_first(self, name, a, b, out):
        # torch's functions take a number second only: 1 - A as -(A - 1)
        if name == "subtract":
            result = self.torch.sub(b, a, out=out)
            return self.torch.neg(result, out=result)
        if name in ("add", "multiply", "maximum", "minimum"):
            return getattr(self, name)(b, a, out=out)
        return self._into(getattr(self.xp, name)(*self._operands(a, b)), out)

    def maximum(self, a, b, out=None):
        if isinstance(b, (int, float)):
            return self.torch.clamp(a, min=b, out=out)
        return self.torch.maximum(a, b, out=out)

    def minimum(self, a, b, out=None):
        if isinstance(b, (int, float)):
            return self.torch.clamp(a, max=b, out=out)
        return self.torch.minimum(a, b, out=out)

    def isfinite(self, x, out=None):
        return self._into(self.torch.isfinite(x), out)

    def copyto(self, dst, src, where=None):
        if where is None:
            dst.copy_(src) if hasattr(src, "dtype") else dst.fill_(src)
        elif hasattr(src, "dtype"):
            self.torch.where(where, src, dst, out=dst)
        else:
            dst.masked_fill_(where, src)

    def dot(self, a, b, out=None):
        if a.ndim == 1 and b.ndim == 1:
            return self._into(self.torch.dot(a, b), out)
        return self.torch.matmul(a, b, out=out)

    def sum(self, a, axis=None, keepdims=False, out=None):
        if axis is None:
            return self._into(self.torch.sum(a), out)
        return self.torch.sum(a, dim=axis, keepdim=keepdims, out=out)

    def take_rows(self, A, rows, out):
        return self.torch.index_select(A, 0, rows, out=out)


# the elementwise functions, by name: numpy's name, the array API's, PyTorch's
_UNARY = ("negative exp expm1 log log1p tanh abs sign sqrt isfinite reciprocal").split()
_BINARY = {
    "add": "add",
    "subtract": "sub",
    "multiply": "mul",
    "divide": "div",
    "maximum": None,
    "minimum": None,
    "greater": "gt",
    "greater_equal": "ge",
    "less": "lt",
    "logaddexp": "logaddexp",
}


def _standard_unary(name):
    def unary(self, x, out=None):
        return self._into(getattr(self.xp, name)(x), out)

    return unary


def _standard_binary(name):
    def binary(self, a, b, out=None):
        a, b = self._operands(a, b)
        return self._into(getattr(self.xp, name)(a, b), out)

    return binary


def _torch_unary(name):
    def unary(self, x, out=None):
        return getattr(self.torch, name)(x, out=out)

    return unary


def _torch_binary(name, native):
    def binary(self, a, b, out=None):
        if isinstance(a, (int, float)):
            return self._scalar_first(name, a, b, out)
        return getattr(self.torch, native)(a, b, out=out)

    return binary


for _name in _UNARY:
    if _name != "reciprocal":
        setattr(ArrayAPIFunctions, _name, _standard_unary(_name))
    if _name != "isfinite":  # (torch.isfinite takes no out=)
        setattr(TorchFunctions, _name, _torch_unary(_name))
for _name, _native in _BINARY.items():
    setattr(ArrayAPIFunctions, _name, _standard_binary(_name))
    if _native is not None:
        setattr(TorchFunctions, _name, _torch_binary(_name, _native))
