"""Training that goes nowhere says so.

A fit that stops (its loss no longer improves) no better than the trivial
model, predicting the class frequencies (or the mean of ``y``) for every
sample, warns with what happened and the fix; a fit that learns does not.
Raw wine is the case: features up to 1680 saturate every sigmoid, the loss
stalls, and every row gets one class.
"""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits, load_iris, load_wine, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn_scratch import (
    ARTICLE_PARAMS,
    ScratchMLPClassifier,
    ScratchMLPRegressor,
    TrivialModelWarning,
)


def test_raw_wine_warns_with_the_fix():
    X, y = load_wine(return_X_y=True)
    clf = ScratchMLPClassifier(random_state=0)
    with pytest.warns(TrivialModelWarning) as record:
        clf.fit(X, y)
    # the fit did stop on its own, with one class for every row
    assert clf.n_iter_ < clf.max_iter
    assert len(np.unique(clf.predict(X))) == 1
    message = str(record[0].message)
    assert "no better than" in message and "class frequencies" in message
    assert "saturated" in message
    assert "StandardScaler" in message and "Pipeline" in message


def test_cross_validation_on_raw_wine_warns():
    X, y = load_wine(return_X_y=True)
    with pytest.warns(TrivialModelWarning):
        scores = cross_val_score(ScratchMLPClassifier(random_state=0), X, y)
    assert scores.mean() < 0.5


def test_a_regressor_no_better_than_the_mean_warns():
    X, y = make_regression(n_samples=100, n_features=3, noise=1, random_state=0)
    # a learning rate that cannot move the weights: the loss stalls at once
    reg = ScratchMLPRegressor((5,), learning_rate_init=1e-12, random_state=0)
    with pytest.warns(TrivialModelWarning, match="the mean of y"):
        reg.fit(X, y)
    assert reg.n_iter_ < reg.max_iter


def _learns_without_the_warning(estimator, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("error", TrivialModelWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)


def test_no_warning_where_training_works():
    X, y = load_wine(return_X_y=True)
    pipe = make_pipeline(StandardScaler(), ScratchMLPClassifier(random_state=0))
    assert _learns_without_the_warning(pipe, X, y).score(X, y) > 0.95
    X, y = load_iris(return_X_y=True)
    clf = ScratchMLPClassifier(random_state=0)
    assert _learns_without_the_warning(clf, X, y).score(X, y) > 0.9
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X[:500])
    for solver in ("sgd", "adam", "lbfgs"):
        clf = ScratchMLPClassifier(solver=solver, max_iter=200, random_state=0)
        _learns_without_the_warning(clf, X, y[:500])
    X, y = make_regression(n_samples=100, n_features=3, noise=1, random_state=0)
    reg = ScratchMLPRegressor(random_state=0)
    assert _learns_without_the_warning(reg, X, y / 100).score(X, y / 100) > 0.9


def test_no_warning_for_the_articles_people():
    X = np.array([[-2, -1], [25, 6], [17, 4], [-15, -6]])
    y = np.array([1, 0, 0, 1])
    clf = ScratchMLPClassifier(**ARTICLE_PARAMS, random_state=0)
    assert _learns_without_the_warning(clf, X, y).score(X, y) == 1.0


def test_partial_fit_does_not_warn():
    # one epoch per call: a model still untrained after the first is expected
    X, y = load_wine(return_X_y=True)
    clf = ScratchMLPClassifier(random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", TrivialModelWarning)
        for _ in range(3):
            clf.partial_fit(X, y, classes=np.unique(y))


def test_a_fit_cut_short_by_max_iter_says_that_instead():
    # the ConvergenceWarning already says the fit did not converge
    X, y = load_wine(return_X_y=True)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        ScratchMLPClassifier(max_iter=3, random_state=0).fit(X, y)
    categories = [w.category for w in record]
    assert ConvergenceWarning in categories
    assert TrivialModelWarning not in categories


def test_a_diverged_fit_with_early_stopping_says_that_instead():
    X, y = load_iris(return_X_y=True)
    clf = ScratchMLPClassifier((5,), alpha=1e5, early_stopping=True, random_state=0)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        clf.fit(X, y)
    messages = [str(w.message) for w in record]
    assert any("Training diverged" in m for m in messages)
    assert not any(w.category is TrivialModelWarning for w in record)


def test_it_is_a_user_warning_not_a_convergence_warning():
    # silencing the max_iter warnings, as grid searches often do, keeps it
    assert issubclass(TrivialModelWarning, UserWarning)
    assert not issubclass(TrivialModelWarning, ConvergenceWarning)


@pytest.mark.parametrize("library", ["torch", "array_api_strict"])
def test_the_same_warning_on_another_array_library(library):
    xp = pytest.importorskip(library, reason=f"{library} runs this test")
    import sklearn

    X, y = load_wine(return_X_y=True)
    with pytest.warns(TrivialModelWarning) as on_numpy:
        ScratchMLPClassifier(random_state=0).fit(X, y)
    with sklearn.config_context(array_api_dispatch=True):
        with pytest.warns(TrivialModelWarning) as on_other:
            ScratchMLPClassifier(random_state=0).fit(xp.asarray(X), xp.asarray(y))
    assert str(on_other[0].message) == str(on_numpy[0].message)


def test_the_rows_it_measures_may_all_weigh_zero():
    # beyond 10,000 rows every third is measured: here each of those weighs 0
    # (MLPRegressor fits this)
    X = np.random.RandomState(0).normal(size=(21_000, 2))
    y = X[:, 0] - X[:, 1]
    weights = (np.arange(21_000) % 3 != 0).astype(float)
    reg = ScratchMLPRegressor(
        max_iter=3, tol=10.0, n_iter_no_change=1, batch_size=1000, random_state=0
    )
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        reg.fit(X, y, sample_weight=weights)
    assert len(reg.loss_curve_) == reg.n_iter_
    # better than the weighted mean of y, so no warning
    assert reg.score(X, y, sample_weight=weights) > 0
    assert TrivialModelWarning not in [w.category for w in record]


# --- the cause it names: unscaled inputs, a learning rate too large, or neither


def _trivial_message(estimator, X, y):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        estimator.fit(X, y)
    messages = [str(w.message) for w in record if w.category is TrivialModelWarning]
    assert messages, [str(w.message) for w in record]
    return messages[0]


def test_raw_wine_is_told_to_scale_the_inputs_and_which_column():
    X, y = load_wine(return_X_y=True)
    message = _trivial_message(ScratchMLPClassifier(random_state=0), X, y)
    # proline, column 12, is in the hundreds and thousands
    assert "Scale the inputs (column 12" in message
    assert "learning_rate_init" not in message
    assert "y" not in message.split("Scale the inputs")[1].split()  # no y advice


def test_a_huge_learning_rate_on_standardised_inputs_is_named_not_the_inputs():
    # the report: weights of 2.9e34 and the advice to scale standard-normal X
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 4))
    y = (X[:, 0] > 0).astype(int)
    clf = ScratchMLPClassifier(
        learning_rate_init=1e6, learning_rate="constant", max_iter=50, random_state=0
    )
    message = _trivial_message(clf, X, y)
    assert "The weights grew to" in message
    assert "lower learning_rate_init (it is 1e+06)" in message
    assert "Scale the inputs" not in message and "StandardScaler" not in message
    assert "scale y" not in message.lower()


