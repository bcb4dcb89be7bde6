"""Time the device path (a GPU's arrays in their own library) on CPU tensors.

``python benchmarks/device_path.py`` fits ours on PyTorch CPU tensors twice
per round, alternating: as fits really take them (viewed as numpy arrays in
place, ``sknn_scratch/_boundary.py``) and sent down the path of arrays on a
GPU (PyTorch's own functions, ``sknn_scratch/_xp.py``), which needs no GPU
to be timed. It prints the median CPU time of each, float64 and float32,
one BLAS thread. ``--before TREE`` also times a checkout of the package
from before the boundary existed (every tensor then went through that
other path), in a process of its own. On a GPU, ``compare.py`` row h times
the real thing.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--rows", type=int, default=20_000, help="training rows")
    parser.add_argument("--epochs", type=int, default=3, help="epochs per fit")
    parser.add_argument("--rounds", type=int, default=3, help="fits per contender")
    parser.add_argument("--before", help="a checkout of sknn_scratch to compare")
    parser.add_argument("--path", choices=["viewed", "device"], help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def fit_times(args, path):
    """Median CPU seconds of a fit, float64 and float32, down ``path``."""
    os.environ["SCIPY_ARRAY_API"] = "1"
    import numpy as np
    import sklearn
    import torch
    from threadpoolctl import threadpool_limits

    from sknn_scratch import ScratchMLPClassifier

    try:
        import sknn_scratch._boundary as boundary

        boundary.VIEW_IN_PLACE = path == "viewed"
    except ImportError:
        pass  # a version before the boundary: one path for every tensor
    torch.set_num_threads(1)
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(args.rows, 100)), rng.randint(0, 10, args.rows)
    params = dict(batch_size=256, max_iter=args.epochs, loss="log_loss", tol=0)
    times = {}
    with threadpool_limits(1), sklearn.config_context(array_api_dispatch=True):
        for dtype in ("float64", "float32"):
            X_t, y_t = torch.asarray(X.astype(dtype)), torch.asarray(y)
            seconds = []
            for _ in range(args.rounds):
                model = ScratchMLPClassifier(
                    (256,), learning_rate_init=0.1, random_state=0, **params
                )
                start = time.process_time()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    model.fit(X_t, y_t)
                seconds.append(time.process_time() - start)
            times[dtype] = statistics.median(seconds)
    return times


def in_process(args, path, tree=None):
    """:func:`fit_times` in a process of its own, importing ``tree``'s package."""
    env = dict(os.environ, PYTHONPATH=str(tree or ROOT))
    command = [sys.executable, __file__, "--path", path]
    command += ["--rows", str(args.rows), "--epochs", str(args.epochs)]
    command += ["--rounds", str(args.rounds)]
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None):
    args = parse_args(argv)
    if args.path is not None:
        print(json.dumps(fit_times(args, args.path)))
        return
    rows = [("viewed in place (CPU tensors)", "viewed", None)]
    rows.append(("the device path, PyTorch's functions", "device", None))
    if args.before:
        rows.append((f"before ({args.before})", "device", args.before))
    print(f"{args.rows:,}x100, 100-256-10, batch 256, {args.epochs} epochs, log-loss")
    for label, path, tree in rows:
        times = in_process(args, path, tree)
        print(f"  {label:40} {times['float64']:.2f} s  {times['float32']:.2f} s")


if __name__ == "__main__":
    main()
