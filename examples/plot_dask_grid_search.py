"""
=============================
Grid search on a Dask cluster
=============================

A grid search is many independent fits: one per candidate and fold. joblib,
which scikit-learn uses to run them in parallel, can hand them to the workers
of a Dask ``distributed`` cluster instead of the cores of one machine. The
estimators of sknn_scratch are plain picklable objects with no global state,
so nothing changes but the backend, and the scores are the same as on one
machine.

This example starts a small cluster on this machine; pointing it at a real
one is a one-line change. It needs ``python -m pip install ".[distributed]"``
(from a clone).
"""

# %%
# A cluster
# ---------
# ``LocalCluster`` starts a scheduler and two workers of one thread each on
# this machine. ``processes=False`` keeps the workers as threads of this
# process, which start in a fraction of a second; leave it out to get one
# process per worker, as on a real cluster (a script then needs an
# ``if __name__ == "__main__":`` guard, since each worker process starts by
# importing it). They still talk to the scheduler over TCP, so the estimators
# are pickled on their way, as on a real cluster, here on the loopback
# interface only, with the dashboard on a free port.
from distributed import Client, LocalCluster

cluster = LocalCluster(
    n_workers=2,
    threads_per_worker=1,
    processes=False,
    protocol="tcp",
    host="127.0.0.1",
    dashboard_address="127.0.0.1:0",
)
client = Client(cluster)

# %%
# On a real cluster, connect to its scheduler instead of the two lines
# above; everything below stays the same::
#
#     client = Client("tcp://scheduler:8786")
#
# The workers need the same versions of numpy, scikit-learn and sknn_scratch
# as this process, since the estimators travel to them by pickle.
print(f"{len(client.scheduler_info()['workers'])} workers are ready")

# %%
# The search
# ----------
# A ``StandardScaler`` and a ``ScratchMLPClassifier`` in a ``Pipeline``, tuned
# on the 8x8 digits: two activations times two learning rates, three folds
# each, so twelve fits. Fifteen epochs keep the example fast; scikit-learn
# warns that the fits stop before they converge (silenced here).
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn_scratch import ScratchMLPClassifier

warnings.filterwarnings("ignore", category=ConvergenceWarning)
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
pipe = make_pipeline(
    StandardScaler(),
    ScratchMLPClassifier(hidden_layer_sizes=(32,), max_iter=15, random_state=0),
)
grid = {
    "scratchmlpclassifier__activation": ["sigmoid", "relu"],
    "scratchmlpclassifier__learning_rate_init": [0.1, 0.3],
}

# %%
# Under ``parallel_config(backend="dask")`` every fit and score of the search
# is a task for the cluster's workers; ``n_jobs`` can stay unset, the backend
# uses every worker thread. The refit of the best candidate on the whole
# training set runs here, in this process, once the search is over.
from distributed import get_task_stream
from joblib import parallel_config

with get_task_stream(client) as stream, parallel_config(backend="dask"):
    search = GridSearchCV(pipe, grid, cv=3).fit(X_train, y_train)

workers = sorted({task["worker"] for task in stream.data})
for number, address in enumerate(workers, start=1):
    n_tasks = sum(task["worker"] == address for task in stream.data)
    print(f"worker {number} ran {n_tasks} task(s)")
print("(joblib may group several fits into one task)")

results = search.cv_results_
print(f"\n{'activation':>10} {'learning rate':>13}  accuracy")
for i in results["rank_test_score"].argsort():
    params = results["params"][i]
    print(
        f"{params['scratchmlpclassifier__activation']:>10}",
        f"{params['scratchmlpclassifier__learning_rate_init']:>13}",
        f" {results['mean_test_score'][i]:.3f}",
    )

# %%
# The accuracy of each candidate, as a grid: rows are the activations, columns
# the learning rates.
import matplotlib.pyplot as plt

activations = grid["scratchmlpclassifier__activation"]
rates = grid["scratchmlpclassifier__learning_rate_init"]
scores = np.zeros((len(activations), len(rates)))
for params, score in zip(results["params"], results["mean_test_score"]):
    row = activations.index(params["scratchmlpclassifier__activation"])
    column = rates.index(params["scratchmlpclassifier__learning_rate_init"])
    scores[row, column] = score

fig, ax = plt.subplots(figsize=(5, 3.5))
image = ax.imshow(scores, cmap="viridis")
ax.set_xticks(range(len(rates)), [str(rate) for rate in rates])
ax.set_yticks(range(len(activations)), activations)
ax.set_xlabel("learning_rate_init")
ax.set_ylabel("activation")
for (row, column), score in np.ndenumerate(scores):
    ax.text(column, row, f"{score:.3f}", ha="center", va="center", color="w")
ax.set_title("Mean accuracy of the three folds, on the cluster")
fig.colorbar(image, ax=ax)
fig.tight_layout()
plt.show()

# %%
# The same search on one machine
# ------------------------------
# With the default backend the same candidates, with the same
# ``random_state``, train to the same weights: every score is equal.
local = GridSearchCV(pipe, grid, cv=3).fit(X_train, y_train)
for key in ["mean_test_score", "rank_test_score"]:
    same = np.array_equal(local.cv_results_[key], results[key])
    print(f"{key} equal to the local search: {same}")

# %%
# ``cross_val_score`` works the same way: here the best pipeline's three-fold
# score on the training set, computed on the cluster, then its accuracy on
# the held-out test set.
from sklearn.model_selection import cross_val_score

with parallel_config(backend="dask"):
    scores = cross_val_score(search.best_estimator_, X_train, y_train, cv=3)
print(f"cross-validated accuracy {scores.mean():.3f} +/- {scores.std():.3f}")
print(f"test accuracy {search.score(X_test, y_test):.3f}")

# %%
# Shut the client and the cluster down when done (``with Client(...) as
# client:`` does it on its own).
client.close()
cluster.close()
