"""sample_weight and class_weight: weighted loss, weighted penalty."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.utils.class_weight import compute_sample_weight

from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(
        n_samples=40, n_features=4, n_informative=3, n_redundant=0, random_state=0
    )
    return X, y


def quiet_fit(estimator, X, y, **fit_params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y, **fit_params)


def full_batch(Estimator, **params):
    # one batch holding every row: the order of rows, hence shuffle, is moot
    defaults = dict(
        hidden_layer_sizes=(5,),
        batch_size="auto",  # min(200, n_samples)
        max_iter=30,
        alpha=0.01,
        random_state=0,
        tol=0.0,
        n_iter_no_change=np.inf,
    )
    return Estimator(**{**defaults, **params})


@pytest.mark.parametrize("Estimator", [ScratchMLPClassifier, ScratchMLPRegressor])
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_integer_weights_equal_repeated_rows_in_full_batch(Estimator, solver, data):
    X, y = data
    sw = np.random.RandomState(1).randint(0, 4, size=len(y))
    sw[:2] = [0, 3]
    repeated = np.repeat(np.arange(len(y)), sw)

    weighted = quiet_fit(full_batch(Estimator, solver=solver), X, y, sample_weight=sw)
    copies = quiet_fit(full_batch(Estimator, solver=solver), X[repeated], y[repeated])

    for a, b in zip(
        weighted.coefs_ + weighted.intercepts_, copies.coefs_ + copies.intercepts_
    ):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10)
    assert weighted.loss_ == pytest.approx(copies.loss_, rel=1e-10)


def test_lbfgs_weights_equal_repeated_rows_with_the_default_loss():
    # scikit-learn's check_sample_weight_equivalence: rows of random weights
    # 0 to 4 in shuffled order, or each repeated as often; the article's
    # squared error through sigmoids, the classifier's default. The fit
    # stops once the training data is learnt, where the two fits still
    # agree: iterating on, L-BFGS magnifies their rounding differences
    # (3.7e-2 apart after 200 iterations)
    rng = np.random.RandomState(42)
    X = rng.rand(15, 30)
    y = rng.randint(0, 3, size=15)
    sw = rng.randint(0, 5, size=15)
    order = np.random.RandomState(0).permutation(15)

    make = lambda: ScratchMLPClassifier(solver="lbfgs", random_state=0)  # noqa: E731
    repeated = make().fit(X.repeat(sw, axis=0), y.repeat(sw))
    weighted = make().fit(X[order], y[order], sample_weight=sw[order])

    assert repeated.n_iter_ == weighted.n_iter_ < repeated.max_iter
    np.testing.assert_array_equal(repeated.predict(X[sw > 0]), y[sw > 0])
    np.testing.assert_allclose(
        weighted.predict_proba(X), repeated.predict_proba(X), rtol=1e-7, atol=1e-9
    )


@pytest.mark.parametrize("Estimator", [ScratchMLPClassifier, ScratchMLPRegressor])
def test_integer_weights_equal_repeated_rows_in_partial_fit(Estimator, data):
    X, y = data
    sw = np.random.RandomState(2).randint(0, 3, size=len(y))
    repeated = np.repeat(np.arange(len(y)), sw)
    kwargs = {"classes": np.unique(y)} if Estimator is ScratchMLPClassifier else {}
    weighted = full_batch(Estimator)
    copies = full_batch(Estimator)
    for _ in range(3):
        weighted.partial_fit(X, y, sample_weight=sw, **kwargs)
        copies.partial_fit(X[repeated], y[repeated], **kwargs)
    for a, b in zip(weighted.coefs_, copies.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10)


def test_penalty_is_divided_by_total_weight(data):
    # doubling every weight doubles the data: the penalty's share halves
    X, y = data
    ones = quiet_fit(full_batch(ScratchMLPRegressor, max_iter=1), X, y)
    twos = quiet_fit(
        full_batch(ScratchMLPRegressor, max_iter=1),
        X,
        y,
        sample_weight=np.full(40, 2.0),
    )
    doubled = quiet_fit(
        full_batch(ScratchMLPRegressor, max_iter=1), np.vstack([X, X]), np.r_[y, y]
    )
    np.testing.assert_allclose(twos.coefs_[0], doubled.coefs_[0], rtol=1e-12)
    assert not np.allclose(twos.coefs_[0], ones.coefs_[0], rtol=1e-12, atol=0)


@pytest.mark.parametrize("Estimator", [ScratchMLPClassifier, ScratchMLPRegressor])
def test_zero_weight_batches_are_skipped_without_error(Estimator, data):
    X, y = data
    sw = np.ones(len(y))
    sw[:20] = 0.0  # with shuffle off and batches of 10, two batches weigh 0
    est = quiet_fit(
        full_batch(Estimator, batch_size=10, shuffle=False, max_iter=5),
        X,
        y,
        sample_weight=sw,
    )
    assert all(np.isfinite(W).all() for W in est.coefs_)
    assert np.all(np.isfinite(est.loss_curve_))
    # rows of zero weight change nothing: training on the others alone is the
    # same (batches of 10 over rows 20.. are the same batches)
    alone = quiet_fit(
        full_batch(Estimator, batch_size=10, shuffle=False, max_iter=5), X[20:], y[20:]
    )
    for a, b in zip(est.coefs_, alone.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-12)


@pytest.mark.parametrize("Estimator", [ScratchMLPClassifier, ScratchMLPRegressor])
def test_all_zero_weights_raise_as_sklearn(Estimator, data):
    X, y = data
    with pytest.raises(ValueError) as expected:
        MLPClassifier(max_iter=1).fit(X, y, sample_weight=np.zeros(len(y)))
    with pytest.raises(ValueError) as got:
        full_batch(Estimator).fit(X, y, sample_weight=np.zeros(len(y)))
    assert str(got.value) == str(expected.value)
    assert "at least one non-zero" in str(got.value)


@pytest.mark.parametrize("Estimator", [ScratchMLPClassifier, ScratchMLPRegressor])
def test_negative_weights_are_refused(Estimator, data):
    X, y = data
    sw = np.ones(len(y))
    sw[3] = -1.0
    with pytest.raises(ValueError, match="Negative values in data passed to"):
        full_batch(Estimator).fit(X, y, sample_weight=sw)


@pytest.mark.parametrize("Estimator", [ScratchMLPClassifier, ScratchMLPRegressor])
def test_sample_weight_is_not_modified(Estimator, data):
    X, y = data
    sw = np.linspace(0.5, 2.0, len(y))
    before = sw.copy()
    quiet_fit(
        full_batch(Estimator, class_weight="balanced")
        if Estimator is ScratchMLPClassifier
        else full_batch(Estimator),
        X,
        y,
        sample_weight=sw,
    )
    np.testing.assert_array_equal(sw, before)


@pytest.mark.parametrize(
    "class_weight", ["balanced", {0: 3.0, 1: 0.5}], ids=["balanced", "dict"]
)
def test_class_weight_multiplies_sample_weight(class_weight):
    X, y = make_classification(
        n_samples=60, n_features=4, weights=[0.8], random_state=0
    )
    sw = np.random.RandomState(0).uniform(0.5, 2.0, size=len(y))
    with_class_weight = quiet_fit(
        full_batch(ScratchMLPClassifier, class_weight=class_weight),
        X,
        y,
        sample_weight=sw,
    )
    # as scikit-learn's linear models: the product of the two
    product = compute_sample_weight(class_weight, y) * sw
    by_hand = quiet_fit(full_batch(ScratchMLPClassifier), X, y, sample_weight=product)
    for a, b in zip(with_class_weight.coefs_, by_hand.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    plain = quiet_fit(full_batch(ScratchMLPClassifier), X, y, sample_weight=sw)
    assert not np.allclose(plain.coefs_[0], by_hand.coefs_[0])


def test_class_weight_dict_in_partial_fit():
    X, y = make_classification(n_samples=30, n_features=4, random_state=1)
    weighted = full_batch(ScratchMLPClassifier, class_weight={0: 2.0, 1: 1.0})
    by_hand = full_batch(ScratchMLPClassifier)
    weighted.partial_fit(X, y, classes=[0, 1])
    by_hand.partial_fit(X, y, classes=[0, 1], sample_weight=np.where(y == 0, 2.0, 1.0))
    np.testing.assert_allclose(weighted.coefs_[0], by_hand.coefs_[0], rtol=1e-12)


def test_balanced_class_weight_in_partial_fit_raises_as_sgdclassifier():
    X, y = make_classification(n_samples=30, n_features=4, random_state=1)
    with pytest.raises(ValueError) as expected:
        SGDClassifier(class_weight="balanced").partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError) as got:
        ScratchMLPClassifier(class_weight="balanced").partial_fit(X, y, classes=[0, 1])
    assert str(got.value) == str(expected.value)


def test_balanced_class_weight_helps_the_minority_class():
    X, y = make_classification(
        n_samples=300,
        n_features=4,
        n_informative=2,
        weights=[0.92],
        flip_y=0,
        class_sep=0.5,
        random_state=3,
    )
    params = dict(hidden_layer_sizes=(5,), loss="log_loss", max_iter=60, random_state=0)
    plain = quiet_fit(ScratchMLPClassifier(**params), X, y)
    balanced = quiet_fit(ScratchMLPClassifier(**params, class_weight="balanced"), X, y)
    minority = y == 1
    recall_plain = np.mean(plain.predict(X[minority]) == 1)
    recall_balanced = np.mean(balanced.predict(X[minority]) == 1)
    assert recall_balanced > recall_plain


def test_class_weight_with_unknown_label_raises():
    X, y = make_classification(n_samples=30, n_features=4, random_state=1)
    with pytest.raises(ValueError, match="not found|not present|class"):
        ScratchMLPClassifier(class_weight={5: 1.0}, max_iter=1).fit(X, y)


@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
def test_class_weight_zeroing_every_sample_raises(data, solver):
    X, y = data
    clf = full_batch(ScratchMLPClassifier, solver=solver, class_weight={0: 0, 1: 0})
    with pytest.raises(ValueError, match="at least one non-zero number"):
        clf.fit(X, y)
    # in partial_fit too, where one batch may hold only a zero-weight class
    clf = full_batch(ScratchMLPClassifier, class_weight={0: 0.0, 1: 1.0})
    with pytest.raises(ValueError, match="at least one non-zero number"):
        clf.partial_fit(X[y == 0], y[y == 0], classes=[0, 1])
