"""dropout: inverted dropout on the hidden layers' outputs, in training only.

The masks are what the chain rule goes through (a step with dropout is the
gradient of the dropped network), prediction drops nothing, fits repeat
with random_state, and every stochastic path takes it; L-BFGS refuses it.
"""

import copy
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor, check_gradients
from sknn_scratch._dropout import Dropout
from sknn_scratch._network import Network
from sknn_scratch.activations import ReLU, Sigmoid, Tanh
from sknn_scratch.losses import SquaredError

pytestmark = pytest.mark.filterwarnings("ignore", category=ConvergenceWarning)


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(
        n_samples=120, n_features=6, n_informative=4, n_classes=3, random_state=0
    )
    return StandardScaler().fit_transform(X), y


def _clf(**params):
    defaults = dict(hidden_layer_sizes=(16, 8), max_iter=10, random_state=0)
    return ScratchMLPClassifier(**{**defaults, **params})


# ------------------------------------------------------------- the masks


class _FixedMasks(Dropout):
    """Dropout with given masks (0/1 per output), to check the step by hand."""

    def __init__(self, rates, kept):
        super().__init__(rates, 0, _numpy_backend())
        self.kept = kept

    def _draw(self, i, A):
        self._masks[i] = self.kept[i] / (1 - self.rates[i])
        return self._masks[i]


def _numpy_backend():
    from sknn_scratch._array import backend_of

    return backend_of(np.zeros(1))


def _network(dropout):
    rng = np.random.RandomState(0)
    coefs = [rng.normal(size=s) for s in [(3, 5), (5, 4), (4, 2)]]
    intercepts = [rng.normal(size=n) for n in (5, 4, 2)]
    return Network(
        coefs, intercepts, [Tanh(), Sigmoid()], Sigmoid(), SquaredError(), 0.0, dropout
    )


def test_a_step_is_the_gradient_of_the_network_with_those_neurons_dropped():
    rng = np.random.RandomState(1)
    X, Y = rng.normal(size=(6, 3)), rng.uniform(size=(6, 2))
    rates = [0.5, 0.25]
    kept = [rng.uniform(size=(6, 5)) > 0.5, rng.uniform(size=(6, 4)) > 0.25]
    network = _network(_FixedMasks(rates, kept))
    loss = network.backprop(X, Y)
    analytic = [g.copy() for g in network.grads]

    # the same network written out, each hidden output times its mask / (1 - p)
    def objective(params):
        W0, W1, W2, b0, b1, b2 = params
        A = np.tanh(X @ W0 + b0) * kept[0] / (1 - rates[0])
        A = 1 / (1 + np.exp(-(A @ W1 + b1))) * kept[1] / (1 - rates[1])
        out = 1 / (1 + np.exp(-(A @ W2 + b2)))
        # (the package's squared error: summed over outputs, mean over samples)
        return np.mean(np.sum((Y - out) ** 2, axis=1))

    params = [p.copy() for p in network.params]
    assert loss == pytest.approx(objective(params), rel=1e-12)
    for k, param in enumerate(params):
        numeric = np.empty_like(param)
        for index in np.ndindex(param.shape):
            plus, minus = [p.copy() for p in params], [p.copy() for p in params]
            plus[k][index] += 1e-6
            minus[k][index] -= 1e-6
            numeric[index] = (objective(plus) - objective(minus)) / 2e-6
        np.testing.assert_allclose(analytic[k], numeric, rtol=1e-5, atol=1e-9)


def test_masks_drop_about_the_rate_and_keep_the_mean():
    dropout = Dropout([0.3], seed=0, backend=_numpy_backend())
    A = np.ones((2000, 50))
    D = dropout.forward(0, A)
    assert np.mean(D == 0) == pytest.approx(0.3, abs=0.01)
    assert np.unique(D).tolist() == pytest.approx([0.0, 1 / 0.7])
    assert D.mean() == pytest.approx(1.0, abs=0.02)
    np.testing.assert_array_equal(A, 1.0)  # the outputs themselves unchanged


def test_a_rate_of_zero_in_a_list_leaves_that_layer_alone():
    dropout = Dropout([0.0, 0.5], seed=0, backend=_numpy_backend())
    A = np.ones((10, 4))
    assert dropout.forward(0, A) is A
    assert dropout.output(0, A) is A


# ------------------------------------------------------------ estimators


def test_prediction_drops_nothing(data):
    X, y = data
    clf = _clf(dropout=0.5).fit(X, y)
    np.testing.assert_array_equal(clf.predict_proba(X), clf.predict_proba(X))
    # the fitted network through its weights, without any mask
    A = X
    for W, b in zip(clf.coefs_[:-1], clf.intercepts_[:-1]):
        A = 1 / (1 + np.exp(-(A @ W + b)))
    np.testing.assert_allclose(clf.transform(X), A, rtol=1e-12)


def test_dropout_changes_training_and_zero_changes_nothing(data):
    X, y = data
    plain = _clf().fit(X, y)
    zero = _clf(dropout=0.0).fit(X, y)
    zeros = _clf(dropout=[0, 0.0]).fit(X, y)
    dropped = _clf(dropout=0.3).fit(X, y)
    assert plain.loss_curve_ == zero.loss_curve_ == zeros.loss_curve_
    assert dropped.loss_curve_ != plain.loss_curve_


def test_the_same_random_state_repeats_the_masks(data):
    X, y = data
    first, second = (_clf(dropout=0.4).fit(X, y) for _ in range(2))
    assert first.loss_curve_ == second.loss_curve_
    other = _clf(dropout=0.4, random_state=1).fit(X, y)
    assert other.loss_curve_ != first.loss_curve_


