"""Every notebook is a jupytext pair (.md + .ipynb) with identical cells and no outputs."""

import json
from pathlib import Path

import jupytext
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
MD_FILES = sorted(NOTEBOOKS.glob("*.md"))
IPYNB_FILES = sorted(NOTEBOOKS.glob("*.ipynb"))


def cells(path: Path) -> list[tuple[str, str]]:
    notebook = jupytext.read(path)
    return [(cell.cell_type, cell.source.strip()) for cell in notebook.cells]


def test_there_are_notebooks():
    assert IPYNB_FILES, f"no notebooks found in {NOTEBOOKS}"


@pytest.mark.parametrize("md", MD_FILES, ids=lambda p: p.name)
def test_md_has_ipynb_twin_with_same_cells(md):
    twin = md.with_suffix(".ipynb")
    assert twin.exists(), f"{md.name} has no paired {twin.name}: run `make sync`"
    assert cells(md) == cells(twin), f"{md.name} and {twin.name} differ: run `make sync`"


@pytest.mark.parametrize("ipynb", IPYNB_FILES, ids=lambda p: p.name)
def test_ipynb_has_md_twin(ipynb):
    twin = ipynb.with_suffix(".md")
    assert twin.exists(), f"{ipynb.name} has no paired {twin.name}: run `make sync`"


@pytest.mark.parametrize("ipynb", IPYNB_FILES, ids=lambda p: p.name)
def test_ipynb_is_committed_without_outputs(ipynb):
    notebook = json.loads(ipynb.read_text(encoding="utf-8"))
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{ipynb.name} cell {index} has outputs"
            assert cell["execution_count"] is None, f"{ipynb.name} cell {index} has a count"


@pytest.mark.parametrize("ipynb", IPYNB_FILES, ids=lambda p: p.name)
def test_ipynb_names_the_python3_kernel(ipynb):
    notebook = json.loads(ipynb.read_text(encoding="utf-8"))
    kernel = notebook["metadata"].get("kernelspec", {}).get("name")
    assert kernel == "python3", f"{ipynb.name} names kernel {kernel!r}, expected 'python3'"


@pytest.mark.parametrize("ipynb", IPYNB_FILES, ids=lambda p: p.name)
def test_notebook_has_one_title(ipynb):
    titles = [
        line
        for kind, source in cells(ipynb)
        if kind == "markdown"
        for line in source.splitlines()
        if line.startswith("# ")
    ]
    assert len(titles) == 1, f"{ipynb.name} has {len(titles)} H1 titles, expected 1"
