"""Train sknn_scratch and scikit-learn's MLPClassifier on the same work, side by side.

Run ``python benchmarks/compare.py`` (3 to 5 minutes on 2 cores) or
``python benchmarks/compare.py --quick`` (tiny sizes, a few seconds, to check
that it runs). Each workload runs every contender once per round, the
contenders alternating, and reports the median time, its spread (lowest to
highest) and the ratio ours / scikit-learn's, with the accuracy beside it.

BLAS is limited to one thread (``--threads``) through threadpoolctl, so the
numbers say what the code does, not how many cores happened to be free. Times
are the CPU time of this process (``time.process_time``): with one thread it
equals the wall-clock time on an idle machine, and on a shared one it leaves
out the time spent waiting for a core. ``--wall`` measures wall-clock time.

Workloads
---------
a. The article: 4 people, hidden (2,), sigmoid, batch 1, no shuffle, lr 0.1,
   1000 epochs, no early stop. Also the article's own scalar loop.
b. ``load_digits`` after ``StandardScaler`` (test accuracy on a held-out
   quarter), hidden (64,), sigmoid, SGD lr 0.1, 50 epochs, batch 1, 32, 200.
c. ``make_classification(100_000, 100, n_informative=50, n_classes=10)``,
   hidden (256,), batch 256, 5 epochs, ours in float64 and float32 against
   scikit-learn in float64 (accuracy on 25,000 more rows of the same draw).
d. ``predict_proba`` of the networks fitted in (c), on 1 row and 100,000 rows.
e. Peak memory (tracemalloc, which sees numpy's allocations) of the fit in (c).

scikit-learn runs its default loss (log-loss, softmax output); ours its
default loss (squared error, sigmoid outputs); the layers, batch size, number
of epochs and learning rate are the same.
"""

import argparse
import math
import platform
import statistics
import sys
import time
import tracemalloc
import warnings

import numpy as np
import sklearn
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_info, threadpool_limits

import sknn_scratch
from sknn_scratch import ScratchMLPClassifier

#: ratio ours / scikit-learn's that each row must stay under
TARGETS = {
    "a": 0.10,
    "a-article": 0.70,
    "b1": 0.15,
    "b32": 0.40,
    "b200": 0.70,
    "c64": 0.70,
    "c32": 0.40,
    "d1": 1.0,
    "d100k": 0.8,
    "e64": 1.0,
}
# workloads whose test accuracy may be at most this many points below
# scikit-learn's
ACCURACY_POINTS = {"b1": 1.0, "b32": 1.0, "b200": 1.0}
MIN_SECONDS = 0.2  # repeat a short measurement until it lasts this long
ROW_SECONDS = 90.0  # no new round of a workload after this long
CLOCK = time.process_time


# --------------------------------------------------------------------- setup


def no_early_stop():
    """Settings that make both estimators run every epoch asked for."""
    return {"tol": 0.0, "n_iter_no_change": np.inf}