def test_standardised_inputs_that_learned_nothing_are_not_told_to_scale():
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    # a rate that cannot move the weights: the stopping rule ends the fit at once
    clf = ScratchMLPClassifier((32,), learning_rate_init=1e-9, random_state=0)
    message = _trivial_message(clf, X, y)
    assert "Scale the inputs" not in message and "StandardScaler" not in message
    assert "The inputs are on a unit scale" in message
    assert "larger learning_rate_init" in message
    assert "solver='adam'" in message  # the classifier's plain SGD


def test_a_fit_on_adam_is_not_told_to_take_adam():
    X = np.random.RandomState(0).normal(size=(40, 3))
    y = X @ [0.5, -1.0, 0.25]
    # tol this large makes every epoch after the first a non-improvement
    reg = ScratchMLPRegressor((2,), tol=10.0, n_iter_no_change=2, random_state=0)
    message = _trivial_message(reg, X, y)
    assert "training stopped before it got anywhere" in message
    assert "solver=" not in message
    assert "Try a larger learning_rate_init or a smaller tol." in message


def test_a_regressor_is_told_to_scale_y_only_where_it_is_not_scaled():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(100, 3))
    noise = rng.normal(size=100)  # nothing to learn: every fit is trivial
    stalled = dict(hidden_layer_sizes=(5,), learning_rate_init=1e-12, random_state=0)
    # (a tol on the scale of this loss, about 1e6, for the rule to stop)
    unscaled = ScratchMLPRegressor(**stalled, tol=1e2)
    message = _trivial_message(unscaled, X, 1000 * noise + 500)
    assert "Scale y" in message and "TransformedTargetRegressor" in message
    assert "Scale the inputs" not in message
    message = _trivial_message(ScratchMLPRegressor(**stalled), X, noise)
    assert "Scale y" not in message and "Scale the inputs" not in message
    assert "The inputs are on a unit scale" in message


def test_divergence_advice_tells_the_learning_rate_from_the_inputs():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(100, 3))
    y = X @ [1.0, -2.0, 0.5]
    huge_rate = ScratchMLPRegressor(
        (8,), solver="sgd", learning_rate_init=1e6, random_state=0
    )
    with pytest.raises(ValueError, match="diverged") as info:
        huge_rate.fit(X, y)
    message = str(info.value)
    assert "The inputs are on a unit scale" in message
    assert "Lower learning_rate_init (it is 1e+06)" in message
    assert "Scale the inputs" not in message and "Scale y" not in message
    unscaled = ScratchMLPRegressor(
        (8,), solver="sgd", learning_rate_init=0.5, random_state=0
    )
    with pytest.raises(ValueError, match="diverged") as info:
        unscaled.fit(X * 1e4, y)
    assert "Scale the inputs (column" in str(info.value)


def test_the_classifiers_divergence_advice_never_names_y():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(100, 3))
    y = (X[:, 0] > 0).astype(int)
    clf = ScratchMLPClassifier(
        (8,),
        activation="relu",
        loss="log_loss",
        learning_rate_init=1e8,
        random_state=0,
    )
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        try:
            clf.fit(X, y)
        except ValueError as exc:
            messages = [str(exc)]
        else:
            messages = [str(w.message) for w in record]
    text = " ".join(messages)
    assert "Scale y" not in text and "scale y" not in text
