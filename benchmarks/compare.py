"""Train sknn_scratch, scikit-learn's MLPClassifier and PyTorch on the same work.

Run ``python benchmarks/compare.py`` (5 to 8 minutes on 2 cores) or
``python benchmarks/compare.py --quick`` (tiny sizes, to check that it runs;
no target is measured). Each workload runs every contender once per round,
the contenders alternating, and reports the median time, its spread (lowest
to highest) and the ratio ours / reference, with the test accuracy beside it.
The reference is scikit-learn's ``MLPClassifier`` unless the row names
another. Every row states the loss that ours and the reference train.

BLAS is limited to one thread (``--threads``) through threadpoolctl, so the
numbers say what the code does, not how many cores happened to be free. Times
are the CPU time of this process (``time.process_time``): with one thread it
equals the wall-clock time on an idle machine, and on a shared one it leaves
out the time spent waiting for a core. ``--wall`` measures wall-clock time.

Workloads
---------
a. The article: 4 people, hidden (2,), sigmoid, batch 1, no shuffle, lr 0.1,
   1000 epochs, no early stop. Ours runs the one training step (a numpy call
   per layer and formula), so the target is that the fit stays well below
   what a person notices: half of MLPClassifier's time. (The earlier target
   of 0.10, and the row against the article's own scalar loop, were met by a
   second copy of the step compiled on Python floats for tiny networks; it
   is gone, and so are they.)
b. ``load_digits`` after ``StandardScaler`` (test accuracy on a held-out
   quarter), hidden (64,), sigmoid, SGD lr 0.1, 50 epochs, batch 1, 32, 200;
   ours with its default squared error and with ``loss="log_loss"``, the
   reference's loss; at batch 32 also against PyTorch.
c. ``make_classification(100_000, 100, n_informative=50, n_classes=10)``,
   hidden (256,), batch 256, 5 epochs, ours in float64 and float32 against
   scikit-learn in float64 (accuracy on 25,000 more rows of the same draw),
   with both losses; with log-loss against PyTorch in float64 and float32,
   and against the floor: the five matrix products of each batch and the
   hidden sigmoid alone, in numpy with preallocated buffers.
d. ``predict_proba`` of the networks fitted in (c), on 1 row and 100,000 rows.
e. Peak memory (tracemalloc, which sees numpy's allocations) of the fit in (c).
f. Ours against ours, digits as in (b), squared error: a user's own sigmoid
   (a plain class with ``forward`` and ``derivative``) and a subclass of the
   built-in ``Sigmoid`` against the built-in, at batch 32 and batch 1;
   leaky_relu, elu and softplus against relu at batch 32.
g. (c) with log-loss at two BLAS threads, ours and scikit-learn's, in
   wall-clock time (CPU time adds up the threads).
h. (c) with log-loss, ours given PyTorch tensors through scikit-learn's array
   API dispatch, on the CPU and (where there is one) a CUDA GPU, against ours
   on numpy and scikit-learn, and on the CPU against PyTorch's own loop;
   each fit in a process of its own. Targets on the CPU: at most 1.5x ours
   on numpy arrays and at most PyTorch's own loop (1.0x).

PyTorch (when installed: ``pip install ".[benchmarks]"``) trains the same
network from scikit-learn's initial weights, on the same batches in the same
order, with the same loss, L2 penalty and plain SGD, on one thread, each fit
in a process of its own (``benchmarks/torch_fit.py``); its time is measured
inside that process, after one warm-up step.
"""

import argparse
import functools
import json
import os
import platform
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

import _timing
import numpy as np
import sklearn
from _contenders import (
    ArrayAPIFit,
    OwnSigmoid,
    SubclassedSigmoid,
    TorchFit,
    cuda_available,
    floor_fit,
    ours,
    save_data,
    theirs,
    torch_installed,
)
from _timing import Report, accuracy, fmt_loss, fmt_time, median, race
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_info, threadpool_limits

import sknn_scratch
from sknn_scratch import ScratchMLPClassifier

