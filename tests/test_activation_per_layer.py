"""``activation`` as a list: one activation per hidden layer.

Each hidden layer computes with its own entry, everything that reads the
network follows (transform, check_gradients, ONNX, persistence, the loss
curve's plot, other array libraries), and a wrong length is refused with the
number needed.
"""

import pickle

import numpy as np
import pytest
import sklearn
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor, check_gradients
from sknn_scratch.activations import ReLU, Sigmoid, Tanh

pytestmark = pytest.mark.filterwarnings("ignore", category=ConvergenceWarning)


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(
        n_samples=120, n_features=5, n_informative=3, n_classes=3, random_state=0
    )
    return StandardScaler().fit_transform(X), y


def _forward_by_hand(clf, X, functions):
    """The hidden layers' outputs computed here, one function per layer."""
    A = X
    for W, b, f in zip(clf.coefs_[:-1], clf.intercepts_[:-1], functions):
        A = f(A @ W + b)
    return A


def test_each_hidden_layer_computes_with_its_own_activation(data):
    X, y = data
    clf = ScratchMLPClassifier(
        (6, 5, 4), activation=["relu", Tanh(), "sigmoid"], max_iter=20, random_state=0
    ).fit(X, y)
    assert [type(f) for f in clf.hidden_activation_] == [ReLU, Tanh, Sigmoid]
    relu, sigmoid = (lambda Z: np.maximum(Z, 0)), (lambda Z: 1 / (1 + np.exp(-Z)))
    expected = _forward_by_hand(clf, X, [relu, np.tanh, sigmoid])
    np.testing.assert_allclose(clf.transform(X), expected, rtol=1e-12)
    # predict_proba follows the same layers, then the output layer's softmax
    # of sigmoids: the class of the largest output neuron
    Z = expected @ clf.coefs_[-1] + clf.intercepts_[-1]
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[np.argmax(Z, axis=1)])


def test_a_list_of_one_activation_repeated_fits_as_the_single_one(data):
    X, y = data
    params = dict(hidden_layer_sizes=(6, 5), max_iter=15, random_state=0)
    single = ScratchMLPClassifier(activation="tanh", **params).fit(X, y)
    listed = ScratchMLPClassifier(activation=("tanh", "tanh"), **params).fit(X, y)
    for W, V in zip(single.coefs_, listed.coefs_):
        np.testing.assert_array_equal(W, V)
    assert single.loss_curve_ == listed.loss_curve_


def test_the_constructor_argument_is_never_changed(data):
    X, y = data
    activation = ["relu", Tanh()]
    clf = ScratchMLPRegressor((4, 3), activation=activation, max_iter=3).fit(X, y)
    assert clf.activation is activation
    assert activation[0] == "relu" and clf.hidden_activation_[1] is not activation[1]


@pytest.mark.parametrize(
    "sizes, activation, needed",
    [((8, 6), ["relu"], 2), ((8,), ["relu", "tanh"], 1), ((4, 4, 4), [], 3)],
)
def test_a_wrong_length_says_how_many_are_needed(data, sizes, activation, needed):
    X, y = data
    clf = ScratchMLPClassifier(sizes, activation=activation)
    with pytest.raises(ValueError, match=f"pass {needed} activation") as info:
        clf.fit(X, y)
    assert f"has {len(activation)} entr" in str(info.value)
    assert not hasattr(clf, "coefs_")


def test_no_hidden_layers_take_an_empty_list(data):
    X, y = data
    clf = ScratchMLPClassifier((), activation=[], max_iter=5, random_state=0).fit(X, y)
    assert clf.hidden_activation_ == [] and len(clf.coefs_) == 1


def test_an_output_activation_is_refused_in_any_entry(data):
    X, y = data
    clf = ScratchMLPClassifier((4, 4), activation=["relu", "softmax"])
    with pytest.raises(InvalidParameterError, match=r"'softmax' as activation\[1\]"):
        clf.fit(X, y)


def test_an_entry_that_is_no_activation_is_named(data):
    X, y = data
    with pytest.raises(InvalidParameterError, match=r"'activation\[1\]'"):
        ScratchMLPClassifier((4, 4), activation=["relu", 3]).fit(X, y)


def test_grid_search_over_lists_of_activations(data):
    X, y = data
    grid = GridSearchCV(
        ScratchMLPClassifier((6, 4), max_iter=20, random_state=0),
        {"activation": ["relu", ["relu", "tanh"], ("tanh", "sigmoid")]},
        cv=2,
    ).fit(X, y)
    assert len(grid.cv_results_["params"]) == 3
    assert grid.best_estimator_.activation == grid.best_params_["activation"]


