"""The notebooks' install cell, and the learner-like kernel that `make test` runs them in.

The install cell (book/_ext/course_notebooks.py) must install the exact helper version where
it is missing and do nothing where it is present. Here it runs unchanged, through IPython's
own translation of `%pip` into Python, in a new empty virtual environment, with pip pointed
offline at the wheel that `make test` built (RNNCOURSE_DIST). The learner-like kernel
(RNNCOURSE_LEARNER_PYTHON) must import the helpers from that wheel, not from this checkout,
and have no book toolchain. Without those variables (plain `pytest`) these tests skip.
"""

import os
import subprocess
import venv
from pathlib import Path

import course_notebooks  # book/_ext, put on the path by conftest.py
import pytest

REPO = Path(__file__).resolve().parents[1]
DIST = os.environ.get("RNNCOURSE_DIST")
LEARNER = os.environ.get("RNNCOURSE_LEARNER_PYTHON")
# IPython runs `%pip ARGS` as `python -m pip ARGS` with the kernel's own Python; this stub of
# get_ipython() does the same, and records the calls.
STUB = '''
import shlex, subprocess, sys
calls = []
class Shell:
    def run_line_magic(self, name, line):
        assert name == "pip", name
        calls.append(line)
        subprocess.run([sys.executable, "-m", "pip", *shlex.split(line)], check=True)
def get_ipython():
    return Shell()
'''


def run_install_cell(python: Path) -> list[str]:
    """Run the install cell in ``python``; return the %pip lines it ran."""
    from IPython.core.inputtransformer2 import TransformerManager

    cell = TransformerManager().transform_cell(course_notebooks.install_cell())
    script = STUB + cell + "\nprint(calls)\n"
    env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": DIST, "PIP_NO_DEPS": "1",
           "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    result = subprocess.run([str(python), "-c", script], capture_output=True, text=True,
                            env=env, cwd=python.parent, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return eval(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def empty_python(tmp_path) -> Path:
    if not DIST:
        pytest.skip("needs the wheel that `make test` builds (RNNCOURSE_DIST)")
    venv.create(tmp_path / "venv", with_pip=True)
    return tmp_path / "venv" / "bin" / "python"


def installed_version(python: Path) -> str:
    command = [str(python), "-c", "from importlib import metadata;"
               "print(metadata.version('rnncourse'))"]
    return subprocess.run(command, capture_output=True, text=True, check=True,
                          cwd=python.parent).stdout.strip()  # not here: ./rnncourse.egg-info


def test_the_install_cell_installs_the_exact_version_where_it_is_missing(empty_python):
    version = course_notebooks.version()
    assert run_install_cell(empty_python) == [f"install rnncourse=={version}"]
    assert installed_version(empty_python) == version
    assert run_install_cell(empty_python) == []  # present: nothing to do


def test_the_install_cell_replaces_another_version(empty_python):
    site = subprocess.run([str(empty_python), "-c", "import sysconfig;"
                           "print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    info = Path(site) / "rnncourse-0.0.1.dist-info"  # an older release, as pip records it
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: rnncourse\nVersion: 0.0.1\n")
    (info / "INSTALLER").write_text("pip\n")
    (info / "RECORD").write_text("".join(f"rnncourse-0.0.1.dist-info/{name},,\n"
                                         for name in ("METADATA", "INSTALLER", "RECORD")))
    assert installed_version(empty_python) == "0.0.1"
    assert run_install_cell(empty_python) == [f"install rnncourse=={course_notebooks.version()}"]
    assert installed_version(empty_python) == course_notebooks.version()


def learner(code: str) -> subprocess.CompletedProcess:
    if not LEARNER:
        pytest.skip("needs the learner-like kernel that `make test` builds")
    return subprocess.run([LEARNER, "-c", code], capture_output=True, text=True, cwd="/")


def test_the_learner_kernel_has_the_wheel_not_the_checkout():
    result = learner("import rnncourse; print(rnncourse.__file__, rnncourse.__version__)")
    path, version = result.stdout.split()
    assert "site-packages" in path and not path.startswith(str(REPO / "rnncourse"))
    assert version == course_notebooks.version()
    assert learner("from rnncourse import records; records.load('forecast_speed')").returncode == 0


@pytest.mark.parametrize("module", ["myst_nb", "jupyter_book", "sphinx", "jupytext", "pytest"])
def test_the_learner_kernel_has_no_book_or_test_toolchain(module):
    result = learner(f"import {module}")
    assert result.returncode != 0, f"{module} is importable in the learner-like kernel"
    assert "ModuleNotFoundError" in result.stderr
