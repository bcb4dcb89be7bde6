"""The state of training, carried from epoch to epoch and from call to call.

One :class:`Training` per fitted estimator holds what the epoch loop
(:mod:`sknn_scratch._training`) and the stopping rule
(:mod:`sknn_scratch._stopping`) change as they go: the learning rate, whether
the optimizer's state is ready, the step count, the losses and scores, the
patience count and the best epoch's weights. The estimator sets its fitted
attributes from it when a fit ends (:meth:`Training.fitted_attributes`), and
hands it back to the next ``fit`` with ``warm_start`` or ``partial_fit``,
which go on from where it stands.
"""

import numpy as np

#: the fitted attributes that training sets, as scikit-learn's MLP names them
FITTED = (
    "n_iter_",
    "t_",
    "loss_",
    "loss_curve_",
    "best_loss_",
    "validation_scores_",
    "best_validation_score_",
    "validation_loss_curve_",
)


class Training:
    """What training has reached: rate, optimizer, counts, losses, best weights.

    Parameters
    ----------
    rng : numpy.random.RandomState
        The fit's random numbers (shuffling, the validation split).
    early_stopping : bool
        Whether the stopping rule watches a validation score (``True``) or
        the training loss.

    Attributes
    ----------
    learning_rate : float or None
        The rate of the next epoch (``None`` until the first).
    optimizer_ready : bool
        Whether the optimizer's state (velocities, moments) is initialised.
    no_improvement_count : int
        Epochs in a row that did not improve by ``tol``.
    best_coefs, best_intercepts : list of arrays or None
        With early stopping, the weights of the best validation score.
    n_iter_, t_, loss_, loss_curve_, ... : the fitted attributes of
        :data:`FITTED`, as the estimator will hold them.
    """

    def __init__(self, rng, early_stopping):
        self.rng = rng
        self.learning_rate = None
        self.optimizer_ready = False
        self.n_iter_ = 0
        self.t_ = 0
        self.loss_curve_ = []
        self.validation_loss_curve_ = None
        self.no_improvement_count = 0
        # a new fit must never return to a previous fit's best weights
        self.best_coefs = self.best_intercepts = None
        self.reset_scores(early_stopping)

    def reset_scores(self, early_stopping):
        """The stopping rule's scores, for a rule that watches a new quantity."""
        if early_stopping:
            self.validation_scores_ = []
            self.best_validation_score_ = -np.inf
            self.best_loss_ = None
        else:
            self.validation_scores_ = None
            self.best_validation_score_ = None
            self.best_loss_ = np.inf

    def carry_on(self, early_stopping):
        """Go on for ``warm_start`` / ``partial_fit``, unless the rule changed."""
        if early_stopping != (self.validation_scores_ is not None):
            self.reset_scores(early_stopping)

    def fitted_attributes(self):
        """The fitted attributes as they stand (those set so far)."""
        return {name: getattr(self, name) for name in FITTED if hasattr(self, name)}

    @classmethod
    def of(cls, estimator):
        """``estimator``'s training, or one rebuilt from its fitted attributes.

        A model pickled by an earlier version kept this state in private
        attributes of its own, and its fitted attributes: training goes on
        from them.
        """
        training = getattr(estimator, "_training", None)
        if training is not None:
            return training
        rng = getattr(estimator, "_rng", None) or np.random.RandomState()
        training = cls(rng, estimator.early_stopping)
        for name in FITTED:
            if hasattr(estimator, name):
                setattr(training, name, getattr(estimator, name))
        training.loss_curve_ = list(getattr(estimator, "loss_curve_", []))
        training.learning_rate = getattr(estimator, "_learning_rate", None)
        training.optimizer_ready = getattr(estimator, "_optimizer_ready", False)
        training.no_improvement_count = getattr(estimator, "_no_improvement_count", 0)
        training.best_coefs = getattr(estimator, "_best_coefs", None)
        training.best_intercepts = getattr(estimator, "_best_intercepts", None)
        return training