def test_check_gradients_checks_every_layer_with_its_activation(data):
    X, y = data
    clf = ScratchMLPClassifier((4, 3), activation=["tanh", "softplus"], random_state=0)
    assert check_gradients(clf, X[:12], y[:12]) < 1e-5

    class WrongTanh(Tanh):
        def derivative(self, Z, A):
            return 1 - A

    # the second layer's mistake is found in the weights into it and below
    with pytest.raises(AssertionError, match="disagree"):
        check_gradients(
            clf.set_params(activation=["tanh", WrongTanh()]), X[:12], y[:12]
        )


def test_round_trips_by_pickle_predict_the_same(data):
    X, y = data
    clf = ScratchMLPClassifier((5, 4), activation=["elu", "tanh"], max_iter=10).fit(
        X, y
    )
    copy = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(copy.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_array_equal(copy.transform(X), clf.transform(X))


def test_skops_round_trip_with_the_trusted_types(data, tmp_path):
    sio = pytest.importorskip("skops.io")
    from sknn_scratch import trusted_types

    X, y = data
    clf = ScratchMLPClassifier((5, 4), activation=["relu", "tanh"], max_iter=10).fit(
        X, y
    )
    path = tmp_path / "model.skops"
    sio.dump(clf, path)
    copy = sio.load(path, trusted=trusted_types())
    np.testing.assert_array_equal(copy.predict_proba(X), clf.predict_proba(X))


def test_onnx_export_applies_each_layers_activation(data):
    pytest.importorskip("onnxruntime")
    import onnxruntime as ort
    from skl2onnx import to_onnx

    import sknn_scratch.onnx  # noqa: F401  (registers the converters)

    X, y = data
    clf = ScratchMLPClassifier(
        (6, 5), activation=["relu", "tanh"], max_iter=20, random_state=0
    ).fit(X, y)
    X32 = X.astype(np.float32)
    onx = to_onnx(clf, X32, options={id(clf): {"zipmap": False}})
    session = ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    labels, proba = session.run(None, {session.get_inputs()[0].name: X32})
    np.testing.assert_allclose(proba, clf.predict_proba(X32), atol=1e-5)
    np.testing.assert_array_equal(labels, clf.predict(X32))


def test_onnx_names_the_layer_whose_activation_has_no_graph(data):
    pytest.importorskip("onnxruntime")
    from skl2onnx import to_onnx

    import sknn_scratch.onnx  # noqa: F401

    class Square:
        def forward(self, Z):
            return Z**2

        def derivative(self, Z, A):
            return 2 * Z

    X, y = data
    clf = ScratchMLPClassifier((4, 3), activation=["relu", Square()], max_iter=3)
    clf.fit(X, y)
    with pytest.raises(TypeError, match=r"hidden_activation_\[1\]"):
        to_onnx(clf, X.astype(np.float32))


def test_loss_curve_display_of_a_per_layer_network(data):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from sknn_scratch.plot import LossCurveDisplay

    X, y = data
    clf = ScratchMLPClassifier(
        (5, 4), activation=["relu", "tanh"], max_iter=8, early_stopping=True
    ).fit(X, y)
    display = LossCurveDisplay.from_estimator(clf)
    assert len(display.line_.get_xdata()) == clf.n_iter_


def test_trains_on_torch_tensors_as_on_numpy(data):
    torch = pytest.importorskip("torch")
    X, y = data
    make = lambda: ScratchMLPRegressor(  # noqa: E731
        (5, 4), activation=["relu", "tanh"], max_iter=5, random_state=0
    )
    expected = make().fit(X, y.astype(float))
    with sklearn.config_context(array_api_dispatch=True):
        fitted = make().fit(torch.asarray(X), torch.asarray(y.astype(float)))
        Xt = fitted.transform(torch.asarray(X))
    assert isinstance(Xt, torch.Tensor)
    np.testing.assert_allclose(Xt.numpy(), expected.transform(X), rtol=1e-6)


def test_the_trivial_model_warning_counts_saturation_in_sigmoid_layers_only():
    from sknn_scratch._diagnosis import _saturated_fraction

    saturated = np.full((4, 3), 1.0)  # a sigmoid's limit
    middle = np.full((4, 3), 0.5)
    fraction = _saturated_fraction([Sigmoid(), ReLU()], [saturated, saturated])
    assert fraction == 1.0  # the ReLU layer's outputs are not counted
    assert _saturated_fraction([Sigmoid(), Tanh()], [saturated, middle]) == 0.5
    assert _saturated_fraction([ReLU()], [saturated]) is None
