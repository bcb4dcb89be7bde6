"""The optimizers: their update rules, and lbfgs through scipy."""

import operator
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor
from sknn_scratch.optimizers import LBFGS, OPTIMIZERS, SGD, Adam

GRADS = [
    [np.array([[0.5, -1.0]]), np.array([0.2])],
    [np.array([[-0.3, 0.4]]), np.array([-0.1])],
    [np.array([[0.1, 0.0]]), np.array([0.6])],
]


def start():
    return [np.array([[1.0, -2.0]]), np.array([0.5])]


def run(optimizer, learning_rate=0.1):
    params = start()
    optimizer.initialize(params)
    for grads in GRADS:
        optimizer.update(params, grads, learning_rate)
    return params


def test_sgd_without_momentum_is_the_articles_update():
    # w <- w - eta * dL/dw, step after step
    expected = start()
    for grads in GRADS:
        expected = [p - 0.1 * g for p, g in zip(expected, grads)]
    for got, want in zip(run(SGD()), expected):
        np.testing.assert_allclose(got, want, rtol=1e-15)


@pytest.mark.parametrize("nesterov", [True, False])
def test_sgd_momentum_follows_the_formula(nesterov):
    mu, eta = 0.9, 0.1
    params, velocities = start(), [np.zeros_like(p) for p in start()]
    for grads in GRADS:
        velocities = [mu * v - eta * g for v, g in zip(velocities, grads)]
        if nesterov:
            steps = [mu * v - eta * g for v, g in zip(velocities, grads)]
        else:
            steps = velocities
        params = [p + s for p, s in zip(params, steps)]
    got = run(SGD(momentum=mu, nesterovs_momentum=nesterov), eta)
    for g, want in zip(got, params):
        np.testing.assert_allclose(g, want, rtol=1e-14)


def test_adam_follows_the_formula():
    b1, b2, eps, eta = 0.8, 0.99, 1e-7, 0.01
    params = start()
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    for t, grads in enumerate(GRADS, start=1):
        m = [b1 * mi + (1 - b1) * g for mi, g in zip(m, grads)]
        v = [b2 * vi + (1 - b2) * g**2 for vi, g in zip(v, grads)]
        step = eta * np.sqrt(1 - b2**t) / (1 - b1**t)
        params = [
            p - step * mi / (np.sqrt(vi) + eps) for p, mi, vi in zip(params, m, v)
        ]
    got = run(Adam(beta_1=b1, beta_2=b2, epsilon=eps), eta)
    for g, want in zip(got, params):
        np.testing.assert_allclose(g, want, rtol=1e-14)


def test_lbfgs_minimizes_a_quadratic():
    target = np.array([1.0, -2.0, 3.0])

    def fun(x):
        return float(np.sum((x - target) ** 2)), 2 * (x - target)

    x, n_iter, loss = LBFGS().minimize(
        fun, np.zeros(3), max_iter=100, tol=1e-10, max_fun=1000, verbose=False
    )
    np.testing.assert_allclose(x, target, atol=1e-8)
    assert loss == pytest.approx(0, abs=1e-14)
    assert 1 <= n_iter <= 100


def test_lbfgs_stops_where_the_estimators_test_of_convergence_holds():
    target = np.array([1.0, -2.0, 3.0])
    scale = np.array([1.0, 10.0, 100.0])  # a few iterations, not one

    def fun(x):
        return float(np.sum(scale * (x - target) ** 2)), 2 * scale * (x - target)

    asked = []

    def converged(x, gradient):
        # the iterate and its own gradient
        np.testing.assert_array_equal(gradient, fun(x)[1])
        asked.append(float(np.max(np.abs(gradient))))
        return asked[-1] < 1e-1

    options = dict(max_iter=100, tol=1e-12, max_fun=1000, verbose=False)
    _, n_full, _ = LBFGS().minimize(fun, np.zeros(3), **options)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        x, n_iter, loss = LBFGS().minimize(
            fun, np.zeros(3), converged=converged, **options
        )
    # asked once an iteration, up to the first iterate that passes
    assert len(asked) == n_iter < n_full
    assert asked[-1] < 1e-1 <= min(asked[:-1], default=1)
    assert loss == fun(x)[0]


