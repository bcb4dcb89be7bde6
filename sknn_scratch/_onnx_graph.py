"""The ONNX graph of an estimator's network: nodes, and each activation's operators.

For :mod:`sknn_scratch.onnx`, which needs skl2onnx (this module is imported
only from there): :class:`Graph` adds nodes and constants to skl2onnx's
container; the built-in activations' operators are a table by class, and a
user's activation brings its own through its ``onnx_ops`` method.
"""

import numpy as np
from skl2onnx.algebra.onnx_operator import OnnxOperator, OnnxOperatorItem
from skl2onnx.algebra.onnx_ops import OnnxIdentity
from skl2onnx.proto import onnx_proto

from . import activations as act

FLOAT = onnx_proto.TensorProto.FLOAT
DOUBLE = onnx_proto.TensorProto.DOUBLE

# ------------------------------------------------------------ graph helpers


class Graph:
    """Adds nodes and constants to skl2onnx's container, with unique names."""

    def __init__(self, scope, container, proto_dtype):
        self.scope = scope
        self.container = container
        self.proto_dtype = proto_dtype
        self.dtype = np.float64 if proto_dtype == DOUBLE else np.float32

    def node(self, op_type, inputs, output=None, **attrs):
        output = output or self.scope.get_unique_variable_name(op_type.lower())
        self.container.add_node(
            op_type,
            inputs,
            output,
            name=self.scope.get_unique_operator_name(op_type),
            **attrs,
        )
        return output

    def constant(self, value, proto_dtype=None):
        value = np.asarray(value)
        if proto_dtype is None:
            proto_dtype = self.proto_dtype
            value = value.astype(self.dtype)
        name = self.scope.get_unique_variable_name("constant")
        self.container.add_initializer(
            name, proto_dtype, list(value.shape), value.ravel().tolist()
        )
        return name

    def row_sums(self, A, n_columns):
        # a product with a column of ones: the same in every opset, where
        # ReduceSum moved its axes from an attribute to an input
        return self.node("MatMul", [A, self.constant(np.ones((n_columns, 1)))])


def _ops_output(graph, make, Z, what="the graph"):
    """The name of ``make(X)``, skl2onnx operators built on the input ``Z``."""
    opv = graph.container.target_opset
    expression = make(OnnxIdentity(Z, op_version=opv), opv)
    if not isinstance(expression, OnnxOperator | OnnxOperatorItem):
        raise TypeError(
            f"{what} returned {type(expression).__name__} {expression!r:.80}, "
            "not an ONNX operator: onnx_ops(X, dtype, op_version) must return "
            "skl2onnx operators (from skl2onnx.algebra.onnx_ops) built on X, "
            "such as OnnxRelu(X, op_version=op_version)."
        )
    output = graph.scope.get_unique_variable_name("activation")
    OnnxIdentity(expression, op_version=opv, output_names=[output]).add_to(
        graph.scope, graph.container
    )
    return output


# ------------------------------------------------ the activations' operators
# each takes the graph, the activation and the name of its sums Z, and
# returns the name of f(Z); onnxruntime has no double LeakyRelu, Elu or
# Softplus, so those are written out in double


def _positive_or(graph, Z, negative):
    """``z`` where ``z > 0``, ``negative`` elsewhere."""
    positive = graph.node("Greater", [Z, graph.constant([0])])
    return graph.node("Where", [positive, Z, negative])


def _leaky_relu(graph, f, Z):
    if graph.dtype == np.float32:
        return graph.node("LeakyRelu", [Z], alpha=float(f.alpha))
    return _positive_or(graph, Z, graph.node("Mul", [Z, graph.constant([f.alpha])]))


def _elu(graph, f, Z):
    if graph.dtype == np.float32:
        return graph.node("Elu", [Z], alpha=float(f.alpha))
    # alpha (e^min(z, 0) - 1) for z <= 0
    exponential = graph.node("Exp", [graph.node("Min", [Z, graph.constant([0])])])
    less_one = graph.node("Sub", [exponential, graph.constant([1])])
    scaled = graph.node("Mul", [less_one, graph.constant([f.alpha])])
    return _positive_or(graph, Z, scaled)


def softplus(graph, f, Z):
    # max(z, 0) + ln(1 + e^-|z|): never overflows
    tail = graph.node("Exp", [graph.node("Neg", [graph.node("Abs", [Z])])])
    log = graph.node("Log", [graph.node("Add", [tail, graph.constant([1])])])
    return graph.node("Add", [graph.node("Relu", [Z]), log])


def _exp(graph, f, Z):
    largest = act._exponent_limit(np.dtype(graph.dtype))
    return graph.node("Exp", [graph.node("Min", [Z, graph.constant([largest])])])


def _op(op_type, **attributes):
    return lambda graph, f, Z: graph.node(op_type, [Z], **attributes)


#: the ONNX operators of each built-in activation, by class
_ACTIVATIONS = {
    act.Sigmoid: _op("Sigmoid"),
    act.Tanh: _op("Tanh"),
    act.ReLU: _op("Relu"),
    act.LeakyReLU: _leaky_relu,
    act.ELU: _elu,
    act.Softplus: softplus,
    act.Identity: _op("Identity"),
    act.Exp: _exp,
    # over the rows of a 2-D tensor, in every opset
    act.Softmax: _op("Softmax", axis=1),
}


def _computes(activation, name, protocol=("forward", "forward_into")):
    """Whether ``activation``'s ``name`` (a method, or a class of the table)
    computes its ``forward``: defined where ``forward`` and ``forward_into``
    are, or below them, and not replaced on the object itself."""
    own = getattr(activation, "__dict__", {})
    if any(method in own for method in protocol):
        return False
    mro = type(activation).__mro__
    where = name if isinstance(name, type) else _owner(mro, name)
    return where is not None and all(
        _owner(mro, method) is None or issubclass(where, _owner(mro, method))
        for method in protocol
    )


def _owner(mro, name):
    return next((klass for klass in mro if name in vars(klass)), None)


def apply_activation(graph, activation, Z, owner, attribute):
    """The name of ``activation.forward(Z)`` in the graph."""
    if callable(getattr(activation, "onnx_ops", None)) and (
        "onnx_ops" in getattr(activation, "__dict__", {})
        or _computes(activation, "onnx_ops")
    ):
        return _ops_output(
            graph,
            lambda X, opv: activation.onnx_ops(X, dtype=graph.dtype, op_version=opv),
            Z,
            what=f"The onnx_ops of {type(owner).__name__}'s {attribute} {activation!r}",
        )
    for klass in type(activation).__mro__:
        if klass in _ACTIVATIONS and _computes(activation, klass):
            return _ACTIVATIONS[klass](graph, activation, Z)
    raise TypeError(
        f"Cannot convert {type(owner).__name__} to ONNX: its {attribute} "
        f"{activation!r} is not a built-in activation ({_BUILTIN_NAMES}) and "
        f"has no method onnx_ops(X, dtype, op_version) returning its ONNX "
        f"operators. Define onnx_ops on {type(activation).__name__} (see "
        "sknn_scratch.onnx)."
    )


_BUILTIN_NAMES = "Sigmoid, Tanh, ReLU, LeakyReLU, ELU, Softplus, Identity, Softmax, Exp"
