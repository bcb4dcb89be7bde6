"""ONNX export: onnxruntime predicts what the estimators predict.

Models are fitted on float64 data, the usual case, and run on float32 input
both ways: ``predict`` and ``predict_proba`` in numpy (float64 weights), the
ONNX graph in onnxruntime (float32 weights). The labels must be equal and the
probabilities within 1e-5. The inputs include rows four times as far out as
the training data, where sigmoids and tanh saturate.
"""

import importlib
import sys

import numpy as np
import pytest

pytest.importorskip("skl2onnx", reason="ONNX export needs the onnx extra")
ort = pytest.importorskip("onnxruntime", reason="ONNX models run in onnxruntime")
from skl2onnx import convert_sklearn, to_onnx  # noqa: E402
from skl2onnx.common.data_types import FloatTensorType  # noqa: E402
from sklearn.datasets import make_classification, make_regression  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import sknn_scratch.onnx  # noqa: E402, F401  (registers the converters)
from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor  # noqa: E402
from sknn_scratch.activations import ELU, Activation, LeakyReLU, Sigmoid  # noqa: E402

# short trainings that stop at max_iter: the warning would say nothing here
pytestmark = pytest.mark.filterwarnings("ignore", category=ConvergenceWarning)

ATOL = 1e-5
ACTIVATIONS = [
    "sigmoid",
    "tanh",
    "relu",
    "identity",
    "leaky_relu",
    LeakyReLU(alpha=0.2),
    "elu",
    ELU(alpha=0.5),
    "softplus",
]


def _data(n_classes=3, seed=0):
    X, y = make_classification(
        n_samples=80,
        n_features=5,
        n_informative=3,
        n_redundant=0,
        n_classes=n_classes,
        random_state=seed,
    )
    return X, y


def _float32_inputs(X):
    return np.vstack([X, 4 * X]).astype(np.float32)


def _run(model, X, options=None):
    """The outputs of the model's ONNX graph, run by onnxruntime on ``X``."""
    onx = to_onnx(model, X, options=options)
    session = ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return session.run(None, {session.get_inputs()[0].name: X})


def _no_zipmap(model):
    final = model.steps[-1][1] if hasattr(model, "steps") else model
    return {id(final): {"zipmap": False}}


def _assert_classifier_matches(clf, X):
    labels, proba = _run(clf, X, options=_no_zipmap(clf))
    expected = clf.predict_proba(X)
    assert proba.shape == expected.shape
    np.testing.assert_allclose(proba, expected, rtol=0, atol=ATOL)
    np.testing.assert_array_equal(labels, clf.predict(X))
    return proba


def _assert_regressor_matches(reg, X):
    (y,) = _run(reg, X)
    expected = reg.predict(X).reshape(len(X), -1)
    assert y.shape == expected.shape
    np.testing.assert_allclose(y, expected, rtol=0, atol=ATOL)


# ------------------------------------------------------------ activations


@pytest.mark.parametrize("activation", ACTIVATIONS, ids=str)
def test_every_hidden_activation_in_a_classifier(activation):
    X, y = _data()
    clf = ScratchMLPClassifier(
        (6, 5), activation=activation, max_iter=30, random_state=0
    ).fit(X, y)
    proba = _assert_classifier_matches(clf, _float32_inputs(X))
    # a trained network, not a constant one: the labels vary
    assert len(np.unique(proba.argmax(axis=1))) > 1


@pytest.mark.parametrize("activation", ACTIVATIONS, ids=str)
def test_every_hidden_activation_in_a_regressor(activation):
    X, y = make_regression(n_samples=60, n_features=4, noise=1.0, random_state=0)
    reg = ScratchMLPRegressor(
        (6, 5), activation=activation, max_iter=30, random_state=0
    ).fit(X, y / 100)
    _assert_regressor_matches(reg, _float32_inputs(X))


def test_alpha_of_leaky_relu_and_elu_reaches_the_graph():
    # the same weights with another alpha predict otherwise, in numpy and ONNX
    X, y = _data()
    X32 = _float32_inputs(X)
    for activation, other in [(LeakyReLU(0.2), LeakyReLU(0.01)), (ELU(0.5), ELU())]:
        clf = ScratchMLPClassifier(
            (6,), activation=activation, max_iter=30, random_state=0
        ).fit(X, y)
        proba = _assert_classifier_matches(clf, X32)
        clf.hidden_activation_ = other
        assert np.abs(_assert_classifier_matches(clf, X32) - proba).max() > 1e-3


# ----------------------------------------------------- classifier outputs


