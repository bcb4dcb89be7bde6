"""Learning-rate schedules: each formula, and how an estimator calls them."""

import math
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor
from sknn_scratch.schedules import (
    SCHEDULES,
    Adaptive,
    Constant,
    CosineDecay,
    InvScaling,
    StepDecay,
)


def rate(schedule, epoch, *, current=0.3, t=None, max_iter=100):
    return schedule.learning_rate(
        current,
        learning_rate_init=0.5,
        epoch=epoch,
        t=epoch * 10 if t is None else t,
        max_iter=max_iter,
    )


def test_constant_keeps_the_rate_and_stops_on_a_plateau():
    assert rate(Constant(), 7, current=0.3) == 0.3
    assert Constant().on_plateau(0.3) is None


def test_invscaling_divides_by_a_power_of_the_samples_seen():
    # eta_0 / (t + 1)^p, t the number of samples seen, as scikit-learn
    assert rate(InvScaling(power_t=0.25), 3, t=80) == pytest.approx(0.5 / 81**0.25)
    assert rate(InvScaling(), 3, t=99) == pytest.approx(0.5 / 10)


def test_adaptive_divides_by_five_on_a_plateau_until_one_millionth():
    assert rate(Adaptive(), 4, current=0.3) == 0.3
    assert Adaptive().on_plateau(0.5) == pytest.approx(0.1)
    assert Adaptive().on_plateau(2e-6) == pytest.approx(4e-7)
    assert Adaptive().on_plateau(1e-6) is None


def test_adaptive_stops_at_its_min_learning_rate():
    schedule = Adaptive(min_learning_rate=0.1)
    assert schedule.on_plateau(0.2) == pytest.approx(0.04)
    assert schedule.on_plateau(0.1) is None
    assert repr(schedule) == "Adaptive(min_learning_rate=0.1)"


def test_an_adaptive_pickled_before_its_parameter_keeps_scikit_learns_rule():
    # unpickling restores the attributes it saved, without __init__
    old = Adaptive.__new__(Adaptive)
    assert old.on_plateau(2e-6) == pytest.approx(4e-7)
    assert old.on_plateau(1e-6) is None
    assert repr(old) == "Adaptive(min_learning_rate=1e-06)"


def test_step_decay_multiplies_by_gamma_every_step_size_epochs():
    schedule = StepDecay(step_size=3, gamma=0.1)
    rates = [rate(schedule, e) for e in range(7)]
    np.testing.assert_allclose(
        rates, [0.5, 0.5, 0.5, 0.05, 0.05, 0.05, 0.005], rtol=1e-14
    )


def test_cosine_decay_goes_from_eta_0_to_eta_min():
    schedule = CosineDecay(t_max=10, eta_min=0.1)
    assert rate(schedule, 0) == pytest.approx(0.5)
    assert rate(schedule, 5) == pytest.approx(0.3)
    assert rate(schedule, 10) == pytest.approx(0.1)
    # it stays at eta_min after t_max epochs
    assert rate(schedule, 25) == pytest.approx(0.1)
    expected = 0.1 + 0.2 * (1 + math.cos(math.pi * 0.3))
    assert rate(schedule, 3) == pytest.approx(expected)
    # without t_max, the estimator's max_iter
    assert rate(CosineDecay(), 20, max_iter=40) == pytest.approx(0.25)


class RecordingSchedule:
    """A user's schedule: halves the rate each epoch and records its calls."""

    def __init__(self):
        self.calls = []

    def learning_rate(self, learning_rate, *, learning_rate_init, epoch, t, max_iter):
        self.calls.append((learning_rate, learning_rate_init, epoch, t, max_iter))
        return learning_rate / 2

    def on_plateau(self, learning_rate):
        return None


def test_the_estimator_calls_the_schedule_after_each_epoch():
    X = np.random.RandomState(0).normal(size=(10, 3))
    y = np.arange(10) % 2
    clf = ScratchMLPClassifier(
        hidden_layer_sizes=(2,), learning_rate=RecordingSchedule(), max_iter=4,
        learning_rate_init=0.8, tol=0, n_iter_no_change=100,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    calls = clf.learning_rate_schedule_.calls
    assert calls == [
        (0.8, 0.8, 1, 10, 4),
        (0.4, 0.8, 2, 20, 4),
        (0.2, 0.8, 3, 30, 4),
        (0.1, 0.8, 4, 40, 4),
    ]
    # the user's object is left as it was
    assert clf.learning_rate.calls == []


@pytest.mark.parametrize("learning_rate", ["constant", "adaptive"])
def test_plateau_stops_or_lowers_the_rate_as_scikit_learn(learning_rate):
    X = np.random.RandomState(0).normal(size=(10, 3))
    y = np.arange(10) % 2
    # tol this large makes every epoch after the first a non-improvement
    params = dict(
        hidden_layer_sizes=(2,), learning_rate=learning_rate, tol=10.0,
        n_iter_no_change=2, max_iter=500, random_state=0, solver="sgd",
        momentum=0.0, learning_rate_init=0.1, activation="logistic",
    )  # fmt: skip
    ours = ScratchMLPClassifier(**params).fit(X, y)
    theirs = MLPClassifier(**params).fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_
    assert ours._training.learning_rate == pytest.approx(
        theirs._optimizer.learning_rate
    )
    if learning_rate == "constant":
        # the first epoch improves on inf, then 3 epochs > n_iter_no_change
        assert ours.n_iter_ == 4
    else:
        # the rate fell from 0.1, divided by 5 at each plateau, to 1e-6
        assert ours._training.learning_rate <= 1e-6 < 5 * ours._training.learning_rate
        assert ours.n_iter_ > 4


@pytest.mark.parametrize(
    "Estimator, solver, floor",
    [
        (ScratchMLPClassifier, "sgd", 1.0 / 4),
        (ScratchMLPRegressor, "adam", 0.001 / 4),
    ],
)
def test_adaptive_on_the_solvers_own_rate_stops_at_the_second_plateau(
    Estimator, solver, floor
):
    X = np.random.RandomState(0).normal(size=(40, 3))
    y = np.arange(40) % 2
    # tol this large makes every epoch after the first a non-improvement
    params = dict(hidden_layer_sizes=(2,), solver=solver, tol=10.0,
                  n_iter_no_change=2, random_state=0)  # fmt: skip
    est = Estimator(**params).fit(X, y)
    assert est.learning_rate_schedule_.min_learning_rate == pytest.approx(floor)
    rate = est.learning_rate_init_
    # one division by 5, then the second plateau stops: 1 + 2 * 3 epochs
    assert est._training.learning_rate == pytest.approx(rate / 5)
    assert est.n_iter_ == 7
    # a rate given keeps scikit-learn's rule: down to 1e-6, more epochs
    given = Estimator(**params, learning_rate_init=rate).fit(X, y)
    assert given.learning_rate_schedule_.min_learning_rate == 1e-6
    assert given._training.learning_rate <= 1e-6 < 5 * given._training.learning_rate
    assert given.n_iter_ > est.n_iter_


def test_names():
    assert set(SCHEDULES.names()) >= {
        "constant",
        "invscaling",
        "adaptive",
        "step",
        "cosine",
    }
    assert repr(StepDecay()) == "StepDecay(gamma=0.5, step_size=10)"
    assert repr(CosineDecay(t_max=5)) == "CosineDecay(eta_min=0.0, t_max=5)"
