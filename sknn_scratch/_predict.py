"""What both estimators do once fitted: predict, move.

The validated input through the fitted network, in memory-bounded chunks
(:meth:`PredictionMixin._forward`), the network itself built once and kept
beside the estimator, and scikit-learn's array API hook (``transform`` is
defined in :mod:`sknn_scratch._base`, where ``set_output`` finds it). The
classifier turns the outputs into labels and probabilities
(:mod:`sknn_scratch._probabilities`); the regressor returns them.
"""

import weakref

import numpy as np
from sklearn.utils.validation import validate_data

from ._array import backend_of, convert_arrays, dtype_of, float_dtypes
from ._boundary import library, numpy_view
from ._checkpoint import outputs_finite
from ._inputs import plainly_valid, prepared
from ._network import Network, hidden_activations
from ._sklearn_private import check_same_namespace, get_chunk_n_rows

#: rows per chunk in prediction: a 256-wide float64 layer of 256 rows (512 kB)
#: stays in cache from the matrix product to the activation
PREDICT_CHUNK_ROWS = 256


class PredictionMixin:
    """Prediction, ``transform`` and array conversion, for a fitted network."""

    def _network(self, X, layers=None):
        """The fitted network, and ``X``, in one float dtype, for prediction.

        The weights' dtype and ``X``'s, promoted (weights a user assigned may
        be integers; float32 data meets float64 weights). ``layers``: only the
        first ones (the hidden layers, for :meth:`transform`).
        """
        # (viewed as numpy's where the call was given another library's
        # arrays in the CPU's memory: see _boundary.py)
        coefs = [numpy_view(W) for W in self.coefs_[:layers]]
        intercepts = [numpy_view(b) for b in self.intercepts_[:layers]]
        hidden = hidden_activations(self.hidden_activation_, len(self.coefs_) - 1)
        if layers is None:
            last = self.output_activation_
        else:  # the last layer kept is a hidden layer, with its activation
            hidden, last = hidden[: len(coefs) - 1], hidden[len(coefs) - 1]
        if type(X) is np.ndarray and all(
            type(a) is np.ndarray and a.dtype == X.dtype for a in (*coefs, *intercepts)
        ):  # the common case, settled without wrapping anything
            return _prediction_network(self, coefs, intercepts, hidden, last), X
        dtypes = [dtype_of(a) for a in (X, *coefs, *intercepts)]
        dtype = np.result_type(*dtypes, np.float32)
        backend = backend_of(X)
        if any(d != dtype for d in dtypes[1:]):
            coefs = [backend.asarray(W, dtype) for W in coefs]
            intercepts = [backend.asarray(b, dtype) for b in intercepts]
        network = Network(coefs, intercepts, hidden, last)
        if dtypes[0] != dtype:
            X = X.astype(dtype) if backend.is_numpy else backend.asarray(X, dtype)
        return network, X

    def _chunk_rows(self, X):
        """Rows per chunk of prediction: memory-bounded, and cache-sized."""
        n_rows = X.shape[0]
        if n_rows <= PREDICT_CHUNK_ROWS:
            # (a few rows need no working_memory lookup: it costs more)
            return max(n_rows, 1)
        # per row of a chunk, at the widest layer: the layer's input, its
        # sums Z, its outputs f(Z) and the temporaries of an activation's
        # expression (a user's f may well make two)
        widest = max(W.shape[1] for W in self.coefs_)
        row_bytes = 5 * dtype_of(X).itemsize * widest
        chunk = get_chunk_n_rows(row_bytes, max_n_rows=n_rows) or 1
        return min(chunk, PREDICT_CHUNK_ROWS)

    def _forward(self, X, method="predict"):
        """Validated ``X`` through the fitted network, in memory-bounded chunks.

        Returns the output layer's sums ``Z`` and outputs ``A`` (of ``X``'s
        library: numpy's, or wrapped, see :mod:`sknn_scratch._array`).
        """
        network, X = self._network(self._validated(X, method))
        with np.errstate(over="ignore", invalid="ignore"):
            return network.feedforward(X, self._chunk_rows(X))

    def _validated(self, X, method="predict"):
        if plainly_valid(self, X):
            return X
        X = validate_data(
            self,
            prepared(X),
            accept_sparse=["csr", "csc"],
            dtype=float_dtypes(X),
            reset=False,
        )
        if library() is None:  # (else checked at the boundary, _boundary.py)
            # arrays of the library fit was given (scikit-learn's message)
            check_same_namespace(X, self, attribute="_fitted_array", method=method)
        return X

    def __sklearn_array_api_convert__(self, converter):
        """This estimator with its arrays converted (scikit-learn's hook)."""

        def convert(array):
            # labels that are not numbers (strings) stay in numpy
            if (
                getattr(array, "dtype", None) is not None
                and dtype_of(array).kind not in "biuf"
            ):
                return array
            return converter(array)

        return convert_arrays(self, convert, ("coefs_", "intercepts_", "classes_"))

    @property
    def _fitted_array(self):
        """An array of the fitted network, for its library and device."""
        return self.intercepts_[-1]

    @property
    def _n_features_out(self):
        """The width of the last hidden layer (for get_feature_names_out)."""
        return self.coefs_[-1].shape[0]

    def _outputs_finite(self, X):
        """True if the fitted network's outputs on ``X`` are all finite."""
        network, X = self._network(X)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return outputs_finite(network, X, self._chunk_rows(X))


#: each estimator's last prediction network, and what it was built from:
#: building one costs more than predicting a row. Kept beside the estimator,
#: not in it (predict must not change an estimator), and the network holds
#: references to the arrays (no copy), so changing them in place shows.
_PREDICTION_NETWORKS = weakref.WeakKeyDictionary()


def _prediction_network(estimator, coefs, intercepts, hidden, output_activation):
    parts = (*coefs, *intercepts, *hidden, output_activation)
    # (the cached network keeps its arrays and activations alive: their ids
    # stay theirs)
    key = tuple(map(id, parts))
    cached = _PREDICTION_NETWORKS.get(estimator)
    if cached is not None and cached[0] == key:
        return cached[1]
    network = Network(coefs, intercepts, hidden, output_activation)
    try:
        _PREDICTION_NETWORKS[estimator] = (key, network)
    except TypeError:  # an estimator that cannot be weakly referenced
        pass
    return network
