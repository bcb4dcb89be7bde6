"""Every number of "An Introduction to Neural Networks", through the public API.

The article's network: inputs ``x1, x2``, hidden neurons ``h1, h2``, output
``o1``, all sigmoid. In scikit-learn's layout ``coefs_[0] = [[w1, w3], [w2,
w4]]``, ``coefs_[1] = [[w5], [w6]]`` and ``intercepts_ = [[b1, b2], [b3]]``.
"""

import math
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn_scratch import ARTICLE_PARAMS, ScratchMLPClassifier
from sknn_scratch.losses import SquaredError

# The four people, shifted by 135 lb and 66 in as in the article; Female = 1.
PEOPLE = np.array([[-2.0, -1.0], [25.0, 6.0], [17.0, 4.0], [-15.0, -6.0]])
GENDER = np.array([1, 0, 0, 1])
EMILY = [-7.0, -3.0]
FRANK = [20.0, 2.0]


# --- An independent transcription of the article's network.py, in scalars


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


def deriv_sigmoid(x):
    fx = sigmoid(x)
    return fx * (1 - fx)


def article_feedforward(w, x):
    h1 = sigmoid(w["w1"] * x[0] + w["w2"] * x[1] + w["b1"])
    h2 = sigmoid(w["w3"] * x[0] + w["w4"] * x[1] + w["b2"])
    return sigmoid(w["w5"] * h1 + w["w6"] * h2 + w["b3"])


def article_train(w, data, all_y_trues, epochs, learn_rate=0.1):
    """The article's ``NeuralNetwork.train``, one scalar at a time."""
    w = dict(w)
    for _ in range(epochs):
        for x, y_true in zip(data, all_y_trues):
            sum_h1 = w["w1"] * x[0] + w["w2"] * x[1] + w["b1"]
            h1 = sigmoid(sum_h1)
            sum_h2 = w["w3"] * x[0] + w["w4"] * x[1] + w["b2"]
            h2 = sigmoid(sum_h2)
            sum_o1 = w["w5"] * h1 + w["w6"] * h2 + w["b3"]
            y_pred = sigmoid(sum_o1)

            d_L_d_ypred = -2 * (y_true - y_pred)

            d_ypred_d_w5 = h1 * deriv_sigmoid(sum_o1)
            d_ypred_d_w6 = h2 * deriv_sigmoid(sum_o1)
            d_ypred_d_b3 = deriv_sigmoid(sum_o1)
            d_ypred_d_h1 = w["w5"] * deriv_sigmoid(sum_o1)
            d_ypred_d_h2 = w["w6"] * deriv_sigmoid(sum_o1)

            d_h1_d_w1 = x[0] * deriv_sigmoid(sum_h1)
            d_h1_d_w2 = x[1] * deriv_sigmoid(sum_h1)
            d_h1_d_b1 = deriv_sigmoid(sum_h1)
            d_h2_d_w3 = x[0] * deriv_sigmoid(sum_h2)
            d_h2_d_w4 = x[1] * deriv_sigmoid(sum_h2)
            d_h2_d_b2 = deriv_sigmoid(sum_h2)

            w["w1"] -= learn_rate * d_L_d_ypred * d_ypred_d_h1 * d_h1_d_w1
            w["w2"] -= learn_rate * d_L_d_ypred * d_ypred_d_h1 * d_h1_d_w2
            w["b1"] -= learn_rate * d_L_d_ypred * d_ypred_d_h1 * d_h1_d_b1
            w["w3"] -= learn_rate * d_L_d_ypred * d_ypred_d_h2 * d_h2_d_w3
            w["w4"] -= learn_rate * d_L_d_ypred * d_ypred_d_h2 * d_h2_d_w4
            w["b2"] -= learn_rate * d_L_d_ypred * d_ypred_d_h2 * d_h2_d_b2
            w["w5"] -= learn_rate * d_L_d_ypred * d_ypred_d_w5
            w["w6"] -= learn_rate * d_L_d_ypred * d_ypred_d_w6
            w["b3"] -= learn_rate * d_L_d_ypred * d_ypred_d_b3
    return w


