"""The network itself, and its one training step: feedforward, loss, backprop, update.

This is the article's network with every scalar replaced by an array: a layer
is ``A_next = f(A @ W + b)``, where ``A`` holds one row per sample of the
mini-batch, ``W`` has shape ``(n_in, n_out)`` and ``b`` shape ``(n_out,)``.
In the article's terms, for the 2-2-1 network ``W[0] = [[w1, w3], [w2, w4]]``,
``W[1] = [[w5], [w6]]``, ``b[0] = [b1, b2]`` and ``b[1] = [b3]``.

:meth:`Network.train_step` is the article's training step, written once:
every stochastic fit runs it for every mini-batch (any batch size, one
sample included; dense or sparse ``X``; float32 or float64; built-in
components, their subclasses and users' own objects alike), and L-BFGS uses
its loss and gradient (:mod:`sknn_scratch._full_batch`). The formulas are
the components': each activation, loss and optimizer computes its own part,
in place, in buffers this module allocates once per fit (see
:mod:`sknn_scratch.activations` and :mod:`sknn_scratch.losses`). The path
of a whole ``fit`` to here: ``docs/how_it_works.rst``.

Nothing here knows about scikit-learn.
"""

import numpy as np

from ._array import backend_of
from ._forms import activation_forms, loss_forms
from .losses import L2Penalty


