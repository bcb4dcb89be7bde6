"""The full-batch solver's side of a fit: the whole network as one vector.

scipy's L-BFGS minimises a function of one numpy vector: every parameter of
the network is packed into it and unpacked from it, and the function is the
one step's loss and gradient (:meth:`sknn_scratch._network.Network.backprop`)
on all the data, on the CPU wherever the network's arrays are.
"""

import functools
import inspect
import math

import numpy as np
from sklearn.base import is_classifier

from ._array import to_numpy
from ._checkpoint import (
    NON_FINITE_LOSS_MESSAGE,
    advice,
    non_finite_message,
    small_weights_advice,
)
from ._predict import PREDICT_CHUNK_ROWS


def fit_full_batch(est, network, X, Y, sample_weight):
    """Train ``est``'s network by its full-batch optimizer on all the data."""
    start = pack(network)
    minimize = est.optimizer_.minimize
    test = _learnt_test(est, network, X, Y, sample_weight)
    # (an optimizer of a user's that names no such argument is not given it)
    named = test is not None and _names(minimize, "converged")
    given = {"converged": test} if named else {}
    result = minimize(
        functools.partial(_objective, network, X, Y, sample_weight),
        start.copy(),
        max_iter=est.max_iter,
        tol=_full_batch_tol(est.tol, network),
        max_fun=est.max_fun,
        verbose=est.verbose,
        **given,
    )
    x, n_iter, loss = _checked_minimum(est.optimizer_, result, start.size)
    state = est._training
    state.n_iter_ = int(n_iter)
    state.loss_ = float(loss)
    state.t_ += X.shape[0] * state.n_iter_
    weights_finite = bool(np.isfinite(x).all())
    loss_finite = math.isfinite(state.loss_)
    # otherwise the estimator keeps the weights of the start, finite
    unpack(network, x if weights_finite and loss_finite else start)
    est.coefs_, est.intercepts_ = list(network.coefs), list(network.intercepts)
    if not weights_finite:
        raise ValueError(non_finite_message(est, sample_weight))
    if not loss_finite:
        raise ValueError(_non_finite_loss(est, X, sample_weight, state.loss_))
    if state.best_loss_ is not None:
        state.best_loss_ = min(state.best_loss_, state.loss_)


def pack(network):
    """All parameters of ``network`` as one numpy vector."""
    return np.array(to_numpy(network.theta), dtype=np.float64)


def unpack(network, vector):
    """Copy ``vector`` (from :func:`pack`) into the parameters in place."""
    network.xp.copyto(network.theta, network.backend.asarray(vector))


def loss_and_gradient(network, vector, X, Y, sample_weight=None):
    """The loss and gradient at the packed parameters ``vector``."""
    unpack(network, vector)
    loss = float(network.backprop(X, Y, sample_weight))
    return loss, np.array(to_numpy(network.grad), dtype=np.float64)


def _full_batch_tol(tol, network):
    """The tolerance a full-batch optimizer stops at, for this network.

    ``tol`` itself (MLPClassifier's) where the loss and the output activation
    cancel, their gradient ``y_pred - y`` through the output. Otherwise (the
    article's squared error on sigmoids) the gradient carries the output's
    derivative, which vanishes where outputs saturate: on standardised
    digits L-BFGS sits for tens of iterations on plateaus whose gradients are
    near 1e-6, a class never predicted, and stops there at ``tol`` (0.87
    held-out accuracy after 40 iterations; at ``tol / 1000``, 0.98). A
    classifier that has learnt its training data stops at ``tol`` all the
    same (:func:`_learnt_test`).
    """
    return tol if network.fused else tol * 1e-3


def _non_finite_loss(estimator, X, sample_weight, loss):
    """The error of a training loss that is not finite: small sample weights
    where they are the cause, else the overflow, and ``Lower alpha ...``
    where the penalty is the likely cause."""
    small = small_weights_advice(estimator, sample_weight)
    if small:
        return (
            f"The training loss is not finite ({loss!r}); the estimator keeps "
            f"the weights the solver started from. {small}"
        )
    message = NON_FINITE_LOSS_MESSAGE.format(loss=loss)
    text = advice(estimator, X)
    return message + " " + text if text.startswith("Lower alpha") else message


