"""The defaults learn: every built-in solver, out of the box.

Standardised digits (ten classes, 64 features) is the yardstick: with the
default parameters, each of ``"sgd"``, ``"adam"`` and ``"lbfgs"`` must reach
a held-out accuracy well above chance (0.1). The learning rate the
estimator used is a fitted attribute, ``learning_rate_init_``.
"""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor, TrivialModelWarning
from sknn_scratch.optimizers import SGD, Adam


def quiet_fit(estimator, X, y):
    """Fit on a few samples: these tests look at the rate, not at the model."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", TrivialModelWarning)
        return estimator.fit(X, y)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_every_solver_learns_standardised_digits_with_the_defaults(digits, solver):
    X_train, X_test, y_train, y_test = digits
    clf = ScratchMLPClassifier(solver=solver, random_state=0).fit(X_train, y_train)
    assert clf.score(X_test, y_test) > 0.93


def test_learning_rate_init_defaults_to_none():
    for Estimator in (ScratchMLPClassifier, ScratchMLPRegressor):
        assert Estimator().get_params()["learning_rate_init"] is None


@pytest.mark.parametrize(
    "Estimator, solver, expected",
    [
        # plain SGD on the default mini-batches of 64 starts at 1.0 (the
        # adaptive schedule lowers it on plateaus)
        (ScratchMLPClassifier, "sgd", 1.0),
        # a linear output is unbounded: the regressor's SGD takes a tenth
        (ScratchMLPRegressor, "sgd", 0.01),
        # Adam's own scale, scikit-learn's default
        (ScratchMLPClassifier, "adam", 0.001),
        (ScratchMLPRegressor, "adam", 0.001),
        # L-BFGS takes no learning rate
        (ScratchMLPClassifier, "lbfgs", None),
        (ScratchMLPRegressor, "lbfgs", None),
    ],
)
def test_the_learning_rate_used_is_the_solvers_default(Estimator, solver, expected):
    X = np.random.RandomState(0).normal(size=(20, 3))
    y = (X[:, 0] > 0).astype(int)
    est = quiet_fit(Estimator((3,), solver=solver, max_iter=200, random_state=0), X, y)
    assert est.learning_rate_init_ == expected
    # the parameter itself is left as it was
    assert est.learning_rate_init is None


def test_a_batch_size_given_keeps_the_articles_rate_for_sgd():
    # the rate 1.0 goes with the default batches of 64; any batch size the
    # user chooses gets the article's eta, as ARTICLE_PARAMS's batches of one
    X = np.random.RandomState(0).normal(size=(20, 3))
    y = (X[:, 0] > 0).astype(int)
    for batch_size in (1, 64, "auto"):
        clf = quiet_fit(
            ScratchMLPClassifier((3,), batch_size=batch_size, random_state=0), X, y
        )
        assert clf.learning_rate_init_ == 0.1


def test_a_learning_rate_given_is_the_one_used():
    X = np.random.RandomState(0).normal(size=(20, 3))
    y = (X[:, 0] > 0).astype(int)
    for solver in ("sgd", "adam"):
        clf = ScratchMLPClassifier(
            (3,), solver=solver, learning_rate_init=0.37, max_iter=200
        )
        quiet_fit(clf, X, y)
        assert clf.learning_rate_init_ == 0.37


def test_optimizers_say_their_default_learning_rate():
    assert SGD.default_learning_rate == 0.1
    assert Adam.default_learning_rate == 0.001


def test_an_optimizer_without_a_default_rate_gets_the_articles():
    class PlainSGD:
        def initialize(self, params):
            pass

        def update(self, params, grads, learning_rate):
            for param, grad in zip(params, grads):
                param -= learning_rate * grad

    X = np.random.RandomState(0).normal(size=(20, 3))
    y = (X[:, 0] > 0).astype(int)
    clf = quiet_fit(ScratchMLPClassifier((3,), solver=PlainSGD(), max_iter=200), X, y)
    assert clf.learning_rate_init_ == 0.1
    reg = ScratchMLPRegressor((3,), solver=PlainSGD(), max_iter=200)
    quiet_fit(reg, X, X[:, 0])
    assert reg.learning_rate_init_ == 0.01


@pytest.mark.parametrize(
    "Estimator, params, gtol",
    [
        # the loss and the output cancel: MLPClassifier's gtol = tol (the
        # classifier's default tol is 2e-4)
        (ScratchMLPClassifier, {"loss": "log_loss"}, 2e-4),
        (ScratchMLPClassifier, {"loss": "log_loss", "tol": 1e-4}, 1e-4),
        (ScratchMLPRegressor, {"tol": 1e-4}, 1e-4),
        # the squared error through sigmoids: gradients that nearly vanish
        (ScratchMLPClassifier, {}, 2e-7),
    ],
)
def test_lbfgs_tolerances(monkeypatch, Estimator, params, gtol):
    import scipy.optimize

    seen = {}
    minimize = scipy.optimize.minimize

    def spy(*args, **kwargs):
        seen.update(kwargs["options"])
        return minimize(*args, **kwargs)

    monkeypatch.setattr(scipy.optimize, "minimize", spy)
    X = np.random.RandomState(0).normal(size=(20, 3))
    y = (X[:, 0] > 0).astype(int)
    quiet_fit(Estimator((3,), solver="lbfgs", max_iter=5, **params), X, y)
    assert seen["gtol"] == pytest.approx(gtol)
    # scipy's default ftol at gtol 1e-4 (MLPClassifier's default), in
    # proportion otherwise
    assert seen["ftol"] == pytest.approx(2.220446049250313e-09 * gtol / 1e-4)
