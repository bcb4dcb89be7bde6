"""Property-based tests: whatever valid-looking input, a sane outcome.

Hypothesis draws data (1 to 25 rows, 1 to 5 features, float32/float64,
integer or boolean columns, sometimes NaN or infinity), targets (integer,
string and boolean labels, one class, many classes, multilabel, continuous
values), sample weights (zeros included) and hyperparameters from their valid
ranges, every built-in component name included. Each example must either fit
and then predict valid output, or raise ``ValueError``/``TypeError`` with a
message; never another exception, never a NaN, never a changed input, and
no ``RuntimeWarning`` (overflow, invalid value) escapes.

The default profile (see ``tests/conftest.py``) runs a fixed, reproducible
number of examples. For a long search with fresh examples::

    HYPOTHESIS_PROFILE=thorough pytest tests/test_properties.py

and add ``--hypothesis-show-statistics`` to see how the examples ended
(which errors, how many fits).
"""

import copy
import re
import warnings

import numpy as np
from hypothesis import event, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning

from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor, TrivialModelWarning
from sknn_scratch.activations import ACTIVATIONS
from sknn_scratch.initializers import INITIALIZERS
from sknn_scratch.losses import LOSSES
from sknn_scratch.optimizers import OPTIMIZERS
from sknn_scratch.schedules import SCHEDULES

BUILT_IN = {
    "activation": ACTIVATIONS.names(),
    "loss": LOSSES.names(),
    "solver": OPTIMIZERS.names(),
    "learning_rate": SCHEDULES.names(),
    "weight_init": INITIALIZERS.names(),
}

# ----------------------------------------------------------------- data


@st.composite
def feature_matrices(draw, n_samples):
    n_features = draw(st.integers(1, 5))
    kind = draw(st.sampled_from(["float64", "float32", "int64", "int8", "bool"]))
    shape = (n_samples, n_features)
    if kind == "bool":
        return draw(hnp.arrays(np.bool_, shape))
    if kind.startswith("int"):
        info = np.iinfo(kind)
        return draw(hnp.arrays(kind, shape, elements=st.integers(info.min, info.max)))
    width = 32 if kind == "float32" else 64
    non_finite = draw(st.booleans()) and draw(st.booleans())  # a quarter
    elements = st.floats(
        -1e4, 1e4, width=width, allow_nan=False, allow_infinity=False
    ) | st.sampled_from([0.0, 1.0, -1.0])
    if non_finite:
        elements = elements | st.sampled_from([np.nan, np.inf, -np.inf])
    return draw(hnp.arrays(kind, shape, elements=elements))


@st.composite
def class_labels(draw, n_samples):
    kind = draw(
        st.sampled_from(["int", "str", "bool", "one", "many", "multilabel", "real"])
    )
    if kind == "multilabel":
        n_labels = draw(st.integers(2, 4))
        return kind, draw(
            hnp.arrays(np.int64, (n_samples, n_labels), elements=st.integers(0, 1))
        )
    if kind == "real":
        # continuous targets are not labels: must be refused
        y = draw(hnp.arrays(np.float64, n_samples, elements=st.floats(-10, 10)))
        return kind, y + np.linspace(0.25, 0.75, n_samples)
    choices = {
        "int": st.integers(-3, 3),
        "str": st.sampled_from(["cat", "dog", "bird", "é", ""]),
        "bool": st.booleans(),
        "one": st.just(7),
        "many": st.integers(0, 9),
    }[kind]
    values = draw(st.lists(choices, min_size=n_samples, max_size=n_samples))
    return kind, np.array(values)


@st.composite
def regression_targets(draw, n_samples):
    n_outputs = draw(st.sampled_from([None, 1, 2, 3]))
    shape = n_samples if n_outputs is None else (n_samples, n_outputs)
    kind = draw(st.sampled_from(["float64", "float32", "int64"]))
    if kind == "int64":
        elements = st.integers(-1000, 1000)
    else:
        elements = st.floats(-1e3, 1e3, width=32 if kind == "float32" else 64)
    return kind, draw(hnp.arrays(kind, shape, elements=elements))


