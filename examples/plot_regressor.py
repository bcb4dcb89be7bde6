"""
============================
Regression
============================

The article's loss, the mean squared error, was made for regression.
``ScratchMLPRegressor`` is the same network with a linear output neuron: it
takes the parameters of scikit-learn's ``MLPRegressor``, and its ``score`` is
R².
"""

# %%
# A curve
# -------
# A noisy sine, learned by one hidden layer of 20 neurons with each library.
# Both regressors get the same layers, solver, learning rate and at most 300
# epochs (a ``ConvergenceWarning`` says when that was not enough to converge:
# silenced here, the curves and R² show how far each got).
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor

from sknn_scratch import ScratchMLPRegressor

warnings.filterwarnings("ignore", category=ConvergenceWarning)
rng = np.random.RandomState(0)
X = rng.uniform(-3, 3, size=(300, 1))
y = np.sin(2 * X[:, 0]) + 0.1 * rng.normal(size=300)

params = dict(
    hidden_layer_sizes=(20,),
    activation="tanh",
    solver="adam",
    learning_rate_init=0.01,
    max_iter=300,
    random_state=0,
)
ours = ScratchMLPRegressor(**params).fit(X, y)
theirs = MLPRegressor(**params).fit(X, y)

grid = np.linspace(-3, 3, 300).reshape(-1, 1)
plt.scatter(X, y, s=6, color="tab:gray", label="data")
for name, model in [("ScratchMLPRegressor", ours), ("MLPRegressor", theirs)]:
    r2 = model.score(X, y)
    print(f"{name:>19}: R² {r2:.3f} after {model.n_iter_} epochs")
    plt.plot(grid, model.predict(grid), label=f"{name} (R² {r2:.2f})")
plt.legend()
plt.show()

# %%
# A real data set, in a pipeline
# ------------------------------
# The diabetes data: ten features, a disease progression score to predict.
# The target is a few hundred units wide, so it is scaled too:
# ``TransformedTargetRegressor`` scales it for training and unscales the
# predictions. Early stopping ends each fit when the R² on a held-out 10%
# stops improving. Five-fold cross-validated R²:
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_diabetes
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

X, y = load_diabetes(return_X_y=True)
params = dict(
    hidden_layer_sizes=(16,),
    solver="adam",
    learning_rate_init=0.01,
    alpha=1.0,
    early_stopping=True,
    random_state=0,
)
models = {
    "ScratchMLPRegressor": ScratchMLPRegressor(**params),
    "MLPRegressor": MLPRegressor(**params),
    "RidgeCV (linear)": RidgeCV(),
}
for name, model in models.items():
    pipe = TransformedTargetRegressor(
        make_pipeline(StandardScaler(), model), transformer=StandardScaler()
    )
    scores = cross_val_score(pipe, X, y, cv=5)
    print(f"{name:>19}: R² {scores.mean():.3f} ± {scores.std():.3f}")

# %%
# A network is no better than a linear model here: on 442 samples of a
# mostly linear signal, its extra flexibility has little to find. That is
# worth knowing before reaching for one.
