"""Optimizers (the ``solver``): how gradients change the weights.

A stochastic optimizer (``stochastic = True``) follows the protocol:

- ``initialize(params)`` allocates its state for a list of parameter arrays;
- ``update(params, grads, learning_rate)`` changes ``params`` in place, given
  ``grads``, the list of ``dL/dparam`` in the same order.

A full-batch optimizer (``stochastic = False``) instead has
``minimize(fun, x0, *, max_iter, tol, max_fun, verbose)``, where
``fun(x) -> (loss, gradient)`` works on all parameters packed in one vector;
it returns ``(x, n_iter, loss)``. A ``minimize`` that names a parameter
``converged`` may be given the estimator's own test of convergence,
``converged(x, gradient) -> bool``, to stop at an iterate where it holds.

An optimizer may say the learning rate it works best with by default,
``default_learning_rate``: what the estimators use when
``learning_rate_init=None`` (their default). Plain SGD's is the article's
0.1; Adam's is 0.001, the rate of its paper and of scikit-learn's MLP (its
steps are normalised, so 0.1 throws the weights far out at every step).

An optimizer says what the training step may do for it by its properties:
``folds_learning_rate`` is true when ``update(params, eta * grads, 1.0)`` is
the same update as ``update(params, grads, eta)`` (plain SGD): the step then
multiplies the learning rate into the gradients as it computes them, at no
cost, and ``update`` only subtracts them. ``updates_elementwise`` is true when
the update treats every entry of every parameter alike (SGD, Adam): the step
then hands it all weights and biases as one flat vector, one call for the
whole network; otherwise it gets one array per layer, weights then biases.
"""

import numpy as np

from ._registry import Component, Registry
from ._warn import warn
from ._xp import functions_of

OPTIMIZERS = Registry(
    "solver",
    "sknn_scratch.optimizers",
    required=(),
    protocol="initialize() and update() (or minimize()) methods",
)


def register_optimizer(name, optimizer=None):
    """Register an optimizer class (or factory) under ``name``; a decorator too.

    The factory's keyword arguments named like an estimator parameter
    (``momentum``, ``beta_1``, ...) receive that parameter's value.
    """
    return OPTIMIZERS.register(name, optimizer)


class Optimizer(Component):
    """Base class of the built-in optimizers."""

    stochastic = True
    #: the learning rate of ``learning_rate_init=None`` (``None``: the
    #: estimator's fallback, the article's 0.1 for a classifier)
    default_learning_rate = None
    #: whether the training step may hand ``update`` the gradients already
    #: multiplied by the learning rate (and a learning rate of 1)
    folds_learning_rate = False
    #: whether ``update`` treats every entry alike, so that all parameters
    #: may come as one flat vector
    updates_elementwise = False

    def initialize(self, params):
        pass

    def update(self, params, grads, learning_rate):
        raise NotImplementedError


@register_optimizer("sgd")
class SGD(Optimizer):
    r"""Stochastic gradient descent, with optional (Nesterov) momentum.

    Without momentum this is the article's update,
    :math:`w \leftarrow w - \eta \, \partial L / \partial w`. With it, as
    scikit-learn's MLP:

    .. math:: v \leftarrow \mu v - \eta g, \qquad
        w \leftarrow w + \begin{cases} \mu v - \eta g & \text{Nesterov} \\
        v & \text{otherwise} \end{cases}

    Parameters
    ----------
    momentum : float, default=0.0
        :math:`\mu`, in ``[0, 1]``.
    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum (only matters when ``momentum > 0``).
    """

    updates_elementwise = True
    default_learning_rate = 0.1

    def __init__(self, momentum=0.0, nesterovs_momentum=True):
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum

    @property
    def folds_learning_rate(self):
        # w <- w - eta g is w <- w - 1 (eta g): without momentum the step may
        # compute eta g directly
        return self.momentum == 0

    def initialize(self, params):
        self.velocities_ = [_zeros_like(p) for p in params]

    def update(self, params, grads, learning_rate):
        if self.momentum == 0:
            # the article's SGD update: w <- w - eta * dL/dw (with eta = 1 the
            # gradients are the steps: the training step folded eta in)
            for param, grad in zip(params, grads):
                param -= grad if learning_rate == 1 else learning_rate * grad
            return
        mu = self.momentum
        self.velocities_ = _state_for(self.velocities_, params)
        for param, grad, velocity in zip(params, grads, self.velocities_):
            velocity *= mu
            velocity -= learning_rate * grad
            if self.nesterovs_momentum:
                param += mu * velocity - learning_rate * grad
            else:
                param += velocity


