"""Tests for rnncourse/python_range.py: one supported Python range, checked first, plainly.

The script runs under each Python found on this machine (pyenv's, or python3.X on the PATH);
the versions absent here are skipped.
"""

import ast
import glob
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from rnncourse import python_range

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "rnncourse" / "python_range.py"
MINORS = ["2.7", "3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14"]


def interpreter(minor: str) -> str | None:
    """A Python ``minor`` (e.g. "3.10") on this machine: pyenv's first, then the PATH's."""
    found = sorted(glob.glob(f"/root/.pyenv/versions/{minor}.*/bin/python"))
    return found[0] if found else shutil.which(f"python{minor}")


def version_of(python: str) -> tuple[int, int, int]:
    code = "import sys; print('%d %d %d' % sys.version_info[:3])"
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=60).stdout
    return tuple(int(part) for part in out.split())


def run(python: str) -> subprocess.CompletedProcess:
    return subprocess.run([python, str(SCRIPT)], capture_output=True, text=True, timeout=60,
                          cwd=REPO)


@pytest.mark.parametrize("minor", MINORS)
def test_the_script_accepts_exactly_the_supported_versions(minor):
    python = interpreter(minor)
    if python is None:
        pytest.skip(f"no Python {minor} on this machine")
    version, result = version_of(python), run(python)
    assert result.stdout == ""
    if python_range.LOWEST <= version < python_range.FIRST_UNSUPPORTED:
        assert (result.returncode, result.stderr) == (0, ""), "silent on a supported Python"
    else:
        assert result.returncode == 1
        found = ".".join(map(str, version))
        assert f"Found Python {found} at {python}." in result.stderr
        assert "the course needs Python 3.11.5 to 3.13 (3.11.5 or newer, older than 3.14)" \
            in result.stderr


def test_python_3_10_gets_the_whole_message():
    python = interpreter("3.10")
    if python is None:
        pytest.skip("no Python 3.10 on this machine")
    version = ".".join(map(str, version_of(python)))
    assert run(python).stderr == (
        "error: the course needs Python 3.11.5 to 3.13 (3.11.5 or newer, older than 3.14).\n"
        f"Found Python {version} at {python}.\n"
        "To fix it, install a supported Python (with your system's package manager, pyenv,\n"
        "or from https://www.python.org/downloads/), then give make its path, for example:\n"
        "    make PYTHON=/path/to/python3.13 book\n"
        "If .venv was made with another Python, delete it first: rm -rf .venv\n"
    )


def test_the_course_python_passes():
    assert (run(sys.executable).returncode, python_range.supported()) == (0, True)


@pytest.mark.parametrize(("version", "supported"), [
    ((3, 10, 13), False), ((3, 11, 2), False), ((3, 11, 4), False), ((3, 11, 5), True),
    ((3, 12, 0), True), ((3, 13, 99), True), ((3, 14, 0), False), ((4, 0, 0), False),
])
def test_the_range_boundaries(version, supported):
    assert python_range.supported(version) is supported


def test_pyproject_requires_the_same_range():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11.5,<3.14"
    lowest, first_unsupported = map(python_range.dotted, (python_range.LOWEST,
                                                          python_range.FIRST_UNSUPPORTED))
    assert project["requires-python"] == f">={lowest},<{first_unsupported}"


def test_the_script_needs_nothing_but_the_standard_library():
    """It runs before any package is installed, under any Python: no rnncourse, no f-strings."""
    tree = ast.parse(SCRIPT.read_text(), feature_version=(3, 6))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"__future__", "print_function", "platform", "sys"}, imported
    assert not any(isinstance(node, ast.JoinedStr) for node in ast.walk(tree)), "an f-string"
