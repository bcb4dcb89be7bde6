"""LossCurveDisplay: what it draws, and the error without matplotlib."""

import subprocess
import sys

import numpy as np
import pytest
from sklearn.datasets import make_moons, make_regression
from sklearn.exceptions import NotFittedError
from sklearn.inspection import DecisionBoundaryDisplay
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor

matplotlib = pytest.importorskip("matplotlib", reason="plots need the plot extra")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from sknn_scratch.plot import LossCurveDisplay  # noqa: E402

# the fits here are kept short on purpose
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def moons():
    return make_moons(n_samples=120, noise=0.2, random_state=0)


def test_training_loss_only_without_early_stopping(moons):
    X, y = moons
    clf = ScratchMLPClassifier(hidden_layer_sizes=(5,), max_iter=15, random_state=0)
    clf.fit(X, y)
    display = LossCurveDisplay.from_estimator(clf)

    np.testing.assert_allclose(display.line_.get_ydata(), clf.loss_curve_)
    np.testing.assert_array_equal(display.line_.get_xdata(), np.arange(1, 16))
    assert display.validation_loss_line_ is None
    assert display.validation_score_line_ is None
    assert display.score_ax_ is None
    assert display.ax_.get_xlabel() == "Epoch"
    assert display.ax_.get_title() == "ScratchMLPClassifier"
    assert display.figure_ is display.ax_.figure


def test_validation_loss_and_score_on_a_twin_axis(moons):
    X, y = moons
    clf = ScratchMLPClassifier(
        hidden_layer_sizes=(5,),
        early_stopping=True,
        max_iter=12,
        n_iter_no_change=100,
        random_state=0,
    )
    clf.fit(X, y)
    display = LossCurveDisplay.from_estimator(clf, name="moons")

    np.testing.assert_allclose(
        display.validation_loss_line_.get_ydata(), clf.validation_loss_curve_
    )
    np.testing.assert_allclose(
        display.validation_score_line_.get_ydata(), clf.validation_scores_
    )
    # the score has its own y axis, sharing the epochs axis
    assert display.validation_score_line_.axes is display.score_ax_
    assert display.score_ax_ is not display.ax_
    assert display.score_ax_.get_shared_x_axes().joined(display.ax_, display.score_ax_)
    assert display.score_ax_.get_ylabel() == "Validation accuracy"
    assert display.ax_.get_title() == "moons"
    # one legend for both axes, on top of the lines of both
    legend = [t.get_text() for t in display.score_ax_.get_legend().get_texts()]
    assert legend == ["Training loss", "Validation loss", "Validation accuracy"]


def test_regressor_score_is_r2_and_pipeline_is_unwrapped():
    X, y = make_regression(n_samples=80, n_features=3, noise=1.0, random_state=0)
    reg = make_pipeline(
        StandardScaler(),
        ScratchMLPRegressor(
            hidden_layer_sizes=(4,),
            early_stopping=True,
            max_iter=8,
            n_iter_no_change=100,
            learning_rate_init=0.01,
            random_state=0,
        ),
    )
    reg.fit(X, (y - y.mean()) / y.std())
    display = LossCurveDisplay.from_estimator(reg)
    assert display.score_ax_.get_ylabel() == "Validation R²"
    np.testing.assert_allclose(display.line_.get_ydata(), reg[-1].loss_curve_)


def test_plot_on_given_axes_beside_a_decision_boundary(moons):
    X, y = moons
    clf = ScratchMLPClassifier(
        hidden_layer_sizes=(8,), solver="adam", learning_rate_init=0.05, random_state=0
    )
    clf.set_params(max_iter=40).fit(X, y)
    fig, (left, right) = plt.subplots(1, 2)
    boundary = DecisionBoundaryDisplay.from_estimator(clf, X, ax=left)
    curve = LossCurveDisplay.from_estimator(clf, ax=right, line_kw={"color": "k"})

    assert boundary.figure_ is fig and curve.figure_ is fig
    assert curve.ax_ is right
    assert curve.line_ in right.get_lines()
    assert curve.line_.get_color() == "k"


def test_display_built_from_curves_then_plotted():
    display = LossCurveDisplay(loss_curve=[3.0, 2.0, 1.5], validation_scores=[0.5, 0.7])
    assert not hasattr(display, "ax_")  # drawing waits for plot()
    display.plot(score_name="F1")
    np.testing.assert_array_equal(display.line_.get_ydata(), [3.0, 2.0, 1.5])
    assert display.score_ax_.get_ylabel() == "F1"
    assert display.ax_.get_title() == ""


def test_fitted_search_draws_its_best_estimator(moons):
    X, y = moons
    search = GridSearchCV(
        ScratchMLPClassifier(hidden_layer_sizes=(4,), max_iter=6, random_state=0),
        {"learning_rate_init": [0.05, 0.5]},
        cv=2,
    ).fit(X, y)
    display = LossCurveDisplay.from_estimator(search)
    np.testing.assert_allclose(
        display.line_.get_ydata(), search.best_estimator_.loss_curve_
    )
    assert display.ax_.get_title() == "ScratchMLPClassifier"


