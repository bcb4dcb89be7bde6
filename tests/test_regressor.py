"""ScratchMLPRegressor: the article's MSE with an identity output."""

import inspect
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score
from sklearn.neural_network import MLPRegressor
from sklearn.preprocessing import StandardScaler

from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor

SKLEARN_MESSAGE = (
    "Solver produced non-finite parameter weights. The input data may contain "
    "large values and need to be preprocessed."
)


@pytest.fixture(scope="module")
def data():
    X, y = make_regression(
        n_samples=150, n_features=4, n_targets=2, noise=1.0, random_state=0
    )
    X = StandardScaler().fit_transform(X)
    return X, y / y.std(axis=0)


def quiet_fit(estimator, X, y, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y, **kwargs)


def test_defaults_are_the_articles_loss_and_an_identity_output(data):
    X, y = data
    reg = ScratchMLPRegressor()
    assert reg.loss == "squared_error"
    # the regressor's method is MLPRegressor's: ReLU neurons under Adam
    assert (reg.activation, reg.solver) == ("relu", "adam")
    quiet_fit(
        reg.set_params(max_iter=2, hidden_layer_sizes=(3,), random_state=0), X, y[:, 0]
    )
    assert reg.out_activation_ == "identity"
    # the output is the last layer's weighted sum, unsquashed
    hidden = np.maximum(X @ reg.coefs_[0] + reg.intercepts_[0], 0)
    expected = hidden @ reg.coefs_[1] + reg.intercepts_[1]
    # a prediction near 0 is a sum that nearly cancels: compare on its scale
    atol = 1e-12 * np.abs(expected).max()
    np.testing.assert_allclose(reg.predict(X), expected[:, 0], rtol=1e-12, atol=atol)


def test_loss_curve_is_the_mean_squared_error_without_a_half(data):
    X, y = data
    reg = ScratchMLPRegressor(
        hidden_layer_sizes=(4,),
        batch_size=1000,
        max_iter=1,
        alpha=0.0,
        learning_rate_init=1e-12,
        random_state=0,
    )
    # a learning rate this small leaves the weights as they started: the
    # first epoch's loss is the MSE of the initial network
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reg.fit(X, y)
    mse = np.mean(np.sum((reg.predict(X) - y) ** 2, axis=1))
    assert reg.loss_curve_[0] == pytest.approx(mse, rel=1e-6)


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_multi_output_targets_are_learnt(data, solver):
    X, y = data
    reg = quiet_fit(
        ScratchMLPRegressor(
            hidden_layer_sizes=(16,),
            solver=solver,
            batch_size=16,
            max_iter=300,
            random_state=0,
        ),
        X,
        y,
    )
    assert reg.n_outputs_ == 2
    pred = reg.predict(X)
    assert pred.shape == (150, 2)
    assert reg.score(X, y) == pytest.approx(r2_score(y, pred))
    assert reg.score(X, y) > 0.95


def test_single_output_predictions_are_one_dimensional(data):
    X, y = data
    reg = quiet_fit(ScratchMLPRegressor(max_iter=3, random_state=0), X, y[:, 0])
    assert reg.predict(X).shape == (150,)
    assert reg.n_outputs_ == 1
    # a column vector y is raveled with a warning, as in scikit-learn
    with pytest.warns(Warning, match="column-vector y"):
        quiet_fit(ScratchMLPRegressor(max_iter=1), X, y[:, :1])


def test_score_is_r2_with_sample_weight(data):
    X, y = data
    reg = quiet_fit(ScratchMLPRegressor(max_iter=20, random_state=0), X, y)
    sw = np.linspace(0.1, 3, 150)
    assert reg.score(X, y, sample_weight=sw) == pytest.approx(
        r2_score(y, reg.predict(X), sample_weight=sw)
    )


def test_same_parameters_as_classifier_and_as_mlpregressor():
    ours = set(inspect.signature(ScratchMLPRegressor).parameters)
    classifier = set(inspect.signature(ScratchMLPClassifier).parameters)
    assert classifier - ours == {"class_weight"}
    # every MLPRegressor parameter exists here, with the same name
    assert set(inspect.signature(MLPRegressor).parameters) - ours == set()


