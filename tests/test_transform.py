"""transform(): the last hidden layer's outputs, the network's learned features."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 4))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    return X, y


def quiet_fit(estimator, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


@pytest.mark.parametrize("Estimator", [ScratchMLPClassifier, ScratchMLPRegressor])
def test_transform_is_the_last_hidden_layers_outputs(data, Estimator):
    X, y = data
    est = quiet_fit(
        Estimator((6, 3), activation="sigmoid", max_iter=5, random_state=0), X, y
    )
    W, b = est.coefs_, est.intercepts_
    expected = sigmoid(sigmoid(X @ W[0] + b[0]) @ W[1] + b[1])
    features = est.transform(X)
    assert features.shape == (len(X), 3)
    np.testing.assert_allclose(features, expected, rtol=1e-12)
    # the output layer sees exactly these
    Z = features @ W[2] + b[2]
    if Estimator is ScratchMLPRegressor:
        np.testing.assert_allclose(est.predict(X), Z[:, 0], rtol=1e-12)
    else:
        np.testing.assert_allclose(est.predict_proba(X)[:, 1], sigmoid(Z[:, 0]))


def test_fit_transform_equals_fit_then_transform(data):
    X, y = data
    est = ScratchMLPClassifier((5,), activation="relu", max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fitted_features = est.fit_transform(X, y)
    np.testing.assert_array_equal(fitted_features, est.transform(X))


def test_feature_names_and_pandas_output(data):
    pd = pytest.importorskip("pandas", reason="set_output to pandas needs pandas")
    X, y = data
    frame = pd.DataFrame(X, columns=list("abcd"), index=np.arange(100, 180))
    est = quiet_fit(ScratchMLPClassifier((3,), max_iter=3, random_state=0), frame, y)
    names = est.get_feature_names_out()
    assert names.tolist() == [f"scratchmlpclassifier{i}" for i in range(3)]
    out = est.set_output(transform="pandas").transform(frame)
    assert isinstance(out, pd.DataFrame)
    assert out.columns.tolist() == names.tolist()
    assert out.index.tolist() == frame.index.tolist()
    np.testing.assert_allclose(
        out.to_numpy(), est.set_output(transform="default").transform(frame)
    )


def test_a_fitted_network_extracts_features_in_a_pipeline(data):
    X, y = data
    network = quiet_fit(
        ScratchMLPClassifier((8,), activation="tanh", max_iter=50, random_state=0),
        X,
        y,
    )
    # frozen: the pipeline uses the network as fitted
    pipe = make_pipeline(FrozenEstimator(network), LogisticRegression()).fit(X, y)
    features = network.transform(X)
    expected = LogisticRegression().fit(features, y).predict_proba(features)
    np.testing.assert_allclose(pipe.predict_proba(X), expected)
    # or fitted by the pipeline, as any transformer step
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fitted = make_pipeline(
            StandardScaler(),
            ScratchMLPClassifier((8,), max_iter=20, random_state=0),
            LogisticRegression(),
        ).fit(X, y)
    assert fitted.predict(X).shape == y.shape
    assert fitted[:-1].get_feature_names_out().tolist()[0] == "scratchmlpclassifier0"


def test_float32_sparse_and_no_hidden_layer(data):
    X, y = data
    est = quiet_fit(ScratchMLPClassifier((4,), max_iter=2, random_state=0), X, y)
    X32 = X.astype(np.float32)
    assert est.transform(X32).dtype == np.float64  # the weights' dtype
    est32 = quiet_fit(ScratchMLPClassifier((4,), max_iter=2, random_state=0), X32, y)
    assert est32.transform(X32).dtype == np.float32
    np.testing.assert_allclose(est.transform(sp.csr_matrix(X)), est.transform(X))
    # no hidden layer: the output layer sees the inputs themselves
    linear = quiet_fit(ScratchMLPRegressor((), max_iter=2), X, X[:, 0])
    np.testing.assert_array_equal(linear.transform(X), X)
    assert linear.transform(X) is not X


def test_transform_before_fit_is_refused(data):
    with pytest.raises(NotFittedError):
        ScratchMLPRegressor().transform(data[0])