@st.composite
def sample_weights(draw, n_samples):
    kind = draw(st.sampled_from([None, "some zeros", "all zeros", "integers"]))
    if kind is None:
        return None
    if kind == "all zeros":
        return np.zeros(n_samples)
    if kind == "integers":
        return draw(hnp.arrays(np.int64, n_samples, elements=st.integers(0, 3)))
    return draw(
        hnp.arrays(
            np.float64, n_samples, elements=st.sampled_from([0.0, 0.5, 1.0, 7.0])
        )
    )


# ------------------------------------------------------- hyperparameters


def hyperparameters(classifier):
    params = {
        "hidden_layer_sizes": st.lists(st.integers(1, 6), max_size=2).map(tuple),
        "activation": st.sampled_from(BUILT_IN["activation"]),
        "output_activation": st.none() | st.sampled_from(BUILT_IN["activation"]),
        "loss": st.sampled_from(
            BUILT_IN["loss"] if classifier else ["squared_error", "absolute_error"]
        ),
        "solver": st.sampled_from(BUILT_IN["solver"]),
        "alpha": st.sampled_from([0.0, 1e-4, 1.0]) | st.floats(0, 10),
        "batch_size": st.just("auto") | st.integers(1, 40),
        "learning_rate": st.sampled_from(BUILT_IN["learning_rate"]),
        "learning_rate_init": st.floats(1e-5, 10.0),
        "power_t": st.floats(0, 2),
        "max_iter": st.integers(1, 5),
        "shuffle": st.booleans(),
        "random_state": st.integers(0, 2**32 - 1),
        "tol": st.floats(0, 1e-2),
        "momentum": st.floats(0, 1),
        "nesterovs_momentum": st.booleans(),
        "early_stopping": st.booleans(),
        "validation_fraction": st.floats(0, 0.9),
        "beta_1": st.floats(0, 0.99),
        "beta_2": st.floats(0, 0.9999),
        "epsilon": st.floats(1e-10, 1e-4),
        "n_iter_no_change": st.integers(1, 5),
        "max_fun": st.integers(1, 100),
        "weight_init": st.sampled_from(BUILT_IN["weight_init"]),
    }
    if classifier:
        params["class_weight"] = st.sampled_from([None, "balanced"])
    return st.fixed_dictionaries(params)


# ------------------------------------------------------------- outcomes


def _snapshot(*arrays):
    return [None if a is None else copy.deepcopy(a) for a in arrays]


def _assert_unchanged(before, after):
    for old, new in zip(before, after):
        if old is None:
            assert new is None
        else:
            assert old.dtype == new.dtype and old.shape == new.shape
            np.testing.assert_array_equal(old, new)


def _fit(estimator, X, y, sample_weight):
    """Fit; return the error message if refused with ValueError/TypeError."""
    before = _snapshot(X, y, sample_weight)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            # (a few epochs of random hyperparameters often learn nothing)
            warnings.simplefilter("ignore", TrivialModelWarning)
            # a column y, as scikit-learn's MLP warns
            warnings.simplefilter("ignore", DataConversionWarning)
            # the batch size clipping warning, as scikit-learn's
            warnings.filterwarnings("ignore", message="Got `batch_size`")
            if _usable_input(X):
                warnings.simplefilter("error", RuntimeWarning)
            else:
                # scikit-learn's finiteness check sums X (inf - inf warns)
                # before it refuses it, which the caller asserts
                warnings.simplefilter("ignore", RuntimeWarning)
            estimator.fit(X, y, sample_weight=sample_weight)
    except (ValueError, TypeError) as exc:
        message = str(exc)
        # a message that says something, not a bare "invalid value"
        assert len(message) > 20, message
        event(f"refused: {_short(message)}")
        return message
    finally:
        _assert_unchanged(before, [X, y, sample_weight])
    event("fitted")
    return None


