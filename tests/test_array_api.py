"""Any array library: PyTorch and array-api-strict arrays train where they are.

With scikit-learn's array API dispatch on, fitted arrays and every output are
in the input's library, on its device, in its dtype; the same random_state
gives the numpy fit's weights and batch order, so the results equal numpy's.
scikit-learn's own array API checks run in tests/test_sklearn_compat.py (the
suite sets SCIPY_ARRAY_API=1, see conftest.py).
"""

import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn_scratch import (
    ScratchMLPClassifier,
    ScratchMLPRegressor,
    array_namespace,
    check_gradients,
    move_estimator_to,
)
from sknn_scratch.activations import ACTIVATIONS, Activation
from sknn_scratch.losses import LOSSES
from sknn_scratch.optimizers import SGD, Adam

torch = pytest.importorskip("torch", reason="PyTorch runs the array API tests")
strict = pytest.importorskip(
    "array_api_strict", reason="array-api-strict runs the array API tests"
)
CUDA = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")

LIBRARIES = {
    "torch": lambda a: torch.asarray(a),
    "array_api_strict": lambda a: strict.asarray(a),
}


def dispatch():
    return sklearn.config_context(array_api_dispatch=True)


def numpy_of(array):
    return array.numpy() if isinstance(array, torch.Tensor) else np.asarray(array)


def library_of(array):
    return type(array).__module__.split(".")[0]


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(90, 4))
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64) + (X[:, 2] > 0.8)
    return X, y


