"""The documentation: its code runs, and it covers every public name.

The HTML build itself (which also runs the gallery, about a minute) is a
separate command:
``python -m sphinx -W --keep-going -b html docs docs/_build/html``.
The tests of the built pages run it when asked to, with the docs extra::

    SKNN_SCRATCH_BUILD_DOCS=1 python -m pytest tests/test_docs.py
"""

import doctest
import importlib.util
import inspect
import os
import re
import runpy
import subprocess
import sys
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
# optional packages some pages' examples import (all in the test extra)
OPTIONAL_MODULES = {"dask", "dask_ml", "matplotlib", "onnxruntime", "skl2onnx", "skops"}
# the package an example imports: `>>> import a.b as c` or `>>> from a.b import c`
DOCTEST_IMPORT = re.compile(r"^\s*>>> +(?:import|from) +(\w+)", flags=re.M)


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
        "onnx",
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


def _optional_imports(text):
    """The optional packages that a page's examples import.

    Only the examples run (``>>>`` lines); a ``code-block`` shows code
    without running it, so its imports need nothing installed.
    """
    return set(DOCTEST_IMPORT.findall(text)) & OPTIONAL_MODULES


def test_the_skip_check_finds_what_a_pages_examples_import():
    page = """
    >>> import dask.array as da
    >>> from dask_ml.wrappers import Incremental
    >>> import numpy as np
    >>> from skl2onnx.algebra.onnx_ops import OnnxMul

    .. code-block:: python

       import skops.io as sio
    """
    assert _optional_imports(page) == {"dask", "dask_ml", "skl2onnx"}
    assert _optional_imports(">>> import dask_ml") == {"dask_ml"}
    assert _optional_imports(">>> import daskish\n>>> x = 'import skops'") == set()


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_page_examples_print_what_the_page_shows(page, isolated_registries):
    for module in sorted(_optional_imports(page.read_text())):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{page.name} runs {module}, which is not installed")
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
    listed = {line.strip().removeprefix(".. data:: ") for line in api.splitlines()}
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
    script["main"](["--output", str(output)])
    assert output.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --- install lines: they install what exists

# text that readers copy commands from: the docs, the examples, the package's
# docstrings and messages (generated pages and build output left out)
SOURCE_FOLDERS = ["docs", "examples", "sknn_scratch", "scripts", "benchmarks", ".ci"]
GENERATED = {"_build", "auto_examples", "generated", "gen_modules", "__pycache__"}
TEXT_SUFFIXES = {".py", ".rst", ".md", ".txt", ""}
# `pip install` with its options, then the first thing it installs
PIP_INSTALL = re.compile(r"pip\s+install\s+(?:-\S+\s+)*(\"[^\"]*\"|'[^']*'|\S+)")


def _text_files():
    yield ROOT / "README.md"
    for folder in SOURCE_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*")):
            generated = GENERATED & set(path.relative_to(ROOT).parts)
            if path.is_file() and path.suffix in TEXT_SUFFIXES and not generated:
                yield path


def _extras():
    """The extras that pyproject.toml defines (no tomllib on Python 3.10)."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    table = pyproject.split("[project.optional-dependencies]", 1)[1].split("\n[", 1)[0]
    return set(re.findall(r"^([\w-]+) = \[", table, flags=re.M))


def _uninstallable(target, extras):
    """Why ``pip install target`` fails, or None."""
    target = target.rstrip("`),;:").strip("\"'`")
    local = re.fullmatch(r"\.(?:\[([\w,-]+)\])?", target)
    if local:
        unknown = set(filter(None, (local.group(1) or "").split(","))) - extras
        return f"no such extra: {sorted(unknown)}" if unknown else None
    name = re.split(r"[\[<>=!~;@ ]", target)[0]
    if re.sub(r"[-_.]+", "-", name).lower() == "sknn-scratch":
        return "sknn-scratch is not on PyPI: install from a clone (pip install .)"
    return None


def test_install_lines_install_what_exists():
    extras = _extras()
    broken = [
        f"{path.relative_to(ROOT)}: pip install {target}: {why}"
        for path in _text_files()
        for target in PIP_INSTALL.findall(path.read_text(encoding="utf-8"))
        if (why := _uninstallable(target, extras))
    ]
    assert broken == []


def test_the_install_check_knows_a_broken_line_from_a_good_one():
    extras = {"plot", "test"}
    assert _uninstallable("sknn-scratch", extras)
    assert _uninstallable('"sknn_scratch[plot]"', extras)
    assert _uninstallable('".[nope]"', extras)
    assert _uninstallable(".", extras) is None
    assert _uninstallable('".[plot]"', extras) is None
    assert _uninstallable("tqdm", extras) is None


# --- the built site (opt-in: the build runs the gallery)

BUILD_DOCS = os.environ.get("SKNN_SCRATCH_BUILD_DOCS") == "1"


@pytest.fixture(scope="module")
def built_docs(tmp_path_factory):
    """The HTML site, built as the README says, and the build's log."""
    if not BUILD_DOCS:
        pytest.skip("the docs build takes a minute: set SKNN_SCRATCH_BUILD_DOCS=1")
    for module in ("sphinx", "sphinx_gallery", "pydata_sphinx_theme", "numpydoc"):
        pytest.importorskip(module, reason="the docs build needs the docs extra")
    html = tmp_path_factory.mktemp("html")
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html"]
    result = subprocess.run(
        [*command, str(DOCS), str(html)], capture_output=True, text=True, cwd=ROOT
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-5000:]
    return html, log


