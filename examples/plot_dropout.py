"""
=====================================
Dropout on a wide network, small data
=====================================

A network far wider than its data needs memorises the training set: its
training loss goes to 0 while the loss on new samples, after a minimum,
climbs again. Dropout switches off a random share of the hidden neurons in
each training step (and none in prediction), so that no neuron can rely on
particular others; the network it trains overfits later and less.

Here: two hidden layers of 256 ReLU neurons (over 80,000 weights) trained on
150 handwritten digits, and scored after each epoch on the 1,647 others,
passed to ``fit`` as ``X_val`` and ``y_val``.
"""

# %%
# Two fits, the same but for dropout
# ----------------------------------
# ``early_stopping=True`` records the validation loss and accuracy after each
# epoch (``validation_loss_curve_``, ``validation_scores_``) and keeps the
# weights of the best epoch; a patience of ``max_iter`` epochs lets both fits
# run to the end, so that the whole curves show (and end at ``max_iter``,
# whose ``ConvergenceWarning`` is silenced: that is the intent here).
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from sknn_scratch import ScratchMLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(
    X / 16, y, train_size=150, stratify=y, random_state=0
)
warnings.filterwarnings("ignore", category=ConvergenceWarning)
fits = {}
for dropout in (0.0, 0.5):
    fits[dropout] = ScratchMLPClassifier(
        hidden_layer_sizes=(256, 256),
        activation="relu",
        solver="adam",
        loss="log_loss",
        alpha=0.0,
        max_iter=150,
        early_stopping=True,
        n_iter_no_change=150,
        dropout=dropout,
        random_state=0,
    ).fit(X_train, y_train, X_val=X_val, y_val=y_val)

for dropout, net in fits.items():
    losses = np.array(net.validation_loss_curve_)
    print(
        f"dropout={dropout}: lowest validation loss {losses.min():.3f} "
        f"(epoch {losses.argmin() + 1}), {losses[-1]:.3f} at the end; "
        f"best validation accuracy {net.best_validation_score_:.3f}"
    )

# %%
# The curves
# ----------
# Without dropout (grey), the training loss falls towards 0 and the
# validation loss is lowest early, then rises as the network grows sure of
# its memorised answers. With ``dropout=0.5`` the training loss (measured on
# the dropped networks) stays far above it, and the validation loss falls a
# little further, later, and rises more slowly: on this split, 0.283 at its
# lowest against 0.296, and 0.315 against 0.346 after 150 epochs. The
# accuracy gains less than a point: the digits are easy, and both networks
# find the same ones hard.
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
styles = {0.0: ("grey", "no dropout"), 0.5: ("C0", "dropout=0.5")}
for dropout, net in fits.items():
    color, label = styles[dropout]
    left.plot(net.loss_curve_, color=color, linestyle=":", label=f"{label}, training")
    left.plot(net.validation_loss_curve_, color=color, label=f"{label}, validation")
    right.plot(net.validation_scores_, color=color, label=label)
left.set(xlabel="epoch", ylabel="log-loss", yscale="log", title="Loss")
right.set(xlabel="epoch", ylabel="accuracy", title="Validation accuracy")
right.set_ylim(0.8, 1.0)
left.legend()
right.legend()
plt.show()

# %%
# When it helps, and when not
# ---------------------------
# Dropout pays where a network has far more weights than its data can pin
# down, as here. On a network sized to its data it mostly slows training
# down: each step trains a thinned network, so more epochs are needed. It is
# a rate per hidden layer (``dropout=[0.5, 0.2]``), to tune by
# cross-validation like ``alpha``, and it needs a stochastic solver
# (``"sgd"`` or ``"adam"``): ``"lbfgs"`` refuses it.
