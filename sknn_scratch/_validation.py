"""Early stopping's validation set: given to ``fit``, and its score.

``fit(X, y, *, X_val, y_val, sample_weight_val)`` takes the validation data
as scikit-learn's ``HistGradientBoostingClassifier`` does, with its rules:
given validation data is what early stopping uses (``validation_fraction``
is then ignored), refused with ``early_stopping=False``, and ``X_val`` and
``y_val`` come together. ``scoring`` chooses the score that early stopping
watches: ``None`` the estimator's own (accuracy, R²), ``"loss"`` the
validation loss (recorded negated, so that higher is better, as
HistGradientBoosting's ``validation_score_``), or a scorer.
"""

import numpy as np
from sklearn.metrics import check_scoring
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import column_or_1d, validate_data

from ._array import backend_of, dtype_of, float_dtypes, to_numpy
from ._inputs import checked_sample_weight, prepared


def check_given(estimator, X_val, y_val, sample_weight_val):
    """Whether validation data was given, refused where fit cannot use it."""
    if X_val is None and y_val is None:
        if sample_weight_val is not None:
            raise ValueError(
                "sample_weight_val is provided, but X_val and y_val were not provided."
            )
        return False
    # HistGradientBoosting's messages (it also has early_stopping='auto')
    if y_val is None:
        raise ValueError("X_val is provided, but y_val was not provided.")
    if X_val is None:
        raise ValueError("y_val is provided, but X_val was not provided.")
    if not estimator.early_stopping:
        raise ValueError(
            "X_val and y_val are passed to fit while at the same time "
            "early_stopping is False. When passing X_val and y_val to fit, "
            "early_stopping should be set to True."
        )
    return True


def validation_set(estimator, given, X, n_outputs, backend):
    """The given validation data, checked and in the training data's form.

    Validated as ``X`` and ``y`` are (the same features, classes fit knows,
    the same number of outputs), in ``X``'s dtype and library, the targets
    encoded as the network's outputs. Returns ``(X_val, Y_val, y_val,
    sample_weight_val)``, as the split of ``validation_fraction`` gives.

    ``given``: ``(X_val, y_val, sample_weight_val)`` as passed to ``fit``;
    ``backend``: the library of the fit.
    """
    X_val, y_val, sample_weight_val = given
    X_val, Y_val, y_val = estimator._validate_validation(X_val, y_val, n_outputs)
    dtype = dtype_of(X)
    if sample_weight_val is not None:
        sample_weight_val = checked_sample_weight(
            sample_weight_val, X_val.shape[0], dtype
        )
    # class_weight weighs the validation samples too, as it weighs the
    # share of the training data that validation_fraction sets aside
    sample_weight_val = estimator._combine_weights(y_val, sample_weight_val, False)
    if sample_weight_val is not None and not np.any(sample_weight_val):
        raise ValueError("sample_weight_val must contain at least one non-zero number.")
    Y_val = estimator._encode_targets(Y_val, dtype)
    if backend.is_numpy:
        X_val = X_val.astype(dtype, copy=False)
        return X_val, Y_val, y_val, sample_weight_val
    X_val, Y_val = (backend.asarray(a, dtype) for a in (X_val, Y_val))
    if sample_weight_val is not None:
        sample_weight_val = backend.asarray(sample_weight_val, dtype)
    return X_val, Y_val, y_val, sample_weight_val


def validated(estimator, X_val, y_val, y_numeric):
    """``X_val`` and ``y_val`` checked as ``fit`` checks ``X`` and ``y``.

    scikit-learn's messages speak of ``X``: they are said of ``X_val``. A
    column ``y_val`` becomes 1-d, in numpy.
    """
    try:
        X_val, y_val = validate_data(
            estimator,
            prepared(X_val),
            y_val,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            y_numeric=y_numeric,
            dtype=float_dtypes(X_val),
            reset=False,
        )
    except ValueError as exc:
        raise ValueError(f"In the validation data X_val, y_val: {exc}") from exc
    y_val = to_numpy(y_val)
    if y_val.ndim == 2 and y_val.shape[1] == 1:
        y_val = column_or_1d(y_val, warn=True)
    return X_val, y_val


def resolve_scorer(estimator):
    """``None``, ``"loss"``, or the scorer ``scoring`` names (checked now)."""
    # (a model saved before scoring existed has none: its own score)
    scoring = getattr(estimator, "scoring", None)
    if scoring is None or (isinstance(scoring, str) and scoring == "loss"):
        return scoring
    return check_scoring(estimator, scoring)


def validation_score(estimator, scorer, Z, A, loss, validation):
    """The score early stopping watches, for the network's current weights.

    ``Z, A``: the output layer's sums and outputs on ``X_val``; ``loss``:
    the validation loss.
    """
    X_val, _, y_val, sw_val = validation
    if scorer is None:
        return estimator._validation_score(Z, A, y_val, sw_val)
    if isinstance(scorer, str):  # "loss": higher is better, as every score
        return -loss
    # the estimator predicts with the weights being trained (its coefs_ are
    # the network's arrays); numeric targets and the weights join X_val's
    # library, where its predictions are
    backend = backend_of(X_val)
    if not backend.is_numpy:
        if y_val.dtype.kind in "biuf":
            y_val = backend.asarray(y_val)
        if sw_val is not None:
            sw_val = backend.asarray(to_numpy(sw_val))
    kwargs = {} if sw_val is None else {"sample_weight": sw_val}
    return float(scorer(estimator, X_val, y_val, **kwargs))


def split_validation(est, X, Y, y_original, sample_weight):
    """The training and validation sets of early stopping."""
    stratify = y_original if est._stratify_validation(Y) else None
    arrays = [X, Y, y_original] + ([] if sample_weight is None else [sample_weight])
    try:
        split = train_test_split(
            *arrays,
            random_state=est._training.rng,
            test_size=est.validation_fraction,
            stratify=stratify,
        )
    except ValueError as exc:
        # train_test_split speaks of its own test_size: say which
        # parameter that is here (its message is kept, as MLPClassifier's)
        raise ValueError(
            f"early_stopping=True could not set aside "
            f"validation_fraction={est.validation_fraction} of the "
            f"{X.shape[0]} training samples as a validation set: {exc}"
        ) from exc
    X_train, X_val, Y_train, Y_val, _, y_val = split[:6]
    Y_val = backend_of(Y_val).asarray(Y_val, dtype_of(X))
    sw_train, sw_val = (None, None) if sample_weight is None else split[6:]
    if X_val.shape[0] < 2:
        raise ValueError(
            "The validation set is too small. Increase 'validation_fraction' "
            "or the size of your dataset."
        )
    return X_train, X_val, Y_train, Y_val, y_val, sw_train, sw_val


# --------------------------------------------------------- transform
# (defined here, not in PredictionMixin: set_output wraps only the
# methods a class defines itself)
