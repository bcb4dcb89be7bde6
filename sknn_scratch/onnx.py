"""ONNX export of the fitted estimators, through skl2onnx.

Importing this module registers a shape calculator and a converter for
:class:`~sknn_scratch.ScratchMLPClassifier` and
:class:`~sknn_scratch.ScratchMLPRegressor` with skl2onnx, so that skl2onnx's
own ``to_onnx`` and ``convert_sklearn`` convert them, alone or inside a
``Pipeline``. It needs the ``onnx`` extra (skl2onnx, and onnxruntime to run
the models).

The ONNX graph computes what ``predict`` and ``predict_proba`` compute, with
the same formulas, in float32 (double for double input). A classifier has
skl2onnx's two outputs, the labels and the probabilities, and its options
``zipmap``, ``nocl`` and ``output_class_labels``, as for scikit-learn's
``MLPClassifier``; a regressor has one output of shape ``(n_samples,
n_outputs)``.

Each built-in activation is converted by its entry in a table by class, in
``sknn_scratch._onnx_graph`` (a subclass that changes only parameters uses
its built-in's entry). An activation of your own is converted when it has a method::

    onnx_ops(X, dtype, op_version)

which returns the skl2onnx operator (from ``skl2onnx.algebra.onnx_ops``)
computing ``forward(X)`` elementwise from the operator ``X``; ``dtype`` is
the numpy dtype of the computation (``np.float32`` or ``np.float64``), for
constants, and ``op_version`` the ONNX opset to pass to every operator. Any
other activation stops the conversion with a ``TypeError`` that names it.

Examples
--------
The article's four people (Female is 1), and Emily and Frank:

>>> import numpy as np
>>> import onnxruntime as ort
>>> from skl2onnx import to_onnx
>>> import sknn_scratch.onnx  # registers the converters
>>> from sknn_scratch import ScratchMLPClassifier
>>> X = np.array([[-2, -1], [25, 6], [17, 4], [-15, -6]], dtype=np.float32)
>>> clf = ScratchMLPClassifier(hidden_layer_sizes=(2,), random_state=0)
>>> clf = clf.fit(X, [1, 0, 0, 1])
>>> onx = to_onnx(clf, X, options={"zipmap": False})
>>> session = ort.InferenceSession(onx.SerializeToString())
>>> X_new = np.array([[-7, -3], [20, 2]], dtype=np.float32)
>>> labels, probabilities = session.run(None, {"X": X_new})
>>> labels.tolist()
[1, 0]
>>> bool(np.allclose(probabilities, clf.predict_proba(X_new), atol=1e-5))
True
"""

import warnings

try:
    from skl2onnx import update_registered_converter
    from skl2onnx.common.data_types import (
        BooleanTensorType,
        DoubleTensorType,
        FloatTensorType,
        Int64TensorType,
        guess_proto_type,
    )
    from skl2onnx.common.shape_calculator import (
        calculate_linear_classifier_output_shapes,
    )
    from skl2onnx.common.utils import (
        check_input_and_output_numbers,
        check_input_and_output_types,
    )
    from skl2onnx.common.utils_classifier import get_label_classes
    from skl2onnx.proto import onnx_proto
except ImportError as exc:
    raise ImportError(
        "sknn_scratch.onnx requires skl2onnx, which is not installed: pip "
        "install skl2onnx onnxruntime (or, from a clone of the repository, the "
        'onnx extra: python -m pip install ".[onnx]")'
    ) from exc

import numpy as np

from . import activations as act
from ._classifier import ScratchMLPClassifier
from ._network import hidden_activations
from ._onnx_graph import DOUBLE, FLOAT, Graph, apply_activation, softplus
from ._regressor import ScratchMLPRegressor
from .activations import Sigmoid, Softmax

__all__ = []

INT64 = onnx_proto.TensorProto.INT64
STRING = onnx_proto.TensorProto.STRING