def _pages(html):
    return {
        str(path.relative_to(html)): path.read_text(encoding="utf-8")
        for path in sorted(html.rglob("*.html"))
        if "_static" not in path.parts
    }


def test_docs_build_reports_no_deprecated_option(built_docs):
    _, log = built_docs
    assert [line for line in log.splitlines() if "deprecat" in line.lower()] == []


def test_math_renders_with_no_network(built_docs):
    html, _ = built_docs
    pages_with_math = 0
    for name, text in _pages(html).items():
        scripts = re.findall(r'<script[^>]*src="([^"]*mathjax[^"]*)"', text, re.I)
        assert not [s for s in scripts if "//" in s], f"{name} loads MathJax: {scripts}"
        for src in scripts:
            assert (html / name).parent.joinpath(src).resolve().is_file(), src
        pages_with_math += bool(scripts)
    # the article, the user guide and the components' docstrings have formulas
    assert pages_with_math >= 3


def test_no_page_shows_an_empty_section_navigation(built_docs):
    html, _ = built_docs
    nav = re.compile(r'<nav class="bd-docs-nav.*?</nav>', re.S)
    empty = [
        name
        for name, text in _pages(html).items()
        for block in nav.findall(text)
        if "<li" not in block
    ]
    assert empty == []
    # where a section has pages, the sidebar lists them
    api_page = _pages(html)["generated/sknn_scratch.ScratchMLPClassifier.html"]
    assert "sknn_scratch.ScratchMLPRegressor.html" in nav.search(api_page).group()


def test_api_page_titles_are_the_names(built_docs):
    html, _ = built_docs
    pages = sorted((html / "generated").glob("sknn_scratch.*.html"))
    assert len(pages) >= 30
    for page in pages:
        title = re.search(r"<h1>([^<]*)", page.read_text(encoding="utf-8")).group(1)
        # the name alone (the module is on the signature line below it)
        assert title == page.stem.rsplit(".", 1)[-1], page.name


# ------------------------------- the code the pages show, without Sphinx

INCLUDE = re.compile(
    r"^\.\. literalinclude:: (?P<path>\S+)\n(?P<options>(?:   :[\w-]+:.*\n)*)",
    re.MULTILINE,
)


def _includes():
    for page in sorted(DOCS.glob("*.rst")):
        for match in INCLUDE.finditer(page.read_text()):
            options = dict(re.findall(r"   :([\w-]+):\s*(.*)", match.group("options")))
            yield page.name, (page.parent / match.group("path")).resolve(), options


def _object_source(path, dotted):
    """The source lines of ``Class.method`` (or a function) in ``path``."""
    import ast

    source = path.read_text()
    scope = ast.parse(source).body
    node = None
    for name in dotted.split("."):
        node = next(
            (
                n
                for n in scope
                if isinstance(n, ast.ClassDef | ast.FunctionDef) and n.name == name
            ),
            None,
        )
        if node is None:
            return None
        scope = node.body
    return "\n".join(source.splitlines()[node.lineno - 1 : node.end_lineno])


@pytest.mark.parametrize(
    "page, path, options", list(_includes()), ids=lambda v: getattr(v, "name", None)
)
def test_every_included_piece_of_code_is_where_the_page_says(page, path, options):
    # (the Sphinx build checks this too, but needs the docs extra and a
    # minute: a renamed method or a rewritten line must not wait for it)
    assert path.is_file(), (page, path)
    code = path.read_text()
    if "pyobject" in options:
        code = _object_source(path, options["pyobject"])
        assert code is not None, (page, options["pyobject"])
    for option in ("start-at", "end-before"):
        if option in options:
            assert options[option] in code, (page, options)
