"""fit(X, y, *, X_val, y_val, sample_weight_val) and ``scoring``.

Given validation data is what early stopping uses, under
HistGradientBoosting's rules and messages; ``scoring`` picks the score it
watches; metadata routing sends ``X_val`` through a Pipeline's scaler.
"""

import numpy as np
import pytest
import sklearn
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, f1_score, r2_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor

pytestmark = pytest.mark.filterwarnings("ignore", category=ConvergenceWarning)


@pytest.fixture(scope="module")
def split():
    X, y = make_classification(
        n_samples=300, n_features=6, n_informative=4, flip_y=0.1, random_state=0
    )
    X = StandardScaler().fit_transform(X)
    return X[:200], y[:200], X[200:], y[200:]


def _clf(**params):
    defaults = dict(hidden_layer_sizes=(10,), early_stopping=True, random_state=0)
    return ScratchMLPClassifier(**{**defaults, **params})


def test_given_validation_data_is_what_early_stopping_scores(split):
    X, y, X_val, y_val = split
    clf = _clf(max_iter=40).fit(X, y, X_val=X_val, y_val=y_val)
    # the best epoch's weights are kept: its score is theirs on X_val
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.best_validation_score_ == accuracy_score(y_val, clf.predict(X_val))
    assert len(clf.validation_loss_curve_) == clf.n_iter_
    # every training sample trains: none is set aside
    assert clf.t_ == clf.n_iter_ * len(X)


def test_validation_fraction_is_then_ignored(split):
    X, y, X_val, y_val = split
    fits = [
        _clf(max_iter=30, validation_fraction=f).fit(X, y, X_val=X_val, y_val=y_val)
        for f in (0.1, 0.5)
    ]
    assert fits[0].validation_scores_ == fits[1].validation_scores_
    np.testing.assert_array_equal(fits[0].coefs_[0], fits[1].coefs_[0])


def test_the_regressor_scores_r2_on_the_given_data():
    X, y = make_regression(n_samples=150, n_features=4, noise=5, random_state=0)
    y = y / y.std()
    reg = ScratchMLPRegressor((8,), early_stopping=True, max_iter=40, random_state=0)
    reg.fit(X[:100], y[:100], X_val=X[100:], y_val=y[100:])
    assert reg.best_validation_score_ == pytest.approx(
        r2_score(y[100:], reg.predict(X[100:])), abs=1e-12
    )


def test_sample_weight_val_weighs_the_validation_samples(split):
    X, y, X_val, y_val = split
    half = len(y_val) // 2
    weights = np.r_[np.ones(half), np.zeros(len(y_val) - half)]
    weighted = _clf(max_iter=20).fit(
        X, y, X_val=X_val, y_val=y_val, sample_weight_val=weights
    )
    first_half = _clf(max_iter=20).fit(X, y, X_val=X_val[:half], y_val=y_val[:half])
    np.testing.assert_allclose(
        weighted.validation_scores_, first_half.validation_scores_, rtol=1e-12
    )
    np.testing.assert_allclose(
        weighted.validation_loss_curve_, first_half.validation_loss_curve_, rtol=1e-6
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"X_val": "X"}, "X_val is provided, but y_val was not provided."),
        ({"y_val": "y"}, "y_val is provided, but X_val was not provided."),
        ({"sample_weight_val": "w"}, "sample_weight_val is provided, but X_val"),
    ],
)
def test_one_without_the_other_is_refused(split, kwargs, message):
    X, y, X_val, y_val = split
    values = {"X": X_val, "y": y_val, "w": np.ones(len(y_val))}
    kwargs = {key: values[v] for key, v in kwargs.items()}
    with pytest.raises(ValueError, match=message):
        _clf().fit(X, y, **kwargs)


def test_refused_without_early_stopping(split):
    X, y, X_val, y_val = split
    with pytest.raises(ValueError, match="early_stopping is False"):
        _clf(early_stopping=False).fit(X, y, X_val=X_val, y_val=y_val)


def test_refused_with_a_full_batch_solver(split):
    X, y, X_val, y_val = split
    with pytest.raises(ValueError, match="solver='lbfgs'"):
        _clf(solver="lbfgs").fit(X, y, X_val=X_val, y_val=y_val)


