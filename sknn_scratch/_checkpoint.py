"""Divergence: the weights to return to, and what fit says when it happens."""

import numpy as np
from scipy.sparse import issparse

from ._array import to_numpy
from ._diagnosis import UNSCALED, largest_column
from ._params import samples_per_batch
from ._xp import functions_of, numpy_dtype

NON_FINITE = "Solver produced non-finite parameter weights."
NON_FINITE_MESSAGE = (
    NON_FINITE + " The input data may contain large values and need to be preprocessed."
)
OUTPUTS_OVERFLOW = " The fitted network's outputs overflow on the training data."
OVERFLOW_MESSAGE = NON_FINITE_MESSAGE + OUTPUTS_OVERFLOW

NON_FINITE_LOSS_MESSAGE = (
    "The training loss is not finite ({loss!r}): the input data, the targets "
    "or the weights hold values too large for the loss, whose square (or "
    "exponential) overflows. The estimator keeps the weights the solver "
    "started from. Scale the inputs (for example with StandardScaler in a "
    "Pipeline) and, for a regressor, the targets."
)


DIVERGENCE = (
    " Training diverged: the newest weights whose outputs on the training data "
    "are finite were kept. "
)


def advice(estimator, X, Y=None):
    """What to do about a fit that diverged on the samples ``X`` (targets ``Y``).

    The penalty's step first: each update of plain SGD multiplies the
    weights by ``1 - alpha * rate / batch``, which at
    ``alpha * rate / batch >= 1`` throws them past zero (for a full-batch
    solver, a penalty gradient of ``alpha / n_samples >= 1`` times the
    weights). Raising alpha then makes it worse; lowering it is the fix when
    alpha itself is large (at least the batch size: the penalty outweighs
    the data). Otherwise the inputs' scale tells unscaled inputs from a
    learning rate too large (:func:`sknn_scratch._diagnosis.cause`; the
    weights of a diverged fit have grown without bound). Sample weights
    that make the penalty outweigh the loss are the callers' to name first
    (:func:`small_weights_advice`).
    """
    n_samples = X.shape[0]
    rate = getattr(estimator, "learning_rate_init_", None)
    full_batch = rate is None
    batch = max(1, samples_per_batch(estimator.batch_size, n_samples))
    if full_batch:
        batch = max(1, n_samples)
    step = estimator.alpha * (1.0 if full_batch else rate) / batch
    if step < 1 or estimator.alpha < batch:
        return _scale_or_rate(estimator, X, Y, raise_alpha=step < 1)
    if full_batch:
        return (
            f"Lower alpha (alpha={estimator.alpha:g}): the L2 penalty's "
            f"gradient is alpha / n_samples = {step:.3g} times the weights, far "
            "beyond the loss's."
        )
    return (
        f"Lower alpha (alpha={estimator.alpha:g}): each update takes alpha * "
        f"learning rate / batch size = {estimator.alpha:g} * {rate:g} / {batch} "
        f"= {step:.3g} times the weights off them, which throws them past "
        "zero. Then, if training still diverges, "
        + _scale_or_rate(estimator, X, Y, raise_alpha=False)
    )


def _scale_or_rate(estimator, X, Y, raise_alpha):
    """Scale the inputs where they are not on a unit scale; else the rate."""
    name = type(estimator).__name__
    scale, column = largest_column(X)
    rate = getattr(estimator, "learning_rate_init_", None)
    lower = (
        f"lower learning_rate_init (it is {rate:g})"
        if rate is not None
        else "raise alpha"
    )
    if scale > UNSCALED:
        text = (
            f"Scale the inputs (column {column} has a root mean square of "
            f"{scale:.3g}): put a StandardScaler before the estimator in a "
            f"Pipeline, make_pipeline(StandardScaler(), {name}()); or {lower}."
        )
    else:
        text = (
            "The inputs are on a unit scale (no column's root mean square "
            f"above {UNSCALED:g}): the steps were too large. "
            + lower[0].upper()
            + lower[1:]
            + (", or raise alpha." if raise_alpha and rate is not None else ".")
        )
    identity = getattr(estimator, "out_activation_", None) == "identity"
    if identity and not hasattr(estimator, "classes_") and Y is not None:
        y_scale, _ = largest_column(Y)
        if y_scale > UNSCALED:
            text += (
                f" Scale y (its root mean square is {y_scale:.3g}): wrap the "
                "estimator in a TransformedTargetRegressor with a "
                "StandardScaler."
            )
    return text


