"""The network itself: feedforward, backprop and the gradients, in numpy.

This is the article's network with every scalar replaced by an array: a layer
is ``A_next = f(A @ W + b)``, where ``A`` holds one row per sample of the
mini-batch, ``W`` has shape ``(n_in, n_out)`` and ``b`` shape ``(n_out,)``.
In the article's terms, for the 2-2-1 network ``W[0] = [[w1, w3], [w2, w4]]``,
``W[1] = [[w5], [w6]]``, ``b[0] = [b1, b2]`` and ``b[1] = [b3]``.

Nothing here knows about scikit-learn: the estimators build a
:class:`Network` around their ``coefs_`` and ``intercepts_``, and the
optimizers apply the gradients it computes.
"""

import numpy as np

from .activations import backward


class Network:
    """A fully connected feedforward network and its backpropagation.

    Parameters
    ----------
    coefs, intercepts : list of ndarray
        The weights ``W[i]`` of shape ``(n_in, n_out)`` and biases ``b[i]`` of
        shape ``(n_out,)`` of each layer, used (and trained) in place.
    hidden_activation, output_activation : activation
        ``f`` of the hidden layers and of the output layer.
    loss : loss
        The loss to minimise (the article's is the mean squared error).
    alpha : float, default=0.0
        Strength of the L2 penalty ``alpha / 2 * sum(W**2)``, divided like the
        loss by the number (or total weight) of samples.
    """

    def __init__(
        self, coefs, intercepts, hidden_activation, output_activation, loss, alpha=0.0
    ):
        self.coefs = coefs
        self.intercepts = intercepts
        self.hidden_activation = hidden_activation
        self.output_activation = output_activation
        self.loss = loss
        self.alpha = alpha
        self.coef_grads = [np.empty_like(W) for W in coefs]
        self.intercept_grads = [np.empty_like(b) for b in intercepts]

    @classmethod
    def for_prediction(cls, coefs, intercepts, hidden_activation, output_activation):
        """A network that only predicts: no loss, no gradient buffers."""
        network = cls.__new__(cls)
        network.coefs = coefs
        network.intercepts = intercepts
        network.hidden_activation = hidden_activation
        network.output_activation = output_activation
        return network

    @property
    def params(self):
        """Weights then biases, the order of :attr:`grads`."""
        return self.coefs + self.intercepts

    @property
    def grads(self):
        """``dL/dW`` then ``dL/db`` as last computed by :meth:`backprop`."""
        return self.coef_grads + self.intercept_grads

    def _activation(self, layer):
        last = layer == len(self.coefs) - 1
        return self.output_activation if last else self.hidden_activation

    def feedforward(self, X, keep=False):
        """Send ``X`` through the network.

        Parameters
        ----------
        X : ndarray or sparse matrix of shape (n_samples, n_features)
        keep : bool, default=False
            Return every layer's sums and outputs (for backprop), not just
            the output layer's.

        Returns
        -------
        Z, A : ndarray, or lists of ndarray when ``keep``
            The weighted sums ``Z = A_prev @ W + b`` and outputs ``A = f(Z)``.
            With ``keep``, ``A[0]`` is ``X`` and ``Z[i]`` feeds ``A[i + 1]``.
        """
        A = X
        Zs, As = [], [X]
        for i, (W, b) in enumerate(zip(self.coefs, self.intercepts)):
            # each neuron: the weighted sum of its inputs, plus its bias ...
            Z = A @ W
            Z += b
            # ... through the activation f
            A = self._activation(i).forward(Z)
            if keep:
                Zs.append(Z)
                As.append(A)
        return (Zs, As) if keep else (Z, A)

    def backprop(self, X, y, sample_weight=None):
        """The loss on a batch, and its gradient for every weight and bias.

        Parameters
        ----------
        X : ndarray or sparse matrix of shape (n_samples, n_features)
        y : ndarray of shape (n_samples, n_outputs)
            The targets, coded as the loss expects.
        sample_weight : ndarray of shape (n_samples,), default=None

        Returns
        -------
        loss : float
            The (weighted) mean loss plus the L2 penalty. The gradients are
            left in :attr:`coef_grads` and :attr:`intercept_grads`.
        """
        n_samples = X.shape[0]
        total_weight = n_samples if sample_weight is None else sample_weight.sum()

        # --- Feedforward, keeping each layer's sums Z and outputs A
        Zs, As = self.feedforward(X, keep=True)
        y_pred = As[-1]

        # --- The loss (the article's MSE by default), plus the L2 penalty
        loss = self.loss.loss(y, y_pred, sample_weight)
        if self.alpha:
            penalty = sum(np.dot(W.ravel(), W.ravel()) for W in self.coefs)
            loss += 0.5 * self.alpha * penalty / total_weight

        # --- d_L_d_ypred, then through the output activation: dL/dZ of the
        # output layer (one step where the loss and activation cancel)
        delta = _output_delta(self.loss, self.output_activation, y, Zs[-1], y_pred)
        # the gradient of a mean is the mean of the per-sample gradients
        if sample_weight is None:
            delta = delta / total_weight
        else:
            delta = delta * (sample_weight / total_weight)[:, np.newaxis]

        # --- The chain rule, from the output layer back to the first:
        # dL/dW = A_prev.T @ dL/dZ, dL/db = sum of dL/dZ,
        # dL/dA_prev = dL/dZ @ W.T, and dL/dZ_prev = dL/dA_prev * f'(Z_prev)
        for i in range(len(self.coefs) - 1, -1, -1):
            W = self.coefs[i]
            d_L_d_W = As[i].T @ delta
            if self.alpha:
                d_L_d_W += (self.alpha / total_weight) * W
            np.copyto(self.coef_grads[i], d_L_d_W)
            np.sum(delta, axis=0, out=self.intercept_grads[i])
            if i > 0:
                d_L_d_A = delta @ W.T
                delta = backward(self.hidden_activation, Zs[i - 1], As[i], d_L_d_A)
        return float(loss)

    # --- Packing all parameters into one vector, for full-batch optimizers

    def pack(self, arrays):
        """Concatenate arrays shaped like :attr:`params` into one vector."""
        return np.concatenate([a.ravel() for a in arrays])

    def unpack(self, vector):
        """Copy ``vector`` (from :meth:`pack`) into the parameters in place."""
        start = 0
        for param in self.params:
            stop = start + param.size
            param[...] = vector[start:stop].reshape(param.shape)
            start = stop

    def loss_and_gradient(self, vector, X, y, sample_weight=None):
        """The loss and packed gradient at the packed parameters ``vector``."""
        self.unpack(vector)
        loss = self.backprop(X, y, sample_weight)
        return loss, self.pack(self.grads)


def _output_delta(loss, activation, y, Z, y_pred):
    """Per-sample ``dL/dZ`` of the output layer."""
    fused = getattr(loss, "output_delta", None)
    delta = fused(y, y_pred, activation) if fused is not None else None
    if delta is None:
        d_L_d_ypred = loss.gradient(y, y_pred)
        delta = backward(activation, Z, y_pred, d_L_d_ypred)
    return delta
