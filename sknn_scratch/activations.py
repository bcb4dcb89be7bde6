"""Activation functions: one small class each, the function and its derivative.

The protocol, for built-ins and users' own objects alike:

- ``forward(Z)`` returns ``A = f(Z)``, elementwise;
- ``derivative(Z, A)`` returns ``f'(Z)``, given ``A = f(Z)`` (so sigmoid can
  use the article's ``f'(x) = f(x) (1 - f(x))`` without recomputing ``f``);
- optionally ``backward(Z, A, grad)``, ``dL/dZ`` from ``grad = dL/dA``, for a
  Jacobian that is not diagonal (softmax's).

The training step (:mod:`sknn_scratch._network`) calls in-place forms, so
that every layer works in buffers allocated once per fit:
``forward_into(Z, out)`` writes ``f(Z)`` into ``out`` (which may be ``Z``),
and ``times_derivative(delta, Z, A)`` multiplies ``delta`` by ``f'(Z)``,
possibly overwriting ``Z`` and ``A``. Each built-in writes its formula once,
in these, and :class:`Activation` derives ``forward`` and ``derivative`` from
them. A class or object that writes only the protocol gets in-place forms
derived from it (:mod:`sknn_scratch._forms`). A built-in also has
``log_forward`` for ``predict_log_proba``; its ONNX operators are in
:mod:`sknn_scratch.onnx`.

Every built-in stays finite, without overflow warnings, for any finite input
(``|Z|`` up to ``1e308``).
"""

import numpy as np
from scipy.special import expit

from ._forms import activation_forms, derived
from ._registry import Component, Registry
from ._xp import float_array, functions_of, numpy_dtype, row_max

ACTIVATIONS = Registry(
    "activation", "sknn_scratch.activations", required=("forward", "derivative")
)


def register_activation(name, activation=None):
    """Register an activation class (or factory) under ``name``.

    Usable as a decorator. The registered object is called with no arguments
    to build the activation when an estimator is fitted with
    ``activation=name``.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn_scratch import register_activation
    >>> @register_activation("cube")
    ... class Cube:
    ...     def forward(self, Z):
    ...         return Z**3
    ...     def derivative(self, Z, A):
    ...         return 3 * Z**2
    >>> from sknn_scratch.activations import ACTIVATIONS
    >>> "cube" in ACTIVATIONS.names()
    True
    """
    return ACTIVATIONS.register(name, activation)


class Activation(Component):
    """Base class of the activations.

    A subclass writes either the protocol, ``forward`` and ``derivative``
    (the engine derives the in-place forms from them), or, for speed, the
    in-place forms ``forward_into`` and ``times_derivative`` (``forward``
    and ``derivative`` are derived from those), as the built-ins do.
    """

    #: The name scikit-learn's MLP uses for this function, if it has one.
    sklearn_name = None
    #: A bound on ``|f(z)|`` for every ``z`` (``None``: unbounded). The
    #: estimators use it to prove outputs finite without a forward pass.
    output_bound = None
    #: Whether ``|f(z)|`` over any ``[-b, b]`` is largest at ``-b`` or ``b``
    #: (so for a function that only grows, or whose size grows with
    #: ``|z|``): then a bound on a layer's sums bounds its outputs, and the
    #: estimators prove them finite without a forward pass. ``False``: the
    #: outputs are computed to be checked.
    largest_at_ends = False
    #: Whether ``times_derivative`` needs only ``A``: the training step may
    #: then compute ``A`` in place over ``Z``, and passes the same array as
    #: both.
    derivative_from_output = False
    #: Whether the function is for output layers only (softmax: its outputs
    #: share one sum of 1); the estimators refuse it as ``activation``.
    output_only = False

    @derived
    def forward(self, Z):
        """``A = f(Z)``, a new array (of ``Z``'s array library)."""
        Z = float_array(Z)
        xp = functions_of(Z)
        # an exponential that overflows to inf gives the 0 or inf it should
        # (1 / (1 + inf) is 0): not worth a warning
        with xp.errstate(over="ignore"):
            return self.forward_into(Z, xp.empty_like(Z))

    @derived
    def derivative(self, Z, A):
        """``f'(Z)``, given ``A = f(Z)``."""
        A = float_array(A)
        xp = functions_of(A)
        d = xp.ones_like(A)
        with xp.errstate(over="ignore"):
            self.times_derivative(d, float_array(Z, A.dtype, copy=True), xp.copy(A))
        return d

    def log_forward(self, Z):
        """``log f(Z)``, for ``predict_log_proba`` (-inf where ``f`` is 0)."""
        A = float_array(self.forward(Z))
        xp = functions_of(A)
        with xp.errstate(divide="ignore"):
            return xp.log(A)

    @derived
    def backward(self, Z, A, grad):
        """``dL/dZ`` from ``grad = dL/dA``: the chain rule through ``f``."""
        return backward(self, Z, A, grad)


