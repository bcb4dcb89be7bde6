"""Saving and loading: exact round trips, safe loading with skops, old files.

- pickle and joblib give back the same model for every combination of
  built-in activation, loss and solver (schedules and initializers spread
  over the combinations);
- ``skops.io`` round trips with ``trusted=sknn_scratch.trusted_types()``,
  which must be exactly the package's types found in those files, and a
  file holding any other type is refused; a model holding PyTorch tensors
  is refused with a message saying to move it to numpy (pickle saves it);
- the models saved by earlier versions (``tests/fixtures``, made by
  ``tests/fixtures/make_fixture.py``) still load and predict the same.
"""

import io
import itertools
import pickle
import warnings
from pathlib import Path

import joblib
import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor, trusted_types
from sknn_scratch.activations import ACTIVATIONS
from sknn_scratch.initializers import INITIALIZERS
from sknn_scratch.losses import LOSSES
from sknn_scratch.optimizers import OPTIMIZERS
from sknn_scratch.schedules import SCHEDULES

sio = pytest.importorskip("skops.io", reason="skops is in the test extra")

FIXTURES = Path(__file__).parent / "fixtures"


def _built_in(registry):
    """Names whose factory lives in the package (not a test's registration)."""
    return [
        name
        for name in registry.names()
        if registry.get_factory(name).__module__.startswith("sknn_scratch.")
        and name in _BUILT_IN_NAMES
    ]


# the names registered by the package itself; other tests (and doctests)
# register more in the same process
_BUILT_IN_NAMES = {
    *("sigmoid", "logistic", "tanh", "relu", "leaky_relu", "elu", "softplus"),
    *("identity", "softmax", "exp"),
    *("squared_error", "log_loss", "absolute_error", "hinge", "squared_hinge"),
    "poisson",
    *("sgd", "adam", "lbfgs"),
    *("constant", "invscaling", "adaptive", "step", "cosine"),
    *("glorot_uniform", "standard_normal", "normal", "he_normal", "he_uniform"),
}
ACTIVATION_NAMES = _built_in(ACTIVATIONS)
LOSS_NAMES = _built_in(LOSSES)
SOLVER_NAMES = _built_in(OPTIMIZERS)
SCHEDULE_NAMES = _built_in(SCHEDULES)
INIT_NAMES = _built_in(INITIALIZERS)
# softmax is an output activation only (the classifiers with the log-loss
# hold one, for three classes)
HIDDEN_NAMES = [name for name in ACTIVATION_NAMES if name != "softmax"]
# the Poisson loss is a regressor's (one is fitted below)
CLASSIFIER_LOSSES = [name for name in LOSS_NAMES if name != "poisson"]
COMBINATIONS = list(itertools.product(HIDDEN_NAMES, CLASSIFIER_LOSSES, SOLVER_NAMES))


def _classifier(index, activation, loss, solver):
    return ScratchMLPClassifier(
        (3,),
        activation=activation,
        loss=loss,
        solver=solver,
        learning_rate=SCHEDULE_NAMES[index % len(SCHEDULE_NAMES)],
        weight_init=INIT_NAMES[index % len(INIT_NAMES)],
        learning_rate_init=0.01,
        max_iter=2,
        random_state=index,
    )


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(12, 2))
    y = np.array(["a", "b", "c"])[np.arange(12) % 3]
    return X, y


def _fit(estimator, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)


@pytest.fixture(scope="module")
def fitted_models(data):
    """One fitted classifier per (activation, loss, solver), plus regressors.

    Also an early-stopping classifier (which keeps its best weights) and a
    multilabel one trained with ``partial_fit`` (which keeps optimizer
    state).
    """
    X, y = data
    models = [
        _fit(_classifier(i, *combination), X, y)
        for i, combination in enumerate(COMBINATIONS)
    ]
    for i, activation in enumerate(ACTIVATION_NAMES):
        regressor = ScratchMLPRegressor(
            (3,),
            activation=HIDDEN_NAMES[i % len(HIDDEN_NAMES)],
            output_activation=activation,
            solver=SOLVER_NAMES[i % len(SOLVER_NAMES)],
            loss=["squared_error", "absolute_error"][i % 2],
            max_iter=2,
            random_state=i,
        )
        models.append(_fit(regressor, X, X.sum(axis=1)))
    counts = ScratchMLPRegressor((3,), loss="poisson", max_iter=2, random_state=0)
    models.append(_fit(counts, X, np.exp(X.sum(axis=1))))
    early = ScratchMLPClassifier((3,), early_stopping=True, max_iter=3, random_state=0)
    models.append(_fit(early, np.vstack([X, X]), np.concatenate([y, y])))
    stream = ScratchMLPClassifier((3,), solver="adam", random_state=0)
    Y = np.column_stack([X[:, 0] > 0, X[:, 1] > 0]).astype(int)
    for _ in range(2):
        stream.partial_fit(X, Y, classes=[0, 1])
    models.append(stream)
    return models


