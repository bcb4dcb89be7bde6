"""Time NetworkDisplay on a 64-100-10 digits network: the target is under 2 s.

One draw is ``NetworkDisplay.from_estimator(clf, X[:1])`` and the rendering of
its figure by matplotlib's Agg backend (``figure.canvas.draw()``), in wall
time: what a user waits for. Three contenders run alternately, each once per
round, and the medians are printed with their ratios to the reference:

- ``strongest edges``: the default, each layer's 80 strongest weights;
- ``every edge``: ``max_edges=None``, all 7,400 weights;
- ``LossCurveDisplay`` (reference): the package's other display, of the
  same estimator.

BLAS runs on one thread (threadpoolctl); the CPU and BLAS are printed.
``--quick`` trains the network for 2 epochs instead of 50 (the drawing is
the same size). Run ``python benchmarks/network_display.py``.
"""

import argparse
import platform
import statistics
import time
import warnings

TARGET_SECONDS = 2.0


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="rounds (default 7)")
    parser.add_argument(
        "--quick", action="store_true", help="train for 2 epochs, not 50"
    )
    return parser.parse_args(argv)


def _cpu():
    """The CPU's model name (from /proc/cpuinfo where there is one)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _blas():
    from threadpoolctl import threadpool_info

    return ", ".join(
        f"{i['internal_api']} {i.get('version')} ({i['num_threads']} thread(s))"
        for i in threadpool_info()
        if i["user_api"] == "blas"
    )


def _draws(clf, X):
    import matplotlib.pyplot as plt

    from sknn_scratch.plot import LossCurveDisplay, NetworkDisplay

    def drawn(make):
        def draw():
            display = make()
            display.figure_.canvas.draw()
            plt.close(display.figure_)

        return draw

    return {
        "strongest edges": drawn(lambda: NetworkDisplay.from_estimator(clf, X[:1])),
        "every edge": drawn(
            lambda: NetworkDisplay.from_estimator(clf, X[:1], max_edges=None)
        ),
        "LossCurveDisplay (reference)": drawn(
            lambda: LossCurveDisplay.from_estimator(clf)
        ),
    }


def main(argv=None):
    args = parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")
    from sklearn.datasets import load_digits
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    from sknn_scratch import ScratchMLPClassifier

    warnings.simplefilter("ignore", ConvergenceWarning)
    X, y = load_digits(return_X_y=True)
    X = X / 16
    with threadpool_limits(1, user_api="blas"):
        clf = ScratchMLPClassifier(
            hidden_layer_sizes=(100,), max_iter=2 if args.quick else 50, random_state=0
        ).fit(X, y)
        draws = _draws(clf, X)
        times = {name: [] for name in draws}
        for _ in range(args.rounds):
            for name, draw in draws.items():
                start = time.perf_counter()
                draw()
                times[name].append(time.perf_counter() - start)
        blas = _blas()
    print(f"CPU: {_cpu()}; BLAS: {blas}")
    print(f"matplotlib {matplotlib.__version__}, Agg backend, {args.rounds} rounds")
    print("NetworkDisplay of a 64-100-10 digits network, wall time per draw:")
    reference = statistics.median(times["LossCurveDisplay (reference)"])
    for name, seconds in times.items():
        median = statistics.median(seconds)
        print(
            f"  {name:30s} median {median:.3f} s "
            f"(min {min(seconds):.3f}, max {max(seconds):.3f}), "
            f"{median / reference:.2f}x the reference"
        )
    median = statistics.median(times["strongest edges"])
    verdict = "meets" if median < TARGET_SECONDS else "MISSES"
    print(f"The default draw {verdict} the target of {TARGET_SECONDS:g} s.")


if __name__ == "__main__":
    main()
