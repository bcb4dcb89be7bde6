"""Each built-in loss: its formula, its gradient, and fused output deltas."""

import math
import warnings

import numpy as np
import pytest
from sklearn.metrics import log_loss as sklearn_log_loss

from sknn_scratch.activations import Identity, Sigmoid, Softmax
from sknn_scratch.losses import LOSSES, AbsoluteError, Hinge, LogLoss, SquaredError

Y_TRUE = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
# predictions strictly inside (0, 1) and away from the targets: no kinks
Y_PRED = np.array([[0.8, 0.3], [0.25, 0.6], [0.9, 0.45]])
# for the hinge: targets in {-1, 1}, margins t * y_pred away from 1
T_HINGE = 2 * Y_TRUE - 1
Y_HINGE = np.array([[0.4, -1.7], [0.2, 1.5], [2.2, -0.3]])


def per_sample(f, y_true, y_pred):
    """The loss formula summed over outputs, one sample at a time."""
    return np.array(
        [
            sum(f(t, p) for t, p in zip(row_t, row_p))
            for row_t, row_p in zip(y_true, y_pred)
        ]
    )


FORMULAS = {
    "squared_error": (SquaredError(), lambda t, p: (t - p) ** 2, Y_TRUE, Y_PRED),
    "absolute_error": (AbsoluteError(), lambda t, p: abs(t - p), Y_TRUE, Y_PRED),
    "binary log_loss": (
        LogLoss(categorical=False),
        lambda t, p: -(t * math.log(p) + (1 - t) * math.log(1 - p)),
        Y_TRUE,
        Y_PRED,
    ),
    "categorical log_loss": (
        LogLoss(categorical=True),
        lambda t, p: -t * math.log(p),
        Y_TRUE,
        Y_PRED,
    ),
    "hinge": (Hinge(), lambda t, p: max(0.0, 1 - t * p), T_HINGE, Y_HINGE),
    "squared_hinge": (
        Hinge(squared=True),
        lambda t, p: max(0.0, 1 - t * p) ** 2,
        T_HINGE,
        Y_HINGE,
    ),
}


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_loss_is_the_mean_of_the_formula(name):
    loss, f, y_true, y_pred = FORMULAS[name]
    expected = per_sample(f, y_true, y_pred)
    assert loss.loss(y_true, y_pred) == pytest.approx(expected.mean(), rel=1e-14)
    weights = np.array([1.0, 3.0, 0.5])
    assert loss.loss(y_true, y_pred, weights) == pytest.approx(
        np.dot(weights, expected) / weights.sum(), rel=1e-14
    )


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_gradient_matches_finite_differences(name):
    loss, f, y_true, y_pred = FORMULAS[name]
    h = 1e-6
    numeric = np.empty_like(y_pred)
    for index in np.ndindex(y_pred.shape):
        step = np.zeros_like(y_pred)
        step[index] = h
        # the loss of one sample: gradient() is per sample, loss() a mean
        i = index[0]
        plus = loss.loss(y_true[i : i + 1], (y_pred + step)[i : i + 1])
        minus = loss.loss(y_true[i : i + 1], (y_pred - step)[i : i + 1])
        numeric[index] = (plus - minus) / (2 * h)
    np.testing.assert_allclose(
        loss.gradient(y_true, y_pred), numeric, rtol=1e-7, atol=1e-9
    )


def test_squared_error_is_the_articles_mse():
    # always predicting 0 on the article's four people: (1 + 0 + 0 + 1) / 4
    y_true = np.array([[1.0], [0.0], [0.0], [1.0]])
    assert SquaredError().loss(y_true, np.zeros((4, 1))) == 0.5
    # d_L_d_ypred = -2 (1 - ypred), the article's
    assert SquaredError().gradient(np.array([[1.0]]), np.array([[0.524]]))[0, 0] == (
        pytest.approx(-2 * (1 - 0.524))
    )


def test_log_loss_agrees_with_scikit_learn():
    y = np.array([0, 1, 1, 0, 1])
    p = np.array([0.1, 0.8, 0.6, 0.45, 0.99])
    binary = LogLoss(categorical=False).loss(y[:, None].astype(float), p[:, None])
    assert binary == pytest.approx(sklearn_log_loss(y, p), rel=1e-12)
    P = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3]])
    Y = np.eye(3)[[0, 2, 1]]
    categorical = LogLoss(categorical=True).loss(Y, P)
    assert categorical == pytest.approx(sklearn_log_loss([0, 2, 1], P), rel=1e-12)


def test_log_loss_stays_finite_at_certain_wrong_predictions():
    y_true = np.array([[1.0, 0.0]])
    y_pred = np.array([[0.0, 1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            for categorical in (False, True):
                loss = LogLoss(categorical=categorical)
                assert np.isfinite(loss.loss(y_true, y_pred))
                assert np.all(np.isfinite(loss.gradient(y_true, y_pred)))


def test_log_loss_form_follows_the_output_activation():
    assert LogLoss().for_output(Softmax()).categorical is True
    assert LogLoss().for_output(Sigmoid()).categorical is False
    # a form chosen by the user is kept
    assert LogLoss(categorical=False).for_output(Softmax()).categorical is False


@pytest.mark.parametrize(
    ("loss", "activation", "Z"),
    [
        (SquaredError(), Identity(), np.array([[0.3, -1.0], [2.0, 0.5]])),
        (LogLoss(categorical=False), Sigmoid(), np.array([[0.3, -1.0], [2.0, 0.5]])),
        (LogLoss(categorical=True), Softmax(), np.array([[0.3, -1.0], [2.0, 0.5]])),
    ],
    ids=["squared_error+identity", "binary log_loss+sigmoid", "log_loss+softmax"],
)
def test_fused_output_delta_equals_the_chain_rule(loss, activation, Z):
    y = np.array([[1.0, 0.0], [0.0, 1.0]])
    A = activation.forward(Z)
    fused = fused_delta(loss, y, A, activation)
    assert fused is not None
    chain = activation.backward(Z, A, loss.gradient(y, A))
    np.testing.assert_allclose(fused, chain, rtol=1e-12)


def fused_delta(loss, y, A, activation):
    """``dL/dZ`` of the output layer in one step, as the training step takes it."""
    if not loss.fuses_with(activation):
        return None
    out = np.empty_like(A)
    loss.loss_and_output_delta_into(y, A, None, out)
    return out


def test_no_fused_delta_for_other_pairs():
    y, A = Y_TRUE, Y_PRED
    assert fused_delta(SquaredError(), y, A, Sigmoid()) is None
    assert fused_delta(LogLoss(categorical=True), y, A, Sigmoid()) is None
    assert fused_delta(AbsoluteError(), y, A, Identity()) is None


def test_default_output_activations_and_target_ranges():
    assert SquaredError().output_activation == "sigmoid"
    assert LogLoss().output_activation == "softmax"
    assert Hinge().output_activation == "identity"
    assert Hinge().target_range == (-1, 1)
    assert SquaredError().target_range == (0, 1)


def test_squared_hinge_is_registered_as_a_hinge_with_squared_true():
    loss = LOSSES.resolve("squared_hinge", "loss")
    assert loss == Hinge(squared=True)
    assert repr(loss) == "Hinge(squared=True)"


def test_zero_total_weight_gives_zero_loss_not_nan():
    weights = np.zeros(3)
    for loss, _, y_true, y_pred in FORMULAS.values():
        assert loss.loss(y_true, y_pred, weights) == 0.0
