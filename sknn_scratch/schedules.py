"""Learning-rate schedules: the learning rate for each epoch.

The protocol:

- ``learning_rate(learning_rate, *, learning_rate_init, epoch, t, max_iter)``
  returns the rate for the next epoch, called at the end of each epoch;
  ``learning_rate`` is the current rate, ``epoch`` the number of epochs done,
  ``t`` the number of samples seen;
- ``on_plateau(learning_rate)`` is called when the stopping rule fires
  (``n_iter_no_change`` epochs without improvement by ``tol``); it returns a
  new rate to continue with, or ``None`` to stop training.
"""

import math

from ._registry import Component, Registry

SCHEDULES = Registry(
    "learning-rate schedule",
    "sknn_scratch.schedules",
    required=("learning_rate", "on_plateau"),
)


def register_schedule(name, schedule=None):
    """Register a schedule class (or factory) under ``name``; a decorator too."""
    return SCHEDULES.register(name, schedule)


class Schedule(Component):
    """Base class of the built-in schedules: stop on a plateau."""

    def learning_rate(self, learning_rate, *, learning_rate_init, epoch, t, max_iter):
        return learning_rate

    def on_plateau(self, learning_rate):
        return None


@register_schedule("constant")
class Constant(Schedule):
    r"""The article's schedule: :math:`\eta_t = \eta_0` throughout."""


@register_schedule("invscaling")
class InvScaling(Schedule):
    r"""Decay with the number of samples seen, as scikit-learn's MLP.

    .. math:: \eta_t = \frac{\eta_0}{(t + 1)^{p}}

    Parameters
    ----------
    power_t : float, default=0.5
        The exponent :math:`p`.
    """

    def __init__(self, power_t=0.5):
        self.power_t = power_t

    def learning_rate(self, learning_rate, *, learning_rate_init, epoch, t, max_iter):
        try:
            return learning_rate_init / (t + 1) ** self.power_t
        except OverflowError:
            # (t + 1) ** power_t beyond the largest float: the rate is 0 to
            # double precision
            return 0.0


@register_schedule("adaptive")
class Adaptive(Schedule):
    r"""Keep :math:`\eta_0` while the loss improves; divide by 5 on a plateau.

    .. math:: \eta \leftarrow \eta / 5 \text{ on a plateau; stop once }
        \eta \le \eta_{min}

    As scikit-learn's MLP: when ``n_iter_no_change`` epochs pass without an
    improvement of ``tol``, the rate is divided by 5; training stops at a
    plateau where it is ``min_learning_rate`` or below (scikit-learn's
    1e-6). The estimators' ``learning_rate="adaptive"`` with their default
    ``learning_rate_init=None`` builds it with a quarter of the solver's
    rate instead, so that the second plateau stops (see
    :func:`sknn_scratch._components.resolve_schedule`).

    Parameters
    ----------
    min_learning_rate : float, default=1e-6
        The rate :math:`\eta_{min}` at or below which a plateau stops
        training.

    Examples
    --------
    >>> from sknn_scratch.schedules import Adaptive
    >>> schedule = Adaptive(min_learning_rate=0.1)
    >>> schedule.on_plateau(1.0), schedule.on_plateau(0.04)
    (0.2, None)
    """

    # (the value of an Adaptive pickled before it took the parameter)
    min_learning_rate = 1e-6

    def __init__(self, min_learning_rate=1e-6):
        self.min_learning_rate = min_learning_rate

    def on_plateau(self, learning_rate):
        if learning_rate <= self.min_learning_rate:
            return None
        return learning_rate / 5.0


@register_schedule("step")
class StepDecay(Schedule):
    r"""Multiply the rate by ``gamma`` every ``step_size`` epochs.

    .. math:: \eta_e = \eta_0 \, \gamma^{\lfloor e / s \rfloor}

    Parameters
    ----------
    step_size : int, default=10
        Epochs between two decays, :math:`s`.
    gamma : float, default=0.5
        The factor, :math:`\gamma`.
    """

    def __init__(self, step_size=10, gamma=0.5):
        self.step_size = step_size
        self.gamma = gamma

    def learning_rate(self, learning_rate, *, learning_rate_init, epoch, t, max_iter):
        return learning_rate_init * self.gamma ** (epoch // self.step_size)


@register_schedule("cosine")
class CosineDecay(Schedule):
    r"""Cosine annealing from :math:`\eta_0` to ``eta_min`` over ``t_max`` epochs.

    .. math:: \eta_e = \eta_{min} + \frac{\eta_0 - \eta_{min}}{2}
        \Big(1 + \cos\frac{\pi \min(e, T)}{T}\Big)

    Parameters
    ----------
    t_max : int or None, default=None
        The epochs :math:`T` of one decay; ``None`` uses the estimator's
        ``max_iter``.
    eta_min : float, default=0.0
        The rate reached at the end.
    """

    def __init__(self, t_max=None, eta_min=0.0):
        self.t_max = t_max
        self.eta_min = eta_min

    def learning_rate(self, learning_rate, *, learning_rate_init, epoch, t, max_iter):
        T = self.t_max if self.t_max is not None else max_iter
        progress = min(epoch, T) / T
        return self.eta_min + 0.5 * (learning_rate_init - self.eta_min) * (
            1 + math.cos(math.pi * progress)
        )
