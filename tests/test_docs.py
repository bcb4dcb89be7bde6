"""The documentation: its code runs, and it covers every public name.

The HTML build itself (which also runs the gallery) is a separate command:
``python -m sphinx -W --keep-going -b html docs docs/_build/html``.
"""

import doctest
import importlib.util
import inspect
import runpy
import warnings
from pathlib import Path

import pytest
from sklearn.exceptions import ConvergenceWarning

import sknn_scratch
from sknn_scratch import activations, initializers, losses, optimizers, schedules

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.rst"))
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
# optional packages some pages use (all in the test extra)
OPTIONAL_MODULES = ["skops", "matplotlib"]


def test_the_pages_are_there():
    names = {p.stem for p in PAGES}
    assert {
        "index",
        "article",
        "user_guide",
        "custom_components",
        "persistence",
        "performance",
        "faq",
        "api",
        "security",
        "distributed",
    } <= names


@pytest.fixture
def isolated_registries():
    """Pages register components by name; forget them afterwards."""
    registries = [
        activations.ACTIVATIONS,
        losses.LOSSES,
        optimizers.OPTIMIZERS,
        schedules.SCHEDULES,
        initializers.INITIALIZERS,
    ]
    saved = [dict(registry._factories) for registry in registries]
    yield
    for registry, factories in zip(registries, saved):
        registry._factories.clear()
        registry._factories.update(factories)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_page_examples_print_what_the_page_shows(page, isolated_registries):
    text = page.read_text()
    for module in OPTIONAL_MODULES:
        if f"import {module}" in text and importlib.util.find_spec(module) is None:
            pytest.skip(f"{page.name} shows {module}, which is not installed")
    with warnings.catch_warnings():
        # pages that train briefly say so; the warning is not part of the output
        warnings.simplefilter("ignore", ConvergenceWarning)
        result = doctest.testfile(
            str(page), module_relative=False, optionflags=FLAGS, verbose=False
        )
    assert result.failed == 0, f"{result.failed} example(s) failed on {page.name}"


def _component_classes(module):
    return [
        name
        for name, obj in vars(module).items()
        if inspect.isclass(obj)
        and obj.__module__ == module.__name__
        and not name.startswith("_")
    ]


def test_api_reference_lists_every_public_name():
    api = (DOCS / "api.rst").read_text()
    listed = {line.strip() for line in api.splitlines()}
    public = [
        n for n in sknn_scratch.__all__ if n not in ("__version__", "ARTICLE_PARAMS")
    ]
    missing = [n for n in public if n not in listed]
    missing += [
        name
        for module in (activations, losses, optimizers, schedules, initializers)
        for name in _component_classes(module)
        if name not in listed
    ]
    assert ".. data:: ARTICLE_PARAMS" in api
    assert "plot.LossCurveDisplay" in listed
    assert missing == [], f"not in docs/api.rst: {missing}"


def test_readme_figure_script_draws_the_picture(tmp_path):
    pytest.importorskip("matplotlib", reason="the picture needs the plot extra")
    script = runpy.run_path(str(ROOT / "scripts" / "make_readme_figure.py"))
    output = tmp_path / "readme.png"
    script["main"]([str(output)])
    assert output.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
