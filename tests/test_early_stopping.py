"""Early stopping: held-out validation set, best weights, the messages."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler

from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor


@pytest.fixture(scope="module")
def classification():
    X, y = make_classification(
        n_samples=200, n_features=8, n_informative=5, n_classes=3, random_state=0
    )
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def regression():
    X, y = make_regression(n_samples=200, n_features=5, noise=5.0, random_state=0)
    return StandardScaler().fit_transform(X), y / np.std(y)


def quiet_fit(estimator, X, y, **fit_params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y, **fit_params)


def early(Estimator, **params):
    defaults = dict(
        hidden_layer_sizes=(8,),
        early_stopping=True,
        max_iter=60,
        n_iter_no_change=5,
        batch_size=32,
        # MLPClassifier's schedule: a plateau stops training
        learning_rate="constant",
        random_state=0,
    )
    return Estimator(**{**defaults, **params})


@pytest.mark.parametrize("Estimator", [ScratchMLPClassifier, ScratchMLPRegressor])
def test_attributes_with_and_without_early_stopping(Estimator, classification):
    X, y = classification
    with_es = quiet_fit(early(Estimator), X, y)
    n = with_es.n_iter_
    assert with_es.best_loss_ is None
    assert len(with_es.validation_scores_) == n
    assert len(with_es.validation_loss_curve_) == n
    assert len(with_es.loss_curve_) == n
    assert with_es.best_validation_score_ == max(with_es.validation_scores_)
    assert np.all(np.isfinite(with_es.validation_loss_curve_))

    without = quiet_fit(early(Estimator, early_stopping=False), X, y)
    assert without.validation_scores_ is None
    assert without.best_validation_score_ is None
    assert without.validation_loss_curve_ is None
    assert without.best_loss_ == min(without.loss_curve_)


def test_validation_score_is_accuracy_on_held_out_set_and_best_weights_kept(
    classification,
):
    X, y = classification
    # a large learning rate makes the validation accuracy go up and down, so
    # the best epoch is rarely the last one
    clf = quiet_fit(
        early(
            ScratchMLPClassifier,
            learning_rate_init=2.0,
            n_iter_no_change=8,
            loss="log_loss",
        ),
        X,
        y,
    )
    scores = clf.validation_scores_
    best_epoch = int(np.argmax(scores))
    assert best_epoch < len(scores) - 1, "the scenario needs a best epoch before last"
    # stopped n_iter_no_change + 1 epochs after the best one, as MLPClassifier
    assert clf.n_iter_ == best_epoch + 1 + clf.n_iter_no_change + 1

    # refit with max_iter stopping exactly at the best epoch: same weights
    at_best = quiet_fit(
        early(
            ScratchMLPClassifier,
            learning_rate_init=2.0,
            n_iter_no_change=8,
            loss="log_loss",
            max_iter=best_epoch + 1,
        ),
        X,
        y,
    )
    for a, b in zip(clf.coefs_ + clf.intercepts_, at_best.coefs_ + at_best.intercepts_):
        np.testing.assert_array_equal(a, b)
    assert at_best.validation_scores_ == scores[: best_epoch + 1]


@pytest.fixture
def split_spy(monkeypatch):
    """Records the arguments and result of the estimators' validation split."""
    import sknn_scratch._validation as base

    seen = {}
    original = base.train_test_split

    def spy(*arrays, **kwargs):
        seen["stratify"] = kwargs.get("stratify")
        seen["result"] = original(*arrays, **kwargs)
        return seen["result"]

    monkeypatch.setattr(base, "train_test_split", spy)
    return seen


def test_validation_split_is_stratified_for_classifiers(split_spy, classification):
    X, y = classification
    quiet_fit(early(ScratchMLPClassifier, max_iter=2), X, y)
    np.testing.assert_array_equal(split_spy["stratify"], y)

    quiet_fit(early(ScratchMLPRegressor, max_iter=2), X, y.astype(float))
    assert split_spy["stratify"] is None

    # as MLPClassifier: no stratification of multilabel targets
    Y = np.column_stack([y == 0, y == 1, y == 2, y != 1]).astype(int)
    quiet_fit(early(ScratchMLPClassifier, max_iter=2), X, Y)
    assert split_spy["stratify"] is None


def test_class_proportions_are_kept_in_the_validation_set(split_spy):
    # 90/10 imbalance: a stratified 10 % holds exactly 9 and 1
    rng = np.random.RandomState(0)
    X = rng.randn(100, 3)
    y = np.array([0] * 90 + [1] * 10)
    quiet_fit(early(ScratchMLPClassifier, max_iter=1, validation_fraction=0.1), X, y)
    X_train, X_val = split_spy["result"][:2]
    y_val = split_spy["result"][5]
    assert X_val.shape == (10, 3) and X_train.shape == (90, 3)
    assert list(np.bincount(y_val)) == [9, 1]


