"""After a fit: did training get anywhere?

A fit can end without an error and learn nothing: on unscaled features
(wine's go up to 1680) every sigmoid of the first layer saturates, the
gradients vanish, the loss stalls, the stopping rule ends the fit and every
row gets the same prediction. :func:`check_progress` compares the training
loss of the fitted network with the loss of the trivial model, the constant
prediction of the class frequencies (or the mean of ``y``), computed with
the estimator's own loss, and warns when the fit is no better.

Measured: fits that go nowhere (raw wine and breast cancer with SGD, every
fold) end at 1.00 to 1.37 times the trivial loss; fits that learn
(standardised wine, raw iris, digits, the article's people, every solver)
at 0.2 times it or less. Hidden outputs at the limits of a sigmoid or tanh
do not tell the two apart (lbfgs learns raw wine to 0.81 to 1.0 held-out
accuracy with 99% of them saturated, and the article's people train with
75%), so saturation is reported as the likely cause, not warned about on
its own.
"""

import numpy as np

from ._array import to_numpy, unwrap, wrapped
from ._forms import loss_forms
from ._network import hidden_activations
from ._warn import warn
from .activations import Sigmoid, Tanh

#: a fit whose training loss is above this fraction of the trivial model's
#: is no better than it
TRIVIAL_RATIO = 0.99
#: at most this many rows (evenly spaced) are measured: a fraction of an
#: epoch's cost
MAX_ROWS = 10_000
#: an output is saturated where the activation's derivative is below this
#: fraction of its largest
SATURATED = 1e-3


class TrivialModelWarning(UserWarning):
    """A fit ended no better than predicting the same for every sample.

    The fitted network's training loss is not below that of the trivial
    model (the class frequencies of a classifier, the mean of ``y`` of a
    regressor). Usually the inputs need scaling: put a
    :class:`~sklearn.preprocessing.StandardScaler` before the estimator in a
    :class:`~sklearn.pipeline.Pipeline`.

    A ``UserWarning``, not a ``ConvergenceWarning``: the fit did converge,
    to a useless model, and silencing the warnings of ``max_iter`` (as grid
    searches often do) should not silence this one.
    """


def check_progress(estimator, X, Y, sample_weight):
    """Warn if the fitted network is no better than the trivial model on ``X``.

    The losses are computed in the library of the fit (on its device); the
    class frequencies and the share of saturated units in numpy.
    """
    # every step-th row (the wrapper indexes every library's arrays alike);
    # all of them where the rows so picked all weigh 0 (every third row of
    # 21,000 weighted 0, say): they tell nothing
    step = max(1, -(-X.shape[0] // MAX_ROWS))
    if sample_weight is not None and not np.any(to_numpy(sample_weight)[::step]):
        step = 1
    X, Y = unwrap(wrapped(X)[::step]), unwrap(wrapped(Y)[::step])
    sw = None if sample_weight is None else unwrap(wrapped(sample_weight)[::step])
    network, X = estimator._network(X)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        outputs = network.layer_outputs(X)
        y_pred = outputs[-1]
        Y = unwrap(network.backend.asarray(Y, y_pred.dtype))
        loss_function = loss_forms(estimator.loss_function_)
        loss = loss_function.loss(Y, unwrap(y_pred), sw)
        constant = np.average(to_numpy(Y), axis=0, weights=to_numpy(sw))
        trivial_pred = network.backend.asarray(
            np.tile(constant, (y_pred.shape[0], 1)), y_pred.dtype
        )
        trivial = loss_function.loss(Y, unwrap(trivial_pred), sw)
    if not (np.isfinite(loss) and trivial > 0 and loss >= TRIVIAL_RATIO * trivial):
        return
    hidden = [to_numpy(A) for A in outputs[:-1]]
    warn(_message(estimator, loss, trivial, hidden), TrivialModelWarning)


def _message(estimator, loss, trivial, hidden_outputs):
    name = type(estimator).__name__
    classifier = hasattr(estimator, "classes_")
    what = "the class frequencies" if classifier else "the mean of y"
    message = (
        f"Training ended no better than the trivial model: the training loss "
        f"({loss:.4g}) is not below the loss of predicting {what} for every "
        f"sample ({trivial:.4g}), and the network predicts nearly the same for "
        "every sample."
    )
    activations = hidden_activations(estimator.hidden_activation_, len(hidden_outputs))
    saturated = _saturated_fraction(activations, hidden_outputs)
    if saturated is not None and saturated >= 0.5:
        message += (
            f" {saturated:.0%} of the hidden units' outputs are saturated (at "
            "the limits of the activation, where its derivative vanishes): the "
            "weighted sums are far too large for it, as unscaled inputs make "
            "them."
        )
    return message + (
        " Scale the inputs: put a StandardScaler before the estimator in a "
        f"Pipeline, make_pipeline(StandardScaler(), {name}()) (and, for a "
        "regressor, scale y too); if that is not it, try another "
        "learning_rate_init or solver."
    )


def _saturated_fraction(activations, hidden_outputs):
    """The fraction of hidden outputs at a sigmoid's or tanh's limits, or None.

    Over the hidden layers whose activation is a sigmoid or tanh; ``None``
    where there is none.
    """
    saturated = total = 0
    for activation, A in zip(activations, hidden_outputs):
        if isinstance(activation, Sigmoid):
            # f' = f (1 - f), at most 1/4
            margin = np.minimum(A, 1 - A)
        elif isinstance(activation, Tanh):
            # f' = 1 - f^2 = (1 - |f|) (1 + |f|), at most 1
            margin = 2 * (1 - np.abs(A))
        else:
            continue
        saturated += int(np.count_nonzero(margin < SATURATED))
        total += A.size
    return saturated / total if total else None
