"""The command lines: ``python -m sknn_scratch`` and the scripts in scripts/."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import sknn_scratch
from sknn_scratch import ARTICLE_PARAMS, ScratchMLPClassifier
from sknn_scratch.__main__ import X, Y, main

ROOT = Path(__file__).parent.parent
SCRIPTS = sorted((ROOT / "scripts").glob("*.py"))


def _run(*args, cwd=ROOT):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=cwd, env=env
    )


def _epoch_lines(text):
    return [line.split()[1] for line in text.splitlines() if "Epoch" in line]


def test_help_lists_the_options_and_runs_nothing():
    result = _run("-m", "sknn_scratch", "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: python -m sknn_scratch")
    for option in ("--help", "--version", "--epochs N", "--seed S"):
        assert option in result.stdout
    # the walk-through did not start
    assert "1. A neuron" not in result.stdout and "Epoch 0" not in result.stdout


# the other options in-process: the same parser, without a new interpreter each


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"sknn_scratch {sknn_scratch.__version__}\n"


def test_an_unknown_option_exits_2_with_the_usage(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--no-such-option"])
    assert exit_info.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("usage: python -m sknn_scratch")
    assert "unrecognized arguments: --no-such-option" in err


@pytest.mark.parametrize(
    "args, message",
    [
        (["--epochs", "0"], "--epochs: must be at least 1, got 0"),
        (["--epochs", "ten"], "--epochs: not an integer: 'ten'"),
        (["--seed", "-1"], "--seed: must be from 0 to 4294967295, got -1"),
        (["--seed", str(2**32)], "--seed: must be from 0 to 4294967295"),
    ],
)
def test_bad_values_exit_2_naming_the_option(capsys, args, message):
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage:") and message in err


def test_default_is_the_article_walk_through(capsys):
    main([])
    out = capsys.readouterr().out
    # the article's numbers: f(7), the network's o1, the MSE of predicting 0
    assert "f(w.x + b) = f(7) = 0.99908894" in out
    assert "o1 for x = [2, 3]: 0.72163256" in out
    assert "MSE = 0.5" in out
    # 1000 epochs, the loss every 10, and the article's answers
    assert _epoch_lines(out) == [str(epoch) for epoch in range(0, 1000, 10)]
    assert re.search(r"Emily: 0\.\d{3} -> F\n", out)
    assert re.search(r"Frank: 0\.\d{3} -> M\n", out)


def test_epochs_and_seed_are_the_training_of_the_walk_through(capsys):
    main(["--epochs", "50", "--seed", "1"])
    out = capsys.readouterr().out
    assert _epoch_lines(out) == ["0", "10", "20", "30", "40"]
    # the same network trained here, by the public API, predicts the same
    clf = ScratchMLPClassifier(**ARTICLE_PARAMS, random_state=1)
    for _ in range(50):
        clf.partial_fit(X, Y, classes=[0, 1])
    for name, x in [("Emily", [-7, -3]), ("Frank", [20, 2])]:
        assert f"{name}: {clf.predict_proba([x])[0, 1]:.3f}" in out


def _files_under(folder):
    """Every file below ``folder`` and its modification time, caches left out."""
    skip = {".git", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis"}
    found = {}
    for directory, subdirectories, files in os.walk(folder):
        subdirectories[:] = [d for d in subdirectories if d not in skip]
        for name in files:
            path = Path(directory, name)
            found[path] = path.stat().st_mtime_ns
    return found


def test_the_scripts_are_found():
    assert "make_readme_figure.py" in [p.name for p in SCRIPTS]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_scripts_answer_help_and_write_nothing(tmp_path, script):
    before = _files_under(ROOT)
    result = _run(str(script), "--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage:")
    assert list(tmp_path.iterdir()) == []
    assert _files_under(ROOT) == before
