"""Softmax is an output: refused in hidden layers, two outputs for two classes.

A softmax layer's outputs share one sum of 1: in a hidden layer that throws
away a degree of freedom per sample (0.63 accuracy on iris, where the
sigmoid learns to 0.96), and a single softmax output is 1 whatever its input.
"""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor
from sknn_scratch.activations import Softmax


@pytest.fixture(scope="module")
def binary():
    X, y = make_classification(n_samples=120, n_features=4, random_state=0)
    return StandardScaler().fit_transform(X), np.array(["no", "yes"])[y]


@pytest.mark.parametrize("Estimator", [ScratchMLPClassifier, ScratchMLPRegressor])
@pytest.mark.parametrize("activation", ["softmax", Softmax()], ids=["name", "object"])
def test_softmax_is_refused_as_a_hidden_activation(Estimator, activation):
    X, y = load_iris(return_X_y=True)
    est = Estimator((5,), activation=activation, max_iter=5)
    with pytest.raises(InvalidParameterError) as info:
        est.fit(X, y)
    message = str(info.value)
    assert "'activation'" in message and "output_activation" in message
    assert "softmax" in message.lower()


@pytest.mark.parametrize("loss", ["squared_error", "log_loss"])
def test_binary_softmax_output_has_two_outputs(binary, loss):
    X, y = binary
    clf = ScratchMLPClassifier(
        (8,), output_activation="softmax", loss=loss, random_state=0
    ).fit(X, y)
    assert clf.n_outputs_ == 2
    assert clf.out_activation_ == "softmax"
    assert clf.coefs_[-1].shape == (8, 2)
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1)
    log_proba = clf.predict_log_proba(X)
    assert log_proba.shape == (len(X), 2)
    np.testing.assert_allclose(np.exp(log_proba), proba, rtol=1e-10)
    # column j is the probability of classes_[j]
    labels = clf.predict(X)
    np.testing.assert_array_equal(labels, clf.classes_[proba.argmax(axis=1)])
    assert set(labels) == {"no", "yes"}
    assert clf.score(X, y) > 0.9


def test_binary_softmax_trains_on_with_warm_start_and_partial_fit(binary):
    X, y = binary
    clf = ScratchMLPClassifier(
        (8,), output_activation="softmax", warm_start=True, max_iter=20,
        random_state=0,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
        clf.fit(X, y)
    assert clf.n_outputs_ == 2
    stream = ScratchMLPClassifier((8,), output_activation="softmax", random_state=0)
    for _ in range(3):
        stream.partial_fit(X, y, classes=["no", "yes"])
    assert stream.n_outputs_ == 2
    assert stream.predict_proba(X).shape == (len(X), 2)
