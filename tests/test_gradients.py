"""check_gradients: backprop agrees with finite differences for every component.

Kinks: relu and leaky_relu at 0, absolute_error where a prediction equals its
target and hinge where a margin is exactly 1 are not differentiable. The data
below are continuous random draws with a random start, so no sum ``Z`` and no
margin lands within a finite-difference step (1e-6) of a kink; classifier
outputs through a sigmoid or softmax lie strictly inside (0, 1), so they never
equal a 0/1 target either.
"""

import re

import numpy as np
import pytest

from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor, check_gradients
from sknn_scratch.activations import ACTIVATIONS, Sigmoid
from sknn_scratch.losses import LOSSES

BUILTIN_ACTIVATIONS = [
    "sigmoid",
    "logistic",
    "tanh",
    "relu",
    "leaky_relu",
    "elu",
    "softplus",
    "identity",
    "softmax",
    "exp",
]
BUILTIN_LOSSES = [
    "squared_error",
    "log_loss",
    "absolute_error",
    "hinge",
    "squared_hinge",
]
# softmax is an output activation only: the estimators refuse it as activation
HIDDEN_ACTIVATIONS = [name for name in BUILTIN_ACTIVATIONS if name != "softmax"]
LAYOUTS = [(), (3,), (4, 3)]


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(12, 4))
    y_binary = (X[:, 0] + X[:, 1] > 0).astype(int)
    y_multiclass = np.array(["a", "b", "c"])[np.arange(12) % 3]
    y_multilabel = (X[:, :3] > 0).astype(int)
    y_regression = X @ [1.0, -2.0, 0.5, 0.0] + 0.3 * rng.normal(size=12)
    return X, {
        "binary": y_binary,
        "multiclass": y_multiclass,
        "multilabel": y_multilabel,
        "regression": y_regression,
    }


def test_the_built_ins_are_all_covered():
    # the lists below are what the parametrized tests run: they must hold
    # every built-in, so that a new one cannot be added unchecked
    assert set(BUILTIN_ACTIVATIONS) <= set(ACTIVATIONS.names())
    assert set(BUILTIN_LOSSES) <= set(LOSSES.names())


@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
@pytest.mark.parametrize("layout", [(3,), (4, 3)])
def test_every_hidden_activation(data, activation, layout):
    X, ys = data
    clf = ScratchMLPClassifier(
        hidden_layer_sizes=layout, activation=activation, loss="log_loss",
        alpha=0.01, learning_rate_init=0.1, random_state=1,
    )  # fmt: skip
    assert check_gradients(clf, X, ys["multiclass"]) < 1e-4


@pytest.mark.parametrize("activation", BUILTIN_ACTIVATIONS)
def test_every_output_activation(data, activation):
    X, ys = data
    reg = ScratchMLPRegressor(
        hidden_layer_sizes=(3,), output_activation=activation, random_state=2
    )
    y = np.column_stack([ys["regression"], -ys["regression"]]) / 10
    assert check_gradients(reg, X, y) < 1e-4


