"""Every private helper of scikit-learn the package uses, in one place.

A private name can move or vanish in any minor release: importing
``check_same_namespace`` (new in scikit-learn 1.9) once broke
``import sknn_scratch`` on 1.8. So each is imported here and nowhere else,
and where a supported scikit-learn (1.6 and later, see pyproject.toml) lacks
one, a fallback here does the same. CI runs the oldest and the newest
supported scikit-learn (.ci/run).

=============================  =====================================  =========
name                           what for                               since
=============================  =====================================  =========
``_fit_context``               parameter validation before ``fit``    1.3
``_check_sample_weight``       ``sample_weight`` checked              (1.0)
``_check_partial_fit_first_    ``classes`` on the first               (0.x)
call``                         ``partial_fit``
``HasMethods``, ``Interval``,  ``_parameter_constraints``             1.2
``Options``, ``StrOptions``,
``InvalidParameterError``
``get_chunk_n_rows``           rows per chunk of ``predict``          (0.x)
``get_namespace``,             the library and device of an array     1.4
``get_namespace_and_device``,
``_is_numpy_namespace``,
``device``
``check_same_namespace``       ``predict`` on another library's       1.9,
                               arrays than ``fit``'s: refused         fallback
``move_to``                    an array into numpy (or another        1.9,
                               library)                               fallback
``move_estimator_to``          a fitted model into another library    1.9,
                               (``sknn_scratch.move_estimator_to``)   fallback
``externals.array_api_compat`` array-api-compat, vendored (before     1.7,
                               1.7 the ``array-api-compat`` package)  fallback
=============================  =====================================  =========
"""

from functools import partial

import numpy as np
from scipy.sparse import issparse
from sklearn import get_config
from sklearn.base import _fit_context
from sklearn.utils._array_api import (
    _is_numpy_namespace,
    device,
    get_namespace,
    get_namespace_and_device,
)
from sklearn.utils._chunking import get_chunk_n_rows
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    InvalidParameterError,
    Options,
    StrOptions,
)
from sklearn.utils.multiclass import _check_partial_fit_first_call
from sklearn.utils.validation import _check_sample_weight

__all__ = [
    "HasMethods",
    "InvalidParameterError",
    "Interval",
    "Options",
    "StrOptions",
    "_check_partial_fit_first_call",
    "_check_sample_weight",
    "_fit_context",
    "_is_numpy_namespace",
    "check_same_namespace",
    "compat_namespace",
    "device",
    "get_chunk_n_rows",
    "get_namespace",
    "get_namespace_and_device",
    "move_estimator_to",
    "move_to",
]


def _check_same_namespace(X, estimator, *, attribute, method):
    """scikit-learn 1.9's ``check_same_namespace``, in its words, for 1.6-1.8.

    ``X`` must be of the library and on the device of the fitted
    ``attribute`` (under array API dispatch), or the ``method`` refuses it.
    """
    if not get_config()["array_api_dispatch"]:
        return
    a_xp, _, a_device = get_namespace_and_device(getattr(estimator, attribute))
    X_xp, _, X_device = get_namespace_and_device(X)
    if X_xp == a_xp and X_device == a_device:
        return
    if _is_numpy_namespace(a_xp) and _is_numpy_namespace(X_xp):
        return  # lists, sparse matrices and numpy arrays: all numpy's
    if X_xp != a_xp:
        difference = (
            f"Array namespaces used during fit ({a_xp.__name__}) "
            f"and {method} ({X_xp.__name__}) differ."
        )
    else:
        difference = (
            f"Devices used during fit ({a_device}) and {method} ({X_device}) differ."
        )
    raise ValueError(
        f"Inputs passed to {type(estimator).__name__}.{method}() must use the "
        "same namespace and the same device as those passed to fit(). "
        f"{difference} You can move the estimator to the same namespace and "
        "device as X with sknn_scratch.move_estimator_to(estimator, xp, device)."
    )


def _host_numpy(array):
    """``array`` (of any library, on any device) as a numpy array in memory."""
    if isinstance(array, np.ndarray):
        return array
    module = type(array).__module__.split(".")[0]
    if module == "torch":
        return array.detach().to("cpu").numpy()
    if module == "cupy":
        return array.get()
    try:
        return np.from_dlpack(array)
    except (TypeError, RuntimeError, BufferError, AttributeError):
        return np.asarray(array)


def _move_to(*arrays, xp, device):
    """scikit-learn 1.9's ``move_to``, through numpy, for 1.6-1.8."""
    moved = []
    for array in arrays:
        if array is None or issparse(array):
            moved.append(array)
            continue
        array_xp, _, array_device = get_namespace_and_device(array)
        if array_xp == xp and array_device == device:
            moved.append(array)
        elif _is_numpy_namespace(xp):
            moved.append(_host_numpy(array))
        else:
            moved.append(xp.asarray(_host_numpy(array), device=device))
    return moved[0] if len(moved) == 1 else tuple(moved)


def _move_estimator_to(estimator, xp, device):
    """scikit-learn 1.9's ``move_estimator_to``, for 1.6-1.8: through the
    estimator's ``__sklearn_array_api_convert__`` hook."""
    return estimator.__sklearn_array_api_convert__(
        partial(_move_to, xp=xp, device=device)
    )


try:  # scikit-learn >= 1.9
    from sklearn.utils._array_api import check_same_namespace
except ImportError:
    check_same_namespace = _check_same_namespace
try:
    from sklearn.utils._array_api import move_estimator_to, move_to
except ImportError:
    move_to, move_estimator_to = _move_to, _move_estimator_to


def compat_namespace(array):
    """array-api-compat's namespace of ``array``, as scikit-learn's own
    array API code sees it (vendored since scikit-learn 1.7; before, the
    ``array-api-compat`` package that array API dispatch needs)."""
    try:
        from sklearn.externals.array_api_compat import array_namespace
    except ImportError:
        from array_api_compat import array_namespace
    return array_namespace(array)