#: ratio ours / reference that each row must stay under
TARGETS = {
    "a": 0.50,
    "b1": 0.15,
    "b32": 0.40,
    "b200": 0.70,
    "b1-log": 0.15,
    "b32-log": 0.40,
    "b200-log": 0.70,
    "b32-torch": 0.50,
    "c64": 0.70,
    "c32": 0.40,
    "c64-log": 0.60,
    "c32-log": 0.40,
    "c64-torch": 0.50,
    "c32-torch": 0.50,
    "h-cpu64": 1.5,
    "h-cpu32": 1.5,
    "h-cpu64-torch": 1.0,
    "h-cpu32-torch": 1.0,
    "c64-floor": 1.2,
    "c32-floor": 1.2,
    "d1": 1.0,
    "d100k": 0.8,
    "e64": 1.0,
    "f-own-sigmoid32": 1.25,
    "f-own-sigmoid1": 1.5,
    "f-leaky-relu32": 1.25,
}
# workloads whose test accuracy may be at most this many points below the
# reference's: only where both train the same loss
ACCURACY_POINTS = {"b1-log": 1.0, "b32-log": 1.0, "b200-log": 1.0}
SQUARED, LOG = "squared error", "log-loss"


# --------------------------------------------------------------- workloads


def article(report, rounds, epochs):
    X = np.array([[-2, -1], [25, 6], [17, 4], [-15, -6]], dtype=float)
    y = np.array([1, 0, 0, 1])
    common = {"shuffle": False, "alpha": 0.0}
    contenders = {
        "ours": lambda: ours((2,), 1, epochs, **common).fit(X, y),
        "sklearn": lambda: theirs((2,), 1, epochs, **common).fit(X, y),
    }
    times, fitted = race(contenders, rounds)
    acc = {k: accuracy(fitted[k], X, y) for k in ("ours", "sklearn")}
    label = f"a. article 2-2-1, batch 1, {epochs} epochs"
    report.add(
        "a",
        label,
        fmt_loss(SQUARED, LOG),
        times["ours"],
        times["sklearn"],
        acc["ours"],
        acc["sklearn"],
    )
    updates = 4 * epochs
    report.note(
        "   a. per update: ours "
        f"{fmt_time(median(times, 'ours') / updates)}, sklearn "
        f"{fmt_time(median(times, 'sklearn') / updates)}"
    )


@functools.lru_cache
def digits_data(n_samples=None):
    X, y = load_digits(return_X_y=True)
    if n_samples:
        X, y = X[:n_samples], y[:n_samples]
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def digits(report, rounds, epochs, n_samples=None, torch_folder=None):
    X_train, X_test, y_train, y_test = digits_data(n_samples)
    shape = "64-64-10"
    for batch in (1, 32, 200):
        contenders = {
            "ours": lambda b=batch: ours((64,), b, epochs).fit(X_train, y_train),
            "ours-log": lambda b=batch: ours((64,), b, epochs, loss="log_loss").fit(
                X_train, y_train
            ),
            "sklearn": lambda b=batch: theirs((64,), b, epochs).fit(X_train, y_train),
        }
        if batch == 32 and torch_folder:
            data = save_data(torch_folder, "digits", X_train, y_train, X_test, y_test)
            contenders["torch"] = TorchFit(
                report,
                data,
                hidden=64,
                batch_size=batch,
                epochs=epochs,
                dtype="float64",
                timing=_timing,
            )
        times, fitted = race(contenders, rounds)
        acc = {
            name: accuracy(fitted[name], X_test, y_test)
            for name in ("ours", "ours-log", "sklearn")
        }
        label = f"b. digits {shape}, batch {batch}, {epochs} epochs"
        report.add(
            f"b{batch}",
            label,
            fmt_loss(SQUARED, LOG),
            times["ours"],
            times["sklearn"],
            acc["ours"],
            acc["sklearn"],
        )
        report.add(
            f"b{batch}-log",
            label,
            LOG,
            times["ours-log"],
            times["sklearn"],
            acc["ours-log"],
            acc["sklearn"],
        )
        if "torch" in times:
            report.add(
                f"b{batch}-torch",
                f"{label}, against PyTorch",
                LOG,
                times["ours-log"],
                times["torch"],
                acc["ours-log"],
                fitted["torch"].get("accuracy"),
            )