def quiet(fit, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return fit(*args, **kwargs)


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize(
    "params",
    [{}, {"solver": "adam", "loss": "log_loss"}, {"momentum": 0.9, "batch_size": 1}],
    ids=["sgd", "adam-log-loss", "momentum-batch-1"],
)
def test_classifier_trains_in_the_inputs_library_as_numpy_does(data, library, params):
    X, y = data
    to = LIBRARIES[library]
    make = lambda: ScratchMLPClassifier((6,), max_iter=5, random_state=0, **params)  # noqa: E731
    reference = quiet(make().fit, X, y)
    with dispatch():
        clf = quiet(make().fit, to(X), to(y))
        outputs = {
            "predict_proba": clf.predict_proba(to(X)),
            "predict_log_proba": clf.predict_log_proba(to(X)),
            "predict": clf.predict(to(X)),
            "transform": clf.transform(to(X)),
        }
        score = clf.score(to(X), to(y))
    for array in [*clf.coefs_, *clf.intercepts_, clf.classes_, *outputs.values()]:
        assert library_of(array) == library
    # the same start and batch order as numpy: the same model
    for ours, theirs in zip(
        clf.coefs_ + clf.intercepts_, reference.coefs_ + reference.intercepts_
    ):
        np.testing.assert_allclose(numpy_of(ours), theirs, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(
        numpy_of(outputs["predict_proba"]), reference.predict_proba(X), atol=1e-6
    )
    np.testing.assert_allclose(
        numpy_of(outputs["predict_log_proba"]),
        reference.predict_log_proba(X),
        atol=1e-6,
    )
    np.testing.assert_array_equal(numpy_of(outputs["predict"]), reference.predict(X))
    assert clf.loss_curve_ == pytest.approx(reference.loss_curve_, rel=1e-9)
    assert isinstance(score, float) and score == pytest.approx(reference.score(X, y))


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
def test_regressor_float32_stays_float32(data, library, solver):
    X, _ = data
    X32 = X.astype(np.float32)
    y = (X32[:, 0] - 2 * X32[:, 1]).astype(np.float32)
    to = LIBRARIES[library]
    make = lambda: ScratchMLPRegressor((5,), solver=solver, max_iter=5, random_state=0)  # noqa: E731
    reference = quiet(make().fit, X32, y)
    with dispatch():
        reg = quiet(make().fit, to(X32), to(y))
        predicted = reg.predict(to(X32))
    assert library_of(predicted) == library
    assert numpy_of(predicted).dtype == np.float32
    assert numpy_of(reg.coefs_[0]).dtype == np.float32
    np.testing.assert_allclose(
        numpy_of(predicted), reference.predict(X32), rtol=1e-4, atol=1e-5
    )


@pytest.mark.parametrize("library", LIBRARIES)
def test_partial_fit_sample_weight_early_stopping(data, library):
    X, y = data
    to = LIBRARIES[library]
    weights = np.random.RandomState(1).uniform(0, 2, len(y))
    reference = ScratchMLPClassifier((5,), random_state=0)
    reference.partial_fit(X, y, classes=[0, 1, 2], sample_weight=weights)
    early = dict(early_stopping=True, max_iter=4, random_state=0)
    early_reference = quiet(ScratchMLPClassifier((5,), **early).fit, X, y)
    with dispatch():
        clf = ScratchMLPClassifier((5,), random_state=0)
        clf.partial_fit(to(X), to(y), classes=[0, 1, 2], sample_weight=to(weights))
        stopped = quiet(ScratchMLPClassifier((5,), **early).fit, to(X), to(y))
    np.testing.assert_allclose(numpy_of(clf.coefs_[0]), reference.coefs_[0], rtol=1e-9)
    assert stopped.validation_scores_ == pytest.approx(
        early_reference.validation_scores_
    )


def test_pipeline_with_a_scaler_runs_on_torch_tensors(data):
    X, y = data
    pipe = make_pipeline(
        StandardScaler(), ScratchMLPClassifier((6,), max_iter=5, random_state=0)
    )
    reference = quiet(pipe.fit, X, y).predict_proba(X)
    with dispatch():
        fitted = quiet(pipe.fit, torch.asarray(X), torch.asarray(y))
        proba = fitted.predict_proba(torch.asarray(X))
    assert isinstance(proba, torch.Tensor)
    np.testing.assert_allclose(proba.numpy(), reference, atol=1e-6)


def test_numpy_input_after_a_torch_fit_is_refused(data):
    X, y = data
    with dispatch():
        clf = quiet(
            ScratchMLPClassifier((4,), max_iter=2).fit,
            torch.asarray(X),
            torch.asarray(y),
        )
        with pytest.raises(ValueError, match=r"must use the same namespace"):
            clf.predict(X)


# ----------------------------------------------- components in every library

MODERATE = np.array([[-2.5, -0.3, 0.4], [1.7, 6.0, -7.5]])


@pytest.mark.parametrize("name", sorted(set(ACTIVATIONS.names()) - {"cube", "swish"}))
@pytest.mark.parametrize("library", LIBRARIES)
def test_every_activation_computes_in_the_inputs_library(name, library):
    activation = ACTIVATIONS.resolve(name, "activation")
    to = LIBRARIES[library]
    Z = to(MODERATE)
    with dispatch():
        A = activation.forward(Z)
        results = [
            A,
            activation.derivative(Z, A),
            activation.backward(Z, A, to(np.ones((2, 3)))),
        ]
    for result, expected in zip(
        results,
        [
            activation.forward(MODERATE),
            activation.derivative(MODERATE, activation.forward(MODERATE)),
            activation.backward(
                MODERATE, activation.forward(MODERATE), np.ones((2, 3))
            ),
        ],
    ):
        assert library_of(result) == library
        np.testing.assert_allclose(numpy_of(result), expected, rtol=1e-12)


@pytest.mark.parametrize(
    "name", ["squared_error", "log_loss", "absolute_error", "hinge"]
)
@pytest.mark.parametrize("library", LIBRARIES)
def test_every_loss_computes_in_the_inputs_library(name, library):
    loss = LOSSES.resolve(name, "loss")
    if hasattr(loss, "for_output"):
        loss = loss.for_output(ACTIVATIONS.resolve("sigmoid", "activation"))
    y_true = np.array([[1.0, 0.0], [0.0, 1.0]])
    y_pred = np.array([[0.8, 0.3], [0.25, 0.6]])
    to = LIBRARIES[library]
    with dispatch():
        value = loss.loss(to(y_true), to(y_pred))
        gradient = loss.gradient(to(y_true), to(y_pred))
    assert value == pytest.approx(loss.loss(y_true, y_pred), rel=1e-12)
    assert library_of(gradient) == library
    np.testing.assert_allclose(
        numpy_of(gradient), loss.gradient(y_true, y_pred), rtol=1e-12
    )


@pytest.mark.parametrize("optimizer", [SGD(), SGD(momentum=0.9), Adam()], ids=repr)
def test_optimizers_update_torch_parameters_in_place(optimizer):
    params = [torch.ones(3, dtype=torch.float64), torch.zeros(2, dtype=torch.float64)]
    grads = [
        torch.full((3,), 0.5, dtype=torch.float64),
        torch.ones(2, dtype=torch.float64),
    ]
    reference = [p.numpy().copy() for p in params]
    numpy_optimizer = type(optimizer)(**optimizer.get_params())
    numpy_optimizer.initialize(reference)
    optimizer.initialize(params)
    for _ in range(3):
        optimizer.update(params, grads, 0.1)
        numpy_optimizer.update(reference, [g.numpy() for g in grads], 0.1)
    for p, r in zip(params, reference):
        assert isinstance(p, torch.Tensor)
        np.testing.assert_allclose(p.numpy(), r, rtol=1e-12)


def test_check_gradients_on_a_torch_fit(data):
    X, y = data
    with dispatch():
        clf = quiet(
            ScratchMLPClassifier((4,), max_iter=2, random_state=0).fit,
            torch.asarray(X),
            torch.asarray(y),
        )
        assert check_gradients(clf, torch.asarray(X[:10]), torch.asarray(y[:10])) < 1e-6


class NumpySigmoid:
    def forward(self, Z):
        return 1 / (1 + np.exp(-np.asarray(Z)))

    def derivative(self, Z, A):
        return A * (1 - A)


class AnyLibrarySigmoid:
    def forward(self, Z):
        xp = array_namespace(Z)
        return 1 / (1 + xp.exp(-Z))

    def derivative(self, Z, A):
        return A * (1 - A)


def test_a_numpy_written_component_is_refused_torch_input_with_a_reason(data):
    X, y = data
    quiet(ScratchMLPClassifier((4,), activation=NumpySigmoid(), max_iter=2).fit, X, y)
    with dispatch():
        with pytest.raises(
            TypeError, match=r"returned numpy values for torch input.*array_namespace"
        ):
            quiet(
                ScratchMLPClassifier((4,), activation=NumpySigmoid(), max_iter=2).fit,
                torch.asarray(X),
                torch.asarray(y),
            )


def test_a_component_written_with_array_namespace_runs_everywhere(data):
    X, y = data
    params = dict(
        hidden_layer_sizes=(4,), max_iter=3, random_state=0, weight_init="he_uniform"
    )
    reference = quiet(ScratchMLPClassifier(activation="sigmoid", **params).fit, X, y)
    on_numpy = quiet(
        ScratchMLPClassifier(activation=AnyLibrarySigmoid(), **params).fit, X, y
    )
    with dispatch():
        on_torch = quiet(
            ScratchMLPClassifier(activation=AnyLibrarySigmoid(), **params).fit,
            torch.asarray(X),
            torch.asarray(y),
        )
    for model in (on_numpy, on_torch):
        np.testing.assert_allclose(
            numpy_of(model.coefs_[0]), reference.coefs_[0], rtol=1e-9
        )


class Softsign(Activation):
    """The custom-component page's in-place activation, written with numpy."""

    derivative_from_output = True
    output_bound = 1.0

    def forward_into(self, Z, out):
        denominator = np.abs(Z)
        denominator += 1
        return np.divide(Z, denominator, out=out)

    def times_derivative(self, delta, Z, A):
        np.abs(A, out=A)
        np.subtract(1, A, out=A)
        delta *= A
        delta *= A


@pytest.mark.parametrize("library", LIBRARIES)
def test_in_place_forms_written_with_numpy_ufuncs_run_in_every_library(data, library):
    X, y = data
    params = dict(hidden_layer_sizes=(4,), max_iter=3, random_state=0)
    on_numpy = quiet(ScratchMLPClassifier(activation=Softsign(), **params).fit, X, y)
    with dispatch():
        other = quiet(
            ScratchMLPClassifier(activation=Softsign(), **params).fit,
            LIBRARIES[library](X),
            LIBRARIES[library](y),
        )
        proba = other.predict_proba(LIBRARIES[library](X))
    assert library_of(other.coefs_[0]) == library_of(LIBRARIES[library](X))
    np.testing.assert_allclose(
        numpy_of(proba), on_numpy.predict_proba(X), rtol=1e-6, atol=1e-9
    )


# ------------------------------------------------------------ moving a model


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_a_torch_model_moves_to_numpy_and_back(data, solver):
    X, y = data
    with dispatch():
        clf = quiet(
            ScratchMLPClassifier((5,), solver=solver, max_iter=3, random_state=0).fit,
            torch.asarray(X),
            torch.asarray(y),
        )
        on_torch = clf.predict_proba(torch.asarray(X)).numpy()
    on_numpy = move_estimator_to(clf, np)
    assert all(type(a) is np.ndarray for a in on_numpy.coefs_ + [on_numpy.classes_])
    # the same weights, bit for bit ...
    for moved, original in zip(on_numpy.coefs_, clf.coefs_):
        np.testing.assert_array_equal(moved, original.numpy())
    # ... and predictions to the last bits, where numpy's BLAS and PyTorch's
    # (MKL) round their matrix products differently
    expected = on_numpy.predict_proba(X)
    np.testing.assert_allclose(expected, on_torch, rtol=1e-13, atol=0)
    # a numpy model pickles, and trains on, anywhere
    loaded = pickle.loads(pickle.dumps(on_numpy))
    np.testing.assert_array_equal(loaded.predict_proba(X), expected)
    loaded.partial_fit(X, y)
    with dispatch():
        back = move_estimator_to(on_numpy, torch, "cpu")
        np.testing.assert_array_equal(
            back.predict_proba(torch.asarray(X)).numpy(), on_torch
        )
        back.partial_fit(torch.asarray(X), torch.asarray(y))
    # the original is untouched
    assert isinstance(clf.coefs_[0], torch.Tensor)


def test_string_labels_stay_numpy(data):
    X, y = data
    labels = np.array(["a", "b", "c"])[y]
    with dispatch():
        clf = quiet(
            ScratchMLPClassifier((4,), max_iter=2).fit, torch.asarray(X), labels
        )
        predicted = clf.predict(torch.asarray(X))
    assert predicted.dtype.kind == "U" and set(predicted) <= {"a", "b", "c"}


def test_numpy_users_never_import_torch():
    code = (
        "import sys, numpy as np\n"
        "from sknn_scratch import ScratchMLPClassifier\n"
        "X = np.random.RandomState(0).normal(size=(20, 3))\n"
        "ScratchMLPClassifier((3,), max_iter=2).fit(X, X[:, 0] > 0).predict(X)\n"
        "print('torch' in sys.modules, 'cupy' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True
    )
    assert result.stdout.strip() == "False False", result.stderr


# --------------------------------------------------------------------- CUDA


@CUDA
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_fit_on_cuda_stays_on_cuda_and_equals_numpy(data, dtype):
    X, y = data
    X = X.astype(dtype)
    reference = quiet(ScratchMLPClassifier((6,), max_iter=5, random_state=0).fit, X, y)
    with dispatch():
        Xc, yc = torch.asarray(X, device="cuda"), torch.asarray(y, device="cuda")
        clf = quiet(ScratchMLPClassifier((6,), max_iter=5, random_state=0).fit, Xc, yc)
        proba = clf.predict_proba(Xc)
    assert proba.device.type == "cuda" and clf.coefs_[0].device.type == "cuda"
    tolerance = 1e-6 if dtype == np.float64 else 1e-4
    np.testing.assert_allclose(
        proba.cpu().numpy(), reference.predict_proba(X), atol=tolerance
    )
    on_cpu = move_estimator_to(clf, np)
    np.testing.assert_array_equal(on_cpu.predict_proba(X), proba.cpu().numpy())


# ------------------------------------------------- arrays in the CPU's memory


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_arrays_in_the_cpus_memory_train_as_numpy_arrays_bit_for_bit(
    data, library, solver
):
    # numpy views them in place: the same arithmetic, to the last bit, and
    # the fitted arrays and outputs handed back in the input's library
    X, y = data
    to = LIBRARIES[library]
    make = lambda: ScratchMLPClassifier(  # noqa: E731
        (6,), solver=solver, max_iter=5, random_state=0
    )
    on_numpy = quiet(make().fit, X, y)
    X_other = to(X)
    with dispatch():
        other = quiet(make().fit, X_other, to(y))
        proba = other.predict_proba(X_other)
        other = quiet(other.partial_fit, X_other, to(y))
    on_numpy = quiet(on_numpy.partial_fit, X, y)
    fitted = other.coefs_ + other.intercepts_ + [other.classes_]
    expected = on_numpy.coefs_ + on_numpy.intercepts_ + [on_numpy.classes_]
    for got, want in zip(fitted, expected):
        assert library_of(got) == library
        np.testing.assert_array_equal(numpy_of(got), want)
    assert library_of(proba) == library
    np.testing.assert_array_equal(
        numpy_of(proba), quiet(make().fit, X, y).predict_proba(X)
    )
    np.testing.assert_array_equal(numpy_of(X_other), X)  # the input unchanged
