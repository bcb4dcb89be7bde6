"""Multilabel targets: one independent sigmoid output per label."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import f1_score

from sknn_scratch import ScratchMLPClassifier


@pytest.fixture(scope="module")
def data():
    X, Y = make_multilabel_classification(
        n_samples=150, n_features=6, n_classes=4, random_state=0
    )
    return (X - X.mean(0)) / X.std(0), Y


def fitted(X, Y, **params):
    params = {
        "hidden_layer_sizes": (16,),
        "loss": "log_loss",
        "max_iter": 150,
        "batch_size": 32,
        "random_state": 0,
        **params,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return ScratchMLPClassifier(**params).fit(X, Y)


@pytest.mark.parametrize("loss", ["log_loss", "squared_error"])
def test_outputs_are_independent_sigmoids(data, loss):
    X, Y = data
    clf = fitted(X, Y, loss=loss)
    assert clf.out_activation_ == "logistic"
    assert clf.n_outputs_ == 4
    np.testing.assert_array_equal(clf.classes_, np.arange(4))
    P = clf.predict_proba(X)
    assert P.shape == (150, 4)
    assert np.all((P >= 0) & (P <= 1))
    # independent labels: rows do not sum to one
    assert not np.allclose(P.sum(axis=1), 1)
    # each probability is the sigmoid of the output neuron's sum
    A = X
    for W, b in zip(clf.coefs_, clf.intercepts_):
        Z = A @ W + b
        A = 1 / (1 + np.exp(-Z))
    np.testing.assert_allclose(P, A, rtol=1e-12)


def test_predict_returns_the_indicator_matrix(data):
    X, Y = data
    clf = fitted(X, Y)
    pred = clf.predict(X)
    assert pred.shape == Y.shape
    np.testing.assert_array_equal(pred, (clf.predict_proba(X) > 0.5).astype(int))
    # learns: far better than predicting each label's most frequent value
    majority = np.tile(Y.mean(axis=0) > 0.5, (len(Y), 1)).astype(int)
    assert f1_score(Y, pred, average="micro") > 0.7
    assert np.mean(pred == Y) > np.mean(majority == Y) + 0.1
    assert clf.score(X, Y) == np.mean(np.all(pred == Y, axis=1))


def test_predict_log_proba_is_log_of_predict_proba(data):
    X, Y = data
    clf = fitted(X, Y, max_iter=5)
    np.testing.assert_allclose(
        clf.predict_log_proba(X), np.log(clf.predict_proba(X)), rtol=1e-10
    )


def test_partial_fit_takes_classes_from_the_columns(data):
    X, Y = data
    clf = ScratchMLPClassifier(hidden_layer_sizes=(8,), random_state=0)
    clf.partial_fit(X[:50], Y[:50])
    np.testing.assert_array_equal(clf.classes_, np.arange(4))
    first = clf.coefs_[0].copy()
    clf.partial_fit(X[50:], Y[50:])
    assert not np.array_equal(first, clf.coefs_[0])
    assert clf.predict(X).shape == Y.shape


def test_partial_fit_equals_fit_for_one_epoch(data):
    X, Y = data
    params = dict(hidden_layer_sizes=(8,), random_state=0, shuffle=False)
    one_epoch = fitted(X, Y, **params, max_iter=1, loss="squared_error")
    incremental = ScratchMLPClassifier(**params, batch_size=32)
    incremental.partial_fit(X, Y)
    for a, b in zip(one_epoch.coefs_, incremental.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_partial_fit_rejects_a_different_number_of_labels(data):
    X, Y = data
    clf = ScratchMLPClassifier(hidden_layer_sizes=(4,), random_state=0)
    clf.partial_fit(X, Y)
    with pytest.raises(ValueError):
        clf.partial_fit(X, Y[:, :3])


def test_sample_weight_with_multilabel(data):
    X, Y = data
    sw = np.random.RandomState(0).randint(0, 3, size=len(Y))
    repeated = np.repeat(np.arange(len(Y)), sw)
    params = dict(max_iter=5, batch_size=1000, tol=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        weighted = fitted(X, Y, **params)
        weighted = weighted.fit(X, Y, sample_weight=sw)
        copies = fitted(X[repeated], Y[repeated], **params)
    np.testing.assert_allclose(weighted.coefs_[0], copies.coefs_[0], rtol=1e-10)
