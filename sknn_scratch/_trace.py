"""``trace_step``: one training step, worked out as the article works it.

Every number comes from the network's own step: the sums, outputs,
``dL/dZ`` and gradients from :func:`traced_backprop` (the
:meth:`Network.backprop` that every fit runs), the updates from
:meth:`Network.train_step` with a copy of the estimator's optimizer. Nothing
here computes a formula of its own, so the trace shows what training does.
"""

import copy

import numpy as np

from ._components import is_stochastic
from ._fitted import network_and_inputs
from ._inputs import checked_sample_weight
from ._trace_text import describe, named_values
from .gradients import _float64_problem


def trace_step(estimator, X, y, sample_weight=None):
    """One training step on ``(X, y)``, worked out, without changing the estimator.

    The article computes one partial derivative by hand ("all weights 1, all
    biases 0, Alice: dL/dw1 = 0.0214"); this does the same for every weight
    and bias of any fitted network: the feedforward, the loss, the chain rule
    back through every layer, and the change the estimator's optimizer would
    make, as one batch of the estimator's training would. The estimator is
    copied, never changed; everything is computed in float64.

    Parameters
    ----------
    estimator : ScratchMLPClassifier, ScratchMLPRegressor, Pipeline or search
        A fitted network, a Pipeline ending in one (``X`` goes through the
        steps before it), or a fitted search whose ``best_estimator_`` is
        either.
    X : array-like of shape (n_samples, n_features)
        The batch: one sample, as the article, or several.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Their targets (labels the classifier knows, for a classifier).
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights; the loss is their weighted mean.

    Returns
    -------
    trace : StepTrace
        The step's numbers (lists by layer, the first hidden layer first):

        - ``sums``, ``outputs``: each layer's ``Z = A_prev @ W + b`` and
          ``A = f(Z)``, arrays of shape ``(n_samples, n_units)``;
        - ``loss``: the batch's mean loss (plus the L2 penalty ``alpha``);
        - ``d_L_d_ypred``: ``dL/dA`` of the output layer;
        - ``deltas``: ``dL/dZ`` of each layer, the chain rule's steps;
        - ``coef_grads``, ``intercept_grads``: ``dL/dW`` and ``dL/db``, shaped
          as ``coefs_`` and ``intercepts_``;
        - ``coef_updates``, ``intercept_updates``: the change of each weight
          and bias the optimizer would make (plain SGD:
          ``-learning_rate * dL/dW``), at the learning rate the next batch
          would use (``learning_rate``); ``None`` for a full-batch solver
          such as ``"lbfgs"``, which takes no single step.

        ``str(trace)`` walks through the step with the article's names on a
        2-2-1 network (``sum_h1``, ``h1``, ..., ``d_L_d_ypred``,
        ``d_L_d_w1``, ...) and by layer and index on any other;
        ``trace.named()`` gives those names and values as a dict.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If the network is not fitted.
    TypeError
        If ``estimator`` is not one of the above.

    See Also
    --------
    check_gradients : Compare these gradients with finite differences.
    sknn_scratch.plot.NetworkDisplay : Draw the network, its weights and,
        for one sample, each neuron's output.

    Examples
    --------
    The article's worked example: every weight 1, every bias 0, Alice.

    >>> import numpy as np
    >>> from sknn_scratch import ARTICLE_PARAMS, ScratchMLPClassifier, trace_step
    >>> X = np.array([[-2.0, -1.0], [25.0, 6.0], [17.0, 4.0], [-15.0, -6.0]])
    >>> y = np.array([1, 0, 0, 1])
    >>> net = ScratchMLPClassifier(**ARTICLE_PARAMS).partial_fit(X, y, classes=[0, 1])
    >>> net.coefs_ = [np.ones((2, 2)), np.ones((2, 1))]
    >>> net.intercepts_ = [np.zeros(2), np.zeros(1)]
    >>> trace = trace_step(net, X[:1], y[:1])
    >>> values = trace.named()
    >>> print(f"h1 = {values['h1']:.4f}, o1 = {values['o1']:.3f}")
    h1 = 0.0474, o1 = 0.524
    >>> print(f"d_L_d_w1 = {values['d_L_d_w1']:.5f}")
    d_L_d_w1 = 0.02147
    >>> print(f"{trace.coef_updates[0][0, 0]:.6f}")  # -0.1 * d_L_d_w1
    -0.002147
    """
    network_estimator, X, _ = network_and_inputs(estimator, X, "trace_step")
    if sample_weight is not None:
        sample_weight = checked_sample_weight(sample_weight, X.shape[0], np.float64)
    # the targets' validation may record things on the estimator: a copy's
    estimator = copy.deepcopy(network_estimator)
    network, X, Y, sample_weight = _float64_problem(estimator, X, y, sample_weight)
    coefs = [W.copy() for W in network.coefs]
    intercepts = [b.copy() for b in network.intercepts]
    with np.errstate(over="ignore"):
        loss, sums, outputs, deltas = traced_backprop(network, X, Y, sample_weight)
        coef_grads = [g.copy() for g in network.coef_grads]
        intercept_grads = [g.copy() for g in network.intercept_grads]
        d_L_d_ypred = _d_L_d_ypred(estimator, Y, outputs[-1], sample_weight)
        learning_rate, updates = _updates(estimator, network, X, Y, sample_weight)
    n_layers = len(coef_grads)
    return StepTrace(
        inputs=X,
        targets=Y,
        coefs=coefs,
        intercepts=intercepts,
        sums=sums,
        outputs=outputs,
        loss=float(loss),
        d_L_d_ypred=d_L_d_ypred,
        deltas=deltas,
        coef_grads=coef_grads,
        intercept_grads=intercept_grads,
        coef_updates=None if updates is None else updates[:n_layers],
        intercept_updates=None if updates is None else updates[n_layers:],
        learning_rate=learning_rate,
        estimator=estimator,
    )


