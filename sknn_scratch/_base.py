"""What both estimators share: parameters, validation, the epoch loop.

The network's arithmetic lives in :mod:`sknn_scratch._network`; this module
turns it into a scikit-learn estimator: it checks parameters and data,
resolves component names, runs epochs of mini-batches (or a full-batch
optimizer), stops early, and keeps the fitted attributes scikit-learn's MLP
has, with the same names and meaning.
"""

import math
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import gen_batches
from sklearn.utils._chunking import get_chunk_n_rows
from sklearn.utils._param_validation import HasMethods, Interval, Options
from sklearn.utils.validation import _check_sample_weight, validate_data

from ._fast import (
    PREDICT_CHUNK_ROWS,
    ArrayCheckpoint,
    epoch_runner,
    forward_in_chunks,
    outputs_finite,
)
from ._interrupt import catch_interrupt
from ._network import Network
from ._progress import epoch_progress, require_tqdm
from .activations import ACTIVATIONS
from .initializers import INITIALIZERS
from .losses import LOSSES
from .optimizers import OPTIMIZERS
from .schedules import SCHEDULES

NON_FINITE_MESSAGE = (
    "Solver produced non-finite parameter weights. The input data may contain "
    "large values and need to be preprocessed."
)
ADVICE = (
    "Lower learning_rate_init, scale the inputs (for example with "
    "StandardScaler in a Pipeline), or raise alpha."
)
DIVERGENCE_ADVICE = (
    " Training diverged: the newest weights whose outputs on the training data "
    "are finite were kept. " + ADVICE
)
OVERFLOW_MESSAGE = (
    NON_FINITE_MESSAGE + " The fitted network's outputs overflow on the training data."
)


def _component(kind_methods):
    """Constraint: a registered name, or an object with these methods."""
    return [str, HasMethods(list(kind_methods))] if kind_methods else [str, object]


