"""The same scenario on scikit-learn's MLP and ours: the same behaviour.

Each test runs one scenario on MLPClassifier/MLPRegressor and on
ScratchMLPClassifier/ScratchMLPRegressor with the same parameters, and
compares what a user can observe: counts, shapes, dtypes, exceptions and
their messages. Values differ (the networks start from different weights);
the semantics must not.
"""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor

from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor

CLASSIFIERS = (MLPClassifier, ScratchMLPClassifier)
REGRESSORS = (MLPRegressor, ScratchMLPRegressor)
PAIRS = [
    pytest.param(CLASSIFIERS, id="classifier"),
    pytest.param(REGRESSORS, id="regressor"),
]
# parameters whose defaults differ between the two: set them to the same
COMMON = dict(
    hidden_layer_sizes=(6,),
    activation="relu",
    solver="sgd",
    learning_rate_init=0.01,
    batch_size=16,
    max_iter=5,
    random_state=0,
    n_iter_no_change=10,
)


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.randn(90, 4)
    return X, (X[:, 0] + X[:, 1] > 0).astype(int)


def targets(Estimator, y):
    return y if "Classifier" in Estimator.__name__ else y.astype(float) * 2 - 1


def both(pair, **params):
    """The reference and our estimator, built with the same parameters."""
    return [Estimator(**{**COMMON, **params}) for Estimator in pair]


def quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return fn(*args, **kwargs)


def partial_fit_kwargs(est, y):
    return {"classes": np.unique(y)} if "Classifier" in type(est).__name__ else {}


@pytest.mark.parametrize("pair", PAIRS)
def test_n_iter_over_repeated_warm_fits(pair, data):
    X, y = data
    observed = []
    for est in both(pair, warm_start=True, n_iter_no_change=100):
        yy = targets(type(est), y)
        per_fit = []
        for _ in range(3):
            quiet(est.fit, X, yy)
            per_fit.append((est.n_iter_, est.t_, len(est.loss_curve_)))
        observed.append(per_fit)
    # n_iter_ counts the epochs of the last fit; t_ and loss_curve_ keep going
    assert observed[0] == observed[1] == [(5, 450, 5), (5, 900, 10), (5, 1350, 15)]


@pytest.mark.parametrize("pair", PAIRS)
def test_warm_start_with_early_stopping(pair, data):
    X, y = data
    observed = []
    for est in both(pair, warm_start=True, early_stopping=True, max_iter=4):
        yy = targets(type(est), y)
        quiet(est.fit, X, yy)
        first = (est.n_iter_, len(est.validation_scores_), est.best_loss_)
        best_after_first = est.best_validation_score_
        quiet(est.fit, X, yy)
        second = (est.n_iter_, len(est.validation_scores_), est.best_loss_)
        observed.append((first, second))
        # the validation history and the best score carry over the warm fits
        assert est.best_validation_score_ == max(est.validation_scores_)
        assert est.best_validation_score_ >= best_after_first
        assert len(est.loss_curve_) == len(est.validation_scores_)
    assert observed[0] == observed[1] == ((4, 4, None), (4, 8, None))


@pytest.mark.parametrize("pair", PAIRS)
@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_preserved(pair, data, solver, dtype):
    X, y = data
    observed = []
    for est in both(pair, solver=solver):
        quiet(est.fit, X.astype(dtype), targets(type(est), y))
        out = (
            est.predict_proba(X.astype(dtype))
            if hasattr(est, "predict_proba")
            else est.predict(X.astype(dtype))
        )
        observed.append(
            (
                {W.dtype for W in est.coefs_ + est.intercepts_},
                out.dtype,
                # float64 data into a float32 model computes in float64
                est.predict(X).dtype if hasattr(est, "predict_proba") else None,
            )
        )
    assert observed[0] == observed[1]
    assert observed[1][0] == {np.dtype(dtype)}
    assert observed[1][1] == dtype


@pytest.mark.parametrize("pair", PAIRS)
def test_lbfgs_keeps_float32_where_sklearn_upcasts(pair, data):
    # a known difference: scikit-learn's lbfgs returns float64 weights for
    # float32 data (scipy optimises in float64); ours keeps the data's dtype
    X, y = data
    reference, ours = both(pair, solver="lbfgs")
    X32 = X.astype(np.float32)
    quiet(reference.fit, X32, targets(type(reference), y))
    quiet(ours.fit, X32, targets(type(ours), y))
    assert reference.coefs_[0].dtype == np.float64
    assert {W.dtype for W in ours.coefs_ + ours.intercepts_} == {np.dtype("float32")}
    assert ours.predict(X32).dtype == (
        np.int64 if hasattr(ours, "predict_proba") else np.float32
    )


@pytest.mark.parametrize("pair", PAIRS)
def test_first_fit_fixes_the_weights_dtype(pair, data):
    X, y = data
    observed = []
    for est in both(pair, warm_start=True):
        yy = targets(type(est), y)
        quiet(est.fit, X.astype(np.float32), yy)
        est.partial_fit(X, yy)
        after_partial = est.coefs_[0].dtype
        quiet(est.fit, X, yy)
        after_warm = est.coefs_[0].dtype
        quiet(est.set_params(warm_start=False).fit, X, yy)
        observed.append((after_partial, after_warm, est.coefs_[0].dtype))
    assert observed[0] == observed[1] == (np.float32, np.float32, np.float64)


@pytest.mark.parametrize("pair", PAIRS)
def test_partial_fit_after_fit(pair, data):
    X, y = data
    observed = []
    for est in both(pair):
        yy = targets(type(est), y)
        quiet(est.fit, X, yy)
        before = [W.copy() for W in est.coefs_]
        est.partial_fit(X[:30], yy[:30])
        changed = not np.array_equal(before[0], est.coefs_[0])
        observed.append((est.n_iter_, est.t_, len(est.loss_curve_), changed))
    # one more epoch, on the new data, from the fitted weights
    assert observed[0] == observed[1] == (1, 5 * 90 + 30, 6, True)


