"""Finding the fitted network in what a user passes: a Pipeline, a search.

The plots and :func:`sknn_scratch.trace_step` take a fitted network, a
Pipeline ending in one, or a fitted search whose ``best_estimator_`` is
either; they look through these alike, with the same errors. matplotlib is
imported only by :func:`_pyplot`, when a plot is drawn.
"""

from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

PLOT_INSTALL_HINT = "pip install matplotlib"


def _pyplot(caller_name):
    """``matplotlib.pyplot``, or an ImportError that says what to install."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            f"{caller_name} requires matplotlib, which is not installed. "
            f"Install it with: {PLOT_INSTALL_HINT}"
        ) from exc
    return plt


_ACCEPTED = (
    "a fitted ScratchMLPClassifier or ScratchMLPRegressor, a Pipeline ending in "
    "one, or a fitted search (such as GridSearchCV) whose best_estimator_ is one"
)


def _is_search(estimator):
    """Whether ``estimator`` is a hyper-parameter search such as GridSearchCV."""
    if isinstance(estimator, type) or not hasattr(estimator, "get_params"):
        return False
    # the searches share no public base class; all of them take these two
    return {"estimator", "refit"} <= set(estimator.get_params(deep=False))


def _last_step(estimator):
    """The estimator at the end of a (nested) Pipeline, or ``estimator``."""
    while isinstance(estimator, Pipeline) and estimator.steps:
        estimator = estimator.steps[-1][1]
    return estimator


def _describe(estimator):
    """The class of ``estimator``, and for a Pipeline the class it ends in."""
    if isinstance(estimator, type):
        return f"the class {estimator.__name__} (not an instance of it)"
    name = type(estimator).__name__
    last = _last_step(estimator)
    return f"{name} ending in {type(last).__name__}" if last is not estimator else name


def _network_of(estimator, method_name):
    """The network whose loss curve ``estimator`` holds.

    A Pipeline gives its last step; a fitted search its ``best_estimator_``
    (the last step of that, for a search over a Pipeline). Anything else is a
    ``TypeError`` naming what it got, raised before any check of being fitted,
    since fitting it would not help.
    """
    from . import ScratchMLPClassifier, ScratchMLPRegressor

    search = _is_search(estimator)
    refitted = search and hasattr(estimator, "best_estimator_")
    if refitted:
        candidate = estimator.best_estimator_
        got = f"{type(estimator).__name__} whose best_estimator_ is "
    elif search:
        candidate = estimator.estimator
        got = f"{type(estimator).__name__} over "
    else:
        candidate, got = estimator, ""
    got += _describe(candidate)
    network = _last_step(candidate)
    if not isinstance(network, (ScratchMLPClassifier, ScratchMLPRegressor)):
        hint = ""
        if hasattr(network, "loss_curve_"):
            hint = " Its loss_curve_ can be drawn by LossCurveDisplay(loss_curve=...)."
        raise TypeError(f"{method_name} only supports {_ACCEPTED}; got {got}.{hint}")
    if search and not refitted:
        if hasattr(estimator, "cv_results_"):
            raise TypeError(
                f"{method_name} only supports {_ACCEPTED}; got {got}, fitted "
                "with refit=False, which keeps no best_estimator_ to plot."
            )
        check_is_fitted(estimator)  # scikit-learn's error, naming the search
    return network


def _fitted_whole(estimator):
    """What was fitted around the network: a search's best_estimator_, or itself."""
    if _is_search(estimator):
        return estimator.best_estimator_
    return estimator


def _steps_before(estimator):
    """The fitted steps before the network, outermost Pipeline first."""
    steps = []
    while isinstance(estimator, Pipeline) and estimator.steps:
        if len(estimator.steps) > 1:
            steps.append(estimator[:-1])
        estimator = estimator.steps[-1][1]
    return steps


def network_and_inputs(estimator, X, method_name):
    """The fitted network in ``estimator``, and ``X`` as the network sees it.

    Parameters
    ----------
    estimator : network, Pipeline or search
        As :func:`_network_of` takes it.
    X : array-like or None
        Samples as ``estimator`` takes them; a Pipeline's steps before the
        network transform them.
    method_name : str
        The caller, for the error messages.

    Returns
    -------
    network : ScratchMLPClassifier or ScratchMLPRegressor
        Fitted (else scikit-learn's ``NotFittedError``).
    X : array-like or None
        ``X`` through the steps before the network.
    feature_names : list of str or None
        The names of the network's inputs, where the data had names: the
        network's ``feature_names_in_``, or those the steps before it give.
    """
    network = _network_of(estimator, method_name)
    check_is_fitted(network)
    whole = _fitted_whole(estimator)
    steps = _steps_before(whole)
    for step in steps:
        if X is not None:
            X = step.transform(X)
    names = getattr(network, "feature_names_in_", None)
    if names is None and len(steps) == 1 and hasattr(whole, "feature_names_in_"):
        try:
            names = steps[0].get_feature_names_out()
        except (AttributeError, ValueError, TypeError):
            names = None  # a step that cannot name its outputs
    return network, X, None if names is None else [str(name) for name in names]
