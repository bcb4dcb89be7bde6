"""Saving with skops: the package's types to trust, and models it cannot save."""

import copyreg

from ._array import library_name

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


class SkopsMixin:
    """A clear error when skops is asked to save arrays it cannot save.

    A model fitted on another library's arrays (PyTorch tensors) holds them:
    pickle and joblib save it as it is, but skops saves numpy arrays only
    and fails deep inside the tensors (``Cannot directly construct
    TensorBase``). To save a model, skops calls its ``__reduce__()``
    itself; pickle, joblib and :mod:`copy` call ``__reduce_ex__(protocol)``
    instead, and only reach ``__reduce__`` through ``object.__reduce_ex__``.
    So ``__reduce__`` checks the arrays and says what to do, and
    ``__reduce_ex__`` returns what ``object.__reduce_ex__`` returned before
    ``__reduce__`` was defined here: pickles are byte for byte the same.
    """

    def __reduce__(self):
        arrays = [*getattr(self, "coefs_", []), getattr(self, "classes_", None)]
        # (arrays of a library: lists a user assigned are pickled as they are)
        libraries = {library_name(a) for a in arrays if hasattr(a, "__dlpack__")}
        libraries.discard("numpy")
        if libraries:
            library = libraries.pop()
            raise TypeError(
                f"Cannot save this {type(self).__name__} with skops: it was "
                f"fitted on {library} arrays and holds them, and skops saves "
                "numpy arrays only. Move it to numpy first: "
                "sknn_scratch.move_estimator_to(model, numpy) (pickle and "
                "joblib save it as it is)."
            )
        return super().__reduce__()

    def __reduce_ex__(self, protocol):
        if protocol < 2:
            return object.__reduce__(self)  # copyreg._reduce_ex's answer
        # protocol 2 and later: a new object of the class, then its state
        return copyreg.__newobj__, (type(self),), self.__getstate__(), None, None