def ours(hidden, batch_size, max_iter, *, shuffle=True, alpha=1e-4, seed=0):
    return ScratchMLPClassifier(
        hidden_layer_sizes=hidden,
        activation="sigmoid",
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


# ------------------------------------------------ the article's scalar loop


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _deriv_sigmoid(x):
    fx = _sigmoid(x)
    return fx * (1 - fx)


class ArticleNetwork:
    """The article's 2-2-1 network, one scalar per weight, as it trains it.

    Written out as the article does it (numpy scalars, the sigmoid recomputed
    for each derivative, the loss every 10 epochs), so its time is the
    article's; only the printing is left out.
    """

    def __init__(self, rng):
        (self.w1, self.w2, self.w3, self.w4, self.w5, self.w6) = rng.normal(size=6)
        (self.b1, self.b2, self.b3) = rng.normal(size=3)

    def feedforward(self, x):
        h1 = _sigmoid(self.w1 * x[0] + self.w2 * x[1] + self.b1)
        h2 = _sigmoid(self.w3 * x[0] + self.w4 * x[1] + self.b2)
        return _sigmoid(self.w5 * h1 + self.w6 * h2 + self.b3)

    def train(self, data, all_y_trues, learn_rate=0.1, epochs=1000):
        losses = []
        for epoch in range(epochs):
            for x, y_true in zip(data, all_y_trues):
                sum_h1 = self.w1 * x[0] + self.w2 * x[1] + self.b1
                h1 = _sigmoid(sum_h1)
                sum_h2 = self.w3 * x[0] + self.w4 * x[1] + self.b2
                h2 = _sigmoid(sum_h2)
                sum_o1 = self.w5 * h1 + self.w6 * h2 + self.b3
                y_pred = _sigmoid(sum_o1)

                d_L_d_ypred = -2 * (y_true - y_pred)
                # output neuron o1
                d_ypred_d_w5 = h1 * _deriv_sigmoid(sum_o1)
                d_ypred_d_w6 = h2 * _deriv_sigmoid(sum_o1)
                d_ypred_d_b3 = _deriv_sigmoid(sum_o1)
                d_ypred_d_h1 = self.w5 * _deriv_sigmoid(sum_o1)
                d_ypred_d_h2 = self.w6 * _deriv_sigmoid(sum_o1)
                # hidden neurons h1, h2
                d_h1_d_w1 = x[0] * _deriv_sigmoid(sum_h1)
                d_h1_d_w2 = x[1] * _deriv_sigmoid(sum_h1)
                d_h1_d_b1 = _deriv_sigmoid(sum_h1)
                d_h2_d_w3 = x[0] * _deriv_sigmoid(sum_h2)
                d_h2_d_w4 = x[1] * _deriv_sigmoid(sum_h2)
                d_h2_d_b2 = _deriv_sigmoid(sum_h2)

                # SGD: w <- w - learn_rate * dL/dw
                self.w1 -= learn_rate * d_L_d_ypred * d_ypred_d_h1 * d_h1_d_w1
                self.w2 -= learn_rate * d_L_d_ypred * d_ypred_d_h1 * d_h1_d_w2
                self.b1 -= learn_rate * d_L_d_ypred * d_ypred_d_h1 * d_h1_d_b1
                self.w3 -= learn_rate * d_L_d_ypred * d_ypred_d_h2 * d_h2_d_w3
                self.w4 -= learn_rate * d_L_d_ypred * d_ypred_d_h2 * d_h2_d_w4
                self.b2 -= learn_rate * d_L_d_ypred * d_ypred_d_h2 * d_h2_d_b2
                self.w5 -= learn_rate * d_L_d_ypred * d_ypred_d_w5
                self.w6 -= learn_rate * d_L_d_ypred * d_ypred_d_w6
                self.b3 -= learn_rate * d_L_d_ypred * d_ypred_d_b3

            if epoch % 10 == 0:
                y_preds = np.apply_along_axis(self.feedforward, 1, data)
                losses.append(((all_y_trues - y_preds) ** 2).mean())
        return losses


# ------------------------------------------------------------- measurement


def timed(fn):
    """Seconds one call of ``fn`` takes, repeated to last ``MIN_SECONDS``.

    Returns ``(seconds per call, fn's last result)``.
    """
    start = CLOCK()
    result = fn()
    elapsed = CLOCK() - start
    if elapsed >= MIN_SECONDS:
        return elapsed, result
    repeats = max(1, math.ceil(MIN_SECONDS / max(elapsed, 1e-7)))
    start = CLOCK()
    for _ in range(repeats):
        result = fn()
    return (CLOCK() - start) / repeats, result


def race(contenders, rounds):
    """Run each contender once per round, alternating; collect times.

    Rounds stop early (after at least two) once the workload has taken
    ``ROW_SECONDS``, so that the whole script stays within minutes even on a
    busy machine.
    """
    times = {name: [] for name in contenders}
    results = {}
    start = time.perf_counter()
    for done in range(rounds):
        if done >= 2 and time.perf_counter() - start > ROW_SECONDS:
            break
        for name, fn in contenders.items():
            seconds, results[name] = timed(fn)
            times[name].append(seconds)
    return times, results


def fmt_time(seconds):
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.1f} µs"


