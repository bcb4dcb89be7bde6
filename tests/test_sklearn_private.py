"""scikit-learn's private helpers: used from one module, with fallbacks.

A private name can move in any minor release (``check_same_namespace``,
new in scikit-learn 1.9, once broke ``import sknn_scratch`` on 1.8).
sknn_scratch._sklearn_private imports each and, where a supported
scikit-learn lacks it, does the same itself; CI runs the oldest supported
scikit-learn (.ci/run). Here: no other module imports one, and each
fallback does what scikit-learn's own does.
"""

import ast
import warnings
from pathlib import Path

import numpy as np
import pytest
import sklearn
from sklearn.exceptions import ConvergenceWarning

import sknn_scratch
from sknn_scratch import ScratchMLPClassifier, _sklearn_private

PACKAGE = Path(sknn_scratch.__file__).parent


def _private_sklearn_imports(path):
    """``(module, name)`` of each private scikit-learn import in a file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "sklearn"
        ):
            private_module = any(p.startswith("_") for p in node.module.split("."))
            for alias in node.names:
                if private_module or alias.name.startswith("_"):
                    found.append((node.module, alias.name))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "sklearn" and any(p.startswith("_") for p in parts):
                    found.append((alias.name, None))
    return found


def test_only_one_module_imports_private_scikit_learn_names():
    # (sklearn.callback's own, in _warn.py, exists from 1.9 and is guarded)
    allowed = {"_sklearn_private.py", "_warn.py"}
    offenders = {
        path.name: imports
        for path in sorted(PACKAGE.glob("*.py"))
        if path.name not in allowed and (imports := _private_sklearn_imports(path))
    }
    assert offenders == {}


def _torch_model(torch, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with sklearn.config_context(array_api_dispatch=True):
            clf = ScratchMLPClassifier((4,), max_iter=3, random_state=0)
            return clf.fit(torch.asarray(X), torch.asarray(y))


@pytest.fixture(scope="module")
def data():
    X = np.random.RandomState(0).normal(size=(30, 3))
    return X, (X[:, 0] > 0).astype(np.int64)


def test_the_fallbacks_do_what_scikit_learns_helpers_do(data):
    torch = pytest.importorskip("torch", reason="another library's arrays")
    if not hasattr(sklearn.utils._array_api, "move_estimator_to"):
        pytest.skip("scikit-learn before 1.9: the fallbacks are the helpers")
    X, y = data
    clf = _torch_model(torch, X, y)
    # check_same_namespace: the same error, but for the advice
    with sklearn.config_context(array_api_dispatch=True):
        messages = []
        for check in (
            _sklearn_private.check_same_namespace,
            _sklearn_private._check_same_namespace,
        ):
            with pytest.raises(ValueError) as refused:
                check(X, clf, attribute="_fitted_array", method="predict")
            messages.append(str(refused.value))
        for check in (
            _sklearn_private.check_same_namespace,
            _sklearn_private._check_same_namespace,
        ):
            check(torch.asarray(X), clf, attribute="_fitted_array", method="predict")
    ours, theirs = (m.split(" You can move")[0] for m in messages)
    assert ours == theirs
    assert "sknn_scratch.move_estimator_to" in messages[1]
    # move_to and move_estimator_to: the same arrays
    xp = _sklearn_private.compat_namespace(np.empty(0))
    tensor = torch.asarray(X)
    np.testing.assert_array_equal(
        _sklearn_private._move_to(tensor, xp=xp, device="cpu"),
        _sklearn_private.move_to(tensor, xp=xp, device="cpu"),
    )
    moved = _sklearn_private._move_estimator_to(clf, xp, "cpu")
    reference = _sklearn_private.move_estimator_to(clf, xp, "cpu")
    for ours, theirs in zip(moved.coefs_, reference.coefs_):
        assert type(ours) is np.ndarray
        np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(moved.predict_proba(X), reference.predict_proba(X))
