"""A classifier's probabilities, from its output layer's sums and outputs.

As scikit-learn's MLP: a softmax output is the probabilities; one sigmoid
output is the probability of ``classes_[1]``; several sigmoids are each
label's probability (multilabel) or, single-label, normalised to sum to 1.
Any other output (a linear one, for the hinge loss) is mapped from the
loss's target range to ``[0, 1]``, then normalised.
"""

import numpy as np

from ._xp import functions_of, numpy_dtype
from .activations import Sigmoid, Softmax


def probabilities(estimator, Z, A):
    """``predict_proba`` of a fitted classifier, from ``Z`` and ``A = f(Z)``."""
    activation = estimator.output_activation_
    single_label = not estimator._is_multilabel()
    xp = functions_of(A)
    if isinstance(activation, Softmax):
        P = A
    elif isinstance(activation, Sigmoid):
        P = A
        if estimator.n_outputs_ > 1 and single_label:
            P = normalised_sigmoids(Z, A)
    else:
        low, high = getattr(estimator.loss_function_, "target_range", (0, 1))
        P = xp.clip((A - low) / (high - low), 0, 1)
        if estimator.n_outputs_ > 1 and single_label:
            sums = xp.sum(P, axis=1, keepdims=True)
            P = xp.where(sums > 0, P / xp.where(sums > 0, sums, 1), 1 / P.shape[1])
    if estimator.n_outputs_ == 1 and single_label:
        p = P[:, 0]
        if type(activation) is Sigmoid:
            # 1 - sigmoid(z) is sigmoid(-z), which keeps the tail that 1 - p
            # rounds to 0 (p is 1.0 from z = 37): predict_log_proba keeps it
            # (a subclass's own f need not be symmetric); e^-z overflows to
            # the inf that gives 0
            q = -Z[:, 0]
            with xp.errstate(over="ignore"):
                q = activation.forward_into(q, q)
        else:
            q = 1 - p
        P = xp.column_stack([q, p])
    return P


def log_probabilities(estimator, Z, A):
    """``predict_log_proba``, computed without underflow to -inf where it can."""
    activation = estimator.output_activation_
    if isinstance(activation, Sigmoid) and not estimator._is_multilabel():
        if estimator.n_outputs_ == 1:
            # log(1 - sigmoid(z)) is log sigmoid(-z)
            xp = functions_of(Z)
            return activation.log_forward(xp.column_stack([-Z[:, 0], Z[:, 0]]))
        # the normalised sigmoids: a softmax of their logs
        return Softmax().log_forward(activation.log_forward(Z))
    if isinstance(activation, (Sigmoid, Softmax)):
        return activation.log_forward(Z)
    xp = functions_of(A)
    with xp.errstate(divide="ignore"):
        return xp.log(probabilities(estimator, Z, A))


#: row sums below which a division by them loses precision (np.finfo costs
#: a microsecond a call)
_SAFE_SUM = {
    np.dtype(t): float(np.sqrt(np.finfo(t).tiny))
    for t in (np.float16, np.float32, np.float64)
}


def normalised_sigmoids(Z, A):
    """Rows of sigmoid outputs ``A = sigmoid(Z)`` scaled to sum to 1.

    A plain division where a row's sum is far from underflow; in log space
    (a softmax of the log-sigmoids) for the rare rows whose every sigmoid is
    tiny or 0, which the division would turn into NaN or imprecise values.
    """
    xp = functions_of(A)
    sums = xp.sum(A, axis=1, keepdims=True)
    safe = sums[:, 0] >= _SAFE_SUM[numpy_dtype(A.dtype)]
    with xp.errstate(divide="ignore", invalid="ignore"):
        P = A / sums
    if not bool(xp.all(safe)):
        P[~safe] = Softmax().forward(Sigmoid().log_forward(Z[~safe]))
    return P
