"""trace_step: the article's worked example, and the network's own step on any network.

Kinks (relu at 0, absolute_error and hinge where they bend) are kept away
from as in test_gradients.py: continuous random data and a random start.
"""

import copy
import pickle

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn_scratch import (
    ARTICLE_PARAMS,
    ScratchMLPClassifier,
    ScratchMLPRegressor,
    check_gradients,
    trace_step,
)
from sknn_scratch.activations import ACTIVATIONS
from sknn_scratch.gradients import _float64_problem, finite_differences
from sknn_scratch.losses import LOSSES

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# the article's four people, shifted; Female is 1
PEOPLE = np.array([[-2.0, -1.0], [25.0, 6.0], [17.0, 4.0], [-15.0, -6.0]])
GENDER = np.array([1, 0, 0, 1])
HIDDEN = [n for n in ACTIVATIONS.names() if n != "softmax"]


def _article_network(coefs, intercepts):
    net = ScratchMLPClassifier(**ARTICLE_PARAMS).partial_fit(
        PEOPLE, GENDER, classes=[0, 1]
    )
    net.coefs_ = [np.array(W, dtype=float) for W in coefs]
    net.intercepts_ = [np.array(b, dtype=float) for b in intercepts]
    return net


def test_the_articles_feedforward_through_the_trace():
    # every neuron w = [0, 1], b = 0; x = [2, 3]: h1 = h2 = f(3), o1 = f(h2)
    net = _article_network([[[0, 0], [1, 1]], [[0], [1]]], [[0, 0], [0]])
    values = trace_step(net, [[2, 3]], [1]).named()
    assert values["sum_h1"] == values["sum_h2"] == 3.0
    assert round(values["h1"], 4) == round(values["h2"], 4) == 0.9526
    assert values["o1"] == pytest.approx(0.7216325609518421, abs=1e-15)


def test_the_articles_worked_gradient_for_alice():
    net = _article_network([np.ones((2, 2)), np.ones((2, 1))], [np.zeros(2), [0]])
    trace = trace_step(net, PEOPLE[:1], GENDER[:1])
    v = trace.named()
    # the article's factors: h1 = f(-3), o1 = f(0.0948), -2 (1 - o1), ...
    assert round(v["h1"], 4) == 0.0474 and round(v["o1"], 3) == 0.524
    # -2 (1 - ypred); the article's -0.952 is from ypred rounded to 0.524
    assert v["d_L_d_ypred"] == pytest.approx(-2 * (1 - v["o1"]), rel=1e-14)
    assert v["d_L_d_ypred"] == pytest.approx(-0.952, abs=1e-3)
    # d_ypred/d_h1 = w5 f'(sum_o1) and d_h1/d_w1 = x1 f'(sum_h1)
    assert round(v["d_L_d_sum_o1"] / v["d_L_d_ypred"] * v["w5"], 3) == 0.249
    d_h1_d_w1 = v["d_L_d_sum_h1"] / v["d_L_d_sum_o1"] / v["w5"] * v["x1"]
    assert d_h1_d_w1 == pytest.approx(-2 * 0.0452, abs=2e-4)
    # the article prints 0.0214 from rounded factors; the product is 0.02147
    assert round(v["d_L_d_w1"], 5) == 0.02147
    assert trace.coef_grads[0][0, 0] == v["d_L_d_w1"]
    assert v["loss"] == pytest.approx((1 - v["o1"]) ** 2)
    # plain SGD: the change is -eta * dL/dw
    assert v["update_w1"] == pytest.approx(-0.1 * 0.021469535265811, rel=1e-12)
    text = str(trace)
    assert "d_L_d_w1 = d_L_d_sum_h1*x1 = 0.02147" in text
    assert "o1 = f(sum_o1) = 0.5237" in text
    assert "sum_h1 = w1*x1 + w2*x2 + b1 = -3" in text


