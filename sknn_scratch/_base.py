"""What both estimators share: parameters, validation, components, weights.

The network's arithmetic lives in :mod:`sknn_scratch._network` and the epoch
loop in :mod:`sknn_scratch._training`; this module turns them into a
scikit-learn estimator: it checks parameters and data, resolves component
names, draws the first weights, runs the solver and keeps the fitted
attributes scikit-learn's MLP has, with the same names and meaning. What is
the classifier's or the regressor's lives in :mod:`sknn_scratch._classifier`
and :mod:`sknn_scratch._regressor`: how targets are validated and encoded,
the default output activation, sample weights from classes, the validation
score; what both do once fitted (predict, the array API hook) in
:mod:`sknn_scratch._predict`.
"""

import math
from numbers import Integral

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.utils.validation import check_is_fitted

from . import _weights
from ._array import backend_of, dtype_of
from ._boundary import fits, predicts
from ._callbacks import CallbackSupportMixin, end_fit, fit_context
from ._checkpoint import (
    NON_FINITE_MESSAGE,
    OVERFLOW_MESSAGE,
    advice,
    all_finite,
    small_weights_advice,
)
from ._components import (
    hidden_activation,
    is_stochastic,
    learning_rate_init,
    resolve_loss,
    resolve_optimizer,
    resolve_schedule,
    resolve_weight_init,
)
from ._diagnosis import check_progress
from ._dropout import check_solver as check_dropout_solver
from ._dropout import dropout_rates, make_dropout
from ._full_batch import fit_full_batch
from ._inputs import checked_sample_weight, detached
from ._network import Network
from ._params import PARAMETER_CONSTRAINTS, samples_per_batch
from ._persistence import SkopsMixin
from ._predict import PredictionMixin, check_same_namespace
from ._progress import require_tqdm
from ._sklearn_private import _fit_context
from ._training import fit_stochastic
from ._validation import check_given, validation_set
from ._warn import warn
from .activations import ACTIVATIONS
from .initializers import INITIALIZERS
from .optimizers import OPTIMIZERS