@functools.lru_cache
def large_data(n_samples, n_features):
    X, y = make_classification(
        n_samples + n_samples // 4,
        n_features,
        n_informative=n_features // 2,
        n_classes=10,
        random_state=0,
    )
    X = StandardScaler().fit_transform(X)
    X_train, X_test = X[:n_samples], X[n_samples:]
    y_train, y_test = y[:n_samples], y[n_samples:]
    return X_train, X_train.astype(np.float32), X_test, y_train, y_test


def large_contenders(hidden, epochs, X_train, X_train32, y_train, losses):
    """Ours in float64 and float32 with each loss, and scikit-learn."""
    contenders = {}
    for loss in losses:
        suffix = "" if loss == "squared_error" else "-log"
        for dtype, X in (("64", X_train), ("32", X_train32)):
            contenders[f"ours{dtype}{suffix}"] = lambda X=X, loss=loss: ours(
                (hidden,), 256, epochs, loss=loss
            ).fit(X, y_train)
    contenders["sklearn"] = lambda: theirs((hidden,), 256, epochs).fit(X_train, y_train)
    return contenders


def torch_loops(report, data, hidden, epochs):
    """PyTorch's own loop on the large task's ``data``, float64 and float32."""
    return {
        f"torch{dtype}": TorchFit(
            report,
            data,
            hidden=hidden,
            batch_size=256,
            epochs=epochs,
            dtype=f"float{dtype}",
            timing=_timing,
        )
        for dtype in ("64", "32")
    }


def large(report, rounds, n_samples, n_features, hidden, epochs, torch_folder=None):
    X_train, X_train32, X_test, y_train, y_test = large_data(n_samples, n_features)
    contenders = large_contenders(
        hidden, epochs, X_train, X_train32, y_train, ("squared_error", "log_loss")
    )
    if torch_folder:
        data = save_data(torch_folder, "large", X_train, y_train, X_test, y_test)
        contenders.update(torch_loops(report, data, hidden, epochs))
    n_classes = len(np.unique(y_train))
    for dtype, X in (("64", X_train), ("32", X_train32)):
        contenders[f"floor{dtype}"] = lambda X=X: floor_fit(
            X, hidden, n_classes, 256, epochs
        )
    times, fitted = race(contenders, rounds)

    shape = f"{n_samples:,}x{n_features}, {n_features}-{hidden}-10"
    label = f"c. {shape}, batch 256, {epochs} epochs, ours float"
    acc = {
        name: accuracy(est, X_test, y_test)
        for name, est in fitted.items()
        if hasattr(est, "predict")
    }
    for suffix, loss in (("", fmt_loss(SQUARED, LOG)), ("-log", LOG)):
        for dtype in ("64", "32"):
            name = f"ours{dtype}{suffix}"
            report.add(
                f"c{dtype}{suffix}",
                f"{label}{dtype}",
                loss,
                times[name],
                times["sklearn"],
                acc[name],
                acc["sklearn"],
            )
    for dtype in ("64", "32") if torch_folder else ():
        report.add(
            f"c{dtype}-torch",
            f"{label}{dtype}, against PyTorch float{dtype}",
            LOG,
            times[f"ours{dtype}-log"],
            times[f"torch{dtype}"],
            acc[f"ours{dtype}-log"],
            fitted[f"torch{dtype}"].get("accuracy"),
        )
    for dtype in ("64", "32"):
        report.add(
            f"c{dtype}-floor",
            f"{label}{dtype}, against the floor float{dtype}",
            fmt_loss(LOG, "none"),
            times[f"ours{dtype}-log"],
            times[f"floor{dtype}"],
            acc[f"ours{dtype}-log"],
        )
    report.note(
        "   c. the floor: the five matrix products of each batch and the hidden "
        "sigmoid, in numpy into preallocated buffers (no output activation, "
        "loss, bias, derivative, update or row gathering); scikit-learn / "
        f"floor float64: {median(times, 'sklearn') / median(times, 'floor64'):.2f}"
    )
    predict(report, rounds, fitted["ours64"], fitted["sklearn"], X_test, X_train)
    memory(report, X_train, X_train32, y_train, hidden)
    return {name: median(times, name) for name in times}