@pytest.mark.parametrize("loss", BUILTIN_LOSSES)
@pytest.mark.parametrize("target", ["binary", "multiclass", "multilabel"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_loss_in_classification(data, loss, target, layout):
    X, ys = data
    clf = ScratchMLPClassifier(
        hidden_layer_sizes=layout, activation="tanh", loss=loss, alpha=1e-3,
        random_state=3,
    )  # fmt: skip
    assert check_gradients(clf, X, ys[target]) < 1e-4


@pytest.mark.parametrize("loss", ["squared_error", "absolute_error"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_regression_loss(data, loss, layout):
    X, ys = data
    reg = ScratchMLPRegressor(hidden_layer_sizes=layout, loss=loss, random_state=4)
    assert check_gradients(reg, X, ys["regression"]) < 1e-4


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_fitted_estimator_with_sample_weight_and_class_weight(data, solver):
    X, ys = data
    clf = ScratchMLPClassifier(
        hidden_layer_sizes=(4, 3), loss="log_loss", alpha=0.1, max_iter=20,
        class_weight={"a": 3.0, "b": 1.0, "c": 0.5}, solver=solver, random_state=5,
    ).fit(X, ys["multiclass"])  # fmt: skip
    before = [W.copy() for W in clf.coefs_]
    sample_weight = np.linspace(0.5, 2.0, len(X))

    error = check_gradients(clf, X, ys["multiclass"], sample_weight=sample_weight)

    assert error < 1e-4
    # checked at the fitted weights, which stay as they were
    for W, W_before in zip(clf.coefs_, before):
        np.testing.assert_array_equal(W, W_before)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_float32_estimator_is_checked_in_float64(data):
    X, ys = data
    clf = ScratchMLPClassifier(hidden_layer_sizes=(3,), max_iter=5, random_state=0)
    clf.fit(X.astype(np.float32), ys["binary"])
    assert clf.coefs_[0].dtype == np.float32
    # in float32 the finite differences would be off by ~1e-2 (the rounding
    # of the loss divided by eps): an error this small needs float64
    assert check_gradients(clf, X.astype(np.float32), ys["binary"]) < 1e-4


def test_unfitted_estimator_stays_unfitted(data):
    X, _ = data
    # with early stopping, 8 samples would leave too few to validate on: the
    # check fits its copy without it
    clf = ScratchMLPClassifier(
        hidden_layer_sizes=(3,), early_stopping=True, random_state=0
    )
    assert check_gradients(clf, X[:8], np.arange(8) % 2) < 1e-4
    assert not hasattr(clf, "coefs_")
    assert clf.early_stopping is True


class WrongSigmoid(Sigmoid):
    """A sigmoid whose derivative forgot the factor ``(1 - f)``."""

    def derivative(self, Z, A):
        return A


@pytest.mark.parametrize("layout", [(3,), (4, 3)])
def test_wrong_hidden_derivative_is_caught_and_located(data, layout):
    X, ys = data
    # the output layer is softmax with log_loss, right whatever the hidden
    # activation: the mistake can only show in the hidden layers' parameters
    clf = ScratchMLPClassifier(
        hidden_layer_sizes=layout, activation=WrongSigmoid(), loss="log_loss",
        random_state=0,
    )  # fmt: skip
    with pytest.raises(AssertionError) as excinfo:
        check_gradients(clf, X, ys["multiclass"])

    message = str(excinfo.value)
    hidden = "|".join(str(i) for i in range(len(layout)))
    assert re.search(rf"disagree at (coefs|intercepts)_\[({hidden})\]\[", message)
    assert re.search(rf"\(layer ({hidden})\)", message)
    assert "WrongSigmoid" in message


def test_wrong_output_derivative_names_the_output_layer(data):
    X, ys = data
    # no hidden layer: the only weights are the output layer's
    reg = ScratchMLPRegressor(
        hidden_layer_sizes=(), output_activation=WrongSigmoid(), random_state=0
    )
    with pytest.raises(
        AssertionError, match=r"at (coefs|intercepts)_\[0\]\[.*\(layer 0\)"
    ):
        check_gradients(reg, X, ys["regression"] / 10)


class WrongSquaredError:
    """The squared error with the gradient's sign flipped."""

    def loss(self, y_true, y_pred, sample_weight=None):
        return float(np.average(np.sum((y_true - y_pred) ** 2, axis=1),
                                weights=sample_weight))  # fmt: skip

    def gradient(self, y_true, y_pred):
        return 2 * (y_true - y_pred)


def test_wrong_loss_gradient_is_caught(data):
    X, ys = data
    reg = ScratchMLPRegressor(hidden_layer_sizes=(3,), loss=WrongSquaredError(),
                              random_state=0)  # fmt: skip
    with pytest.raises(AssertionError, match="WrongSquaredError"):
        check_gradients(reg, X, ys["regression"])
