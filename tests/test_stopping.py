"""The end of each epoch and of a fit: the last batch's step, the weights returned."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor
from sknn_scratch._network import Network
from sknn_scratch.schedules import Schedule


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(65, 4))
    y = X[:, 0] - 2 * X[:, 1] + 0.1 * rng.normal(size=65)
    return X, y


def quiet_fit(estimator, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_a_short_last_batch_steps_in_proportion_to_its_samples(
    monkeypatch, data, solver
):
    # 65 rows in batches of 32: 32, 32 and a last batch of 1 sample, whose
    # mean gradient would otherwise take a step as large as a full batch's
    X, y = data
    steps = []
    train_step = Network.train_step

    def recording(self, X, Y, sample_weight, total_weight, optimizer, rate):
        steps.append((X.shape[0], rate))
        return train_step(self, X, Y, sample_weight, total_weight, optimizer, rate)

    monkeypatch.setattr(Network, "train_step", recording)
    reg = ScratchMLPRegressor(
        (3,), solver=solver, batch_size=32, max_iter=1, random_state=0
    )
    quiet_fit(reg, X, y)
    rate = reg.learning_rate_init_
    assert steps == [(32, rate), (32, rate), (1, pytest.approx(rate / 32))]


def test_one_sample_last_batch_no_longer_jumps_the_loss(data):
    # the report: every epoch ended with a full step on one sample, and the
    # training loss of the weights returned was twice the epoch's
    X, y = data
    reg = ScratchMLPRegressor(
        (10,), learning_rate_init=0.2, batch_size=32, max_iter=60, random_state=0
    )
    quiet_fit(reg, X, y)
    mse = np.mean((reg.predict(X) - y) ** 2)
    assert mse < 1.5 * min(reg.loss_curve_)


class JumpAt(Schedule):
    """A constant rate that jumps after ``epoch`` epochs: the fit gets worse."""

    def __init__(self, epoch):
        self.epoch = epoch

    def learning_rate(self, learning_rate, *, learning_rate_init, epoch, t, max_iter):
        return learning_rate_init * (30 if epoch >= self.epoch else 1)


def _training_mse(reg, X, y):
    return np.mean((reg.predict(X) - y) ** 2)


def test_a_fit_whose_last_epochs_got_worse_returns_the_better_weights(data):
    X, y = data
    params = dict(
        hidden_layer_sizes=(8,),
        batch_size=16,
        learning_rate_init=0.05,
        shuffle=False,
        n_iter_no_change=np.inf,
        random_state=0,
    )
    before_jump = quiet_fit(
        ScratchMLPRegressor(**params, learning_rate=JumpAt(40), max_iter=40), X, y
    )
    jumped = quiet_fit(
        ScratchMLPRegressor(**params, learning_rate=JumpAt(40), max_iter=45), X, y
    )
    # the rate 30 times larger made the last epochs worse ...
    assert jumped.loss_curve_[-1] > 2 * min(jumped.loss_curve_)
    # ... and the fit returned the weights of its best epoch, the 40th
    assert np.argmin(jumped.loss_curve_) == 39
    for W, W_best in zip(jumped.coefs_, before_jump.coefs_):
        np.testing.assert_array_equal(W, W_best)
    assert _training_mse(jumped, X, y) < jumped.loss_curve_[-1]
    assert jumped.n_iter_ == 45  # the record of what ran is kept
    assert len(jumped.loss_curve_) == 45


def test_a_fit_that_improved_to_its_last_epoch_keeps_its_last_weights(data):
    X, y = data
    params = dict(hidden_layer_sizes=(8,), batch_size=16, shuffle=False, random_state=0)
    reg = quiet_fit(ScratchMLPRegressor(**params, max_iter=30), X, y)
    assert np.all(np.diff(reg.loss_curve_) < 0)
    # the same weights as 30 partial_fit calls, which never look back
    steps = ScratchMLPRegressor(**params)
    for _ in range(30):
        steps.partial_fit(X, y)
    for W, W_steps in zip(reg.coefs_, steps.coefs_):
        np.testing.assert_allclose(W, W_steps, rtol=1e-12)


def test_classifier_returns_the_better_weights_too(data):
    X, y = data
    labels = (y > 0).astype(int)
    clf = quiet_fit(
        ScratchMLPClassifier(
            (8,),
            learning_rate_init=0.5,
            batch_size=16,
            shuffle=False,
            n_iter_no_change=np.inf,
            max_iter=45,
            learning_rate=JumpAt(40),
            # scikit-learn's start, from which the jump makes things worse
            weight_init="glorot_uniform",
            random_state=0,
        ),
        X,
        labels,
    )
    best = int(np.argmin(clf.loss_curve_))
    assert best < 44
    P = clf.predict_proba(X)[:, 1]
    returned = np.mean((P - labels) ** 2)
    assert returned < clf.loss_curve_[-1]
