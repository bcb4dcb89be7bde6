"""Whole training epochs for the built-in components, without waste.

The arithmetic is :meth:`sknn_scratch._network.Network.backprop` followed by
the optimizer's update, step for step; only the bookkeeping differs. Every
buffer is allocated once per fit and reused by every mini-batch, numpy writes
into it with ``out=``, and plain SGD folds the learning rate into ``dL/dZ`` so
that ``A_prev.T @ dL/dZ`` is the step itself. Tiny networks trained one
sample at a time (the article's) run on Python floats, where numpy's cost per
call would outweigh the arithmetic. Two one-call routines come from scipy,
which scikit-learn requires: the sigmoid ``expit`` for small arrays and BLAS
``ger`` for the rank-one update of a single sample.

:func:`epoch_runner` returns ``None`` for anything it does not know (a user's
own activation, loss or sparse input): the estimator then runs the generic
path, which works for every component that follows the protocols.
"""

import functools
import math
from array import array

import numpy as np
from scipy.linalg.blas import get_blas_funcs
from scipy.special import expit

from .activations import Identity, ReLU, Sigmoid, Softmax, Tanh
from .losses import LogLoss, SquaredError
from .optimizers import SGD

_HIDDEN = {Sigmoid: "sigmoid", Tanh: "tanh", ReLU: "relu", Identity: "identity"}
_OUTPUT = {Sigmoid: "sigmoid", Identity: "identity", Softmax: "softmax"}
#: networks with at most this many weights train one sample at a time on
#: Python floats: below it, ~25 numpy calls per sample cost more than the loops
SCALAR_MAX_WEIGHTS = 40
#: rows per chunk in prediction: a 256-wide float64 layer of 256 rows (512 kB)
#: stays in cache from the matrix product to the activation
PREDICT_CHUNK_ROWS = 256
#: up to this size scipy's one-call sigmoid ``expit`` beats four numpy calls;
#: beyond it, their simpler loops win (650 µs against 980 µs for 32768 floats)
EXPIT_MAX_SIZE = 16384


def epoch_runner(network, optimizer, X, Y, batch_size):
    """An object whose ``run`` trains one epoch, or ``None`` if unsupported.

    Parameters
    ----------
    network : Network
    optimizer : optimizer
    X, Y : ndarray
        The training data of this fit, fixed for all its epochs. ``Y`` may
        be boolean (0/1 targets), cast to ``X``'s dtype a batch at a time.
    batch_size : int
    """
    hidden = _HIDDEN.get(type(network.hidden_activation))
    output = _OUTPUT.get(type(network.output_activation))
    loss = network.loss
    if type(loss) is SquaredError and output in ("sigmoid", "identity"):
        loss_kind = "squared_error"
    elif type(loss) is LogLoss and (output, bool(loss.categorical)) in (
        ("softmax", True),
        ("sigmoid", False),
    ):
        loss_kind = "log_loss"
    else:
        return None
    dtype = network.coefs[0].dtype
    if (
        hidden is None
        or type(X) is not np.ndarray
        or type(Y) is not np.ndarray
        or X.dtype != dtype
        or Y.dtype not in (dtype, bool)
        or any(p.dtype != dtype for p in network.params)
    ):
        return None
    kinds = [hidden] * (len(network.coefs) - 1) + [output]
    fused_sgd = type(optimizer) is SGD and optimizer.momentum == 0
    n_weights = sum(W.size for W in network.coefs)
    if (
        batch_size == 1
        and dtype == np.float64
        and fused_sgd
        and loss_kind == "squared_error"
        and n_weights <= SCALAR_MAX_WEIGHTS
    ):
        return _ScalarEpochs(network, kinds, X, Y.astype(dtype, copy=False))
    if (
        batch_size == 1
        and fused_sgd
        and all(W.flags.c_contiguous for W in network.coefs)
    ):
        return _SampleEpochs(network, kinds, loss_kind, X, Y.astype(dtype, copy=False))
    return _BufferedEpochs(
        network, optimizer, kinds, loss_kind, fused_sgd, X, Y, batch_size
    )


# ---------------------------------------------------------------- predict


