"""Where NetworkDisplay puts things: the layers, the edges kept, the scale.

Pure arithmetic on coordinates and weights; matplotlib is touched only to
read the size of the axes (:func:`set_limits`).
"""

import numpy as np

#: the tallest layer spans this many units of the y axis (neurons 2 apart
#: in smaller layers); layers are LAYER_GAP apart
HEIGHT, LAYER_GAP = 8.0, 3.0


def positions_of(layer_units):
    """Each layer's neuron coordinates, ``(x, y)`` arrays, top neuron first."""
    positions = []
    for layer, n in enumerate(layer_units):
        step = 2.0 if n <= 1 else min(2.0, HEIGHT / (n - 1))
        y = (n - 1) / 2 * step - step * np.arange(n)
        positions.append((np.full(n, layer * LAYER_GAP), y))
    return positions


def strongest(W, max_edges):
    """The ``(i, j)`` indices of the ``max_edges`` largest ``|W[i, j]|``."""
    flat = np.abs(W).ravel()
    if max_edges is None or flat.size <= max_edges:
        keep = np.arange(flat.size)
    else:
        keep = np.argpartition(flat, flat.size - max_edges)[-max_edges:]
    return np.unravel_index(keep, W.shape)


#: points per unit of the axes at which the diagram is drawn as designed;
#: in smaller axes (small multiples) markers and text shrink with it
DESIGN_POINTS_PER_UNIT = 52.0


def set_limits(ax, positions):
    """Fit the axes to the network; the scale of markers and text in them."""
    xs = np.concatenate([x for x, _ in positions])
    ys = np.concatenate([y for _, y in positions])
    ax.set_xlim(xs.min() - 1.6, xs.max() + 1.6)
    ax.set_ylim(ys.min() - 1.8, ys.max() + 0.8)
    box = ax.get_window_extent()
    points = 72.0 / ax.figure.dpi
    per_unit = min(
        box.width * points / np.ptp(ax.get_xlim()),
        box.height * points / np.ptp(ax.get_ylim()),
    )
    return float(np.clip(per_unit / DESIGN_POINTS_PER_UNIT, 0.6, 1.0))


def marker_size(n):
    """Marker area (points²): large circles for a few neurons, dots for many."""
    return float(np.clip(900.0 * (6.0 / max(n, 6)) ** 2, 12.0, 900.0))
