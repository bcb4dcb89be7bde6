"""A progress bar over the epochs of ``fit``, drawn by tqdm if installed.

tqdm is an optional dependency (``pip install tqdm``, or the ``progress``
extra): it is imported only when an estimator is asked for a bar, never with
the package.
"""

import contextlib

INSTALL_HINT = "progress_bar=True needs tqdm, an optional dependency: pip install tqdm"


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

    def end_at_last_epoch(self):
        """Make the epochs done the bar's total, so that it is drawn complete.

        A fit that stops before ``max_iter`` (early stopping, ``tol``, Ctrl-C)
        ended as it should: left at "3/200", the bar would read as cut short,
        and tqdm's notebook bar would turn red as after an error.
        """
        done = self.bar.n
        if not 0 < done < self.bar.total:
            return
        self.bar.total = done
        # the notebook bar's widget keeps the length it was made with (as in
        # tqdm's own reset); closing the bar then redraws it
        widgets = getattr(self.bar, "container", None)
        if widgets is not None:
            widgets.children[1].max = done


@contextlib.contextmanager
def epoch_progress(enabled, total, desc):
    """A bar over ``total`` epochs when ``enabled``, else one that does nothing.

    Parameters
    ----------
    enabled : bool
    total : int
        The most epochs the fit can run (``max_iter``). A fit that stops
        before it ends the bar at the last epoch, drawn complete; one that
        fails (an exception) leaves it where it stopped.
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
        epochs = _EpochBar(bar)
        yield epochs
        # reached only when the fit's loop ended without an exception
        epochs.end_at_last_epoch()
    finally:
        bar.close()
