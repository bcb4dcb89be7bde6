"""The contenders of compare.py: ours, scikit-learn's, the article's, PyTorch.

A module of ``compare.py``, not a script.
"""

import importlib.util
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.neural_network import MLPClassifier

from sknn_scratch import ScratchMLPClassifier
from sknn_scratch.activations import Sigmoid

TORCH_SCRIPT = Path(__file__).resolve().with_name("torch_fit.py")


def no_early_stop():
    """Settings that make both estimators run every epoch asked for."""
    return {"tol": 0.0, "n_iter_no_change": np.inf}


def ours(
    hidden,
    batch_size,
    max_iter,
    *,
    shuffle=True,
    alpha=1e-4,
    seed=0,
    loss="squared_error",
    activation="sigmoid",
):
    return ScratchMLPClassifier(
        hidden_layer_sizes=hidden,
        activation=activation,
        loss=loss,
        solver="sgd",
        learning_rate_init=0.1,
        momentum=0.0,
        alpha=alpha,
        batch_size=batch_size,
        max_iter=max_iter,
        shuffle=shuffle,
        random_state=seed,
        **no_early_stop(),
    )


def theirs(hidden, batch_size, max_iter, *, shuffle=True, alpha=1e-4, seed=0):
    return MLPClassifier(
        hidden_layer_sizes=hidden,
        activation="logistic",
        solver="sgd",
        learning_rate_init=0.1,
        momentum=0.0,
        alpha=alpha,
        batch_size=batch_size,
        max_iter=max_iter,
        shuffle=shuffle,
        random_state=seed,
        **no_early_stop(),
    )


class OwnSigmoid:
    """A user's own sigmoid: the documented protocol, nothing inherited."""

    def forward(self, Z):
        return 1 / (1 + np.exp(-Z))

    def derivative(self, Z, A):
        return A * (1 - A)


class SubclassedSigmoid(Sigmoid):
    """A subclass of the built-in sigmoid that changes nothing."""


# ------------------------------------------------------------------ the floor


def floor_fit(X, n_hidden, n_outputs, batch_size, epochs):
    """The arithmetic of a fit of ``X`` alone: what no implementation can skip.

    Per batch: ``X_b @ W1``, the hidden sigmoid, ``A1 @ W2``, ``A1.T @ D2``,
    ``D2 @ W2.T`` and ``X_b.T @ D1``, into buffers allocated once. Left out:
    the output activation, the loss and its gradient, the biases, the
    derivative of the sigmoid, the update and the gathering of shuffled
    rows (the batches are consecutive rows, of the same sizes).
    """
    n_samples, n_features = X.shape
    rng = np.random.RandomState(0)
    W1 = rng.uniform(-0.1, 0.1, (n_features, n_hidden)).astype(X.dtype)
    W2 = rng.uniform(-0.1, 0.1, (n_hidden, n_outputs)).astype(X.dtype)
    A1 = np.empty((batch_size, n_hidden), X.dtype)
    D2 = np.empty((batch_size, n_outputs), X.dtype)
    D1 = np.empty((batch_size, n_hidden), X.dtype)
    G1, G2 = np.empty_like(W1), np.empty_like(W2)
    for _ in range(epochs):
        for start in range(0, n_samples, batch_size):
            X_b = X[start : start + batch_size]
            a1, d2, d1 = A1[: len(X_b)], D2[: len(X_b)], D1[: len(X_b)]
            np.matmul(X_b, W1, out=a1)
            np.negative(a1, out=a1)
            np.exp(a1, out=a1)
            a1 += 1
            np.reciprocal(a1, out=a1)
            np.matmul(a1, W2, out=d2)  # the output sums stand in for dL/dZ2
            np.matmul(a1.T, d2, out=G2)
            np.matmul(d2, W2.T, out=d1)
            np.matmul(X_b.T, d1, out=G1)
    return G1, G2


# ------------------------------------------------------------------ PyTorch


def torch_installed():
    return importlib.util.find_spec("torch") is not None


class TorchFit:
    """One PyTorch fit per call, in a process of its own (``torch_fit.py``).

    PyTorch brings its own BLAS and OpenMP runtime; a process of its own keeps
    them apart from numpy's. It runs on one thread and repeats the fit until
    it lasts ``timing.MIN_SECONDS`` by the clock ``timing.CLOCK`` (``timing``
    is the ``_timing`` module). The time is measured inside that process, so
    the start of the process and the import of torch are not counted.
    """

    reports_its_time = True

    def __init__(self, report, data, *, hidden, batch_size, epochs, dtype, timing):
        self.report = report
        self.command = [
            sys.executable,
            str(TORCH_SCRIPT),
            str(data),
            *("--hidden", str(hidden), "--batch-size", str(batch_size)),
            *("--epochs", str(epochs), "--dtype", dtype, "--threads", "1"),
            *("--min-seconds", str(timing.MIN_SECONDS)),
            *(["--wall"] if timing.CLOCK is time.perf_counter else []),
        ]

    def __call__(self):
        result = run_timed(self.command, "the PyTorch fit")
        self.report.environment_line(
            f"torch {result['torch']} (BLAS {result['blas']}), "
            f"{result['threads']} thread(s), each fit in its own process"
        )
        return result["seconds"], result


def run_timed(command, what):
    """Run a fit in a process of its own; its last line of output, as JSON."""
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def save_data(folder, name, X_train, y_train, X_test, y_test):
    """The arrays of a workload, in a file the PyTorch process reads."""
    path = Path(folder) / f"{name}.npz"
    np.savez(path, X_train=X_train, y_train=y_train, X_test=X_test, y_test=y_test)
    return path


ARRAY_API_SCRIPT = Path(__file__).resolve().with_name("array_api_fit.py")


def cuda_available():
    """Whether PyTorch sees a CUDA device (asked in a process of its own)."""
    done = subprocess.run(
        [sys.executable, "-c", "import torch; print(torch.cuda.is_available())"],
        capture_output=True,
        text=True,
    )
    return done.stdout.strip() == "True"


class ArrayAPIFit:
    """Ours fitted on PyTorch tensors, in a process of its own.

    ``array_api_fit.py`` sets ``SCIPY_ARRAY_API=1`` before importing scipy,
    turns scikit-learn's array API dispatch on, and times the fit inside its
    process (CPU time on the CPU, wall-clock with a synchronised CUDA).
    """

    reports_its_time = True

    def __init__(self, report, data, *, device, dtype, hidden, epochs, timing):
        self.report = report
        self.command = [
            sys.executable,
            str(ARRAY_API_SCRIPT),
            str(data),
            *("--device", device, "--dtype", dtype, "--threads", "1"),
            *("--hidden", str(hidden), "--epochs", str(epochs)),
            *("--min-seconds", str(timing.MIN_SECONDS)),
            *(["--wall"] if timing.CLOCK is time.perf_counter else []),
        ]

    def __call__(self):
        result = run_timed(self.command, "the fit on PyTorch tensors")
        return result["seconds"], result
