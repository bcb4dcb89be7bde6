"""scikit-learn's callbacks (``sklearn.callback``, scikit-learn 1.9 and later).

A fit (or a ``partial_fit`` call) is a task with one sub-task per epoch. At
the end of each epoch the callbacks receive ``X``, ``y`` and a
``fitted_estimator`` that predicts as of that epoch; one that returns True
stops training after that epoch. scikit-learn's ``ProgressBar`` and
``ScoringMonitor`` work, alone or through a ``Pipeline`` or a search.

With an older scikit-learn, or no callback set, none of this costs anything:
the contexts below do nothing.
"""

try:  # scikit-learn >= 1.9
    from sklearn.callback import CallbackSupportMixin
except ImportError:  # no callbacks: the estimators work as they always have

    class CallbackSupportMixin:
        """Stands in for scikit-learn's mixin, which this version lacks."""


class _NoCallbacks:
    """The context of a fit with no callback: every hook does nothing."""

    def subcontext(self, **kwargs):
        return self

    def call_on_fit_task_begin(self, **kwargs):
        return self

    def call_on_fit_task_end(self, **kwargs):
        return False


_NO_CALLBACKS = _NoCallbacks()


def fit_context(estimator, task_name, max_subtasks, X, y):
    """Start the root task of a fit; returns its context.

    Only when a callback is set on the estimator, or comes from a
    meta-estimator (a ``Pipeline``, a search) fitting it: creating contexts
    for each of 1000 epochs would double the time of the article's fit.
    """
    if not (
        getattr(estimator, "_skl_callbacks", None)
        or getattr(estimator, "_parent_callback_ctx", None) is not None
    ) or not hasattr(estimator, "_init_callback_context"):
        return _NO_CALLBACKS
    context = estimator._init_callback_context(
        task_name=task_name, max_subtasks=max_subtasks
    )
    return context.call_on_fit_task_begin(estimator=estimator, X=X, y=y)


class EpochTasks:
    """The sub-task of each epoch of one fit, and the root task's end.

    Parameters
    ----------
    estimator : BaseScratchMLP
    context : the root task's context (from :func:`fit_context`)
    X, y : the data ``fit`` was given, validated, for the callbacks
    sync : callable
        Writes the weights being trained into ``coefs_`` and
        ``intercepts_`` (the loop on Python floats keeps them elsewhere).
    """

    def __init__(self, estimator, context, X, y, sync):
        self.estimator, self.context = estimator, context
        self.X, self.y, self.sync = X, y, sync
        self.epoch = None

    @classmethod
    def of(cls, estimator, context, X, y, sync):
        """The epochs' tasks, or ``None`` when no callback listens."""
        if context is _NO_CALLBACKS:
            return None
        return cls(estimator, context, X, y, sync)

    def begin(self):
        self.epoch = self.context.subcontext(task_name="epoch")
        self.epoch.call_on_fit_task_begin(estimator=self.estimator, X=self.X, y=self.y)

    def end(self):
        """End the epoch's task; True if a callback asks training to stop."""
        self.sync()
        return bool(
            self.epoch.call_on_fit_task_end(
                estimator=self.estimator,
                X=self.X,
                y=self.y,
                reconstruction_attributes=self._attributes,
            )
        )

    def _attributes(self):
        """The fitted attributes as of this epoch (copies: training goes on)."""
        est = self.estimator
        attributes = {
            "coefs_": [_copy(W) for W in est.coefs_],
            "intercepts_": [_copy(b) for b in est.intercepts_],
        }
        # the training's state, as the fitted attributes will hold it
        fitted = est._training.fitted_attributes()
        for name in ("n_iter_", "t_", "loss_", "best_loss_", "best_validation_score_"):
            attributes[name] = fitted.get(name)
        for name in ("loss_curve_", "validation_scores_", "validation_loss_curve_"):
            value = fitted.get(name)
            attributes[name] = None if value is None else list(value)
        return attributes


def _copy(array):
    """A copy of a weight array, in its own library (a tensor has no ``copy``)."""
    if hasattr(array, "copy"):
        return array.copy()
    from ._array import array_namespace

    return array_namespace(array).asarray(array, copy=True)


def end_fit(context, estimator, X, y):
    """End the root task: the estimator as fitted."""
    context.call_on_fit_task_end(
        estimator=estimator, X=X, y=y, reconstruction_attributes={}
    )
