"""A search on a Dask cluster finds exactly what it finds on one machine.

The estimators travel to the workers by pickle and train there in other
processes; with a fixed ``random_state`` every fit, and so every score, must
be the one the default backend computes.
"""

import os

import numpy as np
import pytest

pytest.importorskip("distributed", reason="the Dask tests need the distributed extra")
import psutil  # noqa: E402  (a dependency of distributed)
from distributed import Client, LocalCluster, get_task_stream  # noqa: E402
from joblib import parallel_config  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from sknn_scratch import ScratchMLPClassifier  # noqa: E402
from sknn_scratch.activations import LeakyReLU  # noqa: E402

# short trainings that stop at max_iter: the warning would say nothing here
pytestmark = pytest.mark.filterwarnings("ignore", category=ConvergenceWarning)


@pytest.fixture(scope="module")
def client():
    """Two single-threaded worker processes, on the loopback interface only.

    Separate processes, as on a real cluster: the estimators are pickled to
    reach them. One thread each, so two fits run at once on two cores.
    """
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            # None would still serve HTTP on port 8787, which may be taken
            dashboard_address="127.0.0.1:0",
        ) as cluster,
        Client(cluster) as client,
    ):
        client.wait_for_workers(2, timeout=60)
        workers = [psutil.Process(pid) for pid in client.run(os.getpid).values()]
        assert len(workers) == 2
        assert all(worker.pid != os.getpid() for worker in workers)
        yield client
    left = [w.pid for w in workers if w.is_running() and w.status() != "zombie"]
    assert not left, f"worker processes {left} outlived the cluster"


@pytest.fixture(scope="module")
def data():
    return make_classification(
        n_samples=150,
        n_features=5,
        n_informative=4,
        n_redundant=0,
        n_classes=3,
        random_state=0,
    )


def pipeline():
    return make_pipeline(
        StandardScaler(),
        ScratchMLPClassifier(
            hidden_layer_sizes=(8,),
            batch_size=16,
            learning_rate_init=0.5,
            max_iter=20,
            random_state=0,
        ),
    )


def run_on_cluster(client, function):
    """``function()`` under the Dask backend, and the workers it ran on."""
    with get_task_stream(client) as stream, parallel_config(backend="dask"):
        result = function()
    return result, {task["worker"] for task in stream.data}


def grid_search():
    grid = {
        # a name the worker resolves, and an object it receives pickled
        "scratchmlpclassifier__activation": ["sigmoid", LeakyReLU(alpha=0.1)],
        "scratchmlpclassifier__learning_rate_init": [0.1, 0.5],
    }
    # refit=False: the refit runs in the calling process with any backend
    return GridSearchCV(pipeline(), grid, cv=3, return_train_score=True, refit=False)


def test_grid_search_on_a_cluster_equals_the_default_backend(client, data):
    X, y = data
    local = grid_search().fit(X, y).cv_results_
    remote, workers = run_on_cluster(client, lambda: grid_search().fit(X, y))
    remote = remote.cv_results_

    assert workers, "no task ran on the cluster"
    assert workers <= set(client.scheduler_info()["workers"])
    # fit and score times differ from run to run; everything else must not
    compared = sorted(key for key in local if not key.endswith("_time"))
    assert sorted(key for key in remote if not key.endswith("_time")) == compared
    assert {"split2_test_score", "split2_train_score", "rank_test_score"} <= set(
        compared
    )
    assert remote["params"] == local["params"]
    for key in compared:
        if key != "params":
            np.testing.assert_array_equal(remote[key], local[key], err_msg=key)
    # the candidates learn different things, so equal scores are not trivial
    assert len(np.unique(local["mean_test_score"])) > 1


def test_cross_val_score_on_a_cluster_equals_the_default_backend(client, data):
    X, y = data
    local = cross_val_score(pipeline(), X, y, cv=5)
    remote, workers = run_on_cluster(
        client, lambda: cross_val_score(pipeline(), X, y, cv=5)
    )
    assert workers, "no task ran on the cluster"
    np.testing.assert_array_equal(remote, local)
    # chance is a third: the folds were really trained, not just scored
    assert local.mean() > 0.5


def test_a_fit_on_a_worker_equals_a_local_fit(client, data):
    """The fitted estimator comes back from a worker with the same weights."""
    X, y = data
    local = pipeline().fit(X, y)
    remote = client.submit(pipeline().fit, X, y, pure=False).result()
    assert len(remote[-1].coefs_) == len(local[-1].coefs_) == 2
    for W_remote, W_local in zip(remote[-1].coefs_, local[-1].coefs_):
        np.testing.assert_array_equal(W_remote, W_local)
    np.testing.assert_array_equal(remote.predict_proba(X), local.predict_proba(X))
