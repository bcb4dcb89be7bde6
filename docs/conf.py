"""Sphinx configuration of the sknn_scratch documentation.

Build it, warnings as errors, from the repository root::

    python -m pip install ".[docs]"
    python -m sphinx -W --keep-going -b html docs docs/_build/html
"""

import os
import re
from pathlib import Path

import sknn_scratch

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

project = "sknn_scratch"
author = "the sknn_scratch developers"
copyright = "the sknn_scratch developers"
release = sknn_scratch.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    # MathJax copied into the build: formulas render with no network
    "sphinx-mathjax-offline",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = ["_build", "README_SECTIONS.md", "**/GALLERY_HEADER.rst"]
html_theme = "pydata_sphinx_theme"
html_static_path = ["_static"]
html_css_files = ["sknn_scratch.css"]
html_title = f"sknn_scratch {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc", "sg_download_links", "sg_launcher_links"],
}

# --- API reference: numpydoc renders the docstrings, autosummary the pages
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks = set()
# the scikit-learn estimators' own methods (get_params, score, ...) are
# documented where they are defined
autodoc_inherit_docstrings = True

# No intersphinx: the docs build offline. scikit-learn is linked by URL.

# --- the gallery: examples/ run at build time, their output on the page
os.environ.setdefault("MPLBACKEND", "Agg")
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "backreferences_dir": "gen_modules/backreferences",
    "doc_module": ("sknn_scratch",),
    "matplotlib_animations": False,
    "show_memory": False,
    "min_reported_time": 10**9,
}

# --- benchmark results, included when present in the source tree
BENCHMARK_RESULTS = ROOT / "benchmarks" / "RESULTS.md"


def _fill_placeholders(app, docname, source):
    """Include the benchmark results, or say how to make them."""
    text = source[0]
    if ".. benchmark-results::" in text:
        if BENCHMARK_RESULTS.exists():
            replacement = (
                ".. include:: ../benchmarks/RESULTS.md\n"
                "   :parser: myst_parser.sphinx_\n"
            )
        else:
            replacement = (
                ".. note::\n\n"
                "   No results were recorded with this version: run the\n"
                "   benchmark as shown below to measure your machine.\n"
            )
        text = text.replace(".. benchmark-results::\n", replacement)
    source[0] = text


# roles whose targets live in scikit-learn's own documentation
_SKLEARN_ROLE = re.compile(r":(?:ref|term):`([^`<]*?)\s*(?:<[^`>]*>)?`")


def _plain_sklearn_references(app, what, name, obj, options, lines):
    """Inherited scikit-learn docstrings: its cross-references as plain text.

    ``get_params``, ``score``, ... come with links into scikit-learn's user
    guide and glossary, which do not exist in these docs.
    """
    module = getattr(obj, "__module__", None) or ""
    if not module.startswith("sklearn"):
        return
    lines[:] = [_SKLEARN_ROLE.sub(r"*\1*", line) for line in lines]


def _section_has_pages(env, docname):
    """Whether the top-level section that holds ``docname`` has sub-pages."""
    if docname == env.config.root_doc:
        return False
    relations = env.collect_relations()
    parent = relations.get(docname, [None])[0]
    while parent not in (None, env.config.root_doc):
        docname, parent = parent, relations.get(parent, [None])[0]
    return bool(env.toctree_includes.get(docname))


def _no_empty_primary_sidebar(app, pagename, templatename, context, doctree):
    """No left sidebar on pages whose section has no sub-pages.

    The theme counts hidden toctrees (which the gallery needs), and then
    keeps the "Section Navigation" sidebar even where it lists nothing.
    """
    if not _section_has_pages(app.env, pagename):
        context["sidebars"] = []


def setup(app):
    app.connect("source-read", _fill_placeholders)
    app.connect("html-page-context", _no_empty_primary_sidebar)
    app.connect("autodoc-process-docstring", _plain_sklearn_references)
    return {"parallel_read_safe": True}
