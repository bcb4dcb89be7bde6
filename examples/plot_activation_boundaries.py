"""
==========================================
Decision boundaries of each activation
==========================================

The activation shapes what a network can draw. The same small network, with
each built-in hidden activation, learns the two interleaved half-moons;
scikit-learn's ``DecisionBoundaryDisplay`` shows the boundary it found, and
``LossCurveDisplay`` how fast it got there.
"""

# %%
# The data and the networks
# -------------------------
# Two features, two classes, some noise. Every network has two hidden layers
# of 16 neurons and is trained with Adam on the log-loss, for at most 200
# epochs, from the same seed: only the activation differs. A few would still
# improve a little after 200 epochs; their ``ConvergenceWarning`` is silenced.
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.inspection import DecisionBoundaryDisplay

from sknn_scratch import ScratchMLPClassifier
from sknn_scratch.plot import LossCurveDisplay

warnings.filterwarnings("ignore", category=ConvergenceWarning)
X, y = make_moons(n_samples=200, noise=0.25, random_state=0)
activations = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "identity"]

fig, axes = plt.subplots(2, 4, figsize=(12, 6), layout="constrained")
curves = axes.flat[-1]
for activation, ax in zip(activations, axes.flat):
    clf = ScratchMLPClassifier(
        hidden_layer_sizes=(16, 16),
        activation=activation,
        loss="log_loss",
        solver="adam",
        learning_rate_init=0.01,
        max_iter=200,
        random_state=0,
    ).fit(X, y)
    DecisionBoundaryDisplay.from_estimator(
        clf, X, response_method="predict_proba", cmap="RdBu", alpha=0.8, ax=ax
    )
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="RdBu", edgecolors="k", s=15)
    accuracy = clf.score(X, y)
    print(f"{activation:>10}: accuracy {accuracy:.2f} after {clf.n_iter_} epochs")
    ax.set_title(f"{activation}: accuracy {accuracy:.2f}")
    ax.set_xticks([])
    ax.set_yticks([])
    # every loss curve on the last axes, one colour per activation
    LossCurveDisplay.from_estimator(
        clf,
        ax=curves,
        name="Training loss",
        line_kw={"label": activation, "color": None},
    )
curves.legend(fontsize="small")
plt.show()

# %%
# ``identity`` keeps every layer linear, so the whole network is a linear
# model and its boundary a straight line, whatever the number of layers. The
# nonlinear activations can bend it: the ReLU family from straight pieces,
# tanh and ELU in smooth curves. Training stops when the loss has not
# improved by ``tol`` for ``n_iter_no_change`` epochs; a network that stops on
# a plateau (see the loss curves) can be given more patience with a larger
# ``n_iter_no_change``, or a larger ``learning_rate_init``.