def test_the_articles_names_on_a_221_network_and_layer_names_elsewhere():
    net = _article_network([np.ones((2, 2)), np.ones((2, 1))], [np.zeros(2), [0]])
    names = list(trace_step(net, PEOPLE[:1], GENDER[:1]).named())
    for name in ["x1", "w1", "w6", "b3", "sum_o1", "o1", "y_true", "d_L_d_ypred"]:
        assert name in names
    assert names.index("d_L_d_w5") < names.index("d_L_d_w1")  # back from the output
    clf = ScratchMLPClassifier(hidden_layer_sizes=(3, 2), max_iter=2, random_state=0)
    clf.fit(PEOPLE, np.array(["F", "M", "M", "X"]))
    values = trace_step(clf, PEOPLE[:2], ["F", "M"]).named()
    assert {"h1_3", "h2_2", "o3", "w1_2_3", "b2_2", "d_L_d_o3"} <= set(values)
    assert "d_L_d_w3_2_3" in values and "w1" not in values
    assert values["h1_3"].shape == (2,)  # two samples: one value each
    # w{l}_{i}_{j} is coefs_[l - 1][i - 1, j - 1]
    assert values["w2_3_1"] == clf.coefs_[1][2, 0]
    # one activation per hidden layer, named in the text
    clf.set_params(activation=["tanh", "relu"]).fit(PEOPLE, ["F", "M", "M", "X"])
    assert "[Tanh, ReLU] hidden" in str(trace_step(clf, PEOPLE[:2], ["F", "M"]))


def _networks():
    """Random networks: every hidden activation, and every loss on its estimator."""
    for activation in HIDDEN:
        yield (
            "binary",
            ScratchMLPClassifier(
                hidden_layer_sizes=(3,), activation=activation, random_state=1
            ),
        )
    yield (
        "binary",
        ScratchMLPClassifier(
            hidden_layer_sizes=(3, 2), activation=["tanh", "softplus"], random_state=6
        ),
    )
    for output in ACTIVATIONS.names():
        # every output activation, softmax on the classifier's three classes
        kind = "multiclass" if output == "softmax" else "regression"
        make = ScratchMLPClassifier if output == "softmax" else ScratchMLPRegressor
        yield (
            kind,
            make(hidden_layer_sizes=(3,), output_activation=output, random_state=5),
        )
    for loss in LOSSES.names():
        kinds = LOSSES.resolve(loss, "loss").estimator_types
        if "classifier" in kinds:
            yield (
                "multiclass",
                ScratchMLPClassifier(
                    hidden_layer_sizes=(4, 3), loss=loss, alpha=0.01, random_state=2
                ),
            )
        if "regressor" in kinds:
            yield (
                "regression",
                ScratchMLPRegressor(hidden_layer_sizes=(3,), loss=loss, random_state=3),
            )


@pytest.fixture(scope="module")
def random_data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(10, 3))
    return X, {
        "binary": (X[:, 0] > 0).astype(int),
        "multiclass": np.arange(10) % 3,
        "regression": np.exp(X[:, 1]),  # positive: a Poisson target too
    }


@pytest.mark.parametrize(
    "kind, estimator",
    list(_networks()),
    ids=lambda p: (
        p if isinstance(p, str) else f"{p.activation}-{p.output_activation}-{p.loss}"
    ),
)
def test_the_trace_equals_finite_differences(kind, estimator, random_data):
    X, targets = random_data
    y = targets[kind]
    estimator = estimator.set_params(max_iter=3).fit(X, y)
    weights = np.random.RandomState(4).uniform(0.5, 2, size=len(y))
    trace = trace_step(estimator, X, y, sample_weight=weights)
    network, Xf, Y, sw = _float64_problem(estimator, X, y, weights)
    numeric = finite_differences(network, Xf, Y, sw)
    n_layers = len(trace.coef_grads)
    for analytic, expected in zip(
        trace.coef_grads + trace.intercept_grads,
        numeric[:n_layers] + numeric[n_layers:],
    ):
        np.testing.assert_allclose(analytic, expected, rtol=1e-4, atol=1e-7)
    assert check_gradients(estimator, X, y, sample_weight=weights) < 1e-4
    # dL/dZ of the first layer, through the chain rule, gives its dL/dW (and
    # the L2 penalty alpha / 2 * sum(W**2), divided by the total weight)
    penalty = estimator.alpha * trace.coefs[0] / weights.sum()
    np.testing.assert_allclose(
        trace.inputs.T @ trace.deltas[0] + penalty, trace.coef_grads[0], rtol=1e-10
    )


