r"""Dropout: hidden neurons switched off at random, in training only.

Inverted dropout (Srivastava et al., 2014): in each training step, each
output of a hidden layer is kept with probability :math:`1 - p` and set to 0
otherwise, and the outputs kept are divided by :math:`1 - p`,

.. math:: D = A \odot M, \qquad M_{kj} = \frac{[U_{kj} \ge p]}{1 - p},
    \quad U_{kj} \sim \mathcal{U}(0, 1),

so that each output's expectation is unchanged and prediction (which drops
nothing) needs no rescaling. The chain rule through it is the same mask:
:math:`\partial L / \partial A = \partial L / \partial D \odot M`.

The masks come from a numpy ``Generator`` seeded from the estimator's
``random_state``: a fit is repeatable. On another array library the masks
are drawn in numpy and copied to the device.
"""

from numbers import Real

import numpy as np


def dropout_rates(estimator, n_hidden):
    """The dropout rate of each hidden layer, checked; ``None`` if all are 0."""
    # (a model saved before dropout existed has none)
    spec = getattr(estimator, "dropout", 0.0)
    if isinstance(spec, list | tuple):
        if len(spec) != n_hidden:
            raise ValueError(
                f"dropout has {len(spec)} {'rate' if len(spec) == 1 else 'rates'}"
                f", one per hidden layer, but hidden_layer_sizes="
                f"{estimator.hidden_layer_sizes!r} has {n_hidden} hidden "
                f"layer(s): pass {n_hidden} rate(s), or a single one for every "
                "hidden layer."
            )
        rates = list(spec)
    else:
        rates = [spec] * n_hidden
    for i, rate in enumerate(rates):
        if isinstance(rate, bool) or not isinstance(rate, Real) or not 0 <= rate < 1:
            where = "dropout" if len(rates) == 1 else f"dropout[{i}]"
            raise ValueError(
                f"{where} must be a rate in [0, 1), the probability that a "
                f"hidden neuron's output is dropped; got {rate!r}."
            )
    rates = [float(rate) for rate in rates]
    return rates if any(rates) else None


def check_solver(rates, stochastic, solver):
    """Dropout needs a stochastic solver: refuse it with a full-batch one."""
    if rates is not None and not stochastic:
        raise ValueError(
            f"dropout={rates if len(set(rates)) > 1 else rates[0]} needs a "
            f"stochastic solver ('sgd', 'adam'); solver={solver!r} minimises "
            "one deterministic loss (L-BFGS's line search compares the loss at "
            "several steps, which new random masks would change at every "
            "evaluation). Use solver='sgd' or 'adam', or dropout=0."
        )


def make_dropout(rates, random_state, backend):
    """The fit's :class:`Dropout`, seeded from its random state; or ``None``."""
    if rates is None:
        return None
    return Dropout(rates, random_state.randint(np.iinfo(np.int32).max), backend)


class Dropout:
    """The masks of one fit: drawn per training step, applied forward and back.

    Parameters
    ----------
    rates : list of float
        The dropout rate of each hidden layer (0: none).
    seed : int
        Seeds the masks' generator.
    backend : the array library of the fit (see :mod:`sknn_scratch._array`)
    """

    def __init__(self, rates, seed, backend):
        self.rates = rates
        self.backend = backend
        self._generator = np.random.default_rng(seed)
        # this step's mask and dropped outputs of each layer: views of
        # buffers allocated at the largest batch (kept in _storage)
        self._masks = [None] * len(rates)
        self._outputs = [None] * len(rates)
        self._storage = {}

    def forward(self, i, A):
        """Layer ``i``'s outputs ``A`` with a new mask applied, in a buffer.

        ``A`` itself stays as it is: the activation's derivative needs it.
        """
        rate = self.rates[i]
        if not rate:
            self._masks[i] = None
            return A
        mask = self._draw(i, A)
        D = self._buffer("output", i, A)
        self.backend.fn.multiply(A, mask, out=D)
        self._outputs[i] = D
        return D

    def output(self, i, A):
        """What layer ``i`` passed on in the last step: its dropped outputs."""
        return A if self._masks[i] is None else self._outputs[i]

    def backward(self, i, delta):
        """``dL/dA`` of layer ``i`` from ``dL/dD``: the same mask, in place."""
        mask = self._masks[i]
        if mask is not None:
            delta *= mask

    def _draw(self, i, A):
        m, n = A.shape
        rate, dtype = self.rates[i], A.dtype
        # (drawn in float64 whatever the dtype: float32 data, or another
        # library, get the masks of float64 numpy data)
        if self.backend.is_numpy:
            uniform = self._buffer("uniform", i, A, np.float64)
            self._generator.random(out=uniform)
            mask = self._buffer("mask", i, A)
            np.greater_equal(uniform, rate, out=mask)  # 1.0 kept, 0.0 dropped
        else:
            kept = self._generator.random((m, n)) >= rate
            mask = self.backend.asarray(kept, self.backend.dtype(dtype))
        mask *= 1 / (1 - rate)
        self._masks[i] = mask
        return mask

    def _buffer(self, kind, i, A, dtype=None):
        """A buffer of ``A``'s shape and dtype (or ``dtype``), reused from
        step to step."""
        dtype = A.dtype if dtype is None else np.dtype(dtype)
        buffer = self._storage.get((kind, i))
        if (
            buffer is None
            or buffer.dtype != dtype
            or buffer.shape[0] < A.shape[0]
            or type(buffer) is not type(A)
        ):
            buffer = self._storage[kind, i] = self.backend.fn.empty_like(A, dtype)
        return buffer[: A.shape[0]]
