"""Numerical safety: extreme values give finite numbers, and no warning.

Every built-in activation, loss and optimizer is fed extreme values (1e300
and beyond, subnormals, zeros, all-equal rows) in float32 and float64, with
floating-point errors raised as exceptions. Then the estimators: constant
columns, subnormal and huge inputs, tiny and huge learning rates. Training
that diverges must stop with advice and leave a finite, usable model.
"""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor
from sknn_scratch.activations import ACTIVATIONS, backward
from sknn_scratch.losses import LOSSES
from sknn_scratch.optimizers import OPTIMIZERS

DTYPES = [np.float32, np.float64]
TINY = np.finfo(np.float64).smallest_subnormal


def extreme_values(dtype):
    """Finite values at the edges of ``dtype``, as one (rows, 4) matrix."""
    info = np.finfo(dtype)
    values = [
        0.0,
        -0.0,
        float(info.smallest_subnormal),
        -float(info.smallest_subnormal),
        float(info.tiny),
        1.0,
        -1.0,
        1e30,
        -1e30,
        float(info.max),
        -float(info.max),
    ]
    if dtype == np.float64:
        values += [1e300, -1e300, 1e-300, TINY]
    column = np.array(values, dtype=dtype)
    # every pair of extremes in one row, and rows of equal values
    return np.column_stack(
        [column, column[::-1], np.roll(column, 3), np.full_like(column, column[0])]
    )


@pytest.fixture(autouse=True)
def _floating_point_errors_raise():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            yield


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ACTIVATIONS.names())
def test_activation_is_finite_at_extreme_inputs(name, dtype):
    activation = ACTIVATIONS.resolve(name, "activation")
    Z = extreme_values(dtype)
    A = activation.forward(Z)
    assert A.dtype == dtype
    assert np.isfinite(A).all()
    derivative = activation.derivative(Z, A)
    assert np.isfinite(derivative).all()
    grad = backward(activation, Z, A, np.ones_like(Z))
    assert np.isfinite(grad).all()
    if name == "softmax":
        np.testing.assert_allclose(A.sum(axis=1), 1, rtol=1e-6)
    elif name in ("sigmoid", "logistic"):
        assert ((A >= 0) & (A <= 1)).all()
    elif name == "tanh":
        assert ((A >= -1) & (A <= 1)).all()


def loss_inputs(name, dtype):
    """Targets and extreme predictions where the loss itself is representable.

    A squared loss of a prediction near 1e300 is 1e600: no float holds it, so
    squared losses get predictions up to the square root of the largest float.
    """
    info = np.finfo(dtype)
    if name == "log_loss":
        # probabilities: exact 0 and 1, subnormal, next to 1
        p = np.array(
            [
                0.0,
                float(info.smallest_subnormal),
                float(info.tiny),
                0.5,
                1 - float(info.eps),
                1.0,
            ],
            dtype=dtype,
        )
    else:
        # summed over outputs and weighted, the loss must stay below the max
        big = np.sqrt(info.max) / 8 if "squared" in name else info.max / 1e3
        p = np.array([0.0, info.smallest_subnormal, -1.0, 1.0, big, -big], dtype=dtype)
    y_pred = np.column_stack([p, p[::-1]])
    low = -1 if name in ("hinge", "squared_hinge") else 0
    y_true = np.where(np.arange(y_pred.size).reshape(y_pred.shape) % 2, 1, low)
    return y_true.astype(dtype), y_pred


