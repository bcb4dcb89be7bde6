"""The in-place forms the training step runs, for any component.

The step (:mod:`sknn_scratch._network`) calls an activation's
``forward_into(Z, out)`` and ``times_derivative(delta, Z, A)``, a loss's
``loss_and_gradient_into(y_true, y_pred, sample_weight, out, scale)`` (and,
where it :meth:`~sknn_scratch.losses.Loss.fuses_with` the output activation,
``loss_and_output_delta_into``). The built-ins write their formulas in these
forms. Every component gets them by one rule, decided once per class: its
own forms where it has them and they compute its protocol (a subclass of a
built-in that changes only parameters: the component itself); otherwise (a
user's object with the protocol only, or a subclass of a built-in that
redefines ``forward``, whose forms no longer compute it) forms derived from
the protocol, ``forward`` and ``derivative`` (or ``backward``), ``loss`` and
``gradient``, their results checked and copied into the step's buffers.

A form computes a protocol method when the class that defines it is the
class that defines the method, or a subclass of it.
"""

import functools

import numpy as np

from ._array import backend_of, library_name, namespace_of, same_library, to_numpy
from ._boundary import library
from ._xp import NUMPY, functions_of, numpy_dtype

#: per kind: each in-place form, and the protocol methods it stands for
ACTIVATION_FORMS = (
    ("forward_into", ("forward",)),
    ("times_derivative", ("derivative", "backward")),
)
LOSS_FORMS = (
    ("loss_and_gradient_into", ("loss", "gradient")),
    ("loss_and_output_delta_into", ("gradient",)),
)


def activation_forms(activation, on_device=False):
    """``activation`` itself, or its forms derived from its protocol.

    ``on_device``: the arrays are another library's (a GPU's), where a
    user's own in-place forms, written with numpy, run on copies in numpy.
    """
    if _has_own_forms(activation, ACTIVATION_FORMS):
        if on_device and not _builtin_forms(activation, ACTIVATION_FORMS):
            return _HostActivation(activation)
        return activation
    return _ProtocolActivation(activation)


def loss_forms(loss, on_device=False):
    """``loss`` itself, or its forms derived from its protocol."""
    if _has_own_forms(loss, LOSS_FORMS):
        if on_device and not _builtin_forms(loss, LOSS_FORMS):
            return _HostLoss(loss)
        return loss
    return _ProtocolLoss(loss)


def _builtin_forms(component, forms):
    """Whether the package wrote ``component``'s in-place forms (for every
    library: they compute with :func:`sknn_scratch._xp.functions_of`)."""
    return all(
        _owner(type(component), form).__module__.startswith("sknn_scratch.")
        for form, _ in forms
    )


def _has_own_forms(component, forms):
    own = getattr(component, "__dict__", {})
    if any(name in own for form, methods in forms for name in (form, *methods)):
        return False  # methods set on the object itself: its protocol rules
    try:
        return _class_has_own_forms(type(component), forms)
    except TypeError:  # an unhashable class (a metaclass without __hash__)
        return _class_has_own_forms.__wrapped__(type(component), forms)


@functools.lru_cache(maxsize=512)
def _class_has_own_forms(cls, forms):
    """Whether every in-place form of ``cls`` computes its protocol methods."""
    for form, methods in forms:
        form_owner = _owner(cls, form)
        if form_owner is None:
            return False
        for method in methods:
            method_owner = _owner(cls, method)
            if method_owner is not None and not issubclass(form_owner, method_owner):
                return False
    return True


def _owner(cls, name):
    """The class of ``cls``'s method resolution order that defines ``name``."""
    for klass in cls.__mro__:
        if name in vars(klass):
            return klass
    return None


def derived(method):
    """Mark a base class's protocol method as derived from the in-place forms."""
    method.derived_from_forms = True
    return method


