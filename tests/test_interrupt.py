"""Ctrl-C during ``fit``: the first ends training after the current batch,
the second aborts at once.

The interrupts here are real SIGINTs, sent by the process to itself from
inside training (a component's method, in the main thread), at a known batch:
from a user's activation (the generic training loop), and from a schedule
called between epochs (the built-in components' fast loops).
"""

import os
import signal
import threading
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor
from sknn_scratch.activations import Tanh
from sknn_scratch.schedules import Constant

pytestmark = pytest.mark.skipif(
    not hasattr(signal, "SIGINT") or os.name == "nt",
    reason="sends SIGINT to its own process (POSIX)",
)


def ctrl_c():
    os.kill(os.getpid(), signal.SIGINT)


class InterruptingTanh(Tanh):
    """tanh that presses Ctrl-C during its ``at``-th call (then ``times``)."""

    def __init__(self, at=1, times=1):
        self.at = at
        self.times = times

    calls = 0
    rows = []  # the number of rows of each call

    def forward(self, Z):
        type(self).calls += 1
        if type(self).calls == self.at:
            for _ in range(self.times):
                ctrl_c()
        type(self).rows.append(len(Z))
        return super().forward(Z)


class InterruptingSchedule(Constant):
    """A constant rate that presses Ctrl-C at the end of epoch ``epoch``."""

    def __init__(self, epoch=1):
        self.epoch = epoch

    def learning_rate(self, learning_rate, *, epoch, **kwargs):
        if epoch == self.epoch:
            ctrl_c()
        return learning_rate


@pytest.fixture(autouse=True)
def _default_sigint_handler():
    """Each test starts, and must end, with Python's own Ctrl-C handler.

    A process started in the background (``command &``) inherits SIGINT
    ignored, and then fit rightly leaves Ctrl-C alone: the tests set the
    handler an interactive Python has, and put the previous one back.
    """
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    InterruptingTanh.calls = 0
    InterruptingTanh.rows = []
    try:
        yield
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 3))
    y = (X[:, 0] > X[:, 1]).astype(int)
    return X, y


PARAMS = dict(
    hidden_layer_sizes=(4,),
    batch_size=10,  # 4 batches per epoch
    shuffle=False,
    max_iter=50,
    tol=0,
    n_iter_no_change=1000,
    random_state=0,
)


def _fit_interrupted(estimator, X, y):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        estimator.fit(X, y)
    interrupted = [w for w in caught if "interrupted" in str(w.message)]
    assert len(interrupted) == 1, [str(w.message) for w in caught]
    assert interrupted[0].category is UserWarning
    # the warning points at the line that called fit
    assert interrupted[0].filename == __file__
    # stopping on request is not a failure to converge
    assert not any(w.category is ConvergenceWarning for w in caught)
    return estimator


