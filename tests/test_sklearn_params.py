"""SKLEARN_PARAMS: ours trains as scikit-learn's MLP does by default."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
    load_wine,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import cross_validate
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn_scratch import (
    SKLEARN_PARAMS,
    SKLEARN_REGRESSOR_PARAMS,
    ScratchMLPClassifier,
    ScratchMLPRegressor,
)


def _cross_validated(estimator, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        result = cross_validate(estimator, X, y, cv=3, return_estimator=True)
    n_iter = [e[-1].n_iter_ for e in result["estimator"]]
    return result["test_score"].mean(), np.mean(n_iter)


@pytest.mark.parametrize(
    "load",
    [load_iris, load_digits, load_breast_cancer, load_wine],
    ids=lambda f: f.__name__,
)
def test_scores_and_epochs_follow_mlpclassifier(load):
    X, y = load(return_X_y=True)
    if load is load_digits:
        X, y = X[::3], y[::3]  # a third of digits keeps the test short
    # standardised, as a network's inputs should be: on raw features the tol
    # rule's stopping epoch depends on the shuffling, which differs (ours
    # draws a new permutation each epoch, see the FAQ)
    ours = _cross_validated(
        make_pipeline(
            StandardScaler(), ScratchMLPClassifier(**SKLEARN_PARAMS, random_state=0)
        ),
        X,
        y,
    )
    theirs = _cross_validated(
        make_pipeline(StandardScaler(), MLPClassifier(random_state=0)), X, y
    )
    assert abs(ours[0] - theirs[0]) <= 0.02, (ours, theirs)
    assert abs(ours[1] - theirs[1]) <= 0.25 * theirs[1], (ours, theirs)


def test_regressor_params_follow_mlpregressor():
    X, y = load_diabetes(return_X_y=True)
    y = y / y.std()
    ours = _cross_validated(
        make_pipeline(
            StandardScaler(),
            ScratchMLPRegressor(**SKLEARN_REGRESSOR_PARAMS, random_state=0),
        ),
        X,
        y,
    )
    theirs = _cross_validated(
        make_pipeline(StandardScaler(), MLPRegressor(random_state=0)), X, y
    )
    assert abs(ours[0] - theirs[0]) <= 0.02, (ours, theirs)
    assert abs(ours[1] - theirs[1]) <= 0.25 * theirs[1], (ours, theirs)


def test_the_params_are_mlps_defaults():
    defaults = MLPClassifier().get_params()
    for name in (
        "hidden_layer_sizes",
        "activation",
        "solver",
        "learning_rate_init",
        "batch_size",
        "max_iter",
        "n_iter_no_change",
        "momentum",
        "alpha",
        "tol",
        "shuffle",
        "learning_rate",
    ):
        assert SKLEARN_PARAMS[name] == defaults[name], name
    regressor = MLPRegressor().get_params()
    assert SKLEARN_REGRESSOR_PARAMS["alpha"] == 2 * regressor["alpha"]
    assert SKLEARN_REGRESSOR_PARAMS["tol"] == 2 * regressor["tol"]
