"""Other array libraries where they enter: what fit, partial_fit and the
callbacks accept, and what they refuse, on PyTorch and array-api-strict input.

Each case once crashed inside the training step; here each behaves as its
numpy counterpart (the same model) or as ``predict`` does (the same error).
"""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor

torch = pytest.importorskip("torch", reason="PyTorch runs the array API tests")
strict = pytest.importorskip(
    "array_api_strict", reason="array-api-strict runs the array API tests"
)
callback = pytest.importorskip(
    "sklearn.callback", reason="scikit-learn's callbacks arrived in 1.9"
)

# (the array API tests' own helpers: one definition of each)
from test_array_api import LIBRARIES as OTHER_LIBRARIES  # noqa: E402
from test_array_api import dispatch, numpy_of  # noqa: E402

LIBRARIES = {"numpy": np.asarray, **OTHER_LIBRARIES}


def quiet(fit, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return fit(*args, **kwargs)


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64)
    counts = rng.poisson(np.exp(0.5 * X[:, 0])).astype(np.float64)
    return X, y, counts


@pytest.mark.parametrize("library", ["torch", "array_api_strict"])
@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
def test_poisson_loss_trains_in_the_inputs_library_as_numpy_does(data, library, solver):
    X, _, counts = data
    to = LIBRARIES[library]
    make = lambda: ScratchMLPRegressor(  # noqa: E731
        (4,), loss="poisson", solver=solver, max_iter=5, random_state=0
    )
    reference = quiet(make().fit, X, counts)
    with dispatch():
        reg = quiet(make().fit, to(X), to(counts))
        predicted = reg.predict(to(X))
    assert type(predicted) is type(to(X))
    assert reg.loss_ == pytest.approx(reference.loss_, rel=1e-9)
    np.testing.assert_allclose(
        numpy_of(predicted), reference.predict(X), rtol=1e-9, atol=1e-12
    )


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_scoring_monitor_scores_every_epoch_of_a_torch_fit(data, solver):
    X, y, _ = data

    def accuracies(X, y):
        monitor = callback.ScoringMonitor(scoring="accuracy")
        est = ScratchMLPClassifier((5,), solver=solver, max_iter=4, random_state=0)
        quiet(est.set_callbacks(monitor).fit, X, y)
        rows = monitor.get_logs(select="most_recent").data
        return [(row["task_name"], float(row["accuracy"])) for row in rows]

    expected = accuracies(X, y)
    with dispatch():
        scores = accuracies(torch.asarray(X), torch.asarray(y))
    assert [name for name, _ in scores].count("epoch") == 4
    assert [name for name, _ in scores] == [name for name, _ in expected]
    # (scikit-learn's accuracy of tensors is a float32)
    assert [s for _, s in scores] == pytest.approx([s for _, s in expected], abs=1e-6)


@pytest.mark.parametrize(
    "estimator", [ScratchMLPClassifier, ScratchMLPRegressor], ids=lambda c: c.__name__
)
@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
def test_a_tensor_that_records_gradients_fits_and_is_left_as_it_was(
    data, estimator, solver
):
    X, y, _ = data
    make = lambda: estimator((4,), solver=solver, max_iter=3, random_state=0)  # noqa: E731
    reference = quiet(make().fit, X, y)
    X_grad = torch.asarray(X).requires_grad_(True)
    y_grad = torch.asarray(y, dtype=torch.float64).requires_grad_(True)
    y_in = y_grad if estimator is ScratchMLPRegressor else torch.asarray(y)
    with dispatch():
        est = quiet(make().fit, X_grad, y_in)
        predicted = est.predict(X_grad)
        if solver == "sgd":
            est.partial_fit(X_grad, y_in)
    assert not any(W.requires_grad for W in est.coefs_ + est.intercepts_)
    np.testing.assert_allclose(
        numpy_of(predicted), reference.predict(X), rtol=1e-9, atol=1e-12
    )
    # the caller's tensor still records gradients, with its values
    assert X_grad.requires_grad and X_grad.grad is None
    np.testing.assert_array_equal(X_grad.detach().numpy(), X)


@pytest.mark.parametrize(
    "first, then",
    [
        ("torch", "array_api_strict"),
        ("array_api_strict", "torch"),
        ("torch", "numpy"),
        ("numpy", "torch"),
    ],
)
def test_partial_fit_in_another_library_is_refused_as_predict_refuses(
    data, first, then
):
    X, y, _ = data
    with dispatch():
        to = LIBRARIES[first]
        clf = ScratchMLPClassifier((4,), random_state=0)
        clf.partial_fit(to(X), to(y), classes=to(np.array([0, 1])))
        weights = [numpy_of(W).copy() for W in clf.coefs_]
        other = LIBRARIES[then]
        refused = "must use the same namespace"
        with pytest.raises(ValueError, match=refused) as fitting:
            clf.partial_fit(other(X), other(y))
        with pytest.raises(ValueError, match=refused) as predicting:
            clf.predict(other(X))
    assert str(fitting.value) == str(predicting.value).replace("predict", "partial_fit")
    # the model is untouched, and still trains in its own library
    for W, before in zip(clf.coefs_, weights):
        np.testing.assert_array_equal(numpy_of(W), before)
    with dispatch():
        clf.partial_fit(to(X), to(y))
    assert clf.t_ == 2 * len(X)