def backward(activation, Z, A, grad):
    """``dL/dZ`` for any activation, built-in or a user's own."""
    grad = float_array(grad, copy=True)
    xp = functions_of(grad)
    with xp.errstate(over="ignore"):
        activation_forms(activation, not xp.is_numpy).times_derivative(
            grad,
            float_array(Z, grad.dtype, copy=True),
            float_array(A, grad.dtype, copy=True),
        )
    return grad


@register_activation("sigmoid")
@register_activation("logistic")
class Sigmoid(Activation):
    r"""The logistic sigmoid, the article's activation.

    .. math:: f(z) = \frac{1}{1 + e^{-z}}, \qquad f'(z) = f(z)\,(1 - f(z))

    For very negative ``z``, :math:`e^{-z}` overflows to infinity and
    :math:`1 / (1 + \infty)` is the 0 it should be; the overflow is expected
    and not reported.

    Examples
    --------
    >>> from sknn_scratch.activations import Sigmoid
    >>> float(Sigmoid().forward(7.0))
    0.9990889488055994
    """

    sklearn_name = "logistic"
    output_bound = 1.0
    derivative_from_output = True

    def forward_into(self, Z, out):
        if type(Z) is np.ndarray and Z.ndim == 2 and Z.shape[0] == 1:
            # one sample: scipy's 1 / (1 + e^-z) in one call, not four
            return expit(Z, out=out)
        # 1 / (1 + e^-z), one exponential and no branch: half the time of
        # e^-|z| with a np.where, and the article's formula to the last bit
        xp = functions_of(Z)
        xp.negative(Z, out=out)
        xp.exp(out, out=out)
        out += 1
        return xp.reciprocal(out, out=out)

    def times_derivative(self, delta, Z, A):
        # f'(z) = f(z) (1 - f(z)): delta *= A, then *= 1 - A, written over A
        delta *= A
        functions_of(A).subtract(1, A, out=A)
        delta *= A

    def log_forward(self, Z):
        # log f(z) = -log(1 + e^-z), finite for any finite z
        Z = float_array(Z)
        xp = functions_of(Z)
        return xp.negative(xp.logaddexp(0, xp.negative(Z)))


@register_activation("tanh")
class Tanh(Activation):
    r"""The hyperbolic tangent.

    .. math:: f(z) = \tanh z, \qquad f'(z) = 1 - f(z)^2
    """

    sklearn_name = "tanh"
    output_bound = 1.0
    derivative_from_output = True

    def forward_into(self, Z, out):
        return functions_of(Z).tanh(Z, out=out)

    def times_derivative(self, delta, Z, A):
        # f'(z) = 1 - f(z)^2, written over A
        xp = functions_of(A)
        xp.multiply(A, A, out=A)
        xp.subtract(1, A, out=A)
        delta *= A


@register_activation("relu")
class ReLU(Activation):
    r"""The rectified linear unit.

    .. math:: f(z) = \max(z, 0), \qquad f'(z) = [z > 0]
    """

    sklearn_name = "relu"
    largest_at_ends = True
    derivative_from_output = True

    def forward_into(self, Z, out):
        return functions_of(Z).maximum(Z, 0, out=out)

    def times_derivative(self, delta, Z, A):
        # f'(z) = [z > 0] = [f(z) > 0], written over A
        functions_of(A).greater(A, 0, out=A)
        delta *= A


