"""Every gallery example runs, start to end, as a user would run it."""

import runpy
import warnings
from pathlib import Path

import pytest

matplotlib = pytest.importorskip("matplotlib", reason="examples need the plot extra")
matplotlib.use("Agg")  # draw without a screen
import matplotlib.pyplot as plt  # noqa: E402

from sknn_scratch import (  # noqa: E402
    activations,
    initializers,
    losses,
    optimizers,
    schedules,
)

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.py"))
# examples that show an optional extra are skipped when it is not installed
OPTIONAL_MODULES = {"dask", "dask_ml", "distributed", "skops", "tqdm"}
REGISTRIES = [
    activations.ACTIVATIONS,
    losses.LOSSES,
    optimizers.OPTIMIZERS,
    initializers.INITIALIZERS,
    schedules.SCHEDULES,
]


def test_every_kind_of_example_is_there():
    names = {p.stem for p in EXAMPLES}
    assert {
        "plot_article_walkthrough",
        "plot_digits_pipeline",
        "plot_loss_and_validation_curves",
        "plot_activation_boundaries",
        "plot_custom_component",
        "plot_partial_fit_stream",
        "plot_regressor",
        "plot_watch_the_network_learn",
        "plot_dropout",
    } <= names


@pytest.fixture
def isolated_registries():
    """Examples register components by name; forget them afterwards."""
    # run in this process to pay for the imports once; the registries are
    # the only global state an example changes (pytest restores warning
    # filters after each test)
    saved = [dict(registry._factories) for registry in REGISTRIES]
    yield
    for registry, factories in zip(REGISTRIES, saved):
        registry._factories.clear()
        registry._factories.update(factories)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs(path, isolated_registries, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    with warnings.catch_warnings():
        # numerical trouble in an example must fail it, not scroll past
        warnings.simplefilter("error", RuntimeWarning)
        try:
            runpy.run_path(str(path), run_name="__main__")
            figures = plt.get_fignums()
        except ModuleNotFoundError as exc:
            if (exc.name or "").split(".")[0] not in OPTIONAL_MODULES:
                raise
            pytest.skip(f"{path.name} needs the optional package {exc.name}")
        finally:
            plt.close("all")
    assert capsys.readouterr().out.strip(), "every example prints what it found"
    # sphinx-gallery's card shows the example's first figure, or a placeholder
    assert figures or "sphinx_gallery_thumbnail_path" in path.read_text(), (
        "the gallery card needs a picture"
    )
