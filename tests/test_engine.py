"""One engine: every fit runs the one training step, with the components' forms.

The article's own fit included; a user's own component, or a subclass of a
built-in, trains exactly as the built-in; the formulas live in the component
modules only.
"""

import ast
import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose
from sklearn.exceptions import ConvergenceWarning

import sknn_scratch
from sknn_scratch import ScratchMLPClassifier
from sknn_scratch._checkpoint import outputs_finite
from sknn_scratch._forms import activation_forms as engine_form
from sknn_scratch._network import Network
from sknn_scratch.activations import (
    Exp,
    Identity,
    ReLU,
    Sigmoid,
    Softplus,
    Tanh,
)
from sknn_scratch.losses import SquaredError
from sknn_scratch.optimizers import SGD


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 5))
    y = (X[:, 0] + X[:, 1] ** 2 > 1).astype(int) + (X[:, 2] > 0.5)
    return X, y


def quiet_fit(estimator, X, y, **fit_params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y, **fit_params)


def assert_same_training(a, b, rtol=1e-12):
    for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        assert p.dtype == q.dtype
        assert_allclose(p, q, rtol=rtol, atol=rtol)
    assert_allclose(a.loss_curve_, b.loss_curve_, rtol=rtol)


# ------------------------------------------- every fit runs the one step


@pytest.mark.parametrize(
    "params, sparse",
    [
        ({}, False),
        ({"solver": "adam", "loss": "log_loss"}, False),
        ({"momentum": 0.9, "batch_size": 1}, False),
        ({"activation": "relu", "batch_size": 7}, True),
        ({"early_stopping": True, "activation": "tanh"}, False),
    ],
)
def test_every_stochastic_fit_runs_the_one_step(monkeypatch, data, params, sparse):
    X, y = data
    steps = []
    step = Network.train_step

    def counted(self, *args):
        steps.append(args[0].shape[0])
        return step(self, *args)

    monkeypatch.setattr(Network, "train_step", counted)
    X_fit = sp.csr_matrix(X) if sparse else X
    clf = quiet_fit(ScratchMLPClassifier((6,), max_iter=2, **params), X_fit, y)
    assert len(steps) >= 2 and sum(steps) == clf.t_


def test_the_articles_fit_runs_backprop_for_every_sample(monkeypatch):
    # no second, faster copy of the step for tiny networks: a reader who
    # steps into the article's fit lands in Network.backprop
    X = np.array([[-2.0, -1.0], [25.0, 6.0], [17.0, 4.0], [-15.0, -6.0]])
    y = np.array([1, 0, 0, 1])
    calls = []
    backprop = Network.backprop

    def counted(self, X_batch, *args, **kwargs):
        calls.append(X_batch.shape[0])
        return backprop(self, X_batch, *args, **kwargs)

    monkeypatch.setattr(Network, "backprop", counted)
    params = {**sknn_scratch.ARTICLE_PARAMS, "max_iter": 3}
    clf = quiet_fit(ScratchMLPClassifier(**params), X, y)
    assert calls == [1] * 12 and clf.t_ == 12


def test_lbfgs_uses_the_steps_loss_and_gradient(monkeypatch, data):
    X, y = data
    calls = []
    backprop = Network.backprop

    def counted(self, *args, **kwargs):
        calls.append(1)
        return backprop(self, *args, **kwargs)

    monkeypatch.setattr(Network, "backprop", counted)
    clf = quiet_fit(ScratchMLPClassifier((6,), solver="lbfgs", max_iter=5), X, y)
    assert len(calls) >= clf.n_iter_ > 0


def test_the_formulas_that_run_are_the_components(monkeypatch, data):
    X, y = data

    def broken(*args, **kwargs):
        raise RuntimeError("not this formula")

    with monkeypatch.context() as patch:
        patch.setattr(Sigmoid, "forward_into", broken)
        with pytest.raises(RuntimeError, match="not this formula"):
            quiet_fit(ScratchMLPClassifier((4,), max_iter=1), X, y)
    with monkeypatch.context() as patch:
        patch.setattr(SGD, "update", broken)
        with pytest.raises(RuntimeError, match="not this formula"):
            quiet_fit(ScratchMLPClassifier((4,), max_iter=1), X, y)
    with monkeypatch.context() as patch:
        patch.setattr(SquaredError, "loss_and_gradient_into", broken)
        with pytest.raises(RuntimeError, match="not this formula"):
            quiet_fit(ScratchMLPClassifier((4,), max_iter=1), X, y)


