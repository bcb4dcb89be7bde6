"""
=====================================
The article, step by step
=====================================

Every step of Victor Zhou's "An Introduction to Neural Networks", done with
sknn_scratch: a neuron, a network of three neurons, the mean squared error,
one partial derivative computed by backpropagation, and training by
stochastic gradient descent on four people. The numbers printed below are
the article's.
"""

# %%
# A neuron
# --------
# A neuron computes ``f(w1*x1 + w2*x2 + b)`` with the sigmoid ``f``. A network
# with no hidden layer (``hidden_layer_sizes=()``) is exactly one output
# neuron. One call to ``partial_fit`` builds its weights; we then set them to
# the article's ``w = [0, 1]`` and ``b = 4``, the way ``coefs_`` and
# ``intercepts_`` are set on scikit-learn's MLP.
import numpy as np

from sknn_scratch import ARTICLE_PARAMS, ScratchMLPClassifier

# Alice, Bob, Charlie, Diana: weight - 135 lb, height - 66 in, as the
# article shifts them
X = np.array([[-2, -1], [25, 6], [17, 4], [-15, -6]])
y = np.array([1, 0, 0, 1])  # Female is 1, Male is 0

neuron = ScratchMLPClassifier(hidden_layer_sizes=())
neuron.partial_fit(X, y, classes=[0, 1])
neuron.coefs_ = [np.array([[0.0], [1.0]])]
neuron.intercepts_ = [np.array([4.0])]
# for two classes, column 1 of predict_proba is the output neuron
print("f(0*2 + 1*3 + 4) = f(7) =", neuron.predict_proba([[2, 3]])[0, 1])

# %%
# A network
# ---------
# Two inputs, a hidden layer of two neurons ``h1`` and ``h2``, and an output
# neuron ``o1``, all with ``w = [0, 1]`` and ``b = 0``. In scikit-learn's
# layout ``coefs_[0] = [[w1, w3], [w2, w4]]`` and ``coefs_[1] = [[w5], [w6]]``.
network = ScratchMLPClassifier(hidden_layer_sizes=(2,))
network.partial_fit(X, y, classes=[0, 1])
network.coefs_ = [np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([[0.0], [1.0]])]
network.intercepts_ = [np.zeros(2), np.zeros(1)]
print("o1 for x = [2, 3]:", network.predict_proba([[2, 3]])[0, 1])

# %%
# The loss
# --------
# The article's loss is the mean squared error, with no factor 1/2. Always
# predicting 0 for the four people costs ``(1 + 0 + 0 + 1) / 4``.
from sklearn.metrics import mean_squared_error

print("MSE of always predicting 0:", mean_squared_error(y, np.zeros(4)))

# %%
# Backpropagation: dL/dw1
# -----------------------
# With every weight 1 and every bias 0, the article computes for Alice
# ``dL/dw1 = -0.952 * 0.249 * (-2 * 0.0452) = 0.0214``. One step of SGD on
# Alice alone changes ``w1`` by ``-eta * dL/dw1``, so the change read back from
# ``coefs_`` gives the derivative backpropagation computed (the article rounds
# each factor; unrounded it is 0.021470).
eta = ARTICLE_PARAMS["learning_rate_init"]
net = ScratchMLPClassifier(**ARTICLE_PARAMS)
net.partial_fit(X, y, classes=[0, 1])
net.coefs_ = [np.ones((2, 2)), np.ones((2, 1))]
net.intercepts_ = [np.zeros(2), np.zeros(1)]
print("o1 for Alice:", round(net.predict_proba(X[:1])[0, 1], 3))
net.partial_fit(X[:1], y[:1])
w1 = net.coefs_[0][0, 0]
print(f"dL/dw1 = {(1 - w1) / eta:.6f}")

# %%
# Training with stochastic gradient descent
# -----------------------------------------
# ``ARTICLE_PARAMS`` is the article's training: two sigmoid hidden neurons,
# weights from a standard normal, one sample at a time in data order,
# ``eta = 0.1``, 1000 epochs. ``loss_curve_`` holds the loss of each epoch
# (the mean over the epoch's updates, as in scikit-learn); the article prints
# it every 10 epochs. Like the article, this trains for exactly 1000 epochs
# with no convergence test, so the warning scikit-learn gives when
# ``max_iter`` is reached tells nothing new here.
import warnings

from sklearn.exceptions import ConvergenceWarning

warnings.filterwarnings("ignore", category=ConvergenceWarning)

clf = ScratchMLPClassifier(**ARTICLE_PARAMS, random_state=0).fit(X, y)
for epoch in range(0, 100, 10):
    print(f"Epoch {epoch} loss: {clf.loss_curve_[epoch]:.3f}")
print("...")
print(f"Epoch 990 loss: {clf.loss_curve_[990]:.3f}")

# %%
# The loss falls fast, then slowly: the plot shows the whole curve.
import matplotlib.pyplot as plt

from sknn_scratch.plot import LossCurveDisplay

display = LossCurveDisplay.from_estimator(clf, name="The article's training")
display.ax_.set_yscale("log")
plt.show()

# %%
# Emily and Frank
# ---------------
# Emily (128 lb, 63 in) and Frank (155 lb, 68 in), shifted the same way. The
# exact probabilities depend on the random start; the classes do not.
emily, frank = [-7, -3], [20, 2]
for name, x in [("Emily", emily), ("Frank", frank)]:
    p = clf.predict_proba([x])[0, 1]
    print(f"{name}: {p:.3f}", "F" if clf.predict([x])[0] == 1 else "M")

# %%
# Shifting by hand is what ``StandardScaler`` does for any data set: in a
# ``Pipeline`` the same network is trained on the raw pounds and inches.
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

raw = X + [135, 66]
pipe = make_pipeline(StandardScaler(), ScratchMLPClassifier(**ARTICLE_PARAMS))
pipe.set_params(scratchmlpclassifier__random_state=0).fit(raw, y)
print(pipe.predict([[128, 63], [155, 68]]))