def predict(report, rounds, mine, ref, X_test, X_many):
    """d. prediction with the networks just fitted."""
    for key, rows in (("d1", X_test[:1]), ("d100k", X_many)):
        contenders = {
            "ours": lambda r=rows: mine.predict_proba(r),
            "sklearn": lambda r=rows: ref.predict_proba(r),
        }
        times, _ = race(contenders, rounds)
        label = "1 row" if len(rows) == 1 else f"{len(rows):,} rows"
        report.add(
            key,
            f"d. predict_proba, {label}",
            fmt_loss(SQUARED, LOG),
            times["ours"],
            times["sklearn"],
        )


def memory(report, X, X32, y, hidden):
    """e. peak memory of the fit (the data exists beforehand, as for a user)."""
    peaks = {}
    for name, fit in contenders_for_memory(X, X32, y, hidden):
        tracemalloc.start()
        fit()
        peaks[name] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    loss = fmt_loss(SQUARED, LOG)
    report.add_memory(
        "e64", "e. peak memory of (c), float64", loss, peaks["ours64"], peaks["sk"]
    )
    report.add_memory(
        "e32",
        "e. peak memory of (c), ours float32",
        loss,
        peaks["ours32"],
        peaks["sk"],
    )


def contenders_for_memory(X, X32, y, hidden):
    yield "sk", lambda: theirs((hidden,), 256, 1).fit(X, y)
    yield "ours64", lambda: ours((hidden,), 256, 1).fit(X, y)
    yield "ours32", lambda: ours((hidden,), 256, 1).fit(X32, y)


#: f. each row: (key, batch, activation, reference activation)
ACTIVATION_ROWS = (
    ("f-own-sigmoid32", 32, OwnSigmoid, "sigmoid"),
    ("f-subclass32", 32, SubclassedSigmoid, "sigmoid"),
    ("f-leaky-relu32", 32, "leaky_relu", "relu"),
    ("f-elu32", 32, "elu", "relu"),
    ("f-softplus32", 32, "softplus", "relu"),
    ("f-own-sigmoid1", 1, OwnSigmoid, "sigmoid"),
    ("f-subclass1", 1, SubclassedSigmoid, "sigmoid"),
)
ACTIVATION_NAMES = {
    OwnSigmoid: "a user's own sigmoid",
    SubclassedSigmoid: "a subclass of Sigmoid",
}


def activations(report, rounds, epochs_by_batch, n_samples=None):
    """f. ours against ours: other activations, on digits, squared error."""
    X_train, X_test, y_train, y_test = digits_data(n_samples)
    for batch in sorted(epochs_by_batch, reverse=True):
        epochs = epochs_by_batch[batch]
        rows = [row for row in ACTIVATION_ROWS if row[1] == batch]
        names = {act for row in rows for act in row[2:]}
        contenders = {
            name: lambda a=name, b=batch, e=epochs: ours(
                (64,), b, e, activation=a() if callable(a) else a
            ).fit(X_train, y_train)
            for name in sorted(names, key=str)
        }
        times, fitted = race(contenders, rounds)
        for key, _, name, ref in rows:
            shown = ACTIVATION_NAMES.get(name, name)
            report.add(
                key,
                f"f. digits 64-64-10, batch {batch}, {epochs} epochs, "
                f"{shown} against {ref}",
                SQUARED,
                times[name],
                times[ref],
                accuracy(fitted[name], X_test, y_test),
                accuracy(fitted[ref], X_test, y_test),
            )


