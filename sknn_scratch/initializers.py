"""Weight initializers: how a layer's weights and biases start.

The protocol: ``initializer(fan_in, fan_out, random_state, activation)``
returns ``(W, b)``, float arrays of shapes ``(fan_in, fan_out)`` and
``(fan_out,)``. ``random_state`` is a ``numpy.random.RandomState``, the only
source of randomness allowed (so a ``random_state`` makes fits repeatable);
``activation`` is the hidden layers' activation, for schemes that scale by it
(with one activation per hidden layer, the layer's own; for the output
layer, the last hidden layer's).
"""

import numpy as np

from ._registry import Component, Registry

INITIALIZERS = Registry("initializer", "sknn_scratch.initializers", required=())


def register_initializer(name, initializer=None):
    """Register an initializer class (or factory) under ``name``.

    Usable as a decorator.
    """
    return INITIALIZERS.register(name, initializer)


class Initializer(Component):
    """Base class of the built-in initializers."""

    def __call__(self, fan_in, fan_out, random_state, activation=None):
        raise NotImplementedError


@register_initializer("glorot_uniform")
class GlorotUniform(Initializer):
    r"""scikit-learn's MLP initialization (Glorot & Bengio, 2010).

    .. math:: W, b \sim \mathcal U(-r, r), \qquad
        r = \sqrt{\frac{k}{n_{in} + n_{out}}}

    with :math:`k = 2` after a sigmoid and :math:`k = 6` otherwise; the draws
    are made in scikit-learn's order, so the same ``random_state`` starts from
    the same weights as ``MLPClassifier``.
    """

    def __call__(self, fan_in, fan_out, random_state, activation=None):
        factor = 2.0 if getattr(activation, "sklearn_name", None) == "logistic" else 6.0
        bound = np.sqrt(factor / (fan_in + fan_out))
        W = random_state.uniform(-bound, bound, (fan_in, fan_out))
        b = random_state.uniform(-bound, bound, fan_out)
        return W, b


@register_initializer("normal")
@register_initializer("standard_normal")
class StandardNormal(Initializer):
    r"""The article's start: every weight and bias from a standard normal.

    .. math:: W, b \sim \mathcal N(0, 1)
    """

    def __call__(self, fan_in, fan_out, random_state, activation=None):
        W = random_state.normal(size=(fan_in, fan_out))
        b = random_state.normal(size=fan_out)
        return W, b


@register_initializer("he_normal")
class HeNormal(Initializer):
    r"""He et al. (2015), for ReLU layers; biases start at zero.

    .. math:: W \sim \mathcal N\Big(0, \frac{2}{n_{in}}\Big), \qquad b = 0
    """

    def __call__(self, fan_in, fan_out, random_state, activation=None):
        W = random_state.normal(scale=np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
        return W, np.zeros(fan_out)


@register_initializer("he_uniform")
class HeUniform(Initializer):
    r"""He et al. (2015), uniform; biases start at zero.

    .. math:: W \sim \mathcal U(-r, r), \quad r = \sqrt{6 / n_{in}}, \qquad b = 0
    """

    def __call__(self, fan_in, fan_out, random_state, activation=None):
        bound = np.sqrt(6.0 / fan_in)
        W = random_state.uniform(-bound, bound, (fan_in, fan_out))
        return W, np.zeros(fan_out)