class BaseScratchMLP(BaseEstimator):
    """Base class of :class:`ScratchMLPClassifier` and :class:`ScratchMLPRegressor`.

    Not to be used directly.
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": _component(("forward", "derivative")),
        "output_activation": [None] + _component(("forward", "derivative")),
        "loss": _component(("loss", "gradient")),
        "solver": [str, object],
        "weight_init": [str, callable],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [
            None,
            Options(str, {"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "learning_rate": _component(("learning_rate", "on_plateau")),
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "progress_bar": ["boolean"],
    }

    # ------------------------------------------------------------------ fit

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
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

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    def _check_solver(self):
        """True if the solver is stochastic (so ``partial_fit`` exists)."""
        solver = self.solver
        if isinstance(solver, str):
            solver = OPTIMIZERS.get_factory(solver, missing_ok=True)
        if not _is_stochastic(solver):
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

    def _fit(self, X, y, sample_weight, incremental):
        hidden_layer_sizes = self._hidden_layer_sizes()
        if self.progress_bar:
            require_tqdm()  # fail before any attribute changes
        first_pass = not hasattr(self, "coefs_") or (
            not self.warm_start and not incremental
        )
        X, Y, y_original = self._validate_input(X, y, incremental, reset=first_pass)
        weights_dtype = None if first_pass else getattr(self.coefs_[0], "dtype", None)
        if weights_dtype in (np.float32, np.float64):
            # as MLPClassifier: the first fit fixes the weights' dtype, and
            # later data (warm_start, partial_fit) trains in it
            X = X.astype(weights_dtype, copy=False)
        if sample_weight is not None:
            # the loss is divided by the sum of weights: a negative weight
            # would make it unbounded below
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=X.dtype, ensure_non_negative=True
            )
        sample_weight = self._combine_weights(y_original, sample_weight, incremental)
        if sample_weight is not None and not np.any(sample_weight):
            # class_weight can zero every sample: the weighted mean is 0 / 0
            raise ValueError(
                "Sample weights must contain at least one non-zero number: "
                "class_weight times sample_weight is 0 for every sample."
            )

        self._resolve_components(Y, keep_optimizer=incremental and not first_pass)
        stochastic = _is_stochastic(self.optimizer_)
        # (0/1 class targets may stay boolean for the stochastic loop: its
        # built-in mini-batch path casts each batch, at an eighth of the
        # memory of float64 targets)
        Y = self._encode_targets(Y, X.dtype, compact=stochastic)
        layer_units = [X.shape[1], *hidden_layer_sizes, Y.shape[1]]
        if first_pass:
            self._initialize(Y, layer_units, X.dtype)
        else:
            self._check_weights(layer_units, X.dtype)

        network = Network(
            self.coefs_,
            self.intercepts_,
            self.hidden_activation_,
            self.output_activation_,
            self.loss_function_,
            alpha=self.alpha,
        )
        if stochastic:
            self._fit_stochastic(network, X, Y, y_original, sample_weight, incremental)
        else:
            self._fit_full_batch(network, X, Y, sample_weight)

        if not all(np.isfinite(w).all() for w in self.coefs_ + self.intercepts_):
            raise ValueError(NON_FINITE_MESSAGE)
        # (the stochastic solvers check this themselves, with weights to go
        # back to; with early stopping the best epoch's weights stand)
        checked = stochastic and not self.early_stopping
        if not incremental and not checked and not _outputs_finite(self, X):
            raise ValueError(OVERFLOW_MESSAGE + " " + ADVICE)
        return self

    def _combine_weights(self, y, sample_weight, incremental):
        """Hook for the classifier's ``class_weight``."""
        return sample_weight

    def _encode_targets(self, Y, dtype, compact=False):
        """Targets coded in the loss's range, in the input's dtype.

        With ``compact``, targets that are all 0 or 1 may come back boolean.
        """
        return np.asarray(Y, dtype=dtype)

    # --------------------------------------------------------- components

    def _resolve_components(self, Y, keep_optimizer):
        """Build the fitted components from the parameters (never changed)."""
        self.hidden_activation_ = ACTIVATIONS.resolve(self.activation, "activation")
        loss = LOSSES.resolve(self.loss, "loss")
        output = self.output_activation
        if output is None:
            output = self._default_output_activation(loss, Y)
        self.output_activation_ = ACTIVATIONS.resolve(output, "output_activation")
        if hasattr(loss, "for_output"):
            loss = loss.for_output(self.output_activation_)
        self.loss_function_ = loss
        self.weight_init_ = INITIALIZERS.resolve(self.weight_init, "weight_init")
        if not callable(self.weight_init_):
            raise ValueError(
                f"weight_init must be an initializer name ({INITIALIZERS.names()}) "
                f"or a callable (fan_in, fan_out, random_state, activation) -> "
                f"(W, b); got {self.weight_init!r}."
            )
        self.learning_rate_schedule_ = SCHEDULES.resolve(
            self.learning_rate, "learning_rate", power_t=self.power_t
        )
        if not (keep_optimizer and hasattr(self, "optimizer_")):
            optimizer = OPTIMIZERS.resolve(
                self.solver,
                "solver",
                momentum=self.momentum,
                nesterovs_momentum=self.nesterovs_momentum,
                beta_1=self.beta_1,
                beta_2=self.beta_2,
                epsilon=self.epsilon,
            )
            needed = (
                ("initialize", "update") if _is_stochastic(optimizer) else ("minimize",)
            )
            missing = [m for m in needed if not callable(getattr(optimizer, m, None))]
            if missing:
                raise ValueError(
                    f"The solver {self.solver!r} lacks "
                    f"{', '.join(f'{m}()' for m in missing)}: a "
                    "stochastic optimizer needs initialize() and update(), a "
                    "full-batch one (stochastic = False) needs minimize()."
                )
            self.optimizer_ = optimizer
            self._optimizer_ready = False

    def _default_output_activation(self, loss, Y):
        return "identity"

    # ------------------------------------------------------- initialization

    def _initialize(self, Y, layer_units, dtype):
        """Set every fitted attribute for a first fit, as MLPClassifier does."""
        self._rng = _fresh_random_state(self.random_state)
        self.n_iter_ = 0
        self.t_ = 0
        self.n_outputs_ = Y.shape[1]
        self.n_layers_ = len(layer_units)
        self.out_activation_ = _name_of(self.output_activation_, self.output_activation)
        self.coefs_, self.intercepts_ = [], []
        for fan_in, fan_out in zip(layer_units[:-1], layer_units[1:]):
            W, b = self.weight_init_(
                fan_in, fan_out, self._rng, self.hidden_activation_
            )
            self.coefs_.append(np.asarray(W, dtype=dtype).reshape(fan_in, fan_out))
            self.intercepts_.append(np.asarray(b, dtype=dtype).reshape(fan_out))
        self.loss_curve_ = []
        self.validation_loss_curve_ = None
        # a new fit must never return to a previous fit's best weights
        self._best_coefs = self._best_intercepts = None
        self._no_improvement_count = 0
        if self.early_stopping:
            self.validation_scores_ = []
            self.best_validation_score_ = -np.inf
            self.best_loss_ = None
        else:
            self.validation_scores_ = None
            self.best_validation_score_ = None
            self.best_loss_ = np.inf
        self._optimizer_ready = False

    def _check_weights(self, layer_units, dtype):
        """Take over ``coefs_``/``intercepts_`` (maybe set by the user) to train.

        They are copied, so arrays a user assigned are never changed in place.
        """
        expected = list(zip(layer_units[:-1], layer_units[1:]))
        coefs, intercepts = list(self.coefs_), list(self.intercepts_)
        shapes = [np.shape(W) for W in coefs]
        bias_shapes = [np.shape(b) for b in intercepts]
        if shapes != expected or bias_shapes != [(n,) for _, n in expected]:
            raise ValueError(
                "The network's weights do not fit this data and these "
                f"hidden_layer_sizes: expected coefs_ shapes {expected} and "
                f"intercepts_ shapes {[(n,) for _, n in expected]}, got {shapes} "
                f"and {bias_shapes}. Fit again without warm_start."
            )
        self.coefs_ = [np.array(W, dtype=dtype) for W in coefs]
        self.intercepts_ = [np.array(b, dtype=dtype) for b in intercepts]
        self.n_layers_ = len(layer_units)
        self.out_activation_ = _name_of(self.output_activation_, self.output_activation)
        if self.early_stopping and self.validation_scores_ is None:
            self.validation_scores_ = []
            self.best_validation_score_ = -np.inf
            self.best_loss_ = None
        elif not self.early_stopping and self.best_loss_ is None:
            self.best_loss_ = np.inf
            self.validation_scores_ = None
            self.best_validation_score_ = None

    # ------------------------------------------------------ the epoch loop

    def _fit_stochastic(self, network, X, Y, y_original, sample_weight, incremental):
        if self.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True")
        params = network.params
        if not self._optimizer_ready:
            self.optimizer_.initialize(params)
            self._optimizer_ready = True
            self._learning_rate = float(self.learning_rate_init)
        # the optimizer updates network.params in place: keep the estimator's
        # attributes pointing at those same arrays
        self.coefs_, self.intercepts_ = network.coefs, network.intercepts

        if self.early_stopping:
            X, X_val, Y, Y_val, y_val, sample_weight, sw_val = self._split_validation(
                X, Y, y_original, sample_weight
            )
            self.validation_loss_curve_ = self.validation_loss_curve_ or []
        n_samples = X.shape[0]
        batch_size = self._batch_size(n_samples)
        sample_idx = np.arange(n_samples)
        total_weight = (
            n_samples if sample_weight is None else float(sample_weight.sum())
        )
        # built-in components train through buffers allocated once per fit
        # (the same arithmetic); anything else takes the generic loop below
        runner = epoch_runner(network, self.optimizer_, X, Y, batch_size)
        if runner is None:
            # the generic loop hands the targets to any loss: floats
            Y = Y.astype(X.dtype, copy=False)
        # earlier weights, kept to return to if training diverges
        last_finite = runner if runner is not None else ArrayCheckpoint(params)

        self.n_iter_ = 0
        with (
            catch_interrupt() as interrupt,
            np.errstate(over="ignore", invalid="ignore", divide="ignore"),
            # partial_fit is one epoch per call: a bar each time would be noise
            epoch_progress(
                self.progress_bar and not incremental,
                self.max_iter,
                type(self).__name__,
            ) as progress,
        ):
            for _ in range(self.max_iter):
                if self.shuffle:
                    # a new permutation of the samples, not of the last epoch's
                    # order: then fit's epochs equal as many partial_fit calls
                    # (the permutation sklearn's shuffle(np.arange(n)) draws,
                    # without its two extra copies of n indices)
                    sample_idx = self._rng.permutation(n_samples)
                accumulated_loss = 0.0
                if runner is not None:
                    accumulated_loss = runner.run(
                        sample_idx if self.shuffle else None,
                        sample_weight,
                        self._learning_rate,
                        interrupt,
                    )
                batches = gen_batches(n_samples, batch_size) if runner is None else ()
                for batch in batches:
                    idx = sample_idx[batch] if self.shuffle else batch
                    sw = None if sample_weight is None else sample_weight[idx]
                    if sw is not None and not sw.sum() > 0:
                        continue  # nothing to learn from a batch of zero weight
                    batch_loss = network.backprop(X[idx], Y[idx], sw)
                    self.optimizer_.update(params, network.grads, self._learning_rate)
                    weight = (batch.stop - batch.start) if sw is None else sw.sum()
                    accumulated_loss += batch_loss * weight
                    if interrupt.requested:
                        interrupt.samples_done = batch.stop
                        break

                self.n_iter_ += 1
                # as MLPClassifier, t_ counts the samples passed over (an
                # interrupted epoch only up to its last batch)
                self.t_ += interrupt.samples_done or n_samples
                self.loss_ = accumulated_loss / total_weight if total_weight else 0.0
                if interrupt.requested and total_weight:
                    # the epoch was cut short: its running sum covers only the
                    # batches done, so measure the weights kept on all the data
                    self.loss_ = _loss_on(network, X, Y, sample_weight, total_weight)
                if not math.isfinite(self.loss_) or not last_finite.params_finite():
                    self.loss_curve_.append(self.loss_)
                    if not self.early_stopping:
                        self._return_to_finite(last_finite, X)
                        raise ValueError(NON_FINITE_MESSAGE + DIVERGENCE_ADVICE)
                    # as MLPClassifier: early stopping returns the best
                    # epoch's weights instead of failing
                    self.validation_scores_.append(np.nan)
                    self.validation_loss_curve_.append(np.nan)
                    warnings.warn(
                        f"Training diverged at epoch {self.n_iter_}: the weights "
                        "of the best validation epoch were kept. " + ADVICE,
                        ConvergenceWarning,
                        # _fit_stochastic, _fit, fit, _fit_context: the caller
                        stacklevel=5,
                    )
                    break
                last_finite.save()
                self.loss_curve_.append(self.loss_)

                message = f"Iteration {self.n_iter_}, loss = {self.loss_:.8f}"
                if self.early_stopping:
                    self._record_validation(network, X_val, Y_val, y_val, sw_val)
                    message += f", validation score = {self.validation_scores_[-1]:.6f}"
                else:
                    self._update_no_improvement(self.loss_ > self.best_loss_ - self.tol)
                    self.best_loss_ = min(self.best_loss_, self.loss_)
                if self.verbose:
                    print(message)
                progress.update(
                    self.loss_,
                    self.validation_scores_[-1] if self.early_stopping else None,
                )
                if interrupt.requested:
                    warnings.warn(
                        "Training interrupted by user. The estimator keeps the "
                        f"weights after {self.n_iter_} epoch(s), the last one "
                        "cut short; press Ctrl-C twice to abort at once.",
                        UserWarning,
                        # _fit_stochastic, _fit, fit, _fit_context: the caller
                        stacklevel=5,
                    )
                    break

                self._learning_rate = self.learning_rate_schedule_.learning_rate(
                    self._learning_rate,
                    learning_rate_init=float(self.learning_rate_init),
                    epoch=self.n_iter_,
                    t=self.t_,
                    max_iter=self.max_iter,
                )
                if self._no_improvement_count > self.n_iter_no_change:
                    if self._stop_on_plateau():
                        break
                if incremental:
                    break
                if self.n_iter_ == self.max_iter:
                    warnings.warn(
                        f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) "
                        "reached and the optimization hasn't converged yet.",
                        ConvergenceWarning,
                        # _fit_stochastic, _fit, fit, _fit_context: the caller
                        stacklevel=5,
                    )

        if self.early_stopping:
            self.coefs_ = self._best_coefs
            self.intercepts_ = self._best_intercepts
        elif not _outputs_finite(self, X):
            # the last update is never measured by an epoch's loss: weights
            # can be finite yet overflow on the very data they were trained on
            # (usually settled from bounds on the weights, without a forward
            # pass, so partial_fit pays it too)
            self._return_to_finite(last_finite, X)
            raise ValueError(OVERFLOW_MESSAGE + DIVERGENCE_ADVICE)

    def _return_to_finite(self, checkpoint, X):
        """Go back to the newest kept weights whose outputs on ``X`` are finite."""
        for _ in checkpoint.restore_each():
            if _outputs_finite(self, X):
                return

    def _batch_size(self, n_samples):
        # None: Keras's default of 32, which gives small data sets several
        # updates per epoch; full batches of rate 0.1 on sigmoid + squared
        # error creep, and the tol rule would stop them under-fitted.
        if self.batch_size is None:
            return min(32, n_samples)
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                "Got `batch_size` less than 1 or larger than sample size. It is "
                "going to be clipped",
                # _batch_size, _fit_stochastic, _fit, fit, _fit_context
                stacklevel=6,
            )
        return int(np.clip(self.batch_size, 1, n_samples))

    def _update_no_improvement(self, no_improvement):
        self._no_improvement_count = (
            self._no_improvement_count + 1 if no_improvement else 0
        )

    def _stop_on_plateau(self):
        """The stopping rule fired: stop, or let the schedule lower the rate."""
        if self.early_stopping:
            message = (
                f"Validation score did not improve more than tol={self.tol:f} "
                f"for {self.n_iter_no_change} consecutive epochs."
            )
        else:
            message = (
                f"Training loss did not improve more than tol={self.tol:f} for "
                f"{self.n_iter_no_change} consecutive epochs."
            )
        new_rate = self.learning_rate_schedule_.on_plateau(self._learning_rate)
        if new_rate is None:
            if self.verbose:
                print(message + " Stopping.")
            return True
        self._learning_rate = float(new_rate)
        self._no_improvement_count = 0
        if self.verbose:
            print(message + f" Setting learning rate to {self._learning_rate:f}")
        return False

    # ------------------------------------------------------ early stopping

    def _split_validation(self, X, Y, y_original, sample_weight):
        stratify = y_original if self._stratify_validation(Y) else None
        arrays = [X, Y, y_original] + ([] if sample_weight is None else [sample_weight])
        try:
            split = train_test_split(
                *arrays,
                random_state=self._rng,
                test_size=self.validation_fraction,
                stratify=stratify,
            )
        except ValueError as exc:
            # train_test_split speaks of its own test_size: say which
            # parameter that is here (its message is kept, as MLPClassifier's)
            raise ValueError(
                f"early_stopping=True could not set aside "
                f"validation_fraction={self.validation_fraction} of the "
                f"{X.shape[0]} training samples as a validation set: {exc}"
            ) from exc
        X_train, X_val, Y_train, Y_val, _, y_val = split[:6]
        Y_val = Y_val.astype(X.dtype, copy=False)
        sw_train, sw_val = (None, None) if sample_weight is None else split[6:]
        if X_val.shape[0] < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' "
                "or the size of your dataset."
            )
        if not hasattr(self, "_best_coefs") or not self._best_coefs:
            self._best_coefs = [W.copy() for W in self.coefs_]
            self._best_intercepts = [b.copy() for b in self.intercepts_]
        return X_train, X_val, Y_train, Y_val, y_val, sw_train, sw_val

    def _stratify_validation(self, Y):
        return False

    def _record_validation(self, network, X_val, Y_val, y_val, sw_val):
        Z, A = network.feedforward(X_val)
        self.validation_loss_curve_.append(
            float(self.loss_function_.loss(Y_val, A, sw_val))
        )
        score = self._validation_score(Z, A, y_val, sw_val)
        self.validation_scores_.append(score)
        self._update_no_improvement(score < self.best_validation_score_ + self.tol)
        if score > self.best_validation_score_:
            self.best_validation_score_ = score
            self._best_coefs = [W.copy() for W in self.coefs_]
            self._best_intercepts = [b.copy() for b in self.intercepts_]

    # ---------------------------------------------------------- full batch

    def _fit_full_batch(self, network, X, Y, sample_weight):
        x, n_iter, loss = self.optimizer_.minimize(
            lambda v: network.loss_and_gradient(v, X, Y, sample_weight),
            network.pack(network.params),
            max_iter=self.max_iter,
            tol=self.tol,
            max_fun=self.max_fun,
            verbose=self.verbose,
        )
        network.unpack(x)
        self.coefs_, self.intercepts_ = network.coefs, network.intercepts
        self.n_iter_ = int(n_iter)
        self.loss_ = float(loss)
        self.t_ += X.shape[0] * self.n_iter_

    # ------------------------------------------------------------- predict

    def _forward(self, X):
        """Validated ``X`` through the fitted network, in memory-bounded chunks.

        Returns the output layer's sums ``Z`` and outputs ``A``.
        """
        if not _plainly_valid(self, X):
            X = validate_data(
                self,
                X,
                accept_sparse=["csr", "csc"],
                dtype=(np.float64, np.float32),
                reset=False,
            )
        network = Network.for_prediction(
            self.coefs_,
            self.intercepts_,
            self.hidden_activation_,
            self.output_activation_,
        )
        # per row of a chunk, at the widest layer: the layer's input, its
        # sums Z, its outputs f(Z) and the temporaries of an activation's
        # expression (a user's f may well make two)
        widest = max(W.shape[1] for W in self.coefs_)
        row_bytes = 5 * X.dtype.itemsize * widest
        # (a few rows need no working_memory lookup: it costs more than them)
        n_rows = X.shape[0]
        few = n_rows <= PREDICT_CHUNK_ROWS
        chunk = n_rows if few else get_chunk_n_rows(row_bytes, max_n_rows=n_rows) or 1
        # built-in activations: reused buffers, small chunks that stay in cache
        fast = forward_in_chunks(network, X, min(chunk, PREDICT_CHUNK_ROWS))
        if fast is not None:
            return fast
        if chunk >= X.shape[0]:
            return network.feedforward(X)
        Z = np.empty((X.shape[0], self.n_outputs_), dtype=self.coefs_[-1].dtype)
        A = np.empty_like(Z)
        for rows in gen_batches(X.shape[0], chunk):
            Z[rows], A[rows] = network.feedforward(X[rows])
        return Z, A

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


