"""Bad input the package once mishandled, found by fuzzing: each input as found.

Each gets a clear error naming the problem (scikit-learn's exception types
and messages where it has them), or the right answer.
"""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning

from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor

pd = pytest.importorskip("pandas", reason="pandas is in the test extra")


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


def quiet(call, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return call(*args, **kwargs)


# ------------------------------------------------------- big-endian data


@pytest.mark.parametrize("dtype", [">f8", ">f4"])
@pytest.mark.parametrize("container", ["DataFrame", "ndarray"])
def test_big_endian_columns_train_in_their_own_precision(iris, dtype, container):
    X, y = iris
    X_big = X.astype(dtype)
    if container == "DataFrame":
        X_big = pd.DataFrame(X_big, columns=["a", "b", "c", "d"])
    native = np.dtype(dtype).newbyteorder("=")
    for Estimator, target in (
        (ScratchMLPClassifier, y),
        (ScratchMLPRegressor, X[:, 0]),
    ):
        est = quiet(Estimator((5,), max_iter=5, random_state=0).fit, X_big, target)
        assert {W.dtype for W in est.coefs_ + est.intercepts_} == {native}
        # the same model as on native data of that precision
        X_native = X.astype(native)
        if container == "DataFrame":
            X_native = pd.DataFrame(X_native, columns=["a", "b", "c", "d"])
        reference = quiet(
            Estimator((5,), max_iter=5, random_state=0).fit, X_native, target
        )
        for W, W_ref in zip(est.coefs_, reference.coefs_):
            np.testing.assert_array_equal(W, W_ref)
        np.testing.assert_array_equal(est.predict(X_big), reference.predict(X_native))


# ---------------------------------------------------------- class_weight


@pytest.mark.parametrize("weight", [-1.0, np.nan, np.inf])
def test_class_weight_must_be_finite_and_non_negative(iris, weight):
    X, y = iris
    clf = ScratchMLPClassifier((5,), max_iter=3, class_weight={0: weight, 1: 1, 2: 1})
    with pytest.raises(ValueError, match="class_weight") as info:
        clf.fit(X, y)
    assert "finite" in str(info.value) and "non-negative" in str(info.value)
    # the same values as sample_weight, as scikit-learn refuses them
    sample_weight = np.where(y == 0, weight, 1.0)
    with pytest.raises(ValueError, match="sample_weight"):
        ScratchMLPClassifier((5,), max_iter=3).fit(X, y, sample_weight=sample_weight)


# ------------------------------------------------- lbfgs and non-finite losses


def test_lbfgs_raises_when_the_loss_is_not_finite_for_huge_targets():
    X = np.random.RandomState(0).normal(size=(20, 3))
    reg = ScratchMLPRegressor((5,), solver="lbfgs", random_state=0)
    with warnings.catch_warnings():
        # no "increase the number of iterations": an error says what it is
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="loss is not finite"):
            reg.fit(X, np.full(20, 1e200))
    # the weights it keeps are the start of the fit: finite
    assert all(np.isfinite(W).all() for W in reg.coefs_ + reg.intercepts_)


def test_lbfgs_raises_when_the_loss_is_not_finite_for_huge_weights():
    X = np.random.RandomState(0).normal(size=(20, 3))
    y = X[:, 0]
    reg = quiet(
        ScratchMLPRegressor((5,), solver="lbfgs", warm_start=True, max_iter=1).fit,
        X,
        y,
    )
    reg.coefs_ = [np.full_like(W, 1e307) for W in reg.coefs_]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match="loss is not finite"):
            reg.fit(X, y)


def test_lbfgs_sets_best_loss(iris):
    X, y = iris
    clf = quiet(ScratchMLPClassifier((5,), solver="lbfgs", random_state=0).fit, X, y)
    assert np.isfinite(clf.best_loss_)
    assert clf.best_loss_ == clf.loss_


# --------------------------------------------------------------- power_t


def test_invscaling_with_a_huge_power_t_trains(iris):
    X, y = iris
    clf = ScratchMLPClassifier(
        (5,), max_iter=3, learning_rate="invscaling", power_t=500, random_state=0
    )
    quiet(clf.fit, X, y)
    # (t + 1) ** 500 is beyond any float: the rate after the first epoch is 0
    assert clf._training.learning_rate == 0.0
    assert np.isfinite(clf.loss_)


# --------------------------------------------------------- strings as X


def test_numeric_strings_as_X_are_refused():
    X = [["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"], ["1", "1", "1"]]
    message = "dtype='numeric' is not compatible with arrays of bytes/strings"
    for Estimator, y in (
        (ScratchMLPClassifier, [0, 1, 0, 1]),
        (ScratchMLPRegressor, [0.0, 1, 2, 3]),
    ):
        with pytest.raises(ValueError, match=message):
            Estimator((3,), max_iter=2).fit(X, y)
        est = quiet(Estimator((3,), max_iter=2).fit, np.array(X, dtype=float), y)
        with pytest.raises(ValueError, match=message):
            est.predict(X)


# ------------------------------------------------- users' own components


class _Tanh:
    def forward(self, Z):
        return np.tanh(Z)

    def derivative(self, Z, A):
        return 1 - np.tanh(Z) ** 2


class _ForwardReturns(_Tanh):
    def __init__(self, make):
        self.make = make

    def forward(self, Z):
        return self.make(Z)

    def __repr__(self):
        return "ForwardReturns()"