def _forward(graph, model, input_name, layers=None):
    """Names of the output layer's sums ``Z`` and outputs ``A``.

    ``layers=-1``: of the last hidden layer (``transform``'s features).
    """
    A = Z = graph.node("Cast", [input_name], to=graph.proto_dtype)
    last = len(model.coefs_) - 1
    hidden = hidden_activations(model.hidden_activation_, last)
    per_layer = isinstance(model.hidden_activation_, list | tuple)
    layer_weights = list(zip(model.coefs_, model.intercepts_))[:layers]
    for i, (W, b) in enumerate(layer_weights):
        product = graph.node("MatMul", [A, graph.constant(W)])
        Z = graph.node("Add", [product, graph.constant(np.reshape(b, (1, -1)))])
        if i < last:
            activation = hidden[i]
            attribute = "hidden_activation_" + (f"[{i}]" if per_layer else "")
        else:
            activation, attribute = model.output_activation_, "output_activation_"
        A = apply_activation(graph, activation, Z, model, attribute)
    return Z, A


def _graph_for(scope, operator, container):
    _check_opset(operator.raw_operator, container.target_opset)
    proto_dtype = guess_proto_type(operator.inputs[0].type)
    if proto_dtype != DOUBLE:
        proto_dtype = FLOAT
    return Graph(scope, container, proto_dtype)


#: the first opset whose operators the graph can use: Where (opset 9) and
#: Min, Max with broadcasting (opset 8)
MIN_OPSET = 9


def _check_opset(model, target_opset):
    opset = (
        target_opset.get("", MIN_OPSET)
        if isinstance(target_opset, dict)
        else target_opset
    )
    if opset is not None and opset < MIN_OPSET:
        raise ValueError(
            f"Cannot convert {type(model).__name__} to ONNX with target_opset="
            f"{opset}: its graph needs opset {MIN_OPSET} or later (the operator "
            "Where, and Min and Max with broadcasting). Pass target_opset="
            f"{MIN_OPSET} or more, or leave it out for skl2onnx's latest."
        )


def _check_numpy(model):
    """The converters read the weights with numpy: a model fitted on another
    library's arrays (PyTorch tensors) must move to numpy first."""
    arrays = [*model.coefs_, *model.intercepts_, getattr(model, "classes_", None)]
    if any(a is not None and not isinstance(a, np.ndarray) for a in arrays):
        library = type(model.coefs_[0]).__module__.split(".")[0]
        raise TypeError(
            f"Cannot convert {type(model).__name__} to ONNX: it was fitted on "
            f"{library} arrays, and its weights are {library}'s. Move it to "
            "numpy first: sknn_scratch.move_estimator_to(model, numpy)."
        )


def _feeding(operator, through=("SklearnZipMap",)):
    """The types of the operators that take this one's outputs as inputs.

    In a ``Pipeline`` (not last) or a ``FeatureUnion`` a network is a
    transform step. ``through``: operators skl2onnx adds to a classifier's
    own outputs (its ZipMap), whose consumers count instead.
    """
    names = {v.onnx_name for v in operator.outputs}
    found = []
    for other in operator.scope_inst.operators.values():
        if other is operator or not any(v.onnx_name in names for v in other.inputs):
            continue
        if other.type in through:
            found += _feeding(other, through)
        else:
            found.append(other.type)
    return found


# --------------------------------------------------------------- classifier


def _is_multilabel(model):
    # what predict documents: an indicator matrix for multilabel data
    with warnings.catch_warnings():
        # fitted on a DataFrame: the row of zeros has no feature names
        warnings.simplefilter("ignore", UserWarning)
        labels = model.predict(np.zeros((1, model.n_features_in_)))
    return np.ndim(labels) == 2


def _normalised_sigmoids(graph, Z):
    """The sigmoids of ``Z`` divided by their row sums.

    Computed as the softmax of the log-sigmoids, for every row: the same
    values, but onnxruntime's float Sigmoid is accurate to about 1e-7 only
    in absolute terms (it returns 0 below -16), which a division by the sum
    of small sigmoids would magnify.
    """

    # log(sigmoid(z)) = -softplus(-z), finite for any finite z
    minus = graph.node("Neg", [Z])
    log_sigmoids = graph.node("Neg", [softplus(graph, None, minus)])
    return graph.node("Softmax", [log_sigmoids], axis=1)


