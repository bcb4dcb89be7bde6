"""NetworkDisplay: the article's diagram, its labels and values, on any network."""

import sys

import numpy as np
import pytest
from sklearn.datasets import load_digits, make_regression
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn_scratch import ARTICLE_PARAMS, ScratchMLPClassifier, ScratchMLPRegressor
from sknn_scratch.activations import ACTIVATIONS

matplotlib = pytest.importorskip("matplotlib", reason="plots need the plot extra")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402

from sknn_scratch.plot import NetworkDisplay  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

PEOPLE = np.array([[-2.0, -1.0], [25.0, 6.0], [17.0, 4.0], [-15.0, -6.0]])
GENDER = np.array([1, 0, 0, 1])


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _article_network(coefs, intercepts, y=GENDER):
    net = ScratchMLPClassifier(**ARTICLE_PARAMS)
    net.partial_fit(PEOPLE, y, classes=np.unique(y))
    net.coefs_ = [np.array(W, dtype=float) for W in coefs]
    net.intercepts_ = [np.array(b, dtype=float) for b in intercepts]
    return net


def _text(display, key):
    return display.labels_[key].get_text()


def test_the_articles_network_with_its_names_values_and_feedforward():
    # every neuron w = [0, 1], b = 0; x = [2, 3]
    net = _article_network([[[0, 0], [1, 1]], [[0], [1]]], [[0, 0], [0]])
    display = NetworkDisplay.from_estimator(net, [[2, 3]])
    # coefs_[0] = [[w1, w3], [w2, w4]], coefs_[1] = [[w5], [w6]]
    expected = {"w1": 0, "w2": 1, "w3": 0, "w4": 1, "w5": 0, "w6": 1}
    for name, value in expected.items():
        assert _text(display, name) == f"{name} = {value}"
    for name in ["b1", "b2", "b3"]:
        assert _text(display, name) == f"{name} = 0"
    for name in ["x1", "x2", "h1", "h2", "o1"]:
        assert _text(display, name) == name
    assert _text(display, "x1 value") == "2" and _text(display, "x2 value") == "3"
    assert _text(display, "h1 value") == _text(display, "h2 value") == "0.9526"
    assert _text(display, "o1 value") == "0.7216"
    assert _text(display, "o1 name") == "P(1)"  # the output is P(class 1)
    assert display.ax_.get_title() == "ScratchMLPClassifier"
    assert display.figure_ is display.ax_.figure


def test_edges_colour_the_sign_and_widen_with_the_magnitude():
    net = _article_network(
        [[[0.5, -2.0], [1.0, 0.25]], [[-4.0], [1.0]]], [[0.5, -0.5], [3.0]]
    )
    display = NetworkDisplay.from_estimator(net)
    first, second = display.edges_
    assert len(first.get_segments()) == 4 and len(second.get_segments()) == 2
    colors = [tuple(c[:3]) for c in second.get_colors()]
    widths = second.get_linewidths()
    # (drawn in coefs_ order: w5 = -4 then w6 = 1)
    assert colors == [to_rgb("tab:red"), to_rgb("tab:blue")]
    assert widths[0] > widths[1]
    bias_colors = [tuple(c[:3]) for c in display.biases_[0].get_facecolors()]
    assert bias_colors == [to_rgb("tab:blue"), to_rgb("tab:red")]
    assert "values" not in display.labels_ and "o1 value" not in display.labels_


def test_feature_and_class_names_on_the_ends():
    import pandas as pd

    frame = pd.DataFrame(PEOPLE + [135, 66], columns=["weight_lb", "height_in"])
    people = np.array(["F", "M", "M", "F"])
    pipe = make_pipeline(
        StandardScaler(), ScratchMLPClassifier(**ARTICLE_PARAMS, random_state=0)
    )
    pipe.set_params(scratchmlpclassifier__max_iter=20).fit(frame, people)
    display = NetworkDisplay.from_estimator(pipe, frame.iloc[:1])
    assert _text(display, "x1 name") == "weight_lb"
    assert _text(display, "x2 name") == "height_in"
    assert _text(display, "o1 name") == "P(M)"
    # X went through the scaler: the outputs are the pipeline's
    p_male = pipe.predict_proba(frame.iloc[:1])[0, 1]
    assert _text(display, "o1 value") == f"{p_male:.4g}"
    x1 = pipe[0].transform(frame.iloc[:1])[0, 0]
    assert _text(display, "x1 value") == f"{x1:.4g}"


def test_layer_and_index_names_beyond_the_articles_network():
    clf = ScratchMLPClassifier(
        hidden_layer_sizes=(3,), loss="log_loss", max_iter=5, random_state=0
    ).fit(PEOPLE, ["a", "b", "c", "a"])
    display = NetworkDisplay.from_estimator(clf, PEOPLE[:1])
    # the weight from input 2 into hidden neuron 3: coefs_[0][1, 2]
    assert _text(display, "w1_2_3") == f"w1_2_3 = {clf.coefs_[0][1, 2]:.3g}"
    assert _text(display, "b2_3") == f"b2_3 = {clf.intercepts_[1][2]:.3g}"
    assert [_text(display, f"o{j} name") for j in (1, 2, 3)] == ["a", "b", "c"]
    proba = clf.predict_proba(PEOPLE[:1])[0]  # softmax: the outputs themselves
    assert [_text(display, f"o{j} value") for j in (1, 2, 3)] == [
        f"{p:.4g}" for p in proba
    ]
    assert "w1" not in display.labels_