@register_optimizer("adam")
class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2014), as scikit-learn's MLP.

    .. math:: m \leftarrow \beta_1 m + (1 - \beta_1) g, \quad
        v \leftarrow \beta_2 v + (1 - \beta_2) g^2, \quad
        w \leftarrow w - \eta \frac{\sqrt{1 - \beta_2^t}}{1 - \beta_1^t}
        \frac{m}{\sqrt v + \epsilon}

    Parameters
    ----------
    beta_1, beta_2 : float, default=0.9, 0.999
        Decay rates of the first and second moment estimates, in ``[0, 1)``.
    epsilon : float, default=1e-8
        Numerical stability term.
    """

    updates_elementwise = True
    default_learning_rate = 0.001

    def __init__(self, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def initialize(self, params):
        self.t_ = 0
        self.ms_ = [_zeros_like(p) for p in params]
        self.vs_ = [_zeros_like(p) for p in params]

    def update(self, params, grads, learning_rate):
        self.t_ += 1
        b1, b2 = self.beta_1, self.beta_2
        step = learning_rate * np.sqrt(1 - b2**self.t_) / (1 - b1**self.t_)
        self.ms_ = _state_for(self.ms_, params)
        self.vs_ = _state_for(self.vs_, params)
        for param, grad, m, v in zip(params, grads, self.ms_, self.vs_):
            m *= b1
            m += (1 - b1) * grad
            v *= b2
            v += (1 - b2) * (grad * grad)
            param -= step * m / (functions_of(v).sqrt(v) + self.epsilon)


def _zeros_like(param):
    """State shaped like ``param``, in its library and on its device."""
    return functions_of(param).zeros_like(param)


def _state_for(state, params):
    """Per-parameter state, in the layout of ``params``.

    The state of a model saved by an earlier version holds one array per
    layer, weights then biases: the order of the flat vector, so it joins into
    one when the parameters come flat.
    """
    if len(state) == len(params) or len(params) != 1:
        return state
    xp = functions_of(state[0])
    return [xp.concatenate([xp.reshape(s, (-1,)) for s in state])]


@register_optimizer("lbfgs")
class LBFGS(Optimizer):
    r"""Limited-memory BFGS on the whole training set, through scipy.

    .. math:: w \leftarrow w - \lambda_k H_k \nabla L(w)

    where :math:`H_k` approximates the inverse Hessian from the last few
    steps and gradients, and :math:`\lambda_k` comes from a line search.

    As scikit-learn's MLP: ``scipy.optimize.minimize(method="L-BFGS-B")``
    with ``maxiter=max_iter``, ``maxfun=max_fun`` and ``gtol=tol``; and
    ``ftol`` (the relative decrease of the loss in one iteration below which
    it stops) proportional to ``tol``: scipy's default, ``2.2e-9``, at the
    estimators' default ``tol=1e-4``, and 0 for ``tol=0``. A smaller ``tol``
    thus means a longer fit on both counts: plateaus of the loss are where
    the decrease is smallest (the estimators pass ``tol / 1000`` where the
    gradient carries the output activation's derivative). It converges fast
    on small data sets; it has no ``partial_fit``.

    ``converged(x, gradient)``, where given, is the estimator's own test of
    convergence, asked at the end of every iteration: the fit stops there,
    converged, where it is true.
    """

    stochastic = False

    def minimize(self, fun, x0, *, max_iter, tol, max_fun, verbose, converged=None):
        import scipy.optimize

        options = {"maxfun": max_fun, "maxiter": max_iter, "gtol": tol}
        options["ftol"] = tol * _FTOL_PER_TOL
        if converged is None:
            result = scipy.optimize.minimize(
                fun, x0, method="L-BFGS-B", jac=True, options=options
            )
        else:
            iterates = _Iterates(fun, converged)
            try:
                result = scipy.optimize.minimize(
                    iterates.fun,
                    x0,
                    method="L-BFGS-B",
                    jac=True,
                    options=options,
                    callback=iterates.callback,
                )
            except _Converged:
                return iterates.x, iterates.n_iter, float(iterates.loss)
        n_iter = _check_lbfgs_result(result, max_iter)
        return result.x, n_iter, float(result.fun)


class _Converged(Exception):
    """Raised from scipy's callback: the estimator's test of convergence held."""


class _Iterates:
    """An objective that keeps its last point, loss and gradient, and a
    callback of scipy's that asks ``converged`` about each iterate.

    scipy's L-BFGS-B ends an iteration at the line search's last point, the
    last one evaluated: its gradient is at hand. The callback takes ``xk``
    alone (scipy's older form), which every scipy that scikit-learn supports
    calls; it ends the fit by an exception of its own, which scipy lets
    through.
    """

    def __init__(self, fun, converged):
        self._fun = fun
        self._converged = converged
        self._last = None
        self.n_iter = 0

    def fun(self, x):
        loss, gradient = self._fun(x)
        # scipy may reuse its x in place
        self._last = (np.array(x, copy=True), loss, gradient)
        return loss, gradient

    def callback(self, xk):
        self.n_iter += 1
        x, loss, gradient = self._last
        # (another point than the last evaluated one has no gradient at hand)
        if np.array_equal(xk, x) and self._converged(x, gradient):
            self.x, self.loss = x, loss
            raise _Converged


#: scipy's default ftol (``factr = 1e7`` times the machine epsilon) per the
#: estimators' default tol, 1e-4
_FTOL_PER_TOL = 1e7 * float(np.finfo(float).eps) / 1e-4


def _check_lbfgs_result(result, max_iter):
    from sklearn.exceptions import ConvergenceWarning

    # (a loss that is not finite is no matter of iterations: the estimator
    # raises an error that says so)
    if result.status != 0 and np.isfinite(result.fun):
        message = result.message
        if isinstance(message, bytes):
            message = message.decode("latin1")
        warn(
            f"lbfgs failed to converge after {result.nit} iteration(s) "
            f"(status={result.status}):\n{message}.\n\nIncrease the number of "
            f"iterations to improve the convergence (max_iter={max_iter}).\n"
            "You might also want to scale the data as shown in:\n"
            "    https://scikit-learn.org/stable/modules/preprocessing.html",
            ConvergenceWarning,
        )
    return min(result.nit, max_iter)
