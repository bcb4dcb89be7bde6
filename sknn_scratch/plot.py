"""Plots of a fitted network, in scikit-learn's Display style.

matplotlib is an optional dependency (the ``plot`` extra): it is imported when
a plot is drawn, never when this module is imported.
"""

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils.validation import check_is_fitted

from ._fitted import _network_of, _pyplot
from ._network_display import NetworkDisplay

__all__ = ["LossCurveDisplay", "NetworkDisplay"]


class LossCurveDisplay:
    """The loss of each training epoch, with the validation loss and score.

    Create it with :meth:`from_estimator`; the constructor only stores the
    curves. The validation curves exist when the estimator was fitted with
    ``early_stopping=True``; the validation score is drawn on a second y axis
    on the right, since it is on another scale (accuracy or R²).

    Parameters
    ----------
    loss_curve : array-like of shape (n_epochs,)
        The training loss of each epoch (an estimator's ``loss_curve_``).
    validation_loss_curve : array-like of shape (n_epochs,), default=None
        The loss on the held-out validation set of each epoch.
    validation_scores : array-like of shape (n_epochs,), default=None
        The score on the validation set of each epoch.
    score_name : str, default=None
        What the validation score is, for the axis label.
        ``None`` means ``"Validation score"``.
    name : str, default=None
        The estimator's name, for the title. ``None`` means no title.

    Attributes
    ----------
    line_ : matplotlib Line2D
        The training loss.
    validation_loss_line_ : matplotlib Line2D or None
        The validation loss, if recorded.
    validation_score_line_ : matplotlib Line2D or None
        The validation score, if recorded.
    ax_ : matplotlib Axes
        The axes of the losses.
    score_ax_ : matplotlib Axes or None
        The twin axes (sharing ``ax_``'s x axis) of the validation score.
    figure_ : matplotlib Figure
        The figure holding ``ax_``.

    See Also
    --------
    sklearn.model_selection.LearningCurveDisplay : Score against training set
        size.
    sklearn.inspection.DecisionBoundaryDisplay : Decision boundary of a
        classifier, which can share a figure with this display.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import make_moons
    >>> from sknn_scratch import ScratchMLPClassifier
    >>> from sknn_scratch.plot import LossCurveDisplay
    >>> X, y = make_moons(n_samples=200, noise=0.2, random_state=0)
    >>> clf = ScratchMLPClassifier(
    ...     hidden_layer_sizes=(10,), early_stopping=True, random_state=0
    ... ).fit(X, y)
    >>> display = LossCurveDisplay.from_estimator(clf)
    >>> len(display.line_.get_ydata()) == clf.n_iter_
    True
    >>> display.score_ax_.get_ylabel()
    'Validation accuracy'
    >>> plt.close(display.figure_)
    """

    def __init__(
        self,
        *,
        loss_curve,
        validation_loss_curve=None,
        validation_scores=None,
        score_name=None,
        name=None,
    ):
        self.loss_curve = loss_curve
        self.validation_loss_curve = validation_loss_curve
        self.validation_scores = validation_scores
        self.score_name = score_name
        self.name = name

    def plot(
        self,
        ax=None,
        *,
        name=None,
        score_name=None,
        line_kw=None,
        validation_loss_kw=None,
        validation_score_kw=None,
    ):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            The axes to draw on; ``None`` makes a new figure and axes.
        name : str, default=None
            The title; ``None`` uses the display's ``name``.
        score_name : str, default=None
            The label of the score axis; ``None`` uses ``score_name``.
        line_kw, validation_loss_kw, validation_score_kw : dict, default=None
            Keyword arguments for matplotlib's ``plot`` of the training loss,
            the validation loss and the validation score.

        Returns
        -------
        display : LossCurveDisplay
            This display, with ``line_``, ``ax_``, ``figure_``, ... set.
        """
        plt = _pyplot(f"{type(self).__name__}.plot")
        if ax is None:
            _, ax = plt.subplots()
        name = self.name if name is None else name
        score_name = self.score_name if score_name is None else score_name
        score_name = "Validation score" if score_name is None else score_name

        loss = np.asarray(self.loss_curve, dtype=float)
        epochs = np.arange(1, len(loss) + 1)
        (self.line_,) = ax.plot(
            epochs, loss, **{"label": "Training loss", "color": "C0", **(line_kw or {})}
        )
        self.validation_loss_line_ = None
        if self.validation_loss_curve is not None:
            val_loss = np.asarray(self.validation_loss_curve, dtype=float)
            (self.validation_loss_line_,) = ax.plot(
                np.arange(1, len(val_loss) + 1),
                val_loss,
                **{
                    "label": "Validation loss",
                    "color": "C1",
                    **(validation_loss_kw or {}),
                },
            )
        ax.set_xlabel("Epoch")
        ax.set_ylabel("Loss")
        lines = [line for line in (self.line_, self.validation_loss_line_) if line]

        self._plot_scores(ax, score_name, validation_score_kw, lines)

        # one legend for the lines of both y axes, drawn on the top one; the
        # falling loss and rising score usually leave the middle right free
        top = self.score_ax_ or ax
        top.legend(
            lines,
            [line.get_label() for line in lines],
            loc="center right" if self.score_ax_ else "best",
        )
        if name:
            ax.set_title(name)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    def _plot_scores(self, ax, score_name, validation_score_kw, lines):
        """The validation scores, on a second y axis; their line joins ``lines``."""
        self.score_ax_ = None
        self.validation_score_line_ = None
        if self.validation_scores is None:
            return
        scores = np.asarray(self.validation_scores, dtype=float)
        # a score (accuracy, R²) is on another scale than the loss
        self.score_ax_ = ax.twinx()
        (self.validation_score_line_,) = self.score_ax_.plot(
            np.arange(1, len(scores) + 1),
            scores,
            **{
                "label": score_name,
                "color": "C2",
                "linestyle": "--",
                **(validation_score_kw or {}),
            },
        )
        self.score_ax_.set_ylabel(score_name)
        lines.append(self.validation_score_line_)

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, name=None, score_name=None, **kw):
        """Plot the loss curve of a fitted estimator.

        Parameters
        ----------
        estimator : ScratchMLPClassifier, ScratchMLPRegressor, Pipeline or search
            A fitted network, a Pipeline ending in one, or a fitted
            hyper-parameter search (``GridSearchCV``, ``RandomizedSearchCV``,
            ...) whose ``best_estimator_`` is either; the network must have
            been trained by a stochastic solver (``"sgd"``, ``"adam"``), which
            records the loss of each epoch in ``loss_curve_``. Fitted with
            ``early_stopping=True`` it also records the validation curves.
        ax : matplotlib Axes, default=None
            The axes to draw on; ``None`` makes a new figure and axes.
        name : str, default=None
            The title; ``None`` uses the estimator's class name.
        score_name : str, default=None
            The label of the score axis; ``None`` names the estimator's
            ``scoring``: ``"Validation accuracy"`` for a classifier and
            ``"Validation R²"`` for a regressor by default.
        **kw
            Passed to :meth:`plot` (``line_kw``, ``validation_loss_kw``,
            ``validation_score_kw``).

        Returns
        -------
        display : LossCurveDisplay
            The display, drawn.

        Raises
        ------
        TypeError
            If ``estimator`` is none of the above (scikit-learn's
            ``MLPClassifier``, say: build :class:`LossCurveDisplay` from its
            ``loss_curve_`` instead), or a search fitted with
            ``refit=False``, which keeps no ``best_estimator_``.
        sklearn.exceptions.NotFittedError
            If the network, the Pipeline or the search is not fitted.
        ValueError
            If the network has no loss curve (a full-batch solver such as
            ``"lbfgs"``).

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> from sklearn.datasets import make_moons
        >>> from sklearn.model_selection import GridSearchCV
        >>> from sklearn.pipeline import make_pipeline
        >>> from sklearn.preprocessing import StandardScaler
        >>> from sknn_scratch import ScratchMLPClassifier
        >>> from sknn_scratch.plot import LossCurveDisplay
        >>> X, y = make_moons(n_samples=100, noise=0.2, random_state=0)
        >>> network = ScratchMLPClassifier(early_stopping=True, random_state=0)
        >>> pipe = make_pipeline(StandardScaler(), network)
        >>> search = GridSearchCV(
        ...     pipe, {"scratchmlpclassifier__learning_rate_init": [0.1, 0.5]}, cv=2
        ... ).fit(X, y)
        >>> display = LossCurveDisplay.from_estimator(search)
        >>> display.ax_.get_title()
        'ScratchMLPClassifier'
        >>> plt.close(display.figure_)
        """
        method_name = f"{cls.__name__}.from_estimator"
        _pyplot(method_name)
        network = _network_of(estimator, method_name)
        check_is_fitted(network)
        loss_curve = getattr(network, "loss_curve_", None)
        if loss_curve is None or len(loss_curve) == 0:
            raise ValueError(
                f"{type(network).__name__} has no loss curve to plot: "
                "loss_curve_ is recorded by the stochastic solvers ('sgd', "
                f"'adam'), and this one was fitted with solver={network.solver!r}."
            )
        if score_name is None:
            score_name = _score_name(network)
        display = cls(
            loss_curve=loss_curve,
            validation_loss_curve=getattr(network, "validation_loss_curve_", None),
            validation_scores=getattr(network, "validation_scores_", None),
            score_name=score_name,
            name=type(network).__name__ if name is None else name,
        )
        return display.plot(ax=ax, **kw)


def _score_name(network):
    """The score axis's label: what the network's ``scoring`` records."""
    scoring = getattr(network, "scoring", None)
    if scoring is None:
        return "Validation accuracy" if is_classifier(network) else "Validation R²"
    if isinstance(scoring, str):
        # "loss" is recorded negated, as HistGradientBoosting records it
        return "Validation -loss" if scoring == "loss" else f"Validation {scoring}"
    return "Validation score"
