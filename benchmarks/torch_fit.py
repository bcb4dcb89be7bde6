"""Train the benchmark's network with PyTorch (CPU) and print the time as JSON.

``compare.py`` runs this script once per fit, each in a process of its own,
so that PyTorch's own BLAS and OpenMP runtime never share a process with
numpy's. The network, loss and training are scikit-learn's ``MLPClassifier``
with ``activation="logistic"``, ``solver="sgd"``, ``momentum=0``,
``shuffle=True``, no early stopping, redone step by step:

- the same initial weights: scikit-learn's Glorot draws (bound
  ``sqrt(2 / (fan_in + fan_out))`` for a sigmoid), weights then biases, layer
  by layer, from ``RandomState(seed)``, made in float64 and cast;
- the same batches in the same order: each epoch permutes the previous
  epoch's order with the next draw of that ``RandomState``, as
  ``sklearn.utils.shuffle`` does, and cuts it into consecutive batches, the
  last one shorter;
- the same loss: mean cross-entropy of the softmax outputs plus
  ``alpha / 2 * ||W||^2 / n_batch`` (weights only, not biases), through
  ``torch.optim.SGD``'s ``weight_decay`` set to ``alpha / n_batch`` for the
  weights of each batch;
- the same record: the epoch's mean loss (``loss_curve_``), which costs one
  ``.item()`` per batch, as scikit-learn and sknn_scratch compute it too.

One warm-up step on two rows runs before the clock starts (the other
contenders run in a process that has already trained). The fit is repeated
until it lasts ``--min-seconds`` and the time per fit is printed, with the
test accuracy and what PyTorch runs on, as one line of JSON.

Run ``python benchmarks/torch_fit.py DATA.npz`` where ``DATA.npz`` holds
``X_train``, ``y_train`` (class labels), and optionally ``X_test`` and
``y_test``. Needs ``torch`` (``pip install ".[benchmarks]"``).
"""

import argparse
import json
import math
import os
import re
import sys
import time


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("data", help="X_train, y_train[, X_test, y_test] (.npz)")
    parser.add_argument("--hidden", type=int, default=64, help="hidden units")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--lr", type=float, default=0.1, help="learning rate")
    parser.add_argument("--alpha", type=float, default=1e-4, help="L2 penalty")
    parser.add_argument("--seed", type=int, default=0, help="random_state")
    parser.add_argument("--dtype", choices=("float64", "float32"), default="float64")
    parser.add_argument("--threads", type=int, default=1, help="PyTorch threads")
    parser.add_argument(
        "--min-seconds", type=float, default=0.0, help="repeat the fit this long"
    )
    parser.add_argument("--wall", action="store_true", help="wall-clock time")
    parser.add_argument("--weights", help="also save the fitted weights (.npz)")
    return parser.parse_args(argv)


def glorot(rng, fan_in, fan_out):
    """scikit-learn's initial weights and biases of a layer after a sigmoid."""
    bound = math.sqrt(2.0 / (fan_in + fan_out))
    W = rng.uniform(-bound, bound, (fan_in, fan_out))
    b = rng.uniform(-bound, bound, fan_out)
    return W, b


def build(torch, layer_sizes, rng, dtype):
    """The network, its weights set from scikit-learn's draws."""
    layers = []
    for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        W, b = glorot(rng, fan_in, fan_out)
        linear = torch.nn.Linear(fan_in, fan_out, dtype=dtype)
        with torch.no_grad():
            # a Linear stores its weight as (fan_out, fan_in)
            linear.weight.copy_(torch.from_numpy(W.T.copy()))
            linear.bias.copy_(torch.from_numpy(b))
        layers += [linear, torch.nn.Sigmoid()]
    return torch.nn.Sequential(*layers[:-1])  # logits out; softmax in the loss


def fit(torch, np, X, y, n_classes, args):
    """One fit, as ``MLPClassifier.fit`` trains it; returns the network."""
    rng = np.random.RandomState(args.seed)
    dtype = getattr(torch, args.dtype)
    net = build(torch, [X.shape[1], args.hidden, n_classes], rng, dtype)
    weights = [m.weight for m in net if isinstance(m, torch.nn.Linear)]
    biases = [m.bias for m in net if isinstance(m, torch.nn.Linear)]
    optimizer = torch.optim.SGD(
        [{"params": weights}, {"params": biases, "weight_decay": 0.0}],
        lr=args.lr,
        momentum=0.0,
    )
    decayed = optimizer.param_groups[0]
    n = X.shape[0]
    batch_size = min(max(args.batch_size, 1), n)
    order = np.arange(n)
    loss_curve = []
    for _ in range(args.epochs):
        order = order[rng.permutation(n)]
        index = torch.from_numpy(order)
        total = 0.0
        for start in range(0, n, batch_size):
            batch = index[start : start + batch_size]
            size = len(batch)
            decayed["weight_decay"] = args.alpha / size
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(net(X[batch]), y[batch])
            loss.backward()
            optimizer.step()
            total += loss.item() * size
        loss_curve.append(total / n)
    return net


def main(argv=None):
    args = parse_args(argv)
    # the thread count is fixed before torch starts its thread pools
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = str(args.threads)
    import numpy as np
    import torch

    torch.set_num_threads(args.threads)
    data = np.load(args.data)
    classes, y_codes = np.unique(data["y_train"], return_inverse=True)
    X = torch.from_numpy(np.ascontiguousarray(data["X_train"], dtype=args.dtype))
    y = torch.from_numpy(y_codes.astype(np.int64))

    warm_args = argparse.Namespace(**{**vars(args), "epochs": 1})
    fit(torch, np, X[:2], y[:2], len(classes), warm_args)

    clock = time.perf_counter if args.wall else time.process_time
    start = clock()
    net = fit(torch, np, X, y, len(classes), args)
    seconds = clock() - start
    if seconds < args.min_seconds:
        repeats = max(1, math.ceil(args.min_seconds / max(seconds, 1e-7)))
        start = clock()
        for _ in range(repeats):
            net = fit(torch, np, X, y, len(classes), args)
        seconds = (clock() - start) / repeats

    result = {
        "seconds": seconds,
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "blas": blas_name(torch),
    }
    if "X_test" in data:
        X_test = torch.from_numpy(np.asarray(data["X_test"], dtype=args.dtype))
        with torch.no_grad():
            predicted = classes[net(X_test).argmax(dim=1).numpy()]
        result["accuracy"] = 100 * float(np.mean(predicted == data["y_test"]))
    if args.weights:
        linears = [m for m in net if isinstance(m, torch.nn.Linear)]
        arrays = {}
        for i, m in enumerate(linears):
            arrays[f"coef_{i}"] = m.weight.detach().numpy().T
            arrays[f"intercept_{i}"] = m.bias.detach().numpy()
        np.savez(args.weights, **arrays)
    print(json.dumps(result))
    return 0


def blas_name(torch):
    """The BLAS PyTorch was built with, from its build settings."""
    found = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
    return found.group(1) if found else "unknown"


if __name__ == "__main__":
    sys.exit(main())
