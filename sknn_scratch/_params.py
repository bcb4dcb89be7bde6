"""The estimators' parameters: constraints, ARTICLE_PARAMS, what values mean."""

import math
from numbers import Integral, Real

import numpy as np

from ._sklearn_private import HasMethods, Interval, Options


def _component(kind_methods):
    """Constraint: a registered name, or an object with these methods."""
    return [str, HasMethods(list(kind_methods))] if kind_methods else [str, object]


#: scikit-learn's parameter validation, before every fit
PARAMETER_CONSTRAINTS = {
    "hidden_layer_sizes": [
        "array-like",
        Interval(Integral, 1, None, closed="left"),
    ],
    # one for every hidden layer, or a list or tuple of one per hidden layer
    "activation": [list, tuple, *_component(("forward", "derivative"))],
    "output_activation": [None] + _component(("forward", "derivative")),
    "loss": _component(("loss", "gradient")),
    "solver": [str, object],
    "weight_init": [str, callable, None],
    "alpha": [Interval(Real, 0, None, closed="left")],
    "batch_size": [
        None,
        Options(str, {"auto"}),
        Interval(Integral, 1, None, closed="left"),
    ],
    "learning_rate": _component(("learning_rate", "on_plateau")),
    "learning_rate_init": [Interval(Real, 0, None, closed="neither"), None],
    "power_t": [Interval(Real, 0, None, closed="left")],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "shuffle": ["boolean"],
    "random_state": ["random_state"],
    "tol": [Interval(Real, 0, None, closed="left")],
    "verbose": ["verbose"],
    "warm_start": ["boolean"],
    "momentum": [Interval(Real, 0, 1, closed="both")],
    "nesterovs_momentum": ["boolean"],
    "early_stopping": ["boolean"],
    "validation_fraction": [Interval(Real, 0, 1, closed="left")],
    "scoring": [None, str, callable],
    # one rate for every hidden layer, or a list or tuple of one per layer
    "dropout": [Interval(Real, 0, 1, closed="left"), list, tuple],
    "beta_1": [Interval(Real, 0, 1, closed="left")],
    "beta_2": [Interval(Real, 0, 1, closed="left")],
    "epsilon": [Interval(Real, 0, None, closed="neither")],
    "n_iter_no_change": [
        Interval(Integral, 1, None, closed="left"),
        Options(Real, {np.inf}),
    ],
    "max_fun": [Interval(Integral, 1, None, closed="left")],
    "progress_bar": ["boolean"],
}


#: The article's network and training, as parameters: two sigmoid hidden
#: neurons, MSE, per-sample SGD in data order with eta = 0.1 for 1000 epochs,
#: no penalty, weights drawn from a standard normal, and no early stop.
ARTICLE_PARAMS = {
    "hidden_layer_sizes": (2,),
    "activation": "sigmoid",
    "loss": "squared_error",
    "solver": "sgd",
    "learning_rate": "constant",
    "learning_rate_init": 0.1,
    "momentum": 0.0,
    "alpha": 0.0,
    "batch_size": 1,
    "shuffle": False,
    "max_iter": 1000,
    "tol": 0.0,
    "n_iter_no_change": np.inf,
    "weight_init": "standard_normal",
}

#: scikit-learn's MLPClassifier, by default: ReLU, Adam at 0.001, log-loss
#: (softmax outputs), batches of min(200, n), 200 epochs, stop after 10
#: without an improvement of 1e-4; Glorot-uniform weights, as ours draw them.
#: ``ScratchMLPClassifier(**SKLEARN_PARAMS)`` trains as MLPClassifier() does,
#: with this package's extras (class_weight, callbacks, ONNX, components).
SKLEARN_PARAMS = {
    "hidden_layer_sizes": (100,),
    "activation": "relu",
    "loss": "log_loss",
    "solver": "adam",
    "learning_rate": "constant",
    "learning_rate_init": 0.001,
    "momentum": 0.9,
    "alpha": 1e-4,
    "batch_size": "auto",
    "shuffle": True,
    "max_iter": 200,
    "tol": 1e-4,
    "n_iter_no_change": 10,
    "weight_init": "glorot_uniform",
}

#: scikit-learn's MLPRegressor, by default. Its loss is half the mean squared
#: error; ours (the article's) has no 1/2, so the same minimum and the same
#: Adam steps need twice its alpha and tol (see the FAQ).
SKLEARN_REGRESSOR_PARAMS = {
    **SKLEARN_PARAMS,
    "loss": "squared_error",
    "alpha": 2e-4,
    "tol": 2e-4,
}


def samples_per_batch(batch_size, n_samples):
    """The samples of each mini-batch the ``batch_size`` parameter means.

    ``None``: up to 64 samples, one batch of them all; beyond, at least 12
    updates an epoch of at most 64 samples each, ``min(64, ceil(n_samples /
    12))``: 64 from 768 samples on (fewer steps an epoch, each cheaper per
    sample, than batches of 32), and small data sets still get 12 updates
    an epoch (with two or three batches an epoch the plain SGD of the
    defaults creeps, and iris ends at ``max_iter`` under-fitted). A step on
    a few samples costs nearly as much as one on 64 (numpy's cost per call
    outweighs the arithmetic), so 12 updates of 12 samples on 143 cost a
    quarter less than 16 of 9, and over eight seeds of the folds they
    scored better on forensic glass (see the user guide's "The defaults").
    One batch up to 64 samples keeps integer sample weights training
    exactly like repeated rows on the smallest data. ``"auto"``:
    MLPClassifier's ``min(200, n_samples)``; an int, clipped to ``[1,
    n_samples]``.
    """
    if batch_size is None:
        return n_samples if n_samples <= 64 else min(64, -(-n_samples // 12))
    if batch_size == "auto":
        return min(200, n_samples)
    return int(np.clip(batch_size, 1, n_samples))


def check_class_weight(class_weight):
    """Refuse a weight that ``sample_weight`` would refuse, naming its class.

    A negative weight makes the loss unbounded below; NaN and infinity make
    it NaN.
    """
    for label, weight in class_weight.items():
        try:
            valid = math.isfinite(weight) and weight >= 0
        except TypeError:
            valid = False
        if not valid:
            raise ValueError(
                "class_weight must give every class a finite, non-negative "
                f"weight; class {label!r} has {weight!r}."
            )
