"""Safe loading: the package's types a user must trust in a ``skops`` file."""

#: Every class of this package that a fitted estimator can hold, built-in
#: components included; a test dumps every combination of them and checks
#: that this is exactly what ``skops.io.get_untrusted_types`` reports.
_TRUSTED_TYPES = (
    "sknn_scratch._classifier.ScratchMLPClassifier",
    "sknn_scratch._regressor.ScratchMLPRegressor",
    "sknn_scratch._state.Training",
    "sknn_scratch.activations.ELU",
    "sknn_scratch.activations.Exp",
    "sknn_scratch.activations.Identity",
    "sknn_scratch.activations.LeakyReLU",
    "sknn_scratch.activations.ReLU",
    "sknn_scratch.activations.Sigmoid",
    "sknn_scratch.activations.Softmax",
    "sknn_scratch.activations.Softplus",
    "sknn_scratch.activations.Tanh",
    "sknn_scratch.initializers.GlorotUniform",
    "sknn_scratch.initializers.HeNormal",
    "sknn_scratch.initializers.HeUniform",
    "sknn_scratch.initializers.StandardNormal",
    "sknn_scratch.losses.AbsoluteError",
    "sknn_scratch.losses.Hinge",
    "sknn_scratch.losses.LogLoss",
    "sknn_scratch.losses.Poisson",
    "sknn_scratch.losses.SquaredError",
    "sknn_scratch.optimizers.Adam",
    "sknn_scratch.optimizers.LBFGS",
    "sknn_scratch.optimizers.SGD",
    "sknn_scratch.schedules.Adaptive",
    "sknn_scratch.schedules.Constant",
    "sknn_scratch.schedules.CosineDecay",
    "sknn_scratch.schedules.InvScaling",
    "sknn_scratch.schedules.StepDecay",
)


def trusted_types():
    """The types of this package to trust when loading a model with skops.

    :func:`skops.io.load` refuses a file holding any type it does not trust
    by default (numpy and scikit-learn types it trusts). Pass this list as
    ``trusted`` to load an estimator of this package that uses only built-in
    components. A file that also holds anything else, such as a user's own
    activation class, is still refused: check it with
    :func:`skops.io.get_untrusted_types` and add what you trust yourself.

    Returns
    -------
    types : list of str
        The fully qualified names of the estimators and built-in components,
        sorted, as :func:`skops.io.get_untrusted_types` names them.

    See Also
    --------
    skops.io.load : Load a file, trusting only the given types.
    skops.io.get_untrusted_types : The types of a file that need trust.

    Notes
    -----
    Never load a pickle or joblib file from a source you do not trust:
    unpickling runs code chosen by whoever made the file.

    Examples
    --------
    >>> import numpy as np
    >>> import skops.io as sio
    >>> from sknn_scratch import ScratchMLPClassifier, trusted_types
    >>> X = np.array([[-2, -1], [25, 6], [17, 4], [-15, -6]])
    >>> y = np.array([1, 0, 0, 1])
    >>> clf = ScratchMLPClassifier(hidden_layer_sizes=(2,), solver="lbfgs",
    ...                            random_state=0).fit(X, y)
    >>> data = sio.dumps(clf)
    >>> set(sio.get_untrusted_types(data=data)) <= set(trusted_types())
    True
    >>> loaded = sio.loads(data, trusted=trusted_types())
    >>> loaded.predict([[-7, -3], [20, 2]])
    array([1, 0])
    """
    return list(_TRUSTED_TYPES)
