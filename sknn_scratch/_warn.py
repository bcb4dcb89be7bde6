"""Warnings that point at the user's line, wherever in the package they start."""

import os
import sys
import warnings

import sklearn.base

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep
# scikit-learn's wrappers of fit and partial_fit (parameter validation, and
# callbacks where scikit-learn has them) sit between the user and the package
_WRAPPERS = {os.path.abspath(sklearn.base.__file__)}
try:
    import sklearn.callback._callback_support as _callback_support

    _WRAPPERS.add(os.path.abspath(_callback_support.__file__))
except ImportError:  # scikit-learn < 1.9: no callbacks
    pass


def warn(message, category=UserWarning):
    """``warnings.warn``, at the first frame outside this package.

    The stack level decides the file and line Python prints with a warning
    (and which ``warnings.filterwarnings(module=...)`` apply): it must be the
    caller's, not a line inside sknn_scratch or scikit-learn's wrappers.
    """
    frame, level = sys._getframe(1), 2
    while frame is not None and _inside(frame.f_code.co_filename):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


def _inside(filename):
    path = os.path.abspath(filename)
    return path.startswith(_PACKAGE) or path in _WRAPPERS
