"""Every notebook: a MyST source (.md) and the launch notebook (.ipynb) generated from it.

The .ipynb is what learners open (Colab, Binder, a JupyterHub, their Jupyter). It must be
exactly what `make sync` (book/_ext/course_notebooks.py) makes of the .md, carry no outputs,
start with the one install cell, show no raw MyST, and need nothing but that install cell:
no book toolchain, no file of the repository.
"""

import json
import re
from pathlib import Path

import course_notebooks  # book/_ext, put on the path by conftest.py
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
MD_FILES = sorted(NOTEBOOKS.glob("*.md"))
IPYNB_FILES = sorted(NOTEBOOKS.glob("*.ipynb"))
# What a notebook must not read at run time: the book toolchain or the repository around it.
REPOSITORY_PATHS = re.compile(r"""myst_nb|jupyter_book|Path\(\s*["']\.\.|["']\.\./|"""
                              r"""benchmarks/|shared/datasets|__file__|\bos\.chdir\(""")


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(path: Path) -> list[str]:
    return ["".join(cell["source"]) for cell in load(path)["cells"] if cell["cell_type"] == "code"]


def test_there_are_notebooks():
    assert IPYNB_FILES and len(IPYNB_FILES) == len(MD_FILES)


@pytest.mark.parametrize("md", MD_FILES, ids=lambda p: p.name)
def test_ipynb_is_what_sync_makes_of_the_md(md):
    assert course_notebooks.stale([md]) == [], "run `make sync`"


@pytest.mark.parametrize("ipynb", IPYNB_FILES, ids=lambda p: p.name)
def test_ipynb_has_md_source(ipynb):
    assert ipynb.with_suffix(".md").exists(), f"{ipynb.name} has no {ipynb.stem}.md source"


@pytest.mark.parametrize("ipynb", IPYNB_FILES, ids=lambda p: p.name)
def test_ipynb_is_committed_without_outputs(ipynb):
    for index, cell in enumerate(load(ipynb)["cells"]):
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{ipynb.name} cell {index} has outputs"
            assert cell["execution_count"] is None, f"{ipynb.name} cell {index} has a count"


@pytest.mark.parametrize("ipynb", IPYNB_FILES, ids=lambda p: p.name)
def test_ipynb_names_the_python3_kernel(ipynb):
    kernel = load(ipynb)["metadata"].get("kernelspec", {}).get("name")
    assert kernel == "python3", f"{ipynb.name} names kernel {kernel!r}, expected 'python3'"


@pytest.mark.parametrize("ipynb", IPYNB_FILES, ids=lambda p: p.name)
def test_notebook_has_one_title(ipynb):
    titles = [line for cell in load(ipynb)["cells"] if cell["cell_type"] == "markdown"
              for line in "".join(cell["source"]).splitlines() if line.startswith("# ")]
    assert len(titles) == 1, f"{ipynb.name} has {len(titles)} H1 titles, expected 1"


def test_the_install_cell_is_the_same_everywhere_and_first():
    expected = course_notebooks.install_cell()
    assert f"rnncourse=={course_notebooks.version()}" in expected
    for ipynb in IPYNB_FILES:
        cells = code_cells(ipynb)
        assert cells[0] == expected, f"{ipynb.name}: its first code cell is not the install cell"
        assert sum("pip install" in cell for cell in cells) == 1, ipynb.name


def test_the_install_cell_pins_the_package_version():
    import rnncourse

    assert course_notebooks.version() == rnncourse.__version__


@pytest.mark.parametrize("ipynb", IPYNB_FILES, ids=lambda p: p.name)
def test_no_raw_myst_in_the_launch_notebook(ipynb):
    for cell in load(ipynb)["cells"]:
        if cell["cell_type"] == "markdown":
            found = course_notebooks.RAW_MYST.search("".join(cell["source"]))
            assert not found, f"{ipynb.name} shows raw MyST: {found[0]!r}"


@pytest.mark.parametrize("ipynb", IPYNB_FILES, ids=lambda p: p.name)
def test_no_notebook_reads_a_repository_path_or_the_book_toolchain(ipynb):
    for source in code_cells(ipynb):
        found = REPOSITORY_PATHS.search(source)
        assert not found, f"{ipynb.name} reads {found[0]!r}: it breaks on Colab and Binder"


@pytest.mark.parametrize("ipynb", IPYNB_FILES, ids=lambda p: p.name)
def test_solutions_are_folded(ipynb):
    cells = load(ipynb)["cells"]
    for index, cell in enumerate(cells):
        text = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and text.startswith("*Solution to exercise"):
            folded = cells[index + 1]
            assert folded["metadata"]["jupyter"]["source_hidden"] is True
            assert folded["metadata"]["cellView"] == "form"
        if "Solution to exercise" in text and cell["cell_type"] == "markdown" \
                and not text.startswith("*Solution"):
            assert text.startswith("<details>") and text.endswith("</details>")