def forward_in_chunks(network, X, chunk_rows):
    """The output layer's sums and outputs for ``X``, ``chunk_rows`` at a time.

    Each layer's buffer holds one chunk and is reused for the next, so memory
    stays bounded by the chunk and, for chunks of a few hundred rows, the
    activations stay in cache between the product and the activation.
    Returns ``None`` when a component is not a built-in (or ``X`` is sparse):
    use :meth:`Network.feedforward` then.

    Parameters
    ----------
    network : Network
    X : ndarray of shape (n_samples, n_features)
    chunk_rows : int

    Returns
    -------
    Z, A : ndarray of shape (n_samples, n_outputs)
    """
    chunks = _output_chunks(network, X, chunk_rows)
    if chunks is None:
        return None
    if X.shape[0] <= chunk_rows:
        # one chunk (a single row, say): no buffers to reuse, fewest calls
        chunks.close()
        return _forward_once(network, X)
    Z = np.empty((X.shape[0], network.coefs[-1].shape[1]), network.coefs[-1].dtype)
    A = np.empty_like(Z)
    for rows, Z_rows, A_rows in chunks:
        Z[rows], A[rows] = Z_rows, A_rows
    return Z, A


def _forward_once(network, X):
    hidden = _HIDDEN[type(network.hidden_activation)]
    output = _OUTPUT[type(network.output_activation)]
    a = X
    with np.errstate(over="ignore", invalid="ignore"):
        for W, b in zip(network.coefs[:-1], network.intercepts[:-1]):
            a = a @ W
            a += b
            _activate(hidden, a)
        Z = a @ network.coefs[-1]
        Z += network.intercepts[-1]
        A = Z.copy()
        _activate(output, A)
    return Z, A


def outputs_finite(network, X, chunk_rows=PREDICT_CHUNK_ROWS):
    """Whether every output for ``X`` is finite; ``None`` if not built-in.

    Usually proved without a forward pass, from bounds on ``|Z|``: the inputs
    are bounded by ``max |X|``, each layer's ``|Z|`` by the bound of its
    inputs times the largest column sum of ``|W|``, plus ``max |b|``, and a
    sigmoid or tanh bounds its outputs by 1. Every built-in activation maps
    finite sums to finite outputs, so bounds far below overflow settle it.
    """
    chunks = _output_chunks(network, X, chunk_rows)
    if chunks is None:
        return None
    with np.errstate(over="ignore", invalid="ignore"):
        if X.size == 0 or _bounded_far_below_overflow(network, X):
            return True
    return all(np.isfinite(A_rows).all() for _, _, A_rows in chunks)


def _bounded_far_below_overflow(network, X):
    limit = np.finfo(X.dtype).max * 1e-6  # far above any rounding in the sums
    # two reductions, not np.abs(X): no temporary the size of X
    bound = max(abs(float(X.max())), abs(float(X.min())))
    hidden = _HIDDEN[type(network.hidden_activation)]
    for i, (W, b) in enumerate(zip(network.coefs, network.intercepts)):
        column_sums = np.abs(W).sum(axis=0).max() if W.size else 0.0
        bias = float(np.abs(b).max()) if b.size else 0.0
        bound = bound * float(column_sums) + bias
        if not bound < limit:
            return False
        if i < len(network.coefs) - 1 and hidden in ("sigmoid", "tanh"):
            bound = 1.0
    return True


def _output_chunks(network, X, chunk_rows):
    """``(rows, Z, A)`` of the output layer for each chunk, or ``None``.

    ``Z`` and ``A`` are buffers reused by the next chunk.
    """
    hidden = _HIDDEN.get(type(network.hidden_activation))
    output = _OUTPUT.get(type(network.output_activation))
    dtype = network.coefs[-1].dtype
    if hidden is None or output is None or type(X) is not np.ndarray:
        return None
    if X.dtype != dtype or any(p.dtype != dtype for p in network.params):
        return None
    return _generate_output_chunks(network, X, chunk_rows, hidden, output)


