"""Sparse X: trained and predicted on without ever being densified whole."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor

FORMATS = {
    "csr_matrix": sp.csr_matrix,
    "csc_matrix": sp.csc_matrix,
    "csr_array": sp.csr_array,
    "csc_array": sp.csc_array,
}


@pytest.fixture(scope="module")
def data():
    X = sp.random(60, 30, density=0.1, format="csr", random_state=0)
    rng = np.random.RandomState(0)
    row_sums = np.asarray(X.sum(axis=1)).ravel()
    y = (row_sums > np.median(row_sums)).astype(int)
    return X, y, rng.randn(60)


@pytest.fixture
def no_densify(monkeypatch):
    """Make densifying any sparse container an error."""

    def refuse(self, *args, **kwargs):
        raise AssertionError("a sparse X was densified")

    for cls in (sp.csr_matrix, sp.csc_matrix, sp.csr_array, sp.csc_array):
        for name in ("toarray", "todense", "__array__"):
            monkeypatch.setattr(cls, name, refuse, raising=False)


def quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return fn(*args, **kwargs)


def assert_same_model(a, b):
    for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("Estimator", [ScratchMLPClassifier, ScratchMLPRegressor])
@pytest.mark.parametrize(
    "params",
    [
        {"solver": "sgd", "batch_size": 16},
        {"solver": "adam", "batch_size": 16, "early_stopping": True},
        # (sigmoids for both: a ReLU network's outputs near 0 differ in
        # relative terms beyond 1e-12 where the dense and sparse products
        # round apart)
        {"solver": "lbfgs", "activation": "sigmoid", "tol": 1e-4},
    ],
    ids=["sgd", "adam-early-stopping", "lbfgs"],
)
def test_fit_and_predict_equal_dense_results(data, fmt, Estimator, params, request):
    X, y_class, y_real = data
    y = y_class if Estimator is ScratchMLPClassifier else y_real
    X_sparse = FORMATS[fmt](X)
    X_dense = X.toarray()
    make = lambda: Estimator(  # noqa: E731
        hidden_layer_sizes=(7,), max_iter=8, random_state=0, **params
    )
    dense = quiet(make().fit, X_dense, y)

    request.getfixturevalue("no_densify")
    sparse = quiet(make().fit, X_sparse, y)
    assert_same_model(dense, sparse)
    if Estimator is ScratchMLPRegressor:
        # (atol: a prediction near 0 rounds apart by 1e-14 in absolute terms,
        # more than 1e-12 of itself)
        np.testing.assert_allclose(
            sparse.predict(X_sparse), dense.predict(X_dense), rtol=1e-12, atol=1e-12
        )
    else:
        np.testing.assert_allclose(
            sparse.predict_proba(X_sparse), dense.predict_proba(X_dense), rtol=1e-12
        )
        np.testing.assert_array_equal(sparse.predict(X_sparse), dense.predict(X_dense))


def test_the_densify_guard_catches_densifying(data, no_densify):
    with pytest.raises(AssertionError, match="densified"):
        sp.csr_matrix(data[0]).toarray()


@pytest.mark.parametrize("fmt", ["csr_matrix", "csc_array"])
@pytest.mark.parametrize("Estimator", [ScratchMLPClassifier, ScratchMLPRegressor])
def test_partial_fit_equals_dense(data, fmt, Estimator, request):
    X, y_class, y_real = data
    y = y_class if Estimator is ScratchMLPClassifier else y_real
    kwargs = {"classes": [0, 1]} if Estimator is ScratchMLPClassifier else {}
    sw = np.linspace(0.5, 1.5, 60)
    dense = Estimator(hidden_layer_sizes=(5,), batch_size=10, random_state=0)
    sparse = Estimator(hidden_layer_sizes=(5,), batch_size=10, random_state=0)
    X_dense = X.toarray()
    for _ in range(3):
        dense.partial_fit(X_dense, y, sample_weight=sw, **kwargs)

    request.getfixturevalue("no_densify")
    for _ in range(3):
        sparse.partial_fit(FORMATS[fmt](X), y, sample_weight=sw, **kwargs)
    assert_same_model(dense, sparse)


@pytest.mark.parametrize("fmt", ["csr_matrix", "csr_array"])
def test_huge_sparse_input_whose_dense_form_cannot_exist(fmt, no_densify):
    # 200,000 x 50,000 float64 would be 80 GB: more than this machine has, so
    # any densifying (whole or in a copy) fails
    n_samples, n_features = 200_000, 50_000
    rng = np.random.RandomState(0)
    rows = np.arange(n_samples)
    cols = rng.randint(0, n_features, size=n_samples)
    X = FORMATS[fmt](
        sp.coo_matrix(
            (np.ones(n_samples), (rows, cols)), shape=(n_samples, n_features)
        ).tocsr()
    )
    y = (cols % 2).astype(float)
    reg = ScratchMLPRegressor(
        hidden_layer_sizes=(2,), max_iter=1, batch_size=2000, random_state=0
    )
    quiet(reg.fit, X, y)
    assert reg.coefs_[0].shape == (n_features, 2)
    pred = reg.predict(X[:1000])
    assert pred.shape == (1000,) and np.isfinite(pred).all()
    reg.partial_fit(X[:5000], y[:5000])
    assert np.isfinite(reg.coefs_[0]).all()
