"""Ctrl-C during ``fit``: finish the batch, keep the model; twice: abort."""

import contextlib
import signal
import threading


class _Interrupt:
    requested = False
    # whether our handler owns SIGINT: if not (another handler does, or not
    # the main thread), a KeyboardInterrupt may arrive in the middle of a
    # batch, and the epoch loop guards each batch's weights against it
    installed = False
    # where in the epoch's order of samples training stopped, set by the
    # loop that breaks on the request (None: the epoch ran to its end)
    samples_done = None

    def handler(self, signum, frame):
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True


@contextlib.contextmanager
def catch_interrupt():
    """Turn the first SIGINT into a flag that the epoch loop checks.

    The flag is read after each batch, so training stops on a batch boundary
    with consistent weights. A second SIGINT raises ``KeyboardInterrupt`` at
    once. Outside the main thread, or when someone else handles SIGINT,
    nothing changes (signal handlers can only be set from the main thread):
    then a ``KeyboardInterrupt`` that reaches the epoch loop ends training
    as MLPClassifier's does, with the weights of the last complete batch
    (see :meth:`sknn_scratch._training.BatchEpochs.run`).
    """
    interrupt = _Interrupt()
    install = (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGINT) is signal.default_int_handler
    )
    if not install:
        yield interrupt
        return
    signal.signal(signal.SIGINT, interrupt.handler)
    interrupt.installed = True
    try:
        yield interrupt
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