def _rescaled_outputs(graph, model, Z, A, single_label):
    """Outputs of another activation, mapped from the loss's target range."""
    low, high = getattr(model.loss_function_, "target_range", (0, 1))
    shifted = graph.node("Sub", [A, graph.constant([low])])
    scaled = graph.node("Div", [shifted, graph.constant([high - low])])
    P = graph.node(
        "Max",
        [graph.node("Min", [scaled, graph.constant([1])]), graph.constant([0])],
    )
    if not single_label:
        return P
    sums = graph.row_sums(P, model.n_outputs_)
    positive = graph.node("Greater", [sums, graph.constant([0])])
    divisor = graph.node("Where", [positive, sums, graph.constant([1])])
    uniform = graph.constant([1 / model.n_outputs_])
    P = graph.node("Where", [positive, graph.node("Div", [P, divisor]), uniform])
    if type(model.output_activation_) is act.Softplus and low == 0:
        # softplus(z) = ln(1 + e^z) is e^z (1 - e^z / 2 + ...): where a row's
        # outputs are all tiny, their normalised values are the softmax of z
        # to within the dtype's precision, where onnxruntime's float
        # softplus rounds them to 0 (z below about -37 or -87)
        eps = graph.constant([np.finfo(graph.dtype).eps])
        tiny = graph.node("Less", [sums, eps])
        P = graph.node("Where", [tiny, graph.node("Softmax", [Z], axis=1), P])
    return P


def _probabilities(graph, model, Z, A):
    """``predict_proba``'s formulas, as in ``ScratchMLPClassifier``."""
    activation = model.output_activation_
    multilabel = _is_multilabel(model)
    single_label = model.n_outputs_ > 1 and not multilabel
    if isinstance(activation, Softmax):
        P = A
    elif isinstance(activation, Sigmoid):
        P = A
        if single_label and type(activation) is Sigmoid:
            P = _normalised_sigmoids(graph, Z)
        elif single_label:
            # a subclass's outputs need not be the sigmoids of Z
            P = graph.node("Div", [A, graph.row_sums(A, model.n_outputs_)])
    else:
        P = _rescaled_outputs(graph, model, Z, A, single_label)
    if model.n_outputs_ == 1 and not multilabel:
        complement = graph.node("Sub", [graph.constant([1]), P])
        P = graph.node("Concat", [complement, P], axis=1)
    return P


def _check_int64_labels(model, classes):
    """skl2onnx's integer labels are int64: larger uint64 ones are refused."""
    # (as Python ints: numpy before 2 compares uint64 with an int as floats)
    if classes.dtype.kind == "u" and classes.size and int(classes.max()) > INT64_MAX:
        raise ValueError(
            f"Cannot convert {type(model).__name__} to ONNX: its classes_ "
            f"include {classes.max()}, above 2**63 - 1, and skl2onnx's labels "
            "are int64 (they would come back negative). Encode the labels "
            "(sklearn.preprocessing.LabelEncoder) before fitting, or convert "
            'with options={"nocl": True} and map the class indices yourself.'
        )


def _class_labels(scope, model):
    """The classes as an ONNX tensor type and values (skl2onnx's convention)."""
    classes = np.asarray(get_label_classes(scope, model))
    if classes.dtype.kind in "OUS":
        return STRING, np.array([str(c).encode("utf-8") for c in classes])
    # booleans and floats too: a classifier's float labels are integral
    return INT64, classes.astype(np.int64)


INT64_MAX = np.iinfo(np.int64).max

# the float64 sigmoid is exactly 1 above 53 ln 2, where exp(-z) < 2^-53
_SIGMOID_64_SATURATES = 53 * np.log(2)


def _labels(graph, model, Z, P, label_name, scope):
    """``predict``'s labels, read from the graph's float32 values.

    ``predict`` thresholds (multilabel) or takes the row argmax of float64
    probabilities. Sigmoids round to 1 in float32 from z = 17, in float64
    from z = 37, so in between the float32 probabilities tie where
    ``predict``'s do not: for sigmoid outputs the labels are read from the
    sums ``Z``, which are in the sigmoids' order.
    """
    # the built-in only: a subclass's outputs need not be the sigmoids of Z
    sigmoid = type(model.output_activation_) is Sigmoid
    if _is_multilabel(model):
        # LabelBinarizer.inverse_transform: strictly above 0.5, i.e. z > 0
        above = (
            graph.node("Greater", [Z, graph.constant([0])])
            if sigmoid
            else graph.node("Greater", [P, graph.constant([0.5])])
        )
        graph.node("Cast", [above], label_name, to=INT64)
        return
    scores = P
    if sigmoid and model.n_outputs_ == 1:
        # columns 1 - p and p: class 1 where z > 0 (a tie at 0 is class 0)
        scores = graph.node("Concat", [graph.node("Neg", [Z]), Z], axis=1)
    elif sigmoid:
        # where several sigmoids are 1 in float64, predict takes the first
        bound = graph.constant([_SIGMOID_64_SATURATES])
        scores = graph.node("Min", [Z, bound])
    class_type, classes = _class_labels(scope, model)
    positions = graph.node("ArgMax", [scores], axis=1, keepdims=0)
    graph.node(
        "Gather", [graph.constant(classes, class_type), positions], label_name, axis=0
    )