def to_layout(w):
    """The article's named weights as ``coefs_`` and ``intercepts_``."""
    coefs = [
        np.array([[w["w1"], w["w3"]], [w["w2"], w["w4"]]], dtype=float),
        np.array([[w["w5"]], [w["w6"]]], dtype=float),
    ]
    intercepts = [
        np.array([w["b1"], w["b2"]], dtype=float),
        np.array([w["b3"]], dtype=float),
    ]
    return coefs, intercepts


ALL_ONES = {
    "w1": 1.0,
    "w2": 1.0,
    "w3": 1.0,
    "w4": 1.0,
    "w5": 1.0,
    "w6": 1.0,
    "b1": 0.0,
    "b2": 0.0,
    "b3": 0.0,
}


def random_start(seed):
    """Start weights drawn as the article draws them: ``np.random.normal()``."""
    draws = np.random.RandomState(seed).normal(size=9)
    return dict(zip(["w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2", "b3"], draws))


def article_classifier(start, **params):
    """An estimator with ARTICLE_PARAMS, built, then set to ``start``."""
    clf = ScratchMLPClassifier(**{**ARTICLE_PARAMS, **params})
    # one partial_fit builds the network (and its classes); the weights it
    # trained are then replaced by the start weights
    clf.partial_fit(PEOPLE, GENDER, classes=[0, 1])
    clf.coefs_, clf.intercepts_ = to_layout(start)
    return clf


# --- The neuron and the network


def test_single_neuron_is_a_network_without_hidden_layer():
    clf = ScratchMLPClassifier(hidden_layer_sizes=(), max_iter=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(PEOPLE, GENDER)
    assert [W.shape for W in clf.coefs_] == [(2, 1)]
    clf.coefs_ = [np.array([[0], [1]])]
    clf.intercepts_ = [np.array([4])]

    # w = [0, 1], b = 4, x = [2, 3]: f(0*2 + 1*3 + 4) = f(7)
    o1 = clf.predict_proba([[2, 3]])[:, 1]

    assert o1[0] == 0.9990889488055994
    assert o1[0] == sigmoid(7)


def test_network_with_all_neurons_w_0_1_b_0():
    clf = article_classifier(ALL_ONES)
    w = {"w1": 0, "w2": 1, "w3": 0, "w4": 1, "w5": 0, "w6": 1}
    clf.coefs_, clf.intercepts_ = to_layout({**w, "b1": 0, "b2": 0, "b3": 0})

    o1 = clf.predict_proba([[2, 3]])[:, 1]

    assert o1[0] == 0.7216325609518421
    assert o1[0] == article_feedforward(w | {"b1": 0, "b2": 0, "b3": 0}, [2, 3])


# --- The loss


def test_mse_of_always_zero_output_is_one_half():
    y_true = GENDER.reshape(-1, 1).astype(float)
    assert SquaredError().loss(y_true, np.zeros_like(y_true)) == 0.5


def test_estimator_reports_mse_one_half_for_an_output_forced_to_zero():
    clf = ScratchMLPClassifier(
        hidden_layer_sizes=(), batch_size=4, alpha=0.0, shuffle=False
    )
    clf.partial_fit(PEOPLE, GENDER, classes=[0, 1])
    # sigmoid(-1000) underflows to exactly 0: the output is always 0
    clf.coefs_ = [np.zeros((2, 1))]
    clf.intercepts_ = [np.array([-1000.0])]
    assert np.all(clf.predict_proba(PEOPLE)[:, 1] == 0)

    # one full batch: loss_ is the loss at the weights before the update
    clf.partial_fit(PEOPLE, GENDER)

    assert clf.loss_ == 0.5


# --- Backprop and one SGD step


def test_one_sgd_step_on_alice_from_all_ones():
    alice, female = PEOPLE[:1], GENDER[:1]
    clf = article_classifier(ALL_ONES)
    w1_before = clf.coefs_[0][0, 0]

    clf.partial_fit(alice, female)

    change = clf.coefs_[0][0, 0] - w1_before
    # the article: dL/dw1 = 0.021470 (unrounded), eta = 0.1
    assert change == pytest.approx(-0.1 * 0.021470, abs=0.5e-7)
    # the article's scalar loop, to rounding: the step multiplies the same
    # factors, grouped per layer (dL/dZ, then W.T), so they may round
    # differently in the last bit
    expected = article_train(ALL_ONES, alice, female, epochs=1)
    assert change == pytest.approx(expected["w1"] - ALL_ONES["w1"], rel=1e-12)
    coefs, intercepts = to_layout(expected)
    for got, want in zip(clf.coefs_ + clf.intercepts_, coefs + intercepts):
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_backprop_partial_derivative_matches_the_article():
    # the article's chain rule at Alice, all weights 1 and biases 0
    h = sigmoid(-3)
    sum_o1 = 2 * h
    d_L_d_ypred = -2 * (1 - sigmoid(sum_o1))
    d_ypred_d_h1 = 1 * deriv_sigmoid(sum_o1)
    d_h1_d_w1 = -2 * deriv_sigmoid(-3)
    d_L_d_w1 = d_L_d_ypred * d_ypred_d_h1 * d_h1_d_w1
    assert round(d_L_d_w1, 6) == 0.021470

    # the estimator's step divided by -eta is that derivative
    clf = article_classifier(ALL_ONES)
    clf.partial_fit(PEOPLE[:1], GENDER[:1])
    assert (clf.coefs_[0][0, 0] - 1.0) / -0.1 == pytest.approx(d_L_d_w1, rel=1e-12)


# --- Training: 1000 epochs on the four people


@pytest.mark.parametrize(
    "start", [ALL_ONES, random_start(0)], ids=["all_ones", "article_random_start"]
)
def test_thousand_epochs_equal_the_article_loop(start):
    clf = article_classifier(start, warm_start=True)
    assigned = [a.copy() for a in clf.coefs_ + clf.intercepts_]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(PEOPLE, GENDER)

    assert clf.n_iter_ == 1000
    trained = article_train(start, PEOPLE, GENDER, epochs=1000)
    coefs, intercepts = to_layout(trained)
    for got, want in zip(clf.coefs_ + clf.intercepts_, coefs + intercepts):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-8)
    # training moved the weights (the comparison above is not trivial)
    moved = [np.abs(a - b).max() for a, b in zip(assigned, coefs + intercepts)]
    assert max(moved) > 0.1

    # Emily is F (1), Frank is M (0), in the estimator and in the article
    o1 = clf.predict_proba([EMILY, FRANK])[:, 1]
    np.testing.assert_allclose(
        o1,
        [article_feedforward(trained, EMILY), article_feedforward(trained, FRANK)],
        rtol=0,
        atol=1e-8,
    )
    assert clf.predict([EMILY, FRANK]).tolist() == [1, 0]