def test_validated_as_x_and_y_are(split):
    X, y, X_val, y_val = split
    with pytest.raises(ValueError, match="X_val, y_val: X has 3 features"):
        _clf().fit(X, y, X_val=X_val[:, :3], y_val=y_val)
    with pytest.raises(ValueError, match=r"y_val has classes not in y: \[7\]"):
        _clf().fit(X, y, X_val=X_val, y_val=np.where(y_val == 1, 7, 0))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        _clf().fit(X, y, X_val=X_val, y_val=y_val[:-1])
    with pytest.raises(ValueError, match="Input X contains NaN"):
        _clf().fit(X, y, X_val=np.full_like(X_val, np.nan), y_val=y_val)
    with pytest.raises(ValueError, match="Negative values in data"):
        _clf().fit(X, y, X_val=X_val, y_val=y_val, sample_weight_val=-np.ones(100))
    reg = ScratchMLPRegressor(early_stopping=True)
    with pytest.raises(ValueError, match="y_val has 2 outputs, but y has 1"):
        reg.fit(X, y * 1.0, X_val=X_val, y_val=np.c_[y_val, y_val] * 1.0)


def test_inputs_are_never_modified(split):
    X, y, X_val, y_val = split
    X_val32 = X_val.astype(np.float32)
    copies = X_val32.copy(), y_val.copy()
    _clf(max_iter=3).fit(X, y, X_val=X_val32, y_val=y_val)
    np.testing.assert_array_equal(X_val32, copies[0])
    np.testing.assert_array_equal(y_val, copies[1])


def test_labels_that_are_strings(split):
    X, y, X_val, y_val = split
    names = np.array(["no", "yes"])
    clf = _clf(max_iter=10).fit(X, names[y], X_val=X_val, y_val=names[y_val])
    assert clf.best_validation_score_ == accuracy_score(
        names[y_val], clf.predict(X_val)
    )


# ------------------------------------------------------------------ scoring


def test_scoring_loss_records_the_negated_validation_loss(split):
    X, y, X_val, y_val = split
    clf = _clf(scoring="loss", max_iter=30).fit(X, y, X_val=X_val, y_val=y_val)
    np.testing.assert_array_equal(
        clf.validation_scores_, -np.array(clf.validation_loss_curve_)
    )
    best = int(np.argmax(clf.validation_scores_))
    assert clf.best_validation_score_ == clf.validation_scores_[best]


def test_scoring_loss_with_the_split_of_validation_fraction(split):
    X, y, _, _ = split
    clf = _clf(scoring="loss", max_iter=30).fit(X, y)
    assert clf.validation_scores_ == [-v for v in clf.validation_loss_curve_]


def test_a_scorer_name_is_what_early_stopping_watches(split):
    X, y, X_val, y_val = split
    clf = _clf(scoring="f1", max_iter=30).fit(X, y, X_val=X_val, y_val=y_val)
    assert clf.best_validation_score_ == f1_score(y_val, clf.predict(X_val))


def test_a_callable_scorer_gets_the_estimator_and_the_validation_data(split):
    X, y, X_val, y_val = split
    seen = []

    def scorer(estimator, X_seen, y_seen):
        seen.append((X_seen.shape, y_seen.shape))
        return -np.mean(estimator.predict_proba(X_seen)[:, 1])

    clf = _clf(scoring=scorer, max_iter=6).fit(X, y, X_val=X_val, y_val=y_val)
    assert seen == [(X_val.shape, y_val.shape)] * clf.n_iter_
    assert clf.best_validation_score_ == pytest.approx(
        -np.mean(clf.predict_proba(X_val)[:, 1]), rel=1e-12
    )


def test_an_unknown_scorer_name_is_refused(split):
    X, y, X_val, y_val = split
    with pytest.raises(ValueError, match="'nope' is not a valid scoring value"):
        _clf(scoring="nope").fit(X, y, X_val=X_val, y_val=y_val)


def test_scoring_is_ignored_without_early_stopping(split):
    X, y, _, _ = split
    fits = [
        _clf(early_stopping=False, scoring=s, max_iter=20).fit(X, y)
        for s in (None, "loss")
    ]
    assert fits[0].loss_curve_ == fits[1].loss_curve_
    assert fits[1].validation_scores_ is None


# ----------------------------------------------------------- partial_fit