def _short(message):
    """The message with numbers and quoted values blanked, for statistics."""
    message = re.sub(r"'[^']*'|\[[^\]]*\]|[-+]?\d[\d.e+-]*", "_", message)
    return message[:90]


def _assert_finite_weights(estimator):
    for W in estimator.coefs_ + estimator.intercepts_:
        assert np.isfinite(W).all()


def _predict(method, X):
    before = _snapshot(X)
    with warnings.catch_warnings():
        # a matmul may overflow inside a saturated layer (for extreme X)
        # while the outputs stay finite; the outputs are what is checked
        warnings.simplefilter("ignore", RuntimeWarning)
        out = method(X)
    _assert_unchanged(before, [X])
    return out


def _usable_input(X):
    return np.isfinite(np.asarray(X, dtype=np.float64)).all()


@given(data=st.data(), params=hyperparameters(classifier=True))
def test_classifier_fits_and_predicts_or_refuses_clearly(data, params):
    n_samples = data.draw(st.integers(1, 25), label="n_samples")
    X = data.draw(feature_matrices(n_samples), label="X")
    kind, y = data.draw(class_labels(n_samples), label="y")
    sample_weight = data.draw(sample_weights(n_samples), label="sample_weight")
    clf = ScratchMLPClassifier(**params)

    message = _fit(clf, X, y, sample_weight)
    if message is not None:
        if not _usable_input(X):
            assert "Input X contains" in message
        elif kind == "real":
            assert "Unknown label type" in message
        if "diverged" in message:
            # the newest weights with finite outputs were kept and predict
            _assert_finite_weights(clf)
            assert not np.isnan(_predict(clf.predict_proba, X)).any()
            assert np.isin(_predict(clf.predict, X), clf.classes_).all()
        return

    assert kind != "real"
    assert _usable_input(X)
    _assert_finite_weights(clf)
    assert len(clf.loss_curve_) == clf.n_iter_ or params["solver"] == "lbfgs"
    proba = _predict(clf.predict_proba, X)
    labels = _predict(clf.predict, X)
    assert np.isfinite(proba).all()
    assert ((proba >= 0) & (proba <= 1)).all()
    if kind == "multilabel":
        assert labels.shape == y.shape
        assert set(np.unique(labels)) <= {0, 1}
    else:
        assert proba.shape == (n_samples, len(clf.classes_))
        np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
        assert labels.shape == (n_samples,)
        assert np.isin(labels, clf.classes_).all()
        assert set(clf.classes_) == set(np.unique(y))


@given(data=st.data(), params=hyperparameters(classifier=False))
def test_regressor_fits_and_predicts_or_refuses_clearly(data, params):
    n_samples = data.draw(st.integers(1, 25), label="n_samples")
    X = data.draw(feature_matrices(n_samples), label="X")
    _, y = data.draw(regression_targets(n_samples), label="y")
    sample_weight = data.draw(sample_weights(n_samples), label="sample_weight")
    reg = ScratchMLPRegressor(**params)

    message = _fit(reg, X, y, sample_weight)
    if message is not None:
        if not _usable_input(X):
            assert "Input X contains" in message
        if "diverged" in message:
            # finite weights that still predict; on the extreme X that made
            # them diverge the outputs may overflow (the error said so)
            _assert_finite_weights(reg)
            assert _predict(reg.predict, X).shape[0] == n_samples
        return

    assert _usable_input(X)
    _assert_finite_weights(reg)
    assert len(reg.loss_curve_) == reg.n_iter_ or params["solver"] == "lbfgs"
    prediction = _predict(reg.predict, X)
    # as MLPRegressor: one output gives 1-D predictions, even for a column y
    one_output = y.ndim == 1 or y.shape[1] == 1
    assert prediction.shape == ((n_samples,) if one_output else y.shape)
    assert np.isfinite(prediction).all()