class _ProtocolActivation:
    """A user's activation, its in-place forms derived from its protocol.

    Its methods get the arrays of the input's own library (never numpy's
    wrappers of others), and must answer in that library.
    """

    derivative_from_output = False

    def __init__(self, activation):
        self.activation = activation
        # the library of the fit's input, where numpy views its arrays
        self.outside = library()
        self.output_bound = getattr(activation, "output_bound", None)
        backward = getattr(activation, "backward", None)
        # a Jacobian that is not diagonal (softmax's) needs the user's own
        # chain rule; a base class's backward is only derived from derivative
        self.own_backward = callable(backward) and not getattr(
            backward, "derived_from_forms", False
        )

    def __repr__(self):
        return repr(self.activation)

    def forward_into(self, Z, out):
        A = self.activation.forward(given(Z, self.outside))
        A = _in_library(self.activation, "forward", A, Z, self.outside)
        return copy_checked(self.activation, "forward", A, out)

    def times_derivative(self, delta, Z, A):
        activation, outside = self.activation, self.outside
        if self.own_backward:
            grad = activation.backward(
                given(Z, outside), given(A, outside), given(delta, outside)
            )
            grad = _in_library(activation, "backward", grad, delta, outside)
            copy_checked(activation, "backward", grad, delta)
        else:
            derivative = activation.derivative(given(Z, outside), given(A, outside))
            derivative = _in_library(activation, "derivative", derivative, Z, outside)
            delta *= checked(activation, "derivative", derivative, delta.shape)


class _HostActivation:
    """A user's in-place forms, written with numpy, on another library's arrays.

    Each call copies its arrays to numpy, runs the user's form there and
    copies the result back: correct anywhere, at the price of the copies.
    """

    def __init__(self, activation):
        self.activation = activation
        self.output_bound = getattr(activation, "output_bound", None)
        self.derivative_from_output = getattr(
            activation, "derivative_from_output", False
        )

    def __repr__(self):
        return repr(self.activation)

    def forward_into(self, Z, out):
        Z_host = np.array(to_numpy(Z))
        out_host = Z_host if out is Z else np.array(to_numpy(out))
        result = self.activation.forward_into(Z_host, out_host)
        return _copied_back(out, result)

    def times_derivative(self, delta, Z, A):
        delta_host, Z_host = np.array(to_numpy(delta)), np.array(to_numpy(Z))
        A_host = Z_host if A is Z else np.array(to_numpy(A))
        self.activation.times_derivative(delta_host, Z_host, A_host)
        _copied_back(delta, delta_host)


class _HostLoss:
    """A user's in-place loss form, written with numpy, on another library's
    arrays: run on copies in numpy, as :class:`_HostActivation`."""

    def __init__(self, loss):
        self.wrapped = loss

    def __repr__(self):
        return repr(self.wrapped)

    def fuses_with(self, activation):
        return False

    def loss(self, y_true, y_pred, sample_weight=None):
        value = self.wrapped.loss(
            to_numpy(y_true), to_numpy(y_pred), to_numpy(sample_weight)
        )
        return checked_number(self.wrapped, "loss", value)

    def loss_and_gradient_into(self, y_true, y_pred, sample_weight, out, scale=1.0):
        out_host = np.array(to_numpy(out))
        # (scale: a number, or a column of per-sample factors on the device)
        scale = scale if isinstance(scale, int | float) else to_numpy(scale)
        loss = self.wrapped.loss_and_gradient_into(
            to_numpy(y_true), to_numpy(y_pred), to_numpy(sample_weight), out_host, scale
        )
        _copied_back(out, out_host)
        return checked_number(self.wrapped, "loss_and_gradient_into", loss)


def _copied_back(out, host):
    """``out`` (another library's array) holding the numpy array ``host``."""
    functions_of(out).copyto(out, backend_of(out).asarray(host))
    return out


