"""Shared test configuration, and the website that `make test` builds.

`make test` first runs the unit tests and every notebook (nbmake, in a learner-like kernel,
each launch notebook alone in RNNCOURSE_RUN/NAME/NAME.ipynb), then the website tests
(tests/test_site.py, tests/test_browser.py). Those use the `site` fixture below: it builds
the book from the notebooks as executed, once per session. Without RNNCOURSE_RUN (plain
`pytest`) they skip: there are no executed notebooks to build from.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "book" / "_ext"))

import course_notebooks  # noqa: E402  (book/_ext: the notebooks' two forms)


@dataclass
class Site:
    stage: Path  # the book's sources, as built: _config.yml, _toc.yml, book/, notebooks/
    html: Path  # the built website
    log: str  # what jupyter-book printed


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root."""
    return REPO


@pytest.fixture(scope="session")
def executed_notebooks() -> Path:
    """RNNCOURSE_RUN: each launch notebook as `make test` executed it, with its outputs."""
    run = os.environ.get("RNNCOURSE_RUN")
    if not run:
        pytest.skip("the site is built from executed notebooks: run `make test`")
    missing = []
    for md in sorted((REPO / "notebooks").glob("*.md")):
        executed = Path(run) / md.stem / f"{md.stem}.ipynb"
        cells = json.loads(executed.read_text())["cells"] if executed.is_file() else []
        if not any(cell.get("outputs") for cell in cells):
            missing.append(md.stem)
    assert not missing, f"not executed (did their nbmake test fail?): {missing}"
    return Path(run)


@pytest.fixture(scope="session")
def site(executed_notebooks: Path) -> Site:
    """Build the website once from the executed notebooks, with execution off."""
    output = Path(os.environ.get("RNNCOURSE_TEST_SITE") or REPO / "_build" / "test-site")
    stage = output / "source"
    shutil.rmtree(output, ignore_errors=True)
    stage.mkdir(parents=True)
    shutil.copy(REPO / "_toc.yml", stage)
    shutil.copytree(REPO / "book", stage / "book")
    (stage / "benchmarks").mkdir()
    shutil.copy(REPO / "benchmarks" / "results.md", stage / "benchmarks")
    config = yaml.safe_load((REPO / "_config.yml").read_text())
    config["execute"]["execute_notebooks"] = "off"
    config["exclude_patterns"] = [pattern.replace("notebooks/*.ipynb", "notebooks/*.md")
                                  for pattern in config["exclude_patterns"]]
    (stage / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    (stage / "notebooks").mkdir()
    shutil.copytree(REPO / "notebooks", stage / ".launch" / "notebooks",
                    ignore=shutil.ignore_patterns("*.md"))  # for the download button
    for md in sorted((REPO / "notebooks").glob("*.md")):
        executed = executed_notebooks / md.stem / f"{md.stem}.ipynb"
        notebook = course_notebooks.book_notebook(md, executed)
        course_notebooks.nbformat.write(notebook, stage / "notebooks" / f"{md.stem}.ipynb")
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    command = [str(jupyter_book), "build", str(stage), "-W", "-n", "--keep-going",
               "--path-output", str(output)]
    result = subprocess.run(command, capture_output=True, text=True)
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"jupyter-book build failed:\n{log[-5000:]}"
    return Site(stage=stage, html=output / "_build" / "html", log=log)