def _generate_output_chunks(network, X, chunk_rows, hidden, output):
    coefs, intercepts = network.coefs, network.intercepts
    n_samples = X.shape[0]
    chunk_rows = max(1, min(chunk_rows, n_samples))
    buffers = [np.empty((chunk_rows, W.shape[1]), X.dtype) for W in coefs]
    Z_buffer = np.empty_like(buffers[-1])
    for start in range(0, n_samples, chunk_rows):
        stop = min(start + chunk_rows, n_samples)
        a = X[start:stop]
        with np.errstate(over="ignore", invalid="ignore"):
            for i, (W, b, buffer) in enumerate(zip(coefs, intercepts, buffers)):
                h = buffer[: stop - start]
                np.dot(a, W, out=h)
                h += b
                if i == len(coefs) - 1:
                    Z = Z_buffer[: stop - start]
                    np.copyto(Z, h)
                _activate(output if i == len(coefs) - 1 else hidden, h)
                a = h
        yield slice(start, stop), Z, a


# ------------------------------------------------ mini-batches, in buffers


def _activate(kind, A):
    """``A = f(A)`` in place."""
    if kind == "sigmoid" and A.size <= EXPIT_MAX_SIZE:
        expit(A, out=A)
    elif kind == "sigmoid":
        # 1 / (1 + e^-Z): e^-Z overflows to inf for Z < -709, giving 0 as it
        # should (the callers ignore the overflow)
        np.negative(A, out=A)
        np.exp(A, out=A)
        A += 1
        np.reciprocal(A, out=A)
    elif kind == "tanh":
        np.tanh(A, out=A)
    elif kind == "relu":
        np.maximum(A, 0, out=A)
    elif kind == "softmax":
        A -= A.max(axis=-1, keepdims=True)
        np.exp(A, out=A)
        A /= A.sum(axis=-1, keepdims=True)


def _times_derivative_over(kind, delta, A):
    """``delta *= f'(Z)`` in place, from ``A = f(Z)``, which it overwrites.

    For the mini-batch step, where each layer's ``A`` is no longer needed
    once its ``dL/dZ`` is known: no buffer for ``f'(Z)``.
    """
    if kind == "sigmoid":
        delta *= A
        np.subtract(1, A, out=A)
        delta *= A
    elif kind == "tanh":
        np.multiply(A, A, out=A)
        np.subtract(1, A, out=A)
        delta *= A
    elif kind == "relu":
        np.greater(A, 0, out=A)
        delta *= A


def _times_derivative(kind, delta, A, tmp):
    """``delta *= f'(Z)`` in place, from ``A = f(Z)``."""
    if kind == "sigmoid":
        np.subtract(1, A, out=tmp)
        tmp *= A
        delta *= tmp
    elif kind == "tanh":
        np.multiply(A, A, out=tmp)
        np.subtract(1, tmp, out=tmp)
        delta *= tmp
    elif kind == "relu":
        np.greater(A, 0, out=tmp)
        delta *= tmp


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
        self.start = [p.copy() for p in params]
        self.good = [p.copy() for p in params]
        self.previous = [p.copy() for p in params]

    def params_finite(self):
        return all(np.isfinite(p).all() for p in self.params)

    def save(self):
        # the oldest of the two epoch checkpoints is overwritten: no copy kept
        # beyond these three sets
        self.previous, self.good = self.good, self.previous
        for good, param in zip(self.good, self.params):
            np.copyto(good, param)

    def restore_each(self):
        """Restore each kept set of weights in turn, newest first."""
        for saved in (self.good, self.previous, self.start):
            for param, value in zip(self.params, saved):
                np.copyto(param, value)
            yield


