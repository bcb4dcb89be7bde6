"""The benchmark scripts run end to end at tiny sizes (no timing is checked)."""

import json
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

pytest.importorskip("threadpoolctl", reason="the benchmark limits BLAS threads")

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"
SCRIPT = BENCHMARKS / "compare.py"
SCRIPTS = sorted(p for p in BENCHMARKS.glob("*.py") if not p.name.startswith("_"))


def run(*args, cwd=None, timeout=300):
    return subprocess.run(
        [sys.executable, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
    )


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    """One quick run of every workload, without PyTorch: its outputs."""
    folder = tmp_path_factory.mktemp("quick")
    table, rows = folder / "results.md", folder / "results.json"
    result = run(
        SCRIPT,
        *("--quick", "--rounds", "1", "--no-torch"),
        *("--markdown", table, "--json", rows),
    )
    assert result.returncode == 0, result.stderr
    return result.stdout, table, json.loads(rows.read_text(encoding="utf-8"))


@pytest.fixture
def benchmark_modules(monkeypatch):
    """The benchmarks folder on the path, as it is for its scripts."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))


def test_quick_benchmark_reports_every_workload(quick):
    _, table, _ = quick
    rows = [line for line in table.read_text().splitlines() if line.startswith("| ")]
    labels = [row.split("|")[1].strip() for row in rows[1:]]
    for workload in "abcdefg":
        assert any(label.startswith(f"{workload}.") for label in labels), labels
    # the BLAS and its thread count are recorded beside the numbers
    assert "1 thread(s)" in table.read_text()
    for row in rows[1:]:
        cells = row.split("|")
        assert cells[2].strip(), row  # every row states its loss
        assert float(cells[7]) > 0


def test_quick_benchmark_has_every_row_but_pytorchs(quick, benchmark_modules):
    import compare

    _, _, document = quick
    keys = [row["key"] for row in document["rows"]]
    assert len(keys) == len(set(keys))
    # (the quick run leaves PyTorch out: its rows, and h's on its tensors)
    expected = {key for key in compare.TARGETS if "torch" not in key and key[0] != "h"}
    assert expected <= set(keys)
    for row in document["rows"]:
        assert row["ratio"] == pytest.approx(
            np.median(row["ours"]) / np.median(row["reference"])
        )


def test_quick_benchmark_says_targets_were_not_measured(quick):
    stdout, table, _ = quick
    assert "MISSED" not in stdout and " ok" not in stdout
    assert "targets not measured" in stdout.splitlines()[-1]
    assert "targets not measured" in table.read_text()
    assert "≤ 0.15 (not measured)" in stdout


def test_like_with_like_rows_state_log_loss(quick):
    _, _, document = quick
    losses = {row["key"]: row["loss"] for row in document["rows"]}
    for key in ("b1-log", "b32-log", "b200-log", "c64-log", "c32-log", "g64"):
        assert losses[key] == "log-loss"
    # the article's default keeps its own rows, beside the reference's loss
    assert losses["b200"] == "squared error / log-loss"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_every_script_answers_help_without_side_effects(script, tmp_path):
    result = run(script, "--help", cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage:")
    assert list(tmp_path.iterdir()) == []


def test_readme_table_rows_are_the_results_rows(quick):
    _, table, _ = quick
    result = run(BENCHMARKS / "readme_table.py", table)
    assert result.returncode == 0, result.stderr
    results = table.read_text(encoding="utf-8")
    rows = result.stdout.splitlines()[2:]
    # the rows with a target, and only those
    assert len(rows) == results.count("(not measured) |")
    for row in rows:
        workload, loss, ratio = (cell.strip() for cell in row.split("|")[1:4])
        assert f"| {workload} | {loss} |" in results
        assert f"| {ratio} |" in results


def test_before_after_compares_two_trees(tmp_path):
    output = tmp_path / "change.md"
    result = run(
        BENCHMARKS / "before_after.py",
        *("--before", ROOT, "--after", ROOT, "--rounds", "1"),
        *("--quick", "--only", "a", "--no-torch", "--markdown", output),
    )
    assert result.returncode == 0, result.stderr
    text = output.read_text(encoding="utf-8")
    assert text.count("| a | a. article") == 3  # before, after and the change
    assert re.search(r"\| a \| a\. article.* \| \d\.\d{3} \| \d\.\d{3} \| [+-]", text)


def test_before_after_refuses_a_tree_without_the_package(tmp_path):
    result = run(BENCHMARKS / "before_after.py", "--before", tmp_path, "--after", ROOT)
    assert result.returncode == 2
    assert "no sknn_scratch package" in result.stderr


def test_floor_computes_the_five_products(benchmark_modules):
    from _contenders import floor_fit

    rng = np.random.RandomState(0)
    X = rng.normal(size=(10, 4))
    G1, G2 = floor_fit(X, 3, 2, batch_size=10, epochs=1)
    # the weights it draws, the same way
    draw = np.random.RandomState(0)
    W1, W2 = draw.uniform(-0.1, 0.1, (4, 3)), draw.uniform(-0.1, 0.1, (3, 2))
    A1 = 1 / (1 + np.exp(-X @ W1))
    D2 = A1 @ W2
    np.testing.assert_allclose(G2, A1.T @ D2)
    np.testing.assert_allclose(G1, X.T @ (D2 @ W2.T))
    G1_32, _ = floor_fit(X.astype(np.float32), 3, 2, batch_size=4, epochs=2)
    assert G1_32.dtype == np.float32


def test_report_judges_targets_only_when_measured(benchmark_modules, capsys):
    from _timing import Report

    targets, points = {"x": 0.5}, {"x": 1.0}
    measured = Report(1, [], targets, points)
    measured.add("x", "x. row", "log-loss", [2.0], [1.0], 90.0, 95.0)
    assert measured.missed() == ["x", "x accuracy"]
    verdict = "≤ 0.50 MISSED; accuracy ≥ reference - 1 point: MISSED"
    assert verdict in measured.rows[0][-1]
    quick = Report(1, [], targets, points, measured=False)
    quick.add("x", "x. row", "log-loss", [2.0], [1.0], 90.0, 95.0)
    assert "MISSED" not in quick.rows[0][-1]
    assert "not measured" in quick.summary(1.0)
    capsys.readouterr()


def test_torch_contender_trains_like_mlpclassifier(tmp_path):
    pytest.importorskip("torch", reason="PyTorch is optional: the benchmarks extra")
    from sklearn.neural_network import MLPClassifier

    rng = np.random.RandomState(0)
    X = rng.normal(size=(70, 5))
    y = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 1)
    data, weights = tmp_path / "data.npz", tmp_path / "weights.npz"
    np.savez(data, X_train=X, y_train=y)
    command = [BENCHMARKS / "torch_fit.py", data, "--weights", weights]
    command += ["--hidden", "6", "--batch-size", "16", "--epochs", "3"]
    result = run(*command, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["threads"] == 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference = MLPClassifier(
            (6,),
            activation="logistic",
            solver="sgd",
            learning_rate_init=0.1,
            momentum=0.0,
            alpha=1e-4,
            batch_size=16,
            max_iter=3,
            random_state=0,
        ).fit(X, y)
    # the same start, batches, loss, penalty and steps: the same weights
    fitted = np.load(weights)
    for i, (coef, intercept) in enumerate(zip(reference.coefs_, reference.intercepts_)):
        np.testing.assert_allclose(fitted[f"coef_{i}"], coef, rtol=0, atol=1e-12)
        np.testing.assert_allclose(
            fitted[f"intercept_{i}"], intercept, rtol=0, atol=1e-12
        )


def test_quick_benchmark_measures_pytorch_when_installed(tmp_path):
    pytest.importorskip("torch", reason="PyTorch is optional: the benchmarks extra")
    rows = tmp_path / "rows.json"
    result = run(SCRIPT, "--quick", "--rounds", "1", "--only", "b", "--json", rows)
    assert result.returncode == 0, result.stderr
    document = json.loads(rows.read_text(encoding="utf-8"))
    row = next(row for row in document["rows"] if row["key"] == "b32-torch")
    assert row["loss"] == "log-loss" and row["reference"][0] > 0
    assert any(line.startswith("torch ") for line in document["environment"])


def test_network_display_benchmark_runs_and_judges_its_target():
    result = run(BENCHMARKS / "network_display.py", "--quick", "--rounds", "1")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "64-100-10" in out and "BLAS:" in out
    for contender in ("strongest edges", "every edge", "LossCurveDisplay (reference)"):
        assert contender in out
    assert re.search(r"The default draw (meets|MISSES) the target of 2 s\.", out)


def test_realdata_quick_runs_every_contender_on_the_same_folds():
    result = run(BENCHMARKS / "realdata.py", "--quick", "--reseeded", timeout=120)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "1 thread(s)" in out
    for name in ("breast_cancer", "digits", "diabetes"):
        block = out.split(f"\n{name} (")[1].split("\n\n")[0]
        rows = [line.split() for line in block.splitlines()[2:]]
        assert [row[0] for row in rows] == ["ours", "ours-sk", "sklearn", "sklearn-2"]
        for row in rows:
            score, spread, seconds = map(float, row[1:4])
            assert 0 < score <= 1 and spread >= 0 and seconds > 0
    # the summary judges both tasks against every target
    summary = out.split("Summary")[1]
    for task in ("classification", "regression"):
        assert task in summary
    for target in ("mean score", "worst difference", "fold spread", "fit time"):
        assert summary.count(target) == 4, target
    assert summary.count("ConvergenceWarning") == 4
    # and scikit-learn against itself, seeded otherwise, once a task
    assert summary.count("sklearn-2, scikit-learn seeded otherwise") == 2


def test_realdata_runs_a_subset_and_refuses_unknown_names(benchmark_modules):
    import realdata

    names = {d.name for d in realdata.DATASETS}
    tasks = [d.task for d in realdata.DATASETS]
    assert len(names) == len(realdata.DATASETS) >= 20
    assert tasks.count("classification") >= 8 and tasks.count("regression") >= 8
    result = run(BENCHMARKS / "realdata.py", "--only", "no_such_set", timeout=60)
    assert result.returncode != 0 and "no_such_set" in result.stderr


def test_device_path_benchmark_times_both_paths(tmp_path):
    pytest.importorskip("torch", reason="the device path is timed on PyTorch tensors")
    result = run(
        BENCHMARKS / "device_path.py",
        *("--rows", "300", "--epochs", "1", "--rounds", "1"),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1].lstrip().startswith("viewed in place")
    assert lines[2].lstrip().startswith("the device path")
    assert list(tmp_path.iterdir()) == []
