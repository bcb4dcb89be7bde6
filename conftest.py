"""Collection of the package's doctests (pytest runs ``--doctest-modules``)."""

import importlib.util

# sknn_scratch.onnx cannot even be imported without the onnx extra
collect_ignore = []
if any(importlib.util.find_spec(m) is None for m in ("skl2onnx", "onnxruntime")):
    collect_ignore.append("sknn_scratch/onnx.py")