class _BufferedEpochs(ArrayCheckpoint):
    """Mini-batch epochs with per-layer buffers allocated once."""

    def __init__(self, network, optimizer, kinds, loss_kind, fused_sgd, X, Y, size):
        super().__init__(network.params)
        self.network = network
        self.optimizer = optimizer
        self.kinds = kinds
        self.loss_kind = loss_kind
        self.fused_sgd = fused_sgd
        self.X, self.Y = X, Y
        self.size = size = min(size, X.shape[0])
        dtype = X.dtype
        widths = [W.shape[1] for W in network.coefs]
        self.X_batch = np.empty((size, X.shape[1]), dtype)
        self.Y_batch = np.empty((size, Y.shape[1]), dtype)
        # each layer's output A = f(Z), computed in place over Z
        self.outputs = [np.empty((size, n), dtype) for n in widths]
        # dL/dZ of each layer
        self.deltas = [np.empty((size, n), dtype) for n in widths]

    def run(self, sample_idx, sample_weight, learning_rate, interrupt):
        """Train one epoch; return the sum of batch losses times batch weights."""
        X, Y, size = self.X, self.Y, self.size
        n_samples = X.shape[0]
        accumulated = 0.0
        for start in range(0, n_samples, size):
            stop = min(start + size, n_samples)
            m = stop - start
            rows = slice(start, stop) if sample_idx is None else sample_idx[start:stop]
            sw = None if sample_weight is None else sample_weight[rows]
            if sw is None:
                weight = m
            else:
                weight = float(sw.sum())
                if not weight > 0:
                    continue  # nothing to learn from a batch of zero weight
            if sample_idx is None:
                X_batch, Y_batch = X[rows], Y[rows]
            else:
                X_batch = self.X_batch[:m]
                X.take(rows, axis=0, out=X_batch, mode="clip")
                if Y.dtype == X.dtype:
                    Y_batch = self.Y_batch[:m]
                    Y.take(rows, axis=0, out=Y_batch, mode="clip")
                else:
                    Y_batch = Y.take(rows, axis=0, mode="clip")
            if Y_batch.dtype != X_batch.dtype:
                # boolean 0/1 targets: cast into the batch's float buffer
                np.copyto(self.Y_batch[:m], Y_batch)
                Y_batch = self.Y_batch[:m]
            loss = self.step(X_batch, Y_batch, sw, weight, learning_rate)
            accumulated += loss * weight
            if interrupt.requested:
                interrupt.samples_done = stop
                break
        return accumulated

    def step(self, X, Y, sw, total_weight, learning_rate):
        """One mini-batch: feedforward, loss, backprop, update. Returns the loss."""
        network, m = self.network, X.shape[0]
        coefs, intercepts = network.coefs, network.intercepts
        alpha = network.alpha

        # --- Feedforward, each layer's A = f(A_prev @ W + b) in its buffer
        A = X
        outputs = []
        for W, b, kind, buffer in zip(coefs, intercepts, self.kinds, self.outputs):
            Z = buffer[:m]
            np.dot(A, W, out=Z)
            Z += b
            _activate(kind, Z)
            outputs.append(Z)
            A = Z
        y_pred = A

        # --- The loss, and d_L_d_ypred through the output activation. For
        # MSE, dL/dZ = 2 (y_pred - y) f'(Z); for log-loss after its own link
        # function (sigmoid, softmax), dL/dZ = y_pred - y
        delta = self.deltas[-1][:m]
        np.subtract(y_pred, Y, out=delta)
        if self.loss_kind == "squared_error":
            if sw is None:
                loss = float(np.vdot(delta, delta)) / m
            else:
                loss = float(np.dot(sw, np.einsum("ij,ij->i", delta, delta)))
                loss /= total_weight
            _times_derivative_over(self.kinds[-1], delta, y_pred)
            scale = 2.0
        else:
            loss = network.loss.loss(Y, y_pred, sw)
            scale = 1.0
        if alpha:
            penalty = sum(float(np.vdot(W, W)) for W in coefs)
            loss += 0.5 * alpha * penalty / total_weight

        # the gradient of a mean is the mean of the per-sample gradients; plain
        # SGD also folds in -learning_rate, so A_prev.T @ delta is the step
        scale /= total_weight
        if self.fused_sgd:
            scale *= learning_rate
        if sw is None:
            delta *= scale
        else:
            delta *= (sw * scale)[:, np.newaxis]

        # --- The chain rule, from the output layer back to the first
        coef_grads, intercept_grads = network.coef_grads, network.intercept_grads
        for i in range(len(coefs) - 1, -1, -1):
            W, b = coefs[i], intercepts[i]
            A_prev = X if i == 0 else outputs[i - 1]
            # dL/dW = A_prev.T @ dL/dZ, dL/db = sum of dL/dZ
            np.dot(A_prev.T, delta, out=coef_grads[i])
            np.add.reduce(delta, axis=0, out=intercept_grads[i])
            if i > 0:
                # dL/dZ_prev = (dL/dZ @ W.T) * f'(Z_prev), with W before its update
                delta_prev = self.deltas[i - 1][:m]
                np.dot(delta, W.T, out=delta_prev)
                # (A_prev has served for dL/dW above: f' may overwrite it)
                _times_derivative_over(self.kinds[i - 1], delta_prev, A_prev)
            if self.fused_sgd:
                # --- SGD: w <- w - eta * dL/dw (eta already in the gradient)
                if alpha:
                    W *= 1 - learning_rate * alpha / total_weight
                W -= coef_grads[i]
                b -= intercept_grads[i]
            elif alpha:
                coef_grads[i] += (alpha / total_weight) * W
            if i > 0:
                delta = delta_prev
        if not self.fused_sgd:
            self.optimizer.update(network.params, network.grads, learning_rate)
        return loss


