"""The names of a network's neurons, weights and biases, as the article gives them.

On the article's 2-2-1 network the inputs are ``x1, x2``, the hidden
neurons ``h1, h2``, the output ``o1``, the weights ``w1 ... w6`` and the
biases ``b1, b2, b3``, in the article's order (``coefs_[0] = [[w1, w3],
[w2, w4]]``, ``coefs_[1] = [[w5], [w6]]``). Any other network is named by
layer and index, counted from 1 as the article counts: hidden neuron ``j``
of hidden layer ``l`` is ``h{l}_{j}``, output ``j`` is ``o{j}``, the weight
from neuron ``i`` of the layer below into neuron ``j`` of layer ``l`` is
``w{l}_{i}_{j}`` (``coefs_[l - 1][i - 1, j - 1]``) and that neuron's bias
``b{l}_{j}`` (``intercepts_[l - 1][j - 1]``). :func:`sknn_scratch.trace_step`
and :class:`sknn_scratch.plot.NetworkDisplay` both use these names.
"""

#: the article's network: two inputs, two hidden neurons, one output
ARTICLE_UNITS = (2, 2, 1)


def is_article(layer_units):
    """Whether a network of these layer sizes is the article's 2-2-1."""
    return tuple(layer_units) == ARTICLE_UNITS


def neuron_names(layer_units):
    """Each layer's neuron names, the inputs first and the outputs last."""
    article = is_article(layer_units)
    names = [[f"x{i}" for i in range(1, layer_units[0] + 1)]]
    for layer, width in enumerate(layer_units[1:-1], start=1):
        prefix = "h" if article else f"h{layer}_"
        names.append([f"{prefix}{j}" for j in range(1, width + 1)])
    names.append([f"o{j}" for j in range(1, layer_units[-1] + 1)])
    return names


def weight_names(layer_units):
    """Each layer's weight names, ``names[l][i][j]`` for ``coefs_[l][i, j]``."""
    pairs = list(zip(layer_units[:-1], layer_units[1:]))
    if is_article(layer_units):
        # the article counts into h1 (w1, w2), into h2 (w3, w4), into o1
        count, names = 0, []
        for n_in, n_out in pairs:
            layer = [[None] * n_out for _ in range(n_in)]
            for j in range(n_out):
                for i in range(n_in):
                    count += 1
                    layer[i][j] = f"w{count}"
            names.append(layer)
        return names
    return [
        [[f"w{layer}_{i}_{j}" for j in range(1, n_out + 1)] for i in range(1, n_in + 1)]
        for layer, (n_in, n_out) in enumerate(pairs, start=1)
    ]


def bias_names(layer_units):
    """Each layer's bias names, ``names[l][j]`` for ``intercepts_[l][j]``."""
    if is_article(layer_units):
        return [["b1", "b2"], ["b3"]]
    return [
        [f"b{layer}_{j}" for j in range(1, width + 1)]
        for layer, width in enumerate(layer_units[1:], start=1)
    ]