@pytest.mark.parametrize(
    "params",
    [
        {"loss": "squared_error"},  # sigmoids, normalised by their sum
        {"loss": "log_loss"},  # softmax
        {"loss": "hinge"},  # identity, rescaled from [-1, 1]
        {"loss": "squared_hinge"},
        {"loss": "squared_error", "output_activation": "tanh"},  # clipped
        {"loss": "squared_error", "output_activation": "softmax"},
        {"loss": "log_loss", "output_activation": "sigmoid"},
    ],
    ids=lambda p: "-".join(map(str, p.values())),
)
@pytest.mark.parametrize("n_classes", [2, 3])
def test_every_output_of_a_classifier(params, n_classes):
    X, y = _data(n_classes)
    clf = ScratchMLPClassifier((6,), max_iter=30, random_state=0, **params).fit(X, y)
    _assert_classifier_matches(clf, _float32_inputs(X))


@pytest.mark.parametrize("loss", ["squared_error", "log_loss", "hinge"])
def test_multilabel(loss):
    X, y = _data()
    Y = np.column_stack([y == 0, y == 1, X[:, 0] > 0]).astype(int)
    clf = ScratchMLPClassifier((6,), loss=loss, max_iter=30, random_state=0)
    clf.fit(X, Y)
    X32 = _float32_inputs(X)
    labels, proba = _run(clf, X32, options=_no_zipmap(clf))
    np.testing.assert_allclose(proba, clf.predict_proba(X32), rtol=0, atol=ATOL)
    # an indicator matrix, as predict's
    assert labels.shape == (len(X32), 3)
    np.testing.assert_array_equal(labels, clf.predict(X32))


@pytest.mark.parametrize("shift", [-15, -100])
def test_normalised_sigmoids_that_are_all_small(shift):
    # every output sum shifted far below 0: each sigmoid is tiny (at -100,
    # 1e-44, below float32's normal range), and only their ratios are left
    X, y = _data()
    clf = ScratchMLPClassifier(
        (6,), learning_rate_init=0.1, max_iter=30, random_state=0
    ).fit(X, y)
    clf.intercepts_[-1] = clf.intercepts_[-1] + shift
    X32 = X.astype(np.float32)
    assert clf.predict_proba(X32).max() < 0.99  # not one class certain
    _assert_classifier_matches(clf, X32)


def _tied_rows(A):
    """Rows whose largest value occurs more than once."""
    return (A == A.max(axis=1, keepdims=True)).sum(axis=1) > 1


@pytest.mark.parametrize("shift", [25, 40])
def test_labels_where_the_sigmoids_saturate(shift):
    # sums above 17: the sigmoids are 1 in float32; between 17 and 37 not in
    # float64, where predict still tells the classes apart; above 37 it
    # takes the first of the tied classes
    X, y = _data()
    clf = ScratchMLPClassifier((6,), max_iter=30, random_state=0).fit(X, y)
    clf.intercepts_[-1] = clf.intercepts_[-1] + shift
    X32 = X.astype(np.float32)
    hidden = 1 / (1 + np.exp(-(X32 @ clf.coefs_[0] + clf.intercepts_[0])))
    Z = hidden @ clf.coefs_[1] + clf.intercepts_[1]
    tied_32 = _tied_rows(1 / (1 + np.exp(-Z.astype(np.float32))))
    tied_64 = _tied_rows(1 / (1 + np.exp(-Z)))
    assert (tied_32 & ~tied_64).any() if shift == 25 else tied_64.any()
    _assert_classifier_matches(clf, X32)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_string_class_labels(n_classes):
    X, y = _data(n_classes)
    names = np.array(["cat", "dog", "émeu"])[y]
    clf = ScratchMLPClassifier((6,), max_iter=30, random_state=0).fit(X, names)
    X32 = _float32_inputs(X)
    _assert_classifier_matches(clf, X32)
    # skl2onnx's default output: one {class: probability} per row
    labels, rows = _run(clf, X32)
    np.testing.assert_array_equal(labels, clf.predict(X32))
    expected = clf.predict_proba(X32)
    assert sorted(rows[0]) == sorted(clf.classes_)
    got = np.array([[row[c] for c in clf.classes_] for row in rows])
    np.testing.assert_allclose(got, expected, rtol=0, atol=ATOL)


