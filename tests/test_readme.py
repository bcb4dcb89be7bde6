"""The README, the front door: its commands, code, links and picture hold."""

import re
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(language):
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def test_quick_start_is_two_commands_and_ci_runs_the_second():
    install_and_demo, install_and_test = (b.strip() for b in _blocks("bash")[:2])
    assert install_and_demo == "python -m pip install . && python -m sknn_scratch"
    assert "[test]" in install_and_test and install_and_test.endswith("pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert install_and_test in ci.splitlines()


def _run_alone(block):
    """Run one block in a namespace of its own, as a reader pasting it would.

    A warning fails it: a reader's first run of the README must not print
    any (ConvergenceWarning included).
    """
    namespace = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        exec(compile(block, "README.md", "exec"), namespace)
    return namespace


def test_each_python_example_runs_on_its_own(capsys):
    blocks = _blocks("python")
    assert len(blocks) >= 3
    namespaces = [_run_alone(block) for block in blocks]
    # the pipeline example found its best layer size and printed it
    assert "scratchmlpclassifier__hidden_layer_sizes" in capsys.readouterr().out
    search = next(ns["search"] for ns in namespaces if "search" in ns)
    assert search.best_score_ > 0.9
    clf = next(ns["clf"] for ns in namespaces if "clf" in ns)
    assert clf.get_params()["batch_size"] == 1
    # MLPClassifier's defaults with an extra: trained and scored on every fold
    like_sklearn = next(ns for ns in namespaces if "SKLEARN_PARAMS" in ns)
    params = like_sklearn["net"].get_params()
    assert params.items() >= like_sklearn["SKLEARN_PARAMS"].items()
    assert params["class_weight"] == "balanced"
    assert len(like_sklearn["scores"]) == 3 and like_sklearn["scores"].mean() > 0.9


@pytest.mark.parametrize(
    "target", sorted(set(re.findall(r"\]\(((?!https?://)[^)#]+)\)", README)))
)
def test_relative_links_exist(target):
    assert (ROOT / target).exists(), target


def test_speed_table_is_the_last_measured_one():
    results = (ROOT / "benchmarks" / "RESULTS.md").read_text(encoding="utf-8")
    rows = [line for line in README.splitlines() if line.startswith("| ")]
    ratios = re.findall(r"^\| ([a-e])\. .*? \| (\d\.\d{3}) \|", "\n".join(rows), re.M)
    assert len(ratios) >= 10
    for _, ratio in ratios:
        assert f"| {ratio} |" in results
