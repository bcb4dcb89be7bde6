"""A classifier's targets: the labels, ``classes_``, their 0/1 coding, class weights.

The methods of :class:`~sknn_scratch.ScratchMLPClassifier` that turn ``y``
into what the network learns, as functions of the estimator (``est``).
"""

import numpy as np
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import (
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import column_or_1d, validate_data

from ._array import backend_of, float_dtypes, to_numpy
from ._inputs import prepared
from ._params import check_class_weight
from ._validation import validated


def validate_input(est, X, y, incremental, reset):
    X, y = validate_data(
        est,
        prepared(X),
        y,
        accept_sparse=["csr", "csc"],
        multi_output=True,
        dtype=float_dtypes(X),
        reset=reset,
    )
    # the labels are handled in numpy; numeric classes_ go back to y's
    # library, as scikit-learn's array API classifiers keep them
    y_backend, y = backend_of(y), to_numpy(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = column_or_1d(y, warn=True)
    check_classification_targets(y)
    if incremental and type_of_target(y) == "multiclass-multioutput":
        # (fit says so through LabelBinarizer, in MLPClassifier's words)
        raise ValueError(
            "Unknown label type: 'multiclass-multioutput' (y has several "
            "columns of class labels). The network learns binary, "
            "multiclass or multilabel-indicator targets; for one classifier "
            "per column use sklearn.multioutput.MultiOutputClassifier."
        )

    # as MLPClassifier: a new fit defines the classes; warm_start needs the
    # same ones; partial_fit accepts a subset of those it was first given
    if not hasattr(est, "classes_") or (not est.warm_start and not incremental):
        est._label_binarizer = LabelBinarizer()
        est._label_binarizer.fit(y)
        est.classes_ = est._label_binarizer.classes_
        if not y_backend.is_numpy and est.classes_.dtype.kind in "biuf":
            est.classes_ = y_backend.asarray(est.classes_)
    else:
        _check_same_kind_and_classes(est, y)
    classes = est._numpy_classes()
    if not est._is_multilabel() and len(classes) < 2:
        raise ValueError(
            "Classifier can't train when only one class is present: `y` "
            f"holds the single class {classes[0]!r}. "
            f"{type(est).__name__} needs at least two classes."
        )
    return X, est._one_hot(y), y


def _check_same_kind_and_classes(est, y):
    """``y`` of a warm start or ``partial_fit``: the same kind of target as
    the fitted one, and its classes (all of them for a warm start)."""
    multilabel = type_of_target(y).startswith("multilabel")
    if multilabel != est._is_multilabel():
        # (else the outputs' count differs from the network's, and the
        # error would speak of weights' shapes)
        kinds = ("a multilabel indicator matrix", "class labels")
        now, before = kinds if multilabel else kinds[::-1]
        raise ValueError(
            f"y is {now}, but {type(est).__name__} was fitted on {before}: "
            "the kind of target cannot change between calls. Fit again "
            "(without warm_start) to learn the new kind."
        )
    classes = unique_labels(y) if est._is_multilabel() else np.unique(y)
    if est.warm_start:
        if set(classes) != set(est._numpy_classes()):
            raise ValueError(
                "warm_start can only be used where `y` has the same "
                "classes as in the previous call to fit. Previously "
                f"got {est._numpy_classes()}, `y` has {classes}"
            )
    elif len(np.setdiff1d(classes, est._numpy_classes(), assume_unique=True)):
        raise ValueError(
            "`y` has classes not in `self.classes_`. "
            f"`self.classes_` has {est._numpy_classes()}. 'y' has {classes}."
        )


def one_hot(est, y):
    """The labels ``y`` (of known classes) as the network's 0/1 outputs."""
    if est._is_multilabel():
        return est._label_binarizer.transform(y)
    # one-hot by position in the sorted classes_; LabelBinarizer would
    # give the same, at several times the cost per partial_fit call
    classes = est._numpy_classes()
    positions = np.searchsorted(classes, y)
    if len(classes) == 2:
        return (positions == 1).reshape(-1, 1)
    return positions[:, np.newaxis] == np.arange(len(classes))


def validate_validation(est, X_val, y_val, n_outputs):
    """``X_val`` and ``y_val`` checked as ``X`` and ``y``; their classes
    must be among those of ``y``."""
    X_val, y_val = validated(est, X_val, y_val, y_numeric=False)
    check_classification_targets(y_val)
    if est._is_multilabel():
        if y_val.ndim != 2 or y_val.shape[1] != n_outputs:
            raise ValueError(
                f"y_val must be a label indicator matrix of {n_outputs} "
                f"columns, as y; got shape {y_val.shape}."
            )
    elif y_val.ndim != 1:
        raise ValueError(
            f"y_val must be one label per sample, as y; got shape {y_val.shape}."
        )
    else:
        classes = est._numpy_classes()
        unknown = np.setdiff1d(np.unique(y_val), classes)
        if len(unknown):
            raise ValueError(
                f"y_val has classes not in y: {unknown.tolist()}; the "
                f"classes of y are {classes.tolist()}."
            )
    return X_val, est._one_hot(y_val), y_val


def encode_targets(est, Y, dtype, compact=False):
    if Y.shape[1] == 1 and _is_softmax(est.output_activation_):
        # one softmax output is 1 whatever its input: two classes get two
        # outputs, one per class in the order of classes_
        Y = np.hstack([~Y, Y]) if Y.dtype == bool else np.hstack([1 - Y, Y])
    low, high = getattr(est.loss_function_, "target_range", (0, 1))
    if compact and (low, high) == (0, 1):
        return np.asarray(Y, dtype=bool)
    Y = np.asarray(Y, dtype=dtype)
    if (low, high) != (0, 1):
        Y = Y * (high - low) + low
    return Y


def combine_weights(est, y, sample_weight, incremental):
    if est.class_weight is None:
        return sample_weight
    if incremental and est.class_weight == "balanced":
        raise ValueError(
            "class_weight 'balanced' is not supported for partial_fit. In "
            "order to use 'balanced' weights, use "
            "compute_class_weight('balanced', classes=classes, y=y). In place "
            "of y you can use a large enough sample of the full training set "
            "target to properly estimate the class frequency distributions. "
            "Pass the resulting weights as the class_weight parameter."
        )
    if isinstance(est.class_weight, dict):
        check_class_weight(est.class_weight)
        unknown = [k for k in est.class_weight if k not in set(est._numpy_classes())]
        if unknown:
            raise ValueError(
                f"class_weight names {unknown}, which are not classes of y "
                f"(classes_: {est._numpy_classes().tolist()})."
            )
    weights = compute_sample_weight(est.class_weight, y).astype(
        sample_weight.dtype if sample_weight is not None else np.float64
    )
    return weights if sample_weight is None else weights * sample_weight


def _is_softmax(activation):
    return getattr(activation, "sklearn_name", None) == "softmax"
