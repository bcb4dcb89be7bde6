"""``python -m sknn_scratch``: the article, step by step, with the package.

Each step of "An Introduction to Neural Networks" is done through the public
API, printing the numbers the article shows. ``--help`` lists the options.
"""

import argparse
import os
import signal
import sys
import textwrap
import threading
import warnings
from pathlib import Path

import numpy as np

from . import ARTICLE_PARAMS, ScratchMLPClassifier, __version__, trace_step
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


def walk_through(epochs=1000, random_state=0, plot=None):
    """Walk through the article: neuron, network, loss, backprop, training,
    predictions; save the trained network's diagram to ``plot`` if given."""
    print("1. A neuron: w = [0, 1], b = 4, x = [2, 3]")
    neuron = _network((), [[[0], [1]]], [[4]])
    print("   f(w.x + b) = f(7) =", neuron.predict_proba([[2, 3]])[0, 1])

    print("\n2. A network: h1, h2 and o1 all with w = [0, 1], b = 0")
    network = _network((2,), [[[0, 0], [1, 1]], [[0], [1]]], [[0, 0], [0]])
    print("   o1 for x = [2, 3]:", network.predict_proba([[2, 3]])[0, 1])

    print("\n3. The loss: MSE of always predicting 0 for the four people")
    y_true = Y.reshape(-1, 1).astype(float)
    print("   MSE =", SquaredError().loss(y_true, np.zeros((4, 1))))

    print("\n4. Backpropagation: one SGD step on Alice, every w = 1, every b = 0")
    ones = _network((2,), [np.ones((2, 2)), np.ones((2, 1))], [np.zeros(2), [0]])
    print(textwrap.indent(str(trace_step(ones, X[:1], Y[:1])), "   "))
    print(
        "   (the article rounds each factor, -0.952 * 0.249 * (-2 * 0.0452), and "
        "prints d_L_d_w1 = 0.0214)"
    )

    print("\n5. Training: per-sample SGD, eta = 0.1, from random weights")
    clf = ScratchMLPClassifier(**ARTICLE_PARAMS, random_state=random_state)
    for epoch in range(epochs):
        clf.partial_fit(X, Y, classes=[0, 1])
        if epoch % 10 == 0:
            loss = SquaredError().loss(y_true, clf.predict_proba(X)[:, [1]])
            print(f"   Epoch {epoch} loss: {loss:.3f}")

    print("\n6. Predictions (probability of Female)")
    for name, x in [("Emily", EMILY), ("Frank", [20, 2])]:
        p = clf.predict_proba([x])[0, 1]
        label = "F" if clf.predict([x])[0] == 1 else "M"
        print(f"   {name}: {p:.3f} -> {label}")
    print(
        "   The article's own run gives Emily 0.951 and Frank 0.039: its network "
        "started\n   from other random weights (here random_state="
        f"{random_state}). The probabilities\n   depend on the start; the "
        "classes do not."
    )
    if plot is not None:
        _save_diagram(clf, plot, epochs)


# Emily, 128 lb and 63 in, shifted as the others
EMILY = [-7, -3]


def _save_diagram(clf, path, epochs):
    """The trained network's diagram, with Emily's values, saved to ``path``."""
    import matplotlib

    matplotlib.use("Agg")  # a file, not a window
    import matplotlib.pyplot as plt

    from .plot import NetworkDisplay

    title = f"The article's network after {epochs} epochs, on Emily"
    display = NetworkDisplay.from_estimator(clf, [EMILY], name=title)
    display.figure_.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(display.figure_)
    print(f"\n   The trained network's diagram: {path}")


def _plot_path(text):
    """An argparse type: a file matplotlib can write, in a folder that exists."""
    path = Path(text)
    try:
        from matplotlib.backend_bases import FigureCanvasBase
    except ImportError:
        raise argparse.ArgumentTypeError(
            "needs matplotlib, which is not installed: pip install matplotlib"
        ) from None
    formats = FigureCanvasBase.get_supported_filetypes()
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in formats:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a file name ending in a format matplotlib saves "
            f"({', '.join(sorted(formats))})"
        )
    if not path.parent.is_dir():
        raise argparse.ArgumentTypeError(f"no folder {str(path.parent)!r} for {text!r}")
    return path


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
            "with sknn_scratch: a neuron, a network, the loss, one step of "
            "backpropagation worked out, training on the four people, and "
            "Emily's and Frank's predictions."
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
    parser.add_argument(
        "--plot",
        type=_plot_path,
        metavar="FILE",
        help="save the trained network's diagram to FILE (.png, .svg, .pdf, ...)",
    )
    return parser


class _Interrupted(BaseException):
    """Ctrl-C in the walk-through: raised past ``fit``, which would otherwise
    stop training and carry on (its own SIGINT handling)."""


def _interrupted(signum, frame):
    raise _Interrupted


def main(argv=None):
    """Run the walk-through with the options of ``argv`` (default: sys.argv).

    Returns the exit status: 0, or 130 after Ctrl-C (as a shell reports
    SIGINT), or 1 when the reader of the output went away (``| head -1``);
    neither prints a traceback.
    """
    args = build_parser().parse_args(argv)
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, _interrupted) if in_main_thread else None
    try:
        walk_through(epochs=args.epochs, random_state=args.seed, plot=args.plot)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
    except _Interrupted:
        print("\nInterrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Python's own advice: point stdout at devnull, so that the flush
        # at exit does not fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    finally:
        if previous is not None:  # (None: a handler not set from Python)
            signal.signal(signal.SIGINT, previous)
    return 0


if __name__ == "__main__":
    sys.exit(main())
