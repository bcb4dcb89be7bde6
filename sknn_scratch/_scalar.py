"""The training step on Python floats, compiled for tiny networks.

For a network like the article's 2-2-1, numpy's cost per call (about 25 calls
per sample) outweighs the arithmetic many times over. Trained one sample at
a time with plain SGD, such a network runs the same step as
:meth:`sknn_scratch._network.Network.train_step` written out for its shape,
every weight a local variable, as the article writes its ``train``: one
update costs a few microseconds.

The formulas are the components': each activation's ``scalar_forward`` and
``scalar_derivative``, the loss's ``scalar_loss`` and ``scalar_gradient``,
the penalty's ``scalar_value`` and ``scalar_decay``. A form whose body is one
``return`` of an expression is inlined (a call would cost as much as the
rest of an update); any other is called. Only the sums, the chain rule's
products and the update (which the optimizer folds into ``w <- w - step``)
are written out here. Networks, components or optimizers without these forms
train through the one step.
"""

import ast
import builtins
import functools
import inspect
import linecache
import math
import textwrap
import types
from array import array

import numpy as np

from ._registry import defines_own

#: networks with at most this many weights train one sample at a time on
#: Python floats: below it, ~25 numpy calls per sample cost more than the loops
MAX_WEIGHTS = 40


def scalar_epochs(network, optimizer, X, Y, batch_size):
    """A runner of whole epochs on Python floats, or ``None`` if it does not apply.

    It applies to one sample per update with an optimizer that folds the
    learning rate in (plain SGD), in float64, on dense data, for networks of
    at most :data:`MAX_WEIGHTS` weights whose activations and loss have scalar
    forms of their own.
    """
    activations, loss = network.activations, network.loss
    if (
        batch_size != 1
        or not getattr(optimizer, "folds_learning_rate", False)
        or type(X) is not np.ndarray
        or X.dtype != np.float64
        or any(p.dtype != np.float64 for p in network.params)
        or sum(W.size for W in network.coefs) > MAX_WEIGHTS
        or not all(_has_scalar_forms(f) for f in activations)
        or not defines_own(loss, "scalar_gradient", over="loss_and_gradient_into")
        or not defines_own(loss, "scalar_loss", over="loss_and_gradient_into")
    ):
        return None
    return ScalarEpochs(network, X, Y)


def _has_scalar_forms(activation):
    return all(
        defines_own(activation, form, over="forward_into")
        and defines_own(activation, form, over="times_derivative")
        for form in ("scalar_forward", "scalar_derivative")
    )


class ScalarEpochs:
    """Epochs of per-sample SGD on Python floats, for one fit.

    The weights live in a flat list during the fit; :meth:`sync` copies them
    into the network's arrays. The three sets of weights to return to if
    training diverges (see :class:`sknn_scratch._checkpoint.ArrayCheckpoint`)
    are lists too: every epoch makes a new one, so keeping one costs no copy.
    """

    def __init__(self, network, X, Y):
        self.params = network.params
        self.X, self.Y = X.tolist(), Y.astype(np.float64).tolist()
        units = [network.coefs[0].shape[0]] + [W.shape[1] for W in network.coefs]
        forms = _Forms(network)
        source = epoch_source(units, forms)
        self.epoch = _compiled(source, "-".join(map(str, units)))
        self.ops = forms.values()
        self.flat = [v for p in self.params for v in p.ravel().tolist()]
        self.views = [memoryview(p).cast("B").cast("d") for p in self.params]
        self.start = self.good = self.previous = self.flat

    def run(self, order, sample_weight, learning_rate, interrupt):
        """Train one epoch; return the sum of sample losses times weights."""
        order = range(len(self.X)) if order is None else order.tolist()
        weights = (
            [1.0] * len(self.X) if sample_weight is None else sample_weight.tolist()
        )
        self.flat, accumulated = self.epoch(
            self.X,
            self.Y,
            order,
            weights,
            self.flat,
            learning_rate,
            interrupt,
            self.ops,
        )
        return accumulated

    def sync(self):
        """Copy the weights into the network's arrays."""
        source, start = memoryview(array("d", self.flat)), 0
        for view in self.views:
            view[:] = source[start : start + len(view)]
            start += len(view)

    def params_finite(self):
        return all(map(math.isfinite, self.flat))

    def save(self):
        self.previous, self.good = self.good, self.flat

    def restore_each(self):
        """Restore each kept set of weights in turn, newest first."""
        for saved in (self.good, self.previous, self.start):
            self.flat = saved
            self.sync()
            yield