# log-loss has two forms: binary (after sigmoids) and categorical (softmax)
LOSS_FORMS = [(name, None) for name in LOSSES.names() if name != "log_loss"] + [
    ("log_loss", "sigmoid"),
    ("log_loss", "softmax"),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name, output", LOSS_FORMS)
def test_loss_and_gradient_are_finite_at_extreme_predictions(name, output, dtype):
    loss = LOSSES.resolve(name, "loss")
    if output is not None:
        loss = loss.for_output(ACTIVATIONS.resolve(output, "activation"))
    y_true, y_pred = loss_inputs(name, dtype)
    value = loss.loss(y_true, y_pred)
    weighted = loss.loss(y_true, y_pred, np.arange(len(y_true), dtype=dtype))
    zero_weights = loss.loss(y_true, y_pred, np.zeros(len(y_true), dtype=dtype))
    assert np.isfinite([value, weighted, zero_weights]).all()
    assert value >= 0 and zero_weights == 0
    gradient = loss.gradient(y_true, y_pred)
    assert gradient.shape == y_pred.shape
    assert np.isfinite(gradient).all()


def _params(dtype):
    return [
        np.array([[1.0, -1.0], [0.0, TINY]], dtype=dtype),
        np.array([0.5, -0.5], dtype=dtype),
    ]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("learning_rate", [1e-300, 1e-8, 1.0, 1e6])
@pytest.mark.parametrize("momentum", [0.0, 0.9])
@pytest.mark.parametrize("name", ["sgd", "adam"])
def test_optimizer_step_is_finite_for_extreme_gradients_and_rates(
    name, momentum, learning_rate, dtype
):
    """Gradients from subnormal to 1e30 (float32: 1e15), rates 1e-300 to 1e6."""
    optimizer = OPTIMIZERS.resolve(name, "solver", momentum=momentum)
    params = _params(dtype)
    big = 1e15 if dtype == np.float32 else 1e30
    grads = [
        np.array([[big, -big], [TINY, 0.0]], dtype=dtype),
        np.array([-TINY, 1.0], dtype=dtype),
    ]
    optimizer.initialize(params)
    for _ in range(3):
        optimizer.update(params, grads, learning_rate)
    for p in params:
        assert p.dtype == dtype
        assert np.isfinite(p).all()
    if learning_rate == 1e-300 and dtype == np.float64:
        # a vanishing step leaves (almost) every weight where it was
        np.testing.assert_allclose(params[1], [0.5, -0.5])


def test_adam_is_scale_free_so_huge_gradients_take_bounded_steps():
    optimizer = OPTIMIZERS.resolve("adam", "solver")
    params = [np.zeros(3)]
    optimizer.initialize(params)
    optimizer.update(params, [np.array([1e150, -1e150, 1.0])], 0.001)
    # Adam's first step is learning_rate * sign(gradient), whatever its size
    np.testing.assert_allclose(np.abs(params[0]), 0.001, rtol=1e-3)


def test_lbfgs_handles_a_flat_loss():
    optimizer = OPTIMIZERS.resolve("lbfgs", "solver")
    x, n_iter, loss = optimizer.minimize(
        lambda v: (0.0, np.zeros_like(v)),
        np.ones(4),
        max_iter=10,
        tol=1e-4,
        max_fun=100,
        verbose=False,
    )
    np.testing.assert_array_equal(x, np.ones(4))
    assert loss == 0.0 and n_iter <= 10


# -------------------------------------------------------------- estimators


def quiet_fit(estimator, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("error", RuntimeWarning)
        return estimator.fit(X, y)


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    return X, y


@pytest.mark.parametrize("dtype", DTYPES)
def test_constant_columns_train_and_predict(data, dtype):
    X, y = data
    X = np.column_stack([X, np.full(len(X), 3.0), np.zeros(len(X))]).astype(dtype)
    clf = quiet_fit(ScratchMLPClassifier((4,), max_iter=30, random_state=0), X, y)
    proba = clf.predict_proba(X)
    assert proba.dtype == dtype
    assert np.isfinite(proba).all()
    # all samples equal: the network can only learn the class balance
    same = quiet_fit(
        ScratchMLPClassifier((4,), max_iter=30, random_state=0),
        np.ones_like(X),
        y,
    )
    p = same.predict_proba(np.ones_like(X))
    np.testing.assert_allclose(p, p[:1].repeat(len(p), axis=0))


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_subnormal_inputs_train_to_finite_weights(data, solver):
    X, y = data
    clf = quiet_fit(
        ScratchMLPClassifier((4,), solver=solver, max_iter=20, random_state=0),
        X * TINY,
        y,
    )
    assert all(np.isfinite(W).all() for W in clf.coefs_ + clf.intercepts_)
    assert np.isfinite(clf.predict_proba(X * TINY)).all()


@pytest.mark.parametrize("Estimator", [ScratchMLPClassifier, ScratchMLPRegressor])
def test_tiny_learning_rate_barely_moves_the_weights(data, Estimator):
    X, y = data
    params = dict(hidden_layer_sizes=(4,), random_state=0, tol=0)
    params["learning_rate_init"] = 1e-300
    trained = quiet_fit(Estimator(**params, max_iter=5), X, y)
    first = quiet_fit(Estimator(**params, max_iter=1), X, y)
    for W, W0 in zip(trained.coefs_, first.coefs_):
        np.testing.assert_allclose(W, W0, rtol=1e-12)
    assert np.isfinite(trained.loss_curve_).all()
    assert np.isfinite(trained.predict(X)).all()


def _assert_diverged_but_usable(estimator, X, exc_info):
    message = str(exc_info.value)
    assert "non-finite" in message
    # the advice that helps
    assert "learning_rate_init" in message and "StandardScaler" in message
    assert all(np.isfinite(W).all() for W in estimator.coefs_ + estimator.intercepts_)
    assert len(estimator.loss_curve_) == estimator.n_iter_
    assert not np.isfinite(estimator.loss_curve_[-1])


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_huge_learning_rate_stops_with_advice_and_keeps_a_usable_regressor(
    momentum, data
):
    X, _ = data
    y = 1000 * X[:, 0] + 50
    reg = ScratchMLPRegressor(
        (8,),
        activation="relu",
        solver="sgd",
        momentum=momentum,
        learning_rate_init=1e6,
        max_iter=50,
        random_state=0,
    )
    with pytest.raises(ValueError, match="diverged") as exc_info:
        quiet_fit(reg, X, y)
    _assert_diverged_but_usable(reg, X, exc_info)
    assert np.isfinite(reg.predict(X)).all()


def test_huge_inputs_stop_with_advice_to_scale_them(data):
    X, y = data
    huge = X * 1e300
    reg = ScratchMLPRegressor((3,), activation="identity", max_iter=20, random_state=0)
    with pytest.raises(ValueError, match="StandardScaler"):
        quiet_fit(reg, huge, y.astype(float))
    assert all(np.isfinite(W).all() for W in reg.coefs_ + reg.intercepts_)
    # and the advice works: the same data, scaled, trains
    scaled = StandardScaler().fit_transform(huge / 1e300)
    quiet_fit(reg, scaled, y.astype(float))
    assert np.isfinite(reg.predict(scaled)).all()


def test_early_stopping_refuses_weights_whose_outputs_overflow():
    # exponential hidden layers on inputs at -8: the starting weights already
    # overflow (e^(8 * 1.2), then e to thousands), the first epoch's loss is
    # inf, and early stopping keeps the start, whose outputs are inf
    X, y = np.full((3, 1), -8.0), np.zeros(3)
    reg = ScratchMLPRegressor(
        (3, 4), activation="exp", learning_rate_init=1.0, max_iter=1,
        early_stopping=True, validation_fraction=0.5, random_state=1,
    )  # fmt: skip
    with pytest.raises(ValueError, match="outputs overflow on the training data"):
        quiet_fit(reg, X, y)


def test_sigmoid_network_saturates_without_warnings_on_huge_inputs(data):
    """Saturated sigmoids give probabilities of exactly 0 or 1, not NaN."""
    X, y = data
    clf = quiet_fit(ScratchMLPClassifier((4,), max_iter=20, random_state=0), X, y)
    proba = clf.predict_proba(X * 1e30)
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1)
    log_proba = clf.predict_log_proba(X * 1e30)
    assert not np.isnan(log_proba).any()
