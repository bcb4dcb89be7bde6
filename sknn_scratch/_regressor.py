"""ScratchMLPRegressor: the same network with a linear output, for real targets."""

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from ._array import float_dtypes, to_numpy
from ._base import BaseScratchMLP
from ._boundary import fits, predicts
from ._inputs import prepared, refuse_text
from ._sklearn_private import _fit_context
from ._validation import validated
from .losses import Loss


class ScratchMLPRegressor(RegressorMixin, BaseScratchMLP):
    """A multi-layer perceptron regressor, built from scratch in numpy.

    The article's network and mean squared error (the loss it was made for),
    with an identity output layer and the parameters and fitted attributes of
    scikit-learn's :class:`~sklearn.neural_network.MLPRegressor`. ``score`` is
    R².

    Its defaults are not the article's: sigmoid neurons under plain SGD fit
    real-valued targets far more slowly than ReLU under Adam (R² 0.71
    against 0.86 on Boston housing), so the regressor trains as
    MLPRegressor does (ReLU, Adam at 0.001, batches of up to 200), with its
    own stopping: a plateau (30 epochs without an improvement of ``tol``)
    divides the rate by 5 (``"adaptive"``), and the second plateau stops,
    within 200 epochs; the weights of the epoch of the lowest training loss
    are returned if the last ones are worse. ``activation="sigmoid",
    solver="sgd"`` is the article's method.

    Parameters
    ----------
    hidden_layer_sizes : int or array-like of int, default=(100,)
        The number of neurons of each hidden layer; ``()`` means none (a
        linear model).
    activation : str, activation object, or list or tuple of them, \
default="relu"
        The hidden layers' activation, or one per hidden layer (see
        :class:`ScratchMLPClassifier`); ``"softmax"`` is an output
        activation only, refused here.
    solver : str or optimizer object, default="adam"
        ``"sgd"``, ``"adam"``, ``"lbfgs"``, or an optimizer object.
    alpha : float, default=1e-4
        Strength of the L2 penalty.
    batch_size : int, "auto" or None, default="auto"
        Mini-batch size. ``None`` is every sample up to 64 (one batch,
        with no warning), beyond that ``min(64, ceil(n_samples / 12))``: at
        least 12 updates an epoch; ``"auto"`` is
        ``min(200, n_samples)`` (MLPClassifier's default). An int larger than
        the number of samples is clipped, with a warning, as in
        MLPClassifier.
    learning_rate : str or schedule object, default="adaptive"
        The learning-rate schedule (see :class:`ScratchMLPClassifier`):
        ``"adaptive"`` divides the rate by 5 on each plateau and stops at a
        plateau where it is 1e-6 or below (a quarter of the solver's rate
        with ``learning_rate_init=None``: the second plateau).
    learning_rate_init : float or None, default=None
        The initial learning rate of the stochastic solvers. ``None`` is the
        solver's own default, at most 0.01: 0.01 for ``"sgd"`` (smaller than
        the classifier's 0.1: a linear output is unbounded, and 0.1 diverges
        on many unscaled targets), 0.001 for ``"adam"`` (as
        MLPRegressor). The rate used is ``learning_rate_init_``; ``"lbfgs"``
        takes none.
    power_t : float, default=0.5
        The exponent of the ``"invscaling"`` schedule.
    max_iter : int, default=200
        The maximum number of epochs.
    loss : str or loss object, default="squared_error"
        ``"squared_error"`` (the article's MSE), ``"absolute_error"``,
        ``"poisson"`` (half the Poisson deviance, as MLPRegressor: for
        counts and rates, ``y >= 0``, with an exponential output), or a loss
        object. The classifier's losses (``"log_loss"``, ``"hinge"``) are
        refused.
    shuffle : bool, default=True
        Shuffle the samples before each epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds the weights, shuffling and validation split.
    tol : float, default=1e-3
        Improvement below which an epoch counts as no improvement (of the
        mean squared error: on a standardised ``y``, a thousandth of its
        variance). For
        ``"lbfgs"``, the gradient tolerance (scipy's ``gtol``, as
        MLPRegressor) where the loss and the output activation cancel (the
        squared error after the identity); ``tol / 1000`` otherwise.
    verbose : bool, default=False
        Print the loss after each epoch.
    warm_start : bool, default=False
        Continue from the current weights when ``fit`` is called again.
    momentum : float, default=0.0
        Momentum of SGD, in ``[0, 1]``.
    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum when ``momentum > 0``.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data, or use the ``X_val``
        and ``y_val`` given to ``fit``, and stop when the validation score
        (``scoring``; R² by default) stops improving; the best weights are
        kept.
    validation_fraction : float, default=0.1
        The held-out fraction for early stopping; ignored when ``fit`` is
        given ``X_val`` and ``y_val``.
    scoring : str, callable or None, default=None
        The validation score early stopping watches (and
        ``validation_scores_`` records): ``None`` is the R²; ``"loss"``
        the validation loss (recorded negated, so that higher is better, as
        HistGradientBoosting records it); a scorer name
        (``"neg_mean_absolute_error"``, ...) or a callable
        ``scorer(estimator, X, y)``.
    dropout : float or list of float, default=0.0
        Inverted dropout in training: each hidden neuron's output is set to
        0 with this probability in each training step, and the outputs kept
        are divided by ``1 - dropout``; prediction, ``transform`` and the
        ONNX export drop nothing. One rate for every hidden layer, or a list
        of one per hidden layer. The masks follow ``random_state``. The
        stochastic solvers only (``"lbfgs"`` refuses it); ``loss_curve_``
        then records the loss of the dropped networks.
    beta_1, beta_2, epsilon : float, default=0.9, 0.999, 1e-8
        Parameters of the ``"adam"`` solver.
    n_iter_no_change : int or np.inf, default=30
        Epochs without improvement by ``tol`` before the schedule lowers the
        rate (``"adaptive"``) or training stops.
    max_fun : int, default=15000
        Maximum number of loss evaluations of the ``"lbfgs"`` solver.
    output_activation : str, activation object or None, default=None
        The output layer's activation; ``None`` is the loss's: the
        identity, the exponential (``"exp"``) for ``"poisson"``.
    weight_init : str, callable or None, default=None
        How weights start, as :class:`ScratchMLPClassifier`'s: ``None`` is
        scikit-learn's start, but for sigmoid layers under ``solver="sgd"``,
        which start at twice Glorot's bound; ``"glorot_uniform"`` is
        scikit-learn's always.
    progress_bar : bool, default=False
        Show a progress bar over the epochs of ``fit`` (stochastic solvers),
        with each epoch's loss and, with early stopping, validation score.
        Needs the optional dependency tqdm (``pip install tqdm``);
        ``ImportError`` without it.

    Attributes
    ----------
    coefs_, intercepts_ : list of ndarray
        The weights ``(n_in, n_out)`` and biases ``(n_out,)`` of each layer.
    loss_, best_loss_, loss_curve_ : float, float or None, list of float
        The last epoch's loss, the lowest (``None`` with early stopping), and
        each epoch's.
    validation_scores_, best_validation_score_ : list of float, float or None
        The validation score of each epoch (``scoring``; R² by default), and
        the best, with early stopping.
    validation_loss_curve_ : list of float or None
        The validation loss of each epoch, with early stopping.
    t_, n_iter_, n_layers_, n_outputs_ : int
        Samples seen, epochs of the last fit, layers, output neurons.
    n_features_in_ : int
        The number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Feature names seen in ``fit``, when ``X`` has string column names.
    out_activation_ : str
        The output activation's name (``"identity"``, ``"exp"`` for
        ``"poisson"``).
    learning_rate_init_ : float or None
        The initial learning rate of the fit: ``learning_rate_init``, or the
        solver's default when it is ``None``; ``None`` for ``"lbfgs"``.
    hidden_activation_, output_activation_, loss_function_, optimizer_, \
learning_rate_schedule_, weight_init_ : object
        The components the parameters resolved to.
        ``hidden_activation_`` is a list, one per hidden layer, where
        ``activation`` is a list.

    See Also
    --------
    ScratchMLPClassifier : The classifier on the same network.
    sklearn.neural_network.MLPRegressor : scikit-learn's regressor.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn_scratch import ScratchMLPRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-1, 1, size=(200, 1))
    >>> y = np.sin(3 * X[:, 0])
    >>> reg = ScratchMLPRegressor(hidden_layer_sizes=(20,), activation="tanh",
    ...                           solver="lbfgs", random_state=0).fit(X, y)
    >>> bool(reg.score(X, y) > 0.99)
    True
    """

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=1e-4,
        batch_size="auto",
        learning_rate="adaptive",
        learning_rate_init=None,
        power_t=0.5,
        max_iter=200,
        loss="squared_error",
        shuffle=True,
        random_state=None,
        tol=1e-3,
        verbose=False,
        warm_start=False,
        momentum=0.0,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        scoring=None,
        dropout=0.0,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=30,
        max_fun=15000,
        output_activation=None,
        weight_init=None,
        progress_bar=False,
    ):
        # every parameter stored as given (see BaseScratchMLP._store_params)
        self._store_params(locals())

    def _validate_input(self, X, y, incremental, reset):
        refuse_text(y)
        X, y = validate_data(
            self,
            prepared(X),
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            y_numeric=True,
            dtype=float_dtypes(X),
            reset=reset,
        )
        y = to_numpy(y)  # targets are encoded in numpy, then join X's library
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        Y = y.reshape(-1, 1) if y.ndim == 1 else y
        if not reset and hasattr(self, "n_outputs_") and Y.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {Y.shape[1]} outputs, but {type(self).__name__} was fitted "
                f"with {self.n_outputs_}."
            )
        return X, Y, y

    def _validate_validation(self, X_val, y_val, n_outputs):
        """``X_val`` and ``y_val`` checked as ``X`` and ``y``: the same
        features, and as many outputs."""
        X_val, y_val = validated(self, X_val, y_val, y_numeric=True)
        Y_val = y_val.reshape(-1, 1) if y_val.ndim == 1 else y_val
        if Y_val.shape[1] != n_outputs:
            raise ValueError(
                f"y_val has {Y_val.shape[1]} outputs, but y has {n_outputs}."
            )
        return X_val, Y_val, y_val

    def _encode_targets(self, Y, dtype, compact=False):
        """The targets as they are, in the input's dtype, checked for the loss."""
        in_range = getattr(self.loss_function_, "in_y_true_range", None)
        if in_range is not None and not in_range(Y):
            name = self.loss if isinstance(self.loss, str) else repr(self.loss)
            raise ValueError(
                f"Some value(s) of y are out of the valid range of the loss "
                f"{name!r}" + (": it needs y >= 0." if name == "poisson" else ".")
            )
        return np.asarray(Y, dtype=dtype)

    def _combine_weights(self, y, sample_weight, incremental):
        return sample_weight

    def _default_learning_rate(self, rate, optimizer):
        # a linear output is unbounded: plain SGD's 0.1 diverges on many
        # unscaled targets, so no default rate above 0.01
        return min(rate, 0.01)

    def _default_output_activation(self, loss, Y):
        # the loss's own pairing if it names one (the Poisson loss's
        # exponential); the base class's sigmoid is a classifier's
        owner = next(
            (k for k in type(loss).__mro__ if "output_activation" in vars(k)), None
        )
        if "output_activation" in getattr(loss, "__dict__", {}) or owner not in (
            None,
            Loss,
        ):
            return loss.output_activation
        return "identity"

    def _stratify_validation(self, Y):
        return False

    @available_if(lambda est: est._check_solver())
    @_fit_context(prefer_skip_nested_validation=True)
    @fits
    def partial_fit(self, X, y, sample_weight=None):
        """Train for one epoch over the given data, keeping optimizer state.

        Takes no validation data: one epoch per call, without early stopping
        (score a validation set of your own between calls).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            The updated estimator.
        """
        return self._fit(X, y, sample_weight, incremental=True)

    @predicts
    def predict(self, X):
        """Predict with the fitted network.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predicted values.
        """
        check_is_fitted(self)
        _, A = self._forward(X)
        return A[:, 0] if self.n_outputs_ == 1 else A

    def _validation_score(self, Z, A, y, sample_weight):
        y_pred = to_numpy(A[:, 0] if self.n_outputs_ == 1 else A)
        if not np.isfinite(y_pred).all():
            return np.nan
        return r2_score(to_numpy(y), y_pred, sample_weight=to_numpy(sample_weight))
