"""Every warning the estimators give points at the line of the user's call.

A warning's stack level decides the file and line Python prints with it (and
which ``warnings.filterwarnings(module=...)`` filters apply): it must be the
caller's, not a line inside sknn_scratch or scikit-learn.
"""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sknn_scratch import ScratchMLPClassifier, ScratchMLPRegressor, TrivialModelWarning


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 3))
    y = (X[:, 0] > 0).astype(int)
    return X, y


def _warnings_of(call, *args, **kwargs):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        try:
            call(*args, **kwargs)
        except ValueError:
            pass  # a diverged fit warns, with early stopping, and goes on
    return record


CASES = {
    "max_iter reached": (
        lambda: ScratchMLPClassifier((3,), max_iter=2, random_state=0),
        "fit",
        ConvergenceWarning,
        "Maximum iterations",
    ),
    "batch_size clipped (fit)": (
        lambda: ScratchMLPClassifier((3,), batch_size=100, max_iter=2),
        "fit",
        UserWarning,
        "It is going to be clipped",
    ),
    "batch_size clipped (partial_fit)": (
        lambda: ScratchMLPRegressor((3,), batch_size=100),
        "partial_fit",
        UserWarning,
        "It is going to be clipped",
    ),
    "lbfgs did not converge": (
        lambda: ScratchMLPClassifier((3,), solver="lbfgs", max_iter=2),
        "fit",
        ConvergenceWarning,
        "lbfgs failed to converge",
    ),
    "no better than the trivial model": (
        lambda: ScratchMLPClassifier((3,), learning_rate_init=1e-12, random_state=0),
        "fit",
        TrivialModelWarning,
        "no better than the trivial model",
    ),
    "diverged with early stopping": (
        lambda: ScratchMLPRegressor(
            (8,),
            activation="relu",
            solver="sgd",
            learning_rate_init=1e6,
            early_stopping=True,
            max_iter=50,
            random_state=0,
        ),
        "fit",
        ConvergenceWarning,
        "Training diverged",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_warning_points_at_the_callers_line(data, case):
    make, method, category, text = CASES[case]
    X, y = data
    estimator = make()
    if isinstance(estimator, ScratchMLPRegressor):
        y = 1000 * X[:, 0] + 50.0
    kwargs = (
        {"classes": [0, 1]} if method == "partial_fit" and y.dtype.kind == "i" else {}
    )
    record = _warnings_of(getattr(estimator, method), X, y, **kwargs)
    ours = [
        w for w in record if issubclass(w.category, category) and text in str(w.message)
    ]
    assert ours, [str(w.message) for w in record]
    for w in ours:
        assert w.filename == __file__, (w.filename, w.lineno)