class _Forms:
    """The components' scalar forms, as Python expressions of the epoch's names.

    Each form is inlined when it is one ``return`` of an expression, else
    called; the objects the expressions refer to (the component itself for
    ``self``, the modules of its globals) are passed to the compiled epoch in
    :meth:`values`, so that one compiled function serves every fit of a shape.
    """

    def __init__(self, network):
        self.network = network
        self.bindings = {}

    def values(self):
        return tuple(self.bindings.values())

    def names(self):
        return tuple(self.bindings)

    def activation(self, layer, form, *args):
        method = getattr(self.network.activations[layer], form)
        return self._expression(method, args, f"layer{layer}_{form}")

    def loss(self, form, *args):
        return self._expression(getattr(self.network.loss, form), args, form)

    def penalty(self, form, *args):
        return self._expression(getattr(self.network.penalty, form), args, form)

    def _expression(self, method, args, prefix):
        inlined = _inline(method, args, self.bindings, prefix)
        if inlined is not None:
            return inlined
        self.bindings[prefix] = method
        return f"{prefix}({', '.join(args)})"


def _inline(method, args, bindings, prefix):
    """``method(*args)`` as the expression its body returns, or ``None``.

    Only for a method whose body is a single ``return`` of an expression
    (after an optional docstring) over its arguments, ``self`` and the names
    of its module; anything else is called instead.
    """
    function = getattr(method, "__func__", None)
    try:
        definition = ast.parse(_source(function)).body[0]
    except (OSError, TypeError, SyntaxError, IndexError):
        return None
    body = definition.body
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
    ):
        body = body[1:]  # the docstring
    parameters = definition.args
    if (
        len(body) != 1
        or not isinstance(body[0], ast.Return)
        or body[0].value is None
        or parameters.vararg
        or parameters.kwarg
        or parameters.kwonlyargs
        or parameters.posonlyargs
        or len(parameters.args) != len(args) + 1
    ):
        return None
    names = dict(zip((p.arg for p in parameters.args[1:]), args))
    values = {parameters.args[0].arg: method.__self__}
    expression = body[0].value
    for node in ast.walk(expression):
        if isinstance(node, ast.Lambda | ast.NamedExpr | ast.comprehension):
            return None  # names of their own scope
        if not isinstance(node, ast.Name) or node.id in names or node.id in values:
            continue
        if node.id in function.__globals__:
            values[node.id] = function.__globals__[node.id]
        elif not hasattr(builtins, node.id):
            return None
    renamed = _Renamed(names, values, prefix)
    expression = renamed.visit(expression)
    bindings.update(renamed.bound)
    return f"({ast.unparse(expression)})"


@functools.lru_cache(maxsize=256)
def _source(function):
    # inspect reads and tokenizes the whole file: once per function, not per
    # fit (a fit of the article's network takes a few milliseconds)
    return textwrap.dedent(inspect.getsource(function))


class _Renamed(ast.NodeTransformer):
    """Arguments to the epoch's names; ``self`` and globals to bound names.

    ``module.function`` is bound as the function itself: one lookup less per
    use, as ``from math import exp`` would be.
    """

    def __init__(self, names, values, prefix):
        self.names, self.values, self.prefix = names, values, prefix
        self.bound = {}

    def _bind(self, name, value, node):
        bound = f"{self.prefix}_{name}"
        self.bound[bound] = value
        return ast.copy_location(ast.Name(bound, ast.Load()), node)

    def visit_Attribute(self, node):
        base = node.value
        if (
            isinstance(base, ast.Name)
            and isinstance(self.values.get(base.id), types.ModuleType)
            and hasattr(self.values[base.id], node.attr)
        ):
            module = self.values[base.id]
            return self._bind(
                f"{base.id}_{node.attr}", getattr(module, node.attr), node
            )
        return self.generic_visit(node)

    def visit_Name(self, node):
        if node.id in self.names:
            return ast.copy_location(ast.Name(self.names[node.id], node.ctx), node)
        if node.id in self.values:
            return self._bind(node.id, self.values[node.id], node)
        return node


@functools.lru_cache(maxsize=64)
def _compiled(source, shape):
    """The epoch function of ``source``, compiled once.

    Cached: ``partial_fit`` builds a runner at every call, and compiling the
    source costs more than an epoch of the article's four people.
    """
    namespace = {}
    filename = f"<sknn_scratch epoch {shape}>"
    exec(compile(source, filename, "exec"), namespace)
    # a debugger (or a traceback) shows the generated lines
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    return namespace["epoch"]