def divergence_message(estimator, X, Y=None, sample_weight=None, overflow=False):
    """The error of a stochastic fit that diverged: what happened (the
    outputs ``overflow``, or the weights are not finite), the weights kept,
    and what to do. Sample weights that are the cause are named instead of
    scikit-learn's guess at large input values."""
    small = small_weights_advice(estimator, sample_weight)
    message = NON_FINITE if small else NON_FINITE_MESSAGE
    if overflow:
        message += OUTPUTS_OVERFLOW
    return message + DIVERGENCE + (small or advice(estimator, X, Y))


def non_finite_message(estimator, sample_weight):
    """:data:`NON_FINITE_MESSAGE`, or, where small sample weights made the
    L2 penalty outweigh the loss, a message that says so instead of
    guessing at large input values."""
    small = small_weights_advice(estimator, sample_weight)
    return f"{NON_FINITE} {small}" if small else NON_FINITE_MESSAGE


def small_weights_advice(estimator, sample_weight):
    """Sample weights so small that the L2 penalty outweighs the loss, or "".

    The loss is the weighted mean of the samples' losses, and the penalty
    ``alpha / 2 * sum(W**2)`` is divided by the sum of the weights of the
    update (all of them for a full-batch solver, a mini-batch's for a
    stochastic one), as scikit-learn's MLP does: so a weight of 2 counts as
    a repeated row, and weights all multiplied by ``c`` act as ``alpha / c``.
    With a penalty of ``lam / 2 * sum(W**2)`` added to a loss that is
    ``L0`` for the network of zero weights, the best weights have
    ``sum(W**2) <= 2 * L0 / lam``: at ``lam = alpha / sum >= 1`` the whole
    network's squared weights add up to about the loss's own scale, and it
    predicts nearly the same for every sample (or, for plain SGD with a
    large rate, diverges). Said only where the weights are the cause: below
    1 on average, with weights of 1 the penalty would not outweigh the loss.
    Measured on 200 standard normal samples, 3 features, each solver's
    defaults otherwise: at weights of 1e-3 each every fit scores as with
    weights of 1; at 1e-7 (``lam`` 5, or 77 for the classifier's batches of
    13) every fit learns nothing (R^2 0.2 at best, accuracy 0.52, the larger
    class's share) or diverges. Classifiers stop learning first (from
    ``lam`` = 0.05), regressors fit up to 0.5 (R^2 0.65 to 0.99): no fit this
    warns of learned anything.
    """
    alpha = estimator.alpha
    if sample_weight is None or not alpha:
        return ""
    weights = to_numpy(sample_weight)
    n_samples = weights.shape[0]
    mean = float(np.mean(weights, dtype=np.float64))
    full_batch = getattr(estimator, "learning_rate_init_", None) is None
    rows = (
        n_samples if full_batch else samples_per_batch(estimator.batch_size, n_samples)
    )
    rows = max(1, rows)
    if not 0 < mean < 1 or alpha / rows >= 1 or alpha / (mean * rows) < 1:
        return ""
    strength = alpha / (mean * rows)
    if full_batch:
        total = f"the sum of the weights, {mean * rows:.3g}"
    else:
        total = f"the sum of a mini-batch's weights, about {rows} * {mean:.3g}"
    return (
        f"sample_weight has a mean of {mean:.3g}, and the L2 penalty is "
        f"divided by {total}: alpha={alpha:g} acts {1 / mean:.3g} times as "
        f"strong as with weights of 1. The penalty's gradient, {strength:.3g} "
        "times the weights, outweighs the loss's, and the network learns next "
        "to nothing or diverges. Scale sample_weight up, e.g. divide it by "
        "its mean (the weighted mean loss stays the same), or lower alpha."
    )