@pytest.mark.parametrize(
    "params",
    [
        {"solver": "sgd", "momentum": 0.9},
        {"solver": "sgd", "momentum": 0.0},
        {"solver": "adam", "learning_rate_init": 0.01},
    ],
    ids=["momentum", "plain", "adam"],
)
def test_the_updates_are_the_next_step_of_training(params, random_data):
    X, targets = random_data
    y = targets["multiclass"]
    clf = ScratchMLPClassifier(
        hidden_layer_sizes=(5,),
        batch_size=len(y),
        shuffle=False,
        max_iter=4,
        random_state=0,
        **params,
    ).fit(X, y)
    trace = trace_step(clf, X, y)
    stepped = copy.deepcopy(clf).partial_fit(X, y)  # one batch: one step
    for before, after, update in zip(clf.coefs_, stepped.coefs_, trace.coef_updates):
        np.testing.assert_allclose(after - before, update, rtol=1e-7, atol=1e-12)
    for before, after, update in zip(
        clf.intercepts_, stepped.intercepts_, trace.intercept_updates
    ):
        np.testing.assert_allclose(after - before, update, rtol=1e-7, atol=1e-12)


def test_the_estimator_is_unchanged_by_a_trace(random_data):
    X, targets = random_data
    clf = ScratchMLPClassifier(
        hidden_layer_sizes=(4,),
        solver="adam",
        class_weight="balanced",
        max_iter=3,
        random_state=0,
    ).fit(X, targets["binary"])
    before = pickle.dumps(clf)
    coefs = [W.copy() for W in clf.coefs_]
    X_before = X.copy()
    trace_step(clf, X, targets["binary"])
    assert pickle.dumps(clf) == before
    for W, W_before in zip(clf.coefs_, coefs):
        np.testing.assert_array_equal(W, W_before)
    np.testing.assert_array_equal(X, X_before)


def test_a_pipeline_traces_its_network_on_the_transformed_data():
    pipe = make_pipeline(
        StandardScaler(), ScratchMLPClassifier(**ARTICLE_PARAMS, random_state=0)
    )
    raw = PEOPLE + [135, 66]
    pipe.set_params(scratchmlpclassifier__max_iter=5).fit(raw, GENDER)
    trace = trace_step(pipe, raw[:1], GENDER[:1])
    direct = trace_step(pipe[-1], pipe[0].transform(raw[:1]), GENDER[:1])
    assert trace.named() == pytest.approx(direct.named())


def test_a_full_batch_solver_has_gradients_and_no_update(random_data):
    X, targets = random_data
    clf = ScratchMLPClassifier(solver="lbfgs", max_iter=5, random_state=0)
    trace = trace_step(clf.fit(X, targets["binary"]), X, targets["binary"])
    assert trace.coef_updates is None and trace.intercept_updates is None
    assert "a full-batch solver takes no single step" in str(trace)
    assert not any(name.startswith("update_") for name in trace.named())


def test_what_cannot_be_traced_is_named(random_data):
    X, targets = random_data
    with pytest.raises(NotFittedError):
        trace_step(ScratchMLPClassifier(), X, targets["binary"])
    with pytest.raises(TypeError, match="trace_step only supports"):
        trace_step(LogisticRegression().fit(X, targets["binary"]), X, targets["binary"])
    clf = ScratchMLPClassifier(max_iter=2, random_state=0).fit(X, targets["binary"])
    with pytest.raises(ValueError, match="sample_weight"):
        trace_step(clf, X, targets["binary"], sample_weight=np.ones(3))
    with pytest.raises(ValueError, match="features"):
        trace_step(clf, X[:, :2], targets["binary"])


def test_a_large_network_is_summarised_in_text(random_data):
    X, targets = random_data
    clf = ScratchMLPClassifier(hidden_layer_sizes=(30,), max_iter=2, random_state=0)
    text = str(trace_step(clf.fit(X, targets["multiclass"]), X, targets["multiclass"]))
    assert "more (in trace.coef_grads[0])" in text or "more (in trace.deltas" in text
    assert len(text.splitlines()) < 120