def test_partial_fit_after_fit_refuses_unknown_classes(data):
    X, y = data
    messages = []
    for est in both(CLASSIFIERS):
        quiet(est.fit, X, y)
        with pytest.raises(ValueError) as error:
            est.partial_fit(X, np.where(y == 1, 2, y))
        messages.append(str(error.value))
    assert messages[0] == messages[1]


@pytest.mark.parametrize("pair", PAIRS)
@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_fit_equals_repeated_partial_fit(pair, data, shuffle, solver):
    X, y = data
    equal = []
    for fitted, incremental in zip(
        both(pair, shuffle=shuffle, solver=solver, tol=0.0),
        both(pair, shuffle=shuffle, solver=solver, tol=0.0),
    ):
        yy = targets(type(fitted), y)
        quiet(fitted.fit, X, yy)
        for _ in range(fitted.max_iter):
            incremental.partial_fit(X, yy, **partial_fit_kwargs(incremental, yy))
        equal.append(
            all(
                np.allclose(a, b, rtol=1e-12, atol=1e-14)
                for a, b in zip(
                    fitted.coefs_ + fitted.intercepts_,
                    incremental.coefs_ + incremental.intercepts_,
                )
            )
        )
        assert fitted.t_ == incremental.t_
    assert equal[1], "five epochs of fit are five calls to partial_fit"
    # a known difference: scikit-learn reseeds its shuffling from an int
    # random_state at every partial_fit call, so every call shuffles the same
    # way and only fit(shuffle=False) equals its partial_fit calls; ours
    # draws each epoch's order from one stream, shuffled or not
    assert equal[0] == (not shuffle)


@pytest.mark.parametrize("pair", PAIRS)
def test_shuffle_determinism(pair, data):
    X, y = data
    observed = []
    for Estimator in pair:
        yy = targets(Estimator, y)

        def fit(Estimator=Estimator, yy=yy, **params):
            return quiet(Estimator(**{**COMMON, **params}).fit, X, yy).coefs_[0]

        same_seed = np.array_equal(fit(random_state=3), fit(random_state=3))
        other_seed = np.array_equal(fit(random_state=3), fit(random_state=4))
        # with one batch of every row the order is moot: shuffling or not
        # changes only the order of a sum
        full_batch = np.allclose(
            fit(batch_size=90, shuffle=True), fit(batch_size=90, shuffle=False)
        )
        mini_batch = np.allclose(fit(shuffle=True), fit(shuffle=False))
        observed.append((same_seed, other_seed, full_batch, mini_batch))
    assert observed[0] == observed[1] == (True, False, True, False)


def diverging_data():
    rng = np.random.RandomState(0)
    X = rng.randn(100, 3) * 100
    return X, X @ [1.0, 2.0, 3.0] * 1000


def test_diverging_loss_with_early_stopping_keeps_the_best_weights():
    X, y = diverging_data()
    observed = []
    for est in both(
        REGRESSORS,
        learning_rate_init=1.0,
        batch_size="auto",
        early_stopping=True,
        max_iter=30,
        n_iter_no_change=100,
    ):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(X, y)  # no exception
        scores = np.asarray(est.validation_scores_, dtype=float)
        observed.append(
            (
                all(np.isfinite(W).all() for W in est.coefs_ + est.intercepts_),
                np.isfinite(est.best_validation_score_),
                not np.isfinite(scores).all(),
                est.best_validation_score_ == np.nanmax(scores),
                bool(np.isfinite(est.predict(X)).all()),
                est.best_loss_,
            )
        )
    assert observed[0] == observed[1] == (True, True, True, True, True, None)


def test_diverging_loss_without_early_stopping_raises_the_same_error():
    X, y = diverging_data()
    messages = []
    for est in both(REGRESSORS, learning_rate_init=1.0, max_iter=30):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(ValueError) as error:
                est.fit(X, y)
        messages.append(str(error.value))
    # ours adds advice after scikit-learn's sentence
    assert messages[1].startswith(messages[0])


@pytest.mark.parametrize("pair", PAIRS)
def test_same_errors_for_the_same_misuse(pair, data):
    X, y = data
    for_each = []
    for Estimator in pair:
        yy = targets(Estimator, y)
        errors = []
        est = Estimator(**{**COMMON, "early_stopping": True})
        with pytest.raises(ValueError) as error:
            est.partial_fit(X, yy, **partial_fit_kwargs(est, yy))
        errors.append(str(error.value))
        with pytest.raises(ValueError) as error:
            Estimator(**COMMON).fit(X, yy, sample_weight=np.zeros(len(yy)))
        errors.append(str(error.value))
        for_each.append(errors)
    assert for_each[0] == for_each[1]


@pytest.mark.parametrize("Estimator", [ScratchMLPClassifier, ScratchMLPRegressor])
def test_no_partial_fit_for_lbfgs_as_mlpclassifier(Estimator):
    # MLPClassifier hides partial_fit for lbfgs; MLPRegressor means to (its
    # available_if lacks the call of _check_solver, so it does not): both of
    # ours follow MLPClassifier
    with pytest.raises(AttributeError) as expected:
        MLPClassifier(solver="lbfgs").partial_fit  # noqa: B018
    with pytest.raises(AttributeError) as got:
        Estimator(solver="lbfgs").partial_fit  # noqa: B018
    assert str(got.value) == str(expected.value).replace(
        "MLPClassifier", Estimator.__name__
    )
    assert not hasattr(Estimator(solver="lbfgs"), "partial_fit")
