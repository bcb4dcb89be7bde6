"""Loss functions: the loss and its gradient with respect to the prediction.

The protocol, for built-ins and users' own objects alike:

- ``loss(y_true, y_pred, sample_weight=None)`` returns the mean loss: summed
  over the output neurons, averaged over the samples (weighted by
  ``sample_weight`` when given);
- ``gradient(y_true, y_pred)`` returns the per-sample ``dL/dy_pred``, an array
  shaped like ``y_pred``; the estimator averages it over the batch.

Both take 2-D arrays of shape ``(n_samples, n_outputs)``. A loss may also
name the ``output_activation`` it pairs with by default, the range of the
targets it expects (``target_range``, ``(0, 1)`` unless said otherwise), the
estimators it is for (``estimator_types``, ``("classifier", "regressor")``
unless said otherwise; each estimator refuses the others, and lists only
its own in its messages) and, for a regressor, which targets it accepts
(``in_y_true_range(y)``).

The training step (:mod:`sknn_scratch._network`) calls the loss's fast forms,
which compute the loss and write its gradient into a buffer in one pass:

- ``loss_and_gradient_into(y_true, y_pred, sample_weight, out)`` returns the
  loss and writes ``dL/dy_pred`` into ``out``;
- where the loss and the output activation cancel (``fuses_with``),
  ``loss_and_output_delta_into`` writes ``dL/dZ`` of the output layer instead:
  ``y_pred - y_true`` for log-loss after a sigmoid or softmax.

:class:`Loss` derives ``loss`` and ``gradient`` from the in-place form; a
class or object that writes only the protocol gets in-place forms derived
from it (:mod:`sknn_scratch._forms`). The L2 penalty of the estimators'
``alpha`` is :class:`L2Penalty`.
"""

import numpy as np

from ._array import backend_of
from ._forms import derived
from ._registry import Component, Registry
from ._xp import (
    array_like,
    float_array,
    functions_of,
    machine_epsilon,
    smallest_normal,
)

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
    """The mean of per-sample losses, weighted by ``sample_weight`` if given."""
    xp = functions_of(per_sample)
    if sample_weight is None:
        return xp.mean(per_sample) if per_sample.shape[0] else 0.0
    total = float(xp.sum(sample_weight))
    if total == 0:
        return 0.0
    return xp.dot(sample_weight, per_sample) / total


def _mean_of_products(U, V, sample_weight):
    """``(1/n) sum_i sum_j U_ij V_ij``, or its ``sample_weight``-weighted mean.

    One BLAS call, without a temporary, for the unweighted case of training.
    Not a Python float: on a GPU that would copy it to the host every batch.
    """
    xp = functions_of(V)
    if sample_weight is None:
        n_samples = U.shape[0]
        return xp.vdot(U, V) / n_samples if n_samples else 0.0
    return _mean(xp.row_dots(U, V), sample_weight)


class Loss(Component):
    """Base class of the losses.

    A subclass writes either the protocol, ``loss`` and ``gradient`` (the
    engine derives the in-place forms from them), or the in-place form
    ``loss_and_gradient_into(y_true, y_pred, sample_weight, out,
    scale=1.0)``, which returns the mean loss and writes ``scale`` times the
    per-sample ``dL/dy_pred`` into ``out`` (``loss`` and ``gradient`` are
    derived from it), as :class:`SquaredError` does.
    """

    output_activation = "sigmoid"
    target_range = (0, 1)
    #: the estimators the loss is for, as scikit-learn's estimator types
    estimator_types = ("classifier", "regressor")

    @derived
    def loss(self, y_true, y_pred, sample_weight=None):
        """The mean loss over the samples, weighted by ``sample_weight``."""
        y_true, y_pred, out = _arrays(y_true, y_pred)
        sample_weight = array_like(sample_weight, y_pred)
        return float(self.loss_and_gradient_into(y_true, y_pred, sample_weight, out))

    @derived
    def gradient(self, y_true, y_pred):
        """The per-sample ``dL/dy_pred``, shaped like ``y_pred``."""
        y_true, y_pred, out = _arrays(y_true, y_pred)
        self.loss_and_gradient_into(y_true, y_pred, None, out)
        return out

    def fuses_with(self, activation):
        """Whether ``dL/dZ`` through this output ``activation`` is one step.

        Where the loss and the output activation cancel (the canonical link),
        the per-sample gradient with respect to the output sums ``Z`` is
        simpler and more accurate than the chain rule done in two steps.
        """
        return False

    def loss_and_output_delta_into(self, y_true, y_pred, sample_weight, out, scale=1.0):
        """The mean loss; ``scale`` times ``dL/dZ`` of the output layer into ``out``.

        Only for an output activation the loss :meth:`fuses_with`.
        """
        raise NotImplementedError(f"{type(self).__name__} fuses with no activation.")