def _reference(Estimator, X, y, epochs, batches, **params):
    """``epochs`` whole epochs then ``batches`` more, trained without Ctrl-C."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference = Estimator(**{**PARAMS, **params, "max_iter": epochs}).fit(X, y)
    rows = batches * PARAMS["batch_size"]
    # partial_fit goes on from the same weights, optimizer and rate
    return reference.partial_fit(X[:rows], y[:rows])


def _assert_consistent(estimator, X, n_iter):
    assert estimator.n_iter_ == n_iter
    assert len(estimator.loss_curve_) == n_iter
    assert estimator.loss_ == estimator.loss_curve_[-1]
    assert np.isfinite(estimator.loss_curve_).all()
    for W in estimator.coefs_ + estimator.intercepts_:
        assert np.isfinite(W).all()
    assert np.isfinite(estimator.predict(X)).all()


def _assert_same_weights(a, b):
    assert a.t_ == b.t_
    for W_a, W_b in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        np.testing.assert_allclose(W_a, W_b, rtol=1e-12, atol=1e-15)


def test_ctrl_c_in_a_batch_stops_after_that_batch(data):
    X, y = data
    # forward runs once per batch (one hidden layer): call 6 is epoch 2's
    # second batch
    clf = ScratchMLPClassifier(**PARAMS, activation=InterruptingTanh(at=6))
    _fit_interrupted(clf, X, y)
    # no training batch after the interrupted one (fit may then check its
    # outputs on all 40 rows at once)
    assert [n for n in InterruptingTanh.rows if n == 10] == [10] * 6
    _assert_consistent(clf, X, n_iter=2)
    reference = _reference(
        ScratchMLPClassifier, X, y, epochs=1, batches=2, activation=Tanh()
    )
    _assert_same_weights(clf, reference)


@pytest.mark.parametrize(
    "Estimator, params",
    [
        (ScratchMLPClassifier, dict(activation="tanh")),
        (ScratchMLPClassifier, dict(solver="adam", loss="log_loss")),
        (ScratchMLPRegressor, dict(activation="relu", momentum=0.9)),
        # one sample per update through a tiny network: the Python-float loop
        (ScratchMLPClassifier, dict(hidden_layer_sizes=(2,), batch_size=1)),
    ],
    ids=["sgd", "adam", "regressor-momentum", "one-sample-batches"],
)
def test_ctrl_c_between_epochs_stops_after_one_more_batch(data, Estimator, params):
    X, y = data
    y = y if Estimator is ScratchMLPClassifier else X @ [1.0, -2.0, 0.5]
    params = {**PARAMS, **params}
    estimator = Estimator(**params, learning_rate=InterruptingSchedule(epoch=3))
    _fit_interrupted(estimator, X, y)
    # epoch 4 ran its first batch only
    _assert_consistent(estimator, X, n_iter=4)
    reference = Estimator(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference.set_params(max_iter=3).fit(X, y)
    rows = params["batch_size"]
    reference.partial_fit(X[:rows], y[:rows])
    _assert_same_weights(estimator, reference)


def test_interrupted_model_trains_on_with_warm_start(data):
    X, y = data
    clf = ScratchMLPClassifier(**PARAMS, activation=InterruptingTanh(at=3))
    _fit_interrupted(clf, X, y)
    _assert_consistent(clf, X, n_iter=1)
    clf.set_params(warm_start=True, max_iter=5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)  # call 3 has passed: no more Ctrl-C
    # as MLPClassifier: n_iter_ counts this fit's epochs, loss_curve_ all
    assert clf.n_iter_ == 5
    assert len(clf.loss_curve_) == 1 + 5
    assert np.isfinite(clf.predict_proba(X)).all()


def test_second_ctrl_c_aborts_at_once(data):
    X, y = data
    clf = ScratchMLPClassifier(**PARAMS, activation=InterruptingTanh(at=6, times=2))
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    # raised inside the forward pass of call 6: it never finished
    assert InterruptingTanh.rows == [10] * 5


class PressesTwice(InterruptingTanh):
    """Ctrl-C in call ``at`` and again in the next call."""

    def forward(self, Z):
        if type(self).calls + 1 == self.at + 1:
            ctrl_c()
        return super().forward(Z)


def test_second_ctrl_c_after_the_batch_still_aborts(data):
    X, y = data
    # with early stopping, the forward pass after the interrupted batch is
    # the epoch's validation: the second press lands there
    clf = ScratchMLPClassifier(
        **PARAMS, early_stopping=True, activation=PressesTwice(at=2)
    )
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    # two training batches; the validation pass was aborted before it ran
    assert PressesTwice.rows == [10, 10]


def test_fit_outside_the_main_thread_leaves_signals_alone(data):
    X, y = data
    result = {}

    def fit():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf = ScratchMLPClassifier(**{**PARAMS, "max_iter": 3})
            result["clf"] = clf.fit(X, y)

    thread = threading.Thread(target=fit)
    thread.start()
    thread.join()
    _assert_consistent(result["clf"], X, n_iter=3)


def test_a_handler_set_by_the_application_is_kept(data):
    X, y = data
    pressed = []
    signal.signal(signal.SIGINT, lambda signum, frame: pressed.append(signum))
    try:
        clf = ScratchMLPClassifier(**PARAMS, activation=InterruptingTanh(at=2))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.set_params(max_iter=3).fit(X, y)
        # the application's handler got the signal; training went on
        assert pressed == [signal.SIGINT]
        assert clf.n_iter_ == 3
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def test_loss_of_a_cut_short_epoch_is_the_loss_of_the_weights_kept(data):
    """Not the running sum of the batches done, divided by all samples."""
    X, y = data
    clf = ScratchMLPClassifier(**PARAMS, learning_rate=InterruptingSchedule(epoch=3))
    _fit_interrupted(clf, X, y)
    # the article's MSE of the output neuron, plus the L2 penalty
    p = clf.predict_proba(X)[:, 1]
    penalty = sum((W**2).sum() for W in clf.coefs_)
    expected = np.mean((y - p) ** 2) + 0.5 * clf.alpha * penalty / len(X)
    assert clf.loss_curve_[-1] == pytest.approx(expected, rel=1e-9)
    # so the best loss is not set by a partial sum that looks like progress
    assert clf.best_loss_ == min(clf.loss_curve_)
    assert clf.loss_curve_[-1] > 0.5 * clf.loss_curve_[-2]


def _raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_another_handler_raising_keyboard_interrupt_ends_fit_as_mlpclassifier(
    data, solver
):
    # a server or CLI framework owns SIGINT and raises KeyboardInterrupt: it
    # reaches fit in the middle of a batch (call 6: epoch 2's second batch)
    X, y = data
    signal.signal(signal.SIGINT, _raise_keyboard_interrupt)
    try:
        clf = ScratchMLPClassifier(
            **PARAMS, solver=solver, activation=InterruptingTanh(at=6)
        )
        _fit_interrupted(clf, X, y)
        # the handler was left as it was
        assert signal.getsignal(signal.SIGINT) is _raise_keyboard_interrupt
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    # the weights of the last complete batch: epoch 2's first
    _assert_consistent(clf, X, n_iter=2)
    reference = _reference(
        ScratchMLPClassifier, X, y, 1, 1, activation=Tanh(), solver=solver
    )
    _assert_same_weights(clf, reference)


def test_a_keyboard_interrupt_after_a_steps_update_goes_back_to_its_start(
    data, monkeypatch
):
    # the interrupt arrives when the step has changed the weights, before the
    # loop has counted the batch: the batch is undone
    from sknn_scratch._network import Network

    X, y = data
    calls = []
    train_step = Network.train_step

    def interrupted_step(self, *args, **kwargs):
        loss = train_step(self, *args, **kwargs)
        calls.append(1)
        if len(calls) == 7:  # epoch 2's third batch
            raise KeyboardInterrupt
        return loss

    monkeypatch.setattr(Network, "train_step", interrupted_step)
    signal.signal(signal.SIGINT, _raise_keyboard_interrupt)
    try:
        clf = _fit_interrupted(ScratchMLPClassifier(**PARAMS), X, y)
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    monkeypatch.setattr(Network, "train_step", train_step)
    _assert_consistent(clf, X, n_iter=2)
    _assert_same_weights(clf, _reference(ScratchMLPClassifier, X, y, 1, 2))