def _plainly_valid(estimator, X):
    """True if ``validate_data`` would return ``X`` itself, unchanged.

    A finite 2-D float ndarray with the fitted number of features, for an
    estimator fitted without feature names: the common case, which this
    settles in a few microseconds where ``validate_data`` takes hundreds
    (most of the time of predicting one row). Anything else goes through
    ``validate_data``, with its conversions, errors and warnings.
    """
    return (
        type(X) is np.ndarray
        and X.ndim == 2
        and X.dtype in (np.float64, np.float32)
        and X.shape[0] > 0
        and X.shape[1] == getattr(estimator, "n_features_in_", None)
        and not hasattr(estimator, "feature_names_in_")
        # a finite sum means no inf or nan (else validate_data decides)
        and math.isfinite(X.sum())
    )


def _fresh_random_state(random_state):
    """A RandomState for this fit; ``None`` seeds a new one from the OS.

    scikit-learn's ``check_random_state(None)`` returns numpy's global state;
    a fresh generator keeps fits from touching (or depending on) it.
    """
    if random_state is None:
        return np.random.RandomState()
    if isinstance(random_state, Integral | np.integer):
        return np.random.RandomState(random_state)
    return random_state


def _is_stochastic(optimizer):
    """Whether ``optimizer`` (or its class) trains by mini-batches.

    The optimizer protocol's default: one that does not say
    ``stochastic = False`` is stochastic.
    """
    return getattr(optimizer, "stochastic", True)