def two_threads(report, rounds, n_samples, n_features, hidden, epochs, one_thread):
    """g. the large task with log-loss at two BLAS threads, wall-clock."""
    X_train, X_train32, X_test, y_train, y_test = large_data(n_samples, n_features)
    contenders = large_contenders(
        hidden, epochs, X_train, X_train32, y_train, ("log_loss",)
    )
    with threadpool_limits(limits=2):
        times, fitted = race(contenders, rounds, clock=time.perf_counter)
    label = "g. (c) at 2 BLAS threads, wall-clock, ours float"
    for dtype in ("64", "32"):
        name = f"ours{dtype}-log"
        report.add(
            f"g{dtype}",
            f"{label}{dtype}",
            LOG,
            times[name],
            times["sklearn"],
            accuracy(fitted[name], X_test, y_test),
            accuracy(fitted["sklearn"], X_test, y_test),
        )
    if one_thread:
        speedups = ", ".join(
            f"{name} {median(times, name) / one_thread[name]:.2f}" for name in times
        )
        report.note(f"   g. time at 2 threads / at 1 thread in (c): {speedups}")


def tensors(report, rounds, n_samples, n_features, hidden, epochs, folder):
    """h. (c) with log-loss, ours given PyTorch tensors: on the CPU, and on CUDA.

    Through scikit-learn's array API dispatch, each fit in a process of its
    own (see ``array_api_fit.py``); against ours on numpy arrays and
    scikit-learn, both on the CPU, in the same run.
    """
    if not ScratchMLPClassifier().__sklearn_tags__().array_api_support:
        # a version of the package before the array API (before_after.py)
        report.note("   h. this version of sknn_scratch takes numpy arrays only")
        return
    X_train, X_train32, X_test, y_train, y_test = large_data(n_samples, n_features)
    data = save_data(folder, "tensors", X_train, y_train, X_test, y_test)
    contenders = large_contenders(
        hidden, epochs, X_train, X_train32, y_train, ("log_loss",)
    )
    devices = ["cpu"] + (["cuda"] if cuda_available() else [])
    # PyTorch's own training loop on the same data, the same work
    contenders.update(torch_loops(report, data, hidden, epochs))
    for device in devices:
        for dtype in ("64", "32"):
            contenders[f"{device}{dtype}"] = ArrayAPIFit(
                report,
                data,
                device=device,
                dtype=f"float{dtype}",
                hidden=hidden,
                epochs=epochs,
                timing=_timing,
            )
    times, fitted = race(contenders, rounds)
    label = "h. (c), ours on PyTorch tensors"
    for device in devices:
        for dtype in ("64", "32"):
            name, mine = f"{device}{dtype}", f"ours{dtype}-log"
            where = "CUDA" if device == "cuda" else "CPU"
            accuracy_ = fitted[name].get("accuracy")
            report.add(
                f"h-{name}",
                f"{label} on the {where}, float{dtype}, against ours on numpy",
                LOG,
                times[name],
                times[mine],
                accuracy_,
                accuracy(fitted[mine], X_test, y_test),
            )
            report.add(
                f"h-{name}-sklearn",
                f"{label} on the {where}, float{dtype}, against scikit-learn "
                "(CPU, float64)",
                LOG,
                times[name],
                times["sklearn"],
                accuracy_,
                accuracy(fitted["sklearn"], X_test, y_test),
            )
    for dtype in ("64", "32"):
        report.add(
            f"h-cpu{dtype}-torch",
            f"{label} on the CPU, float{dtype}, against PyTorch's own loop "
            f"(CPU, float{dtype})",
            LOG,
            times[f"cpu{dtype}"],
            times[f"torch{dtype}"],
            fitted[f"cpu{dtype}"].get("accuracy"),
            fitted[f"torch{dtype}"].get("accuracy"),
        )
    if devices == ["cpu"]:
        report.note("   h. no CUDA device here: the CUDA rows are left out")


# -------------------------------------------------------------------- main


