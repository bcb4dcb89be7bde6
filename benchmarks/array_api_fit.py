"""Fit sknn_scratch on PyTorch tensors (CPU or CUDA) and print the time as JSON.

``compare.py`` runs this script once per fit, each in a process of its own:
scikit-learn's array API dispatch needs ``SCIPY_ARRAY_API=1`` before scipy is
first imported, and PyTorch brings its own BLAS. The estimator and its
parameters are those of ``compare.py``'s large task with log-loss, given the
data as tensors on ``--device``; one warm-up fit on a few rows runs before the
clock starts. The fit is repeated until it lasts ``--min-seconds`` and the time
per fit is printed with the test accuracy, as one line of JSON.

Run ``python benchmarks/array_api_fit.py DATA.npz --device cpu`` where
``DATA.npz`` holds ``X_train``, ``y_train``, ``X_test`` and ``y_test``. Needs
``torch`` (``pip install ".[benchmarks]"``).
"""

import argparse
import json
import os
import sys
import time
import warnings


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", help=".npz file of the workload")
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--min-seconds", type=float, default=0.2)
    parser.add_argument("--wall", action="store_true", help="wall-clock time")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    os.environ.setdefault("SCIPY_ARRAY_API", "1")
    import numpy as np
    import sklearn
    import torch
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    from sknn_scratch import ScratchMLPClassifier

    warnings.simplefilter("ignore", ConvergenceWarning)
    torch.set_num_threads(args.threads)
    data = np.load(args.data)
    dtype = getattr(torch, args.dtype)

    def tensor(array, float_dtype=True):
        kind = dtype if float_dtype else None
        return torch.asarray(array, dtype=kind, device=args.device)

    X, y = tensor(data["X_train"]), tensor(data["y_train"], False)
    X_test, y_test = tensor(data["X_test"]), data["y_test"]

    def fit(X, y):
        return ScratchMLPClassifier(
            hidden_layer_sizes=(args.hidden,),
            activation="sigmoid",
            solver="sgd",
            learning_rate_init=0.1,
            momentum=0.0,
            alpha=1e-4,
            batch_size=args.batch_size,
            max_iter=args.epochs,
            loss="log_loss",
            random_state=0,
            tol=0.0,
            n_iter_no_change=np.inf,
        ).fit(X, y)

    def synchronize():
        if args.device.startswith("cuda"):
            torch.cuda.synchronize()

    clock = (
        time.perf_counter if args.wall or args.device != "cpu" else time.process_time
    )
    with (
        threadpool_limits(limits=args.threads),
        sklearn.config_context(array_api_dispatch=True),
    ):
        fit(X[:512], y[:512])  # warm-up: kernels, caches
        synchronize()
        repeats, start = 0, clock()
        while True:
            model = fit(X, y)
            synchronize()
            repeats += 1
            elapsed = clock() - start
            if elapsed >= args.min_seconds:
                break
        predicted = model.predict(X_test).cpu().numpy()
    print(
        json.dumps(
            {
                "seconds": elapsed / repeats,
                "accuracy": 100 * float(np.mean(predicted == y_test)),
                "torch": torch.__version__,
                "device": args.device,
                "clock": "wall-clock" if clock is time.perf_counter else "CPU time",
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