@register_activation("leaky_relu")
class LeakyReLU(Activation):
    r"""ReLU with a small slope for negative inputs.

    .. math:: f(z) = \begin{cases} z & z > 0 \\ \alpha z & z \le 0 \end{cases}
        \qquad f'(z) = \begin{cases} 1 & z > 0 \\ \alpha & z \le 0 \end{cases}

    Parameters
    ----------
    alpha : float, default=0.01
        The slope for negative inputs.

    Examples
    --------
    >>> from sknn_scratch.activations import LeakyReLU
    >>> LeakyReLU(0.1).forward([-2.0, 3.0]).tolist()
    [-0.2, 3.0]
    """

    # |f(z)| is |z| or |alpha z|: it grows with |z| on either side, any alpha
    largest_at_ends = True

    def __init__(self, alpha=0.01):
        self.alpha = alpha

    @property
    def derivative_from_output(self):
        # with a slope >= 0, f(z) > 0 exactly where z > 0
        return self.alpha >= 0

    def forward_into(self, Z, out):
        xp = functions_of(Z)
        scaled = Z * self.alpha
        if 0 <= self.alpha <= 1:
            # z > 0 where z > alpha z: the larger of the two
            return xp.maximum(Z, scaled, out=out)
        xp.copyto(out, xp.where(Z > 0, Z, scaled))
        return out

    def times_derivative(self, delta, Z, A):
        # f'(z) = 1 where z > 0, alpha elsewhere: [z > 0] (1 - alpha) + alpha
        slope = A if self.derivative_from_output else Z
        functions_of(slope).greater(slope, 0, out=slope)
        slope *= 1 - self.alpha
        slope += self.alpha
        delta *= slope


@register_activation("elu")
class ELU(Activation):
    r"""The exponential linear unit.

    .. math:: f(z) = \begin{cases} z & z > 0 \\ \alpha (e^z - 1) & z \le 0
        \end{cases} \qquad f'(z) = \begin{cases} 1 & z > 0 \\ f(z) + \alpha
        & z \le 0 \end{cases}

    Parameters
    ----------
    alpha : float, default=1.0
        The value ``f`` tends to for very negative inputs is ``-alpha``.
    """

    # |f(z)| is z, or |alpha| (1 - e^z) below 0: it grows with |z|, any alpha
    largest_at_ends = True

    def __init__(self, alpha=1.0):
        self.alpha = alpha

    @property
    def derivative_from_output(self):
        # with alpha >= 0, f(z) > 0 exactly where z > 0
        return self.alpha >= 0

    def forward_into(self, Z, out):
        # max(z, 0) + alpha (e^min(z, 0) - 1): the exponential never overflows,
        # and one of the two terms is 0
        xp = functions_of(Z)
        negative = xp.minimum(Z, 0)
        xp.expm1(negative, out=negative)
        negative *= self.alpha
        xp.maximum(Z, 0, out=out)
        out += negative
        return out

    def times_derivative(self, delta, Z, A):
        # f'(z) = 1 where z > 0, f(z) + alpha elsewhere, written over A
        positive = (A if self.derivative_from_output else Z) > 0
        A += self.alpha
        functions_of(A).copyto(A, 1, where=positive)
        delta *= A


@register_activation("softplus")
class Softplus(Activation):
    r"""A smooth ReLU.

    .. math:: f(z) = \ln(1 + e^{z}), \qquad f'(z) = \frac{1}{1 + e^{-z}}

    Computed as :math:`\max(z, 0) + \ln(1 + e^{-|z|})`, which never overflows.
    """

    largest_at_ends = True  # it only grows

    def forward_into(self, Z, out):
        # ln(1 + e^-|z|) first: out may be Z
        xp = functions_of(Z)
        tail = xp.abs(Z)
        xp.negative(tail, out=tail)
        xp.exp(tail, out=tail)
        xp.log1p(tail, out=tail)
        xp.maximum(Z, 0, out=out)
        out += tail
        return out

    def times_derivative(self, delta, Z, A):
        # f'(z) is the sigmoid of z, written over Z
        delta *= Sigmoid().forward_into(Z, out=Z)