def test_fitted_search_over_a_pipeline_draws_its_last_step(moons):
    X, y = moons
    pipe = make_pipeline(
        StandardScaler(),
        ScratchMLPClassifier(hidden_layer_sizes=(4,), max_iter=5, random_state=0),
    )
    search = GridSearchCV(
        pipe, {"scratchmlpclassifier__alpha": [1e-4, 1e-2]}, cv=2
    ).fit(X, y)
    display = LossCurveDisplay.from_estimator(search)
    np.testing.assert_allclose(
        display.line_.get_ydata(), search.best_estimator_[-1].loss_curve_
    )


@pytest.mark.parametrize(
    "make, got",
    [
        (lambda: MLPClassifier(hidden_layer_sizes=(3,), max_iter=5), "MLPClassifier"),
        (LogisticRegression, "LogisticRegression"),
        (
            lambda: make_pipeline(StandardScaler(), LogisticRegression()),
            "Pipeline ending in LogisticRegression",
        ),
        (
            lambda: GridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, cv=2),
            "GridSearchCV whose best_estimator_ is LogisticRegression",
        ),
    ],
    ids=["MLPClassifier", "LogisticRegression", "pipeline", "search"],
)
def test_other_estimators_raise_type_error_naming_them(moons, make, got):
    X, y = moons
    estimator = make().fit(X, y)
    with pytest.raises(TypeError, match=rf"got {got}\.( |$)") as excinfo:
        LossCurveDisplay.from_estimator(estimator)
    # what would be accepted
    assert "ScratchMLPClassifier or ScratchMLPRegressor" in str(excinfo.value)
    assert "Pipeline" in str(excinfo.value)
    assert "best_estimator_" in str(excinfo.value)


def test_type_error_for_scikit_learn_mlp_says_how_to_draw_its_curve(moons):
    X, y = moons
    clf = MLPClassifier(hidden_layer_sizes=(3,), max_iter=5, random_state=0).fit(X, y)
    with pytest.raises(TypeError, match="got MLPClassifier") as excinfo:
        LossCurveDisplay.from_estimator(clf)
    assert "LossCurveDisplay(loss_curve=...)" in str(excinfo.value)
    display = LossCurveDisplay(loss_curve=clf.loss_curve_).plot()
    np.testing.assert_allclose(display.line_.get_ydata(), clf.loss_curve_)


def test_wrong_type_is_reported_before_fitting_is_checked():
    with pytest.raises(TypeError, match="got LogisticRegression"):
        LossCurveDisplay.from_estimator(LogisticRegression())
    with pytest.raises(TypeError, match="got Pipeline ending in LogisticRegression"):
        LossCurveDisplay.from_estimator(make_pipeline(LogisticRegression()))


def test_search_fitted_without_refit_says_so(moons):
    X, y = moons
    search = GridSearchCV(
        ScratchMLPClassifier(hidden_layer_sizes=(3,), max_iter=3, random_state=0),
        {"alpha": [1e-4, 1e-2]},
        cv=2,
        refit=False,
    ).fit(X, y)
    with pytest.raises(TypeError, match="refit=False"):
        LossCurveDisplay.from_estimator(search)


@pytest.mark.parametrize(
    "make",
    [
        ScratchMLPClassifier,
        lambda: make_pipeline(StandardScaler(), ScratchMLPRegressor()),
        lambda: GridSearchCV(ScratchMLPClassifier(), {"alpha": [1e-4, 1e-2]}),
    ],
    ids=["network", "pipeline", "search"],
)
def test_unfitted_estimator_raises_not_fitted(make):
    with pytest.raises(NotFittedError):
        LossCurveDisplay.from_estimator(make())


def test_full_batch_solver_has_no_curve_to_plot(moons):
    X, y = moons
    clf = ScratchMLPClassifier(
        hidden_layer_sizes=(3,), solver="lbfgs", max_iter=20, random_state=0
    )
    clf.fit(X, y)
    with pytest.raises(ValueError, match="no loss curve.*solver='lbfgs'"):
        LossCurveDisplay.from_estimator(clf)


def test_missing_matplotlib_names_the_extra(monkeypatch, moons):
    X, y = moons
    clf = ScratchMLPClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0)
    clf.fit(X, y)
    # a None entry in sys.modules makes `import matplotlib` raise ImportError
    for module in [m for m in sys.modules if m.split(".")[0] == "matplotlib"]:
        monkeypatch.setitem(sys.modules, module, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)

    with pytest.raises(ImportError, match="pip install matplotlib"):
        LossCurveDisplay.from_estimator(clf)
    with pytest.raises(ImportError, match="LossCurveDisplay.plot requires matplotlib"):
        LossCurveDisplay(loss_curve=[1.0]).plot()


def test_module_imports_without_matplotlib():
    code = (
        "import sys; sys.modules['matplotlib'] = None; "
        "import sknn_scratch, sknn_scratch.plot; "
        "loaded = [m for m in sys.modules if sys.modules[m]]; "
        "print(any(m.split('.')[0] == 'matplotlib' for m in loaded))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