def _convert_classifier(scope, operator, container):
    model = operator.raw_operator
    _check_numpy(model)
    graph = _graph_for(scope, operator, container)
    Z, A = _forward(graph, model, operator.inputs[0].full_name)
    P = _probabilities(graph, model, Z, A)
    label_name, proba_name = (v.full_name for v in operator.outputs[:2])
    graph.node("Identity", [P], proba_name)
    _labels(graph, model, Z, P, label_name, scope)


def _classifier_shapes(operator):
    model = operator.raw_operator
    _check_numpy(model)
    # (before skl2onnx's ZipMap, which converts the labels first)
    _check_int64_labels(model, np.asarray(model.classes_))
    feeds = _feeding(operator)
    if feeds:
        raise ValueError(
            f"Cannot convert {type(model).__name__} as a transform step (its "
            f"outputs feed {', '.join(feeds)}): there scikit-learn calls its "
            "transform, the last hidden layer's outputs, and skl2onnx gives "
            "a classifier two outputs, labels and probabilities. Convert a "
            "ScratchMLPRegressor as the feature step, whose converter exports "
            "transform there, or put the classifier last."
        )
    calculate_linear_classifier_output_shapes(operator)
    if _is_multilabel(model):
        N = operator.inputs[0].get_first_dimension()
        operator.outputs[0].set_type(Int64TensorType([N, model.n_outputs_]))


# ---------------------------------------------------------------- regressor


def _convert_regressor(scope, operator, container):
    model = operator.raw_operator
    _check_numpy(model)
    graph = _graph_for(scope, operator, container)
    # a transform step (in a Pipeline, not last, or a FeatureUnion): what
    # scikit-learn calls there, transform's hidden features
    layers = -1 if _feeding(operator) else None
    _, A = _forward(graph, model, operator.inputs[0].full_name, layers)
    graph.node("Identity", [A], operator.outputs[0].full_name)


def _regressor_shapes(operator):
    _check_numpy(operator.raw_operator)
    check_input_and_output_numbers(operator, input_count_range=1, output_count_range=1)
    check_input_and_output_types(
        operator,
        good_input_types=[
            BooleanTensorType,
            DoubleTensorType,
            FloatTensorType,
            Int64TensorType,
        ],
    )
    double = isinstance(operator.inputs[0].type, DoubleTensorType)
    tensor_type = DoubleTensorType if double else FloatTensorType
    N = operator.inputs[0].get_first_dimension()
    model = operator.raw_operator
    width = model._n_features_out if _feeding(operator) else model.n_outputs_
    operator.outputs[0].set_type(tensor_type([N, width]))


def _parse_classifier(scope, model, inputs, custom_parsers=None):
    """skl2onnx's parser of classifiers, after the check that the model's
    arrays are numpy's (the parser reads ``classes_``)."""
    from skl2onnx._parse import _parse_sklearn_classifier

    _check_numpy(model)
    return _parse_sklearn_classifier(scope, model, inputs, custom_parsers)


update_registered_converter(
    ScratchMLPClassifier,
    "SknnScratchMLPClassifier",
    _classifier_shapes,
    _convert_classifier,
    parser=_parse_classifier,
    options={
        "zipmap": [True, False, "columns"],
        "output_class_labels": [False, True],
        "nocl": [True, False],
    },
)
update_registered_converter(
    ScratchMLPRegressor,
    "SknnScratchMLPRegressor",
    _regressor_shapes,
    _convert_regressor,
)