class BaseScratchMLP(
    SkopsMixin,
    PredictionMixin,
    CallbackSupportMixin,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    BaseEstimator,
):
    """Base class of :class:`ScratchMLPClassifier` and :class:`ScratchMLPRegressor`.

    Not to be used directly. A subclass provides ``_validate_input``,
    ``_encode_targets``, ``_combine_weights``, ``_default_output_activation``,
    ``_stratify_validation`` and ``_validation_score``.
    """

    _parameter_constraints: dict = PARAMETER_CONSTRAINTS

    def _store_params(self, arguments):
        """Store each of ``__init__``'s arguments, unchanged, under its name.

        ``arguments`` is ``locals()`` taken first thing in ``__init__``: its
        parameters and ``self``. scikit-learn's convention is that
        ``__init__`` does nothing else: ``get_params``, ``set_params`` and
        ``clone`` read the parameters back by the names in its signature,
        and validation waits for ``fit``.
        """
        for name, value in arguments.items():
            if name != "self":
                setattr(self, name, value)

    # ------------------------------------------------------------------ fit

    @_fit_context(prefer_skip_nested_validation=True)
    @fits
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None,
            sample_weight_val=None):  # fmt: skip
        """Fit the network to data matrix X and targets y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The targets (class labels in classification, real numbers in
            regression).
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights; the loss is their weighted mean.
        X_val : {array-like, sparse matrix} of shape (n_val, n_features), \
default=None
            Validation data for early stopping, used instead of a
            ``validation_fraction`` of ``X`` (a split of your own: by time,
            by group). Needs ``early_stopping=True`` and ``y_val``. In a
            ``Pipeline``, ``X_val`` is transformed as ``X`` with
            ``Pipeline(..., transform_input=["X_val"])`` (metadata routing
            on: ``set_fit_request(X_val=True, y_val=True)``).
        y_val : array-like of shape (n_val,) or (n_val, n_outputs), \
default=None
            The targets of ``X_val``; in classification, classes of ``y``.
        sample_weight_val : array-like of shape (n_val,), default=None
            Weights of the validation samples, in the validation loss and
            score.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        given = check_given(self, X_val, y_val, sample_weight_val)
        validation_data = (X_val, y_val, sample_weight_val) if given else None
        return self._fit(X, y, sample_weight, False, validation_data)

    def _check_solver(self):
        """True if the solver is stochastic (so ``partial_fit`` exists)."""
        solver = self.solver
        if isinstance(solver, str):
            solver = OPTIMIZERS.get_factory(solver, missing_ok=True)
        if not is_stochastic(solver):
            name = self.solver if isinstance(self.solver, str) else repr(self.solver)
            raise AttributeError(
                "partial_fit is only available for stochastic optimizers. "
                f"{name} is not stochastic."
            )
        return True

    def _hidden_layer_sizes(self):
        sizes = self.hidden_layer_sizes
        if not hasattr(sizes, "__iter__"):
            sizes = [sizes]
        sizes = list(sizes)
        for size in sizes:
            if not isinstance(size, Integral | np.integer) or isinstance(size, bool):
                raise ValueError(
                    "hidden_layer_sizes must hold integers, got "
                    f"{self.hidden_layer_sizes!r}."
                )
        if np.any(np.array(sizes) <= 0):
            raise ValueError(f"hidden_layer_sizes must be > 0, got {sizes}.")
        return [int(s) for s in sizes]

    def _fit(self, X, y, sample_weight, incremental, validation_data=None):
        first_pass = not hasattr(self, "coefs_") or (
            not self.warm_start and not incremental
        )
        # (checked before any attribute changes)
        dropout = dropout_rates(self, len(self._hidden_layer_sizes()))
        solver = self.solver
        if isinstance(solver, str):
            solver = OPTIMIZERS.get_factory(solver, missing_ok=True)
        check_dropout_solver(dropout, is_stochastic(solver), self.solver)
        X, Y, y_original, sample_weight, validation = self._prepare(
            X, y, sample_weight, incremental, first_pass, validation_data
        )
        stochastic = is_stochastic(self.optimizer_)
        network = Network(
            self.coefs_,
            self.intercepts_,
            self.hidden_activation_,
            self.output_activation_,
            self.loss_function_,
            alpha=self.alpha,
            dropout=make_dropout(dropout, self._training.rng, backend_of(X)),
        )
        # the network trains its own copy, in place: these become the model's
        self.coefs_, self.intercepts_ = list(network.coefs), list(network.intercepts)
        epochs = (1 if incremental else self.max_iter) if stochastic else 0
        task = "partial_fit" if incremental else "fit"
        context = fit_context(self, task, epochs, X, y_original)
        try:
            if stochastic:
                data = (X, Y, y_original, sample_weight)
                converged = fit_stochastic(
                    self, network, *data, incremental, context, validation
                )
            else:
                fit_full_batch(self, network, X, Y, sample_weight)
                converged = self._training.n_iter_ < self.max_iter
        finally:
            # the fitted attributes, from the training's state (also when
            # training failed: the loss curve shows how)
            for name, value in self._training.fitted_attributes().items():
                setattr(self, name, value)
        self._check_fitted(X, stochastic, incremental)
        # a fit that stopped on its own: not at max_iter, nor diverged with
        # early stopping (each warns of its own), Ctrl-C or a callback
        if not incremental and converged and math.isfinite(self.loss_):
            check_progress(self, X, Y, sample_weight)
        end_fit(context, self, X, y_original)
        return self

    def _prepare(self, X, y, sample_weight, incremental, first_pass, given):
        """The data validated and encoded, the components and weights ready.

        Returns ``X``, the encoded targets ``Y`` (in ``X``'s library), ``y``
        as given, the sample weights and the validation set made of the
        ``given`` ``(X_val, y_val, sample_weight_val)``, or ``None``.
        """
        hidden_layer_sizes = self._hidden_layer_sizes()
        if self.progress_bar:
            require_tqdm()  # fail before any attribute changes
        if incremental and not first_pass:
            # arrays of the library the model lives in, as predict asks
            check_same_namespace(
                X, self, attribute="_fitted_array", method="partial_fit"
            )
        # a tensor that records gradients: the network trains in place
        X, y, sample_weight = detached(X), detached(y), detached(sample_weight)
        X, Y, y_original = self._validate_input(X, y, incremental, reset=first_pass)
        # numpy, or the namespace and device of the input's own library
        backend = backend_of(X)
        X = self._in_weights_dtype(X, first_pass, backend)
        dtype = dtype_of(X)  # numpy's name for it
        sample_weight = self._sample_weight(X, y_original, sample_weight, incremental)
        new_optimizer = self._resolve_components(
            Y, len(hidden_layer_sizes), keep_optimizer=incremental and not first_pass
        )
        stochastic = is_stochastic(self.optimizer_)
        small = small_weights_advice(self, sample_weight)
        if small:  # said before a fit that learns nothing or diverges
            warn(small)
        validation = None
        if given is not None:
            if not stochastic:
                raise ValueError(
                    "X_val and y_val are for early stopping, which only the "
                    f"stochastic solvers do; solver={self.solver!r} trains on "
                    "the whole of X at once. Use solver='sgd' or 'adam'."
                )
            # (the width of y as given, before any encoding)
            validation = validation_set(self, given, X, Y.shape[1], backend)
        # (0/1 class targets may stay boolean for the stochastic loop, which
        # casts each batch: an eighth of the memory of float64 targets)
        compact = stochastic and backend.is_numpy
        Y = self._encode_targets(Y, dtype, compact=compact)
        layer_units = [X.shape[1], *hidden_layer_sizes, Y.shape[1]]
        if first_pass:
            self._initialize(Y, layer_units, dtype, backend)
        else:
            self._check_weights(layer_units, dtype, backend)
        if new_optimizer:
            self._training.optimizer_ready = False
        if not backend.is_numpy:
            # targets and weights, made in numpy, join X on its device
            Y = backend.asarray(Y, dtype)
            if sample_weight is not None:
                sample_weight = backend.asarray(sample_weight, dtype)
        return X, Y, y_original, sample_weight, validation

    def _check_fitted(self, X, stochastic, incremental):
        """Refuse weights that are not finite, or whose outputs overflow."""
        params = self.coefs_ + self.intercepts_
        if not all(all_finite(w) for w in params):
            raise ValueError(NON_FINITE_MESSAGE)
        # (the stochastic solvers check this themselves, with weights to go
        # back to; with early stopping the best epoch's weights stand)
        checked = stochastic and not self.early_stopping
        if not incremental and not checked and not self._outputs_finite(X):
            raise ValueError(OVERFLOW_MESSAGE + " " + advice(self, X))

    def _in_weights_dtype(self, X, first_pass, backend):
        """As MLPClassifier: the first fit fixes the weights' dtype, and later
        data (warm_start, partial_fit) trains in it."""
        if first_pass or not hasattr(self.coefs_[0], "dtype"):
            return X
        dtype = dtype_of(self.coefs_[0])
        if dtype not in (np.float32, np.float64) or dtype_of(X) == dtype:
            return X
        if backend.is_numpy:
            return X.astype(dtype)
        return backend.asarray(X, dtype)

    def _sample_weight(self, X, y, sample_weight, incremental):
        """``sample_weight`` checked, times the classes' weights if any."""
        if sample_weight is not None:
            sample_weight = checked_sample_weight(
                sample_weight, X.shape[0], dtype_of(X)
            )
        sample_weight = self._combine_weights(y, sample_weight, incremental)
        if sample_weight is not None and not np.any(sample_weight):
            # class_weight can zero every sample: the weighted mean is 0 / 0
            raise ValueError(
                "Sample weights must contain at least one non-zero number: "
                "class_weight times sample_weight is 0 for every sample."
            )
        return sample_weight

    # --------------------------------------------------------- components

    def _resolve_components(self, Y, n_hidden, keep_optimizer):
        """Build the fitted components from the parameters (never changed).

        Returns whether the optimizer is a new one (its state not yet made).
        """
        self.hidden_activation_ = hidden_activation(self, n_hidden)
        loss = resolve_loss(self)
        output = self.output_activation
        if output is None:
            output = self._default_output_activation(loss, Y)
        self.output_activation_ = ACTIVATIONS.resolve(output, "output_activation")
        if hasattr(loss, "for_output"):
            loss = loss.for_output(self.output_activation_)
        self.loss_function_ = loss
        new_optimizer = not (keep_optimizer and hasattr(self, "optimizer_"))
        if new_optimizer:
            self.optimizer_ = resolve_optimizer(self)
        self.weight_init_ = resolve_weight_init(self)
        if not callable(self.weight_init_):
            raise ValueError(
                f"weight_init must be an initializer name ({INITIALIZERS.names()}) "
                f"or a callable (fan_in, fan_out, random_state, activation) -> "
                f"(W, b); got {self.weight_init!r}."
            )
        self.learning_rate_init_ = learning_rate_init(self, self.optimizer_)
        self.learning_rate_schedule_ = resolve_schedule(self)
        return new_optimizer

    def _default_learning_rate(self, rate, optimizer):
        """The rate of ``learning_rate_init=None``, from the solver's default."""
        return rate

    # ------------------------------------------------------- the weights
    # (drawn for a first fit, taken over by a warm start: _weights.py)

    _initialize = _weights.initialize
    _check_weights = _weights.check_weights

    # ------------------------------------------------------ the solvers

    def _batch_size(self, n_samples):
        """Samples per mini-batch, with MLPClassifier's warning when clipped."""
        if isinstance(self.batch_size, Integral) and self.batch_size > n_samples:
            warn(
                "Got `batch_size` less than 1 or larger than sample size. It is "
                "going to be clipped"
            )
        return samples_per_batch(self.batch_size, n_samples)

    @predicts
    def transform(self, X):
        """The learned features: the outputs of the last hidden layer.

        What the output layer sees for each sample, so that a fitted network
        can be the feature-extraction step of a ``Pipeline``. For a network
        without hidden layers, the inputs themselves.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        X_new : ndarray of shape (n_samples, hidden_layer_sizes[-1])
            The last hidden layer's outputs.
        """
        check_is_fitted(self)
        X = self._validated(X, "transform")
        if len(self.coefs_) == 1:
            if hasattr(X, "toarray"):
                X = X.toarray()
            dtype = np.result_type(dtype_of(X), np.float32)
            backend = backend_of(X)
            return X.astype(dtype) if backend.is_numpy else backend.asarray(X, dtype)
        network, X = self._network(X, layers=-1)
        with np.errstate(over="ignore", invalid="ignore"):
            return network.feedforward(X, self._chunk_rows(X))[1]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        # PyTorch, CuPy and array-api-strict arrays train where they are
        tags.array_api_support = True
        return tags
