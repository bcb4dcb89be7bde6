"""Check backpropagation against finite differences.

A user's own activation or loss trains only as well as its derivative is
right, and a wrong derivative rarely fails loudly: the network just learns
badly. :func:`check_gradients` finds such a mistake and says where it is.
"""

import copy
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted

from ._array import to_numpy
from ._network import Network


def check_gradients(
    estimator, X, y, *, sample_weight=None, eps=1e-6, tol=1e-4, min_grad=1e-5
):
    r"""Compare backprop's gradients with central finite differences.

    For every weight and bias :math:`w` of the network, the gradient that
    backpropagation computes is compared with

    .. math:: \frac{L(w + h) - L(w - h)}{2h}, \qquad h = \mathrm{eps}
        \cdot \max(1, |w|),

    where :math:`L` is the estimator's training objective on ``(X, y)``: the
    mean loss plus the L2 penalty ``alpha``. Everything is computed in
    float64 on a copy; the estimator itself is never changed.

    Parameters
    ----------
    estimator : ScratchMLPClassifier or ScratchMLPRegressor
        A fitted estimator, checked at its current weights; an unfitted one
        is fitted (on a copy) for one epoch first, which builds the network
        and resolves its components.
    X : array-like of shape (n_samples, n_features)
        A few samples (each parameter costs two passes over them).
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Their targets.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights, to check the weighted loss too.
    eps : float, default=1e-6
        The relative step :math:`h` of the finite differences.
    tol : float, default=1e-4
        The largest relative error accepted. A right derivative typically
        gives 1e-7 or less, a wrong one 1e-2 or more.
    min_grad : float, default=1e-5
        Gradients smaller than this are compared in absolute terms (the
        relative error is ``|g_backprop - g_numeric| / max(|g_backprop|,
        |g_numeric|, min_grad)``): the rounding error of a finite difference,
        about ``1e-16 * loss / eps``, would swamp a relative comparison.

    Returns
    -------
    max_error : float
        The largest relative error over all weights and biases.

    Raises
    ------
    AssertionError
        If some gradient disagrees by more than ``tol``; the message names the
        worst parameter, for example ``coefs_[1][3, 0]`` (layer 1, the weight
        from neuron 3 to neuron 0) or ``intercepts_[0][2]``, and how many
        parameters disagree.

    Notes
    -----
    The network is checked with ``dropout`` off: its derivatives are those
    of the network itself, which each training step's random masks only
    restrict to the neurons kept.

    Finite differences assume the objective is smooth around the current
    weights. ``relu`` and ``leaky_relu`` at 0, ``absolute_error`` where a
    prediction equals its target and ``hinge`` where a margin is exactly 1
    have kinks; choose data and weights that keep away from them (a random
    start almost always does), or the check may report a disagreement that
    is not a bug.

    Examples
    --------
    A custom activation, its derivative checked before training with it:

    >>> import numpy as np
    >>> from sknn_scratch import ScratchMLPClassifier, check_gradients
    >>> class Cube:
    ...     def forward(self, Z):
    ...         return Z**3
    ...     def derivative(self, Z, A):
    ...         return 3 * Z**2
    >>> X = np.array([[-2.0, -1.0], [25.0, 6.0], [17.0, 4.0], [-15.0, -6.0]]) / 10
    >>> y = np.array([1, 0, 0, 1])
    >>> clf = ScratchMLPClassifier(hidden_layer_sizes=(3,), activation=Cube(),
    ...                            random_state=0)
    >>> check_gradients(clf, X, y) < 1e-4
    True

    A wrong derivative is caught, and the message says where:

    >>> class WrongCube(Cube):
    ...     def derivative(self, Z, A):
    ...         return 2 * Z**2
    >>> check_gradients(clf.set_params(activation=WrongCube()), X, y)
    Traceback (most recent call last):
    ...
    AssertionError: Backprop and finite differences disagree at coefs_[0]...
    """
    estimator = copy.deepcopy(estimator)
    if not _is_fitted(estimator):
        # no validation split: the few samples given all go to the check
        estimator.set_params(max_iter=1, early_stopping=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            estimator.fit(X, y, sample_weight=sample_weight)

    network, X, Y, sample_weight = _float64_problem(estimator, X, y, sample_weight)
    with np.errstate(over="ignore"):
        return _max_error(estimator, network, X, Y, sample_weight, eps, tol, min_grad)


def _max_error(estimator, network, X, Y, sample_weight, eps, tol, min_grad):
    """The largest relative error of backprop's gradients, or an AssertionError."""
    network.backprop(X, Y, sample_weight)
    analytic = [g.copy() for g in network.grads]
    names = [f"coefs_[{i}]" for i in range(len(network.coefs))] + [
        f"intercepts_[{i}]" for i in range(len(network.intercepts))
    ]

    worst = (0.0, None)
    n_bad = 0
    numerics = finite_differences(network, X, Y, sample_weight, eps)
    for name, grad, numeric in zip(names, analytic, numerics):
        scale = np.maximum(np.maximum(np.abs(grad), np.abs(numeric)), min_grad)
        # NaN compares as False: count it as the worst error explicitly
        errors = np.where(np.isfinite(grad), np.abs(grad - numeric) / scale, np.inf)
        n_bad += int(np.sum(~(errors <= tol)))
        index = np.unravel_index(np.argmax(errors), errors.shape)
        if errors[index] > worst[0] or worst[1] is None:
            worst = (float(errors[index]), (name, index, grad[index], numeric[index]))

    max_error, (name, index, g_backprop, g_numeric) = worst
    if n_bad:
        where = ", ".join(str(i) for i in index)
        raise AssertionError(
            f"Backprop and finite differences disagree at {name}[{where}] "
            f"(layer {name.split('[')[1].rstrip(']')}): backprop gives "
            f"{g_backprop:.10g}, finite differences {g_numeric:.10g}, a relative "
            f"error of {max_error:.3g} > tol={tol:g}. {n_bad} parameter(s) "
            "disagree. Check the derivative of the activation "
            f"({estimator.hidden_activation_!r} hidden, "
            f"{estimator.output_activation_!r} output) and the gradient of the "
            f"loss ({estimator.loss_function_!r})."
        )
    return max_error


def finite_differences(network, X, Y, sample_weight=None, eps=1e-6):
    """Central finite differences of the network's objective, per parameter.

    Returns one array per parameter, in the order of ``network.params``
    (weights, then biases); each entry is ``(L(w + h) - L(w - h)) / (2h)``
    with ``h = eps * max(1, |w|)``. The parameters are restored after each.
    """
    numerics = []
    for param in network.params:
        numeric = np.empty_like(param)
        for index in np.ndindex(param.shape):
            original = param[index]
            h = eps * max(1.0, abs(original))
            param[index] = original + h
            loss_plus = network.backprop(X, Y, sample_weight)
            param[index] = original - h
            loss_minus = network.backprop(X, Y, sample_weight)
            param[index] = original
            numeric[index] = (loss_plus - loss_minus) / (2 * h)
        numerics.append(numeric)
    return numerics


def _is_fitted(estimator):
    try:
        check_is_fitted(estimator, "coefs_")
    except Exception:
        return False
    return True


def _float64_problem(estimator, X, y, sample_weight):
    """The estimator's network, data and targets, all in float64."""
    X, Y, y_original = estimator._validate_input(X, y, incremental=True, reset=False)
    if hasattr(X, "toarray"):
        X = X.toarray()
    X = np.asarray(to_numpy(X), dtype=np.float64)
    if sample_weight is not None:
        sample_weight = np.asarray(to_numpy(sample_weight), dtype=np.float64)
    sample_weight = estimator._combine_weights(y_original, sample_weight, False)
    Y = estimator._encode_targets(Y, np.float64)
    network = Network(
        [np.array(to_numpy(W), dtype=np.float64) for W in estimator.coefs_],
        [np.array(to_numpy(b), dtype=np.float64) for b in estimator.intercepts_],
        estimator.hidden_activation_,
        estimator.output_activation_,
        estimator.loss_function_,
        alpha=estimator.alpha,
    )
    return network, X, Y, sample_weight
