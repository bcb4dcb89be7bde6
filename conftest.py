"""Collection of the package's doctests (pytest runs ``--doctest-modules``).

SCIPY_ARRAY_API=1: scikit-learn's array API checks (arrays of PyTorch and
array-api-strict) run with the others; scipy reads it when first imported,
so it is set here, before any test module imports scipy.
"""

import importlib.util
import os

os.environ.setdefault("SCIPY_ARRAY_API", "1")

# sknn_scratch.onnx cannot even be imported without the onnx extra
collect_ignore = []
if any(importlib.util.find_spec(m) is None for m in ("skl2onnx", "onnxruntime")):
    collect_ignore.append("sknn_scratch/onnx.py")
