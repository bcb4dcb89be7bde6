"""The forms the training step runs, for any component.

The step (:mod:`sknn_scratch._network`) calls a component's fast forms: an
activation's ``forward_into`` and ``times_derivative``, a loss's
``loss_and_gradient_into``. The built-ins write their formulas in these; a
subclass of :class:`~sknn_scratch.activations.Activation` or
:class:`~sknn_scratch.losses.Loss` that writes only the protocol gets them
from the base class, derived from its protocol. A user's object that
subclasses neither, or a subclass of a built-in that redefines the protocol
but not the fast forms (whose formula is then no longer its own), is wrapped
here, so that it runs in the same buffers.
"""

import numpy as np

from ._registry import checked, copy_checked, defines_own, overrides
from .activations import Activation
from .losses import Loss


def _own(component, base, pairs):
    """Whether each fast form computes what its protocol method does.

    A form the base class derives from the protocol always does; one a
    subclass wrote does when it was written for (at or below) the class that
    defines the protocol method.
    """
    return isinstance(component, base) and all(
        not overrides(component, fast, base)
        or defines_own(component, fast, over=protocol)
        for fast, protocol in pairs
    )


def activation_form(activation):
    """``activation``, or a wrapper deriving its in-place forms.

    ``activation`` itself for every built-in and for a subclass that changes
    only parameters (it trains exactly as the built-in, at the same speed).
    """
    pairs = (
        ("forward_into", "forward"),
        ("times_derivative", "derivative"),
        ("times_derivative", "backward"),
    )
    if _own(activation, Activation, pairs):
        return activation
    return _ProtocolActivation(activation)


def loss_form(loss):
    """``loss``, or a wrapper deriving its fast forms from its protocol."""
    pairs = (
        ("loss_and_gradient_into", "loss"),
        ("loss_and_gradient_into", "gradient"),
        ("loss_and_output_delta_into", "gradient"),
    )
    if _own(loss, Loss, pairs):
        return loss
    return _ProtocolLoss(loss)


class _ProtocolActivation(Activation):
    """A user's activation, its in-place forms derived from its protocol."""

    def __init__(self, activation):
        self.activation = activation

    def __repr__(self):
        return repr(self.activation)

    def forward_into(self, Z, out):
        return copy_checked(self.activation, "forward", self.activation.forward(Z), out)

    def times_derivative(self, delta, Z, A):
        activation = self.activation
        if callable(getattr(activation, "backward", None)) and (
            not isinstance(activation, Activation)
            or overrides(activation, "backward", Activation)
        ):
            # a Jacobian that is not diagonal: the user's own chain rule
            grad = activation.backward(Z, A, delta)
            copy_checked(activation, "backward", grad, delta)
        else:
            derivative = activation.derivative(Z, A)
            delta *= checked(activation, "derivative", derivative, delta.shape)


class _ProtocolLoss(Loss):
    """A user's loss, its fast forms derived from ``loss`` and ``gradient``."""

    def __init__(self, loss):
        self.wrapped = loss

    def __repr__(self):
        return repr(self.wrapped)

    def loss(self, y_true, y_pred, sample_weight=None):
        return self.wrapped.loss(y_true, y_pred, sample_weight)

    def gradient(self, y_true, y_pred):
        return self.wrapped.gradient(y_true, y_pred)

    def loss_and_gradient_into(self, y_true, y_pred, sample_weight, out, scale=1.0):
        wrapped = self.wrapped
        gradient = wrapped.gradient(y_true, y_pred)
        copy_checked(wrapped, "gradient", gradient, out, scale, of="y_pred")
        return float(np.asarray(wrapped.loss(y_true, y_pred, sample_weight)))