def epoch_source(units, forms):
    """Python source of one epoch of per-sample SGD for this network shape.

    Parameters
    ----------
    units : list of int
        Neurons per layer, inputs first.
    forms : _Forms
        The components' scalar forms, inlined or called.

    Returns
    -------
    source : str
        Defines ``epoch(X, Y, order, weights, flat, learning_rate, interrupt,
        ops) -> (flat, accumulated_loss)``, with ``flat`` the weights then
        biases of every layer, in C order, and ``ops`` :meth:`_Forms.values`.
    """
    n_layers = len(units) - 1
    w = [
        [[f"w{k}_{i}_{j}" for j in range(units[k + 1])] for i in range(units[k])]
        for k in range(n_layers)
    ]
    b = [[f"b{k}_{j}" for j in range(units[k + 1])] for k in range(n_layers)]
    z = [[f"z{k}_{j}" for j in range(units[k + 1])] for k in range(n_layers)]
    a = [[f"a{k}_{i}" for i in range(n)] for k, n in enumerate(units)]
    every_w = [name for layer in w for row in layer for name in row]
    every = every_w + [name for layer in b for name in layer]
    penalised = bool(forms.network.penalty.alpha)

    body = ["# --- Feedforward: a_j = f(sum_i a_i w_ij + b_j)"]
    for k in range(n_layers):
        for j in range(units[k + 1]):
            total = " + ".join(f"{a[k][i]} * {w[k][i][j]}" for i in range(units[k]))
            body.append(f"{z[k][j]} = {total} + {b[k][j]}")
            body.append(
                f"{a[k + 1][j]} = {forms.activation(k, 'scalar_forward', z[k][j])}"
            )
    out, last = a[-1], n_layers - 1
    body.append("# --- The loss, and d_L_d_ypred through f' of the output layer")
    terms = [forms.loss("scalar_loss", f"y{j}", o) for j, o in enumerate(out)]
    body.append("loss = " + " + ".join(terms))
    if penalised:
        squares = " + ".join(f"{name} * {name}" for name in every_w)
        body.append(f"squares = {squares}")
        body.append(f"loss += {forms.penalty('scalar_value', 'squares', 'weight')}")
        body.append("factor = learning_rate / weight")
        body.append(f"decay = {forms.penalty('scalar_decay', 'factor')}")
    # g{k}_j is eta dL/dZ_j of layer k: the step, for plain SGD
    for j, o in enumerate(out):
        gradient = forms.loss("scalar_gradient", f"y{j}", o)
        derivative = forms.activation(last, "scalar_derivative", z[last][j], o)
        body.append(f"g{last}_{j} = learning_rate * {gradient} * {derivative}")
    body.append("# --- The chain rule, back to the first layer (weights as they were)")
    for k in range(n_layers - 1, 0, -1):
        for i in range(units[k]):
            total = " + ".join(f"g{k}_{j} * {w[k][i][j]}" for j in range(units[k + 1]))
            derivative = forms.activation(
                k - 1, "scalar_derivative", z[k - 1][i], a[k][i]
            )
            body.append(f"g{k - 1}_{i} = ({total}) * {derivative}")
    body.append("# --- SGD: w <- w - eta * dL/dw")
    for k in range(n_layers):
        for i in range(units[k]):
            for j in range(units[k + 1]):
                name = w[k][i][j]
                kept = f"{name} * decay" if penalised else name
                body.append(f"{name} = {kept} - {a[k][i]} * g{k}_{j}")
        for j in range(units[k + 1]):
            body.append(f"{b[k][j]} -= g{k}_{j}")
    body += [
        "accumulated += loss * weight",
        "if interrupt.requested:",
        "    interrupt.samples_done = position",
        "    break",
    ]
    ops = forms.names()
    lines = [
        "def epoch(X, Y, order, weights, flat, learning_rate, interrupt, ops):",
        f"    {''.join(name + ', ' for name in ops)}= ops" if ops else "    pass",
        f"    {', '.join(every)}, = flat",
        "    accumulated = 0.0",
        "    for position, k in enumerate(order, 1):",
        "        weight = weights[k]",
        "        if not weight > 0.0:",
        "            continue  # nothing to learn from a sample of zero weight",
        f"        {', '.join(a[0])}, = X[k]",
        f"        {', '.join(f'y{j}' for j in range(units[-1]))}, = Y[k]",
    ]
    lines += ["        " + line for line in body]
    lines.append(f"    return [{', '.join(every)}], accumulated")
    return "\n".join(lines) + "\n"