def _loss_on(network, X, Y, sample_weight, total_weight):
    """The training loss (with its L2 penalty) of the current weights."""
    loss = 0.0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for rows in gen_batches(X.shape[0], 4096):
            sw = None if sample_weight is None else sample_weight[rows]
            weight = (rows.stop - rows.start) if sw is None else float(sw.sum())
            if weight > 0:
                _, A = network.feedforward(X[rows])
                Y_rows = Y[rows].astype(A.dtype, copy=False)
                loss += network.loss.loss(Y_rows, A, sw) * weight
        loss /= total_weight
        if network.alpha:
            penalty = sum(float(np.vdot(W, W)) for W in network.coefs)
            loss += 0.5 * network.alpha * penalty / total_weight
    return float(loss)


def _outputs_finite(estimator, X):
    """True if the fitted network's outputs on ``X`` are all finite."""
    network = Network.for_prediction(
        estimator.coefs_,
        estimator.intercepts_,
        estimator.hidden_activation_,
        estimator.output_activation_,
    )
    # built-in activations: usually proved from bounds on the weights, else
    # checked in small reused buffers rather than 4096-row temporaries
    fast = outputs_finite(network, X)
    if fast is not None:
        return fast
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for rows in gen_batches(X.shape[0], 4096):
            _, A = network.feedforward(X[rows])
            if not np.isfinite(A).all():
                return False
    return True


def _name_of(component, spec):
    """The name scikit-learn's MLP would report for an output activation."""
    name = getattr(component, "sklearn_name", None)
    if name:
        return name
    if isinstance(spec, str):
        return spec
    return type(component).__name__.lower()
