"""
==============================
Loss and validation curves
==============================

Two questions asked of every network: is it still learning, and is it
overfitting? The loss curve of one fit answers the first;
``LossCurveDisplay`` draws it, with the validation loss and accuracy recorded
by early stopping. A validation curve over the L2 penalty ``alpha``, drawn by
scikit-learn's ``ValidationCurveDisplay``, answers the second.
"""

# %%
# One fit, its loss curves
# ------------------------
# With ``early_stopping=True`` the network holds out ``validation_fraction``
# of the training data, records the loss and the accuracy on it after each
# epoch (``validation_loss_curve_``, ``validation_scores_``), stops when the
# accuracy has not improved for ``n_iter_no_change`` epochs, and keeps the
# weights of the best epoch.
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn_scratch import ScratchMLPClassifier
from sknn_scratch.plot import LossCurveDisplay

X, y = load_digits(return_X_y=True)
clf = make_pipeline(
    StandardScaler(),
    ScratchMLPClassifier(
        hidden_layer_sizes=(32,),
        activation="relu",
        loss="log_loss",
        early_stopping=True,
        validation_fraction=0.2,
        n_iter_no_change=10,
        random_state=0,
    ),
).fit(X, y)
network = clf[-1]
print(f"stopped after {network.n_iter_} epochs;", end=" ")
print(f"best validation accuracy {network.best_validation_score_:.3f}")

display = LossCurveDisplay.from_estimator(clf, name="Digits, 32 ReLU neurons")
plt.show()

# %%
# The display's parts are attributes, in scikit-learn's style, to restyle
# after drawing; ``plot(ax=...)`` draws on axes of your own figure.
fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5), layout="constrained")
display.plot(ax=left, name="linear scale")
display.plot(ax=right, name="log scale")
right.set_yscale("log")
display.validation_score_line_.set_linewidth(3)
plt.show()

# %%
# A validation curve over alpha
# -----------------------------
# ``alpha`` is the strength of the L2 penalty. Too little lets the network
# fit noise, too much stops it from fitting at all: the gap between the
# training and cross-validation accuracy shows which side a value is on.
# Twenty epochs per fit keep this quick (hence the silenced
# ``ConvergenceWarning``); the shape of the curve is already clear.
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import ValidationCurveDisplay

warnings.filterwarnings("ignore", category=ConvergenceWarning)

curve = ValidationCurveDisplay.from_estimator(
    make_pipeline(
        StandardScaler(),
        ScratchMLPClassifier(
            hidden_layer_sizes=(16,),
            activation="relu",
            loss="log_loss",
            max_iter=20,
            random_state=0,
        ),
    ),
    X,
    y,
    param_name="scratchmlpclassifier__alpha",
    param_range=np.logspace(-3, 2, 6),
    cv=3,
    score_name="Accuracy",
)
curve.ax_.set_xscale("log")
plt.show()
