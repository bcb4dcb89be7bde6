"""A traced step in words: its numbers by name, and the walk through them.

The names are those of :mod:`sknn_scratch._names`; the walk follows the
article: feedforward, loss, ``d_L_d_ypred``, the chain rule from the output
back, the update. The formulas are shown as text beside numbers computed by
the network's own step (:func:`sknn_scratch.trace_step`), never computed
here.
"""

from ._names import bias_names, neuron_names, weight_names

#: lines shown per layer and kind; the rest are in the trace's arrays
MAX_LINES = 8
#: terms of a sum written out before "..."
MAX_TERMS = 3


def _value(column):
    """One sample's value as a float, several samples' as an array."""
    return float(column[0]) if len(column) == 1 else column.copy()


def _names(trace):
    units = trace.layer_units
    return neuron_names(units), weight_names(units), bias_names(units)


def _output_keys(neurons):
    """``d_L_d_ypred`` for one output (the article's), else ``d_L_d_o{j}``."""
    outputs = neurons[-1]
    if len(outputs) == 1:
        return ["y_true"], ["d_L_d_ypred"]
    return [f"y_true_{o}" for o in outputs], [f"d_L_d_{o}" for o in outputs]


def named_values(trace):
    """``{name: value}`` of every number of the step, in the walk's order."""
    neurons, weights, biases = _names(trace)
    values = {name: _value(trace.inputs[:, i]) for i, name in enumerate(neurons[0])}
    for layer, (W, b) in enumerate(zip(trace.coefs, trace.intercepts)):
        for (i, j), name in _indexed(weights[layer]):
            values[name] = float(W[i, j])
        for j, name in enumerate(biases[layer]):
            values[name] = float(b[j])
    for layer, names in enumerate(neurons[1:]):
        for j, name in enumerate(names):
            values[f"sum_{name}"] = _value(trace.sums[layer][:, j])
            values[name] = _value(trace.outputs[layer][:, j])
    targets, ypred = _output_keys(neurons)
    for j, target in enumerate(targets):
        values[target] = _value(trace.targets[:, j])
    values["loss"] = trace.loss
    for j, name in enumerate(ypred):
        values[name] = _value(trace.d_L_d_ypred[:, j])
    for layer in reversed(range(len(trace.coefs))):
        for j, name in enumerate(neurons[layer + 1]):
            values[f"d_L_d_sum_{name}"] = _value(trace.deltas[layer][:, j])
        for (i, j), name in _indexed(weights[layer]):
            values[f"d_L_d_{name}"] = float(trace.coef_grads[layer][i, j])
        for j, name in enumerate(biases[layer]):
            values[f"d_L_d_{name}"] = float(trace.intercept_grads[layer][j])
    if trace.coef_updates is not None:
        for layer, (dW, db) in enumerate(
            zip(trace.coef_updates, trace.intercept_updates)
        ):
            for (i, j), name in _indexed(weights[layer]):
                values[f"update_{name}"] = float(dW[i, j])
            for j, name in enumerate(biases[layer]):
                values[f"update_{name}"] = float(db[j])
    return values


def _indexed(names):
    """``((i, j), name)`` of a layer's weight names, by receiving neuron."""
    n_in, n_out = len(names), len(names[0]) if names else 0
    return [((i, j), names[i][j]) for j in range(n_out) for i in range(n_in)]


def _fmt(value):
    """A number to 4 significant digits; several samples' as a short list."""
    if isinstance(value, float):
        return f"{value:.4g}"
    shown = ", ".join(f"{v:.4g}" for v in value[:4])
    return f"[{shown}{', ...' if len(value) > 4 else ''}]"


def _terms(pairs, extra=()):
    """``a*b + c*d + ... + extra``, cut to a few terms."""
    terms = [f"{a}*{b}" for a, b in pairs]
    if len(terms) > MAX_TERMS:
        terms = [*terms[: MAX_TERMS - 1], "...", terms[-1]]
    return " + ".join([*terms, *extra])


def _capped(lines, where):
    """At most MAX_LINES lines of one layer, and how many more there are."""
    if len(lines) <= MAX_LINES:
        return lines
    more = len(lines) - MAX_LINES
    return [*lines[:MAX_LINES], f"  ... and {more} more (in trace.{where})"]


def _name_of(component):
    """A component's class name: the page of its formula in the API reference
    (one per hidden layer, where the layers have their own)."""
    if isinstance(component, list | tuple):
        return "[" + ", ".join(type(c).__name__ for c in component) + "]"
    return type(component).__name__


def describe(trace, components):
    """The step as the article walks through it, in lines of text."""
    values = named_values(trace)
    neurons, weights, biases = _names(trace)
    n_samples = trace.inputs.shape[0]
    units = "-".join(map(str, trace.layer_units))
    lines = [
        f"One training step of a {units} network on {n_samples} sample(s): "
        f"{_name_of(components['hidden'])} hidden, "
        f"{_name_of(components['output'])} output, "
        f"{_name_of(components['loss'])} loss"
    ]
    lines += _feedforward_lines(values, neurons, weights, biases)
    lines += _loss_lines(values, neurons, n_samples)
    lines += _backprop_lines(values, neurons, weights, biases, trace, components)
    lines += _update_lines(values, weights, biases, trace, components)
    return "\n".join(lines)