def test_a_rate_per_hidden_layer(data):
    X, y = data
    clf = _clf(dropout=[0.5, 0.0]).fit(X, y)
    assert clf.loss_curve_ != _clf(dropout=[0.0, 0.5]).fit(X, y).loss_curve_


@pytest.mark.parametrize(
    "dropout, match",
    [([0.2], r"dropout has 1 rate, .* pass 2 rate"), ([0.1, 1.0], r"dropout\[1\]")],
)
def test_bad_rates_are_refused(data, dropout, match):
    X, y = data
    with pytest.raises(ValueError, match=match):
        _clf(dropout=dropout).fit(X, y)


def test_lbfgs_refuses_dropout(data):
    X, y = data
    clf = _clf(solver="lbfgs", dropout=0.2)
    with pytest.raises(ValueError, match="needs a stochastic solver"):
        clf.fit(X, y)
    assert not hasattr(clf, "coefs_")


@pytest.mark.parametrize(
    "params",
    [
        {"solver": "sgd", "momentum": 0.9},
        {"solver": "adam"},
        {"solver": "sgd", "batch_size": 1},
        {"solver": "adam", "early_stopping": True},
    ],
    ids=["sgd-momentum", "adam", "one-sample", "early-stopping"],
)
def test_every_stochastic_solver_learns_with_dropout(data, params):
    X, y = data
    make = lambda dropout: _clf(  # noqa: E731
        dropout=dropout,
        max_iter=60,
        activation="tanh",
        loss="log_loss",
        learning_rate_init=0.01,
        **params,
    )
    dropped, plain = make(0.2).fit(X, y), make(0.0).fit(X, y)
    # far above chance (1/3), and near the same fit without dropout
    assert dropped.score(X, y) > 0.6
    assert dropped.score(X, y) > plain.score(X, y) - 0.1


def test_partial_fit_and_warm_start_go_on_with_new_masks(data):
    X, y = data
    clf = _clf(dropout=0.3, solver="adam")
    for _ in range(3):
        clf.partial_fit(X, y, classes=np.unique(y))
    again = _clf(dropout=0.3, solver="adam")
    for _ in range(3):
        again.partial_fit(X, y, classes=np.unique(y))
    assert clf.loss_curve_ == again.loss_curve_
    assert len(set(clf.loss_curve_)) == 3
    warm = _clf(dropout=0.3, warm_start=True, max_iter=3).fit(X, y)
    warm.fit(X, y)
    assert len(warm.loss_curve_) == 6


def test_float32_trains_in_float32(data):
    X, y = data
    clf = _clf(dropout=0.3).fit(X.astype(np.float32), y)
    assert all(W.dtype == np.float32 for W in clf.coefs_)
    np.testing.assert_allclose(
        clf.loss_curve_, _clf(dropout=0.3).fit(X, y).loss_curve_, rtol=1e-3
    )


def test_sparse_x_trains_as_dense(data):
    X, y = data
    dense = _clf(dropout=0.3).fit(X, y)
    sparse = _clf(dropout=0.3).fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(sparse.loss_curve_, dense.loss_curve_, rtol=1e-10)


def test_the_regressor_takes_dropout(data):
    X, y = data
    reg = ScratchMLPRegressor((16,), dropout=0.2, max_iter=20, random_state=0)
    assert (
        reg.fit(X, y * 1.0).loss_curve_
        != (
            ScratchMLPRegressor((16,), max_iter=20, random_state=0).fit(X, y * 1.0)
        ).loss_curve_
    )


def test_check_gradients_checks_the_network_with_dropout_off(data):
    X, y = data
    clf = _clf(dropout=0.5, activation=["tanh", ReLU()]).fit(X, y)
    before = copy.deepcopy(clf.coefs_)
    assert check_gradients(clf, X[:10], y[:10]) < 1e-4
    # unfitted: its one epoch of training may drop, the check does not
    assert check_gradients(_clf(dropout=0.5, activation="tanh"), X[:10], y[:10]) < 1e-4
    for W, V in zip(before, clf.coefs_):
        np.testing.assert_array_equal(W, V)


def test_onnx_export_is_the_network_without_dropout(data):
    ort = pytest.importorskip("onnxruntime")
    from skl2onnx import to_onnx

    import sknn_scratch.onnx  # noqa: F401

    X, y = data
    clf = _clf(dropout=0.5).fit(X, y)
    X32 = X.astype(np.float32)
    onx = to_onnx(clf, X32, options={id(clf): {"zipmap": False}})
    session = ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    _, proba = session.run(None, {session.get_inputs()[0].name: X32})
    np.testing.assert_allclose(proba, clf.predict_proba(X32), atol=1e-5)


def test_trains_on_torch_tensors_as_on_numpy(data):
    torch = pytest.importorskip("torch")
    X, y = data
    expected = _clf(dropout=0.3).fit(X, y)
    with sklearn.config_context(array_api_dispatch=True):
        fitted = _clf(dropout=0.3).fit(torch.asarray(X), torch.asarray(y))
    assert isinstance(fitted.coefs_[0], torch.Tensor)
    np.testing.assert_allclose(fitted.loss_curve_, expected.loss_curve_, rtol=1e-6)


def test_array_api_strict_arrays(data):
    strict = pytest.importorskip("array_api_strict")
    X, y = data
    expected = _clf(dropout=0.3).fit(X, y)
    with sklearn.config_context(array_api_dispatch=True):
        fitted = _clf(dropout=0.3).fit(strict.asarray(X), strict.asarray(y))
    np.testing.assert_allclose(fitted.loss_curve_, expected.loss_curve_, rtol=1e-6)


def test_no_warning_of_the_arithmetic(data):
    X, y = data
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        _clf(dropout=0.9, max_iter=3).fit(X, y)
