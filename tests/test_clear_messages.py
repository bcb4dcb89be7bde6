"""Errors that say what is wrong and what to do: each once a raw numpy or
Python error naming no component, or a misleading one."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor
from sknn_scratch.losses import SquaredError
from sknn_scratch.optimizers import LBFGS
from sknn_scratch.schedules import Constant

pytestmark = pytest.mark.filterwarnings("ignore", category=ConvergenceWarning)


@pytest.fixture(scope="module")
def data():
    X = np.random.RandomState(0).normal(size=(40, 3))
    return X, np.arange(40) % 3, X[:, 0]


def test_a_multilabel_y_after_multiclass_partial_fit_names_the_change(data):
    X, y3, _ = data
    clf = ScratchMLPClassifier((3,)).partial_fit(X, y3, classes=[0, 1, 2])
    indicator = np.eye(3, dtype=int)[y3] | np.eye(3, dtype=int)[(y3 + 1) % 3]
    with pytest.raises(ValueError, match="y is a multilabel indicator matrix, but"):
        clf.partial_fit(X, indicator)
    # and the other way round, with warm_start
    clf = ScratchMLPClassifier((3,), max_iter=2, warm_start=True).fit(X, indicator)
    with pytest.raises(ValueError, match="y is class labels, but .* multilabel"):
        clf.fit(X, y3)


@pytest.mark.parametrize(
    "weight_init, got",
    [
        (lambda fan_in, fan_out, rng, f: None, "got NoneType None"),
        (
            lambda fan_in, fan_out, rng, f: (np.zeros((fan_in, fan_out + 1)), 0),
            "got arrays of 12 and 1 values",
        ),
    ],
    ids=["none", "wrong-size"],
)
def test_a_weight_init_breaking_its_contract_is_named(data, weight_init, got):
    X, _, y = data
    reg = ScratchMLPRegressor((3,), weight_init=weight_init, max_iter=2)
    with pytest.raises(
        ValueError, match=rf"weight_init .* must return \(W, b\).*{got}"
    ):
        reg.fit(X, y)


class NoMinimum(LBFGS):
    def minimize(self, fun, x0, **kwargs):
        return None


class ShortMinimum(LBFGS):
    def minimize(self, fun, x0, **kwargs):
        return x0[:-1], 1, 0.5


@pytest.mark.parametrize(
    "optimizer, got",
    [(NoMinimum(), "got NoneType None"), (ShortMinimum(), "got x of 15 values")],
)
def test_an_optimizer_breaking_its_contract_is_named(data, optimizer, got):
    X, _, y = data
    reg = ScratchMLPRegressor((3,), solver=optimizer, max_iter=2)
    with pytest.raises(
        TypeError, match=rf"optimizer {type(optimizer).__name__}.*{got}"
    ):
        reg.fit(X, y)


class TextRate(Constant):
    def learning_rate(self, learning_rate, **kwargs):
        return "fast"


def test_a_schedule_returning_no_number_is_named(data):
    X, _, y = data
    reg = ScratchMLPRegressor((3,), learning_rate=TextRate(), max_iter=3)
    with pytest.raises(TypeError, match="schedule TextRate.*real number; got str"):
        reg.fit(X, y)


class UnweightedLoss(SquaredError):
    def loss(self, y_true, y_pred):
        return float(np.mean((y_true - y_pred) ** 2))


def test_a_loss_without_sample_weight_is_named(data):
    X, _, y = data
    reg = ScratchMLPRegressor((3,), loss=UnweightedLoss(), max_iter=3)
    with pytest.raises(TypeError, match=r"UnweightedLoss.*loss\(y_true, y_pred, samp"):
        reg.fit(X, y)


def test_a_regressor_refuses_strings_as_y(data):
    X, _, y = data
    with pytest.raises(ValueError, match="y holds strings"):
        ScratchMLPRegressor((3,), max_iter=3).fit(X, y.astype(str))
    with pytest.raises(ValueError, match="y holds strings"):
        ScratchMLPRegressor((3,), max_iter=3).fit(X, [str(v) for v in y])


def test_class_weight_naming_no_class_of_y_says_which(data):
    X, y3, _ = data
    clf = ScratchMLPClassifier((3,), max_iter=3, class_weight={0: 1, 1: 1, 2: 1, 5: 3})
    with pytest.raises(ValueError, match=r"class_weight names \[5\].*\[0, 1, 2\]"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf.fit(X, y3)


SMALL_WEIGHTS = "sample_weight has a mean of 1e-300, and the L2 penalty is divided"


@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
def test_tiny_sample_weights_that_diverge_say_to_scale_them_up(data, solver):
    # the L2 penalty is divided by the weights' sum: 1e-300 each makes alpha
    # act 1e300 times as strong, and the fit diverges
    X, _, y = data
    reg = ScratchMLPRegressor((3,), solver=solver, max_iter=50, random_state=0)
    with pytest.warns(UserWarning, match=SMALL_WEIGHTS):
        with pytest.raises(ValueError, match=SMALL_WEIGHTS) as error:
            reg.fit(X, y, sample_weight=np.full(len(X), 1e-300))
    # the weights are the cause, not large input values (or an overflowing loss)
    assert "large values" not in str(error.value)
    assert "Scale the inputs" not in str(error.value)
    assert "Scale sample_weight up, e.g. divide it by its mean" in str(error.value)
    # the same weights scaled up fit
    reg.fit(X, y, sample_weight=np.full(len(X), 1.0))
    assert np.isfinite(reg.loss_)


@pytest.mark.parametrize("Estimator", [ScratchMLPClassifier, ScratchMLPRegressor])
def test_uniform_tiny_sample_weights_are_named_when_fit_starts(Estimator):
    # with the defaults the classifier diverges, the regressor (adam) ends
    # with a network that predicts nearly the same for every sample: both
    # say at the start of fit that the weights make alpha act 1e300 times
    # as strong, not that the inputs hold large values
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 3))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    model = Estimator(max_iter=50, random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model.fit(X, y, sample_weight=np.full(len(X), 1e-300))
        except ValueError as error:
            assert "large values" not in str(error)
            assert "sample_weight has a mean of 1e-300" in str(error)
    said = [
        str(w.message) for w in caught if "sample_weight has a mean" in str(w.message)
    ]
    assert len(said) == 1
    assert said[0].startswith(SMALL_WEIGHTS)
    assert "acts 1e+300 times as strong" in said[0]
    # weights divided by their mean (ones) train as no weights
    fitted = Estimator(max_iter=50, random_state=0)
    fitted.fit(X, y, sample_weight=np.full(len(X), 1e-300) / 1e-300)
    plain = Estimator(max_iter=50, random_state=0).fit(X, y)
    np.testing.assert_array_equal(fitted.coefs_[0], plain.coefs_[0])


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_weights_that_sum_to_one_are_not_warned_of(solver):
    # a common normalisation: alpha / sum = 1e-4 does not outweigh the loss
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 3))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    clf = ScratchMLPClassifier(solver=solver, max_iter=50, random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf.fit(X, y, sample_weight=np.full(len(X), 1 / len(X)))
    assert not [w for w in caught if "sample_weight" in str(w.message)]
    assert clf.score(X, y) > 0.9
