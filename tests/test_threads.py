"""Threads and processes: a fitted model is safe to share, fits repeatable.

Prediction allocates its buffers per call and never writes to the model, so
8 threads predicting at once from one estimator get exactly the single
thread's results; a fit in a joblib worker process gives the same weights
as in the main process for the same ``random_state``.
"""

import threading
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from joblib import Parallel, delayed
from sklearn.exceptions import ConvergenceWarning

from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor

N_THREADS = 8


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(3000, 6))
    y = (X[:, 0] * X[:, 1] > 0).astype(int) + (X[:, 2] > 1)
    return X, y


def _fit(estimator, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)


def _concurrently(function, X):
    """``function`` on slices of X from 8 threads released at the same moment."""
    barrier = threading.Barrier(N_THREADS)
    # each thread predicts overlapping windows, many times, so the calls overlap
    windows = [slice(k * 100, len(X) - k * 100) for k in range(N_THREADS)]

    def work(window):
        barrier.wait()
        return [function(X[window]) for _ in range(5)]

    with ThreadPoolExecutor(N_THREADS) as pool:
        return windows, list(pool.map(work, windows))


@pytest.mark.parametrize(
    "params",
    [
        dict(activation="sigmoid"),
        dict(activation="tanh", loss="log_loss"),
        dict(activation="elu", output_activation="softmax"),
    ],
    ids=["sigmoid-mse", "tanh-log_loss", "elu-softmax"],
)
def test_predict_from_8_threads_equals_one_thread(data, params):
    X, y = data
    clf = _fit(
        ScratchMLPClassifier((16, 8), max_iter=5, random_state=0, **params), X, y
    )
    for method in (clf.predict_proba, clf.predict):
        expected = method(X)
        windows, results = _concurrently(method, X)
        for window, outputs in zip(windows, results):
            for out in outputs:
                np.testing.assert_array_equal(out, expected[window])


def test_regressor_predict_from_8_threads_equals_one_thread(data):
    X, y = data
    reg = _fit(
        ScratchMLPRegressor((16,), activation="relu", max_iter=5, random_state=0),
        X,
        X @ np.arange(6.0),
    )
    expected = reg.predict(X)
    windows, results = _concurrently(reg.predict, X)
    for window, outputs in zip(windows, results):
        for out in outputs:
            np.testing.assert_array_equal(out, expected[window])


@pytest.mark.parametrize(
    "params",
    [
        dict(solver="sgd", momentum=0.9, batch_size=32),
        dict(solver="adam", early_stopping=True),
        dict(solver="lbfgs"),
    ],
    ids=["sgd", "adam-early-stopping", "lbfgs"],
)
def test_fit_in_worker_processes_gives_the_main_process_weights(data, params):
    X, y = data
    X, y = X[:600], y[:600]
    estimators = [
        ScratchMLPClassifier((8,), max_iter=8, random_state=seed, **params)
        for seed in (0, 1)
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        in_workers = Parallel(n_jobs=2, backend="loky")(
            delayed(estimator.fit)(X, y) for estimator in estimators
        )
    for estimator, remote in zip(estimators, in_workers):
        local = _fit(estimator, X, y)
        assert remote is not local
        assert remote.n_iter_ == local.n_iter_
        for W_remote, W_local in zip(
            remote.coefs_ + remote.intercepts_, local.coefs_ + local.intercepts_
        ):
            np.testing.assert_array_equal(W_remote, W_local)
    # the two seeds really trained different networks
    assert not np.array_equal(in_workers[0].coefs_[0], in_workers[1].coefs_[0])
