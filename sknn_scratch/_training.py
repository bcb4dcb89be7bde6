"""The epoch loop of the stochastic solvers.

Each epoch shuffles the samples, cuts them into mini-batches and hands each
to :meth:`sknn_scratch._network.Network.train_step`; after it, the loop
records the epoch's loss, asks the stopping rule (:mod:`sknn_scratch._stopping`)
whether to go on, keeps weights to return to if training diverges
(:mod:`sknn_scratch._checkpoint`), and stops after the current batch when the
user presses Ctrl-C (:mod:`sknn_scratch._interrupt`).
"""

import math
import numbers

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import gen_batches

from ._callbacks import EpochTasks
from ._checkpoint import (
    ArrayCheckpoint,
    divergence_message,
    return_to_finite,
)
from ._interrupt import catch_interrupt
from ._progress import epoch_progress
from ._stopping import StoppingRule
from ._validation import split_validation
from ._warn import warn
from ._xp import functions_of


class BatchEpochs(ArrayCheckpoint):
    """Epochs of mini-batches through :meth:`Network.train_step`.

    A shuffled batch is gathered into a buffer allocated once per fit; 0/1
    targets kept boolean (an eighth of float64's memory) are cast into a
    float buffer a batch at a time.

    Parameters
    ----------
    network : Network
    optimizer : optimizer
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
        The encoded targets, in ``X``'s dtype or boolean.
    batch_size : int
    """

    def __init__(self, network, optimizer, X, Y, batch_size):
        super().__init__(network.params)
        self.network, self.optimizer = network, optimizer
        self.guard = None  # see run
        self.backend = backend = network.backend
        self.xp = xp = network.xp
        self.size = size = min(batch_size, X.shape[0])
        if size == 1 and Y.dtype != X.dtype:
            # one sample per update: a cast per sample would cost more than
            # the targets' memory
            Y = xp.astype(Y, X.dtype)
        self.X, self.Y = X, Y
        self.one_row_views = type(X) is np.ndarray and Y.dtype == X.dtype
        dense = type(X) is np.ndarray or not xp.is_numpy
        self.X_batch = backend.empty((size, X.shape[1]), X.dtype) if dense else None
        self.Y_batch = backend.empty((size, Y.shape[1]), X.dtype)
        numpy_targets = type(Y) is np.ndarray and Y.dtype != X.dtype
        self.Y_rows = np.empty((size, Y.shape[1]), Y.dtype) if numpy_targets else None

    def sync(self):
        """Nothing to do: the network's arrays are trained in place."""

    def run(self, order, sample_weight, learning_rate, interrupt):
        """Train one epoch; return the sum of batch losses times batch weights.

        Parameters
        ----------
        order : ndarray of int or None
            The samples in this epoch's order; ``None``: as they are.
        sample_weight : ndarray or None
        learning_rate : float
        interrupt : object
            Its ``requested`` flag is read after each batch; training stops
            there, recording in ``samples_done`` how far the epoch got.
        """
        # another SIGINT handler than ours: each batch's weights are kept
        # before its step, to go back to if a KeyboardInterrupt cuts it short
        guard = None if interrupt.installed else self._batch_guard()
        try:
            return self._run(order, sample_weight, learning_rate, interrupt, guard)
        except KeyboardInterrupt:
            if guard is None:
                raise  # our handler's second Ctrl-C: abort at once
            guard.restore()
            interrupt.requested = True
            interrupt.samples_done = guard.samples_done
            return guard.accumulated

    def _batch_guard(self):
        if self.guard is None:
            self.guard = _BatchGuard(self.network.params)
        return self.guard

    def _run(self, order, sample_weight, learning_rate, interrupt, guard):
        step, optimizer = self.network.train_step, self.optimizer
        n_samples, size, accumulated = self.X.shape[0], self.size, 0.0
        if not self.backend.is_numpy:
            # the epoch's order, moved to the device once
            if order is not None:
                order = self.backend.asarray(order)
        elif order is not None and size == 1:
            order = order.tolist()  # one sample a batch: Python ints index fastest
        sw = None
        if guard is not None:
            guard.begin(0, 0.0)
        for start in range(0, n_samples, size):
            stop = start + size if start + size < n_samples else n_samples
            rows = slice(start, stop) if order is None else order[start:stop]
            if sample_weight is None:
                weight = stop - start
            else:
                sw = sample_weight[rows]
                weight = float(self.xp.sum(sw))
                if not weight > 0:
                    continue  # nothing to learn from a batch of zero weight
            X_batch, Y_batch = self._batch(rows, stop - start)
            # the step's gradient is a mean over the batch: a last batch
            # smaller than the others steps in proportion to its samples, so
            # that each sample moves the weights as much as any other (a
            # one-sample last batch would otherwise take a full step on its
            # own, and end every epoch with a jump of the loss)
            rate = learning_rate * (stop - start) / size
            if guard is not None:
                guard.keep()
            loss = step(X_batch, Y_batch, sw, weight, optimizer, rate)
            accumulated += loss * weight
            if guard is not None:
                guard.begin(stop, accumulated)
            if interrupt.requested:
                interrupt.samples_done = stop
                break
        return accumulated

    def _batch(self, rows, m):
        X, Y = self.X, self.Y
        if m == 1 and self.one_row_views:
            k = rows.start if type(rows) is slice else rows[0]
            return X[k : k + 1], Y[k : k + 1]  # one sample: views, no copy
        if isinstance(rows, slice) or self.X_batch is None:
            X_batch = X[rows]
        else:
            X_batch = self.xp.take_rows(X, rows, self.X_batch[:m])
        if Y.dtype == self.Y_batch.dtype:
            if isinstance(rows, slice):
                return X_batch, Y[rows]
            return X_batch, self.xp.take_rows(Y, rows, self.Y_batch[:m])
        # boolean 0/1 targets: gathered, then cast into the batch's float
        # buffer (a take into a buffer: a third of the time of Y[rows])
        Y_batch = self.Y_batch[:m]
        if isinstance(rows, slice) or self.Y_rows is None:
            np.copyto(Y_batch, Y[rows])
        else:
            np.copyto(Y_batch, Y.take(rows, axis=0, out=self.Y_rows[:m], mode="clip"))
        return X_batch, Y_batch