# ------------------------------------------ one sample at a time, in vectors


class _SampleEpochs(ArrayCheckpoint):
    """Plain SGD one sample at a time (``batch_size=1``), in 1-D buffers.

    The mini-batch step with a batch of one, written for vectors: the row
    ``x`` is a view of ``X``, and no array is allocated inside the epoch. At
    this size the cost is the number of calls, not the arithmetic: BLAS
    ``ger`` (from scipy, which scikit-learn requires) does ``W -=
    outer(a_prev, eta dL/dZ)`` in one call, in place.
    """

    def __init__(self, network, kinds, loss_kind, X, Y):
        super().__init__(network.params)
        self.ger = get_blas_funcs("ger", (network.coefs[0],))
        self.network = network
        self.kinds = kinds
        self.loss_kind = loss_kind
        self.X, self.Y = X, Y
        dtype = X.dtype
        self.outputs = [np.empty(W.shape[1], dtype) for W in network.coefs]
        self.deltas = [np.empty(W.shape[1], dtype) for W in network.coefs]
        self.tmps = [np.empty(W.shape[1], dtype) for W in network.coefs]

    def run(self, sample_idx, sample_weight, learning_rate, interrupt):
        X, Y = self.X, self.Y
        network, kinds = self.network, self.kinds
        coefs, intercepts, alpha = network.coefs, network.intercepts, network.alpha
        outputs, deltas, tmps = self.outputs, self.deltas, self.tmps
        ger = self.ger
        layers = list(zip(coefs, intercepts, kinds, outputs))
        backward = list(range(len(coefs) - 1, -1, -1))
        squared_error = self.loss_kind == "squared_error"
        order = range(X.shape[0]) if sample_idx is None else sample_idx.tolist()
        weights = None if sample_weight is None else sample_weight.tolist()
        accumulated = 0.0
        for position, k in enumerate(order, 1):
            weight = 1.0 if weights is None else weights[k]
            if not weight > 0:
                continue  # nothing to learn from a sample of zero weight
            x, y = X[k], Y[k]

            # --- Feedforward: a = f(a_prev @ W + b), layer by layer
            a = x
            for W, b, kind, z in layers:
                np.dot(a, W, out=z)
                z += b
                _activate(kind, z)
                a = z

            # --- The loss, and d_L_d_ypred through the output activation,
            # with -eta folded in: delta is the step for the output sums
            delta = deltas[-1]
            np.subtract(a, y, out=delta)
            if squared_error:
                loss = float(np.vdot(delta, delta))
                _times_derivative(kinds[-1], delta, a, tmps[-1])
                delta *= 2.0 * learning_rate
            else:
                loss = network.loss.loss(y[np.newaxis], a[np.newaxis])
                delta *= learning_rate
            if alpha:
                penalty = sum(float(np.vdot(W, W)) for W in coefs)
                loss += 0.5 * alpha * penalty / weight
                decay = 1.0 - learning_rate * alpha / weight

            # --- The chain rule back to the first layer, then SGD per layer:
            # dL/dW = outer(a_prev, dL/dZ), dL/db = dL/dZ; w <- w - eta dL/dw
            for i in backward:
                W, b = coefs[i], intercepts[i]
                a_prev = x if i == 0 else outputs[i - 1]
                if i > 0:
                    delta_prev = deltas[i - 1]
                    np.dot(W, delta, out=delta_prev)
                    _times_derivative(kinds[i - 1], delta_prev, a_prev, tmps[i - 1])
                if alpha:
                    W *= decay
                # W -= outer(a_prev, delta), in place: W.T is W's memory in
                # the Fortran order BLAS works in
                ger(-1.0, delta, a_prev, a=W.T, overwrite_a=True)
                b -= delta
                if i > 0:
                    delta = delta_prev
            accumulated += loss * weight
            if interrupt.requested:
                interrupt.samples_done = position
                break
        return accumulated


