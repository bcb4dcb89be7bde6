"""ScratchMLPClassifier: parameters, attributes, outputs, training and errors.

Where MLPClassifier has the same concept, the test fits both and compares.
"""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_digits, load_iris, make_classification, make_moons
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from sknn_scratch import ScratchMLPClassifier


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def output_sums(clf, X):
    """The output layer's weighted sums, computed here from coefs_ and intercepts_."""
    A = np.asarray(X, dtype=float)
    for W, b in zip(clf.coefs_[:-1], clf.intercepts_[:-1]):
        A = sigmoid(A @ W + b)
    return A @ clf.coefs_[-1] + clf.intercepts_[-1]


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def binary(iris):
    X, y = iris
    return X, (y == 2).astype(int)


def quiet(fit, *args, **kwargs):
    """Call ``fit``, ignoring the ConvergenceWarning of a short max_iter."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return fit(*args, **kwargs)


def error_of(call):
    """The exception ``call()`` raises (the test fails if it raises none)."""
    with pytest.raises(Exception) as info:
        call()
    return info.value


# --- Parameters


def test_defaults_are_the_articles_method(binary):
    params = ScratchMLPClassifier().get_params()
    assert params["activation"] == "sigmoid"
    assert params["loss"] == "squared_error"
    assert params["solver"] == "sgd"
    # None: the solver's own rate; plain SGD on the default mini-batches
    # starts at 1.0 and the adaptive schedule divides it on each plateau
    assert params["learning_rate_init"] is None
    X, y = binary
    clf = quiet(ScratchMLPClassifier((2,), max_iter=1).fit, X, y)
    assert clf.learning_rate_init_ == 1.0
    assert params["momentum"] == 0
    assert params["learning_rate"] == "adaptive"


def test_shared_parameter_names_match_mlpclassifier():
    ours = set(ScratchMLPClassifier().get_params())
    theirs = set(MLPClassifier().get_params())
    assert theirs <= ours


def test_logistic_is_an_alias_of_sigmoid(binary):
    X, y = binary
    fits = [
        quiet(ScratchMLPClassifier(activation=a, max_iter=5, random_state=0).fit, X, y)
        for a in ("sigmoid", "logistic")
    ]
    for a, b in zip(fits[0].coefs_, fits[1].coefs_):
        np.testing.assert_array_equal(a, b)
    assert fits[0].out_activation_ == fits[1].out_activation_ == "logistic"


@pytest.mark.parametrize(
    "sizes, expected",
    [(5, [5]), ((5,), [5]), ([4, 3], [4, 3]), ((), []), (np.array([6]), [6])],
)
def test_hidden_layer_sizes_int_tuple_or_empty(binary, sizes, expected):
    X, y = binary
    clf = quiet(ScratchMLPClassifier(hidden_layer_sizes=sizes, max_iter=2).fit, X, y)
    units = [X.shape[1], *expected, 1]
    assert [W.shape for W in clf.coefs_] == list(zip(units[:-1], units[1:]))
    assert [b.shape for b in clf.intercepts_] == [(n,) for n in units[1:]]
    assert clf.n_layers_ == len(units)
    # the parameter is kept as given
    assert clf.hidden_layer_sizes is sizes


def test_n_iter_no_change_inf_never_stops_on_the_loss(binary):
    X, y = binary
    # tol=10: every epoch counts as "no improvement"
    params = dict(
        hidden_layer_sizes=(3,),
        max_iter=30,
        tol=10.0,
        learning_rate="constant",
        random_state=0,
    )
    stops = {}
    for Estimator in (ScratchMLPClassifier, MLPClassifier):
        clf = Estimator(**params, solver="sgd", n_iter_no_change=2)
        stops[Estimator] = clf.fit(X, y).n_iter_

    assert stops[ScratchMLPClassifier] == stops[MLPClassifier] < 30
    with pytest.warns(ConvergenceWarning):
        clf = ScratchMLPClassifier(**params, n_iter_no_change=np.inf).fit(X, y)
    assert clf.n_iter_ == 30


# --- Fitted attributes, compared with MLPClassifier's


@pytest.mark.parametrize("n_classes", [2, 3])
def test_fitted_attributes_have_mlpclassifier_meaning(iris, n_classes):
    X, y = iris
    y = y if n_classes == 3 else (y == 2).astype(int)
    params = dict(hidden_layer_sizes=(4, 3), max_iter=3, random_state=0)
    ours = quiet(ScratchMLPClassifier(**params, loss="log_loss").fit, X, y)
    theirs = quiet(MLPClassifier(**params, solver="sgd").fit, X, y)

    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    assert [W.shape for W in ours.coefs_] == [W.shape for W in theirs.coefs_]
    assert [b.shape for b in ours.intercepts_] == [b.shape for b in theirs.intercepts_]
    for name in ("n_features_in_", "n_layers_", "n_outputs_", "n_iter_", "t_"):
        assert getattr(ours, name) == getattr(theirs, name), name
    assert ours.out_activation_ == theirs.out_activation_
    assert len(ours.loss_curve_) == len(theirs.loss_curve_) == ours.n_iter_
    assert ours.loss_ == ours.loss_curve_[-1]
    assert ours.best_loss_ == min(ours.loss_curve_)
    assert isinstance(ours.loss_, float)
    assert not hasattr(ours, "feature_names_in_")


def test_n_iter_counts_each_fit_call_and_t_counts_samples(binary):
    X, y = binary
    params = dict(hidden_layer_sizes=(3,), max_iter=4, warm_start=True, random_state=0)
    history = {}
    for Estimator in (ScratchMLPClassifier, MLPClassifier):
        clf = Estimator(**params, solver="sgd", n_iter_no_change=100)
        steps = []
        quiet(clf.fit, X, y)
        steps.append((clf.n_iter_, clf.t_, len(clf.loss_curve_)))
        quiet(clf.fit, X, y)
        steps.append((clf.n_iter_, clf.t_, len(clf.loss_curve_)))
        clf.partial_fit(X, y)
        steps.append((clf.n_iter_, clf.t_, len(clf.loss_curve_)))
        history[Estimator] = steps

    n = X.shape[0]
    assert history[ScratchMLPClassifier] == [
        (4, 4 * n, 4),
        (4, 8 * n, 8),
        (1, 9 * n, 9),
    ]
    assert history[ScratchMLPClassifier] == history[MLPClassifier]


def test_feature_names_in_from_a_dataframe(iris):
    X, y = iris
    columns = ["sepal length", "sepal width", "petal length", "petal width"]
    df = pd.DataFrame(X, columns=columns)
    clf = quiet(ScratchMLPClassifier(hidden_layer_sizes=(3,), max_iter=2).fit, df, y)

    np.testing.assert_array_equal(clf.feature_names_in_, columns)
    assert clf.n_features_in_ == 4
    with pytest.warns(UserWarning, match="feature names"):
        clf.predict(X)


# --- Outputs


def test_binary_has_one_output_neuron_and_proba_is_its_value(binary):
    X, y = binary
    clf = ScratchMLPClassifier(hidden_layer_sizes=(5,), max_iter=20, random_state=0)
    quiet(clf.fit, X, y)

    assert clf.n_outputs_ == 1
    assert clf.coefs_[-1].shape == (5, 1)
    assert clf.out_activation_ == "logistic"
    proba = clf.predict_proba(X)
    o1 = sigmoid(output_sums(clf, X))[:, 0]
    np.testing.assert_allclose(proba[:, 1], o1, rtol=1e-12)
    np.testing.assert_allclose(proba[:, 0], 1 - o1, rtol=1e-12)


def test_multiclass_squared_error_sigmoid_per_class_normalised(iris):
    X, y = iris
    clf = quiet(ScratchMLPClassifier(hidden_layer_sizes=(5,), max_iter=20).fit, X, y)

    assert clf.n_outputs_ == 3
    assert clf.out_activation_ == "logistic"
    proba = clf.predict_proba(X)
    outputs = sigmoid(output_sums(clf, X))
    np.testing.assert_allclose(proba, outputs / outputs.sum(axis=1, keepdims=True))
    np.testing.assert_allclose(proba.sum(axis=1), 1)


def test_multiclass_log_loss_is_softmax(iris):
    X, y = iris
    clf = ScratchMLPClassifier(hidden_layer_sizes=(5,), max_iter=20, loss="log_loss")
    quiet(clf.fit, X, y)

    assert clf.out_activation_ == "softmax"
    np.testing.assert_allclose(clf.predict_proba(X), softmax(output_sums(clf, X)))


@pytest.mark.parametrize("loss", ["squared_error", "log_loss"])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_predict_log_proba_and_score_agree_with_proba(iris, loss, n_classes):
    X, y = iris
    y = y if n_classes == 3 else (y == 2).astype(int)
    clf = ScratchMLPClassifier(hidden_layer_sizes=(5,), max_iter=50, loss=loss)
    quiet(clf.fit, X, y)

    proba = clf.predict_proba(X)
    log_proba = clf.predict_log_proba(X)
    assert proba.shape == log_proba.shape == (X.shape[0], n_classes)
    positive = proba > 0
    np.testing.assert_allclose(log_proba[positive], np.log(proba[positive]))
    assert not np.isnan(log_proba).any()
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])
    assert clf.score(X, y) == accuracy_score(y, clf.predict(X))


def test_binary_probabilities_keep_the_tails_their_logs_keep(iris):
    # scikit-learn's check_classifiers_train wants predict_log_proba to be
    # log(predict_proba), infinities where zeros are: 1 - sigmoid(z) rounded
    # to exactly 0 from z = 37 on, where predict_log_proba gave -z
    X, y = iris
    clf = quiet(ScratchMLPClassifier((5,), max_iter=50, random_state=0).fit, X, y == 2)
    # a confident network: its output sums twentyfold (not beyond 745, where
    # sigmoid(z) itself underflows)
    clf.coefs_ = [*clf.coefs_[:-1], clf.coefs_[-1] * 20]
    clf.intercepts_ = [*clf.intercepts_[:-1], clf.intercepts_[-1] * 20]
    z = output_sums(clf, X)[:, 0]
    assert z.max() > 40 and z.min() < -40 and np.abs(z).max() < 700

    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba, np.column_stack([sigmoid(-z), sigmoid(z)]))
    assert (proba > 0).all()
    # (log 1 is 0 where log_proba keeps -1e-67)
    np.testing.assert_allclose(clf.predict_log_proba(X), np.log(proba), atol=1e-15)
    np.testing.assert_allclose(proba.sum(axis=1), 1)


@pytest.mark.parametrize(
    "labels",
    [
        np.array(["setosa", "versicolor", "virginica"]),
        np.array([3, -1, 10]),
        np.array([True, False, False]),
        np.array(["yes", "no", "no"], dtype=object),
    ],
    ids=["str", "int", "bool", "object"],
)
def test_labels_of_any_type(iris, labels):
    X, y = iris
    y_labels = labels[y]
    clf = ScratchMLPClassifier(
        hidden_layer_sizes=(5,), batch_size=16, max_iter=50, random_state=0
    )
    quiet(clf.fit, X, y_labels)
    reference = quiet(MLPClassifier(max_iter=5).fit, X, y_labels)

    np.testing.assert_array_equal(clf.classes_, reference.classes_)
    predicted = clf.predict(X)
    assert predicted.dtype == reference.predict(X).dtype
    assert set(predicted) <= set(labels)
    # the labels are learnt, not just carried: well above chance
    assert clf.score(X, y_labels) > 0.8


@pytest.mark.parametrize(
    "dtype, expected",
    [(np.float32, np.float32), (np.float64, np.float64), (int, np.float64)],
)
def test_dtype_of_weights_and_probabilities_follows_the_input(binary, dtype, expected):
    X, y = binary
    X = (X * 10).astype(dtype)
    clf = quiet(ScratchMLPClassifier(hidden_layer_sizes=(3,), max_iter=3).fit, X, y)
    reference = quiet(MLPClassifier(hidden_layer_sizes=(3,), max_iter=3).fit, X, y)

    assert {W.dtype for W in clf.coefs_ + clf.intercepts_} == {np.dtype(expected)}
    assert clf.predict_proba(X).dtype == expected
    assert clf.coefs_[0].dtype == reference.coefs_[0].dtype
    assert clf.predict_proba(X).dtype == reference.predict_proba(X).dtype


# --- Continuing training


@pytest.mark.parametrize("shuffle", [True, False])
def test_fit_epochs_equal_partial_fit_calls(iris, shuffle):
    X, y = iris
    params = dict(
        hidden_layer_sizes=(5,),
        max_iter=8,
        tol=0,
        batch_size=32,
        shuffle=shuffle,
        random_state=0,
    )
    with pytest.warns(ConvergenceWarning, match="Maximum iterations"):
        fitted = ScratchMLPClassifier(**params).fit(X, y)
    partial = ScratchMLPClassifier(**params)
    partial.partial_fit(X, y, classes=np.unique(y))
    for _ in range(7):
        partial.partial_fit(X, y)

    for a, b in zip(
        fitted.coefs_ + fitted.intercepts_, partial.coefs_ + partial.intercepts_
    ):
        np.testing.assert_array_equal(a, b)
    assert fitted.loss_curve_ == partial.loss_curve_
    assert fitted.t_ == partial.t_


def test_partial_fit_needs_classes_first_and_accepts_a_subset_after(iris):
    X, y = iris
    clf = ScratchMLPClassifier(hidden_layer_sizes=(3,))
    reference = MLPClassifier(hidden_layer_sizes=(3,))
    for estimator in (clf, reference):
        message = str(error_of(lambda e=estimator: e.partial_fit(X, y)))
        assert "classes must be passed on the first call to partial_fit" in message
    clf.partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2])
    clf.partial_fit(X[y == 2], y[y == 2])
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.predict_proba(X).shape == (X.shape[0], 3)


def test_partial_fit_with_an_unseen_label_raises_mlpclassifiers_error(iris):
    X, y = iris
    errors = []
    for Estimator in (ScratchMLPClassifier, MLPClassifier):
        clf = Estimator(hidden_layer_sizes=(3,))
        clf.partial_fit(X[y < 2], y[y < 2], classes=[0, 1])
        errors.append(error_of(lambda c=clf: c.partial_fit(X, y)))
    assert type(errors[0]) is type(errors[1]) is ValueError
    assert str(errors[0]) == str(errors[1])


def test_warm_start_with_other_classes_raises_mlpclassifiers_error(iris):
    X, y = iris
    errors = []
    for Estimator in (ScratchMLPClassifier, MLPClassifier):
        clf = quiet(Estimator(max_iter=2, warm_start=True).fit, X, y)
        errors.append(error_of(lambda c=clf: c.fit(X[y < 2], y[y < 2])))
    assert type(errors[0]) is type(errors[1]) is ValueError
    assert str(errors[0]) == str(errors[1])


def one_step_from_zero_weights(X, y, learning_rate):
    """One full-batch SGD step of a network without hidden layer, by hand.

    With W = 0 and b = 0 every output is sigmoid(0) = 1/2, so
    dL/dZ = -2 (y - 1/2) * 1/2 * (1 - 1/2), averaged over the samples.
    """
    delta = -2 * (y - 0.5) * 0.25 / len(y)
    return -learning_rate * (X.T @ delta), -learning_rate * delta.sum()


@pytest.mark.parametrize("how", ["partial_fit", "warm_start"])
def test_assigned_weights_are_used_and_training_continues_from_them(binary, how):
    X, y = binary
    clf = ScratchMLPClassifier(
        hidden_layer_sizes=(),
        alpha=0.0,
        batch_size=X.shape[0],
        shuffle=False,
        max_iter=1,
        warm_start=how == "warm_start",
        random_state=0,
    )
    quiet(clf.fit, X, y)
    W, b = np.zeros((X.shape[1], 1)), np.zeros(1)
    clf.coefs_, clf.intercepts_ = [W], [b]

    # the assigned weights decide the predictions: every output is 1/2
    np.testing.assert_array_equal(clf.predict_proba(X), 0.5)

    if how == "partial_fit":
        clf.partial_fit(X, y)
    else:
        quiet(clf.fit, X, y)

    step_W, step_b = one_step_from_zero_weights(X, y, learning_rate=0.1)
    np.testing.assert_allclose(clf.coefs_[0][:, 0], step_W, rtol=1e-12)
    np.testing.assert_allclose(clf.intercepts_[0], [step_b], rtol=1e-12)
    # the user's arrays are not changed in place
    np.testing.assert_array_equal(W, 0)
    np.testing.assert_array_equal(b, 0)


def test_convergence_warning_at_max_iter_is_mlpclassifiers(binary):
    X, y = binary
    messages = []
    for Estimator in (ScratchMLPClassifier, MLPClassifier):
        clf = Estimator(hidden_layer_sizes=(3,), solver="sgd", max_iter=3, tol=0)
        with pytest.warns(ConvergenceWarning) as record:
            clf.fit(X, y)
        messages.append([str(w.message) for w in record])
    assert messages[0] == messages[1]
    assert "Maximum iterations (3) reached" in messages[0][0]


# --- Errors


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_x_is_rejected_like_mlpclassifier(binary, bad):
    X, y = binary
    X_bad = X.copy()
    X_bad[3, 1] = bad
    messages = {}
    for Estimator in (ScratchMLPClassifier, MLPClassifier):
        fit_error = error_of(lambda E=Estimator: E(max_iter=2).fit(X_bad, y))
        fitted = quiet(Estimator(max_iter=2).fit, X, y)
        predict_error = error_of(lambda c=fitted: c.predict(X_bad))
        for error in (fit_error, predict_error):
            assert type(error) is ValueError
            assert re.match("Input X contains (NaN|infinity)", str(error))
        messages[Estimator] = [
            str(e).replace(Estimator.__name__, "{}") for e in (fit_error, predict_error)
        ]
    assert messages[ScratchMLPClassifier] == messages[MLPClassifier]


def test_wrong_number_of_features_at_predict(binary):
    X, y = binary
    messages = []
    for Estimator in (ScratchMLPClassifier, MLPClassifier):
        clf = quiet(Estimator(max_iter=2).fit, X, y)
        error = error_of(lambda c=clf: c.predict_proba(X[:, :3]))
        assert type(error) is ValueError
        messages.append(str(error).replace(Estimator.__name__, "{}"))
    assert messages[0] == messages[1]
    assert "X has 3 features" in messages[0]


@pytest.mark.parametrize("label", [0, "a"])
def test_a_single_class_is_a_clear_error(binary, label):
    X, _ = binary
    y = np.full(X.shape[0], label)
    with pytest.raises(ValueError, match="only one class"):
        ScratchMLPClassifier().fit(X, y)
    with pytest.raises(ValueError, match="only one class"):
        ScratchMLPClassifier().partial_fit(X, y, classes=[label])


@pytest.mark.parametrize(
    "method", ["predict", "predict_proba", "predict_log_proba", "score"]
)
def test_predict_before_fit_is_not_fitted_error(binary, method):
    X, y = binary
    args = (X, y) if method == "score" else (X,)
    with pytest.raises(NotFittedError, match="is not fitted yet"):
        getattr(ScratchMLPClassifier(), method)(*args)


@pytest.mark.parametrize(
    "params",
    [
        {"hidden_layer_sizes": 0},
        {"hidden_layer_sizes": -3},
        {"learning_rate_init": 0},
        {"learning_rate_init": -0.1},
        {"max_iter": 0},
        {"alpha": -1.0},
        {"batch_size": 0},
        {"momentum": 1.5},
        {"tol": -1.0},
        {"n_iter_no_change": 0},
        {"validation_fraction": 1.0},
        {"shuffle": "yes"},
    ],
)
def test_invalid_hyperparameters_raise_like_mlpclassifier(binary, params):
    X, y = binary
    ours = error_of(lambda: ScratchMLPClassifier(**params).fit(X, y))
    theirs = error_of(lambda: MLPClassifier(**params).fit(X, y))
    assert isinstance(ours, InvalidParameterError)
    assert type(ours) is type(theirs)
    name = next(iter(params))
    expected = str(theirs).replace("MLPClassifier", "ScratchMLPClassifier")
    if name == "batch_size":
        # None is one more accepted value here: min(32, n_samples)
        expected = expected.replace("must be a str", "must be None, a str")
    if name == "learning_rate_init":
        # None is one more accepted value here: the solver's own rate
        expected = expected.replace("(0.0, inf)", "(0.0, inf) or None")
    assert str(ours) == expected
    assert f"'{name}'" in str(ours)


@pytest.mark.parametrize("sizes", [(0,), (5, -1), [3, 0]])
def test_zero_or_negative_layer_sizes_in_a_tuple(binary, sizes):
    X, y = binary
    ours = error_of(lambda: ScratchMLPClassifier(hidden_layer_sizes=sizes).fit(X, y))
    theirs = error_of(lambda: MLPClassifier(hidden_layer_sizes=sizes).fit(X, y))
    assert isinstance(ours, ValueError)
    assert str(ours) == str(theirs)


@pytest.mark.parametrize(
    "param, valid",
    [
        ("activation", ["sigmoid", "logistic", "tanh", "relu", "identity"]),
        ("loss", ["squared_error", "log_loss"]),
        ("solver", ["sgd"]),
        ("learning_rate", ["constant"]),
    ],
)
def test_unknown_component_name_lists_the_valid_names(binary, param, valid):
    X, y = binary
    with pytest.raises(InvalidParameterError) as info:
        ScratchMLPClassifier(**{param: "no_such_thing"}).fit(X, y)
    message = str(info.value)
    assert "'no_such_thing'" in message
    for name in valid:
        assert f"'{name}'" in message
    # no blank where the methods an object needs should be named
    assert "with  methods" not in message


# --- Numerical robustness


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"loss": "log_loss"},
        {"activation": "tanh"},
        {"activation": "relu"},
        {"hidden_layer_sizes": ()},
    ],
)
@pytest.mark.parametrize("n_classes", [2, 3])
def test_huge_inputs_train_and_predict_without_runtime_warning(iris, params, n_classes):
    X, y = iris
    y = y if n_classes == 3 else (y == 2).astype(int)
    X_huge = X * 1e150
    clf = ScratchMLPClassifier(**{"hidden_layer_sizes": (5,), **params}, max_iter=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X_huge, y)
        proba = clf.predict_proba(X_huge)
        log_proba = clf.predict_log_proba(X_huge)
        clf.predict(X_huge)

    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1)
    assert not np.isnan(log_proba).any()
    assert all(np.isfinite(W).all() for W in clf.coefs_ + clf.intercepts_)


# a rate that diverges on iris times 10; with full batches the end of the
# last finite epoch overflows (its forward pass gives NaN probabilities)
DIVERGING = dict(
    activation="identity",
    hidden_layer_sizes=(10, 10),
    learning_rate_init=1e6,
    batch_size="auto",
    random_state=0,
)


def test_diverging_learning_rate_raises_and_leaves_a_finite_model(iris):
    X, y = iris
    X = X * 10
    params = dict(DIVERGING, max_iter=20)
    with pytest.raises(ValueError) as ours:
        ScratchMLPClassifier(**params, loss="log_loss").fit(X, y)
    with pytest.raises(ValueError) as theirs, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # MLPClassifier overflows on its way
        MLPClassifier(**params, solver="sgd").fit(X, y)
    start = "Solver produced non-finite parameter weights"
    assert str(ours.value).startswith(start)
    assert str(theirs.value).startswith(start)

    clf = ScratchMLPClassifier(**params, loss="log_loss")
    with pytest.raises(ValueError, match=start):
        clf.fit(X, y)
    assert all(np.isfinite(W).all() for W in clf.coefs_ + clf.intercepts_)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        proba = clf.predict_proba(X)
    assert not np.isnan(proba).any()


def _weights(estimator):
    return [W.copy() for W in estimator.coefs_ + estimator.intercepts_]


def test_divergence_goes_back_to_the_newest_weights_with_finite_outputs(iris):
    """The last finite epoch's weights can overflow: then an earlier epoch's stay."""
    X, y = iris
    X = X * 10
    params = dict(DIVERGING, loss="log_loss", shuffle=False)
    # the same epochs, one partial_fit each: the call whose weights overflow
    # raises and keeps the weights it started from
    stream, epochs = ScratchMLPClassifier(**params), []
    with pytest.raises(ValueError, match="outputs overflow on the training data"):
        for _ in range(20):
            stream.partial_fit(X, y, classes=np.unique(y))
            epochs.append(_weights(stream))
    for kept, good in zip(_weights(stream), epochs[-1]):
        np.testing.assert_array_equal(kept, good)

    clf = ScratchMLPClassifier(**params, max_iter=20)
    with pytest.raises(ValueError, match="diverged"):
        clf.fit(X, y)
    # the loss of the epoch after the overflowing one was not finite; fit went
    # back past the overflowing weights, which partial_fit refused too
    assert not np.isfinite(clf.loss_curve_[-1])
    assert np.isfinite(clf.loss_curve_[:-1]).all()
    assert clf.n_iter_ == len(epochs) + 2
    for kept, good in zip(_weights(clf), epochs[-1]):
        np.testing.assert_array_equal(kept, good)
    for estimator in (stream, clf):
        assert np.isfinite(estimator.predict_proba(X)).all()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_inputs_are_never_modified(iris, dtype):
    X, y = iris
    X = np.asfortranarray(X.astype(dtype))
    y = np.array(["a", "b", "c"])[y]
    sample_weight = np.linspace(0.5, 2, X.shape[0])
    X_copy, y_copy, sw_copy = X.copy(), y.copy(), sample_weight.copy()

    clf = ScratchMLPClassifier(hidden_layer_sizes=(4,), max_iter=3, random_state=0)
    quiet(clf.fit, X, y, sample_weight=sample_weight)
    clf.partial_fit(X, y, sample_weight=sample_weight)
    clf.predict(X)
    clf.predict_proba(X)
    clf.predict_log_proba(X)
    clf.score(X, y, sample_weight=sample_weight)

    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)
    np.testing.assert_array_equal(sample_weight, sw_copy)


# --- The defaults must learn, not stop at chance


def accuracies(Estimator, X, y, random_state=0):
    """Training and test accuracy of ``Estimator()`` in a StandardScaler pipeline."""
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, stratify=y, random_state=random_state
    )
    pipe = make_pipeline(StandardScaler(), Estimator(random_state=random_state))
    quiet(pipe.fit, X_train, y_train)
    return pipe.score(X_train, y_train), pipe.score(X_test, y_test)


DATASETS = {
    "digits": lambda: load_digits(return_X_y=True),
    "iris": lambda: load_iris(return_X_y=True),
    "moons": lambda: make_moons(n_samples=300, noise=0.2, random_state=0),
    "classification": lambda: make_classification(random_state=0),
    "classification_small": lambda: make_classification(
        n_samples=120, n_features=6, n_informative=4, random_state=0
    ),
}


@pytest.mark.parametrize(
    "name",
    [
        "digits",
        "iris",
        "moons",
        "classification",
        "classification_small",
    ],
)
def test_default_classifier_learns_like_mlpclassifier(name):
    X, y = DATASETS[name]()
    ours_train, ours_test = accuracies(ScratchMLPClassifier, X, y)
    theirs_train, theirs_test = accuracies(MLPClassifier, X, y)
    chance = np.bincount(y).max() / len(y)

    # training did not stop on the first plateau of sigmoid + squared error:
    # it learnt at least half as much above chance as MLPClassifier's defaults
    assert ours_train - chance >= 0.5 * (theirs_train - chance)
    # and it generalises about as well (the test sets are small: 0.1 is a few
    # samples)
    assert ours_test >= theirs_test - 0.1


def test_probabilities_of_underflowing_sigmoid_outputs_are_normalised_in_log_space(
    iris,
):
    """Every output sigmoid underflows to 0: the rows still sum to 1, as a softmax."""
    X, y = iris
    clf = quiet(ScratchMLPClassifier((4,), max_iter=2, random_state=0).fit, X, y)
    normal = clf.predict_proba(X[:5])
    clf.intercepts_[-1] = clf.intercepts_[-1] - 1000.0
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        proba = clf.predict_proba(X)
    Z = 1 / (1 + np.exp(-(X @ clf.coefs_[0] + clf.intercepts_[0])))
    Z = Z @ clf.coefs_[1] + clf.intercepts_[1]
    # log(sigmoid(z)) = z - log(1 + e^z), which is z itself at z < -900
    expected = np.exp(Z - Z.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(proba, expected, rtol=1e-12)
    assert not np.allclose(proba[:5], normal)


def test_partial_fit_refuses_multiclass_multioutput_targets_by_name():
    X = np.random.RandomState(0).normal(size=(30, 2))
    y3 = np.arange(30) % 3
    clf = ScratchMLPClassifier((3,))
    with pytest.raises(ValueError, match="Unknown label type: 'multiclass-multi"):
        clf.partial_fit(X, np.column_stack([y3, y3 + 5]), classes=np.arange(8))
    assert not hasattr(clf, "coefs_")
