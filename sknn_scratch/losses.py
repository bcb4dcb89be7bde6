"""Loss functions: the loss and its gradient with respect to the prediction.

The protocol, for built-ins and users' own objects alike:

- ``loss(y_true, y_pred, sample_weight=None)`` returns the mean loss: summed
  over the output neurons, averaged over the samples (weighted by
  ``sample_weight`` when given);
- ``gradient(y_true, y_pred)`` returns the per-sample ``dL/dy_pred``, an array
  shaped like ``y_pred``; the estimator averages it over the batch.

Both take 2-D arrays of shape ``(n_samples, n_outputs)``. A loss may also
name the ``output_activation`` it pairs with by default, and the range of the
targets it expects (``target_range``, ``(0, 1)`` unless said otherwise).
"""

import numpy as np

from ._registry import Component, Registry

LOSSES = Registry("loss", "sknn_scratch.losses", required=("loss", "gradient"))


def register_loss(name, loss=None):
    """Register a loss class (or factory) under ``name``; usable as a decorator.

    Examples
    --------
    >>> from sknn_scratch import register_loss
    >>> from sknn_scratch.losses import LOSSES, SquaredError
    >>> _ = register_loss("my_mse", SquaredError)
    >>> "my_mse" in LOSSES.names()
    True
    """
    return LOSSES.register(name, loss)


def _mean(per_sample, sample_weight):
    if sample_weight is None:
        return float(np.mean(per_sample)) if per_sample.size else 0.0
    total = np.sum(sample_weight)
    if total == 0:
        return 0.0
    return float(np.dot(sample_weight, per_sample) / total)


class Loss(Component):
    """Base class of the built-in losses."""

    output_activation = "sigmoid"
    target_range = (0, 1)

    def output_delta(self, y_true, y_pred, activation):
        """``dL/dZ`` of the output layer in one step, or ``None``.

        Where the loss and the output activation cancel (the canonical link),
        the per-sample gradient with respect to the output sums ``Z`` is
        simpler and more accurate than the chain rule done in two steps.
        """
        return None


@register_loss("squared_error")
class SquaredError(Loss):
    r"""The article's mean squared error, with no factor 1/2.

    .. math:: L = \frac{1}{n} \sum_{i=1}^n \sum_j (y_{ij} - \hat y_{ij})^2,
        \qquad \frac{\partial L_i}{\partial \hat y_{ij}} = -2 (y_{ij} - \hat y_{ij})

    With one output this is exactly the article's
    :math:`\frac{1}{n}\sum (y_{true} - y_{pred})^2`.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn_scratch.losses import SquaredError
    >>> y_true = np.array([[1.0], [0.0], [0.0], [1.0]])
    >>> SquaredError().loss(y_true, np.zeros((4, 1)))
    0.5
    """

    def loss(self, y_true, y_pred, sample_weight=None):
        diff = y_true - y_pred
        return _mean(np.sum(diff * diff, axis=1), sample_weight)

    def gradient(self, y_true, y_pred):
        # d_L_d_ypred, as the article names it
        return -2 * (y_true - y_pred)

    def output_delta(self, y_true, y_pred, activation):
        if getattr(activation, "sklearn_name", None) == "identity":
            return 2 * (y_pred - y_true)
        return None


@register_loss("log_loss")
class LogLoss(Loss):
    r"""Cross-entropy: binary per output neuron, or categorical over a softmax.

    .. math:: L_{binary} = -\frac{1}{n}\sum_i\sum_j \big[y_{ij}\ln\hat y_{ij}
        + (1 - y_{ij}) \ln(1 - \hat y_{ij})\big], \qquad
        L_{categorical} = -\frac{1}{n}\sum_i\sum_j y_{ij}\ln\hat y_{ij}

    ``y_pred`` is clipped to ``[eps, 1 - eps]`` (``eps`` the machine epsilon
    of its dtype) so the loss stays finite. Which form applies follows the
    output layer: categorical after a softmax, binary otherwise.

    Parameters
    ----------
    categorical : bool or None, default=None
        ``None`` decides from the output activation when an estimator is
        fitted.
    """

    output_activation = "softmax"

    def __init__(self, categorical=None):
        self.categorical = categorical

    def for_output(self, activation):
        """This loss, its form chosen for the output ``activation``."""
        if self.categorical is not None:
            return self
        is_softmax = getattr(activation, "sklearn_name", None) == "softmax"
        return LogLoss(categorical=is_softmax)

    def _clipped(self, y_pred):
        eps = np.finfo(y_pred.dtype).eps if y_pred.dtype.kind == "f" else 1e-15
        return np.clip(y_pred, eps, 1 - eps)

    def loss(self, y_true, y_pred, sample_weight=None):
        p = self._clipped(y_pred)
        per_output = y_true * np.log(p)
        if not self.categorical:
            per_output = per_output + (1 - y_true) * np.log1p(-p)
        return _mean(-np.sum(per_output, axis=1), sample_weight)

    def gradient(self, y_true, y_pred):
        p = self._clipped(y_pred)
        if self.categorical:
            return -y_true / p
        return (p - y_true) / (p * (1 - p))

    def output_delta(self, y_true, y_pred, activation):
        name = getattr(activation, "sklearn_name", None)
        if (name == "softmax" and self.categorical) or (
            name == "logistic" and not self.categorical
        ):
            return y_pred - y_true
        return None


@register_loss("absolute_error")
class AbsoluteError(Loss):
    r"""Mean absolute error, robust to outliers.

    .. math:: L = \frac{1}{n}\sum_i\sum_j |y_{ij} - \hat y_{ij}|, \qquad
        \frac{\partial L_i}{\partial \hat y_{ij}} = \operatorname{sign}(\hat y_{ij}
        - y_{ij})
    """

    def loss(self, y_true, y_pred, sample_weight=None):
        return _mean(np.sum(np.abs(y_true - y_pred), axis=1), sample_weight)

    def gradient(self, y_true, y_pred):
        return np.sign(y_pred - y_true)


@register_loss("hinge")
class Hinge(Loss):
    r"""The hinge loss of support vector machines, one-vs-rest per output.

    Targets are coded :math:`t \in \{-1, 1\}` and the output layer is linear
    by default:

    .. math:: L = \frac{1}{n}\sum_i\sum_j \max(0, 1 - t_{ij}\hat y_{ij})^p,
        \qquad p = 2 \text{ if squared else } 1

    The plain hinge (the default) is what SVMs use; ``squared=True`` gives a
    loss with a continuous gradient, which gradient descent handles more
    smoothly. A classifier turns outputs into probabilities by clipping them
    to ``[-1, 1]`` and rescaling to ``[0, 1]``.

    Parameters
    ----------
    squared : bool, default=False
        Square the hinge.
    """

    output_activation = "identity"
    target_range = (-1, 1)

    def __init__(self, squared=False):
        self.squared = squared

    def loss(self, y_true, y_pred, sample_weight=None):
        margin = np.maximum(0, 1 - y_true * y_pred)
        if self.squared:
            margin = margin * margin
        return _mean(np.sum(margin, axis=1), sample_weight)

    def gradient(self, y_true, y_pred):
        margin = np.maximum(0, 1 - y_true * y_pred)
        if self.squared:
            return -2 * y_true * margin
        return -y_true * (margin > 0)


@register_loss("squared_hinge")
def squared_hinge():
    """The squared hinge: ``Hinge(squared=True)``."""
    return Hinge(squared=True)
