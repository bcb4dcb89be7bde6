"""
==========================================
Training on data larger than memory (Dask)
==========================================

A data set that does not fit in memory can still train a network: dask-ml's
``Incremental`` wrapper hands the blocks of a Dask array to ``partial_fit``
one after the other, so only one block is in memory at a time. Here the data
set is a file on disk that is read a block at a time; several passes over it
are several epochs. It needs the distributed extra (from a clone,
``python -m pip install ".[distributed]"``).
"""

# %%
# The data, on disk
# -----------------
# 20,000 rows of 20 features, saved as a ``.npy`` file. Opened with
# ``mmap_mode="r"`` nothing is read yet; ``da.from_array`` cuts it into
# blocks of 2,000 rows, each with all the columns (``Incremental`` trains on
# the first block of columns only, so an array must be chunked by rows
# alone). The last two blocks are held out to score the passes.
import tempfile
from pathlib import Path

import dask
import dask.array as da
import numpy as np
from sklearn.datasets import make_classification

folder = tempfile.TemporaryDirectory()
data = Path(folder.name)
X_all, y_all = make_classification(
    n_samples=20_000,
    n_features=20,
    n_informative=10,
    n_classes=4,
    n_clusters_per_class=1,
    random_state=0,
)
np.save(data / "X.npy", X_all)
np.save(data / "y.npy", y_all)
del X_all, y_all  # from here on, the data is only on disk

X = da.from_array(np.load(data / "X.npy", mmap_mode="r"), chunks=(2000, -1))
y = da.from_array(np.load(data / "y.npy", mmap_mode="r"), chunks=2000)
X_train, X_test = X[:16_000], X[16_000:]
y_train, y_test = y[:16_000], y[16_000:]
classes = np.unique(y_test.compute())
print(f"{X_train.numblocks[0]} training blocks of {X_train.chunksize[0]} rows")

# %%
# Scaling, in one pass
# --------------------
# dask-ml's ``StandardScaler`` learns the mean and variance of each column in
# one pass over the blocks; its ``transform`` is lazy, so every later pass
# scales each block as it reads it.
from dask_ml.preprocessing import StandardScaler

scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

# %%
# Training in passes
# ------------------
# ``Incremental.partial_fit`` is one pass over every block, in an order
# drawn from ``random_state``; a loop of passes is several epochs, and the
# held-out blocks are scored after each (``scoring="accuracy"`` scores them
# block by block, without loading them all). The synchronous scheduler runs
# everything in this thread; with a ``distributed.Client`` the same code runs
# on a cluster.
from dask_ml.wrappers import Incremental

from sknn_scratch import ScratchMLPClassifier

clf = ScratchMLPClassifier(
    hidden_layer_sizes=(32,), batch_size=50, learning_rate_init=0.3, random_state=0
)
inc = Incremental(clf, scoring="accuracy", random_state=0)
seen, accuracy = [], []
with dask.config.set(scheduler="synchronous"):
    for epoch in range(8):
        inc.partial_fit(X_train, y_train, classes=classes)
        seen.append(inc.t_)
        accuracy.append(inc.score(X_test, y_test))
        print(f"pass {epoch + 1}: test accuracy {accuracy[-1]:.3f}")
print(f"samples seen (t_): {inc.t_}, block epochs: {len(inc.loss_curve_)}")

# %%
# The held-out accuracy after each pass: the first pass learns most of it,
# each later one adds a little.
import matplotlib.pyplot as plt

fig, ax = plt.subplots()
ax.plot(seen, accuracy, marker="o")
ax.set_xlabel("Samples seen (t_)")
ax.set_ylabel("Accuracy on the held-out blocks")
ax.set_title("Incremental: one pass over the blocks per point")
plt.show()

# %%
# Predictions, block by block
# ---------------------------
# ``predict`` returns a lazy Dask array with the blocks of ``X_test``; it
# holds what the trained estimator, ``inc.estimator_``, predicts for each
# block as a numpy array.
predictions = inc.predict(X_test)
print(f"predictions: {predictions.numblocks[0]} blocks of {predictions.chunksize[0]}")
first = X_test.blocks[0].compute()
same = np.array_equal(predictions.blocks[0].compute(), inc.estimator_.predict(first))
print(f"first block equal to the estimator's predictions: {same}")
folder.cleanup()
