"""
==================================
Watch the article's network learn
==================================

The article draws its network once: two inputs, two hidden neurons ``h1``
and ``h2``, one output ``o1``, a weight on every edge. Here
:class:`~sknn_scratch.plot.NetworkDisplay` draws it as it trains on the four
people, from its random start to the end of the article's 1000 epochs,
beside the loss of each epoch; :func:`~sknn_scratch.trace_step` works out
one of its training steps; and the same picture shows a network a hundred
times larger, trained on the digits.
"""

# %%
# The article's picture
# ---------------------
# The article's first network: every neuron with ``w = [0, 1]`` and ``b = 0``,
# given ``x = [2, 3]``. One call to ``partial_fit`` builds the layers; the
# weights are then assigned to ``coefs_`` and ``intercepts_``
# (``coefs_[0] = [[w1, w3], [w2, w4]]``, ``coefs_[1] = [[w5], [w6]]``). Each
# neuron shows its output: ``h1 = h2 = f(3) = 0.9526``, ``o1 = 0.7216``.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from sknn_scratch import ARTICLE_PARAMS, ScratchMLPClassifier, trace_step
from sknn_scratch.plot import LossCurveDisplay, NetworkDisplay

warnings.filterwarnings("ignore", category=ConvergenceWarning)

# Alice, Bob, Charlie, Diana: weight - 135 lb, height - 66 in; Female is 1
X = np.array([[-2.0, -1.0], [25.0, 6.0], [17.0, 4.0], [-15.0, -6.0]])
y = np.array([1, 0, 0, 1])

net = ScratchMLPClassifier(**ARTICLE_PARAMS)
net.partial_fit(X, y, classes=[0, 1])  # builds the layers
net.coefs_ = [np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([[0.0], [1.0]])]
net.intercepts_ = [np.zeros(2), np.zeros(1)]
display = NetworkDisplay.from_estimator(
    net, [[2, 3]], name="The article's network: w = [0, 1], b = 0, x = [2, 3]"
)
plt.show()
print("o1 for x = [2, 3]:", display.labels_["o1 value"].get_text())

# %%
# The random start
# ----------------
# As the article's code, the weights start from a standard normal draw,
# assigned the same way, and training goes on from there, one epoch per
# ``partial_fit``.
rng = np.random.RandomState(0)
net.coefs_ = [rng.standard_normal((2, 2)), rng.standard_normal((2, 1))]
net.intercepts_ = [rng.standard_normal(2), rng.standard_normal(1)]
print("o1 (P(Female)) at the start:", np.round(net.predict_proba(X)[:, 1], 3))

# %%
# Training, drawn at a few epochs
# -------------------------------
# Each diagram is drawn when its epoch is reached: blue edges are positive
# weights, red ones negative, wider for larger magnitudes; the squares are
# the biases. Beside them, the loss of each epoch (the mean over its four
# updates), with the epochs drawn marked.
snapshots = [0, 10, 100, 1000]
fig = plt.figure(figsize=(16, 8), layout="constrained")
grid = fig.add_gridspec(2, 3, width_ratios=[1, 1, 0.8])
cells = [grid[0, 0], grid[0, 1], grid[1, 0], grid[1, 1]]
losses = []
for epoch in range(snapshots[-1] + 1):
    if epoch in snapshots:
        k = snapshots.index(epoch)
        ax = fig.add_subplot(cells[k])
        NetworkDisplay.from_estimator(
            net, ax=ax, name=f"epoch {epoch}", legend=k == len(snapshots) - 1
        )
    if epoch < snapshots[-1]:
        net.partial_fit(X, y)
        losses.append(net.loss_)

curve = LossCurveDisplay(loss_curve=losses, name="The loss of each epoch")
curve.plot(ax=fig.add_subplot(grid[:, 2]))
curve.ax_.set_yscale("log")
for epoch in snapshots[1:]:
    curve.ax_.axvline(epoch, color="0.6", linestyle=":")
plt.show()
print(f"loss: epoch 1 {losses[0]:.3f}, epoch 10 {losses[9]:.3f}, ", end="")
print(f"epoch 100 {losses[99]:.3f}, epoch 1000 {losses[-1]:.4f}")

# %%
# The trained network, on Emily
# -----------------------------
# Given one sample, each neuron shows its output for it. Emily (128 lb,
# 63 in) is ``[-7, -3]`` once shifted; ``o1`` is the probability that she
# is female.
emily = [[-7, -3]]
display = NetworkDisplay.from_estimator(
    net, emily, name="The article's network after 1000 epochs, on Emily"
)
plt.show()
print(f"Emily: P(Female) = {net.predict_proba(emily)[0, 1]:.3f}")

# %%
# One training step, worked out
# -----------------------------
# ``trace_step`` computes one step of training on a sample without changing
# the network: the feedforward, the loss, ``d_L_d_ypred``, the chain rule back
# to every weight, and the update SGD would make, with the article's names.
# After 1000 epochs the network is nearly right about Alice, so the step is
# small.
trace = trace_step(net, X[:1], y[:1])
print(trace)

# %%
# A larger network: the digits
# ----------------------------
# The same picture of a 64-100-10 network trained on the 8x8 digits. Its
# 7,400 weights would hide one another, so each layer draws its 80 strongest
# (``max_edges``); with one image as the sample, the 64 inputs are filled by
# its pixels and the 100 hidden neurons by their outputs, and each output
# neuron shows its probability.
from sklearn.datasets import load_digits

digits_X, digits_y = load_digits(return_X_y=True)
digits = ScratchMLPClassifier(
    hidden_layer_sizes=(100,), loss="log_loss", max_iter=30, random_state=0
).fit(digits_X[100:] / 16, digits_y[100:])
display = NetworkDisplay.from_estimator(
    digits, digits_X[:1] / 16, name="A 64-100-10 network on a digit"
)
plt.show()
print(f"Digit shown: {digits_y[0]}, predicted: {digits.predict(digits_X[:1] / 16)[0]}")