def _arrays(y_true, y_pred):
    """Both as arrays of ``y_pred``'s library, and a buffer for a result."""
    y_pred = float_array(y_pred)
    y_true = array_like(y_true, y_pred)
    shape = np.broadcast_shapes(tuple(y_true.shape), tuple(y_pred.shape))
    return y_true, y_pred, backend_of(y_pred).empty(shape, y_pred.dtype)


def _scaled(out, scale):
    """``out *= scale``, skipped for a scale of 1."""
    if not (isinstance(scale, (float, int)) and scale == 1):
        out *= scale
    return out


class L2Penalty(Component):
    r"""The L2 penalty on the weights, the estimators' ``alpha``.

    .. math:: P = \frac{\alpha}{2 n} \sum_l \|W_l\|^2, \qquad
        \frac{\partial P}{\partial W_l} = \frac{\alpha}{n} W_l

    where :math:`n` is the number (or total weight) of the samples, so that
    the penalty is divided like the loss. Biases are not penalised.

    Parameters
    ----------
    alpha : float, default=0.0
    """

    def __init__(self, alpha=0.0):
        self.alpha = alpha

    def value(self, W, total_weight):
        """The penalty of the weights ``W`` (an array) for ``total_weight`` samples."""
        if not self.alpha:
            return 0.0
        return 0.5 * self.alpha * W.dot(W) / total_weight

    def add_gradient(self, grad, W, factor, scratch=None):
        """``grad += factor * n * dP/dW``, with ``factor = scale / n``.

        ``scale`` is what the training step multiplies every gradient by (the
        learning rate, for an optimizer that folds it in). ``scratch``, shaped
        like ``W``, spares a temporary.
        """
        if self.alpha:
            step = functions_of(W).multiply(W, self.alpha * factor, out=scratch)
            grad += step

    def decay(self, W, factor):
        """``W -= factor * n * dP/dW`` in place: plain SGD's step for the penalty.

        With ``factor = eta / n``, ``w - eta (alpha / n) w`` is ``w`` times
        ``1 - alpha * factor``: one pass over the weights.
        """
        if self.alpha:
            W *= 1.0 - self.alpha * factor


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

    def loss_and_gradient_into(self, y_true, y_pred, sample_weight, out, scale=1.0):
        # the errors y_pred - y_true, in out
        functions_of(out).subtract(y_pred, y_true, out=out)
        # L: the mean over the samples of the sum of squared errors
        loss = _mean_of_products(out, out, sample_weight)
        # d_L_d_ypred = -2 (y_true - y_pred), as the article names it
        out *= 2 * scale
        return loss

    def fuses_with(self, activation):
        # a linear output: dL/dZ is dL/dy_pred
        return getattr(activation, "sklearn_name", None) == "identity"

    def loss_and_output_delta_into(self, y_true, y_pred, sample_weight, out, scale=1.0):
        return self.loss_and_gradient_into(y_true, y_pred, sample_weight, out, scale)


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
    estimator_types = ("classifier",)

    def __init__(self, categorical=None):
        self.categorical = categorical

    def for_output(self, activation):
        """This loss, its form chosen for the output ``activation``."""
        if self.categorical is not None:
            return self
        is_softmax = getattr(activation, "sklearn_name", None) == "softmax"
        return LogLoss(categorical=is_softmax)

    def _clipped(self, y_pred):
        eps = machine_epsilon(y_pred)
        xp = functions_of(y_pred)
        # np.clip, in two ufuncs: a third of its time on a batch's outputs
        p = xp.maximum(y_pred, eps)
        return xp.minimum(p, 1 - eps, out=p)

    def loss(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred, _ = _arrays(y_true, y_pred)
        sample_weight = array_like(sample_weight, y_pred)
        return float(self._value(y_true, y_pred, sample_weight))

    def _value(self, y_true, y_pred, sample_weight=None):
        """The loss of the engine's arrays (of any library)."""
        p = self._clipped(y_pred)
        xp = functions_of(p)
        # -y ln p, summed over the outputs and averaged over the samples ...
        log_p = xp.log(p)
        loss = -_mean_of_products(y_true, log_p, sample_weight)
        if not self.categorical:
            # ... and for binary outputs, - (1 - y) ln(1 - p) too
            xp.negative(p, out=p)
            xp.log1p(p, out=p)
            loss -= _mean_of_products(1 - y_true, p, sample_weight)
        return loss

    def loss_and_gradient_into(self, y_true, y_pred, sample_weight, out, scale=1.0):
        p = self._clipped(y_pred)
        xp = functions_of(p)
        if self.categorical:
            # dL/dy_pred = -y / p
            xp.divide(y_true, p, out=out)
            xp.negative(out, out=out)
        else:
            # dL/dy_pred = (p - y) / (p (1 - p))
            xp.subtract(p, y_true, out=out)
            out /= p * (1 - p)
        _scaled(out, scale)
        return self._value(y_true, y_pred, sample_weight)

    def fuses_with(self, activation):
        name = getattr(activation, "sklearn_name", None)
        return name == ("softmax" if self.categorical else "logistic")

    def loss_and_output_delta_into(self, y_true, y_pred, sample_weight, out, scale=1.0):
        # after its canonical link, dL/dZ = y_pred - y_true
        functions_of(out).subtract(y_pred, y_true, out=out)
        _scaled(out, scale)
        return self._value(y_true, y_pred, sample_weight)


@register_loss("absolute_error")
class AbsoluteError(Loss):
    r"""Mean absolute error, robust to outliers.

    .. math:: L = \frac{1}{n}\sum_i\sum_j |y_{ij} - \hat y_{ij}|, \qquad
        \frac{\partial L_i}{\partial \hat y_{ij}} = \operatorname{sign}(\hat y_{ij}
        - y_{ij})
    """

    def loss_and_gradient_into(self, y_true, y_pred, sample_weight, out, scale=1.0):
        xp = functions_of(out)
        xp.subtract(y_pred, y_true, out=out)
        loss = _mean(xp.sum(xp.abs(out), axis=1), sample_weight)
        xp.sign(out, out=out)
        _scaled(out, scale)
        return loss


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
    estimator_types = ("classifier",)

    def __init__(self, squared=False):
        self.squared = squared

    def loss_and_gradient_into(self, y_true, y_pred, sample_weight, out, scale=1.0):
        # the margins max(0, 1 - t y_pred), in out
        xp = functions_of(out)
        xp.multiply(y_true, y_pred, out=out)
        xp.subtract(1, out, out=out)
        xp.maximum(out, 0, out=out)
        if self.squared:
            loss = _mean_of_products(out, out, sample_weight)
            # dL/dy_pred = -2 t max(0, 1 - t y_pred)
            out *= y_true
            out *= -2 * scale
        else:
            loss = _mean(xp.sum(out, axis=1), sample_weight)
            # dL/dy_pred = -t where the margin is positive
            xp.greater(out, 0, out=out)
            out *= y_true
            out *= -scale
        return loss


@register_loss("squared_hinge")
def squared_hinge():
    """The squared hinge: ``Hinge(squared=True)``."""
    return Hinge(squared=True)


@register_loss("poisson")
class Poisson(Loss):
    r"""Half the Poisson deviance, for counts and rates (``y >= 0``), as MLPRegressor.

    .. math:: L = \frac{1}{n}\sum_i\sum_j \Big[y_{ij}\ln\frac{y_{ij}}{\hat y_{ij}}
        - y_{ij} + \hat y_{ij}\Big], \qquad
        \frac{\partial L_i}{\partial \hat y_{ij}} = 1 - \frac{y_{ij}}{\hat y_{ij}}

    The output is the exponential by default, the loss's canonical link:
    through it, :math:`\partial L_i / \partial z_{ij} = \hat y_{ij} - y_{ij}`.
    ``y_pred`` is clipped below at the machine epsilon of its dtype (as the
    log-loss's), so the loss and gradient stay finite for any prediction.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn_scratch.losses import Poisson
    >>> Poisson().loss(np.array([[0.0], [2.0]]), np.array([[1.0], [2.0]]))
    0.5
    """

    output_activation = "exp"
    estimator_types = ("regressor",)

    def _clipped(self, y_pred):
        return functions_of(y_pred).maximum(y_pred, machine_epsilon(y_pred))

    def _loss(self, y_true, p, sample_weight):
        # y ln(y / p) - y + p, as y ln y - y ln p - y + p: no y / p to overflow.
        # y ln y with 0 ln 0 = 0, as y ln max(y, tiny): numpy's functions only
        # (scipy's xlogy takes no array of another library)
        xp = functions_of(p)
        per_element = xp.log(xp.maximum(y_true, smallest_normal(y_true)))
        per_element *= y_true
        per_element -= y_true * xp.log(p)
        per_element -= y_true
        per_element += p
        return _mean(xp.sum(per_element, axis=1), sample_weight)

    def loss_and_gradient_into(self, y_true, y_pred, sample_weight, out, scale=1.0):
        p = self._clipped(y_pred)
        loss = self._loss(y_true, p, sample_weight)
        # dL/dy_pred = 1 - y / y_pred
        xp = functions_of(out)
        xp.divide(y_true, p, out=out)
        xp.subtract(1, out, out=out)
        _scaled(out, scale)
        return loss

    def fuses_with(self, activation):
        return getattr(activation, "sklearn_name", None) == "exp"

    def loss_and_output_delta_into(self, y_true, y_pred, sample_weight, out, scale=1.0):
        # after its canonical link, dL/dZ = y_pred - y_true
        functions_of(out).subtract(y_pred, y_true, out=out)
        _scaled(out, scale)
        return self._loss(y_true, self._clipped(y_pred), sample_weight)

    def in_y_true_range(self, y):
        """Whether every target is one the loss is defined for: ``y >= 0``."""
        return bool(np.all(np.asarray(y) >= 0))
