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
from scipy.sparse import issparse

from ._array import to_numpy
from ._forms import loss_forms
from ._network import hidden_activations
from ._warn import warn
from .activations import Sigmoid, Tanh
from .optimizers import Adam

#: a fit whose training loss is above this fraction of the trivial model's
#: is no better than it
TRIVIAL_RATIO = 0.99
#: at most this many rows (evenly spaced) are measured: a fraction of an
#: epoch's cost
MAX_ROWS = 10_000
#: an output is saturated where the activation's derivative is below this
#: fraction of its largest
SATURATED = 1e-3
#: a column (of X, or of a regressor's y) whose root mean square is above
#: this is not on a unit scale: with weights drawn as the initializers draw
#: them, its weighted sums reach the flat ends of a sigmoid or tanh (whose
#: derivative is under 1e-3 of its largest beyond |z| = 7 and 3.8), and its
#: gradients are as many times larger as it is. Standardised columns have 1,
#: one-hot ones at most 1.
UNSCALED = 10.0
#: weights larger than this were thrown there by steps too large for the
#: data: every initializer draws them under 10 (a standard normal's largest
#: of a million draws is about 5), and a network that learns from inputs on
#: a unit scale keeps them so
LARGE_WEIGHT = 100.0


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
    X, Y = X[::step], Y[::step]
    sw = None if sample_weight is None else sample_weight[::step]
    network, X = estimator._network(X)
    backend = network.backend
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        outputs = network.layer_outputs(X)
        y_pred = outputs[-1]
        Y = backend.asarray(Y, backend.dtype(y_pred.dtype))
        loss_function = loss_forms(estimator.loss_function_, not backend.is_numpy)
        loss = loss_function.loss(Y, y_pred, sw)
        constant = np.average(to_numpy(Y), axis=0, weights=to_numpy(sw))
        trivial_pred = backend.asarray(
            np.tile(constant, (y_pred.shape[0], 1)), backend.dtype(y_pred.dtype)
        )
        trivial = loss_function.loss(Y, trivial_pred, sw)
    if not (np.isfinite(loss) and trivial > 0 and loss >= TRIVIAL_RATIO * trivial):
        return
    hidden = [to_numpy(A) for A in outputs[:-1]]
    message = _message(estimator, loss, trivial, hidden)
    warn(message + " " + cause(estimator, X, Y), TrivialModelWarning)


def _message(estimator, loss, trivial, hidden_outputs):
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
            "weighted sums are far too large for it."
        )
    return message


def largest_column(X):
    """The largest root mean square of a column of ``X``, and its index.

    Measured on at most :data:`MAX_ROWS` rows, evenly spaced; any array
    library, or a sparse matrix.
    """
    step = max(1, -(-X.shape[0] // MAX_ROWS))
    X = X[::step]
    with np.errstate(over="ignore", invalid="ignore"):
        if issparse(X):
            squares = np.asarray(X.multiply(X).mean(axis=0)).ravel()
        else:
            X = np.asarray(to_numpy(X), dtype=np.float64)
            squares = np.mean(np.square(X.reshape(X.shape[0], -1)), axis=0)
    if squares.size == 0:
        return 0.0, 0
    column = int(np.nanargmax(squares)) if not np.isnan(squares).all() else 0
    return float(np.sqrt(squares[column])), column


def largest_weight(estimator):
    """The largest absolute weight of the fitted network (NaN counts as inf)."""
    largest = 0.0
    for W in estimator.coefs_:
        W = to_numpy(W)
        if W.size:
            value = np.max(np.abs(W))
            largest = max(largest, float(value) if np.isfinite(value) else np.inf)
    return largest


def cause(estimator, X, Y=None):
    """What to change, told from the inputs' scale and the weights' growth.

    - inputs not on a unit scale (a column's root mean square above
      :data:`UNSCALED`): scale them;
    - weights grown past :data:`LARGE_WEIGHT`: the steps were too large:
      lower the learning rate (or raise alpha for a full-batch solver);
    - neither: the inputs are fine and the steps were small; a fit that
      learned nothing stopped too soon or its rate was too small.

    A regressor whose ``Y`` is not on a unit scale is told to scale it; a
    classifier's targets are its own, never named.
    """
    name = type(estimator).__name__
    scale, column = largest_column(X)
    weight = largest_weight(estimator)
    rate = getattr(estimator, "learning_rate_init_", None)
    advice = []
    if scale > UNSCALED:
        advice.append(
            f"Scale the inputs (column {column} has a root mean square of "
            f"{scale:.3g}): put a StandardScaler before the estimator in a "
            f"Pipeline, make_pipeline(StandardScaler(), {name}())."
        )
    if weight > LARGE_WEIGHT:
        fix = (
            f"lower learning_rate_init (it is {rate:g})"
            if rate is not None
            else "raise alpha"
        )
        advice.append(
            f"The weights grew to {weight:.3g}: the steps were too large for "
            f"the data; {fix}."
        )
    # (a regressor's identity output only: an exponential one's y are counts)
    identity = getattr(estimator, "out_activation_", None) == "identity"
    if identity and not hasattr(estimator, "classes_") and Y is not None:
        y_scale, _ = largest_column(Y)
        if y_scale > UNSCALED:
            advice.append(
                f"Scale y (its root mean square is {y_scale:.3g}): wrap the "
                "estimator in a TransformedTargetRegressor with a "
                "StandardScaler."
            )
    if not advice:
        advice.append(
            "The inputs are on a unit scale and the weights stayed small: "
            f"training stopped before it got anywhere. Try {_remedies(estimator)}."
        )
    return " ".join(advice)


def _remedies(estimator):
    """What lets a fit that stopped too soon go further: no change it has."""
    remedies = []
    if getattr(estimator, "learning_rate_init_", None) is not None:
        remedies.append("a larger learning_rate_init")
    if estimator.tol > 0:
        remedies.append("a smaller tol")
    if not isinstance(getattr(estimator, "optimizer_", None), Adam):
        remedies.append("solver='adam'")
    if len(remedies) < 2:
        return (remedies or ["a larger max_iter"])[0]
    last = ", or " if len(remedies) > 2 else " or "
    return ", ".join(remedies[:-1]) + last + remedies[-1]


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
