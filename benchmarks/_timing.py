"""Timing and the results table of compare.py.

A module of ``compare.py``, not a script. ``MIN_SECONDS``, ``ROW_SECONDS``
and ``CLOCK`` are set by ``compare.py`` before the first measurement.
"""

import math
import statistics
import time

import numpy as np

MIN_SECONDS = 0.2  # repeat a short measurement until it lasts this long
ROW_SECONDS = 90.0  # no new round of a workload after this long
CLOCK = time.process_time


def timed(fn, clock):
    """Seconds one call of ``fn`` takes, repeated to last ``MIN_SECONDS``.

    Returns ``(seconds per call, fn's last result)``.
    """
    start = clock()
    result = fn()
    elapsed = clock() - start
    if elapsed >= MIN_SECONDS:
        return elapsed, result
    repeats = max(1, math.ceil(MIN_SECONDS / max(elapsed, 1e-7)))
    start = clock()
    for _ in range(repeats):
        result = fn()
    return (clock() - start) / repeats, result


def race(contenders, rounds, clock=None):
    """Run each contender once per round, alternating; collect times.

    Rounds stop early (after at least two) once the workload has taken
    ``ROW_SECONDS``, so that the whole script stays within minutes even on a
    busy machine. A contender with ``reports_its_time`` returns its own
    ``(seconds, result)``.
    """
    clock = clock or CLOCK
    times = {name: [] for name in contenders}
    results = {}
    start = time.perf_counter()
    for done in range(rounds):
        if done >= 2 and time.perf_counter() - start > ROW_SECONDS:
            break
        for name, fn in contenders.items():
            if getattr(fn, "reports_its_time", False):
                seconds, results[name] = fn()
            else:
                seconds, results[name] = timed(fn, clock)
            times[name].append(seconds)
    return times, results


def fmt_time(seconds):
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.1f} µs"


def fmt_loss(mine, ref):
    """The loss column: one name when both train the same."""
    return mine if mine == ref else f"{mine} / {ref}"


class Report:
    """Rows of the results table, printed as they come.

    ``targets`` maps a row's key to the ratio it must stay under,
    ``accuracy_points`` to how many points of test accuracy it may lose
    against the reference. With ``measured=False`` (quick sizes) the targets
    are shown but not judged: tiny sizes say nothing about them.
    """

    header = (
        "| workload | loss, ours / reference | ours | spread | reference | spread "
        "| ratio | target | acc ours | acc ref |"
    )
    n_columns = 10

    def __init__(self, rounds, environment, targets, accuracy_points, measured=True):
        self.rounds = rounds
        self.targets = targets
        self.accuracy_points = accuracy_points
        self.measured = measured
        self.environment = list(environment)
        self.rows = []
        self.records = []
        self.notes = []

    def start(self):
        for line in self.environment:
            print(line)
        print()
        print(self.header)
        print("|" + "---|" * self.n_columns, flush=True)

    def environment_line(self, line):
        if line not in self.environment:
            self.environment.append(line)
            print(f"   {line}", flush=True)

    def verdict(self, key, ratio, accurate=True):
        target = self.targets.get(key)
        points = self.accuracy_points.get(key)
        text = "" if target is None else f"≤ {target:.2f}"
        if points is not None:
            text += f"; accuracy ≥ reference - {points:g} point"
        if not text:
            return ""
        if not self.measured:
            return text + " (not measured)"
        if target is not None:
            text = text.replace(
                f"{target:.2f}", f"{target:.2f} {'ok' if ratio <= target else 'MISSED'}"
            )
        if points is not None:
            text += ": ok" if accurate else ": MISSED"
        return text

    def add(self, key, label, loss, ours_times, ref_times, acc_ours=None, acc_ref=None):
        mine, ref = statistics.median(ours_times), statistics.median(ref_times)
        ratio = mine / ref
        points = self.accuracy_points.get(key)
        accurate = points is None or acc_ours >= acc_ref - points
        if len(ours_times) < self.rounds:
            label += f" ({len(ours_times)} rounds)"
        row = (
            f"| {label} | {loss} | {fmt_time(mine)} | {spread(ours_times)} | "
            f"{fmt_time(ref)} | {spread(ref_times)} | {ratio:.3f} | "
            f"{self.verdict(key, ratio, accurate)} | {fmt_accuracy(acc_ours)} | "
            f"{fmt_accuracy(acc_ref)} |"
        )
        self._keep(key, label, loss, ratio, accurate, row, ours_times, ref_times)
        self.records[-1].update(acc_ours=acc_ours, acc_ref=acc_ref, unit="s")

    def add_memory(self, key, label, loss, ours_bytes, ref_bytes):
        ratio = ours_bytes / ref_bytes
        row = (
            f"| {label} | {loss} | {ours_bytes / 2**20:.1f} MiB | | "
            f"{ref_bytes / 2**20:.1f} MiB | | {ratio:.3f} | "
            f"{self.verdict(key, ratio)} | | |"
        )
        self._keep(key, label, loss, ratio, True, row, [ours_bytes], [ref_bytes])
        self.records[-1]["unit"] = "bytes"

    def _keep(self, key, label, loss, ratio, accurate, row, ours_values, ref_values):
        self.rows.append((key, ratio, self.targets.get(key), accurate, row))
        self.records.append(
            {
                "key": key,
                "label": label,
                "loss": loss,
                "ours": list(ours_values),
                "reference": list(ref_values),
                "ratio": ratio,
                "target": self.targets.get(key),
            }
        )
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

    def summary(self, seconds, by_workload=None):
        """The last line: the time taken (per workload too) and the verdict."""
        if not self.measured:
            verdict = "targets not measured (quick sizes)"
        else:
            verdict = f"targets missed: {', '.join(self.missed()) or 'none'}"
        parts = ", ".join(f"{k} {v:.0f} s" for k, v in (by_workload or {}).items())
        return f"total {seconds:.0f} s{f' ({parts})' if parts else ''}; {verdict}"

    def markdown(self, summary):
        lines = ["```", *self.environment, "```", "", self.header]
        lines.append("|" + "---|" * self.n_columns)
        lines += [row for *_, row in self.rows]
        return "\n".join(lines + ["", *self.notes, "", summary]) + "\n"


def spread(times):
    return f"{fmt_time(min(times))} – {fmt_time(max(times))}"


def accuracy(estimator, X, y):
    """Test accuracy, in percent."""
    return 100 * float(np.mean(estimator.predict(X) == y))


def fmt_accuracy(percent):
    return "" if percent is None else f"{percent:.1f}%"


def median(times, name):
    return statistics.median(times[name])
