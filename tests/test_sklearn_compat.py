"""The estimators work wherever scikit-learn's MLP works."""

import pickle
import warnings

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_iris, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor


# the checks set max_iter=1000 and some data is not learnt by then: the
# ConvergenceWarning is expected, and only noise in the report; so is the
# TrivialModelWarning on the checks' random labels and unscaled data
# (normal(loc=100)), where no model beats the trivial one
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.filterwarnings("ignore::sknn_scratch.TrivialModelWarning")
@parametrize_with_checks([ScratchMLPClassifier(), ScratchMLPRegressor()])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


# every solver (the defaults' above are SGD's): Adam at its default rate,
# 0.001 (at the article's 0.1 its check_classifiers_train failed); L-BFGS,
# whose fits of rows weighted 2 and of rows repeated twice part by rounding
# if it iterates on once the training data is learnt
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.filterwarnings("ignore::sknn_scratch.TrivialModelWarning")
@parametrize_with_checks(
    [
        ScratchMLPClassifier(solver="adam"),
        ScratchMLPRegressor(solver="adam"),
        ScratchMLPClassifier(solver="lbfgs"),
        ScratchMLPRegressor(solver="lbfgs"),
    ]
)
def test_sklearn_estimator_checks_with_every_solver(estimator, check):
    check(estimator)


# every new parameter passes the checks with a value other than its default
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.filterwarnings("ignore::sknn_scratch.TrivialModelWarning")
@parametrize_with_checks(
    [
        ScratchMLPClassifier((8, 6), activation=["relu", "tanh"]),
        # (a network this small needs more than the default 200 epochs, of
        # one Adam step each on the checks' 200 samples, to reach R2 0.5)
        ScratchMLPRegressor((8, 6), activation=("tanh", "relu"), max_iter=300),
        ScratchMLPClassifier(scoring="loss"),
        ScratchMLPRegressor(scoring="neg_mean_absolute_error"),
    ]
)
def test_sklearn_estimator_checks_with_new_parameters(estimator, check):
    check(estimator)