def _d_L_d_ypred(estimator, Y, y_pred, sample_weight):
    """``dL/dA`` of the output layer: the loss's own per-sample gradient,
    times each sample's share of the (weighted) mean."""
    per_sample = np.asarray(estimator.loss_function_.gradient(Y, y_pred), float)
    weights = np.ones(len(Y)) if sample_weight is None else sample_weight
    return per_sample * (weights / weights.sum())[:, None]


def _updates(estimator, network, X, Y, sample_weight):
    """The learning rate and each parameter's change by one step of a copy
    of the estimator's optimizer (its state included); ``(None, None)`` for a
    full-batch optimizer."""
    optimizer = estimator.optimizer_
    if not is_stochastic(optimizer):
        return None, None
    optimizer = copy.deepcopy(optimizer)
    training = getattr(estimator, "_training", None)
    if training is None or not training.optimizer_ready:
        optimizer.initialize(network.params_for(optimizer)[0])
    rate = None if training is None else training.learning_rate
    learning_rate = float(rate or estimator.learning_rate_init_)
    before = [param.copy() for param in network.params]
    total_weight = len(X) if sample_weight is None else float(sample_weight.sum())
    network.train_step(X, Y, sample_weight, total_weight, optimizer, learning_rate)
    return learning_rate, [after - b for after, b in zip(network.params, before)]


class StepTrace:
    """One training step, worked out: what :func:`trace_step` returns.

    Lists are by layer, the first hidden layer first and the output layer
    last; arrays are float64 numpy arrays.

    Attributes
    ----------
    inputs : ndarray of shape (n_samples, n_features)
        ``X`` as the network sees it.
    targets : ndarray of shape (n_samples, n_outputs)
        ``y`` coded as the loss takes it (0/1 columns for classes).
    coefs, intercepts : list of ndarray
        The weights and biases the step starts from.
    sums, outputs : list of ndarray of shape (n_samples, n_units)
        Each layer's ``Z`` and ``A = f(Z)``: the feedforward.
    loss : float
        The batch's mean loss, plus the L2 penalty.
    d_L_d_ypred : ndarray of shape (n_samples, n_outputs)
        ``dL/dA`` of the output layer.
    deltas : list of ndarray of shape (n_samples, n_units)
        ``dL/dZ`` of each layer.
    coef_grads, intercept_grads : list of ndarray
        ``dL/dW`` and ``dL/db``, shaped as ``coefs_`` and ``intercepts_``.
    coef_updates, intercept_updates : list of ndarray or None
        The change the estimator's optimizer would make to each weight and
        bias; ``None`` for a full-batch solver.
    learning_rate : float or None
        The learning rate of that step.
    """

    def __init__(self, *, estimator, **values):
        for name, value in values.items():
            setattr(self, name, value)
        self.layer_units = [self.inputs.shape[1], *(W.shape[1] for W in self.coefs)]
        self._components = {
            "hidden": estimator.hidden_activation_,
            "output": estimator.output_activation_,
            "loss": estimator.loss_function_,
            "optimizer": estimator.optimizer_,
            "alpha": estimator.alpha,
        }

    def named(self):
        """Every number of the step by its name, in the order of the walk.

        The article's names on a 2-2-1 network (``x1``, ``w1``, ``sum_h1``,
        ``h1``, ``o1``, ``y_true``, ``loss``, ``d_L_d_ypred``,
        ``d_L_d_sum_o1``, ``d_L_d_w1``, ``update_w1``, ...), names by layer
        and index on any other (``h1_3``, ``w2_3_1``, ``b1_3``; see
        :func:`trace_step`). A value of one sample is a float; of several,
        an array with one entry per sample (gradients are of the whole
        batch: floats).

        Returns
        -------
        values : dict of str to float or ndarray
        """
        return named_values(self)

    def __str__(self):
        return describe(self, self._components)

    def __repr__(self):
        n_samples = self.inputs.shape[0]
        units = "-".join(map(str, self.layer_units))
        return f"<StepTrace of a {units} network on {n_samples} sample(s)>"


def traced_backprop(network, X, Y, sample_weight=None):
    """:meth:`Network.backprop` on a batch, and what it computed on the way.

    For :func:`sknn_scratch.trace_step`, which shows one step as the
    article works it. The step writes over its buffers (an activation's
    outputs over its sums, ``f'`` over the outputs), so the sums and
    outputs are kept from a pass of their own through the same
    feedforward, into buffers that alias nothing; each layer's ``dL/dZ``
    is read from the step's buffers once it is done.

    Returns
    -------
    loss : float
        As :meth:`Network.backprop`, which leaves the gradients in
        :attr:`coef_grads` and :attr:`intercept_grads`.
    sums, outputs, deltas : list of ndarray
        Each layer's ``Z``, ``A = f(Z)`` and ``dL/dZ``, first layer first,
        new arrays of shape ``(n_samples, n_units)``.
    """
    n_samples, dtype = X.shape[0], network.coefs[-1].dtype
    sums = [
        network.backend.empty((n_samples, W.shape[1]), dtype) for W in network.coefs
    ]
    outputs = [network.xp.empty_like(Z) for Z in sums]
    network._feedforward_into(X, sums, outputs)
    loss = network.backprop(X, Y, sample_weight)
    _, _, deltas = network._layer_buffers(n_samples, X.dtype, training=True)
    return loss, sums, outputs, [delta.copy() for delta in deltas]


# ------------------------------------------------------ feedforward