def _learnt_test(est, network, X, Y, sample_weight):
    """A classifier's test of convergence at ``tol`` itself, or ``None``.

    Where the loss and the output activation do not cancel, the optimizer
    stops at ``tol / 1000`` (:func:`_full_batch_tol`), for plateaus of
    outputs saturated on the wrong side of their targets. Once every output
    of every training sample (of a weight above 0) is on its target's side
    of the middle of the targets' range, no output is on such a plateau: a
    gradient under ``tol`` then says that a minimum is near, as for the
    losses that cancel, and the fit stops there.

    Iterating on towards ``tol / 1000`` only trades the last of the squared
    error for the penalty, along flat valleys where L-BFGS magnifies
    rounding: two fits of the same objective summed in another order (rows
    weighted 2 or repeated twice) part by 1e-14 at iteration 10 and by 1e-7
    at iteration 30 (a thousandfold each 10 iterations), and end in two
    different models after 200.
    """
    if network.fused or not is_classifier(est):
        return None
    return _Learnt(est.tol, network, X, Y, sample_weight)


class _Learnt:
    """``(x, gradient) ->`` whether the gradient is under ``tol`` with every
    output learnt at ``x`` (see :func:`_learnt_test`).

    On a plateau the gradient is under ``tol`` at most iterations: the row
    found unlearnt last is looked at first, one row through the network
    rather than all of them while it stays unlearnt.
    """

    def __init__(self, tol, network, X, Y, sample_weight):
        self.tol, self.network, self.X = tol, network, X
        low, high = getattr(network.loss, "target_range", (0, 1))
        self.middle = (low + high) / 2
        self.above = np.asarray(to_numpy(Y)) > self.middle
        # (a row of weight 0 is no part of the objective)
        self.ignored = None
        if sample_weight is not None:
            self.ignored = np.asarray(to_numpy(sample_weight)) <= 0
        self.row = 0

    def __call__(self, x, gradient):
        if not np.max(np.abs(gradient)) <= self.tol:
            return False
        unpack(self.network, x)
        if not self._learnt(slice(self.row, self.row + 1)).all():
            return False
        learnt = self._learnt(None)
        if learnt.all():
            return True
        self.row = int(np.argmin(learnt))
        return False

    def _learnt(self, rows):
        """Whether each row in ``rows`` (``None``: all) has all its outputs
        on their targets' sides."""
        X = self.X if rows is None else self.X[rows]
        rows = slice(None) if rows is None else rows
        with np.errstate(over="ignore", invalid="ignore"):
            _, A = self.network.feedforward(X, PREDICT_CHUNK_ROWS)
        A = np.asarray(to_numpy(A))
        # (an output at the middle, or NaN, is on neither side)
        right = np.where(self.above[rows], A > self.middle, A < self.middle)
        learnt = right.all(axis=1)
        return learnt if self.ignored is None else learnt | self.ignored[rows]


def _names(function, name):
    """Whether ``function`` has a parameter ``name``."""
    try:
        return name in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False


def _alpha_advice(estimator, X, sample_weight=None):
    """`` Lower alpha ...`` (or scale tiny weights up) where the penalty is
    the likely cause, else nothing."""
    text = advice(estimator, X, sample_weight=sample_weight)
    penalty = text.startswith(("Lower alpha", "Scale sample_weight"))
    return " " + text if penalty else ""


def _objective(network, X, Y, sample_weight, vector):
    """The loss and gradient a full-batch optimizer minimises."""
    # an exponential that overflows to inf gives the 0 it should (1 / (1 + inf));
    # a loss that overflows is not finite, which the optimizer and the
    # estimator see (so no warning of the arithmetic either)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return loss_and_gradient(network, vector, X, Y, sample_weight)


def _checked_minimum(optimizer, result, n_params):
    """``(x, n_iter, loss)`` from ``minimize``, or an error naming the
    optimizer and its contract."""
    if isinstance(result, tuple | list) and len(result) == 3:
        size = int(np.size(result[0]))
        if size == n_params:
            return result
        got = f"x of {size} values"
    else:
        got = f"{type(result).__name__} {result!r:.60}"
    raise TypeError(
        f"The optimizer {optimizer!r} broke its contract: minimize(fun, x0, "
        f"...) must return (x, n_iter, loss) with x of the {n_params} "
        f"parameters; got {got}."
    )
