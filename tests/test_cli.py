"""The command lines: ``python -m sknn_scratch`` and the scripts in scripts/."""

import os
import re
import signal
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
    for option in ("--help", "--version", "--epochs N", "--seed S", "--plot FILE"):
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
    # why Emily's probability is not the article's 0.951
    assert "Emily: 0.947 -> F" in out
    assert "gives Emily 0.951" in out and "from other random weights" in out


def test_the_worked_gradient_follows_the_network_and_the_loss(capsys):
    main(["--epochs", "1"])
    out = capsys.readouterr().out
    step = out.index("4. Backpropagation: one SGD step on Alice")
    assert out.index("2. A network") < out.index("3. The loss") < step
    assert step < out.index("5. Training")
    walk = out[step : out.index("5. Training")]
    # the article's factors and its dL/dw1, through trace_step
    assert "h1 = f(sum_h1) = 0.04743" in walk
    assert "o1 = f(sum_o1) = 0.5237" in walk
    assert "d_L_d_ypred = dL/do1 = -0.9526" in walk
    assert "d_L_d_w1 = d_L_d_sum_h1*x1 = 0.02147" in walk
    assert "update_w1 = -0.002147" in walk
    assert "prints d_L_d_w1 = 0.0214" in walk


def test_plot_saves_the_trained_networks_diagram(capsys, tmp_path):
    pytest.importorskip("matplotlib", reason="--plot needs the plot extra")
    path = tmp_path / "network.png"
    main(["--epochs", "20", "--plot", str(path)])
    assert path.read_bytes().startswith(b"\x89PNG")
    assert f"The trained network's diagram: {path}" in capsys.readouterr().out


@pytest.mark.parametrize(
    "name, message",
    [
        ("network.nope", "is not a file name ending in a format matplotlib saves"),
        ("no-such-folder/network.png", "no folder"),
    ],
)
def test_plot_refuses_what_it_cannot_write_before_training(
    capsys, tmp_path, name, message
):
    pytest.importorskip("matplotlib", reason="--plot needs the plot extra")
    with pytest.raises(SystemExit) as exit_info:
        main(["--plot", str(tmp_path / name)])
    assert exit_info.value.code == 2
    out, err = capsys.readouterr()
    assert out == "" and "--plot: " in err and message in err


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


def _start_walk_through(*args):
    # each line written as it is printed, as to a terminal: block-buffered,
    # the whole walk-through (5 kB) would reach the pipe in one write at
    # exit, before any reader could go away (whether it does then depended
    # on the PYTHONUNBUFFERED of the environment the tests ran in)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "sknn_scratch", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )


def test_a_reader_that_stops_early_gets_no_traceback():
    # python -m sknn_scratch | head -1
    process = _start_walk_through()
    first = process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read()
    process.wait(timeout=120)
    assert first.startswith("1. A neuron")
    assert "Traceback" not in stderr and "Error" not in stderr, stderr
    assert process.returncode == 1


def test_ctrl_c_ends_the_walk_through_without_traceback():
    process = _start_walk_through("--epochs", "100000000")
    # the epochs have started: Ctrl-C lands in training or between calls
    while "Epoch 0" not in process.stdout.readline():
        pass
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130
    assert stderr.strip() == "Interrupted.", stderr
    assert "Epoch 99999990" not in stdout
