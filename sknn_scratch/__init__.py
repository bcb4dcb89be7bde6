"""sknn_scratch: the article's neural network, from scratch, for scikit-learn."""

from ._array import array_namespace, move_estimator_to
from ._classifier import ScratchMLPClassifier
from ._diagnosis import TrivialModelWarning
from ._params import ARTICLE_PARAMS, SKLEARN_PARAMS, SKLEARN_REGRESSOR_PARAMS
from ._persistence import trusted_types
from ._regressor import ScratchMLPRegressor
from ._trace import trace_step
from .activations import register_activation
from .gradients import check_gradients
from .initializers import register_initializer
from .losses import register_loss
from .optimizers import register_optimizer
from .schedules import register_schedule

__version__ = "0.1.0"

__all__ = [
    "ARTICLE_PARAMS",
    "SKLEARN_PARAMS",
    "SKLEARN_REGRESSOR_PARAMS",
    "ScratchMLPClassifier",
    "ScratchMLPRegressor",
    "TrivialModelWarning",
    "__version__",
    "array_namespace",
    "check_gradients",
    "move_estimator_to",
    "register_activation",
    "register_initializer",
    "register_loss",
    "register_optimizer",
    "register_schedule",
    "trace_step",
    "trusted_types",
]