class Network:
    """A fully connected feedforward network and its backpropagation.

    Parameters
    ----------
    coefs, intercepts : list of ndarray
        The weights ``W[i]`` of shape ``(n_in, n_out)`` and biases ``b[i]`` of
        shape ``(n_out,)`` of each layer, used (and trained) in place.
    hidden_activation : activation or list of activation
        ``f`` of the hidden layers: one for all, or one per hidden layer.
    output_activation : activation
        ``f`` of the output layer.
    loss : loss, default=None
        The loss to minimise (the article's is the mean squared error);
        ``None`` for a network that only predicts.
    alpha : float, default=0.0
        Strength of the L2 penalty ``alpha / 2 * sum(W**2)``, divided like the
        loss by the number (or total weight) of samples.
    dropout : Dropout, default=None
        Inverted dropout on the hidden layers' outputs in :meth:`backprop`
        (:mod:`sknn_scratch._dropout`); prediction never drops.
    """

    def __init__(
        self,
        coefs,
        intercepts,
        hidden_activation,
        output_activation,
        loss=None,
        alpha=0.0,
        dropout=None,
    ):
        # each layer's activation, in the form whose in-place methods it runs
        hidden = hidden_activations(hidden_activation, len(coefs) - 1)
        self.backend = backend_of(coefs[0])
        on_device = not self.backend.is_numpy
        self.activations = [activation_forms(f, on_device) for f in hidden] + [
            activation_forms(output_activation, on_device)
        ]
        self.loss = None if loss is None else loss_forms(loss, on_device)
        # where the loss and the output activation cancel, dL/dZ is one step
        self.fused = loss is not None and self.loss.fuses_with(output_activation)
        self.alpha = alpha
        self.penalty = L2Penalty(alpha)
        self.dropout = dropout
        # numpy, or the namespace and device of another library's arrays
        # numpy's functions, or their twins in the arrays' library (_xp.py)
        self.xp = xp = self.backend.fn
        if loss is None:  # a network that only predicts, with the arrays given
            self.coefs, self.intercepts = list(coefs), list(intercepts)
        else:
            self._allocate_training(coefs, intercepts)
        self.params = [*self.coefs, *self.intercepts]
        # (biases as rows: adding a row to a batch's sums is numpy's fast path)
        rows = [xp.reshape(b, (1, -1)) for b in self.intercepts]
        self._layers = list(zip(self.coefs, rows, self.activations))
        self._buffers = {}
        self._last_buffers = (None, None)

    def _allocate_training(self, coefs, intercepts):
        """The parameters and their gradients, as views of two flat vectors.

        The weights are copied in: every weight then bias lies in one vector
        ``theta``, and every gradient in ``grad``, so that the penalty, an
        elementwise optimizer's update (SGD, Adam) and L-BFGS's packing each
        take one call for the whole network, whatever its number of layers.
        """
        xp, backend = self.xp, self.backend
        shapes = [tuple(W.shape) for W in coefs] + [tuple(b.shape) for b in intercepts]
        sizes = [int(np.prod(shape)) for shape in shapes]
        dtype = np.result_type(*(backend.dtype(p.dtype) for p in [*coefs, *intercepts]))
        self.theta = backend.empty(sum(sizes), dtype)
        self.grad = backend.empty(sum(sizes), dtype)
        self.n_weights = sum(sizes[: len(coefs)])
        offsets = np.cumsum([0, *sizes]).tolist()
        views = [
            (xp.reshape(self.theta[a:b], shape), xp.reshape(self.grad[a:b], shape))
            for a, b, shape in zip(offsets[:-1], offsets[1:], shapes)
        ]
        for (param, _), value in zip(views, [*coefs, *intercepts]):
            xp.copyto(param, value)
        L = len(coefs)
        self.coefs = [param for param, _ in views[:L]]
        self.intercepts = [param for param, _ in views[L:]]
        self.coef_grads = [grad for _, grad in views[:L]]
        self.intercept_grads = [grad for _, grad in views[L:]]
        self.grads = [*self.coef_grads, *self.intercept_grads]
        self._flat = [self.theta], [self.grad]
        # every weight (not the biases), and its gradient, as one vector
        self.weights = self.theta[: self.n_weights]
        self.weight_grads = self.grad[: self.n_weights]
        self._penalty_scratch = backend.empty(
            self.n_weights if self.alpha else 0, dtype
        )
        # the chain rule's layers, last first: (W.T, dL/dW, dL/db as a row, f
        # of the layer below), views that follow the parameters as they are
        # trained
        below = [None, *self.activations[:-1]]
        self._backward = [
            (i, W.T, dW, xp.reshape(db, (1, -1)), f)
            for i, W, dW, db, f in zip(
                range(L), self.coefs, self.coef_grads, self.intercept_grads, below
            )
        ][::-1]

    # ------------------------------------------------------ the one step

    def train_step(self, X, Y, sample_weight, total_weight, optimizer, learning_rate):
        """One update on a mini-batch: backprop, then the optimizer's step.

        Parameters
        ----------
        X : ndarray or sparse matrix of shape (n_samples, n_features)
        Y : ndarray of shape (n_samples, n_outputs)
            The targets, coded as the loss expects, in ``X``'s dtype.
        sample_weight : ndarray of shape (n_samples,) or None
        total_weight : float
            ``n_samples``, or the sum of ``sample_weight``.
        optimizer : optimizer
        learning_rate : float

        Returns
        -------
        loss : float
            The batch's loss (with the L2 penalty) before the update.
        """
        # an optimizer that folds the learning rate in gets eta * dL/dw: the
        # step itself, at no cost (the gradients are scaled by 1/n anyway);
        # its step for the penalty, w <- w - eta (alpha / n) w, is then a
        # decay of the weights, one pass over them instead of two
        folds = getattr(optimizer, "folds_learning_rate", False)
        loss = self.backprop(
            X,
            Y,
            sample_weight,
            total_weight,
            learning_rate if folds else 1.0,
            not folds,
        )
        if folds and self.alpha:
            self.penalty.decay(self.weights, learning_rate / total_weight)
        # --- The optimizer's update; the article's SGD: w <- w - eta * dL/dw
        params, grads = self.params_for(optimizer)
        optimizer.update(params, grads, 1.0 if folds else learning_rate)
        return loss

    def params_for(self, optimizer):
        """The parameters and gradients, as ``optimizer`` takes them.

        An elementwise optimizer gets every parameter as one vector; any other
        one array per layer, weights then biases.
        """
        if getattr(optimizer, "updates_elementwise", False):
            return self._flat
        return self.params, self.grads

    def backprop(
        self,
        X,
        Y,
        sample_weight=None,
        total_weight=None,
        scale=1.0,
        penalty_gradient=True,
    ):
        """The loss on a batch, and ``scale`` times its gradient for each weight.

        Parameters
        ----------
        X : ndarray or sparse matrix of shape (n_samples, n_features)
        Y : ndarray of shape (n_samples, n_outputs)
            The targets, coded as the loss expects.
        sample_weight : ndarray of shape (n_samples,), default=None
        total_weight : float, default=None
            ``n_samples``, or the sum of ``sample_weight`` (computed if None).
        scale : float, default=1.0
            A factor of every gradient (an optimizer's folded learning rate).
        penalty_gradient : bool, default=True
            Add the L2 penalty's gradient (``False``: the caller decays the
            weights instead).

        Returns
        -------
        loss : float
            The (weighted) mean loss plus the L2 penalty. The gradients are
            left in :attr:`coef_grads` and :attr:`intercept_grads`.
        """
        n_samples, xp = X.shape[0], self.xp
        if total_weight is None:
            total_weight = n_samples if sample_weight is None else xp.sum(sample_weight)
        Zs, As, deltas = self._layer_buffers(n_samples, X.dtype, training=True)

        # --- Feedforward, keeping each layer's sums Z and outputs A
        dropout = self.dropout
        y_pred = self._feedforward_into(X, Zs, As, dropout)

        # --- The loss, and d_L_d_ypred through the output activation
        factor = scale / total_weight
        delta = deltas[-1]
        loss = self._loss_and_output_delta(
            Y, y_pred, Zs[-1], sample_weight, factor, delta
        )
        if self.alpha:
            loss += self.penalty.value(self.weights, total_weight)

        # --- The chain rule, from the output layer back to the first:
        # dL/dW = A_prev.T @ dL/dZ, dL/db = sum of dL/dZ,
        # dL/dA_prev = dL/dZ @ W.T, and dL/dZ_prev = dL/dA_prev * f'(Z_prev)
        one_sample = n_samples == 1
        for i, W_T, d_L_d_W, d_L_d_b, f_prev in self._backward:
            if i:
                A_prev = As[i - 1]
                # (with dropout, the layer below passed on its dropped outputs)
                inputs = A_prev if dropout is None else dropout.output(i - 1, A_prev)
                xp.dot(inputs.T, delta, out=d_L_d_W)
            else:
                _dot_into(X.T, delta, d_L_d_W, xp)  # X may be sparse
            if one_sample:
                xp.copyto(d_L_d_b, delta)
            else:
                xp.sum_rows_into(delta, d_L_d_b)
            if i:
                delta_prev = deltas[i - 1]
                xp.dot(delta, W_T, out=delta_prev)
                if dropout is not None:
                    dropout.backward(i - 1, delta_prev)
                # (A_prev has served for dL/dW: f' may overwrite it)
                f_prev.times_derivative(delta_prev, Zs[i - 1], A_prev)
                delta = delta_prev
        # ... and the penalty's part of dL/dW, for every layer at once
        if penalty_gradient and self.alpha:
            self.penalty.add_gradient(
                self.weight_grads, self.weights, factor, self._penalty_scratch
            )
        # (on another device the loss stays there: one copy an epoch, not a batch)
        return float(loss) if xp.is_numpy else loss

    def _loss_and_output_delta(self, Y, y_pred, Z, sample_weight, factor, delta):
        """The batch's loss; ``dL/dZ`` of the output layer into ``delta``.

        In one step where the loss and the output activation cancel. The
        gradient of a mean is the mean of the per-sample gradients: each row
        is scaled by its weight times ``factor`` (``1 / n``, and a folded
        learning rate).
        """
        rows = factor if sample_weight is None else (sample_weight * factor)[:, None]
        if self.fused:
            return self.loss.loss_and_output_delta_into(
                Y, y_pred, sample_weight, delta, rows
            )
        loss = self.loss.loss_and_gradient_into(Y, y_pred, sample_weight, delta, rows)
        # d_L_d_ypred * f'(Z): dL/dZ of the output layer
        self.activations[-1].times_derivative(delta, Z, y_pred)
        return loss

    def _feedforward_into(self, X, Zs, As, dropout=None):
        """Each layer's ``Z = A_prev @ W + b`` and ``A = f(Z)``, in buffers.

        With ``dropout`` (training), each hidden layer passes on its outputs
        with a random mask applied; ``As`` keep them unmasked.
        """
        A, last = X, len(self._layers) - 1
        for i, ((W, b, f), Z, A_out) in enumerate(zip(self._layers, Zs, As)):
            # each neuron: the weighted sum of its inputs, plus its bias ...
            _dot_into(A, W, Z, self.xp)
            Z += b
            # ... through the activation f (in place, where f' needs only A)
            A = f.forward_into(Z, A_out)
            if dropout is not None and i < last:
                A = dropout.forward(i, A)
        return A

    def feedforward(self, X, chunk_rows=None):
        """The output layer's sums and outputs for ``X``.

        Parameters
        ----------
        X : ndarray or sparse matrix of shape (n_samples, n_features)
        chunk_rows : int, default=None
            Rows sent through at a time: each layer's buffer holds one chunk
            and is reused for the next, so memory stays bounded and, for a few
            hundred rows, each layer's outputs stay in cache from the product
            to the activation. ``None``: all at once.

        Returns
        -------
        Z, A : ndarray of shape (n_samples, n_outputs)
            The weighted sums ``Z`` and outputs ``A = f(Z)`` of the output
            layer, new arrays.
        """
        n_samples, xp = X.shape[0], self.xp
        rows = n_samples if chunk_rows is None else max(1, min(chunk_rows, n_samples))
        if rows == n_samples:
            return self._feedforward_once(X)
        dtype = self.coefs[-1].dtype
        Z_all = self.backend.empty((n_samples, self.coefs[-1].shape[1]), dtype)
        A_all = xp.empty_like(Z_all)
        # buffers of this call's own (several threads may predict at once);
        # each hidden layer's outputs over its sums, which prediction drops
        Zs = [self.backend.empty((rows, W.shape[1]), dtype) for W in self.coefs]
        As = [*Zs[:-1], xp.empty_like(Zs[-1])]
        for start in range(0, n_samples, rows):
            stop = min(start + rows, n_samples)
            if stop - start < rows:  # the last chunk, shorter
                Zs = [Z[: stop - start] for Z in Zs]
                As = [*Zs[:-1], As[-1][: stop - start]]
            A_all[start:stop] = self._feedforward_into(X[start:stop], Zs, As)
            Z_all[start:stop] = Zs[-1]
        return Z_all, A_all

    def _feedforward_once(self, X):
        """``Z, A`` of the output layer in one pass, in new arrays.

        For a batch of one chunk (one row, say): buffers to reuse would cost
        more than they save. Hidden outputs are written over their sums.
        """
        A, last = X, self._layers[-1]
        for layer in self._layers:
            W, b, f = layer
            Z = A @ W
            Z += b
            A = f.forward_into(Z, self.xp.empty_like(Z) if layer is last else Z)
        return Z, A

    def layer_outputs(self, X):
        """Every layer's outputs ``A = f(A_prev @ W + b)`` for ``X``, new arrays.

        The hidden layers' first, the output layer's last.
        """
        outputs, A = [], X
        for W, b, f in self._layers:
            Z = A @ W
            if self.xp.is_numpy:
                Z = np.asarray(Z)  # a sparse X's product: a matrix, not an array
            Z += b
            A = f.forward_into(Z, Z)
            outputs.append(A)
        return outputs

    def _layer_buffers(self, n_rows, dtype, training=True):
        """Each layer's ``Z``, ``A`` and ``dL/dZ`` buffers for ``n_rows`` rows.

        Allocated at the largest size asked for so far, and sliced: a fit
        allocates them once, for its batch size. ``A`` is ``Z`` itself where
        the activation's derivative needs only ``A``.
        """
        key = (training, n_rows, dtype)
        last_key, last = self._last_buffers
        if key == last_key:  # every batch but an epoch's last: the same
            return last
        views = self._layer_buffers_for(n_rows, dtype, training)
        self._last_buffers = (key, views)
        return views

    def _layer_buffers_for(self, n_rows, dtype, training):
        key = (training, dtype)
        buffers = self._buffers.get(key)
        if buffers is None or buffers[0] < n_rows:
            widths = [W.shape[1] for W in self.coefs]
            Zs = [self.backend.empty((n_rows, n), dtype) for n in widths]
            As = [
                Z
                if f.derivative_from_output and (training or i < len(widths) - 1)
                else self.xp.empty_like(Z)
                for i, (Z, f) in enumerate(zip(Zs, self.activations))
            ]
            deltas = [self.xp.empty_like(Z) for Z in Zs] if training else None
            buffers = self._buffers[key] = (n_rows, Zs, As, deltas)
        size, Zs, As, deltas = buffers
        if size == n_rows:
            return Zs, As, deltas
        views = {}

        def cut(buffer):
            # A is often Z itself: slice it once, so it stays the same array
            if id(buffer) not in views:
                views[id(buffer)] = buffer[:n_rows]
            return views[id(buffer)]

        return (
            [cut(Z) for Z in Zs],
            [cut(A) for A in As],
            None if deltas is None else [cut(d) for d in deltas],
        )


def hidden_activations(hidden_activation, n_hidden):
    """The activation of each of ``n_hidden`` hidden layers, as a list.

    ``hidden_activation`` is one activation for every hidden layer, or a
    list (or tuple) of one per hidden layer.
    """
    if isinstance(hidden_activation, list | tuple):
        if len(hidden_activation) != n_hidden:
            raise ValueError(
                f"{len(hidden_activation)} hidden activations for {n_hidden} "
                "hidden layers: one per hidden layer is needed."
            )
        return list(hidden_activation)
    return [hidden_activation] * n_hidden


def _dot_into(A, B, out, xp):
    """``out = A @ B``, for a dense or sparse ``A``."""
    if type(A) is np.ndarray or not xp.is_numpy:
        xp.dot(A, B, out=out)
    else:
        np.copyto(out, A @ B)  # sparse: scipy's product, then into the buffer
