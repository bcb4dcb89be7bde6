"""scikit-learn's callbacks: a fit is a task with one sub-task per epoch."""

import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor, _callbacks

callback = pytest.importorskip(
    "sklearn.callback", reason="scikit-learn's callbacks came in scikit-learn 1.9"
)


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 4))
    y = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 0.8)
    return X, y


def quiet(fit, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return fit(*args, **kwargs)


class Recorder:
    """Records each epoch's task and what its fitted_estimator predicts."""

    def __init__(self, stop_after=None):
        self.stop_after = stop_after
        self.ends = []

    def setup(self, estimator, context):
        self.ends = []

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context, *, X=None, y=None):
        pass

    def on_fit_task_end(
        self, estimator, context, *, X=None, y=None, fitted_estimator=None
    ):
        predicted = None if fitted_estimator is None else fitted_estimator.predict(X)
        self.ends.append((context.task_name, predicted, X.shape))
        if context.task_name != "epoch" or self.stop_after is None:
            return False
        return context.task_id + 1 >= self.stop_after


def epochs(recorder):
    return [predicted for name, predicted, _ in recorder.ends if name == "epoch"]


@pytest.mark.parametrize("Estimator", [ScratchMLPClassifier, ScratchMLPRegressor])
def test_a_callback_stops_training_after_its_epoch(data, Estimator):
    X, y = data
    recorder = Recorder(stop_after=4)
    est = Estimator((5,), max_iter=50, random_state=0).set_callbacks(recorder)
    quiet(est.fit, X, y)
    assert est.n_iter_ == len(est.loss_curve_) == 4
    assert est.t_ == 4 * len(X)
    # one task per epoch, then the fit's own
    assert [name for name, _, _ in recorder.ends] == ["epoch"] * 4 + ["fit"]


@pytest.mark.parametrize("Estimator", [ScratchMLPClassifier, ScratchMLPRegressor])
def test_a_fit_a_callback_stopped_is_not_judged_against_the_trivial_model(
    data, Estimator
):
    # after one epoch the network is no better than the trivial model, but
    # the callback, not the fit, decided to stop there
    X, y = data
    est = Estimator((5,), max_iter=50, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est.set_callbacks(Recorder(stop_after=1)).fit(X, y)
    assert est.n_iter_ == 1


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_fitted_estimator_predicts_as_of_its_epoch(data, solver):
    X, y = data
    recorder = Recorder()
    params = dict(hidden_layer_sizes=(5,), solver=solver, random_state=0)
    est = ScratchMLPClassifier(max_iter=6, **params).set_callbacks(recorder)
    quiet(est.fit, X, y)
    for epoch, predicted in enumerate(epochs(recorder), 1):
        as_of = quiet(ScratchMLPClassifier(max_iter=epoch, **params).fit, X, y)
        np.testing.assert_array_equal(predicted, as_of.predict(X))
    # training went on after each epoch's copy was made
    assert len(epochs(recorder)) == 6


def test_the_compiled_per_sample_loop_reports_its_epochs_too(data):
    X, y = data
    y = y > 0
    recorder = Recorder(stop_after=3)
    params = dict(hidden_layer_sizes=(2,), batch_size=1, alpha=0.0, random_state=0)
    est = ScratchMLPClassifier(max_iter=20, **params).set_callbacks(recorder)
    quiet(est.fit, X, y)
    assert est.n_iter_ == 3
    as_of = quiet(ScratchMLPClassifier(max_iter=2, **params).fit, X, y)
    np.testing.assert_array_equal(epochs(recorder)[1], as_of.predict(X))


def test_partial_fit_is_one_task_with_one_epoch(data):
    X, y = data
    recorder = Recorder()
    est = ScratchMLPClassifier((5,), random_state=0).set_callbacks(recorder)
    est.partial_fit(X, y, classes=[0, 1, 2])
    est.partial_fit(X, y)
    assert [name for name, _, _ in recorder.ends] == ["epoch", "partial_fit"]
    assert est.n_iter_ == 1 and est.t_ == 2 * len(X)


def test_lbfgs_is_one_task(data):
    X, y = data
    recorder = Recorder()
    est = ScratchMLPClassifier((5,), solver="lbfgs", max_iter=5)
    quiet(est.set_callbacks(recorder).fit, X, y)
    assert [name for name, _, _ in recorder.ends] == ["fit"]


def test_scoring_monitor_scores_every_epoch(data):
    X, y = data
    monitor = callback.ScoringMonitor(scoring="accuracy")
    est = ScratchMLPClassifier((5,), max_iter=4, random_state=0)
    quiet(est.set_callbacks(monitor).fit, X, y)
    rows = monitor.get_logs(select="most_recent").data
    scores = {row["task_name"]: row["accuracy"] for row in rows}
    assert [row["task_name"] for row in rows].count("epoch") == 4
    # the fit's own row scores the fitted estimator
    assert scores["fit"] == pytest.approx(est.score(X, y))


def test_progress_bar_follows_a_grid_search_of_a_pipeline(data, capsys):
    pytest.importorskip("rich", reason="scikit-learn's ProgressBar draws with rich")
    X, y = data
    pipe = make_pipeline(StandardScaler(), ScratchMLPClassifier((4,), max_iter=3))
    search = GridSearchCV(pipe, {"scratchmlpclassifier__alpha": [1e-4, 1e-2]}, cv=2)
    search.set_callbacks(callback.ProgressBar(max_propagation_depth=None))
    quiet(search.fit, X, y)
    assert "ScratchMLPClassifier - fit" in capsys.readouterr().out


def test_without_callbacks_no_context_is_made(data, monkeypatch):
    X, y = data

    def refuse(*args, **kwargs):
        raise AssertionError("a callback context was made")

    monkeypatch.setattr(ScratchMLPClassifier, "_init_callback_context", refuse)
    quiet(ScratchMLPClassifier((4,), max_iter=2).fit, X, y)
    est = ScratchMLPClassifier((4,), max_iter=2).set_callbacks(Recorder())
    with pytest.raises(AssertionError, match="context was made"):
        quiet(est.fit, X, y)


def test_with_an_older_scikit_learn_the_package_works_as_before():
    # sknn_scratch cannot import sklearn.callback (as before scikit-learn 1.9);
    # scikit-learn itself still can, for its own fit wrapper
    code = textwrap.dedent(
        """
        import builtins, numpy as np
        real_import = builtins.__import__

        def blocked(name, globals=None, *args, **kwargs):
            caller = (globals or {}).get("__name__", "")
            if name == "sklearn.callback" and caller.startswith("sknn_scratch"):
                raise ImportError(name)
            return real_import(name, globals, *args, **kwargs)

        builtins.__import__ = blocked
        from sknn_scratch import ScratchMLPClassifier
        builtins.__import__ = real_import
        assert not hasattr(ScratchMLPClassifier, "set_callbacks")
        X = np.random.RandomState(0).normal(size=(30, 3))
        clf = ScratchMLPClassifier((3,), max_iter=3).fit(X, X[:, 0] > 0)
        print(clf.n_iter_)
        """
    )
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "3"


def test_fit_context_of_an_estimator_without_the_mixin_does_nothing():
    class Old:
        _skl_callbacks = [Recorder()]

    context = _callbacks.fit_context(Old(), "fit", 3, None, None)
    assert context.subcontext(task_name="epoch") is context
    assert context.call_on_fit_task_end() is False