def test_integral_float_and_boolean_labels_become_integers():
    X, y = _data(2)
    X32 = _float32_inputs(X)
    for labels in (y.astype(float) + 1, y.astype(bool)):
        clf = ScratchMLPClassifier((6,), max_iter=30, random_state=0).fit(X, labels)
        onnx_labels, _ = _run(clf, X32, options=_no_zipmap(clf))
        assert onnx_labels.dtype == np.int64
        np.testing.assert_array_equal(onnx_labels, clf.predict(X32).astype(int))


@pytest.mark.parametrize("activation", ACTIVATIONS, ids=str)
def test_double_input_is_computed_in_double(activation):
    X, y = _data()
    clf = ScratchMLPClassifier(
        (6,), activation=activation, max_iter=30, random_state=0
    ).fit(X, y)
    X64 = _float32_inputs(X).astype(np.float64)
    labels, proba = _run(clf, X64, options=_no_zipmap(clf))
    assert proba.dtype == np.float64
    np.testing.assert_allclose(proba, clf.predict_proba(X64), rtol=0, atol=1e-12)
    np.testing.assert_array_equal(labels, clf.predict(X64))


# ------------------------------------------------------------- regressor


@pytest.mark.parametrize("n_targets", [1, 3])
@pytest.mark.parametrize("output_activation", [None, "softplus"])
def test_regressor_outputs(n_targets, output_activation):
    X, y = make_regression(
        n_samples=60, n_features=4, n_targets=n_targets, noise=1.0, random_state=0
    )
    reg = ScratchMLPRegressor(
        (6,), output_activation=output_activation, max_iter=30, random_state=0
    ).fit(X, y / 100)
    X32 = _float32_inputs(X)
    _assert_regressor_matches(reg, X32)
    (y_onnx,) = _run(reg, X32)
    # skl2onnx's regressors: one column per target, also for one target
    assert y_onnx.shape == (len(X32), n_targets)


# ------------------------------------------------------------- pipelines


def test_classifier_in_a_pipeline():
    X, y = _data()
    pipe = make_pipeline(
        StandardScaler(), ScratchMLPClassifier((6,), max_iter=30, random_state=0)
    ).fit(X * 10 + 3, y)
    _assert_classifier_matches(pipe, _float32_inputs(X * 10 + 3))


def test_regressor_in_a_pipeline_with_convert_sklearn():
    X, y = make_regression(n_samples=60, n_features=4, noise=1.0, random_state=0)
    pipe = make_pipeline(
        StandardScaler(), ScratchMLPRegressor((6,), max_iter=30, random_state=0)
    ).fit(X * 10 + 3, y / 100)
    X32 = _float32_inputs(X * 10 + 3)
    onx = convert_sklearn(pipe, initial_types=[("X", FloatTensorType([None, 4]))])
    session = ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    (y_onnx,) = session.run(None, {"X": X32})
    np.testing.assert_allclose(y_onnx[:, 0], pipe.predict(X32), rtol=0, atol=ATOL)


# -------------------------------------------------------- own components


class Swish(Activation):
    """f(z) = z * sigmoid(beta * z), without ONNX operators."""

    def __init__(self, beta=1.0):
        self.beta = beta

    def forward(self, Z):
        return Z / (1 + np.exp(-self.beta * Z))

    def derivative(self, Z, A):
        s = 1 / (1 + np.exp(-self.beta * Z))
        return s + self.beta * Z * s * (1 - s)


class OnnxSwish(Swish):
    """Swish with its ONNX operators."""

    def onnx_ops(self, X, dtype, op_version):
        from skl2onnx.algebra.onnx_ops import OnnxMul, OnnxSigmoid

        beta = np.array([self.beta], dtype=dtype)
        scaled = OnnxMul(X, beta, op_version=op_version)
        return OnnxMul(
            X, OnnxSigmoid(scaled, op_version=op_version), op_version=op_version
        )


@pytest.mark.parametrize(
    "params, attribute",
    [
        ({"activation": Swish(beta=2.0)}, "hidden_activation_"),
        ({"output_activation": Swish(beta=2.0)}, "output_activation_"),
    ],
)
@pytest.mark.parametrize("estimator", [ScratchMLPClassifier, ScratchMLPRegressor])
def test_own_activation_without_onnx_ops_is_named(estimator, params, attribute):
    X, y = _data()
    model = estimator((4,), max_iter=5, random_state=0, **params).fit(X, y)
    message = (
        rf"Cannot convert {estimator.__name__} to ONNX: its {attribute} "
        r"Swish\(beta=2\.0\) is not a built-in activation .*"
        r"Define onnx_ops on Swish"
    )
    with pytest.raises(TypeError, match=message):
        to_onnx(model, X.astype(np.float32))


