"""``python -m sknn_scratch``: the article, step by step, with the package.

Each step of "An Introduction to Neural Networks" is done through the public
API, printing the numbers the article shows. ``--help`` lists the options.
"""

import argparse
import warnings

import numpy as np

from . import ARTICLE_PARAMS, ScratchMLPClassifier, __version__
from .losses import SquaredError

# The article's data, shifted by 135 lb and 66 in; Female is 1, Male is 0.
PEOPLE = ["Alice", "Bob", "Charlie", "Diana"]
X = np.array([[-2.0, -1.0], [25.0, 6.0], [17.0, 4.0], [-15.0, -6.0]])
Y = np.array([1, 0, 0, 1])


def _network(hidden_layer_sizes, coefs, intercepts):
    """A network with the given weights (fitted once to build its layers)."""
    net = ScratchMLPClassifier(**{**ARTICLE_PARAMS, "max_iter": 1})
    net.set_params(hidden_layer_sizes=hidden_layer_sizes, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net.fit(X, Y)
    net.coefs_ = [np.array(W, dtype=float) for W in coefs]
    net.intercepts_ = [np.array(b, dtype=float) for b in intercepts]
    return net


def walk_through(epochs=1000, random_state=0):
    """Walk through the article: neuron, network, loss, training, predictions."""
    print("1. A neuron: w = [0, 1], b = 4, x = [2, 3]")
    neuron = _network((), [[[0], [1]]], [[4]])
    print("   f(w.x + b) = f(7) =", neuron.predict_proba([[2, 3]])[0, 1])

    print("\n2. A network: h1, h2 and o1 all with w = [0, 1], b = 0")
    network = _network((2,), [[[0, 0], [1, 1]], [[0], [1]]], [[0, 0], [0]])
    print("   o1 for x = [2, 3]:", network.predict_proba([[2, 3]])[0, 1])

    print("\n3. The loss: MSE of always predicting 0 for the four people")
    y_true = Y.reshape(-1, 1).astype(float)
    print("   MSE =", SquaredError().loss(y_true, np.zeros((4, 1))))

    print("\n4. Training: per-sample SGD, eta = 0.1, from random weights")
    clf = ScratchMLPClassifier(**ARTICLE_PARAMS, random_state=random_state)
    for epoch in range(epochs):
        clf.partial_fit(X, Y, classes=[0, 1])
        if epoch % 10 == 0:
            loss = SquaredError().loss(y_true, clf.predict_proba(X)[:, [1]])
            print(f"   Epoch {epoch} loss: {loss:.3f}")

    print("\n5. Predictions (probability of Female)")
    for name, x in [("Emily", [-7, -3]), ("Frank", [20, 2])]:
        p = clf.predict_proba([x])[0, 1]
        label = "F" if clf.predict([x])[0] == 1 else "M"
        print(f"   {name}: {p:.3f} -> {label}")


# the largest seed numpy (and so random_state) accepts
MAX_SEED = 2**32 - 1


def _int_in(low, high=None):
    """An argparse type: an integer from ``low`` to ``high`` (or more)."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
        if value < low or (high is not None and value > high):
            bounds = f"at least {low}" if high is None else f"from {low} to {high}"
            raise argparse.ArgumentTypeError(f"must be {bounds}, got {value}")
        return value

    return parse


def build_parser():
    """The command line of ``python -m sknn_scratch``."""
    parser = argparse.ArgumentParser(
        prog="python -m sknn_scratch",
        description=(
            "Walk through Victor Zhou's 'An Introduction to Neural Networks' "
            "with sknn_scratch: a neuron, a network, the loss, training on "
            "the four people, and Emily's and Frank's predictions."
        ),
    )
    parser.add_argument(
        "--version", action="version", version=f"sknn_scratch {__version__}"
    )
    parser.add_argument(
        "--epochs",
        type=_int_in(1),
        default=1000,
        metavar="N",
        help="epochs of training (default: 1000, the article's)",
    )
    parser.add_argument(
        "--seed",
        type=_int_in(0, MAX_SEED),
        default=0,
        metavar="S",
        help="random_state of the initial weights (default: 0)",
    )
    return parser


def main(argv=None):
    """Run the walk-through with the options of ``argv`` (default: sys.argv)."""
    args = build_parser().parse_args(argv)
    walk_through(epochs=args.epochs, random_state=args.seed)


if __name__ == "__main__":
    main()