def _feedforward_lines(values, neurons, weights, biases):
    lines = ["", "Feedforward (f: the activation)"]
    lines += _capped([f"  {x} = {_fmt(values[x])}" for x in neurons[0]], "inputs")
    for layer, names in enumerate(neurons[1:]):
        below, layer_lines = neurons[layer], []
        for j, name in enumerate(names):
            pairs = [(weights[layer][i][j], x) for i, x in enumerate(below)]
            formula = _terms(pairs, [biases[layer][j]])
            layer_lines += [
                f"  sum_{name} = {formula} = {_fmt(values['sum_' + name])}",
                f"  {name} = f(sum_{name}) = {_fmt(values[name])}",
            ]
        lines += _capped(layer_lines, f"sums[{layer}], trace.outputs[{layer}]")
    return lines


def _loss_lines(values, neurons, n_samples):
    targets, ypred = _output_keys(neurons)
    mean = "" if n_samples == 1 else ", the mean over the samples"
    lines = ["", f"Loss{mean}"]
    lines += [f"  {t} = {_fmt(values[t])}" for t in targets[:MAX_LINES]]
    lines.append(f"  L = {_fmt(values['loss'])}")
    return lines


def _backprop_lines(values, neurons, weights, biases, trace, components):
    targets, ypred = _output_keys(neurons)
    outputs = neurons[-1]
    lines = ["", "Backpropagation: the chain rule, from the output back"]
    lines += [
        f"  {d} = dL/d{o} = {_fmt(values[d])}"
        for d, o in list(zip(ypred, outputs))[:MAX_LINES]
    ]
    batch = "sum over the samples of " if trace.inputs.shape[0] > 1 else ""
    for layer in reversed(range(len(trace.coefs))):
        layer_lines = []
        for j, name in enumerate(neurons[layer + 1]):
            layer_lines.append(
                f"  d_L_d_sum_{name} = "
                f"{_delta_formula(layer, j, name, neurons, weights, ypred, components)}"
                f" = {_fmt(values['d_L_d_sum_' + name])}"
            )
        for (i, j), w in _indexed(weights[layer]):
            delta, below = f"d_L_d_sum_{neurons[layer + 1][j]}", neurons[layer][i]
            extra = f" + alpha/n*{w}" if components["alpha"] else ""
            layer_lines.append(
                f"  d_L_d_{w} = {batch}{delta}*{below}{extra} = "
                f"{_fmt(values['d_L_d_' + w])}"
            )
        for j, b in enumerate(biases[layer]):
            delta = f"d_L_d_sum_{neurons[layer + 1][j]}"
            layer_lines.append(
                f"  d_L_d_{b} = {batch}{delta} = {_fmt(values['d_L_d_' + b])}"
            )
        lines += _capped(layer_lines, f"deltas[{layer}], trace.coef_grads[{layer}]")
    return lines


def _delta_formula(layer, j, name, neurons, weights, ypred, components):
    """How ``dL/dZ`` of one neuron follows from the layer above, in words."""
    if layer == len(weights) - 1:
        if getattr(components["output"], "output_only", False):
            return "the d_L_d_o's through the output's Jacobian"
        return f"{ypred[j]} * f'(sum_{name})"
    above = neurons[layer + 2]
    pairs = [(f"d_L_d_sum_{o}", weights[layer + 1][j][k]) for k, o in enumerate(above)]
    return f"({_terms(pairs)}) * f'(sum_{name})"


def _update_lines(values, weights, biases, trace, components):
    if trace.coef_updates is None:
        return ["", "Update: none (a full-batch solver takes no single step)"]
    optimizer = components["optimizer"]
    # plain SGD: its update is linear in the gradient (see optimizers.py)
    if getattr(optimizer, "folds_learning_rate", False):
        rule = "update_w = -learning_rate * d_L_d_w"
    else:
        rule = f"update_w: {_name_of(optimizer)}'s step, from d_L_d_w and its state"
    lines = [
        "",
        f"Update ({_name_of(optimizer)}, learning_rate = {trace.learning_rate:g}): "
        f"w <- w + update_w, {rule}",
    ]
    for layer in range(len(trace.coefs)):
        names = [w for _, w in _indexed(weights[layer])] + list(biases[layer])
        layer_lines = [
            f"  update_{w} = {_fmt(values['update_' + w])}  "
            f"({w}: {values[w]:.6g} -> {values[w] + values['update_' + w]:.6g})"
            for w in names
        ]
        lines += _capped(layer_lines, f"coef_updates[{layer}]")
    return lines