@pytest.mark.parametrize(
    "activation", [n for n in ACTIVATIONS.names() if n != "softmax"]
)
def test_every_activation_and_a_regressor(activation):
    X, y = make_regression(n_samples=30, n_features=3, random_state=0)
    reg = ScratchMLPRegressor(
        hidden_layer_sizes=(4,), activation=activation, max_iter=5, random_state=0
    ).fit(X / 100, y / 100)
    display = NetworkDisplay.from_estimator(reg, X[:1] / 100)
    assert _text(display, "o1 name") == "y"
    assert _text(display, "o1 value") == f"{reg.predict(X[:1] / 100)[0]:.4g}"


@pytest.mark.parametrize("output", ["softmax", "sigmoid", "identity"])
def test_every_output_of_a_classifier(output):
    clf = ScratchMLPClassifier(
        hidden_layer_sizes=(2,), output_activation=output, max_iter=5, random_state=0
    ).fit(PEOPLE / 10, GENDER)
    display = NetworkDisplay.from_estimator(clf, PEOPLE[:1] / 10)
    n_outputs = clf.coefs_[-1].shape[1]
    assert len(display.neurons_[-1].get_offsets()) == n_outputs
    names = [_text(display, f"o{j} name") for j in range(1, n_outputs + 1)]
    assert names == (["0", "1"] if n_outputs == 2 else ["P(1)"])


def test_a_large_network_draws_its_strongest_edges_only():
    X, y = load_digits(return_X_y=True)
    clf = ScratchMLPClassifier(hidden_layer_sizes=(100,), max_iter=2, random_state=0)
    clf.fit(X[:200] / 16, y[:200])
    display = NetworkDisplay.from_estimator(clf, X[:1] / 16, max_edges=50)
    first, second = display.edges_
    assert len(first.get_segments()) == 50 and len(second.get_segments()) == 50
    # the 50 drawn are the 50 largest |w|: the smallest drawn is the 50th
    drawn = np.max(first.get_linewidths())
    assert drawn > np.min(first.get_linewidths())
    texts = [t.get_text() for t in display.ax_.texts]
    assert "strongest 50\nof 6400 weights" in texts
    # no weight labels, and a layer of 100 names its first and last neuron
    assert not any(key.startswith("w") for key in display.labels_)
    assert _text(display, "h1_1 name") == "h1_1"
    assert _text(display, "h1_100 name") == "h1_100"
    assert "h1_50 name" not in display.labels_
    everything = NetworkDisplay.from_estimator(clf, max_edges=None)
    assert len(everything.edges_[0].get_segments()) == 6400


def test_the_strongest_edges_are_the_largest_weights():
    from sknn_scratch._network_layout import strongest

    W = np.array([[0.1, -3.0, 0.2], [2.0, -0.05, 1.0]])
    i, j = strongest(W, 3)
    assert sorted(zip(i.tolist(), j.tolist())) == [(0, 1), (1, 0), (1, 2)]


def test_draws_on_the_axes_given_and_a_search():
    search = GridSearchCV(
        ScratchMLPClassifier(max_iter=5, random_state=0),
        {"hidden_layer_sizes": [(2,), (3,)]},
        cv=2,
    ).fit(np.vstack([PEOPLE] * 3) / 10, np.tile(GENDER, 3))
    _, ax = plt.subplots()
    display = NetworkDisplay.from_estimator(search, ax=ax, name="best")
    assert display.ax_ is ax and ax.get_title() == "best"
    n_hidden = search.best_estimator_.hidden_layer_sizes[0]
    assert len(display.neurons_[1].get_offsets()) == n_hidden


def test_what_cannot_be_drawn_is_named():
    net = ScratchMLPClassifier(max_iter=2, random_state=0).fit(PEOPLE, GENDER)
    with pytest.raises(ValueError, match="X must have 1 row, got 2"):
        NetworkDisplay.from_estimator(net, PEOPLE[:2])
    with pytest.raises(ValueError, match="features"):
        NetworkDisplay.from_estimator(net, [[1.0, 2.0, 3.0]])
    with pytest.raises(NotFittedError):
        NetworkDisplay.from_estimator(ScratchMLPClassifier())
    with pytest.raises(TypeError, match="only supports"):
        NetworkDisplay.from_estimator(LogisticRegression().fit(PEOPLE, GENDER))


def test_missing_matplotlib_names_the_extra(monkeypatch):
    net = ScratchMLPClassifier(max_iter=2, random_state=0).fit(PEOPLE, GENDER)
    for module in [m for m in sys.modules if m.split(".")[0] == "matplotlib"]:
        monkeypatch.setitem(sys.modules, module, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match="pip install matplotlib"):
        NetworkDisplay.from_estimator(net)
