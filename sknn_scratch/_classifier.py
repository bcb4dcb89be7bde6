"""ScratchMLPClassifier: the article's network as a scikit-learn classifier."""

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    type_of_target,
)
from sklearn.utils.validation import check_is_fitted

from . import _labels
from ._array import backend_of, to_numpy
from ._base import BaseScratchMLP
from ._boundary import fits, predicts
from ._probabilities import log_probabilities, probabilities
from ._sklearn_private import StrOptions, _check_partial_fit_first_call, _fit_context
from .optimizers import SGD


class ScratchMLPClassifier(ClassifierMixin, BaseScratchMLP):
    """A multi-layer perceptron classifier, built from scratch in numpy.

    The network of Victor Zhou's "An Introduction to Neural Networks" (sigmoid
    neurons, mean squared error, backpropagation and stochastic gradient
    descent), generalised to any layer sizes, with the parameters and fitted
    attributes of scikit-learn's :class:`~sklearn.neural_network.MLPClassifier`.
    The defaults are the article's method; ``ARTICLE_PARAMS`` is its exact
    configuration.

    Parameters
    ----------
    hidden_layer_sizes : int or array-like of int, default=(100,)
        The number of neurons of each hidden layer; ``()`` means none, a single
        layer of output neurons (the article's single neuron).
    activation : str, activation object, or list or tuple of them, \
default="sigmoid"
        The hidden layers' activation: a registered name (``"sigmoid"``, alias
        ``"logistic"``, ``"tanh"``, ``"relu"``, ``"identity"``, ...) or an
        object with ``forward(Z)`` and ``derivative(Z, A)``; or a list of
        them, one per hidden layer (``["relu", "tanh"]``). ``"softmax"`` is
        an output activation only, refused here.
    solver : str or optimizer object, default="sgd"
        ``"sgd"``, ``"adam"``, ``"lbfgs"``, or an optimizer object.
    alpha : float, default=1e-4
        Strength of the L2 penalty.
    batch_size : int, "auto" or None, default=None
        Mini-batch size. ``None`` is every sample up to 64 (one batch,
        with no warning), beyond that ``min(64, ceil(n_samples / 12))``: at
        least 12 updates an epoch; ``"auto"`` is
        ``min(200, n_samples)`` (MLPClassifier's default). An int larger than
        the number of samples is clipped, with a warning, as in
        MLPClassifier.
    learning_rate : str or schedule object, default="adaptive"
        The learning-rate schedule: ``"constant"``, ``"invscaling"``,
        ``"adaptive"`` (divide the rate by 5 each time ``n_iter_no_change``
        epochs pass without an improvement of ``tol``; stop at a plateau
        where it is 1e-6 or below, or, on the solver's own rate,
        ``learning_rate_init=None``, a quarter of its start or below: the
        second plateau),
        ``"step"``, ``"cosine"``, or a schedule object.
    learning_rate_init : float or None, default=None
        The initial learning rate of the stochastic solvers. ``None`` is
        1.0 for plain ``"sgd"`` on the default mini-batches
        (``batch_size=None``), the article's eta, 0.1, for ``"sgd"`` with
        any batch size given; 0.001 for ``"adam"`` (as MLPClassifier:
        Adam's steps are normalised, and at 0.1 it does not learn); 0.1 for
        an optimizer object without a ``default_learning_rate``. The rate
        used is ``learning_rate_init_``; ``"lbfgs"`` takes none.
    power_t : float, default=0.5
        The exponent of the ``"invscaling"`` schedule.
    max_iter : int, default=200
        The maximum number of epochs (full-batch solver: iterations).
    loss : str or loss object, default="squared_error"
        ``"squared_error"`` (the article's MSE), ``"log_loss"``
        (cross-entropy), ``"absolute_error"``, ``"hinge"``, or a loss object
        with ``loss(y_true, y_pred, sample_weight=None)`` and
        ``gradient(y_true, y_pred)``. The regressor's ``"poisson"`` is
        refused.
    shuffle : bool, default=True
        Shuffle the samples before each epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds the weights, shuffling and validation split. ``None`` draws a
        fresh seed; numpy's global random state is never used.
    tol : float, default=2e-4
        Improvement of the loss (or validation score) below which an epoch
        counts as no improvement: twice MLPClassifier's 1e-4, since the
        article's squared error has no 1/2 (on real data, the same accuracy
        in fewer epochs; see the user guide's "The defaults"). For
        ``"lbfgs"``, the gradient tolerance (scipy's ``gtol``, as
        MLPClassifier) where the loss and the output activation cancel
        (``"log_loss"``) or the training data is learnt; ``tol / 1000``
        otherwise (the squared error's gradients through
        sigmoids nearly vanish on plateaus of wrong outputs).
    verbose : bool, default=False
        Print the loss after each epoch.
    warm_start : bool, default=False
        Continue from the current weights when ``fit`` is called again.
    momentum : float, default=0.0
        Momentum of SGD, in ``[0, 1]``; the article uses none.
    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum when ``momentum > 0``.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data (stratified), or use the
        ``X_val`` and ``y_val`` given to ``fit``, and stop when the
        validation score (``scoring``; accuracy by default) stops improving;
        the best weights are kept.
    validation_fraction : float, default=0.1
        The held-out fraction for early stopping; ignored when ``fit`` is
        given ``X_val`` and ``y_val``.
    scoring : str, callable or None, default=None
        The validation score early stopping watches (and
        ``validation_scores_`` records): ``None`` is the accuracy; ``"loss"``
        the validation loss (recorded negated, so that higher is better, as
        HistGradientBoosting records it); a scorer name (``"f1"``,
        ``"roc_auc"``, ...) or a callable ``scorer(estimator, X, y)``.
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
    n_iter_no_change : int or np.inf, default=5
        Epochs without improvement by ``tol`` before the schedule lowers the
        rate (``"adaptive"``) or training stops.
    max_fun : int, default=15000
        Maximum number of loss evaluations of the ``"lbfgs"`` solver.
    output_activation : str, activation object or None, default=None
        The output layer's activation. ``None`` follows the loss: a sigmoid
        per class for ``"squared_error"``, softmax for ``"log_loss"`` with
        more than two classes, sigmoid for two classes and multilabel.
        ``"softmax"`` for two classes has two outputs, one per class
        (``n_outputs_`` is 2): a single softmax output would be 1 for every
        sample.
    weight_init : str, callable or None, default=None
        How weights start. ``None``: with ``solver="sgd"``, Glorot's uniform
        start with twice Glorot's bound around sigmoid layers, where
        scikit-learn's is 1/sqrt(3) of it (plain SGD then learns rare classes
        in tens of epochs, not hundreds; see
        :data:`sknn_scratch.initializers.DEFAULT_WEIGHT_INIT`); scikit-learn's
        start otherwise. ``"glorot_uniform"`` (scikit-learn's, the same
        draws as ``MLPClassifier``), ``"standard_normal"`` (the article's),
        ``"he_normal"``, ``"he_uniform"``, or a callable.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, multiplied into ``sample_weight``.
    progress_bar : bool, default=False
        Show a progress bar over the epochs of ``fit`` (stochastic solvers),
        with each epoch's loss and, with early stopping, validation score.
        Needs the optional dependency tqdm (``pip install tqdm``);
        ``ImportError`` without it.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    coefs_ : list of ndarray
        ``coefs_[i]`` has shape ``(n_in, n_out)``: the weights of layer ``i``.
    intercepts_ : list of ndarray
        ``intercepts_[i]`` has shape ``(n_out,)``: the biases of layer ``i``.
    loss_ : float
        The loss of the last epoch.
    best_loss_ : float or None
        The lowest epoch loss; ``None`` with early stopping.
    loss_curve_ : list of float
        The loss of each epoch.
    validation_scores_ : list of float or None
        The validation score of each epoch (``scoring``; accuracy by
        default), with early stopping.
    best_validation_score_ : float or None
        The best of ``validation_scores_``.
    validation_loss_curve_ : list of float or None
        The loss on the validation set of each epoch, with early stopping.
    t_ : int
        The number of training samples seen.
    n_features_in_ : int
        The number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Feature names seen in ``fit``, when ``X`` has string column names.
    n_iter_ : int
        The number of epochs of the last call to ``fit``.
    n_layers_ : int
        The number of layers, input and output included.
    n_outputs_ : int
        The number of output neurons.
    out_activation_ : str
        The output activation's name (``"logistic"`` for the sigmoid, as in
        scikit-learn).
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
    sklearn.neural_network.MLPClassifier : scikit-learn's multi-layer
        perceptron, whose names and behaviour this follows.

    Notes
    -----
    Why these defaults: the method is the article's (sigmoid neurons, the
    squared error, plain SGD without momentum), trained to a good model in
    few epochs: weights drawn within twice Glorot's bound, mini-batches of
    up to 64 at a rate of 1.0, divided by 5 at a plateau of the training
    loss (5 epochs without an improvement of ``tol``); the second plateau
    stops. At most 200 epochs; the weights of the epoch of the lowest
    training loss are returned if the last ones are worse. On 20 public
    classification data sets (``benchmarks/realdata.py``) this scores as
    MLPClassifier's defaults do (mean accuracy 0.783 against 0.780) in a
    median 0.21 of its time, except on the smallest data with many classes
    (see the user guide's "The defaults"). ``ARTICLE_PARAMS``
    switches to the article's per-sample updates at 0.1 for 1000 epochs.

    Examples
    --------
    The article's four people, shifted as in the article; Female is 1:

    >>> import numpy as np
    >>> from sknn_scratch import ScratchMLPClassifier
    >>> X = np.array([[-2, -1], [25, 6], [17, 4], [-15, -6]])
    >>> y = np.array([1, 0, 0, 1])
    >>> clf = ScratchMLPClassifier(hidden_layer_sizes=(2,), random_state=0)
    >>> clf = clf.fit(X, y)
    >>> clf.predict([[-7, -3], [20, 2]])  # Emily, Frank
    array([1, 0])
    """

    _parameter_constraints: dict = {
        **BaseScratchMLP._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="sigmoid",
        *,
        solver="sgd",
        alpha=1e-4,
        batch_size=None,
        learning_rate="adaptive",
        learning_rate_init=None,
        power_t=0.5,
        max_iter=200,
        loss="squared_error",
        shuffle=True,
        random_state=None,
        tol=2e-4,
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
        n_iter_no_change=5,
        max_fun=15000,
        output_activation=None,
        weight_init=None,
        class_weight=None,
        progress_bar=False,
    ):
        # every parameter stored as given (see BaseScratchMLP._store_params)
        self._store_params(locals())

    # ------------------------------------------------------ targets

    _validate_input = _labels.validate_input
    _one_hot = _labels.one_hot
    _validate_validation = _labels.validate_validation

    def _default_learning_rate(self, rate, optimizer):
        # plain SGD on the default mini-batches of 64 starts at 1.0 and the
        # "adaptive" schedule divides it by 5 on each plateau: sigmoid
        # outputs under the squared error have small gradients (the
        # sigmoid's slope is at most 1/4), and at the article's 0.1 a
        # mini-batch fit needs hundreds of epochs to get where 1.0 gets in
        # tens (see the user guide's "The defaults")
        if isinstance(optimizer, SGD) and self.batch_size is None:
            return 1.0
        return rate

    def _numpy_classes(self):
        """``classes_`` in numpy (they may live in the input's library)."""
        return to_numpy(self.classes_)

    def _is_multilabel(self):
        return self._label_binarizer.y_type_.startswith("multilabel")

    _encode_targets = _labels.encode_targets

    def _default_output_activation(self, loss, Y):
        name = getattr(loss, "output_activation", "sigmoid")
        if name == "softmax" and (Y.shape[1] == 1 or self._is_multilabel()):
            return "sigmoid"
        return name

    _combine_weights = _labels.combine_weights

    def _stratify_validation(self, Y):
        return not self._is_multilabel()

    # ----------------------------------------------------- partial_fit

    @available_if(lambda est: est._check_solver())
    @_fit_context(prefer_skip_nested_validation=True)
    @fits
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Train for one epoch over the given data, keeping optimizer state.

        Takes no validation data: one epoch per call, without early stopping
        (score a validation set of your own between calls).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            The target labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        classes : array-like of shape (n_classes,), default=None
            Every class of the problem; required on the first call, ignored
            after (``y`` need not contain all of them). For a multilabel
            indicator ``y`` the labels are its columns, so it may be omitted.

        Returns
        -------
        self : object
            The updated estimator.
        """
        if isinstance(classes, list | tuple):
            # (scikit-learn before 1.9 takes no list under array API dispatch)
            classes = np.asarray(classes)
        if classes is None and not hasattr(self, "classes_"):
            # an indicator matrix names its labels by its columns
            if type_of_target(y).startswith("multilabel"):
                classes = np.arange(np.shape(y)[1])
        if _check_partial_fit_first_call(self, classes):
            self._label_binarizer = LabelBinarizer()
            if type_of_target(y).startswith("multilabel"):
                self._label_binarizer.fit(y)
            else:
                self._label_binarizer.fit(classes)
        return self._fit(X, y, sample_weight, incremental=True)

    # --------------------------------------------------------- predict

    def _proba_from_output(self, Z, A):
        """Class probabilities from the output layer's sums and outputs."""
        return probabilities(self, Z, A)

    def _labels_from_proba(self, P):
        """The labels, in ``P``'s library where they are numbers."""
        backend = backend_of(P)
        if self._is_multilabel():
            labels = self._label_binarizer.inverse_transform(to_numpy(P))
        else:
            labels = self._numpy_classes()[to_numpy(backend.fn.argmax(P, axis=1))]
        if backend.is_numpy or labels.dtype.kind not in "biuf":
            return labels
        return backend.asarray(labels)

    @predicts
    def predict(self, X):
        """Predict the class (or label set) of each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            The predicted classes; an indicator matrix for multilabel data.
        """
        check_is_fitted(self)
        return self._labels_from_proba(self._proba_from_output(*self._forward(X)))

    @predicts
    def predict_proba(self, X):
        """Probability of each class, in the order of ``classes_``.

        For two classes, column 1 is the output neuron's value (the article's
        ``o1``). For multilabel data, the probability of each label.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            The class probabilities; rows sum to 1 for single-label problems.
        """
        check_is_fitted(self)
        return self._proba_from_output(*self._forward(X, "predict_proba"))

    @predicts
    def predict_log_proba(self, X):
        """Log of :meth:`predict_proba`, computed without underflow to -inf.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self)
        Z, A = self._forward(X, "predict_log_proba")
        return log_probabilities(self, Z, A)

    def _validation_score(self, Z, A, y, sample_weight):
        y_pred = to_numpy(self._labels_from_proba(self._proba_from_output(Z, A)))
        return accuracy_score(
            to_numpy(y), y_pred, sample_weight=to_numpy(sample_weight)
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
