"""The full-batch solver's side of a fit: the whole network as one vector.

scipy's L-BFGS minimises a function of one numpy vector: every parameter of
the network is packed into it and unpacked from it, and the function is the
one step's loss and gradient (:meth:`sknn_scratch._network.Network.backprop`)
on all the data, on the CPU wherever the network's arrays are.
"""

import functools
import math

import numpy as np

from ._array import to_numpy, unwrap
from ._checkpoint import (
    NON_FINITE_LOSS_MESSAGE,
    advice,
    non_finite_message,
    small_weights_advice,
)


def fit_full_batch(est, network, X, Y, sample_weight):
    """Train ``est``'s network by its full-batch optimizer on all the data."""
    start = pack(network)
    result = est.optimizer_.minimize(
        functools.partial(_objective, network, X, Y, sample_weight),
        start.copy(),
        max_iter=est.max_iter,
        tol=_full_batch_tol(est.tol, network),
        max_fun=est.max_fun,
        verbose=est.verbose,
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
    est.coefs_ = [unwrap(W) for W in network.coefs]
    est.intercepts_ = [unwrap(b) for b in network.intercepts]
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
    network.theta[...] = vector


def loss_and_gradient(network, vector, X, Y, sample_weight=None):
    """The loss and gradient at the packed parameters ``vector``."""
    unpack(network, vector)
    X, Y, sample_weight = network._wrapped(X, Y, sample_weight)
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
    held-out accuracy after 40 iterations; at ``tol / 1000``, 0.98).
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