class _DerivativeReturns(_Tanh):
    def __init__(self, make):
        self.make = make

    def derivative(self, Z, A):
        return self.make(Z)

    def __repr__(self):
        return "DerivativeReturns()"


class _SquaredError:
    def loss(self, y_true, y_pred, sample_weight=None):
        return float(np.average(np.sum((y_true - y_pred) ** 2, axis=1)))

    def gradient(self, y_true, y_pred):
        return 2 * (y_pred - y_true)


class _LossReturns(_SquaredError):
    def __init__(self, make):
        self.make = make

    def loss(self, y_true, y_pred, sample_weight=None):
        return self.make(y_pred)

    def __repr__(self):
        return "LossReturns()"


class _GradientReturns(_SquaredError):
    def __init__(self, make):
        self.make = make

    def gradient(self, y_true, y_pred):
        return self.make(y_pred)

    def __repr__(self):
        return "GradientReturns()"


WRONG = {
    "wrong shape": lambda Z: np.zeros((Z.shape[0], Z.shape[1] + 1)),
    "scalar": lambda Z: 1.0,
    "None": lambda Z: None,
    "1-D": lambda Z: np.ravel(Z),
}


@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
@pytest.mark.parametrize("returned", list(WRONG))
@pytest.mark.parametrize(
    "where",
    [
        ("activation", _ForwardReturns, "forward"),
        ("output_activation", _ForwardReturns, "forward"),
        ("activation", _DerivativeReturns, "derivative"),
        ("loss", _GradientReturns, "gradient"),
    ],
    ids=lambda w: f"{w[0]}-{w[2]}",
)
def test_a_component_returning_the_wrong_shape_is_named(iris, where, returned, solver):
    X, y = iris
    parameter, Component, method = where
    component = Component(WRONG[returned])
    clf = ScratchMLPClassifier(
        (4,), solver=solver, max_iter=2, **{parameter: component}
    )
    with pytest.raises(ValueError) as info:
        quiet(clf.fit, X, y)
    message = str(info.value)
    assert f"{component!r}.{method}()" in message
    assert "expected a numeric array of shape" in message


@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
@pytest.mark.parametrize(
    "returned",
    [
        lambda A: np.ones(A.shape[0]),
        lambda A: None,
        lambda A: "a",
        lambda A: [1.0, 2.0],
    ],
    ids=["array", "None", "str", "list"],
)
def test_a_loss_that_does_not_return_a_number_is_named(iris, returned, solver):
    X, y = iris
    loss = _LossReturns(returned)
    clf = ScratchMLPClassifier((4,), solver=solver, max_iter=2, loss=loss)
    with pytest.raises(ValueError) as info:
        quiet(clf.fit, X, y)
    message = str(info.value)
    assert "LossReturns().loss()" in message and "a number" in message


def test_a_list_of_the_right_shape_is_taken_as_an_array(iris):
    X, y = iris
    as_list = _ForwardReturns(lambda Z: np.tanh(Z).tolist())
    clf = quiet(
        ScratchMLPClassifier((4,), activation=as_list, max_iter=5, random_state=0).fit,
        X,
        y,
    )
    reference = quiet(
        ScratchMLPClassifier((4,), activation=_Tanh(), max_iter=5, random_state=0).fit,
        X,
        y,
    )
    np.testing.assert_allclose(clf.predict_proba(X), reference.predict_proba(X))


# ------------------------------------------------ predict on huge inputs


def test_predict_on_finite_inputs_whose_sum_overflows_is_silent():
    X = np.random.RandomState(0).normal(size=(20, 3))
    clf = quiet(
        ScratchMLPClassifier((3,), max_iter=5, random_state=0).fit, X, X[:, 0] > 0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        labels = clf.predict(np.array([[1e308, 1e308, 0]]))
        proba = clf.predict_proba(np.array([[1e308, 1e308, 0]]))
    assert labels.shape == (1,) and np.isfinite(proba).all()


# ------------------------------------------------------ divergence advice


@pytest.mark.parametrize("early_stopping", [False, True])
def test_divergence_from_a_huge_alpha_says_lower_it(iris, early_stopping):
    X, y = iris
    clf = ScratchMLPClassifier(
        (5,), max_iter=30, alpha=1e5, early_stopping=early_stopping, random_state=0
    )
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        try:
            clf.fit(X, y)
        except ValueError as exc:
            message = str(exc)
        else:
            (message,) = [
                str(w.message) for w in record if "diverged" in str(w.message)
            ]
    assert "Lower alpha" in message
    assert "raise alpha" not in message


def test_divergence_from_a_huge_learning_rate_still_says_lower_it(iris):
    X, y = iris
    clf = ScratchMLPRegressor(
        (8,), activation="relu", solver="sgd", learning_rate_init=1e6, random_state=0
    )
    with pytest.raises(ValueError) as info:
        clf.fit(X, 1000 * X[:, 0])
    assert "Lower learning_rate_init" in str(info.value)
    assert "Lower alpha" not in str(info.value)


def test_lbfgs_with_a_huge_alpha_says_lower_it(iris):
    X, y = iris
    clf = ScratchMLPClassifier((5,), solver="lbfgs", alpha=1e300, random_state=0)
    with pytest.raises(ValueError, match="Lower alpha"):
        quiet(clf.fit, X, y)
