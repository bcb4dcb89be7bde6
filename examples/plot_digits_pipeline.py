"""
=====================================================
Digits: a Pipeline, a grid search, and MLPClassifier
=====================================================

The article scales its two features by hand; on real data that is
``StandardScaler`` in a ``Pipeline``. Here the pipeline is tuned by
``GridSearchCV`` on the 8x8 digits, searching over the loss and the
activation by name, and compared with scikit-learn's ``MLPClassifier``
given the same layer sizes.
"""

# %%
# The data: 1797 images of 8x8 pixels, ten classes.
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)

# %%
# A grid search over component names
# -----------------------------------
# Components are chosen by name, so ``GridSearchCV`` searches over them like
# any other parameter. Fifty epochs keep this example fast; most candidates
# would still improve a little with more, which scikit-learn reports with a
# ``ConvergenceWarning`` (silenced here). ``n_jobs=-1`` would fit the
# candidates in parallel.
import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn_scratch import ScratchMLPClassifier

pipe = make_pipeline(
    StandardScaler(),
    ScratchMLPClassifier(hidden_layer_sizes=(32,), max_iter=50, random_state=0),
)
grid = {
    "scratchmlpclassifier__loss": ["squared_error", "log_loss"],
    "scratchmlpclassifier__activation": ["sigmoid", "relu"],
}
warnings.filterwarnings("ignore", category=ConvergenceWarning)
search = GridSearchCV(pipe, grid, cv=3).fit(X_train, y_train)

results = search.cv_results_
print(f"{'loss':>14} {'activation':>10}  accuracy  fit time")
for i in results["mean_test_score"].argsort()[::-1]:
    params = results["params"][i]
    print(
        f"{params['scratchmlpclassifier__loss']:>14}",
        f"{params['scratchmlpclassifier__activation']:>10}",
        f" {results['mean_test_score'][i]:.3f}   ",
        f" {results['mean_fit_time'][i]:.2f} s",
    )

# %%
# Against MLPClassifier
# ---------------------
# The best pipeline, refitted on the whole training set, against
# scikit-learn's MLP with its defaults (``relu``, ``adam``, log-loss), the
# same hidden layer and the same 50 epochs. Both are scored on the held-out
# test set.
from time import perf_counter

from sklearn.neural_network import MLPClassifier

best = search.best_estimator_
theirs = make_pipeline(
    StandardScaler(),
    MLPClassifier(hidden_layer_sizes=(32,), max_iter=50, random_state=0),
)
for name, model in [("sknn_scratch", best), ("MLPClassifier", theirs)]:
    start = perf_counter()
    model.fit(X_train, y_train)
    seconds = perf_counter() - start
    print(f"{name:>13}: test accuracy {model.score(X_test, y_test):.3f}, ", end="")
    print(f"{model[-1].n_iter_} epochs, fit in {seconds:.2f} s")

# %%
# The confusion matrix of the best pipeline shows which digits it mixes up.
import matplotlib.pyplot as plt
from sklearn.metrics import ConfusionMatrixDisplay

ConfusionMatrixDisplay.from_estimator(best, X_test, y_test, colorbar=False)
plt.title("sknn_scratch on the digits test set")
plt.show()
