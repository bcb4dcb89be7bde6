"""Draw the README's picture: a decision boundary and the loss curves of one fit.

Run from the repository root, with the plot extra installed::

    python scripts/make_readme_figure.py [OUTPUT]

``OUTPUT`` defaults to ``docs/_static/readme.png``.
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from sklearn.datasets import make_moons  # noqa: E402
from sklearn.inspection import DecisionBoundaryDisplay  # noqa: E402

from sknn_scratch import ScratchMLPClassifier  # noqa: E402
from sknn_scratch.plot import LossCurveDisplay  # noqa: E402

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "docs/_static/readme.png"


def make_figure():
    """Fit a small network on two moons and draw what it learned."""
    X, y = make_moons(n_samples=300, noise=0.25, random_state=0)
    clf = ScratchMLPClassifier(
        hidden_layer_sizes=(16, 16),
        activation="tanh",
        loss="log_loss",
        solver="adam",
        learning_rate_init=0.01,
        batch_size=32,
        early_stopping=True,
        validation_fraction=0.2,
        n_iter_no_change=25,
        max_iter=300,
        random_state=0,
    ).fit(X, y)

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    DecisionBoundaryDisplay.from_estimator(
        clf, X, response_method="predict_proba", cmap="RdBu", alpha=0.8, ax=left
    )
    left.scatter(X[:, 0], X[:, 1], c=y, cmap="RdBu", edgecolors="k", s=18)
    left.set_title("Decision boundary")
    left.set_xticks([])
    left.set_yticks([])
    LossCurveDisplay.from_estimator(clf, ax=right, name="Loss curves")
    return fig


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    output = Path(argv[0]) if argv else DEFAULT_OUTPUT
    output.parent.mkdir(parents=True, exist_ok=True)
    fig = make_figure()
    fig.savefig(output, dpi=100)
    plt.close(fig)
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