class Report:
    """Rows of the results table, printed as they come."""

    header = (
        "| workload | ours | spread | reference | spread | ratio | target | "
        "acc ours | acc ref |"
    )

    def __init__(self, rounds):
        self.rounds = rounds
        self.rows = []
        self.notes = []
        print(self.header)
        print("|" + "---|" * 9)

    def add(self, key, label, ours_times, ref_times, acc_ours=None, acc_ref=None):
        mine, ref = statistics.median(ours_times), statistics.median(ref_times)
        ratio = mine / ref
        target = TARGETS.get(key)
        verdict = "" if target is None else ("ok" if ratio <= target else "MISSED")
        target_text = "" if target is None else f"≤ {target:.2f} {verdict}"
        points = ACCURACY_POINTS.get(key)
        accurate = points is None or acc_ours >= acc_ref - points
        if not accurate:
            target_text += f"; accuracy > {points:g} point below: MISSED"
        if len(ours_times) < self.rounds:
            label += f" ({len(ours_times)} rounds)"
        row = (
            f"| {label} | {fmt_time(mine)} | {spread(ours_times)} | "
            f"{fmt_time(ref)} | {spread(ref_times)} | {ratio:.3f} | "
            f"{target_text} | {fmt_accuracy(acc_ours)} | {fmt_accuracy(acc_ref)} |"
        )
        self.rows.append((key, ratio, target, accurate, row))
        print(row, flush=True)

    def add_memory(self, key, label, ours_bytes, ref_bytes):
        ratio = ours_bytes / ref_bytes
        target = TARGETS.get(key)
        verdict = "" if target is None else ("ok" if ratio <= target else "MISSED")
        target_text = "" if target is None else f"≤ {target:.2f} {verdict}"
        row = (
            f"| {label} | {ours_bytes / 2**20:.1f} MiB | | "
            f"{ref_bytes / 2**20:.1f} MiB | | {ratio:.3f} | {target_text} | | |"
        )
        self.rows.append((key, ratio, target, True, row))
        print(row, flush=True)

    def note(self, text):
        self.notes.append(text)
        print(text, flush=True)

    def missed(self):
        names = []
        for key, ratio, target, accurate, _ in self.rows:
            if target is not None and ratio > target:
                names.append(key)
            if not accurate:
                names.append(f"{key} accuracy")
        return names


def spread(times):
    return f"{fmt_time(min(times))} – {fmt_time(max(times))}"


def accuracy(estimator, X, y):
    """Test accuracy, in percent."""
    return 100 * float(np.mean(estimator.predict(X) == y))


def fmt_accuracy(percent):
    return "" if percent is None else f"{percent:.1f}%"


# --------------------------------------------------------------- workloads


def article(report, rounds, epochs):
    X = np.array([[-2, -1], [25, 6], [17, 4], [-15, -6]], dtype=float)
    y = np.array([1, 0, 0, 1])
    common = {"shuffle": False, "alpha": 0.0}
    contenders = {
        "ours": lambda: ours((2,), 1, epochs, **common).fit(X, y),
        "sklearn": lambda: theirs((2,), 1, epochs, **common).fit(X, y),
        "article": lambda: ArticleNetwork(np.random.default_rng(0)).train(
            X, y, epochs=epochs
        ),
    }
    times, fitted = race(contenders, rounds)
    acc = {k: accuracy(fitted[k], X, y) for k in ("ours", "sklearn")}
    label = f"a. article 2-2-1, batch 1, {epochs} epochs"
    report.add("a", label, times["ours"], times["sklearn"], acc["ours"], acc["sklearn"])
    report.add(
        "a-article",
        "a. same, against the article's own loop",
        times["ours"],
        times["article"],
        acc["ours"],
    )
    updates = 4 * epochs
    report.note(
        "   per update: ours "
        f"{fmt_time(statistics.median(times['ours']) / updates)}, sklearn "
        f"{fmt_time(statistics.median(times['sklearn']) / updates)}, article "
        f"{fmt_time(statistics.median(times['article']) / updates)}"
    )


def digits(report, rounds, epochs, n_samples=None):
    X, y = load_digits(return_X_y=True)
    if n_samples:
        X, y = X[:n_samples], y[:n_samples]
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    for batch in (1, 32, 200):
        contenders = {
            "ours": lambda b=batch: ours((64,), b, epochs).fit(X_train, y_train),
            "sklearn": lambda b=batch: theirs((64,), b, epochs).fit(X_train, y_train),
        }
        times, fitted = race(contenders, rounds)
        report.add(
            f"b{batch}",
            f"b. digits 64-64-10, batch {batch}, {epochs} epochs",
            times["ours"],
            times["sklearn"],
            accuracy(fitted["ours"], X_test, y_test),
            accuracy(fitted["sklearn"], X_test, y_test),
        )


