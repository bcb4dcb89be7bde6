"""What fit shows: verbose lines per epoch, and an optional progress bar."""

import re
import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

import sknn_scratch._progress as progress
from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor

ESTIMATORS = [ScratchMLPClassifier, ScratchMLPRegressor]
EPOCH_LINE = re.compile(
    r"^Iteration (\d+), loss = ([0-9.]+)(?:, validation score = (-?[0-9.]+))?$"
)


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.randn(60, 3)
    return X, (X[:, 0] > 0).astype(int)


def fit(Estimator, X, y, **params):
    params = {"hidden_layer_sizes": (4,), "max_iter": 6, "random_state": 0, **params}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return Estimator(**params).fit(X, y)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("early_stopping", [False, True])
def test_verbose_prints_one_line_per_epoch(capsys, data, Estimator, early_stopping):
    X, y = data
    est = fit(
        Estimator,
        X,
        y,
        verbose=True,
        early_stopping=early_stopping,
        n_iter_no_change=np.inf,
    )
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == est.n_iter_ == 6
    for epoch, line in enumerate(lines, start=1):
        match = EPOCH_LINE.match(line)
        assert match, line
        assert int(match[1]) == epoch
        assert float(match[2]) == pytest.approx(est.loss_curve_[epoch - 1], abs=1e-8)
        if early_stopping:
            assert float(match[3]) == pytest.approx(
                est.validation_scores_[epoch - 1], abs=1e-6
            )
        else:
            assert match[3] is None


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_verbose_says_why_it_stopped(capsys, data, Estimator):
    X, y = data
    est = fit(
        Estimator,
        X,
        y,
        verbose=True,
        n_iter_no_change=1,
        tol=1e9,
        max_iter=50,
        learning_rate="constant",
    )
    out = capsys.readouterr().out.splitlines()
    # as MLPClassifier: the first epoch improves on an infinite best loss,
    # then it stops after more than n_iter_no_change epochs without
    assert est.n_iter_ == 3
    assert len(out) == 4
    assert out[-1].startswith("Training loss did not improve more than tol=")


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("progress_bar", [False, True])
def test_nothing_printed_when_not_verbose(capsys, data, Estimator, progress_bar):
    X, y = data
    if progress_bar:
        pytest.importorskip("tqdm", reason="the bar is drawn by tqdm")
    fit(Estimator, X, y, early_stopping=True, progress_bar=progress_bar)
    captured = capsys.readouterr()
    assert captured.out == ""
    if not progress_bar:
        assert captured.err == ""


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_progress_bar_ticks_once_per_epoch_with_the_loss(capsys, data, Estimator):
    pytest.importorskip("tqdm", reason="the bar is drawn by tqdm")
    X, y = data
    est = fit(Estimator, X, y, progress_bar=True, early_stopping=True)
    err = capsys.readouterr().err
    assert f"{est.n_iter_}/6" in err
    assert f"loss={est.loss_:.4g}" in err
    assert f"validation score={est.validation_scores_[-1]:.4f}" in err
    assert Estimator.__name__ in err


class RecordingBar:
    """Stands in for tqdm, recording what the estimator tells the bar."""

    instances = []

    def __init__(self, total, desc, unit):
        self.total, self.desc, self.unit = total, desc, unit
        self.n, self.postfixes, self.closed = 0, [], False
        self.closed_at = None  # (n, total) when closed
        RecordingBar.instances.append(self)

    def set_postfix(self, postfix, refresh=True):
        self.postfixes.append(dict(postfix))

    def update(self, n):
        assert n == 1
        self.n += n

    def close(self):
        self.closed = True
        self.closed_at = (self.n, self.total)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_progress_bar_postfix_is_each_epochs_loss(monkeypatch, data, Estimator):
    X, y = data
    RecordingBar.instances = []
    monkeypatch.setattr(progress, "require_tqdm", lambda: RecordingBar)
    est = fit(Estimator, X, y, progress_bar=True, max_iter=5)
    (bar,) = RecordingBar.instances
    assert (bar.total, bar.unit, bar.closed) == (5, "epoch", True)
    assert [p["loss"] for p in bar.postfixes] == [
        f"{loss:.4g}" for loss in est.loss_curve_
    ]
    assert all("validation score" not in p for p in bar.postfixes)

    # partial_fit is one epoch per call: no bar
    est.partial_fit(X, y)
    assert len(RecordingBar.instances) == 1