class _ProtocolLoss:
    """A user's loss, its in-place forms derived from ``loss`` and ``gradient``."""

    def __init__(self, loss):
        self.wrapped = loss
        self.outside = library()

    def __repr__(self):
        return repr(self.wrapped)

    def fuses_with(self, activation):
        return False

    def loss(self, y_true, y_pred, sample_weight=None):
        outside = self.outside
        y_true, y_pred = given(y_true, outside), given(y_pred, outside)
        value = self.wrapped.loss(y_true, y_pred, given(sample_weight, outside))
        return checked_number(self.wrapped, "loss", value)

    def loss_and_gradient_into(self, y_true, y_pred, sample_weight, out, scale=1.0):
        loss, outside = self.wrapped, self.outside
        gradient = loss.gradient(given(y_true, outside), given(y_pred, outside))
        gradient = _in_library(loss, "gradient", gradient, out, outside)
        copy_checked(loss, "gradient", gradient, out, scale, of="y_pred")
        return self.loss(y_true, y_pred, sample_weight)


def given(array, outside):
    """An engine's array as a user's component gets it: in the input's library.

    ``outside``: the input's library where the engine views it as numpy's
    (:mod:`sknn_scratch._boundary`), else None.
    """
    if outside is not None and type(array) is np.ndarray:
        return outside.from_numpy(array)
    return array


def _in_library(component, method, value, like, outside=None):
    """``value``, a user's component's result, checked to be of ``like``'s library.

    A component written with numpy's functions works on numpy input only:
    given another library's arrays, numpy would quietly copy them to the CPU
    (or fail on a GPU). Say so, and how to write one that runs everywhere.
    ``outside``: the input's library, when the engine views it as numpy's.
    """
    if outside is not None:
        if outside.owns(value):
            return outside.to_numpy(value)
        expected = outside.xp.__name__.split(".")[-1]
    elif same_library(value, like):
        return value
    else:
        expected = library_name(like)
    raise TypeError(
        f"{component!r}.{method}() returned {library_name(value)} values for "
        f"{expected} input: a component must compute in its input's "
        "array library. Write it with that library's functions, for example "
        "xp = sknn_scratch.array_namespace(Z), then xp.exp(Z) for np.exp(Z) "
        "(see the page on writing your own component)."
    )


# ------------------------------------------ what a user's component returns


def checked(component, method, value, shape, of="its input"):
    """``value`` as an array of ``shape``, or an error naming ``component``.

    A user's ``forward`` (or ``derivative``, ``gradient``) that returns a
    scalar, a list of another length or an array of the wrong shape would
    otherwise fail deep in numpy, or broadcast silently.
    """
    array = value if namespace_of(value) is not None else np.asarray(value)
    if tuple(array.shape) != shape or numpy_dtype(array.dtype).kind not in "fiub":
        raise ValueError(
            f"{component!r}.{method}() returned {type(value).__name__} of shape "
            f"{array.shape} and dtype {array.dtype}; expected a numeric array of "
            f"shape {shape}, the shape of {of}."
        )
    return array


def checked_number(component, method, value):
    """``value`` as a float, or an error naming ``component``.

    A user's ``loss`` that returns the per-sample losses, a list or ``None``
    instead of their mean would otherwise fail deep in numpy.
    """
    if not isinstance(value, (np.ndarray, np.generic, str, list, tuple, type(None))):
        if tuple(getattr(value, "shape", ())) == ():
            try:
                # a number, or another library's scalar (a tensor on a GPU)
                return float(value)
            except (TypeError, ValueError):
                pass
    array = np.asarray(value)
    if array.shape != () or array.dtype.kind not in "fiub":
        raise ValueError(
            f"{component!r}.{method}() returned {type(value).__name__} of shape "
            f"{array.shape} and dtype {array.dtype}; expected a number, the "
            "mean loss over the samples."
        )
    return float(array)


def copy_checked(component, method, value, out, scale=1.0, of="its input"):
    """``out = scale * value``, ``value`` :func:`checked` against ``out``."""
    array = checked(component, method, value, out.shape, of)
    xp = functions_of(out)
    if xp is NUMPY:
        np.multiply(array, scale, out=out, casting="unsafe")
    else:
        xp.multiply(xp.astype(array, out.dtype), scale, out=out)
    return out