def _outputs(model, X):
    if hasattr(model, "predict_proba"):
        return model.predict(X), model.predict_proba(X)
    return (model.predict(X),)


def _assert_same_model(original, loaded, X):
    assert type(loaded) is type(original)
    assert loaded.get_params().keys() == original.get_params().keys()
    for W, W_loaded in zip(
        original.coefs_ + original.intercepts_, loaded.coefs_ + loaded.intercepts_
    ):
        assert W.dtype == W_loaded.dtype
        np.testing.assert_array_equal(W, W_loaded)
    assert loaded.loss_curve_ == original.loss_curve_
    for out, out_loaded in zip(_outputs(original, X), _outputs(loaded, X)):
        np.testing.assert_array_equal(out, out_loaded)


def test_combinations_cover_every_built_in_component(fitted_models):
    assert len(COMBINATIONS) >= 100
    assert len(SCHEDULE_NAMES) == 5 and len(INIT_NAMES) == 5
    # every model of the grid really fitted (none is skipped by an error)
    assert all(m.n_iter_ >= 1 for m in fitted_models)


def test_pickle_round_trip_is_exact(fitted_models, data):
    X, _ = data
    for model in fitted_models:
        _assert_same_model(model, pickle.loads(pickle.dumps(model)), X)


def test_joblib_round_trip_is_exact_and_training_continues(fitted_models, data):
    X, y = data
    for model in fitted_models[:: len(SOLVER_NAMES) + 1]:
        buffer = io.BytesIO()
        joblib.dump(model, buffer)
        buffer.seek(0)
        loaded = joblib.load(buffer)
        _assert_same_model(model, loaded, X)
    # a loaded model trains on from where it stopped, exactly as the original
    original = fitted_models[0]
    buffer = io.BytesIO()
    joblib.dump(original, buffer)
    buffer.seek(0)
    loaded = joblib.load(buffer)
    for model in (original, loaded):
        model.set_params(warm_start=True)
        _fit(model, X, y)
    _assert_same_model(original, loaded, X)


def test_skops_round_trip_trusts_exactly_the_package_types(fitted_models, data):
    X, _ = data
    needed = set()
    for model in fitted_models:
        dumped = sio.dumps(model)
        untrusted = set(sio.get_untrusted_types(data=dumped))
        # only the package's own types need trust: numpy's and
        # scikit-learn's (LabelBinarizer, RandomState) skops trusts already
        assert all(name.startswith("sknn_scratch.") for name in untrusted)
        needed |= untrusted
        _assert_same_model(model, sio.loads(dumped, trusted=trusted_types()), X)
    # covers them all, and holds nothing no model needs
    assert set(trusted_types()) == needed
    assert sorted(trusted_types()) == trusted_types()


class Cube:
    """A user's own activation: not one of the package's types."""

    def forward(self, Z):
        return Z**3

    def derivative(self, Z, A):
        return 3 * Z**2