# the two ways a fit stops before max_iter: the validation score, or the
# training loss, stops improving by tol for more than n_iter_no_change epochs
STOPPING_EARLY = {
    "early_stopping": dict(early_stopping=True, n_iter_no_change=1, tol=1e9),
    "tol": dict(early_stopping=False, n_iter_no_change=1, tol=1e9),
}


@pytest.mark.parametrize("stop", STOPPING_EARLY.values(), ids=STOPPING_EARLY)
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_progress_bar_ends_at_the_epoch_training_stopped(
    monkeypatch, data, Estimator, stop
):
    X, y = data
    RecordingBar.instances = []
    monkeypatch.setattr(progress, "require_tqdm", lambda: RecordingBar)
    est = fit(Estimator, X, y, progress_bar=True, max_iter=50, **stop)
    assert est.n_iter_ < 50
    (bar,) = RecordingBar.instances
    assert bar.closed_at == (est.n_iter_, est.n_iter_)


@pytest.mark.parametrize("stop", STOPPING_EARLY.values(), ids=STOPPING_EARLY)
def test_progress_bar_drawn_complete_when_training_stops_early(capsys, data, stop):
    pytest.importorskip("tqdm", reason="the bar is drawn by tqdm")
    X, y = data
    est = fit(ScratchMLPClassifier, X, y, progress_bar=True, max_iter=50, **stop)
    assert est.n_iter_ < 50
    # the bar's last drawing, as left on the screen
    last = capsys.readouterr().err.rstrip("\n").split("\r")[-1]
    assert "100%" in last
    assert f"| {est.n_iter_}/{est.n_iter_} [" in last


def test_progress_bar_in_a_notebook_ends_complete(monkeypatch, data):
    pytest.importorskip(
        "ipywidgets", reason="tqdm draws its notebook bar with ipywidgets"
    )
    from tqdm.notebook import tqdm as notebook_tqdm

    bars = []

    def make_bar(**kwargs):
        bars.append(notebook_tqdm(**kwargs, display=False))
        return bars[-1]

    monkeypatch.setattr(progress, "require_tqdm", lambda: make_bar)
    X, y = data
    est = fit(
        ScratchMLPClassifier,
        X,
        y,
        progress_bar=True,
        max_iter=50,
        **STOPPING_EARLY["tol"],
    )
    (bar,) = bars
    _, widget, _ = bar.container.children
    assert widget.value == widget.max == est.n_iter_
    # not the red of a bar left short, as after an error
    assert widget.bar_style == "success"


def test_progress_bar_is_closed_when_training_fails(monkeypatch):
    RecordingBar.instances = []
    monkeypatch.setattr(progress, "require_tqdm", lambda: RecordingBar)
    rng = np.random.RandomState(0)
    X = rng.randn(30, 2) * 1e3
    y = X.sum(axis=1) * 1e6
    reg = ScratchMLPRegressor(
        solver="sgd", learning_rate_init=1.0, progress_bar=True, random_state=0
    )
    with pytest.raises(ValueError, match="non-finite"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reg.fit(X, y)
    bar = RecordingBar.instances[-1]
    assert bar.closed
    # a failed fit is not drawn as a complete one
    assert bar.closed_at == (bar.n, reg.max_iter)
    assert bar.n < reg.max_iter


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_progress_bar_without_tqdm_says_how_to_install_it(monkeypatch, data, Estimator):
    X, y = data
    # None in sys.modules makes `import tqdm` fail, as if it were not installed
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    est = Estimator(progress_bar=True, max_iter=2)
    with pytest.raises(ImportError, match="pip install tqdm"):
        est.fit(X, y)
    # it fails before anything is fitted
    assert not hasattr(est, "coefs_")
    # without the bar, nothing needs tqdm
    fit(Estimator, X, y, progress_bar=False)


def test_progress_bar_is_validated():
    from sklearn.utils._param_validation import InvalidParameterError

    with pytest.raises(InvalidParameterError, match="progress_bar"):
        ScratchMLPClassifier(progress_bar="yes").fit([[0.0], [1.0]], [0, 1])


def test_importing_the_package_does_not_import_tqdm():
    code = "import sys, sknn_scratch; print('tqdm' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
