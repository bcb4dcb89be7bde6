"""The stopping rule: patience, tolerance, the best score and its weights.

Training stops when ``n_iter_no_change`` epochs in a row did not improve by
``tol``: the training loss, or with ``early_stopping`` the score on a
held-out validation set, whose best epoch's weights are kept and restored at
the end (as scikit-learn's MLP does). The learning-rate schedule may instead
lower the rate and go on (``"adaptive"``).

The rule's state lives in the training's state (:mod:`sknn_scratch._state`:
``best_loss_``, ``best_validation_score_``, ``validation_scores_``, the
patience count, the best weights), so ``warm_start`` and ``partial_fit``
continue it.
"""

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from ._checkpoint import advice
from ._validation import resolve_scorer, validation_score
from ._warn import warn
from ._xp import functions_of


class StoppingRule:
    """The rule for one call to ``fit`` or ``partial_fit``.

    Parameters
    ----------
    estimator : BaseScratchMLP
    network : Network
        The network being trained (for the validation set's outputs).
    validation : tuple or None
        ``(X_val, Y_val, y_val, sample_weight_val)`` with early stopping.
    """

    def __init__(self, estimator, network, validation=None, sync=None):
        self.estimator = estimator
        self.state = estimator._training
        self.network = network
        self.validation = validation
        # (a scorer name is checked now, before the first epoch)
        self.scorer = None if validation is None else resolve_scorer(estimator)
        if validation is not None and not self.state.best_coefs:
            self._keep_best()
        self.best_epoch = (
            BestEpoch(network.params, sync) if validation is None else None
        )

    @property
    def last_score(self):
        """The last validation score, or ``None`` without early stopping."""
        scores = self.state.validation_scores_
        return scores[-1] if self.validation is not None else None

    def record(self):
        """Count an epoch that did not improve, and remember the best one."""
        est, state = self.estimator, self.state
        if self.validation is None:
            self._count(state.loss_ > state.best_loss_ - est.tol)
            state.best_loss_ = min(state.best_loss_, state.loss_)
            self.best_epoch.record(state.loss_)
            return
        X_val, Y_val, _, sw_val = self.validation
        Z, A = self.network.feedforward(X_val)
        loss = float(self.network.loss.loss(Y_val, A, sw_val))
        state.validation_loss_curve_.append(loss)
        score = validation_score(est, self.scorer, Z, A, loss, self.validation)
        state.validation_scores_.append(score)
        self._count(score < state.best_validation_score_ + est.tol)
        if score > state.best_validation_score_:
            state.best_validation_score_ = score
            self._keep_best()

    def _count(self, no_improvement):
        state = self.state
        state.no_improvement_count = (
            state.no_improvement_count + 1 if no_improvement else 0
        )

    def _keep_best(self):
        est, state = self.estimator, self.state
        state.best_coefs = [functions_of(W).copy(W) for W in est.coefs_]
        state.best_intercepts = [functions_of(b).copy(b) for b in est.intercepts_]

    def should_stop(self):
        """After an epoch: stop on a plateau, unless the schedule goes on.

        On a plateau the schedule's ``on_plateau`` may return a new rate,
        which becomes the estimator's; ``None`` stops training.
        """
        est, state = self.estimator, self.state
        if state.no_improvement_count <= est.n_iter_no_change:
            return False
        what = "Validation score" if self.validation is not None else "Training loss"
        message = (
            f"{what} did not improve more than tol={est.tol:f} for "
            f"{est.n_iter_no_change} consecutive epochs."
        )
        new_rate = est.learning_rate_schedule_.on_plateau(state.learning_rate)
        if new_rate is None:
            if est.verbose:
                print(message + " Stopping.")
            return True
        state.learning_rate = float(new_rate)
        state.no_improvement_count = 0
        if est.verbose:
            print(message + f" Setting learning rate to {state.learning_rate:f}")
        return False

    def diverged(self, X, Y):
        """With early stopping, a diverged epoch ends training at the best weights.

        ``X``, ``Y``: the training data, for the advice.
        """
        est, state = self.estimator, self.state
        state.validation_scores_.append(np.nan)
        state.validation_loss_curve_.append(np.nan)
        warn(
            f"Training diverged at epoch {state.n_iter_}: the weights of the best "
            "validation epoch were kept. " + advice(est, X, Y),
            ConvergenceWarning,
        )

    def finish(self, training_loss, incremental=False):
        """The best epoch's weights become the model's, where they are better.

        With early stopping, those of the best validation score. Without, a
        ``fit`` whose last epoch was not its lowest training loss returns to
        the weights of that epoch if they are better than the last ones on
        the training data (``training_loss()`` measures the network's current
        weights): the last epochs of a fit can make the model worse, and
        the epoch's loss, summed while the weights change, does not show it.
        ``partial_fit`` (one epoch a call) keeps its last weights.
        """
        est, state = self.estimator, self.state
        if self.validation is not None:
            est.coefs_, est.intercepts_ = state.best_coefs, state.best_intercepts
        elif not incremental:
            self.best_epoch.return_if_better(state.loss_, training_loss)


class BestEpoch:
    """The weights at the end of the epoch of the lowest training loss.

    Kept during one call to ``fit``, to return to at its end (see
    :meth:`StoppingRule.finish`); a copy of the weights per improving epoch.

    Parameters
    ----------
    params : list of arrays
        The network's arrays, trained in place.
    sync : callable or None
        Brings the trained weights into ``params`` (for a runner that trains
        a copy of its own).
    """

    def __init__(self, params, sync=None):
        self.params, self.sync = params, sync
        self.loss, self.weights = np.inf, None

    def record(self, loss):
        """After an epoch of training loss ``loss``: keep its weights if lowest."""
        if not loss < self.loss:
            return
        self.loss = loss
        if self.sync is not None:
            self.sync()
        if self.weights is None:
            self.weights = [functions_of(p).copy(p) for p in self.params]
        else:
            for kept, param in zip(self.weights, self.params):
                functions_of(param).copyto(kept, param)

    def return_if_better(self, last_loss, measure):
        """Restore the kept weights if ``measure()`` finds them better.

        Nothing to do (and nothing measured) when the last epoch, of loss
        ``last_loss``, was the lowest: its weights are the ones kept.
        """
        if self.weights is None or not last_loss > self.loss:
            return
        last_weights = [functions_of(p).copy(p) for p in self.params]
        last = measure()
        for param, kept in zip(self.params, self.weights):
            functions_of(param).copyto(param, kept)
        if not measure() < last:
            for param, weights in zip(self.params, last_weights):
                functions_of(param).copyto(param, weights)
