"""Serve MathJax 3 from the built site instead of a CDN.

Workshops run on bad wifi and learners open the built site from disk, so the math must
render offline. The MathJax files come from the PyPI package `django-static-mathjax`
(pinned in requirements.txt; it is plain MathJax 3, Apache-2.0, and needs no Django).
We point Sphinx's `mathjax_path` at `_static/mathjax/tex-mml-chtml.js` and copy the
parts of MathJax that this bundle loads (fonts, TeX extensions, menu, accessibility)
next to it when the HTML build finishes.
"""

import shutil
from importlib import resources
from pathlib import Path

MATHJAX_ENTRY = "tex-mml-chtml.js"
# Components tex-mml-chtml.js loads lazily, relative to its own location.
MATHJAX_PARTS = ("output/chtml", "input/tex/extensions", "input/mml", "ui", "a11y", "sre")


def mathjax_source() -> Path:
    """The `es5` folder of the MathJax distribution shipped by django-static-mathjax."""
    source = Path(str(resources.files("mathjax"))) / "static" / "mathjax" / "es5"
    if not (source / MATHJAX_ENTRY).is_file():
        raise RuntimeError(
            f"MathJax not found at {source}; install the pinned requirements "
            "(`pip install -r requirements.txt`, package django-static-mathjax)."
        )
    return source


def use_local_mathjax(app, config):
    config.mathjax_path = f"mathjax/{MATHJAX_ENTRY}"


def copy_mathjax(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    source, target = mathjax_source(), Path(app.outdir) / "_static" / "mathjax"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / MATHJAX_ENTRY, target / MATHJAX_ENTRY)
    for part in MATHJAX_PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part, dirs_exist_ok=True)


def setup(app):
    mathjax_source()  # fail early, with the fix, if MathJax is missing
    app.connect("config-inited", use_local_mathjax)
    app.connect("build-finished", copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