def test_a_full_batch_solver_of_the_contract_is_not_given_the_test():
    class Gradient:
        """Plain gradient descent on the packed parameters."""

        stochastic = False

        def minimize(self, fun, x0, *, max_iter, tol, max_fun, verbose):
            x = x0.copy()
            for _ in range(max_iter):
                loss, gradient = fun(x)
                x -= 0.5 * gradient
            return x, max_iter, fun(x)[0]

    X = np.random.RandomState(0).normal(size=(30, 2))
    y = (X[:, 0] > 0).astype(int)
    # the classifier's default loss, which L-BFGS gets a test of convergence for
    clf = ScratchMLPClassifier((3,), solver=Gradient(), max_iter=50).fit(X, y)
    assert clf.n_iter_ == 50


def test_lbfgs_warns_like_scikit_learn_when_it_runs_out_of_iterations():
    def rosenbrock(x):
        a, b = x
        value = (1 - a) ** 2 + 100 * (b - a * a) ** 2
        grad = np.array([-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)])
        return value, grad

    with pytest.warns(ConvergenceWarning, match="lbfgs failed to converge"):
        _, n_iter, _ = LBFGS().minimize(
            rosenbrock, np.array([-1.5, 2.0]), max_iter=3, tol=0, max_fun=100,
            verbose=False,
        )  # fmt: skip
    assert n_iter == 3


@pytest.mark.parametrize("Estimator", [ScratchMLPClassifier, ScratchMLPRegressor])
def test_lbfgs_has_no_partial_fit_as_in_scikit_learn(Estimator):
    est = Estimator(solver="lbfgs")
    assert not hasattr(est, "partial_fit")
    partial_fit = operator.attrgetter("partial_fit")
    with pytest.raises(AttributeError) as ours:
        partial_fit(est)
    with pytest.raises(AttributeError) as theirs:
        partial_fit(MLPClassifier(solver="lbfgs"))
    assert str(ours.value) == str(theirs.value).replace(
        "MLPClassifier", Estimator.__name__
    )
    # the reason, chained as scikit-learn chains it
    assert str(ours.value.__cause__) == str(theirs.value.__cause__)
    for solver in ("sgd", "adam"):
        assert hasattr(Estimator(solver=solver), "partial_fit")


def test_stochastic_flags():
    assert SGD.stochastic and Adam.stochastic
    assert not LBFGS.stochastic
    assert set(OPTIMIZERS.names()) >= {"sgd", "adam", "lbfgs"}


def test_parameters_and_repr():
    assert SGD().get_params() == {"momentum": 0.0, "nesterovs_momentum": True}
    assert Adam().get_params() == {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-8}
    assert repr(SGD(momentum=0.9)) == "SGD(momentum=0.9, nesterovs_momentum=True)"
    assert repr(LBFGS()) == "LBFGS()"
    # state from fitting is not a parameter
    optimizer = Adam()
    optimizer.initialize(start())
    assert set(optimizer.get_params()) == {"beta_1", "beta_2", "epsilon"}


def test_fitting_never_changes_the_users_optimizer_object():
    X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    optimizer = Adam(beta_1=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = ScratchMLPClassifier(
            hidden_layer_sizes=(2,), solver=optimizer, max_iter=3
        )
        clf.fit(X, [0, 1, 1, 0])
    assert clf.solver is optimizer
    assert not hasattr(optimizer, "t_")
    assert clf.optimizer_ is not optimizer
    assert clf.optimizer_.t_ == 3
    assert clf.optimizer_.beta_1 == 0.5


def test_an_object_with_only_initialize_and_update_trains():
    # the protocol is initialize() and update(): the properties that let the
    # training step fold the learning rate in are optional
    class PlainSGD:
        def initialize(self, params):
            pass

        def update(self, params, grads, learning_rate):
            for param, grad in zip(params, grads):
                param -= learning_rate * grad

    X = np.random.RandomState(0).normal(size=(20, 3))
    y = (X[:, 0] > 0).astype(int)
    # (one start for both: by default the built-in SGD's sigmoid layers
    # start wider than under an optimizer the estimator does not know)
    start = dict(weight_init="glorot_uniform", learning_rate_init=0.1)
    reference = ScratchMLPClassifier((3,), max_iter=5, **start)
    ours = ScratchMLPClassifier((3,), solver=PlainSGD(), **start)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference.set_params(random_state=0).fit(X, y)
        ours.set_params(max_iter=5, random_state=0).fit(X, y)
    # the same updates as the built-in SGD without momentum
    for mine, theirs in zip(ours.coefs_, reference.coefs_):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12)