def test_same_fitted_attributes_as_mlpregressor(data):
    X, y = data
    ours = quiet_fit(ScratchMLPRegressor(max_iter=3, random_state=0), X, y)
    theirs = quiet_fit(MLPRegressor(max_iter=3, random_state=0), X, y)
    public = {a for a in vars(theirs) if a.endswith("_") and not a.startswith("_")}
    assert public - set(vars(ours)) == set()
    for name in ("n_iter_", "n_layers_", "n_outputs_", "out_activation_", "t_"):
        assert getattr(ours, name) == getattr(theirs, name), name


def test_partial_fit_keeps_training(data):
    X, y = data
    reg = ScratchMLPRegressor(hidden_layer_sizes=(8,), batch_size=16, random_state=0)
    losses = []
    for _ in range(30):
        reg.partial_fit(X, y)
        losses.append(reg.loss_)
    assert reg.n_iter_ == 1
    assert reg.t_ == 30 * len(X)
    assert losses[-1] < losses[0] / 2
    with pytest.raises(ValueError, match="outputs"):
        reg.partial_fit(X, y[:, 0])


def test_lbfgs_has_no_partial_fit():
    assert not hasattr(ScratchMLPRegressor(solver="lbfgs"), "partial_fit")
    assert hasattr(ScratchMLPRegressor(solver="adam"), "partial_fit")


def test_non_finite_weights_raise_mlpregressors_message():
    rng = np.random.RandomState(0)
    X = rng.randn(50, 3) * 1e3
    y = X @ [1.0, 2.0, 3.0] * 1e6
    reg = ScratchMLPRegressor(
        hidden_layer_sizes=(5,),
        activation="relu",
        solver="sgd",
        learning_rate_init=1.0,
        max_iter=50,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError) as got:
            reg.fit(X, y)
        with pytest.raises(ValueError) as expected:
            MLPRegressor(
                hidden_layer_sizes=(5,),
                solver="sgd",
                learning_rate_init=1.0,
                max_iter=50,
                random_state=0,
            ).fit(X, y)
    assert str(expected.value) == SKLEARN_MESSAGE
    assert str(got.value).startswith(SKLEARN_MESSAGE)


class InfiniteSolver:
    """A full-batch solver that ends on infinite weights."""

    stochastic = False

    def minimize(self, fun, x0, *, max_iter, tol, max_fun, verbose):
        fun(x0)
        return np.full_like(x0, np.inf), 1, np.inf


def test_non_finite_weights_from_any_solver_raise_mlpregressors_message(data):
    X, y = data
    with pytest.raises(ValueError) as got:
        ScratchMLPRegressor(solver=InfiniteSolver()).fit(X, y)
    assert str(got.value) == SKLEARN_MESSAGE


@pytest.mark.parametrize("n_targets", [1, 2])
def test_half_the_rate_and_twice_alpha_follow_mlpregressor(data, n_targets):
    """The squared error without 1/2 has twice the gradient of MLPRegressor's."""
    X, y = data
    y = y[:, 0] if n_targets == 1 else y
    # (with several targets MLPRegressor divides its reported data term, not
    # its penalty, by their number: its loss_ is compared without a penalty)
    alpha = 1e-3 if n_targets == 1 else 0.0
    common = dict(
        hidden_layer_sizes=(5,),
        activation="tanh",
        batch_size=10,
        shuffle=False,
        max_iter=5,
        momentum=0.0,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = ScratchMLPRegressor(
            **common,
            solver="sgd",
            learning_rate="constant",
            learning_rate_init=0.005,
            alpha=2 * alpha,
        )
        theirs = MLPRegressor(
            **common, solver="sgd", learning_rate_init=0.01, alpha=alpha
        )
        ours.fit(X, y)
        theirs.fit(X, y)
    for W_ours, W_theirs in zip(
        ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_
    ):
        np.testing.assert_allclose(W_ours, W_theirs, rtol=1e-9, atol=1e-12)
    # MLPRegressor reports the mean over targets as well as samples (its
    # gradient, like ours, is of the sum over targets)
    np.testing.assert_allclose(
        np.array(ours.loss_curve_) / 2,
        np.array(theirs.loss_curve_) * n_targets,
        rtol=1e-9,
    )
