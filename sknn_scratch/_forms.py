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

import functools

from ._array import Wrapped, library_name, same_library, unwrap, wrapped
from ._registry import checked, checked_number, copy_checked, defines_own, overrides
from .activations import Activation
from .losses import Loss


def _own(component, base, pairs):
    """Whether each fast form computes what its protocol method does.

    A form the base class derives from the protocol always does; one a
    subclass wrote does when it was written for (at or below) the class that
    defines the protocol method. Decided once per class (the estimators ask
    at every ``predict``), unless the object itself holds a method.
    """
    if not isinstance(component, base):
        return False
    own = getattr(component, "__dict__", {})
    if any(name in own for pair in pairs for name in pair):
        return _forms_are_own(component, base, pairs)
    return _class_forms_are_own(type(component), base, pairs)


def _forms_are_own(component, base, pairs):
    return all(
        not overrides(component, fast, base)
        or defines_own(component, fast, over=protocol)
        for fast, protocol in pairs
    )


@functools.lru_cache(maxsize=256)
def _class_forms_are_own(cls, base, pairs):
    # an instance of cls with nothing of its own: the class's methods decide
    return _forms_are_own(cls.__new__(cls), base, pairs)


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
    """A user's activation, its in-place forms derived from its protocol.

    Its methods get the arrays of the input's own library (never numpy's
    wrappers of others), and must answer in that library.
    """

    def __init__(self, activation):
        self.activation = activation

    def __repr__(self):
        return repr(self.activation)

    def forward_into(self, Z, out):
        A = self.activation.forward(unwrap(Z))
        A = _in_library(self.activation, "forward", A, Z)
        return copy_checked(self.activation, "forward", A, out)

    def times_derivative(self, delta, Z, A):
        activation = self.activation
        if callable(getattr(activation, "backward", None)) and (
            not isinstance(activation, Activation)
            or overrides(activation, "backward", Activation)
        ):
            # a Jacobian that is not diagonal: the user's own chain rule
            grad = activation.backward(unwrap(Z), unwrap(A), unwrap(delta))
            grad = _in_library(activation, "backward", grad, delta)
            copy_checked(activation, "backward", grad, delta)
        else:
            derivative = activation.derivative(unwrap(Z), unwrap(A))
            derivative = _in_library(activation, "derivative", derivative, Z)
            delta *= checked(activation, "derivative", derivative, delta.shape)


class _ProtocolLoss(Loss):
    """A user's loss, its fast forms derived from ``loss`` and ``gradient``."""

    def __init__(self, loss):
        self.wrapped = loss

    def __repr__(self):
        return repr(self.wrapped)

    def loss(self, y_true, y_pred, sample_weight=None):
        value = self.wrapped.loss(y_true, y_pred, sample_weight)
        return checked_number(self.wrapped, "loss", value)

    def gradient(self, y_true, y_pred):
        return self.wrapped.gradient(y_true, y_pred)

    def loss_and_gradient_into(self, y_true, y_pred, sample_weight, out, scale=1.0):
        loss, y_true, y_pred = self.wrapped, unwrap(y_true), unwrap(y_pred)
        gradient = _in_library(loss, "gradient", loss.gradient(y_true, y_pred), out)
        copy_checked(loss, "gradient", gradient, out, scale, of="y_pred")
        return self.loss(y_true, y_pred, unwrap(sample_weight))


def _in_library(component, method, value, like):
    """``value``, a user's component's result, checked to be of ``like``'s library.

    A component written with numpy's functions works on numpy input only:
    given another library's arrays, numpy would quietly copy them to the CPU
    (or fail on a GPU). Say so, and how to write one that runs everywhere.
    """
    if same_library(value, like):
        return wrapped(value) if isinstance(like, Wrapped) else value
    raise TypeError(
        f"{component!r}.{method}() returned {library_name(value)} values for "
        f"{library_name(like)} input: a component must compute in its input's "
        "array library. Write it with that library's functions, for example "
        "xp = sknn_scratch.array_namespace(Z), then xp.exp(Z) for np.exp(Z) "
        "(see the page on writing your own component)."
    )