# ------------------------------------------- one sample at a time, in floats


class _ScalarEpochs:
    """The article's per-sample SGD on Python floats, for tiny networks.

    Only for plain SGD and the squared error, one sample per update. Like the
    article, every weight is a scalar: the epoch is a function written for
    this network's shape (:func:`scalar_epoch_source`), its weights local
    variables, so one update costs a few microseconds where numpy would need
    about 25 calls. The weights live in a flat list during the fit and are
    copied into the arrays after every epoch.
    """

    def __init__(self, network, kinds, X, Y):
        self.params = network.params
        self.X, self.Y = X.tolist(), Y.tolist()
        self.alpha = network.alpha
        units = [network.coefs[0].shape[0]] + [W.shape[1] for W in network.coefs]
        self.epoch = _scalar_epoch(tuple(units), tuple(kinds), bool(self.alpha))
        self.flat = [v for p in self.params for v in p.ravel().tolist()]
        self.views = [memoryview(p).cast("B").cast("d") for p in self.params]
        # the checkpoints of ArrayCheckpoint, as lists: run() makes a new
        # list every epoch, so keeping one costs no copy
        self.start = self.good = self.previous = self.flat

    def run(self, sample_idx, sample_weight, learning_rate, interrupt):
        order = range(len(self.X)) if sample_idx is None else sample_idx.tolist()
        weights = (
            [1.0] * len(self.X) if sample_weight is None else sample_weight.tolist()
        )
        self.flat, accumulated = self.epoch(
            self.X,
            self.Y,
            order,
            weights,
            self.flat,
            learning_rate,
            self.alpha,
            interrupt,
        )
        self._write(self.flat)
        return accumulated

    def _write(self, flat):
        source, start = memoryview(array("d", flat)), 0
        for view in self.views:
            view[:] = source[start : start + len(view)]
            start += len(view)

    def params_finite(self):
        return all(map(math.isfinite, self.flat))

    def save(self):
        self.previous, self.good = self.good, self.flat

    def restore_each(self):
        """Restore each kept set of weights in turn, newest first."""
        for saved in (self.good, self.previous, self.start):
            self.flat = saved
            self._write(saved)
            yield


@functools.lru_cache(maxsize=64)
def _scalar_epoch(units, kinds, alpha):
    """The compiled epoch function for one network shape.

    Cached: ``partial_fit`` builds a runner at every call, and compiling the
    source costs more than an epoch of the article's four people.
    """
    namespace = {"exp": math.exp, "tanh": math.tanh}
    exec(scalar_epoch_source(units, kinds, alpha), namespace)
    return namespace["epoch"]


_SCALAR_FORWARD = {
    "sigmoid": [
        # the same two branches as Sigmoid.forward, so neither overflows
        "if {z} >= 0.0:",
        "    {a} = 1.0 / (1.0 + exp(-{z}))",
        "else:",
        "    e = exp({z})",
        "    {a} = e / (1.0 + e)",
    ],
    "tanh": ["{a} = tanh({z})"],
    "relu": ["{a} = {z} if {z} > 0.0 else 0.0"],
    "identity": ["{a} = {z}"],
}
_SCALAR_DERIVATIVE = {
    "sigmoid": "{a} * (1.0 - {a})",
    "tanh": "(1.0 - {a} * {a})",
    "relu": "(1.0 if {a} > 0.0 else 0.0)",
    "identity": "1.0",
}