def _dropout_failures(estimator):
    # under random masks a weight of 2 is not a repeated row: the repeated
    # row gets a mask of its own in each copy, the weighted one a single mask
    reason = "random dropout masks: a sample of weight 2 is not a repeated row"
    return {
        "check_sample_weight_equivalence_on_dense_data": reason,
        "check_sample_weight_equivalence_on_sparse_data": reason,
    }


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.filterwarnings("ignore::sknn_scratch.TrivialModelWarning")
@parametrize_with_checks(
    [
        ScratchMLPClassifier((32, 16), dropout=[0.2, 0.1]),
        ScratchMLPRegressor(dropout=0.2),
    ],
    expected_failed_checks=_dropout_failures,
)
def test_sklearn_estimator_checks_with_dropout(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def blobs():
    X, y = make_classification(
        n_samples=120, n_features=6, n_informative=4, random_state=0
    )
    return StandardScaler().fit_transform(X), y


def quiet_fit(estimator, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)


def test_cross_val_score_in_a_pipeline():
    X, y = load_iris(return_X_y=True)
    pipe = make_pipeline(
        StandardScaler(), ScratchMLPClassifier(hidden_layer_sizes=(10,), random_state=0)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.shape == (3,)
    # chance is 1/3 on iris
    assert scores.min() > 0.8


def test_grid_search_over_layer_sizes_and_learning_rates(blobs):
    X, y = blobs
    grid = GridSearchCV(
        ScratchMLPClassifier(max_iter=50, batch_size=10, random_state=0),
        {"hidden_layer_sizes": [(3,), (10,)], "learning_rate_init": [1e-5, 0.5]},
        cv=3,
        n_jobs=2,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        grid.fit(X, y)

    assert len(grid.cv_results_["params"]) == 4
    assert np.all(np.isfinite(grid.cv_results_["mean_test_score"]))
    # a rate of 1e-5 barely moves the weights in 50 epochs: 0.5 must win
    assert grid.best_params_["learning_rate_init"] == 0.5
    # chance is 0.5 (a logistic regression scores about 0.68 on this data)
    assert grid.best_score_ > 0.6
    assert isinstance(grid.best_estimator_, ScratchMLPClassifier)
    assert grid.best_estimator_.n_features_in_ == X.shape[1]


def test_clone_gives_same_parameters_and_no_fitted_state(blobs):
    X, y = blobs
    clf = ScratchMLPClassifier(hidden_layer_sizes=(4, 3), alpha=0.01, random_state=3)
    quiet_fit(clf, X, y)

    copy = clone(clf)

    assert copy.get_params() == clf.get_params()
    assert not hasattr(copy, "coefs_")
    assert not hasattr(copy, "classes_")
    # a clone fitted with the same random_state finds the same weights
    quiet_fit(copy, X, y)
    for a, b in zip(copy.coefs_, clf.coefs_):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("Estimator", [ScratchMLPClassifier, ScratchMLPRegressor])
@pytest.mark.parametrize("round_trip", ["pickle", "joblib"])
def test_saved_and_loaded_model_predicts_the_same(
    Estimator, round_trip, blobs, tmp_path
):
    X, y = blobs
    est = quiet_fit(
        Estimator(hidden_layer_sizes=(5,), max_iter=20, random_state=0), X, y
    )

    if round_trip == "pickle":
        loaded = pickle.loads(pickle.dumps(est))
    else:
        joblib.dump(est, tmp_path / "model.joblib")
        loaded = joblib.load(tmp_path / "model.joblib")

    assert type(loaded) is Estimator
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
    if Estimator is ScratchMLPClassifier:
        np.testing.assert_array_equal(loaded.predict_proba(X), est.predict_proba(X))
    for a, b in zip(loaded.coefs_ + loaded.intercepts_, est.coefs_ + est.intercepts_):
        np.testing.assert_array_equal(a, b)
    # the loaded model keeps training from where it was
    loaded.partial_fit(X, y)
    est.partial_fit(X, y)
    np.testing.assert_array_equal(loaded.coefs_[0], est.coefs_[0])


@pytest.mark.parametrize("shuffle", [True, False])
def test_same_random_state_gives_bit_identical_weights(blobs, shuffle):
    X, y = blobs
    params = dict(hidden_layer_sizes=(7,), max_iter=15, batch_size=16, shuffle=shuffle)
    first = quiet_fit(ScratchMLPClassifier(**params, random_state=42), X, y)
    second = quiet_fit(ScratchMLPClassifier(**params, random_state=42), X, y)
    other = quiet_fit(ScratchMLPClassifier(**params, random_state=43), X, y)

    for a, b in zip(
        first.coefs_ + first.intercepts_, second.coefs_ + second.intercepts_
    ):
        np.testing.assert_array_equal(a, b)
    assert first.loss_curve_ == second.loss_curve_
    assert not np.array_equal(first.coefs_[0], other.coefs_[0])


@pytest.mark.parametrize("random_state", [None, 0])
def test_numpy_global_random_state_is_neither_used_nor_changed(blobs, random_state):
    X, y = blobs
    params = dict(
        hidden_layer_sizes=(5,),
        max_iter=5,
        batch_size=16,
        early_stopping=True,
        random_state=random_state,
    )
    np.random.seed(1234)  # noqa: NPY002
    before = np.random.get_state()  # noqa: NPY002
    clf = ScratchMLPClassifier(**params)
    quiet_fit(clf, X, y)
    clf.predict_proba(X)
    after = np.random.get_state()  # noqa: NPY002

    assert before[0] == after[0]
    np.testing.assert_array_equal(before[1], after[1])
    assert before[2:] == after[2:]


def test_results_do_not_depend_on_numpy_global_seed(blobs):
    X, y = blobs
    fits = []
    for seed in (0, 1):
        np.random.seed(seed)  # noqa: NPY002
        clf = ScratchMLPClassifier(hidden_layer_sizes=(5,), max_iter=5, random_state=0)
        fits.append(quiet_fit(clf, X, y))
    for a, b in zip(fits[0].coefs_, fits[1].coefs_):
        np.testing.assert_array_equal(a, b)


def test_random_state_none_draws_new_weights_each_fit(blobs):
    X, y = blobs
    weights = []
    for _ in range(2):
        # the same global seed each time: None must not mean numpy's global state
        np.random.seed(0)  # noqa: NPY002
        clf = ScratchMLPClassifier(hidden_layer_sizes=(5,), max_iter=1)
        weights.append(quiet_fit(clf, X, y).coefs_[0])
    assert not np.array_equal(weights[0], weights[1])
