"""A progress bar over the epochs of ``fit``, drawn by tqdm if installed.

tqdm is an optional dependency (``pip install sknn-scratch[progress]``): it
is imported only when an estimator is asked for a bar, never with the
package.
"""

import contextlib

INSTALL_HINT = (
    "progress_bar=True needs tqdm, an optional dependency: "
    "pip install sknn-scratch[progress]"
)


def require_tqdm():
    """tqdm's bar class, or an ``ImportError`` that says how to install it."""
    try:
        from tqdm.auto import tqdm
    except ImportError as exc:
        raise ImportError(INSTALL_HINT) from exc
    return tqdm


class _NoBar:
    def update(self, loss, validation_score=None):
        pass


class _EpochBar:
    """One tick per epoch, the epoch's loss (and validation score) beside it."""

    def __init__(self, bar):
        self.bar = bar

    def update(self, loss, validation_score=None):
        postfix = {"loss": f"{loss:.4g}"}
        if validation_score is not None:
            postfix["validation score"] = f"{validation_score:.4f}"
        # one redraw per epoch: the update below draws the postfix too
        self.bar.set_postfix(postfix, refresh=False)
        self.bar.update(1)


@contextlib.contextmanager
def epoch_progress(enabled, total, desc):
    """A bar over ``total`` epochs when ``enabled``, else one that does nothing.

    Parameters
    ----------
    enabled : bool
    total : int
        The most epochs the fit can run (``max_iter``); a fit that stops
        early leaves the bar short of it, as the epoch count says.
    desc : str
        The bar's label.

    Yields
    ------
    bar : object
        ``bar.update(loss, validation_score=None)`` after each epoch.
    """
    if not enabled:
        yield _NoBar()
        return
    bar = require_tqdm()(total=total, desc=desc, unit="epoch")
    try:
        yield _EpochBar(bar)
    finally:
        bar.close()
