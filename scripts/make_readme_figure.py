"""Draw the README's picture: a decision boundary and the loss curves of one fit.

Run from the repository root, with the plot extra installed::

    python scripts/make_readme_figure.py [--output PATH]

``PATH`` defaults to ``docs/_static/readme.png``; ``--help`` says so and
draws nothing.
"""

import argparse
from pathlib import Path

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "docs/_static/readme.png"


def make_figure():
    """Fit a small network on two moons and draw what it learned."""
    # imported here so that --help works without the plot extra
    import matplotlib.pyplot as plt
    from sklearn.datasets import make_moons
    from sklearn.inspection import DecisionBoundaryDisplay

    from sknn_scratch import ScratchMLPClassifier
    from sknn_scratch.plot import LossCurveDisplay

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


def build_parser():
    """The command line of this script."""
    parser = argparse.ArgumentParser(
        description=(
            "Draw the README's picture: the decision boundary and the loss "
            "curves of a ScratchMLPClassifier fitted on two moons."
        )
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        metavar="PATH",
        help="where to write the PNG (default: docs/_static/readme.png)",
    )
    return parser


def main(argv=None):
    """Draw the picture and write it where ``argv`` says (default: sys.argv)."""
    args = build_parser().parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    args.output.parent.mkdir(parents=True, exist_ok=True)
    fig = make_figure()
    fig.savefig(args.output, dpi=100)
    plt.close(fig)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