@register_activation("identity")
class Identity(Activation):
    r"""No activation: the layer stays linear.

    .. math:: f(z) = z, \qquad f'(z) = 1
    """

    sklearn_name = "identity"
    largest_at_ends = True
    derivative_from_output = True

    def forward_into(self, Z, out):
        if out is not Z:
            functions_of(Z).copyto(out, Z)
        return out

    def times_derivative(self, delta, Z, A):
        pass  # f'(z) = 1


#: per float dtype, where the exponential would overflow
_LARGEST_EXPONENT = {}


def _exponent_limit(dtype):
    """The largest ``z`` of ``dtype`` whose exponential is finite, as a float."""
    dtype = numpy_dtype(dtype)
    if dtype not in _LARGEST_EXPONENT:
        z = np.log(np.finfo(dtype).max).astype(dtype)
        with np.errstate(over="ignore"):
            while not np.isfinite(np.exp(z)):
                z = np.nextafter(z, dtype.type(0))
        _LARGEST_EXPONENT[dtype] = float(z)
    return _LARGEST_EXPONENT[dtype]


@register_activation("exp")
class Exp(Activation):
    r"""The exponential, for positive outputs: the Poisson loss's (its log link).

    .. math:: f(z) = e^{z}, \qquad f'(z) = f(z)

    Sums beyond the largest exponent of their dtype (709.78 in float64,
    88.72 in float32) give the largest float, not infinity: the outputs stay
    finite for every finite input. As scikit-learn's MLPRegressor with
    ``loss="poisson"``, whose ``out_activation_`` is ``"exp"``.

    Examples
    --------
    >>> from sknn_scratch.activations import Exp
    >>> Exp().forward([0.0, 1.0, 1e6]).tolist()
    [1.0, 2.718281828459045, 1.7976931348622732e+308]
    """

    sklearn_name = "exp"
    largest_at_ends = True
    derivative_from_output = True

    def forward_into(self, Z, out):
        xp = functions_of(Z)
        xp.minimum(Z, _exponent_limit(Z.dtype), out=out)
        return xp.exp(out, out=out)

    def times_derivative(self, delta, Z, A):
        # f'(z) = f(z)
        delta *= A


@register_activation("softmax")
class Softmax(Activation):
    r"""The softmax over each row, for output layers only.

    .. math:: f(z)_j = \frac{e^{z_j}}{\sum_k e^{z_k}}, \qquad
        \frac{\partial L}{\partial z_j} = f_j \Big(g_j - \sum_k g_k f_k\Big)

    where :math:`g = \partial L / \partial f`. The maximum of each row is
    subtracted before exponentiating, so no exponential overflows.
    ``derivative`` returns the Jacobian's diagonal :math:`f_j (1 - f_j)`;
    training uses the full product.
    """

    sklearn_name = "softmax"
    output_bound = 1.0
    derivative_from_output = True
    output_only = True

    def forward_into(self, Z, out):
        # a row holding both -1e308 and 1e308 subtracts to -inf, whose
        # exponential is the 0 it should be. One row (training one sample at
        # a time) reduces over the whole array: the same numbers, faster
        axis = None if Z.ndim == 2 and Z.shape[0] == 1 else -1
        xp = functions_of(Z)
        xp.subtract(Z, row_max(Z), out=out)
        xp.exp(out, out=out)
        out /= xp.sum(out, axis=axis, keepdims=True)
        return out

    def log_forward(self, Z):
        # log f(z)_j = z_j - max z - log sum_k e^(z_k - max z): no overflow
        Z = float_array(Z)
        xp = functions_of(Z)
        shifted = Z - row_max(Z)
        log_sum = xp.log(xp.sum(xp.exp(shifted), axis=-1, keepdims=True))
        return shifted - log_sum

    def derivative(self, Z, A):
        A = float_array(A)
        return A * (1 - A)

    def times_derivative(self, delta, Z, A):
        # dL/dz_j = f_j (g_j - sum_k g_k f_k), with g = delta
        delta -= functions_of(delta).sum(delta * A, axis=-1, keepdims=True)
        delta *= A