def scalar_epoch_source(units, kinds, alpha):
    """Python source of one epoch of per-sample SGD for this network shape.

    Parameters
    ----------
    units : list of int
        Neurons per layer, inputs first.
    kinds : list of str
        Each layer's activation.
    alpha : bool
        Whether to add the L2 penalty.

    Returns
    -------
    source : str
        Defines ``epoch(X, Y, order, weights, flat, learning_rate, alpha,
        interrupt) -> (flat, accumulated_loss)``, with ``flat`` the weights
        then biases of every layer, in C order.
    """
    n_layers = len(units) - 1
    w = [
        [[f"w{k}_{i}_{j}" for j in range(units[k + 1])] for i in range(units[k])]
        for k in range(n_layers)
    ]
    b = [[f"b{k}_{j}" for j in range(units[k + 1])] for k in range(n_layers)]
    a = [[f"a{k}_{i}" for i in range(n)] for k, n in enumerate(units)]
    every_w = [name for layer in w for row in layer for name in row]
    every = every_w + [name for layer in b for name in layer]

    lines = [
        "def epoch(X, Y, order, weights, flat, learning_rate, alpha, interrupt):",
        f"    {', '.join(every)}, = flat",
        "    accumulated = 0.0",
        "    for position, k in enumerate(order, 1):",
        "        weight = weights[k]",
        "        if not weight > 0.0:",
        "            continue  # nothing to learn from a sample of zero weight",
        f"        {', '.join(a[0])}, = X[k]",
        f"        {', '.join(f'y{j}' for j in range(units[-1]))}, = Y[k]",
        "        # --- Feedforward: a_j = f(sum_i a_i w_ij + b_j)",
    ]
    body = []
    for k in range(n_layers):
        for j in range(units[k + 1]):
            total = " + ".join(f"{a[k][i]} * {w[k][i][j]}" for i in range(units[k]))
            body.append(f"z = {total} + {b[k][j]}")
            body += [t.format(z="z", a=a[k + 1][j]) for t in _SCALAR_FORWARD[kinds[k]]]
    out = a[-1]
    body.append("# --- The loss, and d_L_d_ypred = -2 (y - y_pred) through f'")
    body.append(
        "loss = "
        + " + ".join(f"(y{j} - {o}) * (y{j} - {o})" for j, o in enumerate(out))
    )
    if alpha:
        squares = " + ".join(f"{name} * {name}" for name in every_w)
        body.append(f"loss += 0.5 * alpha * ({squares}) / weight")
        body.append("decay = 1.0 - learning_rate * alpha / weight")
    # g{k}_j is -eta dL/dZ_j of layer k: the step, for plain SGD
    derivative = _SCALAR_DERIVATIVE[kinds[-1]]
    for j, o in enumerate(out):
        body.append(
            f"g{n_layers - 1}_{j} = learning_rate * -2.0 * (y{j} - {o}) * "
            + derivative.format(a=o)
        )
    body.append("# --- The chain rule, back to the first layer (weights as they were)")
    for k in range(n_layers - 1, 0, -1):
        derivative = _SCALAR_DERIVATIVE[kinds[k - 1]]
        for i in range(units[k]):
            total = " + ".join(f"g{k}_{j} * {w[k][i][j]}" for j in range(units[k + 1]))
            body.append(f"g{k - 1}_{i} = ({total}) * " + derivative.format(a=a[k][i]))
    body.append("# --- SGD: w <- w - eta * dL/dw")
    for k in range(n_layers):
        for i in range(units[k]):
            for j in range(units[k + 1]):
                name = w[k][i][j]
                kept = f"{name} * decay" if alpha else name
                body.append(f"{name} = {kept} - {a[k][i]} * g{k}_{j}")
        for j in range(units[k + 1]):
            body.append(f"{b[k][j]} -= g{k}_{j}")
    body += [
        "accumulated += loss * weight",
        "if interrupt.requested:",
        "    interrupt.samples_done = position",
        "    break",
    ]
    lines += ["        " + line for line in body]
    lines.append(f"    return [{', '.join(every)}], accumulated")
    return "\n".join(lines) + "\n"
