"""The fast epochs train exactly as the generic loop over Network.backprop."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.exceptions import ConvergenceWarning

from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor, _base, _fast


def _fit_both(monkeypatch, make, X, y, **fit_params):
    """Fit with the fast epochs, then with the generic loop forced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fast = make().fit(X, y, **fit_params)
        monkeypatch.setattr(_base, "epoch_runner", lambda *args: None)
        generic = make().fit(X, y, **fit_params)
        monkeypatch.undo()
    return fast, generic


def _assert_same_training(fast, generic):
    for a, b in zip(
        fast.coefs_ + fast.intercepts_, generic.coefs_ + generic.intercepts_
    ):
        assert a.dtype == b.dtype
        assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    assert_allclose(fast.loss_curve_, generic.loss_curve_, rtol=1e-9)


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 5))
    y = (X[:, 0] + X[:, 1] ** 2 > 1).astype(int) + (X[:, 2] > 0.5)
    return X, y


@pytest.mark.parametrize("batch_size", [1, 7, 60])
@pytest.mark.parametrize(
    "params",
    [
        {"activation": "sigmoid"},
        {"activation": "tanh", "alpha": 0.01},
        {"activation": "relu", "loss": "log_loss"},
        {"activation": "identity", "solver": "adam"},
        {"activation": "sigmoid", "momentum": 0.9},
    ],
)
def test_fast_epochs_match_generic_loop(monkeypatch, data, batch_size, params):
    X, y = data

    def make():
        return ScratchMLPClassifier(
            hidden_layer_sizes=(4, 3),
            batch_size=batch_size,
            max_iter=5,
            random_state=1,
            **params,
        )

    _assert_same_training(*_fit_both(monkeypatch, make, X, y))


@pytest.mark.parametrize("hidden", [(2,), (8,)])  # Python floats; 1-D buffers
@pytest.mark.parametrize("shuffle", [False, True])
def test_single_sample_updates_match_generic_loop(monkeypatch, data, hidden, shuffle):
    X, y = data
    y = y > 0

    def make():
        return ScratchMLPClassifier(
            hidden_layer_sizes=hidden,
            batch_size=1,
            alpha=0.001,
            shuffle=shuffle,
            max_iter=4,
            random_state=2,
        )

    fast, generic = _fit_both(monkeypatch, make, X, y)
    _assert_same_training(fast, generic)


@pytest.mark.parametrize("batch_size", [1, 16])
def test_sample_weight_and_float32_match_generic_loop(monkeypatch, data, batch_size):
    X, y = data
    weights = np.random.RandomState(3).uniform(0, 2, size=len(y))
    weights[:5] = 0

    def make():
        return ScratchMLPRegressor(
            hidden_layer_sizes=(6,), batch_size=batch_size, max_iter=3, random_state=0
        )

    fast, generic = _fit_both(
        monkeypatch, make, X, y.astype(float), sample_weight=weights
    )
    _assert_same_training(fast, generic)
    fast, generic = _fit_both(monkeypatch, make, X.astype(np.float32), y)
    assert fast.coefs_[0].dtype == np.float32
    for a, b in zip(fast.coefs_, generic.coefs_):
        assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_users_own_activation_takes_the_generic_loop(data):
    class Cube:
        def forward(self, Z):
            return Z**3

        def derivative(self, Z, A):
            return 3 * Z**2

    clf = ScratchMLPClassifier(hidden_layer_sizes=(3,), activation=Cube(), max_iter=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(*data)
    network = _base.Network(
        clf.coefs_,
        clf.intercepts_,
        clf.hidden_activation_,
        clf.output_activation_,
        clf.loss_function_,
    )
    assert _fast.epoch_runner(network, clf.optimizer_, data[0], data[0], 1) is None


def test_chunked_prediction_matches_one_pass(data):
    X, y = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = ScratchMLPClassifier(
            hidden_layer_sizes=(7, 4), max_iter=3, random_state=0
        ).fit(X, y)
    network = _base.Network.for_prediction(
        clf.coefs_, clf.intercepts_, clf.hidden_activation_, clf.output_activation_
    )
    Z, A = network.feedforward(X)
    for rows in (1, 7, len(X)):
        Z_chunked, A_chunked = _fast.forward_in_chunks(network, X, rows)
        # BLAS may sum a product of one row in another order than of many, so
        # a sum that nearly cancels differs in its last bits: the tolerance is
        # relative to the size of the sums, not of each (possibly tiny) one
        assert_allclose(Z_chunked, Z, rtol=1e-12, atol=1e-12 * np.abs(Z).max())
        assert_allclose(A_chunked, A, rtol=1e-12, atol=1e-12 * np.abs(A).max())


@pytest.mark.parametrize(
    "scale, finite",
    [(1.0, True), (1e305, True), (1e308, False)],  # proved; checked; inf - inf
)
def test_outputs_finite_proves_or_checks(scale, finite):
    from sknn_scratch.activations import Identity, Sigmoid

    X = np.array([[1.0, 1.0], [-1.0, 0.5]])
    W = [np.full((2, 3), scale), np.array([[1.0], [-1.0], [1.0]])]
    b = [np.zeros(3), np.zeros(1)]
    # identity hidden layer: its outputs are as large as its sums
    network = _base.Network.for_prediction(W, b, Identity(), Sigmoid())
    assert _fast.outputs_finite(network, X) is finite
    with np.errstate(over="ignore", invalid="ignore"):
        _, A = network.feedforward(X)
    assert np.isfinite(A).all() is np.bool_(finite)


def test_prediction_shortcut_still_refuses_bad_input(data):
    X, y = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = ScratchMLPClassifier(hidden_layer_sizes=(3,), max_iter=2).fit(X, y)
    assert_allclose(clf.predict_proba(X[:1]), clf.predict_proba(X.tolist()[:1]))
    bad = X[:2].copy()
    bad[1, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        clf.predict_proba(bad)
    with pytest.raises(ValueError, match="features"):
        clf.predict_proba(X[:, :3])
