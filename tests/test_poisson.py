"""The Poisson loss of the regressor, with its exponential output, as MLPRegressor.

Half the Poisson deviance, for counts and rates: with an exponential output
(its canonical link) and no hidden layer, the network is a Poisson GLM.
Which losses each estimator accepts, and the names its errors list, follow
from the losses themselves.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import PoissonRegressor
from sklearn.metrics import mean_poisson_deviance
from sklearn.neural_network._base import poisson_loss
from sklearn.utils._param_validation import InvalidParameterError

from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor, check_gradients
from sknn_scratch.activations import Exp
from sknn_scratch.losses import LOSSES, LogLoss, Poisson


@pytest.fixture(scope="module")
def counts():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(200, 3))
    y = rng.poisson(np.exp(1 + X @ [1.0, -0.5, 0.0]))
    return X, y


# scikit-learn's own test (sklearn/neural_network/tests/test_mlp.py), run on
# ours: its global_random_seed is 42 by default, and any seed must pass
@pytest.mark.parametrize("global_random_seed", [0, 1, 42])
def test_mlp_vs_poisson_glm_equivalent(global_random_seed):
    """Test MLP with Poisson loss and no hidden layer equals GLM."""
    n = 100
    rng = np.random.default_rng(global_random_seed)
    X = np.linspace(0, 1, n)
    y = rng.poisson(np.exp(X + 1))
    X = X.reshape(n, -1)
    glm = PoissonRegressor(alpha=0, tol=1e-7).fit(X, y)
    # Unfortunately, we can't set a zero hidden_layer_size, so we use a trick by using
    # just one hidden layer node with an identity activation. Coefficients will
    # therefore be different, but predictions are the same.
    mlp = ScratchMLPRegressor(
        loss="poisson",
        hidden_layer_sizes=(1,),
        activation="identity",
        alpha=0,
        solver="lbfgs",
        tol=1e-7,
        random_state=np.random.RandomState(global_random_seed + 1),
    ).fit(X, y)

    assert_allclose(mlp.predict(X), glm.predict(X), rtol=1e-4)

    # The same does not work with the squared error because the output activation is
    # the identity instead of the exponential.
    mlp = ScratchMLPRegressor(
        loss="squared_error",
        hidden_layer_sizes=(1,),
        activation="identity",
        alpha=0,
        solver="lbfgs",
        tol=1e-7,
        random_state=np.random.RandomState(global_random_seed + 1),
    ).fit(X, y)
    assert not np.allclose(mlp.predict(X), glm.predict(X), rtol=1e-4)


def test_no_hidden_layer_is_the_poisson_glm_itself():
    # here a zero hidden_layer_size exists: the coefficients are the GLM's
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 1, size=(100, 2))
    y = rng.poisson(np.exp(X @ [1.0, -1.0] + 1))
    glm = PoissonRegressor(alpha=0, tol=1e-7).fit(X, y)
    mlp = ScratchMLPRegressor(
        (), loss="poisson", alpha=0, solver="lbfgs", tol=1e-7, random_state=0
    ).fit(X, y)
    assert_allclose(mlp.coefs_[0][:, 0], glm.coef_, rtol=1e-4)
    assert_allclose(mlp.intercepts_[0][0], glm.intercept_, rtol=1e-4)


def test_the_loss_is_mlpregressors_half_poisson_deviance():
    rng = np.random.RandomState(0)
    y_true = rng.poisson(3.0, size=(50, 2)).astype(float)
    y_pred = rng.uniform(0.1, 6, size=(50, 2))
    weights = rng.uniform(0, 2, size=50)
    loss = Poisson()
    assert loss.loss(y_true, y_pred) == pytest.approx(poisson_loss(y_true, y_pred))
    assert loss.loss(y_true, y_pred, weights) == pytest.approx(
        poisson_loss(y_true, y_pred, weights)
    )
    # dL/dy_pred = 1 - y / y_pred, per sample
    assert_allclose(loss.gradient(y_true, y_pred), 1 - y_true / y_pred)
    # through the exponential, its canonical link: dL/dZ = exp(Z) - y
    Z = np.log(y_pred)
    assert loss.fuses_with(Exp())
    delta = np.empty_like(y_pred)
    loss.loss_and_output_delta_into(y_true, np.exp(Z), None, delta)
    assert_allclose(delta, y_pred - y_true)


def test_the_exponential_is_finite_for_large_sums():
    for dtype in (np.float32, np.float64):
        big = np.array([[1e3, 1e300 if dtype == np.float64 else 1e30, 0.0]], dtype)
        with np.errstate(over="raise"):
            A = Exp().forward(big)
        assert A.dtype == dtype
        assert np.isfinite(A).all()
        assert A[0, 2] == 1.0
    # the largest finite exponential of float64, not the largest float
    assert Exp().forward([1e300])[0] == np.exp(np.float64(709.782712893384))


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_every_solver_fits_counts(counts, solver):
    X, y = counts
    reg = ScratchMLPRegressor(
        (8,), loss="poisson", solver=solver, max_iter=300, random_state=0
    )
    with warnings.catch_warnings():
        # lbfgs goes on past 300 iterations
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.fit(X, y)
    assert reg.out_activation_ == "exp"
    assert isinstance(reg.output_activation_, Exp)
    prediction = reg.predict(X)
    assert (prediction > 0).all()
    # about as good as the true rates (0.52 of the deviance of the mean
    # count; MLPRegressor's sgd, adam and lbfgs: 0.49, 0.54, 0.43)
    constant = np.full(len(y), y.mean())
    assert mean_poisson_deviance(y, prediction) < 0.6 * mean_poisson_deviance(
        y, constant
    )


def test_gradients_of_the_poisson_network(counts):
    X, y = counts
    reg = ScratchMLPRegressor((4, 3), loss="poisson", alpha=0.01, random_state=0)
    assert check_gradients(reg, X[:20], y[:20]) < 1e-4


def test_negative_targets_are_refused(counts):
    X, y = counts
    with pytest.raises(ValueError, match="out of the valid range of the loss"):
        ScratchMLPRegressor(loss="poisson").fit(X, y - 5.0)


# ------------------------------------------- which losses suit which estimator


def test_the_regressors_unknown_loss_lists_regression_losses_only(counts):
    X, y = counts
    with pytest.raises(InvalidParameterError) as info:
        ScratchMLPRegressor(loss="nope").fit(X, y)
    message = str(info.value)
    for name in ("'squared_error'", "'absolute_error'", "'poisson'"):
        assert name in message
    for name in ("log_loss", "hinge"):
        assert name not in message


def test_the_classifiers_unknown_loss_lists_classification_losses_only(counts):
    X, y = counts
    with pytest.raises(InvalidParameterError) as info:
        ScratchMLPClassifier(loss="nope").fit(X, y > 2)
    message = str(info.value)
    for name in ("'squared_error'", "'log_loss'", "'hinge'", "'squared_hinge'"):
        assert name in message
    assert "poisson" not in message


@pytest.mark.parametrize(
    "Estimator, loss",
    [
        (ScratchMLPRegressor, "log_loss"),
        (ScratchMLPRegressor, "hinge"),
        (ScratchMLPRegressor, LogLoss()),
        (ScratchMLPClassifier, "poisson"),
        (ScratchMLPClassifier, Poisson()),
    ],
    ids=repr,
)
def test_a_loss_for_the_other_kind_of_estimator_is_refused(counts, Estimator, loss):
    X, y = counts
    y = y > 2 if Estimator is ScratchMLPClassifier else y
    with pytest.raises(InvalidParameterError, match="'loss' parameter") as info:
        Estimator(loss=loss).fit(X, y)
    kind = "classifier" if Estimator is ScratchMLPClassifier else "regressor"
    assert f"a loss for a {kind}" in str(info.value)


def test_losses_say_which_estimators_they_suit():
    suits = {
        name: LOSSES.resolve(name, "loss").estimator_types for name in LOSSES.names()
    }
    assert (
        suits["squared_error"]
        == suits["absolute_error"]
        == (
            "classifier",
            "regressor",
        )
    )
    assert suits["log_loss"] == suits["hinge"] == suits["squared_hinge"]
    assert suits["log_loss"] == ("classifier",)
    assert suits["poisson"] == ("regressor",)
    assert Poisson().output_activation == "exp"
