"""Checks on the website that `make test` builds from the notebooks it has just executed.

The `site` fixture (conftest.py) builds it once, with execution off, from each notebook's
MyST source and the outputs of its launch notebook as run in the learner-like kernel. Run
alone (plain `pytest`), these tests skip: there are no executed notebooks to build from.
"""

import re
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.site
REPO = Path(__file__).resolve().parents[1]
MATHJAX = "_static/mathjax/tex-mml-chtml.js"


def notebook_pages() -> list[str]:
    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    files = [chapter["file"] for part in toc["parts"] for chapter in part["chapters"]]
    return [entry for entry in files if entry.startswith("notebooks/")]


def test_the_build_does_not_execute(site):
    config = yaml.safe_load((site.stage / "_config.yml").read_text())
    assert config["execute"]["execute_notebooks"] == "off"


def test_build_reports_zero_warnings(site):
    warnings = [line for line in site.log.splitlines() if "WARNING" in line or "ERROR" in line]
    assert warnings == [], "\n".join(warnings)


@pytest.mark.parametrize("page", notebook_pages())
def test_notebook_page_has_executed_outputs(site, page):
    html = (site.html / f"{page}.html").read_text(encoding="utf-8")
    assert "cell_output" in html, f"{page} has no executed outputs"
    source = (REPO / f"{page}.md").read_text(encoding="utf-8")
    if "plt.show()" in source:
        images = re.findall(r'<img[^>]+src="[^"]*_images/[^"]+"', html)
        assert images, f"{page} plots but its page shows no image"
        for tag in images:
            name = re.search(r'src="([^"]+)"', tag)[1]
            assert (site.html / page).parent.joinpath(name).resolve().exists(), name


@pytest.mark.parametrize("page", notebook_pages())
def test_the_install_cell_is_hidden_on_the_website(site, page):
    html = (site.html / f"{page}.html").read_text(encoding="utf-8")
    assert "pip install rnncourse" not in html, f"{page} shows its install cell"


def test_math_is_served_from_the_site(site):
    assert (site.html / MATHJAX).is_file()
    assert any((site.html / "_static/mathjax/output/chtml/fonts/woff-v2").glob("*.woff"))
    pages_with_math = 0
    for page in site.html.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "cdn.jsdelivr.net/npm/mathjax" not in html, f"{page} loads MathJax from a CDN"
        if "math notranslate" in html:
            pages_with_math += 1
            assert MATHJAX in html, f"{page} has math but does not load local MathJax"
    assert pages_with_math > 0


@pytest.mark.parametrize("page", notebook_pages())
def test_launch_buttons_open_the_launch_notebook(site, page):
    html = (site.html / f"{page}.html").read_text(encoding="utf-8")
    links = re.findall(r'href="(https://(?:colab\.research\.google\.com|mybinder\.org)[^"]+)"',
                       html)
    assert any("colab" in link for link in links) and any("mybinder" in link for link in links)
    for link in links:
        assert f"{page}.ipynb" in link, f"launch link {link} does not open {page}.ipynb"
    assert (REPO / f"{page}.ipynb").exists()


@pytest.mark.parametrize("page", notebook_pages())
def test_the_download_button_offers_the_launch_notebook(site, page):
    offered = site.html / "_sources" / f"{page}.ipynb"
    assert offered.read_bytes() == (REPO / f"{page}.ipynb").read_bytes()
