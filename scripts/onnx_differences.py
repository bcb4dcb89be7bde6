"""Print how far the ONNX export is from the estimators, per activation and output.

Run from the repository root, with the onnx extra installed::

    python scripts/onnx_differences.py

For every built-in activation and every kind of output (normalised sigmoids,
softmax, binary, multilabel, the regressor with one and two outputs, the
Poisson regressor's exponential), a short fit, its conversion by skl2onnx's
``to_onnx`` and a run in onnxruntime on float32 input (the training rows and
rows four times as far out): the largest absolute difference from
``predict_proba`` (``predict`` for regressors) and whether the labels equal
``predict``. ``tests/test_onnx.py`` asserts the same within 1e-5.
"""

import argparse
import warnings

import numpy as np
import onnxruntime as ort
from skl2onnx import to_onnx
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning

import sknn_scratch.onnx  # noqa: F401  (registers the converters)
from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor, TrivialModelWarning
from sknn_scratch.activations import ELU, LeakyReLU

ACTIVATIONS = [
    "sigmoid",
    "tanh",
    "relu",
    "identity",
    "leaky_relu",
    LeakyReLU(alpha=0.2),
    "elu",
    ELU(alpha=0.5),
    "softplus",
]
CLASSIFIER_OUTPUTS = [
    ("squared_error", 3, "normalised sigmoids, 3 classes"),
    ("log_loss", 3, "softmax, 3 classes"),
    ("log_loss", 2, "binary, log-loss"),
    ("squared_error", 2, "binary, squared error"),
]


def run(model, X, options=None):
    """The outputs of ``model``'s ONNX graph, run by onnxruntime on ``X``."""
    onx = to_onnx(model, X, options=options)
    session = ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return session.run(None, {session.get_inputs()[0].name: X})


def classification(n_classes):
    return make_classification(
        n_samples=80,
        n_features=5,
        n_informative=3,
        n_redundant=0,
        n_classes=n_classes,
        random_state=0,
    )


def float32_inputs(X):
    return np.vstack([X, 4 * X]).astype(np.float32)


def classifier_row(activation, label, X, y, **params):
    clf = ScratchMLPClassifier((6,), activation=activation, max_iter=60, **params)
    clf.set_params(random_state=0).fit(X, y)
    X32 = float32_inputs(X)
    labels, proba = run(clf, X32, options={id(clf): {"zipmap": False}})
    diff = np.abs(proba - clf.predict_proba(X32)).max()
    equal = bool((labels == clf.predict(X32)).all())
    return f"| {activation!r} | {label} | {diff:.2e} | {equal} |"


def regressor_row(activation, label, X, y, **params):
    reg = ScratchMLPRegressor((6,), activation=activation, max_iter=60, **params)
    reg.set_params(random_state=0).fit(X, y)
    X32 = float32_inputs(X)
    (predicted,) = run(reg, X32)
    expected = reg.predict(X32).reshape(predicted.shape)
    return f"| {activation!r} | {label} | {np.abs(predicted - expected).max():.2e} | |"


def rows():
    for activation in ACTIVATIONS:
        for loss, n_classes, label in CLASSIFIER_OUTPUTS:
            X, y = classification(n_classes)
            yield classifier_row(activation, label, X, y, loss=loss)
        X, _ = classification(3)
        noise = 0.3 * np.random.RandomState(0).normal(size=(80, 3))
        Y = (X[:, :3] + noise > 0).astype(int)
        yield classifier_row(activation, "multilabel", X, Y)
        for n_targets in (1, 2):
            X, y = make_regression(
                n_samples=80, n_features=5, n_targets=n_targets, random_state=0
            )
            label = f"regressor, {n_targets} output(s)"
            yield regressor_row(activation, label, X, y / np.abs(y).max())
    X, y = make_regression(n_samples=80, n_features=5, random_state=0)
    counts = np.random.RandomState(0).poisson(np.exp(y / np.abs(y).max()))
    yield regressor_row("sigmoid", "Poisson regressor", X, counts, loss="poisson")


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.parse_args(argv)
    warnings.simplefilter("ignore", ConvergenceWarning)
    warnings.simplefilter("ignore", TrivialModelWarning)
    print("| activation | output | largest difference | labels equal |")
    print("|---|---|---|---|")
    for row in rows():
        print(row, flush=True)


if __name__ == "__main__":
    main()
