"""Weight initializers: their distributions, and scikit-learn's exact draws."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor

from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor
from sknn_scratch.activations import ReLU, Sigmoid, Tanh
from sknn_scratch.initializers import (
    INITIALIZERS,
    GlorotUniform,
    HeNormal,
    HeUniform,
    StandardNormal,
)

LAYER_UNITS = [5, 4, 3, 2]


def draws(initializer, activation, seed=0):
    rng = np.random.RandomState(seed)
    return [
        initializer(fan_in, fan_out, rng, activation)
        for fan_in, fan_out in zip(LAYER_UNITS[:-1], LAYER_UNITS[1:])
    ]


@pytest.mark.parametrize(
    ("activation", "sklearn_name"),
    [(Sigmoid(), "logistic"), (Tanh(), "tanh"), (ReLU(), "relu")],
)
def test_glorot_uniform_draws_what_mlpclassifier_draws(activation, sklearn_name):
    # scikit-learn's own initializer, called layer after layer as in its fit
    mlp = MLPClassifier(activation=sklearn_name)
    mlp._random_state = np.random.RandomState(0)
    for (W, b), (fan_in, fan_out) in zip(
        draws(GlorotUniform(), activation), zip(LAYER_UNITS[:-1], LAYER_UNITS[1:])
    ):
        W_sk, b_sk = mlp._init_coef(fan_in, fan_out, np.float64)
        np.testing.assert_array_equal(W, W_sk)
        np.testing.assert_array_equal(b, b_sk)


@pytest.mark.parametrize("activation", ["logistic", "tanh", "relu", "identity"])
@pytest.mark.parametrize("estimators", ["classifier", "regressor"])
def test_estimators_start_from_the_same_weights_as_scikit_learn(activation, estimators):
    X = np.random.RandomState(1).normal(size=(20, 5))
    y = np.arange(20) % 3
    ours, theirs = {
        "classifier": (ScratchMLPClassifier, MLPClassifier),
        "regressor": (ScratchMLPRegressor, MLPRegressor),
    }[estimators]
    # one epoch at a rate of 1e-300 leaves every weight where it started
    params = dict(
        hidden_layer_sizes=(4, 3), activation=activation, solver="sgd",
        learning_rate_init=1e-300, max_iter=1, random_state=7,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a = ours(**params, weight_init="glorot_uniform").fit(X, y)
        b = theirs(**params).fit(X, y)
    for W, W_sk in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        np.testing.assert_array_equal(W, W_sk)


def test_glorot_uniform_bounds_and_default():
    (W, b), *_ = draws(GlorotUniform(), Tanh())
    bound = np.sqrt(6 / (5 + 4))
    assert np.all(np.abs(W) <= bound) and np.all(np.abs(b) <= bound)
    (W, b), *_ = draws(GlorotUniform(), Sigmoid())
    assert np.all(np.abs(W) <= np.sqrt(2 / (5 + 4)))


def test_sigmoid_gain_scales_glorots_bound_after_a_sigmoid_only():
    for activation, gain in [(Sigmoid(), 2.0), (Tanh(), 1.0), (ReLU(), 1.0)]:
        for (W, b), fan_in, fan_out in zip(
            draws(GlorotUniform(sigmoid_gain=2.0), activation),
            LAYER_UNITS[:-1],
            LAYER_UNITS[1:],
        ):
            bound = gain * np.sqrt(6 / (fan_in + fan_out))
            assert np.all(np.abs(W) <= bound) and np.all(np.abs(b) <= bound)
            # the draws span the bound: a smaller one would also pass above
            assert np.abs(np.concatenate([W.ravel(), b])).max() > bound / 2
    # the same draws as scikit-learn's, scaled: one stream of random numbers
    wide = draws(GlorotUniform(sigmoid_gain=2.0), Sigmoid())
    for (W, b), (W_sk, b_sk) in zip(wide, draws(GlorotUniform(), Sigmoid())):
        np.testing.assert_allclose(W, W_sk * 2 * np.sqrt(3))
        np.testing.assert_allclose(b, b_sk * 2 * np.sqrt(3))


@pytest.mark.parametrize("Estimator", [ScratchMLPClassifier, ScratchMLPRegressor])
@pytest.mark.parametrize(
    "solver, activation, gain",
    [
        ("sgd", "logistic", 2.0),  # plain SGD grows small weights slowly
        ("sgd", "relu", None),
        ("sgd", "tanh", None),
        ("adam", "logistic", None),
        ("lbfgs", "logistic", None),
    ],
)
def test_the_default_start_widens_only_plain_sgds_sigmoid_layers(
    Estimator, solver, activation, gain
):
    X = np.random.RandomState(1).normal(size=(20, 5))
    y = np.arange(20) % 3
    assert Estimator().weight_init is None
    # one epoch at a rate of 1e-300 (one L-BFGS iteration) barely moves them
    params = dict(hidden_layer_sizes=(4, 3), solver=solver, max_iter=1,
                  activation=activation, random_state=7)  # fmt: skip
    if solver != "lbfgs":
        params["learning_rate_init"] = 1e-300
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = Estimator(**params).fit(X, y)
    assert isinstance(est.weight_init_, GlorotUniform)
    assert est.weight_init_.sigmoid_gain == (2.0 if solver == "sgd" else None)
    if solver == "lbfgs":
        return  # one iteration moves the weights: the initializer is checked
    # the draws: scikit-learn's, or the same numbers scaled after a sigmoid
    rng = np.random.RandomState(7)
    units = [5, 4, 3, est.n_outputs_]
    expected = GlorotUniform(sigmoid_gain=gain)
    for W, b, fan_in, fan_out in zip(
        est.coefs_, est.intercepts_, units[:-1], units[1:]
    ):
        W_0, b_0 = expected(fan_in, fan_out, rng, est.hidden_activation_)
        np.testing.assert_array_equal(W, W_0)
        np.testing.assert_array_equal(b, b_0)


def test_standard_normal_is_the_articles_start():
    rng = np.random.RandomState(0)
    (W, b), *_ = draws(StandardNormal(), None)
    np.testing.assert_array_equal(W, rng.normal(size=(5, 4)))
    np.testing.assert_array_equal(b, rng.normal(size=4))
    assert type(INITIALIZERS.resolve("normal", "weight_init")) is StandardNormal


def test_he_normal_scales_by_fan_in_and_zero_biases():
    rng = np.random.RandomState(0)
    (W, b), *_ = draws(HeNormal(), ReLU())
    np.testing.assert_array_equal(W, rng.normal(scale=np.sqrt(2 / 5), size=(5, 4)))
    np.testing.assert_array_equal(b, 0)
    # the spread over many draws is sqrt(2 / fan_in)
    W, _ = HeNormal()(400, 300, np.random.RandomState(0))
    assert W.std() == pytest.approx(np.sqrt(2 / 400), rel=0.01)


def test_he_uniform_bounds_and_zero_biases():
    W, b = HeUniform()(400, 300, np.random.RandomState(0))
    bound = np.sqrt(6 / 400)
    assert np.abs(W).max() <= bound
    assert np.abs(W).max() > 0.99 * bound
    # a uniform on (-r, r) has standard deviation r / sqrt(3)
    assert W.std() == pytest.approx(bound / np.sqrt(3), rel=0.01)
    np.testing.assert_array_equal(b, 0)


@pytest.mark.parametrize("name", ["glorot_uniform", "standard_normal", "he_normal",
                                  "he_uniform"])  # fmt: skip
def test_every_initializer_gives_the_right_shapes_and_repeats_with_a_seed(name):
    initializer = INITIALIZERS.resolve(name, "weight_init")
    first = draws(initializer, Tanh(), seed=3)
    again = draws(initializer, Tanh(), seed=3)
    for (W, b), (W2, b2), fan_in, fan_out in zip(
        first, again, LAYER_UNITS[:-1], LAYER_UNITS[1:]
    ):
        assert W.shape == (fan_in, fan_out) and b.shape == (fan_out,)
        np.testing.assert_array_equal(W, W2)
        np.testing.assert_array_equal(b, b2)


def ones_and_halves(fan_in, fan_out, random_state, activation):
    """A user's initializer: a plain function."""
    return np.ones((fan_in, fan_out)), np.full(fan_out, 0.5)


def test_a_plain_function_is_an_initializer():
    X = np.random.RandomState(0).normal(size=(8, 3))
    clf = ScratchMLPClassifier(
        hidden_layer_sizes=(2,), weight_init=ones_and_halves, max_iter=1,
        learning_rate_init=1e-300,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, np.arange(8) % 2)
    np.testing.assert_array_equal(clf.coefs_[0], 1.0)
    np.testing.assert_array_equal(clf.intercepts_[1], 0.5)