def test_partial_fit_calls_equal_epochs_of_the_article_loop():
    start = random_start(2)
    clf = article_classifier(start)
    for _ in range(100):
        clf.partial_fit(PEOPLE, GENDER)

    assert clf.t_ == 4 * 101
    coefs, intercepts = to_layout(article_train(start, PEOPLE, GENDER, epochs=100))
    for got, want in zip(clf.coefs_ + clf.intercepts_, coefs + intercepts):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-8)


def test_article_params_fit_classifies_emily_and_frank():
    # the article's whole recipe, its random start included
    for seed in range(2):
        clf = ScratchMLPClassifier(**ARTICLE_PARAMS, random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(PEOPLE, GENDER)
        assert clf.predict([EMILY, FRANK]).tolist() == [1, 0]
        assert clf.loss_curve_[-1] < clf.loss_curve_[0]


# --- "Normally, you'd shift by the mean": a Pipeline with StandardScaler

RAW_POUNDS_INCHES = np.array([[133, 65], [160, 72], [152, 70], [120, 60]])
RAW_LABELS = np.array(["F", "M", "M", "F"])


@pytest.mark.parametrize("random_state", range(5))
def test_pipeline_with_defaults_on_raw_data(random_state):
    pipe = make_pipeline(
        StandardScaler(), ScratchMLPClassifier(random_state=random_state)
    )
    pipe.fit(RAW_POUNDS_INCHES, RAW_LABELS)

    emily, frank = [128, 63], [155, 68]
    assert pipe.predict([emily, frank]).tolist() == ["F", "M"]
    assert pipe.predict(RAW_POUNDS_INCHES).tolist() == RAW_LABELS.tolist()
