"""Small fixes to the HTML that Jupyter Book 1.x writes; tests/test_browser.py finds each problem.

- Each script is written once. Under Sphinx 7.4, sphinx-thebe and sphinx-togglebutton add their
  inline scripts twice, and the second `const THEBE_JS_URL = ...` throws a SyntaxError in the
  console of every page.
- Bibliography entries are list items for assistive technology. Docutils marks them
  `role="doc-biblioentry"`, a role that DPUB-ARIA 1.1 deprecated and that may not sit inside
  `role="list"` (axe-core: aria-required-children, critical).
- A collapsed code cell is named by its visible text ("Show code cell source"). myst-nb's
  `aria-label="Toggle hidden content"` hides that text from voice control (axe-core:
  label-content-name-mismatch, serious).
- Colour contrast: static/course.css darkens links inside exercises and the inline colours of
  rich output, in light mode (axe-core: color-contrast, serious).
- The download button of a notebook page offers the launch notebook (what learners open: plain
  Jupyter Markdown, folded solutions), not the website's MyST form of it. The launch notebook is
  `notebooks/NAME.ipynb` in the book's sources, or `.launch/notebooks/NAME.ipynb` where the
  sources hold the website's form (the test build, tests/conftest.py).
"""

import shutil

from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"

BODY_FIXES = (
    ('role="doc-biblioentry"', 'role="listitem"'),
    ('<summary aria-label="Toggle hidden content">', "<summary>"),
)


def script_key(script) -> tuple:
    """What makes two script tags the same, whatever their priority (an inline script's
    filename is None when added during the build, "" when added before it)."""
    attributes = getattr(script, "attributes", {})
    return getattr(script, "filename", script) or "", tuple(sorted(attributes.items()))


def fix_page(app, pagename, templatename, context, doctree):
    seen, unique = set(), []
    for script in context.get("script_files") or []:
        if script_key(script) not in seen:
            seen.add(script_key(script))
            unique.append(script)
    context["script_files"] = unique
    body = context.get("body")
    if body:
        for old, new in BODY_FIXES:
            body = body.replace(old, new)
        context["body"] = body


def download_launch_notebooks(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    source = Path(app.srcdir)
    for docname in app.env.found_docs:
        if not docname.startswith("notebooks/"):
            continue
        for launch in (source / ".launch" / f"{docname}.ipynb", source / f"{docname}.ipynb"):
            target = Path(app.outdir) / "_sources" / f"{docname}.ipynb"
            if launch.is_file() and target.is_file():
                shutil.copyfile(launch, target)
                break


def add_static_path(app):
    app.config.html_static_path.append(str(STATIC))


def setup(app):
    app.connect("builder-inited", add_static_path)
    app.add_css_file("course.css")
    app.connect("html-page-context", fix_page)
    app.connect("build-finished", download_launch_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