def test_partial_fit_takes_no_validation_data(split):
    X, y, X_val, y_val = split
    # one epoch per call, and no early stopping: score between calls instead
    clf = ScratchMLPClassifier((5,))
    with pytest.raises(TypeError, match="X_val"):
        clf.partial_fit(X, y, classes=[0, 1], X_val=X_val, y_val=y_val)


def test_warm_start_goes_on_with_new_validation_data(split):
    X, y, X_val, y_val = split
    clf = _clf(max_iter=5, warm_start=True, n_iter_no_change=1000)
    clf.fit(X, y, X_val=X_val, y_val=y_val)
    clf.fit(X, y, X_val=X_val[:50], y_val=y_val[:50])
    assert len(clf.validation_scores_) == 10


# ------------------------------------------------------- metadata routing


@pytest.fixture
def routing():
    with sklearn.config_context(enable_metadata_routing=True):
        yield


def _unscaled(split):
    # far from standardised: a network that saw X_val unscaled would score
    # it near chance
    X, y, X_val, y_val = split
    return X * 100 + 50, y, X_val * 100 + 50, y_val


def test_pipeline_transforms_x_val_before_the_network(routing, split):
    X, y, X_val, y_val = _unscaled(split)
    net = _clf(max_iter=40).set_fit_request(X_val=True, y_val=True)
    pipe = Pipeline(
        [("scale", StandardScaler()), ("net", net)], transform_input=["X_val"]
    )
    pipe.fit(X, y, X_val=X_val, y_val=y_val)
    # the network scored X_val as the pipeline predicts it: scaled
    assert pipe[-1].best_validation_score_ == accuracy_score(y_val, pipe.predict(X_val))
    # and not as given: unscaled, the network's sigmoids saturate
    unscaled = accuracy_score(y_val, pipe[-1].predict(X_val))
    assert pipe[-1].best_validation_score_ > unscaled + 0.1


def test_grid_search_passes_the_validation_data_to_every_fit(routing, split):
    X, y, X_val, y_val = _unscaled(split)
    # (X_val has another number of rows than X: the search does not cut it
    # into folds as it cuts sample-aligned parameters)
    net = _clf(max_iter=30).set_fit_request(
        X_val=True, y_val=True, sample_weight_val=True
    )
    pipe = Pipeline(
        [("scale", StandardScaler()), ("net", net)], transform_input=["X_val"]
    )
    search = GridSearchCV(pipe, {"net__alpha": [1e-4, 1e-1]}, cv=3)
    search.fit(X, y, X_val=X_val, y_val=y_val, sample_weight_val=np.ones(len(y_val)))
    best = search.best_estimator_
    assert best[-1].best_validation_score_ == accuracy_score(y_val, best.predict(X_val))


def test_without_a_request_the_pipeline_refuses_x_val(routing, split):
    X, y, X_val, y_val = split
    pipe = Pipeline([("scale", StandardScaler()), ("net", _clf())])
    with pytest.raises(sklearn.exceptions.UnsetMetadataPassedError):
        pipe.fit(X, y, X_val=X_val, y_val=y_val)


def test_torch_tensors_with_a_scorer_as_numpy(split):
    torch = pytest.importorskip("torch")
    X, y, X_val, y_val = split
    expected = _clf(scoring="f1", max_iter=10).fit(X, y, X_val=X_val, y_val=y_val)
    tensors = [torch.asarray(a) for a in (X, y, X_val, y_val)]
    with sklearn.config_context(array_api_dispatch=True):
        fitted = _clf(scoring="f1", max_iter=10).fit(
            tensors[0],
            tensors[1],
            X_val=tensors[2],
            y_val=tensors[3],
            sample_weight_val=torch.ones(len(y_val), dtype=torch.float64),
        )
    np.testing.assert_allclose(
        fitted.validation_scores_, expected.validation_scores_, rtol=1e-12
    )


@pytest.mark.parametrize(
    "scoring, label",
    [
        (None, "Validation accuracy"),
        ("loss", "Validation -loss"),
        ("f1", "Validation f1"),
    ],
)
def test_the_loss_curve_display_names_the_score(split, scoring, label):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from sknn_scratch.plot import LossCurveDisplay

    X, y, X_val, y_val = split
    clf = _clf(scoring=scoring, max_iter=3).fit(X, y, X_val=X_val, y_val=y_val)
    display = LossCurveDisplay.from_estimator(clf)
    assert display.score_ax_.get_ylabel() == label