@pytest.mark.parametrize("Estimator", [ScratchMLPClassifier, ScratchMLPRegressor])
def test_partial_fit_refuses_early_stopping_with_sklearn_message(
    Estimator, classification
):
    X, y = classification
    est = early(Estimator)
    kwargs = {"classes": np.unique(y)} if Estimator is ScratchMLPClassifier else {}
    with pytest.raises(
        ValueError, match="partial_fit does not support early_stopping=True"
    ):
        est.partial_fit(X, y, **kwargs)


@pytest.mark.parametrize(
    "Estimator, Reference, y",
    [
        (ScratchMLPRegressor, MLPRegressor, np.arange(10.0)),
        # multilabel targets are not stratified: the same check as regression
        (ScratchMLPClassifier, MLPClassifier, np.eye(2, dtype=int)[[0, 1] * 5]),
        # stratified targets: train_test_split's own message, as in sklearn,
        # after the parameter that sets test_size
        (ScratchMLPClassifier, MLPClassifier, np.array([0, 1] * 5)),
    ],
    ids=["regression", "multilabel", "binary"],
)
def test_too_small_validation_set_raises_as_sklearn(Estimator, Reference, y):
    X = np.random.RandomState(0).randn(10, 2)
    with pytest.raises(ValueError) as expected:
        Reference(early_stopping=True, validation_fraction=0.1).fit(X, y)
    with pytest.raises(ValueError) as got:
        early(Estimator, validation_fraction=0.1).fit(X, y)
    if "test_size" in str(expected.value):
        assert str(got.value).startswith(
            "early_stopping=True could not set aside validation_fraction=0.1 of "
            "the 10 training samples as a validation set: "
        )
        assert str(got.value).endswith(str(expected.value))
    else:
        assert str(got.value) == str(expected.value)
    if Estimator is ScratchMLPRegressor:
        assert "The validation set is too small" in str(got.value)


def test_regressor_stops_on_validation_r2(split_spy, regression):
    from sklearn.metrics import r2_score

    X, y = regression
    reg = quiet_fit(early(ScratchMLPRegressor, max_iter=300), X, y)
    X_val, y_val = split_spy["result"][1], split_spy["result"][5]
    # the weights kept are the best epoch's: their R² on the held-out set is
    # best_validation_score_
    assert r2_score(y_val, reg.predict(X_val)) == pytest.approx(
        reg.best_validation_score_, rel=1e-12
    )
    assert reg.best_validation_score_ > 0.9
    assert reg.n_iter_ < 300


@pytest.mark.parametrize("Estimator", [ScratchMLPClassifier, ScratchMLPRegressor])
def test_validation_loss_curve_is_weighted_loss_on_held_out_set(
    Estimator, classification
):
    X, y = classification
    sw = np.random.RandomState(1).uniform(0.5, 2.0, size=len(y))
    est = quiet_fit(early(Estimator, max_iter=5), X, y, sample_weight=sw)
    assert len(est.validation_loss_curve_) == 5
    unweighted = quiet_fit(early(Estimator, max_iter=5), X, y)
    assert est.validation_loss_curve_ != unweighted.validation_loss_curve_


def test_refit_without_warm_start_forgets_previous_best_weights(classification):
    X, y = classification
    clf = early(ScratchMLPClassifier, max_iter=10)
    quiet_fit(clf, X, y)
    first = [W.copy() for W in clf.coefs_]
    # a second fit with another architecture must not bring back the first
    # fit's best weights
    clf.set_params(hidden_layer_sizes=(3,), random_state=1)
    quiet_fit(clf, X, y)
    assert [W.shape for W in clf.coefs_] == [(8, 3), (3, 3)]
    assert not np.array_equal(clf.coefs_[0][:, :3], first[0][:, :3])


def test_refit_when_no_epoch_scores_keeps_own_initial_weights(regression):
    X, y = regression
    reg = early(ScratchMLPRegressor, max_iter=10)
    quiet_fit(reg, X, y)
    # now diverge from the first epoch: the weights kept are this fit's
    # initial ones, not the previous fit's best ones
    reg.set_params(hidden_layer_sizes=(4,), learning_rate_init=1e6, random_state=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reg.fit(X * 1e3, y * 1e6)
    assert [W.shape for W in reg.coefs_] == [(5, 4), (4, 1)]
    assert all(np.isfinite(W).all() for W in reg.coefs_)
