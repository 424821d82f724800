"""The book configuration keeps the promises the build relies on."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import yaml

REPO = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((REPO / "_config.yml").read_text())
TOC = yaml.safe_load((REPO / "_toc.yml").read_text())


def toc_files() -> list[str]:
    files = [TOC["root"]]
    for part in TOC["parts"]:
        files += [chapter["file"] for chapter in part["chapters"]]
    return files


def test_every_toc_entry_exists():
    for entry in toc_files():
        candidates = [REPO / f"{entry}{suffix}" for suffix in (".md", ".ipynb")]
        assert any(path.exists() for path in candidates), f"_toc.yml names missing {entry}"


def test_every_notebook_is_in_the_toc():
    listed = set(toc_files())
    for notebook in (REPO / "notebooks").glob("*.ipynb"):
        assert f"notebooks/{notebook.stem}" in listed, f"{notebook.name} is not in _toc.yml"


def test_notebooks_execute_with_cache_and_fail_on_error():
    execute = CONFIG["execute"]
    assert execute["execute_notebooks"] == "cache"
    assert execute["allow_errors"] is False
    assert CONFIG["sphinx"]["config"]["nb_execution_raise_on_error"] is True


def test_cell_timeout_is_the_same_for_the_book_and_nbmake():
    makefile = (REPO / "Makefile").read_text()
    nbmake_timeout = int(re.search(r"^NB_TIMEOUT := (\d+)", makefile, re.M)[1])
    assert CONFIG["execute"]["timeout"] == nbmake_timeout


def test_the_book_reads_the_myst_source_not_the_launch_notebook():
    assert "notebooks/*.ipynb" in CONFIG["exclude_patterns"]
    assert "notebooks/*.md" not in CONFIG["exclude_patterns"]
    assert CONFIG["only_build_toc_files"] is True


def test_launch_buttons_and_placeholder_repository():
    buttons = CONFIG["launch_buttons"]
    assert buttons["colab_url"] and buttons["binderhub_url"]
    hub = urlsplit(buttons.get("jupyterhub_url", "")).hostname or ""
    placeholders = ("example", "example.com", "example.org", "example.net", "example.edu", "test",
                    "invalid", "localhost")  # reserved names (RFC 2606), which open nothing
    assert not any(f".{hub}".endswith(f".{name}") for name in placeholders), \
        f"the JupyterHub button opens a placeholder ({hub}): name a real hub, or none"
    text = (REPO / "_config.yml").read_text()
    assert "PLACEHOLDER" in text, "mark the repository URL as a placeholder until publication"