class _BatchGuard:
    """The weights at the start of the current batch, and how far the epoch
    got before it: what a KeyboardInterrupt in the batch goes back to."""

    def __init__(self, params):
        self.params = params
        self.kept = [functions_of(p).copy(p) for p in params]
        self.samples_done, self.accumulated = 0, 0.0
        self.dirty = False

    def begin(self, samples_done, accumulated):
        """A batch is complete (or the epoch starts): nothing to undo."""
        self.samples_done, self.accumulated = samples_done, accumulated
        self.dirty = False

    def keep(self):
        """Before a step: its weights, to go back to."""
        for kept, param in zip(self.kept, self.params):
            functions_of(param).copyto(kept, param)
        self.dirty = True

    def restore(self):
        if self.dirty:
            for param, kept in zip(self.params, self.kept):
                functions_of(param).copyto(param, kept)
            self.dirty = False


def fit_stochastic(
    est, network, X, Y, y, sample_weight, incremental, context, validation=None
):
    """Train ``est``'s network by epochs of mini-batches (``partial_fit``: one).

    Parameters
    ----------
    est : BaseScratchMLP
    network : Network
        Built around ``est.coefs_`` and ``est.intercepts_``.
    X, Y : the training data and its encoded targets
    y : the targets as given (for a stratified validation split)
    sample_weight : ndarray or None
    incremental : bool
        ``partial_fit``: one epoch, the optimizer's state kept.
    context : the callbacks' context of this fit (see :mod:`sknn_scratch._callbacks`)
    validation : tuple or None
        ``(X_val, Y_val, y_val, sample_weight_val)`` given to ``fit``; with
        early stopping and none given, ``validation_fraction`` of ``X``.

    Returns
    -------
    converged : bool
        Whether the stopping rule ended training (not ``max_iter``, Ctrl-C or
        a callback).
    """
    if est.early_stopping and incremental:
        raise ValueError("partial_fit does not support early_stopping=True")
    state = est._training
    if not state.optimizer_ready:
        est.optimizer_.initialize(network.params_for(est.optimizer_)[0])
        state.optimizer_ready = True
        state.learning_rate = est.learning_rate_init_
    # the callbacks see the data fit was given, not the validation split's
    tasks = EpochTasks.of(est, context, X, y, lambda: runner.sync())
    if est.early_stopping:
        if validation is None:
            X, X_val, Y, Y_val, y_val, sample_weight, sw_val = split_validation(
                est, X, Y, y, sample_weight
            )
            validation = (X_val, Y_val, y_val, sw_val)
        state.validation_loss_curve_ = state.validation_loss_curve_ or []
    runner = BatchEpochs(network, est.optimizer_, X, Y, est._batch_size(X.shape[0]))
    epochs = _Epochs(est, network, runner, X, Y, sample_weight, incremental)
    rule = StoppingRule(est, network, validation, sync=runner.sync)
    state.n_iter_ = 0
    with (
        catch_interrupt() as interrupt,
        np.errstate(over="ignore", invalid="ignore", divide="ignore"),
        # partial_fit is one epoch per call: a bar each time would be noise
        epoch_progress(
            est.progress_bar and not incremental, est.max_iter, type(est).__name__
        ) as progress,
    ):
        for _ in range(est.max_iter):
            if tasks is not None:
                tasks.begin()
            order = state.rng.permutation(X.shape[0]) if est.shuffle else None
            # (a new permutation of the samples, not of the last epoch's
            # order: then fit's epochs equal as many partial_fit calls)
            accumulated = runner.run(
                order, sample_weight, state.learning_rate, interrupt
            )
            stop = epochs.end(accumulated, interrupt, rule, progress)
            # a callback that returns True stops training after this epoch
            if tasks is not None and tasks.end():
                stop = True
            if stop:
                break
    runner.sync()
    rule.finish(lambda: loss_on(network, X, Y, sample_weight), incremental)
    if not est.early_stopping:
        epochs.check_outputs()
    return epochs.stopped_by_rule