def test_subclass_of_a_builtin_is_not_taken_for_it():
    from sknn_scratch.activations import Tanh

    class ScaledTanh(Tanh):
        def forward(self, Z):
            return 2 * np.tanh(Z)

    X, y = _data()
    clf = ScratchMLPClassifier((4,), activation=ScaledTanh(), max_iter=5).fit(X, y)
    with pytest.raises(TypeError, match="hidden_activation_ ScaledTanh()"):
        to_onnx(clf, X.astype(np.float32))


class SteepSigmoid(Sigmoid):
    """sigmoid(2 z): a sigmoid to the classifier, but not of the sums."""

    def forward(self, Z):
        return super().forward(2 * Z)

    def derivative(self, Z, A):
        return 2 * A * (1 - A)

    def onnx_ops(self, X, dtype, op_version):
        from skl2onnx.algebra.onnx_ops import OnnxMul, OnnxSigmoid

        twice = OnnxMul(X, np.array([2], dtype=dtype), op_version=op_version)
        return OnnxSigmoid(twice, op_version=op_version)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_own_subclass_of_sigmoid_as_output(n_classes):
    # predict_proba treats it as a sigmoid: normalised outputs, not of sums
    X, y = _data(n_classes)
    clf = ScratchMLPClassifier(
        (6,), output_activation=SteepSigmoid(), max_iter=30, random_state=0
    ).fit(X, y)
    _assert_classifier_matches(clf, _float32_inputs(X))


@pytest.mark.parametrize("where", ["activation", "output_activation"])
def test_own_activation_with_onnx_ops(where):
    X, y = make_regression(n_samples=60, n_features=4, noise=1.0, random_state=0)
    reg = ScratchMLPRegressor(
        (6,), max_iter=30, random_state=0, **{where: OnnxSwish(beta=1.5)}
    ).fit(X, y / 100)
    _assert_regressor_matches(reg, _float32_inputs(X))


# ----------------------------------------------------------- the extra


def test_import_without_skl2onnx_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "skl2onnx", None)
    monkeypatch.delitem(sys.modules, "sknn_scratch.onnx")
    with pytest.raises(
        ImportError, match=r'pip install skl2onnx onnxruntime.*".\[onnx\]"'
    ):
        importlib.import_module("sknn_scratch.onnx")


def test_poisson_regressor_and_its_exponential_output():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(60, 3))
    y = rng.poisson(np.exp(1 + X[:, 0]))
    reg = ScratchMLPRegressor((6,), loss="poisson", max_iter=30, random_state=0)
    reg.fit(X, y)
    assert reg.out_activation_ == "exp"
    # (4 X: sums far beyond the training data's, as the other tests)
    _assert_regressor_matches(reg, _float32_inputs(X))
    # sums beyond float32's largest exponent (88.7): computed in double as in
    # numpy, and in float32 the largest float32, not infinity
    reg.intercepts_[-1] += 100.0
    (y64,) = _run(reg, X)
    assert y64.dtype == np.float64
    np.testing.assert_allclose(y64[:, 0], reg.predict(X), rtol=1e-12)
    (y32,) = _run(reg, X.astype(np.float32))
    assert np.isfinite(y32).all() and y32.max() > 0.99 * np.finfo(np.float32).max


# ------------------------------------------------ edges: opsets, steps, labels


def _session(onx):
    return ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )


@pytest.mark.parametrize("opset", [9, 13, 18])
@pytest.mark.parametrize("output", ["softmax", "softplus"])
def test_every_opset_from_9_runs(opset, output):
    X, y = _data()
    clf = ScratchMLPClassifier(
        (6,), output_activation=output, max_iter=30, random_state=0
    ).fit(X, y)
    X32 = _float32_inputs(X)
    onx = to_onnx(clf, X32, target_opset=opset, options=_no_zipmap(clf))
    labels, proba = _session(onx).run(None, {"X": X32})
    np.testing.assert_array_equal(labels, clf.predict(X32))
    np.testing.assert_allclose(proba, clf.predict_proba(X32), rtol=0, atol=ATOL)


@pytest.mark.parametrize("opset", [1, 7, 8])
@pytest.mark.parametrize("estimator", [ScratchMLPClassifier, ScratchMLPRegressor])
def test_an_opset_before_9_is_refused_at_conversion(opset, estimator):
    X, y = _data()
    model = estimator((4,), max_iter=5, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match=f"target_opset={opset}.*opset 9 or later"):
        to_onnx(model, X.astype(np.float32), target_opset=opset)