def environment(args):
    lines = [
        f"python {platform.python_version()}, numpy {np.__version__}, "
        f"scikit-learn {sklearn.__version__}, sknn_scratch {sknn_scratch.__version__}",
        f"machine: {platform.machine()}, {cpu_name()}, {os.cpu_count()} logical CPUs",
    ]
    for pool in threadpool_info():
        lines.append(
            f"threadpool: {pool['user_api']} {pool['internal_api']} "
            f"{pool.get('version') or ''} ({pool.get('architecture') or '-'}), "
            f"{pool['num_threads']} thread(s), {pool['prefix']}"
        )
    clock = "wall-clock" if args.wall else "CPU time of the process"
    lines.append(
        f"rounds: {args.rounds}, {clock}{', quick sizes' if args.quick else ''}"
    )
    return lines


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds per workload")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads")
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes: checks that it runs"
    )
    parser.add_argument(
        "--only",
        default="abcdefgh",
        help="workloads to run, e.g. 'ab' (d and e come with c)",
    )
    parser.add_argument("--markdown", help="also write the table to this file")
    parser.add_argument("--json", help="also write every row's times to this file")
    parser.add_argument(
        "--wall", action="store_true", help="wall-clock time, not CPU time"
    )
    parser.add_argument(
        "--no-torch", action="store_true", help="leave PyTorch out even if installed"
    )
    return parser.parse_args(argv)


def run(args, report, torch_folder):
    """Run the workloads asked for; returns the wall-clock seconds of each."""
    quick = args.quick
    digits_samples = 300 if quick else None
    # quick: 2,000x20, 16 hidden, 1 epoch
    large_sizes = (2_000, 20, 16, 1) if quick else (100_000, 100, 256, 5)
    one_thread = None
    workloads = {
        "a": lambda: article(report, args.rounds, 20 if quick else 1000),
        "b": lambda: digits(
            report, args.rounds, 2 if quick else 50, digits_samples, torch_folder
        ),
        "cde": lambda: large(report, args.rounds, *large_sizes, torch_folder),
        "f": lambda: activations(
            report,
            args.rounds,
            {32: 2, 1: 1} if quick else {32: 50, 1: 10},
            digits_samples,
        ),
        "g": lambda: two_threads(report, args.rounds, *large_sizes, one_thread),
        "h": lambda: (
            torch_folder and tensors(report, args.rounds, *large_sizes, torch_folder)
        ),
    }
    seconds = {}
    for letters, workload in workloads.items():
        if set(letters) & set(args.only):
            start = time.perf_counter()
            result = workload()
            seconds[letters] = time.perf_counter() - start
            if letters == "cde":
                one_thread = result
    return seconds


def main(argv=None):
    args = parse_args(argv)
    if args.quick:
        _timing.MIN_SECONDS = 0.0
    if args.wall:
        _timing.CLOCK = time.perf_counter
    warnings.simplefilter("ignore", ConvergenceWarning)
    started = time.perf_counter()
    with threadpool_limits(limits=args.threads):
        report = Report(
            args.rounds,
            environment(args),
            TARGETS,
            ACCURACY_POINTS,
            measured=not args.quick,
        )
        report.start()
        with_torch = (
            not args.no_torch and torch_installed() and set("bch") & set(args.only)
        )
        if not args.no_torch and not torch_installed():
            report.note(
                "PyTorch is not installed: its rows are left out "
                '(pip install ".[benchmarks]")'
            )
        with tempfile.TemporaryDirectory() as folder:
            seconds = run(args, report, folder if with_torch else None)
    summary = report.summary(time.perf_counter() - started, seconds)
    print("\n" + summary)
    if args.markdown:
        Path(args.markdown).write_text(report.markdown(summary), encoding="utf-8")
    if args.json:
        document = {
            "environment": report.environment,
            "quick": args.quick,
            # where the package was imported from, for runs on several trees
            "package": str(Path(sknn_scratch.__file__).resolve().parent),
            "rows": report.records,
        }
        Path(args.json).write_text(json.dumps(document, indent=1), encoding="utf-8")
    return report


if __name__ == "__main__":
    sys.exit(main() and 0)
