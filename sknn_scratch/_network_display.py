"""NetworkDisplay: the article's picture of a network, for any fitted one.

Neurons are circles, layer by layer from the inputs on the left to the
outputs on the right; each weight is an edge, blue when positive and red
when negative, as wide as its magnitude; each bias is a small square at its
neuron's lower left, coloured and sized alike. matplotlib is imported when
a diagram is drawn, never when this module is imported.
"""

import numpy as np
from sklearn.base import is_classifier

from ._array import to_numpy
from ._fitted import _pyplot, network_and_inputs
from ._names import bias_names, neuron_names, weight_names
from ._network_layout import marker_size, positions_of, set_limits, strongest

POSITIVE, NEGATIVE = "tab:blue", "tab:red"
#: layers with more neurons than this name only their first and last
NAMED_NEURONS = 12
#: networks with at most this many weights label each with its name and value
LABELLED_WEIGHTS = 40


class NetworkDisplay:
    """A network's diagram: neurons by layer, every weight an edge, the biases.

    The article's picture of its network, for any fitted network. Create it
    with :meth:`from_estimator`; the constructor only stores what to draw.

    - Each weight is an edge: blue when positive, red when negative, its
      width the weight's magnitude relative to the largest of its layer.
    - Each bias is a square at its neuron's lower left, coloured and sized
      the same way.
    - A network of at most 40 weights is labelled with the article's names
      and values (``w1`` ... ``w6``, ``b1`` ... ``b3`` on the 2-2-1 network; by
      layer and index, ``w{l}_{i}_{j}``, beyond it; see
      :func:`sknn_scratch.trace_step`).
    - Given one sample, each neuron shows its output for it, and is filled
      by that value.
    - A large network draws only each layer's ``max_edges`` strongest
      weights (by magnitude; 80 by default), says so under the layer, and
      names only the first and last neuron of a layer of more than 12: a
      64-100-10 network on the digits draws in a fraction of a second
      (``benchmarks/network_display.py``) and its strongest paths stay
      visible.

    Parameters
    ----------
    coefs : list of array-like of shape (n_in, n_out)
        Each layer's weights (an estimator's ``coefs_``).
    intercepts : list of array-like of shape (n_out,)
        Each layer's biases.
    input_names : list of str, default=None
        The features, written left of the inputs.
    output_names : list of str, default=None
        What the outputs are (the classes), written right of them.
    neuron_values : list of array-like, default=None
        Each layer's values for one sample, the inputs first.
    name : str, default=None
        The title.

    Attributes
    ----------
    edges_ : list of matplotlib LineCollection
        Each layer's weights.
    neurons_ : list of matplotlib PathCollection
        Each layer's neurons, the inputs first.
    biases_ : list of matplotlib PathCollection
        Each layer's biases.
    labels_ : dict of str to matplotlib Text
        The labels drawn, by name (``"w1"``, ``"b3"``, ``"h1"``, the value
        ``"h1 value"``, ``"x1 name"``, ``"o1 name"``).
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    See Also
    --------
    LossCurveDisplay : The loss of each epoch of the same training.
    sknn_scratch.trace_step : One training step of the network, worked out.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from sknn_scratch import ARTICLE_PARAMS, ScratchMLPClassifier
    >>> from sknn_scratch.plot import NetworkDisplay
    >>> X = np.array([[-2.0, -1.0], [25.0, 6.0], [17.0, 4.0], [-15.0, -6.0]])
    >>> y = np.array([1, 0, 0, 1])
    >>> net = ScratchMLPClassifier(**ARTICLE_PARAMS).partial_fit(X, y, classes=[0, 1])
    >>> net.coefs_ = [np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([[0.0], [1.0]])]
    >>> net.intercepts_ = [np.zeros(2), np.zeros(1)]
    >>> display = NetworkDisplay.from_estimator(net, [[2, 3]])
    >>> display.labels_["w2"].get_text(), display.labels_["o1 value"].get_text()
    ('w2 = 1', '0.7216')
    >>> plt.close(display.figure_)
    """

    def __init__(
        self,
        *,
        coefs,
        intercepts,
        input_names=None,
        output_names=None,
        neuron_values=None,
        name=None,
    ):
        self.coefs = coefs
        self.intercepts = intercepts
        self.input_names = input_names
        self.output_names = output_names
        self.neuron_values = neuron_values
        self.name = name

    def plot(
        self,
        ax=None,
        *,
        name=None,
        max_edges=80,
        legend=True,
        edge_kw=None,
        neuron_kw=None,
    ):
        """Draw the diagram.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            The axes to draw on; ``None`` makes a new figure sized for the
            network.
        name : str, default=None
            The title; ``None`` uses the display's ``name``.
        max_edges : int or None, default=80
            The most weights drawn per layer: its strongest. ``None`` draws
            every weight.
        legend : bool, default=True
            Whether to explain the colours in a legend (small multiples may
            keep it to one of their axes).
        edge_kw, neuron_kw : dict, default=None
            Keyword arguments for matplotlib's ``LineCollection`` of the
            weights and ``scatter`` of the neurons.

        Returns
        -------
        display : NetworkDisplay
            This display, with ``edges_``, ``neurons_``, ``ax_``, ... set.
        """
        plt = _pyplot(f"{type(self).__name__}.plot")
        coefs = [np.asarray(to_numpy(W), dtype=float) for W in self.coefs]
        intercepts = [np.asarray(to_numpy(b), dtype=float) for b in self.intercepts]
        units = [coefs[0].shape[0], *(W.shape[1] for W in coefs)]
        if ax is None:
            span = 2.0 * (max(units) - 1)
            width = 2.4 * len(units) + 1.5
            height = float(np.clip(0.8 * span + 3.0, 3.5, 7.5))
            _, ax = plt.subplots(figsize=(width, height))
        positions = positions_of(units)
        labelled = sum(W.size for W in coefs) <= LABELLED_WEIGHTS
        self._scale = set_limits(ax, positions)
        self.labels_ = {}
        self.edges_ = self._draw_edges(ax, positions, coefs, max_edges, edge_kw)
        self.neurons_ = self._draw_neurons(ax, positions, neuron_kw)
        self.biases_ = self._draw_biases(ax, positions, intercepts)
        self._label_neurons(ax, positions, units)
        if labelled:
            self._label_weights(ax, positions, coefs, intercepts, units)
        self._finish(ax, name, legend)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    def _draw_edges(self, ax, positions, coefs, max_edges, edge_kw):
        from matplotlib.collections import LineCollection

        collections = []
        for layer, W in enumerate(coefs):
            (x0, y0), (x1, y1) = positions[layer], positions[layer + 1]
            i, j = strongest(W, max_edges)
            weights = W[i, j]
            largest = np.abs(weights).max() if weights.size else 1.0
            largest = largest or 1.0
            segments = np.stack(
                [np.column_stack([x0[i], y0[i]]), np.column_stack([x1[j], y1[j]])],
                axis=1,
            )
            many = len(weights) > LABELLED_WEIGHTS
            kw = {
                "colors": np.where(weights >= 0, POSITIVE, NEGATIVE),
                "linewidths": 0.3 + (2.2 if many else 3.7) * np.abs(weights) / largest,
                "alpha": 0.45 if many else 0.8,
                "zorder": 1,
                **(edge_kw or {}),
            }
            collections.append(ax.add_collection(LineCollection(segments, **kw)))
            if len(weights) < W.size:
                ax.text(
                    (x0[0] + x1[0]) / 2,
                    min(y0.min(), y1.min()) - 0.9,
                    f"strongest {len(weights)}\nof {W.size} weights",
                    ha="center",
                    va="top",
                    fontsize=8 * self._scale,
                    color="0.3",
                )
        return collections

    def _draw_neurons(self, ax, positions, neuron_kw):
        values = self.neuron_values
        collections = []
        for layer, (x, y) in enumerate(positions):
            kw = {
                "s": marker_size(len(x)) * self._scale**2,
                "edgecolors": "0.2",
                "linewidths": 1.0,
            }
            if values is None or len(x) <= NAMED_NEURONS:
                kw["c"] = "white"  # a few neurons: their values are written
            else:
                # many: each filled by its output for the sample, on the
                # layer's own scale (a digit's pixels show as an image)
                kw.update(c=np.ravel(values[layer]), cmap="Greens")
            kw.update({"zorder": 2, **(neuron_kw or {})})
            collections.append(ax.scatter(x, y, **kw))
        return collections

    def _draw_biases(self, ax, positions, intercepts):
        collections = []
        for layer, b in enumerate(intercepts):
            x, y = positions[layer + 1]
            n = len(x)
            offset = 0.3 if n <= NAMED_NEURONS else 0.12
            largest = np.abs(b).max() or 1.0
            collections.append(
                ax.scatter(
                    x - offset,
                    y - offset * min(1.0, 8.0 / n),
                    s=(4 + 46 * np.abs(b) / largest)
                    * min(1.0, 12.0 / n)
                    * self._scale**2,
                    c=np.where(b >= 0, POSITIVE, NEGATIVE),
                    marker="s",
                    zorder=3,
                )
            )
        return collections

    def _label_neurons(self, ax, positions, units):
        names = neuron_names(units)
        ends = {0: self.input_names, len(units) - 1: self.output_names}
        for layer, (x, y) in enumerate(positions):
            n, outer = len(x), ends.get(layer)
            small = n <= NAMED_NEURONS
            for k in range(n) if small else (0, n - 1):
                neuron = names[layer][k]
                if small:
                    self._text(ax, neuron, x[k], y[k], neuron)
                if outer is not None or not small:
                    # the ends' features and classes outside; a large
                    # layer's first and last neuron named beside it
                    side = 1 if layer == len(units) - 1 else -1
                    text = neuron if outer is None else str(outer[k])
                    align = "left" if side == 1 else "right"
                    at = (x[k] + side * 0.35, y[k])
                    self._text(ax, f"{neuron} name", *at, text, ha=align)
                if self.neuron_values is not None and small:
                    value = np.ravel(self.neuron_values[layer])[k]
                    self._label_value(ax, neuron, x[k], y[k], value, n)

    def _label_value(self, ax, neuron, x, y, value, n):
        """A neuron's output: above it in a layer of a few, else on its left."""
        key, text = f"{neuron} value", f"{value:.4g}"
        if n <= 4:
            self._text(ax, key, x, y + 0.4, text, va="bottom", fontweight="bold")
        else:
            self._text(ax, key, x - 0.3, y, text, ha="right", fontsize=8, boxed=True)

    def _label_weights(self, ax, positions, coefs, intercepts, units):
        weights, biases = weight_names(units), bias_names(units)
        for layer, W in enumerate(coefs):
            (x0, y0), (x1, y1) = positions[layer], positions[layer + 1]
            for i, j in np.ndindex(W.shape):
                # a third of the way along: edges from one neuron part there
                t = 1 / 3
                at = (x0[i] + t * (x1[j] - x0[i]), y0[i] + t * (y1[j] - y0[i]))
                name = weights[layer][i][j]
                self._text(ax, name, *at, f"{name} = {W[i, j]:.3g}", boxed=True)
            for j, b in enumerate(intercepts[layer]):
                name = biases[layer][j]
                text = f"{name} = {b:.3g}"
                self._text(ax, name, x1[j], y1[j] - 0.42, text, va="top", boxed=True)

    def _text(self, ax, key, x, y, text, boxed=False, **kw):
        kw = {"ha": "center", "va": "center", "fontsize": 9, "zorder": 4, **kw}
        kw["fontsize"] = max(6.0, kw["fontsize"] * self._scale)
        if boxed:
            kw["bbox"] = {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"}
        self.labels_[key] = ax.text(x, y, text, **kw)

    def _finish(self, ax, name, legend):
        from matplotlib.lines import Line2D

        ax.set_axis_off()
        name = self.name if name is None else name
        if name:
            ax.set_title(name)
        if not legend:
            return
        handles = [
            Line2D([], [], color=POSITIVE, lw=2, label="positive weight / bias"),
            Line2D([], [], color=NEGATIVE, lw=2, label="negative weight / bias"),
        ]
        ax.legend(
            handles=handles,
            loc="lower center",
            ncol=2,
            fontsize=8 * max(self._scale, 0.75),
            frameon=False,
        )

    @classmethod
    def from_estimator(cls, estimator, X=None, *, ax=None, name=None, **kw):
        """Draw the diagram of a fitted network.

        Parameters
        ----------
        estimator : ScratchMLPClassifier, ScratchMLPRegressor, Pipeline or search
            A fitted network, a Pipeline ending in one, or a fitted search
            (``GridSearchCV``, ...) whose ``best_estimator_`` is either.
            Its features (``feature_names_in_``, or the names the Pipeline's
            steps give) are written left of the inputs; the classes right of
            the outputs (``P(c)`` for the one output of two classes ``c``).
        X : array-like of shape (1, n_features), default=None
            One sample, as ``estimator`` takes it (a Pipeline's steps before
            the network transform it): each neuron shows its output for it.
        ax : matplotlib Axes, default=None
            The axes to draw on; ``None`` makes a new figure.
        name : str, default=None
            The title; ``None`` uses the estimator's class name.
        **kw
            Passed to :meth:`plot` (``max_edges``, ``edge_kw``, ``neuron_kw``).

        Returns
        -------
        display : NetworkDisplay
            The display, drawn.

        Raises
        ------
        TypeError
            If ``estimator`` is none of the above.
        sklearn.exceptions.NotFittedError
            If it is not fitted.
        ValueError
            If ``X`` is not one sample of the features the network was
            fitted on.

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> from sklearn.datasets import load_iris
        >>> from sklearn.pipeline import make_pipeline
        >>> from sklearn.preprocessing import StandardScaler
        >>> from sknn_scratch import ScratchMLPClassifier
        >>> from sknn_scratch.plot import NetworkDisplay
        >>> X, y = load_iris(return_X_y=True, as_frame=True)
        >>> pipe = make_pipeline(
        ...     StandardScaler(),
        ...     ScratchMLPClassifier((3,), solver="lbfgs", random_state=0),
        ... ).fit(X, y)
        >>> display = NetworkDisplay.from_estimator(pipe, X.iloc[:1])
        >>> display.labels_["x1 name"].get_text()
        'sepal length (cm)'
        >>> plt.close(display.figure_)
        """
        method_name = f"{cls.__name__}.from_estimator"
        _pyplot(method_name)
        network, X, input_names = network_and_inputs(estimator, X, method_name)
        values = None if X is None else _neuron_values(network, X)
        display = cls(
            coefs=network.coefs_,
            intercepts=network.intercepts_,
            input_names=input_names,
            output_names=_output_names(network),
            neuron_values=values,
            name=type(network).__name__ if name is None else name,
        )
        return display.plot(ax=ax, **kw)


def _neuron_values(estimator, X):
    """Each layer's values for the one sample ``X``, the inputs first."""
    X = estimator._validated(X, "NetworkDisplay.from_estimator")
    if X.shape[0] != 1:
        raise ValueError(
            "NetworkDisplay.from_estimator shows each neuron's output for one "
            f"sample: X must have 1 row, got {X.shape[0]}."
        )
    network, X = estimator._network(X)
    with np.errstate(over="ignore", invalid="ignore"):
        outputs = network.layer_outputs(X)
    X = X.toarray() if hasattr(X, "toarray") else X
    return [np.asarray(to_numpy(A), dtype=float).ravel() for A in [X, *outputs]]


def _output_names(estimator):
    """What each output neuron is: a class, ``P(c)`` of two classes, or ``y``."""
    n_outputs = estimator.coefs_[-1].shape[1]
    if not is_classifier(estimator):
        return ["y"] if n_outputs == 1 else [f"y{j}" for j in range(1, n_outputs + 1)]
    classes = [str(c) for c in np.asarray(to_numpy(estimator.classes_))]
    if n_outputs == 1 and len(classes) == 2:
        return [f"P({classes[1]})"]
    return classes if len(classes) == n_outputs else None