def large(report, rounds, n_samples, n_features, hidden, epochs):
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
    X_train32 = X_train.astype(np.float32)
    contenders = {
        "ours64": lambda: ours((hidden,), 256, epochs).fit(X_train, y_train),
        "ours32": lambda: ours((hidden,), 256, epochs).fit(X_train32, y_train),
        "sklearn": lambda: theirs((hidden,), 256, epochs).fit(X_train, y_train),
    }
    times, fitted = race(contenders, rounds)
    shape = f"{n_samples:,}x{n_features}, {n_features}-{hidden}-10"
    acc_ref = accuracy(fitted["sklearn"], X_test, y_test)
    for dtype in ("64", "32"):
        report.add(
            f"c{dtype}",
            f"c. {shape}, batch 256, {epochs} epochs, ours float{dtype}",
            times[f"ours{dtype}"],
            times["sklearn"],
            accuracy(fitted[f"ours{dtype}"], X_test, y_test),
            acc_ref,
        )

    # d. prediction with the networks just fitted
    mine, ref = fitted["ours64"], fitted["sklearn"]
    one = X_test[:1]
    X_many = X_train
    for key, rows, label in (("d1", one, "1 row"), ("d100k", X_many, "all rows")):
        contenders = {
            "ours": lambda r=rows: mine.predict_proba(r),
            "sklearn": lambda r=rows: ref.predict_proba(r),
        }
        times, _ = race(contenders, rounds)
        label = f"{len(rows):,} rows" if rows is X_many else label
        report.add(key, f"d. predict_proba, {label}", times["ours"], times["sklearn"])

    # e. peak memory of the fit (the data exists beforehand, as for a user)
    peaks = {}
    for name, fit in contenders_for_memory(X_train, X_train32, y_train, hidden):
        tracemalloc.start()
        fit()
        peaks[name] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    report.add_memory(
        "e64", "e. peak memory of (c), float64", peaks["ours64"], peaks["sk"]
    )
    report.add_memory(
        "e32", "e. peak memory of (c), ours float32", peaks["ours32"], peaks["sk"]
    )


def contenders_for_memory(X, X32, y, hidden):
    yield "sk", lambda: theirs((hidden,), 256, 1).fit(X, y)
    yield "ours64", lambda: ours((hidden,), 256, 1).fit(X, y)
    yield "ours32", lambda: ours((hidden,), 256, 1).fit(X32, y)


# -------------------------------------------------------------------- main


def environment():
    lines = [
        f"python {platform.python_version()}, numpy {np.__version__}, "
        f"scikit-learn {sklearn.__version__}, sknn_scratch {sknn_scratch.__version__}",
        f"machine: {platform.machine()}, {cpu_name()}, {_n_cpus()} logical CPUs",
    ]
    for pool in threadpool_info():
        lines.append(
            f"threadpool: {pool['user_api']} {pool['internal_api']} "
            f"{pool.get('version') or ''} ({pool.get('architecture') or '-'}), "
            f"{pool['num_threads']} thread(s), {pool['prefix']}"
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


def _n_cpus():
    import os

    return os.cpu_count()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds per workload")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads")
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes: checks that it runs"
    )
    parser.add_argument(
        "--only", default="abcde", help="workloads to run, e.g. 'ab' (d, e need c)"
    )
    parser.add_argument("--markdown", help="also write the table to this file")
    parser.add_argument(
        "--wall", action="store_true", help="wall-clock time, not CPU time"
    )
    args = parser.parse_args(argv)

    global MIN_SECONDS, CLOCK
    if args.quick:
        MIN_SECONDS = 0.0
    if args.wall:
        CLOCK = time.perf_counter
    warnings.simplefilter("ignore", ConvergenceWarning)
    started = time.perf_counter()
    with threadpool_limits(limits=args.threads):
        env = environment()
        for line in env:
            print(line)
        clock = "wall-clock" if args.wall else "CPU time of the process"
        env.append(
            f"rounds: {args.rounds}, {clock}{', quick sizes' if args.quick else ''}"
        )
        print(env[-1] + "\n")
        report = Report(args.rounds)
        if "a" in args.only:
            article(report, args.rounds, 20 if args.quick else 1000)
        if "b" in args.only:
            digits(
                report,
                args.rounds,
                2 if args.quick else 50,
                300 if args.quick else None,
            )
        if set("cde") & set(args.only):
            if args.quick:
                large(report, args.rounds, 2_000, 20, 16, 1)
            else:
                large(report, args.rounds, 100_000, 100, 256, 5)
    total = time.perf_counter() - started
    missed = report.missed()
    summary = f"\ntotal {total:.0f} s; targets missed: {', '.join(missed) or 'none'}"
    print(summary)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(
                "\n".join(["```", *env, "```", "", report.header, "|" + "---|" * 9])
            )
            f.write("\n" + "\n".join(row for *_, row in report.rows) + "\n")
            f.write("\n" + "\n".join(report.notes) + "\n" + summary + "\n")
    return report


if __name__ == "__main__":
    sys.exit(main() and 0)