def test_skops_refuses_a_file_holding_any_other_type(data):
    X, y = data
    model = _fit(ScratchMLPClassifier((2,), activation=Cube(), max_iter=2), X, y)
    dumped = sio.dumps(model)
    assert f"{__name__}.Cube" in sio.get_untrusted_types(data=dumped)
    with pytest.raises(sio.exceptions.UntrustedTypesFoundException, match="Cube"):
        sio.loads(dumped, trusted=trusted_types())
    # and without any trust, not even the estimator loads
    with pytest.raises(sio.exceptions.UntrustedTypesFoundException):
        sio.loads(dumped)
    # trusting it on purpose loads it
    loaded = sio.loads(dumped, trusted=[*trusted_types(), f"{__name__}.Cube"])
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_skops_of_a_model_fitted_on_torch_tensors_says_to_move_it_to_numpy(
    data, tmp_path
):
    torch = pytest.importorskip("torch", reason="a model fitted on tensors")
    import sklearn

    from sknn_scratch import move_estimator_to

    X, y = data
    codes = np.unique(y, return_inverse=True)[1]
    with sklearn.config_context(array_api_dispatch=True):
        model = _fit(
            ScratchMLPClassifier((4,), solver="adam", max_iter=3, random_state=0),
            torch.asarray(X),
            torch.asarray(codes),
        )
    # skops cannot save tensors: it used to fail inside torch ("Cannot
    # directly construct TensorBase")
    message = r"fitted on torch arrays.*move_estimator_to\(model, numpy\)"
    with pytest.raises(TypeError, match=message):
        sio.dumps(model)
    with pytest.raises(TypeError, match=message):
        sio.dump(model, tmp_path / "model.skops")
    # pickle still saves it as it is, tensors and all
    loaded = pickle.loads(pickle.dumps(model))
    assert isinstance(loaded.coefs_[0], torch.Tensor)
    for W, W_loaded in zip(model.coefs_, loaded.coefs_):
        assert torch.equal(W, W_loaded)
    # and moved to numpy first, skops saves it
    on_numpy = move_estimator_to(model, np)
    _assert_same_model(on_numpy, sio.loads(sio.dumps(on_numpy), trusted_types()), X)


def test_pickles_are_those_of_object_reduce_ex(fitted_models, monkeypatch):
    # the estimators define __reduce__ (for skops's message above), and so
    # __reduce_ex__, for pickle to get what object's __reduce_ex__ gave
    from sknn_scratch._persistence import SkopsMixin

    models = [*fitted_models[:3], fitted_models[-1], ScratchMLPClassifier()]
    protocols = range(pickle.HIGHEST_PROTOCOL + 1)
    pickles = [pickle.dumps(m, protocol=p) for m in models for p in protocols]
    monkeypatch.delattr(SkopsMixin, "__reduce__")
    monkeypatch.delattr(SkopsMixin, "__reduce_ex__")
    assert pickles == [pickle.dumps(m, protocol=p) for m in models for p in protocols]


def test_trusted_types_are_importable_package_classes():
    import importlib

    for name in trusted_types():
        module, _, attribute = name.rpartition(".")
        assert module.split(".")[0] == "sknn_scratch"
        assert isinstance(getattr(importlib.import_module(module), attribute), type)
    # a new list each call: a caller appending to it changes nothing
    trusted_types().append("os.system")
    assert "os.system" not in trusted_types()


# ------------------------------------------------ files of earlier versions


FIXTURE_STEMS = sorted(p.with_suffix("") for p in FIXTURES.glob("models-*.npz"))


def test_there_is_a_fixture_to_load():
    assert FIXTURE_STEMS, "run tests/fixtures/make_fixture.py"


@pytest.mark.parametrize("stem", FIXTURE_STEMS, ids=lambda p: p.name)
@pytest.mark.parametrize("fmt", ["joblib", "skops"])
def test_models_saved_by_earlier_versions_load_and_predict_the_same(stem, fmt):
    expected = np.load(f"{stem}.npz")
    path = f"{stem}.{fmt}"
    if fmt == "joblib":
        models = joblib.load(path)
    else:
        # a file of an older version may hold types this one renamed: then
        # the refusal names them, rather than loading something else
        models = sio.load(path, trusted=trusted_types())
    X = expected["X"]
    classifier, regressor = models["classifier"], models["regressor"]
    np.testing.assert_array_equal(classifier.predict(X), expected["classes"])
    np.testing.assert_allclose(
        classifier.predict_proba(X), expected["proba"], rtol=1e-12, atol=1e-15
    )
    np.testing.assert_allclose(
        regressor.predict(X), expected["regression"], rtol=1e-12, atol=1e-15
    )