def test_no_formula_outside_the_component_modules():
    # exp, tanh, log1p, logaddexp and expit belong to activations and losses
    package = Path(sknn_scratch.__file__).parent
    formulas = {"exp", "expm1", "tanh", "log1p", "logaddexp", "expit"}
    found = []
    for path in sorted(package.glob("*.py")):
        if path.name in ("activations.py", "losses.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            name = getattr(node, "attr", None) or getattr(node, "id", None)
            if isinstance(node, ast.Attribute | ast.Name) and name in formulas:
                found.append(f"{path.name}:{node.lineno} {name}")
    assert found == []


# ---------------------------------- users' components train as built-ins


class OwnSigmoid:
    """The documented protocol, nothing more."""

    def forward(self, Z):
        return 1 / (1 + np.exp(-Z))

    def derivative(self, Z, A):
        return A * (1 - A)


class ParameterisedSigmoid(Sigmoid):
    """A subclass that adds a parameter and changes no formula."""

    def __init__(self, note="x"):
        self.note = note


class RedefinedSigmoid(Sigmoid):
    """A subclass that redefines forward: its own formula must be used."""

    def forward(self, Z):
        return 1 / (1 + np.exp(-np.asarray(Z)))


def test_engine_uses_a_components_own_forms_only_when_they_are_its_own():
    assert engine_form(Sigmoid()) is not None
    subclass = ParameterisedSigmoid()
    assert engine_form(subclass) is subclass
    for other in (OwnSigmoid(), RedefinedSigmoid()):
        form = engine_form(other)
        assert form is not other
        assert not form.derivative_from_output
    for builtin in (Sigmoid(), Tanh(), ReLU(), Identity(), Softplus()):
        assert engine_form(builtin) is builtin


@pytest.mark.parametrize(
    "activation", [OwnSigmoid(), ParameterisedSigmoid(), RedefinedSigmoid()], ids=repr
)
@pytest.mark.parametrize("batch_size", [1, 7])
def test_users_sigmoid_trains_exactly_as_the_builtin(data, activation, batch_size):
    X, y = data

    def make(activation):
        return ScratchMLPClassifier(
            (5, 3),
            activation=activation,
            batch_size=batch_size,
            max_iter=3,
            random_state=0,
            # (glorot_uniform scales by the activation's scikit-learn name)
            weight_init="he_uniform",
        )

    builtin = quiet_fit(make("sigmoid"), X, y)
    own = quiet_fit(make(activation), X, y)
    assert_same_training(own, builtin, rtol=1e-9)
    assert_allclose(own.predict_proba(X), builtin.predict_proba(X), rtol=1e-9)


def test_a_components_wrong_output_is_named(data):
    X, y = data

    class Scalar(OwnSigmoid):
        def forward(self, Z):
            return 0.5

    class AList(OwnSigmoid):
        def forward(self, Z):
            return Z.tolist()

    class WrongShape(OwnSigmoid):
        def derivative(self, Z, A):
            return A[:, :1]

    for component in (Scalar(), WrongShape()):
        with pytest.raises(ValueError, match=r"returned .* of shape .*expected"):
            quiet_fit(ScratchMLPClassifier((4,), activation=component), X, y)
    # a list of the right shape is an array like any other
    quiet_fit(ScratchMLPClassifier((4,), activation=AList(), max_iter=1), X, y)


# ------------------------------------------------------------- prediction


def test_chunked_prediction_matches_one_pass(data):
    X, y = data
    clf = quiet_fit(ScratchMLPClassifier((7, 4), max_iter=3, random_state=0), X, y)
    network = Network(
        clf.coefs_, clf.intercepts_, clf.hidden_activation_, clf.output_activation_
    )
    Z, A = network.feedforward(X)
    for rows in (1, 7, len(X)):
        Z_chunked, A_chunked = network.feedforward(X, chunk_rows=rows)
        # BLAS may sum a product of one row in another order than of many, so
        # a sum that nearly cancels differs in its last bits: the tolerance is
        # relative to the size of the sums, not of each (possibly tiny) one
        assert_allclose(Z_chunked, Z, rtol=1e-12, atol=1e-12 * np.abs(Z).max())
        assert_allclose(A_chunked, A, rtol=1e-12, atol=1e-12 * np.abs(A).max())


def test_a_rows_outputs_do_not_depend_on_its_batch(data):
    X, y = data
    clf = quiet_fit(ScratchMLPClassifier((300,), max_iter=2, random_state=0), X, y)
    one_by_one = np.vstack([clf.predict_proba(X[i : i + 1]) for i in range(len(X))])
    # the same formula for every size of array: at most BLAS's summing order
    assert_allclose(one_by_one, clf.predict_proba(X), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize(
    "scale, finite",
    [(1.0, True), (1e305, True), (1e308, False)],  # proved; checked; inf - inf
)
def test_outputs_finite_proves_or_checks(scale, finite):
    X = np.array([[1.0, 1.0], [-1.0, 0.5]])
    W = [np.full((2, 3), scale), np.array([[1.0], [-1.0], [1.0]])]
    b = [np.zeros(3), np.zeros(1)]
    # identity hidden layer: its outputs are as large as its sums
    network = Network(W, b, Identity(), Sigmoid())
    with np.errstate(over="ignore", invalid="ignore"):
        assert outputs_finite(network, X, chunk_rows=1) is finite
        _, A = network.feedforward(X)
    assert np.isfinite(A).all() is np.bool_(finite)


@pytest.mark.parametrize("scale, finite", [(0.001, True), (1.0, False)])
def test_outputs_finite_bounds_an_exponential_layer_by_e_to_its_sums(scale, finite):
    # the first hidden sum is 8: its exponential is e^8 = 2981, not 8; the
    # second is 2981 * scale, whose exponential reaches the largest float
    # at scale 1, and 10 times that overflows the identity output
    X = np.array([[-8.0]])
    coefs = [np.array([[-1.0]]), np.array([[scale]]), np.array([[10.0]])]
    network = Network(coefs, [np.zeros(1)] * 3, Exp(), Identity())
    with np.errstate(over="ignore"):
        assert outputs_finite(network, X, chunk_rows=1) is finite
        _, A = network.feedforward(X)
    assert np.isfinite(A).all() is np.bool_(finite)


def test_prediction_shortcut_still_refuses_bad_input(data):
    X, y = data
    clf = quiet_fit(ScratchMLPClassifier(hidden_layer_sizes=(3,), max_iter=2), X, y)
    assert_allclose(clf.predict_proba(X[:1]), clf.predict_proba(X.tolist()[:1]))
    bad = X[:2].copy()
    bad[1, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        clf.predict_proba(bad)
    with pytest.raises(ValueError, match="features"):
        clf.predict_proba(X[:, :3])