def test_a_regressor_as_a_transform_step_exports_its_hidden_features():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_union

    X, y = _data()
    X32 = _float32_inputs(X)
    pipe = make_pipeline(
        ScratchMLPRegressor((5,), max_iter=30, random_state=0), LogisticRegression()
    ).fit(X, y)
    labels, proba = _run(pipe, X32, options=_no_zipmap(pipe))
    np.testing.assert_array_equal(labels, pipe.predict(X32))
    np.testing.assert_allclose(proba, pipe.predict_proba(X32), atol=ATOL)
    # two networks side by side: each one's transform
    union = make_union(
        ScratchMLPRegressor((5,), max_iter=30, random_state=0),
        ScratchMLPRegressor((3,), activation="tanh", max_iter=30, random_state=1),
    ).fit(X, y)
    (features,) = _run(union, X32)
    np.testing.assert_allclose(features, union.transform(X32), atol=ATOL)
    # last in a pipeline, still predict
    reg = make_pipeline(StandardScaler(), ScratchMLPRegressor((5,), max_iter=30))
    reg.fit(X, y)
    np.testing.assert_allclose(_run(reg, X32)[0][:, 0], reg.predict(X32), atol=ATOL)


def test_a_classifier_as_a_transform_step_is_refused_by_name():
    from sklearn.linear_model import LogisticRegression

    X, y = _data()
    pipe = make_pipeline(
        ScratchMLPClassifier((5,), max_iter=10, random_state=0), LogisticRegression()
    ).fit(X, y)
    with pytest.raises(ValueError, match="ScratchMLPClassifier as a transform step"):
        to_onnx(pipe, X.astype(np.float32))


def test_softplus_outputs_that_are_all_tiny_are_normalised_as_predict_does():
    X, y = _data()
    clf = ScratchMLPClassifier(
        (6,), output_activation="softplus", max_iter=30, random_state=0
    ).fit(X, y)
    # every output sum far below 0 on some rows (about -40 to -100): softplus
    # is e^z there, and only the ratios tell the classes apart
    clf.intercepts_[-1] = clf.intercepts_[-1] - 60
    X32 = _float32_inputs(X)
    labels, proba = _run(clf, X32, options=_no_zipmap(clf))
    assert len(np.unique(clf.predict(X32))) > 1
    np.testing.assert_array_equal(labels, clf.predict(X32))
    np.testing.assert_allclose(proba, clf.predict_proba(X32), rtol=0, atol=ATOL)


def test_uint64_labels_beyond_int64_are_refused_not_negated():
    X, y = _data(n_classes=2)
    labels = np.array([2**63 + 5, 7], dtype=np.uint64)[y]
    clf = ScratchMLPClassifier((4,), max_iter=5, random_state=0).fit(X, labels)
    with pytest.raises(ValueError, match=r"above 2\*\*63 - 1.*LabelEncoder"):
        to_onnx(clf, X.astype(np.float32))
    # labels that int64 holds convert as they are
    small = np.array([2**62, 7], dtype=np.uint64)[y]
    clf = ScratchMLPClassifier((4,), max_iter=5, random_state=0).fit(X, small)
    predicted, _ = _run(clf, X.astype(np.float32), options=_no_zipmap(clf))
    np.testing.assert_array_equal(predicted, clf.predict(X.astype(np.float32)))


class NotOperators(Swish):
    """onnx_ops returning an array, not operators."""

    def onnx_ops(self, X, dtype, op_version):
        return np.zeros(3, dtype=dtype)


def test_onnx_ops_returning_no_operator_names_the_activation():
    X, y = _data()
    clf = ScratchMLPClassifier(
        (4,), activation=NotOperators(), max_iter=5, random_state=0
    ).fit(X, y)
    with pytest.raises(TypeError, match=r"onnx_ops of .*hidden_activation_.*Not"):
        to_onnx(clf, X.astype(np.float32))


def test_a_model_fitted_on_torch_tensors_says_to_move_it_to_numpy():
    torch = pytest.importorskip("torch", reason="a model fitted on tensors")
    import sklearn

    from sknn_scratch import move_estimator_to

    X, y = _data()
    with sklearn.config_context(array_api_dispatch=True):
        clf = ScratchMLPClassifier((4,), max_iter=5, random_state=0)
        clf.fit(torch.asarray(X), torch.asarray(y))
    with pytest.raises(TypeError, match=r"fitted on torch.*move_estimator_to"):
        to_onnx(clf, X.astype(np.float32))
    moved = move_estimator_to(clf, np)
    _assert_classifier_matches(moved, X.astype(np.float32))
