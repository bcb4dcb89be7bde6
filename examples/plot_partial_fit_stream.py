"""
==================================
Learning from a stream
==================================

When data arrives in batches, or does not fit in memory, ``partial_fit``
trains on one batch at a time and keeps everything between calls: the
weights, the optimizer's state (Adam's moments, SGD's momentum) and the
learning-rate schedule. Each call is one epoch over the batch it is given.
"""

# %%
# A stream of digits
# ------------------
# The digits arrive in batches of 50. The first call names every class the
# stream may hold (``classes=``), since the first batch need not contain them
# all. A scaler fitted on a first chunk scales the rest, as ``StandardScaler``
# cannot see the whole stream in advance (its own ``partial_fit`` could learn
# the scaling as the stream goes).
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sknn_scratch import ScratchMLPClassifier

X, y = load_digits(return_X_y=True)
X_stream, X_test, y_stream, y_test = train_test_split(
    X, y, test_size=0.3, random_state=0
)
scaler = StandardScaler().fit(X_stream[:200])
X_test = scaler.transform(X_test)

clf = ScratchMLPClassifier(
    hidden_layer_sizes=(32,),
    activation="relu",
    loss="log_loss",
    solver="adam",
    learning_rate_init=0.01,
    random_state=0,
)
seen, accuracy = [], []
for start in range(0, len(X_stream), 50):
    X_batch = scaler.transform(X_stream[start : start + 50])
    y_batch = y_stream[start : start + 50]
    clf.partial_fit(X_batch, y_batch, classes=np.arange(10))
    seen.append(start + len(y_batch))
    accuracy.append(clf.score(X_test, y_test))
print(f"after {seen[-1]} samples, seen once each: test accuracy {accuracy[-1]:.3f}")
print(f"samples seen (t_): {clf.t_}, calls (one epoch each): {len(clf.loss_curve_)}")

# %%
# The test accuracy after each batch: most of it is learned from the first
# few hundred samples.
import matplotlib.pyplot as plt

fig, ax = plt.subplots()
ax.plot(seen, accuracy, marker=".")
ax.set_xlabel("Samples seen")
ax.set_ylabel("Test accuracy")
ax.set_title("partial_fit on a stream of digits")
plt.show()

# %%
# Several passes over the stream
# ------------------------------
# Nothing resets between calls, so going over the stream again continues the
# training (for a new start, call ``fit`` or ``clone`` the estimator).
# ``loss_curve_`` grows by one entry per call: here its entries are the
# losses of single batches, so it is noisier than the curve of ``fit``.
for _ in range(4):
    for start in range(0, len(X_stream), 50):
        X_batch = scaler.transform(X_stream[start : start + 50])
        clf.partial_fit(X_batch, y_stream[start : start + 50])
print(f"after 5 passes: test accuracy {clf.score(X_test, y_test):.3f}")

from sknn_scratch.plot import LossCurveDisplay

display = LossCurveDisplay.from_estimator(clf, name="Loss of each batch")
display.ax_.set_xlabel("Call to partial_fit")
plt.show()