class _Epochs:
    """What happens at the end of each epoch of one ``fit`` call."""

    def __init__(self, est, network, runner, X, Y, sample_weight, incremental):
        self.est, self.network, self.runner = est, network, runner
        self.state = est._training
        self.X, self.Y, self.sample_weight = X, Y, sample_weight
        self.incremental = incremental
        # training ended by the stopping rule: converged, in its own terms
        self.stopped_by_rule = False
        self.n_samples = X.shape[0]
        self.total_weight = (
            self.n_samples
            if sample_weight is None
            else float(network.xp.sum(sample_weight))
        )

    def end(self, accumulated, interrupt, rule, progress):
        """Record the epoch just trained; return True to stop training."""
        est, state, runner = self.est, self.state, self.runner
        state.n_iter_ += 1
        # as MLPClassifier, t_ counts the samples passed over (an interrupted
        # epoch only up to its last batch)
        done = interrupt.samples_done
        state.t_ += self.n_samples if done is None else done
        # (one copy from the device per epoch, where it is not the CPU)
        state.loss_ = (
            float(accumulated) / self.total_weight if self.total_weight else 0.0
        )
        if interrupt.requested and self.total_weight:
            # the epoch was cut short: its running sum covers only the batches
            # done, so measure the weights kept on all the data
            runner.sync()
            state.loss_ = loss_on(self.network, self.X, self.Y, self.sample_weight)
        if not math.isfinite(state.loss_) or not runner.params_finite():
            state.loss_curve_.append(state.loss_)
            if not est.early_stopping:
                runner.sync()
                return_to_finite(runner, self._outputs_finite)
                raise ValueError(
                    divergence_message(est, self.X, self.Y, self.sample_weight)
                )
            # as MLPClassifier: early stopping returns the best epoch's
            # weights instead of failing
            rule.diverged(self.X, self.Y)
            return True
        runner.save()
        state.loss_curve_.append(state.loss_)
        if est.early_stopping:
            runner.sync()
        rule.record()
        if est.verbose:
            message = f"Iteration {state.n_iter_}, loss = {state.loss_:.8f}"
            if est.early_stopping:
                message += f", validation score = {rule.last_score:.6f}"
            print(message)
        progress.update(state.loss_, rule.last_score)
        if interrupt.requested:
            warn(
                "Training interrupted by user. The estimator keeps the weights "
                f"after {state.n_iter_} epoch(s), the last one cut short; press "
                "Ctrl-C twice to abort at once.",
                UserWarning,
            )
            return True
        return self._next_epoch(rule)

    def _next_epoch(self, rule):
        est, state = self.est, self.state
        state.learning_rate = est.learning_rate_schedule_.learning_rate(
            state.learning_rate,
            learning_rate_init=est.learning_rate_init_,
            epoch=state.n_iter_,
            t=state.t_,
            max_iter=est.max_iter,
        )
        if not isinstance(state.learning_rate, numbers.Real) or isinstance(
            state.learning_rate, bool
        ):
            raise TypeError(
                f"The learning_rate schedule {est.learning_rate_schedule_!r} "
                "must return the next rate, a real number; got "
                f"{type(state.learning_rate).__name__} {state.learning_rate!r:.60}."
            )
        if rule.should_stop():
            self.stopped_by_rule = True
            return True
        if self.incremental:
            return True
        if state.n_iter_ == est.max_iter:
            warn(
                f"Stochastic Optimizer: Maximum iterations ({est.max_iter}) "
                "reached and the optimization hasn't converged yet.",
                ConvergenceWarning,
            )
        return False

    def _outputs_finite(self):
        return self.est._outputs_finite(self.X)

    def check_outputs(self):
        """The last update is never measured by an epoch's loss: weights can
        be finite yet overflow on the very data they were trained on (usually
        settled from bounds on the weights, without a forward pass, so
        partial_fit pays it too)."""
        if not self._outputs_finite():
            return_to_finite(self.runner, self._outputs_finite)
            data = (self.X, self.Y, self.sample_weight)
            raise ValueError(divergence_message(self.est, *data, overflow=True))


def loss_on(network, X, Y, sample_weight, rows=4096):
    """The training loss (with its L2 penalty) of the network's current weights."""
    loss, total_weight = 0.0, 0.0
    xp = network.xp
    with xp.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for batch in gen_batches(X.shape[0], rows):
            sw = None if sample_weight is None else sample_weight[batch]
            weight = (batch.stop - batch.start) if sw is None else float(xp.sum(sw))
            total_weight += weight
            if weight > 0:
                _, A = network.feedforward(X[batch])
                Y_batch = Y[batch]
                if Y_batch.dtype != A.dtype:
                    Y_batch = xp.astype(Y_batch, A.dtype)
                loss += network.loss.loss(Y_batch, A, sw) * weight
        if not total_weight:
            return 0.0
        loss = loss / total_weight + network.penalty.value(
            network.weights, total_weight
        )
    return float(loss)
