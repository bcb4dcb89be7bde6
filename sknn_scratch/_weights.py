"""The network's weights before training: drawn for a first fit, or taken over.

The methods of :class:`~sknn_scratch._base.BaseScratchMLP` that set
``coefs_`` and ``intercepts_`` before a fit trains them, as functions of the
estimator (``est``): a first fit draws them with the ``weight_init``
component (and checks what it returns); ``warm_start`` and ``partial_fit``
take over the fitted ones, copied, after checking that they fit the data.
"""

import numpy as np

from ._components import fresh_random_state, initializer_activations, name_of
from ._state import Training


def initialize(est, Y, layer_units, dtype, backend):
    """Set every fitted attribute for a first fit, as MLPClassifier does.

    The weights are drawn with numpy, whatever the input's library: the
    same ``random_state`` starts from the same weights everywhere.
    """
    rng = fresh_random_state(est.random_state)
    est._training = Training(rng, est.early_stopping)
    # the fitted attributes of a fit that has not trained yet
    for name, value in est._training.fitted_attributes().items():
        setattr(est, name, value)
    est.n_outputs_ = Y.shape[1]
    est.n_layers_ = len(layer_units)
    est.out_activation_ = name_of(est.output_activation_, est.output_activation)
    est.coefs_, est.intercepts_ = [], []
    activations = initializer_activations(est.hidden_activation_, layer_units)
    for fan_in, fan_out, activation in zip(
        layer_units[:-1], layer_units[1:], activations
    ):
        drawn = est.weight_init_(fan_in, fan_out, rng, activation)
        W, b = _checked_weights(est.weight_init, drawn, fan_in, fan_out)
        W = np.asarray(W, dtype=dtype).reshape(fan_in, fan_out)
        b = np.asarray(b, dtype=dtype).reshape(fan_out)
        est.coefs_.append(backend.asarray(W))
        est.intercepts_.append(backend.asarray(b))


def _check_output_units(est, shapes, expected):
    """Name a change of the output layer's width (hidden layers alike)."""
    if len(shapes) != len(expected) or shapes[:-1] != expected[:-1]:
        return
    if shapes[-1][0] != expected[-1][0]:
        return
    before, now = shapes[-1][1], expected[-1][1]
    name = name_of(est.output_activation_, est.output_activation)
    previous = getattr(est, "out_activation_", name)
    cause = (
        f"output_activation changed from {previous!r} to {name!r}"
        if previous != name
        else "y has another number of outputs (or classes)"
    )
    raise ValueError(
        f"The fitted network has {before} output unit(s) and this fit "
        f"needs {now}: {cause}. Fit again without warm_start (or "
        "partial_fit on a new estimator)."
    )


def check_weights(est, layer_units, dtype, backend):
    """Take over ``coefs_``/``intercepts_`` (maybe set by the user) to train.

    They are copied, so arrays a user assigned are never changed in place.
    """
    expected = list(zip(layer_units[:-1], layer_units[1:]))
    coefs, intercepts = list(est.coefs_), list(est.intercepts_)
    shapes = [tuple(np.shape(W)) for W in coefs]
    bias_shapes = [tuple(np.shape(b)) for b in intercepts]
    if shapes != expected or bias_shapes != [(n,) for _, n in expected]:
        _check_output_units(est, shapes, expected)
        raise ValueError(
            "The network's weights do not fit this data and these "
            f"hidden_layer_sizes: expected coefs_ shapes {expected} and "
            f"intercepts_ shapes {[(n,) for _, n in expected]}, got {shapes} "
            f"and {bias_shapes}. Fit again without warm_start."
        )
    if backend.is_numpy:
        est.coefs_ = [np.array(W, dtype=dtype) for W in coefs]
        est.intercepts_ = [np.array(b, dtype=dtype) for b in intercepts]
    else:
        est.coefs_ = [backend.asarray(W, dtype) for W in coefs]
        est.intercepts_ = [backend.asarray(b, dtype) for b in intercepts]
    est.n_layers_ = len(layer_units)
    est.out_activation_ = name_of(est.output_activation_, est.output_activation)
    est._training = Training.of(est)
    est._training.carry_on(est.early_stopping)


def _checked_weights(weight_init, drawn, fan_in, fan_out):
    """``(W, b)`` of a layer from ``weight_init``, or an error naming it and
    its contract."""
    sizes = None
    if isinstance(drawn, tuple | list) and len(drawn) == 2:
        sizes = tuple(int(np.size(a)) for a in drawn)
    if sizes != (fan_in * fan_out, fan_out):
        got = (
            f"arrays of {sizes[0]} and {sizes[1]} values"
            if sizes is not None
            else f"{type(drawn).__name__} {drawn!r:.60}"
        )
        raise ValueError(
            f"weight_init {weight_init!r} must return (W, b) for a layer of "
            f"{fan_in} inputs and {fan_out} units: W of shape ({fan_in}, "
            f"{fan_out}) and b of shape ({fan_out},); got {got}."
        )
    return drawn
