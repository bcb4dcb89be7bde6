"""
=========================================
Your own activation and loss
=========================================

scikit-learn's MLP has four activations and one loss per task. In
sknn_scratch an activation is any object with ``forward`` and
``derivative``, and a loss any object with ``loss`` and ``gradient``. This
example writes the Swish activation and the Huber loss from scratch, checks
their derivatives against finite differences with ``check_gradients``,
registers them by name, and fits a regressor on data with outliers.
"""

# %%
# An activation: Swish
# --------------------
# ``forward(Z)`` returns ``A = f(Z)``; ``derivative(Z, A)`` returns ``f'(Z)``
# (``A`` is given so a derivative can reuse it, as the sigmoid's
# ``f(1 - f)`` does). Both work elementwise on arrays. Parameters are stored
# under their ``__init__`` names, which lets ``get_params`` and
# ``GridSearchCV`` reach them.
import numpy as np


class Swish:
    """f(z) = z * sigmoid(beta * z)."""

    def __init__(self, beta=1.0):
        self.beta = beta

    def forward(self, Z):
        return Z / (1 + np.exp(-self.beta * Z))

    def derivative(self, Z, A):
        s = 1 / (1 + np.exp(-self.beta * Z))
        return s + self.beta * Z * s * (1 - s)

    def get_params(self, deep=True):
        return {"beta": self.beta}

    def set_params(self, **params):
        for name, value in params.items():
            setattr(self, name, value)
        return self

    def __repr__(self):
        return f"Swish(beta={self.beta})"


# %%
# A loss: Huber
# -------------
# ``loss(y_true, y_pred, sample_weight=None)`` returns the mean loss over the
# samples (summed over the outputs); ``gradient(y_true, y_pred)`` returns
# ``dL/dy_pred`` for each sample, and the estimator averages it over the
# batch. Both receive 2-D arrays of shape ``(n_samples, n_outputs)``. Huber
# is squared for small errors and linear for large ones, so a few outliers
# pull the fit less than with the squared error.
class Huber:
    """Squared error below ``delta``, absolute error above."""

    def __init__(self, delta=1.0):
        self.delta = delta

    def loss(self, y_true, y_pred, sample_weight=None):
        r = np.abs(y_pred - y_true)
        per_output = np.where(
            r <= self.delta, 0.5 * r**2, self.delta * (r - 0.5 * self.delta)
        )
        return float(np.average(per_output.sum(axis=1), weights=sample_weight))

    def gradient(self, y_true, y_pred):
        return np.clip(y_pred - y_true, -self.delta, self.delta)

    def __repr__(self):
        return f"Huber(delta={self.delta})"


# %%
# Check the derivatives
# ---------------------
# ``check_gradients`` compares the gradient backpropagation computes for
# every weight and bias with central finite differences of the loss. It
# returns the largest relative error, and raises ``AssertionError`` naming
# the layer and parameter if they disagree: a wrong derivative is found here,
# not after hours of a training that mysteriously does not learn.
from sknn_scratch import ScratchMLPRegressor, check_gradients

rng = np.random.RandomState(0)
X_small, y_small = rng.normal(size=(20, 3)), rng.normal(size=20)
small = ScratchMLPRegressor(
    hidden_layer_sizes=(5, 4), activation=Swish(), loss=Huber(), random_state=0
)
print(f"largest relative error: {check_gradients(small, X_small, y_small):.1e}")


# %%
# A wrong derivative does not pass:
class WrongSwish(Swish):
    def derivative(self, Z, A):
        return 1 / (1 + np.exp(-self.beta * Z))  # forgot the product rule


try:
    check_gradients(small.set_params(activation=WrongSwish()), X_small, y_small)
except AssertionError as error:
    print("AssertionError:", error)

# %%
# Register them by name
# ---------------------
# Registered names work everywhere a built-in name does, including the
# parameter grids of a search. Objects work too, and can be mixed with names.
from sknn_scratch import register_activation, register_loss

register_activation("swish", Swish)
register_loss("huber", Huber)

# %%
# Fit on data with outliers
# -------------------------
# A noisy sine, with one target in ten thrown far off. Huber ignores most of
# the pull of the outliers; the squared error bends towards them. The search
# scores with the median absolute error, which the outliers do not sway
# either (R², the default score, would reward chasing them).
import matplotlib.pyplot as plt
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, KFold

X = np.sort(rng.uniform(-3, 3, size=(200, 1)), axis=0)
y = np.sin(X[:, 0]) + 0.1 * rng.normal(size=200)
outliers = rng.rand(200) < 0.1
y[outliers] += rng.choice([-4, 4], size=outliers.sum())

search = GridSearchCV(
    ScratchMLPRegressor(
        hidden_layer_sizes=(32,),
        activation="swish",
        solver="adam",
        learning_rate_init=0.01,
        max_iter=500,
        random_state=0,
    ),
    {"loss": ["squared_error", "huber"], "activation": ["swish", Swish(beta=2.0)]},
    scoring="neg_median_absolute_error",
    cv=KFold(3, shuffle=True, random_state=0),
).fit(X, y)
print("best:", search.best_params_)

grid = np.linspace(-3, 3, 200).reshape(-1, 1)
plt.scatter(X, y, s=8, c=np.where(outliers, "tab:red", "tab:gray"), label="data")
plt.plot(grid, np.sin(grid), "k:", label="sin(x)")
for loss in ["squared_error", "huber"]:
    model = clone(search.best_estimator_).set_params(loss=loss).fit(X, y)
    plt.plot(grid, model.predict(grid), label=f"loss={loss!r}")
plt.ylim(-3, 3)
plt.legend()
plt.show()

# %%
# Ship them as a plugin
# ---------------------
# To make ``activation="swish"`` work for everyone who installs your package,
# without their importing it first, declare the classes as entry points in
# your package's ``pyproject.toml``:
#
# .. code-block:: toml
#
#     [project.entry-points."sknn_scratch.activations"]
#     swish = "my_package.components:Swish"
#
#     [project.entry-points."sknn_scratch.losses"]
#     huber = "my_package.components:Huber"
#
# sknn_scratch looks the entry points up the first time a name is not one of
# its own. The groups for the other kinds are ``sknn_scratch.optimizers``,
# ``sknn_scratch.initializers`` and ``sknn_scratch.schedules``.