class ArrayCheckpoint:
    """Weights to return to if training diverges.

    An epoch's loss is summed over its batches while the weights change, so
    the weights at the end of the last finite epoch were never measured: they
    can be finite yet overflow. Three sets are kept, newest first: the end of
    the last finite epoch, the end of the epoch before it, and the start of
    the fit; a diverged fit tries them in that order.

    Parameters
    ----------
    params : list of ndarray
        The arrays being trained, in place.
    """

    def __init__(self, params):
        self.params = params
        self.start = [functions_of(p).copy(p) for p in params]
        self.good = [functions_of(p).copy(p) for p in params]
        self.previous = [functions_of(p).copy(p) for p in params]

    def params_finite(self):
        return all(all_finite(p) for p in self.params)

    def save(self):
        # the oldest of the two epoch checkpoints is overwritten: no copy kept
        # beyond these three sets
        self.previous, self.good = self.good, self.previous
        for good, param in zip(self.good, self.params):
            functions_of(param).copyto(good, param)

    def restore_each(self):
        """Restore each kept set of weights in turn, newest first."""
        for saved in (self.good, self.previous, self.start):
            for param, value in zip(self.params, saved):
                functions_of(param).copyto(param, value)
            yield


def all_finite(array):
    xp = functions_of(array)
    return bool(xp.all(xp.isfinite(array)))


def return_to_finite(checkpoint, outputs_finite):
    """Restore the newest kept weights for which ``outputs_finite()`` holds."""
    for _ in checkpoint.restore_each():
        if outputs_finite():
            return


def outputs_finite(network, X, chunk_rows):
    """Whether every output of ``network`` for ``X`` is finite.

    Usually proved without a forward pass, from bounds on ``|Z|``: the
    inputs are bounded by ``max |X|``, each layer's ``|Z|`` by the bound of
    its inputs times the largest column sum of ``|W|``, plus ``max |b|``;
    a bounded activation (sigmoid, tanh) bounds its outputs, and any other
    built-in one by its size at the ends of the sums' range (ReLU's outputs
    by the sums' bound, the exponential's by e to it). Bounds far below
    overflow settle it; otherwise (or for a user's own activation) the
    outputs are computed, a chunk at a time.
    """
    if X.shape[0] == 0 or _bounded_far_below_overflow(network, X):
        return True
    for start in range(0, X.shape[0], chunk_rows):
        _, A = network.feedforward(X[start : start + chunk_rows])
        if not all_finite(A):
            return False
    return True


def _bounded_far_below_overflow(network, X):
    dtype = numpy_dtype(network.coefs[-1].dtype)
    if issparse(X) or dtype.kind != "f":
        return False
    xp = network.xp
    limit = np.finfo(dtype).max * 1e-6  # far above any rounding in the sums
    # two reductions, not np.abs(X): no temporary the size of X
    bound = max(abs(float(xp.max(X))), abs(float(xp.min(X))))
    for W, b, f in zip(network.coefs, network.intercepts, network.activations):
        column_sums = float(xp.max(xp.sum(xp.abs(W), axis=0))) if all(W.shape) else 0.0
        bias = float(xp.max(xp.abs(b))) if b.shape[0] else 0.0
        bound = _output_bound(f, bound * column_sums + bias, limit)
        if not bound < limit:
            return False
    return True


def _output_bound(f, bound, limit):
    """A bound on ``|f(z)|`` for ``|z| <= bound``; infinity where none is known.

    ``output_bound`` for a bounded activation; ``|f|`` at the ends of
    ``[-bound, bound]`` for one whose size is largest there (ReLU's and the
    exponential's alike: an exponential layer's outputs are not bounded by
    its sums); none for a user's own activation, whose outputs are computed.
    """
    if f.output_bound is not None:
        return float(f.output_bound)
    if not bound < limit or not getattr(f, "largest_at_ends", False):
        return np.inf
    return float(np.max(np.abs(f.forward(np.array([-bound, bound])))))
