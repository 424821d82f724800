"""Checks on the website that `make test` builds from the notebooks nbmake just executed.

`make test` copies the book sources to a staging folder, nbmake executes the staged
notebooks in place (--overwrite), and these tests, which pytest runs last (conftest.py),
build the site from them with execution off and look at the HTML. Run alone (plain
`pytest`), they skip: there are no executed notebooks to build from.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.site
REPO = Path(__file__).resolve().parents[1]
STAGE = os.environ.get("RNNCOURSE_SITE_STAGE")
OUTPUT = os.environ.get("RNNCOURSE_TEST_SITE")
MATHJAX = "_static/mathjax/tex-mml-chtml.js"


def notebook_pages() -> list[str]:
    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    files = [chapter["file"] for part in toc["parts"] for chapter in part["chapters"]]
    return [entry for entry in files if entry.startswith("notebooks/")]


@pytest.fixture(scope="module")
def site():
    """Build the staged book once; return (build log, html folder)."""
    if not STAGE:
        pytest.skip("the site is built from executed notebooks: run `make test`")
    stage = Path(STAGE)
    config = yaml.safe_load((stage / "_config.yml").read_text())
    assert config["execute"]["execute_notebooks"] == "off", "the staged book must not execute"
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    output = Path(OUTPUT) if OUTPUT else stage
    command = [str(jupyter_book), "build", str(stage), "-W", "-n", "--keep-going",
               "--path-output", str(output)]
    result = subprocess.run(command, capture_output=True, text=True)
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"jupyter-book build failed:\n{log[-5000:]}"
    return log, output / "_build" / "html"


def test_build_reports_zero_warnings(site):
    log, _ = site
    warnings = [line for line in log.splitlines() if "WARNING" in line or "ERROR" in line]
    assert warnings == [], "\n".join(warnings)


@pytest.mark.parametrize("page", notebook_pages())
def test_notebook_page_has_executed_outputs(site, page):
    _, html_dir = site
    html = (html_dir / f"{page}.html").read_text(encoding="utf-8")
    assert "cell_output" in html, f"{page} has no executed outputs"
    source = (REPO / f"{page}.md").read_text(encoding="utf-8")
    if "plt.show()" in source:
        images = re.findall(r'<img[^>]+src="[^"]*_images/[^"]+"', html)
        assert images, f"{page} plots but its page shows no image"
        for tag in images:
            name = re.search(r'src="([^"]+)"', tag)[1]
            assert (html_dir / page).parent.joinpath(name).resolve().exists(), name


def test_math_is_served_from_the_site(site):
    _, html_dir = site
    assert (html_dir / MATHJAX).is_file()
    assert any((html_dir / "_static/mathjax/output/chtml/fonts/woff-v2").glob("*.woff"))
    pages_with_math = 0
    for page in html_dir.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "cdn.jsdelivr.net/npm/mathjax" not in html, f"{page} loads MathJax from a CDN"
        if "math notranslate" in html:
            pages_with_math += 1
            assert MATHJAX in html, f"{page} has math but does not load local MathJax"
    assert pages_with_math > 0


@pytest.mark.parametrize("page", notebook_pages())
def test_launch_buttons_open_the_ipynb_twin(site, page):
    _, html_dir = site
    html = (html_dir / f"{page}.html").read_text(encoding="utf-8")
    links = re.findall(r'href="(https://(?:colab\.research\.google\.com|mybinder\.org)[^"]+)"', html)
    assert any("colab" in link for link in links) and any("mybinder" in link for link in links)
    for link in links:
        assert f"{page}.ipynb" in link, f"launch link {link} does not open {page}.ipynb"
    assert (REPO / f"{page}.ipynb").exists()
