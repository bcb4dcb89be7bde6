"""Activation functions: one small class each, the function and its derivative.

The protocol, for built-ins and users' own objects alike:

- ``forward(Z)`` returns ``A = f(Z)``, elementwise;
- ``derivative(Z, A)`` returns ``f'(Z)``, given ``A = f(Z)`` (so sigmoid can
  use the article's ``f'(x) = f(x) (1 - f(x))`` without recomputing ``f``).

An activation may also define ``backward(Z, A, grad)`` returning
``grad * f'(Z)``; softmax does, since its Jacobian is not diagonal.

Every built-in is written to stay finite, without overflow warnings, for any
finite input (``|Z|`` up to ``1e308``).
"""

import numpy as np

from ._registry import Component, Registry

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
    """Base class of the built-in activations."""

    #: The name scikit-learn's MLP uses for this function, if it has one.
    sklearn_name = None

    def forward(self, Z):
        raise NotImplementedError

    def derivative(self, Z, A):
        raise NotImplementedError

    def backward(self, Z, A, grad):
        """``dL/dZ`` from ``grad = dL/dA``: the chain rule through ``f``."""
        return grad * self.derivative(Z, A)


def backward(activation, Z, A, grad):
    """``dL/dZ`` for any activation, built-in or a user's own."""
    method = getattr(activation, "backward", None)
    if method is not None:
        return method(Z, A, grad)
    return grad * activation.derivative(Z, A)


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

    def forward(self, Z):
        # one exponential and no branch: half the time of e^-|z| with a
        # np.where, and the article's formula to the last bit
        with np.errstate(over="ignore"):
            E = np.exp(-np.asarray(Z))
        E += 1
        return 1 / E

    def derivative(self, Z, A):
        return A * (1 - A)


@register_activation("tanh")
class Tanh(Activation):
    r"""The hyperbolic tangent.

    .. math:: f(z) = \tanh z, \qquad f'(z) = 1 - f(z)^2
    """

    sklearn_name = "tanh"

    def forward(self, Z):
        return np.tanh(Z)

    def derivative(self, Z, A):
        return 1 - A * A


@register_activation("relu")
class ReLU(Activation):
    r"""The rectified linear unit.

    .. math:: f(z) = \max(z, 0), \qquad f'(z) = [z > 0]
    """

    sklearn_name = "relu"

    def forward(self, Z):
        return np.maximum(Z, 0)

    def derivative(self, Z, A):
        return (np.asarray(Z) > 0).astype(np.result_type(A, np.float32))


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

    def __init__(self, alpha=0.01):
        self.alpha = alpha

    def forward(self, Z):
        Z = np.asarray(Z)
        return np.where(Z > 0, Z, self.alpha * Z)

    def derivative(self, Z, A):
        Z = np.asarray(Z)
        return np.where(Z > 0, 1, self.alpha).astype(np.result_type(A, np.float32))


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

    def __init__(self, alpha=1.0):
        self.alpha = alpha

    def forward(self, Z):
        Z = np.asarray(Z)
        return np.where(Z > 0, Z, self.alpha * np.expm1(np.minimum(Z, 0)))

    def derivative(self, Z, A):
        Z = np.asarray(Z)
        return np.where(Z > 0, 1, A + self.alpha).astype(np.result_type(A, np.float32))


@register_activation("softplus")
class Softplus(Activation):
    r"""A smooth ReLU.

    .. math:: f(z) = \ln(1 + e^{z}), \qquad f'(z) = \frac{1}{1 + e^{-z}}

    Computed as :math:`\max(z, 0) + \ln(1 + e^{-|z|})`, which never overflows.
    """

    def forward(self, Z):
        Z = np.asarray(Z)
        return np.maximum(Z, 0) + np.log1p(np.exp(-np.abs(Z)))

    def derivative(self, Z, A):
        return Sigmoid().forward(Z)


@register_activation("identity")
class Identity(Activation):
    r"""No activation: the layer stays linear.

    .. math:: f(z) = z, \qquad f'(z) = 1
    """

    sklearn_name = "identity"

    def forward(self, Z):
        return np.asarray(Z)

    def derivative(self, Z, A):
        return np.ones_like(A)

    def backward(self, Z, A, grad):
        return grad


@register_activation("softmax")
class Softmax(Activation):
    r"""The softmax over each row, for output layers.

    .. math:: f(z)_j = \frac{e^{z_j}}{\sum_k e^{z_k}}, \qquad
        \frac{\partial L}{\partial z_j} = f_j \Big(g_j - \sum_k g_k f_k\Big)

    where :math:`g = \partial L / \partial f`. The maximum of each row is
    subtracted before exponentiating, so no exponential overflows.
    ``derivative`` returns the Jacobian's diagonal :math:`f_j (1 - f_j)`;
    training uses ``backward``, the full product.
    """

    sklearn_name = "softmax"

    def forward(self, Z):
        Z = np.asarray(Z)
        # a row holding both -1e308 and 1e308 subtracts to -inf, whose
        # exponential is the 0 it should be: not worth a warning
        with np.errstate(over="ignore"):
            E = np.exp(Z - Z.max(axis=-1, keepdims=True))
        E /= E.sum(axis=-1, keepdims=True)
        return E

    def derivative(self, Z, A):
        return A * (1 - A)

    def backward(self, Z, A, grad):
        return A * (grad - np.sum(grad * A, axis=-1, keepdims=True))
