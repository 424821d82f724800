"""The release workflow keeps its promises, and the package it publishes is complete.

.github/workflows/release.yml runs on a pushed tag `v*`: it checks that the tag is
"v" + rnncourse.__version__, builds the sdist and the wheel, checks them with twine, and
publishes them on PyPI with trusted publishing. It cannot run here; we parse it, and run its
version check with bash. The last test builds both distributions (python -m build).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

import rnncourse
from rnncourse import cli

REPO = Path(__file__).resolve().parents[1]
WORKFLOW = REPO / ".github" / "workflows" / "release.yml"


@pytest.fixture(scope="module")
def workflow() -> dict:
    loaded = yaml.safe_load(WORKFLOW.read_text())
    loaded["on"] = loaded.pop(True, loaded.get("on"))  # YAML 1.1 reads `on:` as True
    return loaded


def uses(job: dict, action: str) -> list[dict]:
    """The steps of `job` that use `action` (e.g. "actions/upload-artifact")."""
    return [step for step in job["steps"] if step.get("uses", "").startswith(action + "@")]


def runs(job: dict) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def version_check(workflow: dict) -> dict:
    steps = [step for step in workflow["jobs"]["build"]["steps"]
             if "rnncourse.__version__" in step.get("run", "")]
    assert len(steps) == 1, "one build step compares the tag with rnncourse.__version__"
    return steps[0]


def pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())


def test_runs_on_version_tags_only(workflow):
    assert workflow["on"] == {"push": {"tags": ["v*"]}}


def test_only_the_publish_job_can_get_an_id_token(workflow):
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    assert "id-token" not in jobs["build"].get("permissions", {})
    publish = jobs["publish"]
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi", "the trusted publisher names environment pypi"
    assert publish["needs"] == "build"


def test_publishes_the_built_files_with_trusted_publishing(workflow):
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    [upload] = uses(build, "actions/upload-artifact")
    [download] = uses(publish, "actions/download-artifact")
    assert upload["with"]["name"] == download["with"]["name"]
    assert upload["with"]["path"].rstrip("/") == download["with"]["path"].rstrip("/") == "dist"
    assert publish["steps"][-1]["uses"].startswith("pypa/gh-action-pypi-publish@v")
    assert "with" not in publish["steps"][-1], "trusted publishing: no user, password or token"
    assert "secrets." not in WORKFLOW.read_text()


def test_builds_and_checks_both_distributions_after_the_version_check(workflow):
    build = workflow["jobs"]["build"]
    commands = runs(build)
    assert "python -m build" in commands, "sdist and wheel (no --sdist/--wheel)"
    assert "python -m twine check --strict dist/*" in commands
    assert any(c.startswith("python -m pip install -c constraints.txt build twine")
               for c in commands), "the pinned build and twine"
    steps = build["steps"]
    first_build = next(i for i, step in enumerate(steps) if step.get("run") == "python -m build")
    assert steps.index(version_check(workflow)) < first_build


@pytest.mark.parametrize("tag, passes", [
    (f"v{rnncourse.__version__}", True),
    (rnncourse.__version__, False),
    (f"v{rnncourse.__version__}rc1", False),
    ("v0.0.1", False),
])
def test_version_check_accepts_only_v_plus_the_package_version(workflow, tmp_path, tag, passes):
    step = version_check(workflow)
    assert step["env"] == {"TAG": "${{ github.ref_name }}"}
    (tmp_path / "python").symlink_to(sys.executable)  # `python` on the runner's PATH
    env = {**os.environ, "TAG": tag, "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=REPO, env=env,
                          capture_output=True, text=True)
    assert (done.returncode == 0) == passes, done.stdout + done.stderr


def test_version_has_one_source():
    project = pyproject()["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert pyproject()["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "rnncourse.__version__"}


def test_packaging_metadata_is_current():
    config = pyproject()
    project = config["project"]
    assert project["license"] == "MIT", "an SPDX expression, not the deprecated table"
    assert all((REPO / name).is_file() for name in project["license-files"])
    [setuptools] = [Requirement(r) for r in config["build-system"]["requires"]
                    if Requirement(r).name == "setuptools"]
    assert "76.9" not in setuptools.specifier and "77" in setuptools.specifier
    assert project["urls"]["Source"] == cli.REPOSITORY


def test_distributions_carry_every_file_of_the_package(tmp_path):
    """`python -m build` (the sdist, then the wheel from it), as the workflow runs it.

    From a copy of the package's sources, so the build leaves nothing in the checkout. The
    isolated build installs setuptools from the package index, even under `make test`
    (which points pip offline at its own wheel for the notebooks).
    """
    source = tmp_path / "source"
    shutil.copytree(REPO / "rnncourse", source / "rnncourse",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, source)
    env = {key: value for key, value in os.environ.items()
           if key not in ("PIP_NO_INDEX", "PIP_FIND_LINKS")}
    done = subprocess.run([sys.executable, "-m", "build", "--outdir", str(tmp_path / "dist"),
                           str(source)], capture_output=True, text=True, env=env, timeout=600)
    log = done.stdout + done.stderr
    assert done.returncode == 0, log[-6000:]
    # setuptools prints its warnings (deprecations, packages it would ignore) between "!!" lines.
    assert "!!" not in log and "deprecat" not in log.lower(), log
    name = f"rnncourse-{rnncourse.__version__}"
    expected = {path.relative_to(source).as_posix()
                for path in (source / "rnncourse").rglob("*") if path.is_file()}
    assert any(path.startswith("rnncourse/records/") and path.endswith(".json")
               for path in expected)
    with zipfile.ZipFile(tmp_path / "dist" / f"{name}-py3-none-any.whl") as wheel:
        in_wheel = {path for path in wheel.namelist() if path.startswith("rnncourse/")}
    with tarfile.open(tmp_path / "dist" / f"{name}.tar.gz") as sdist:
        in_sdist = {path.removeprefix(f"{name}/") for path in sdist.getnames()
                    if path.startswith(f"{name}/rnncourse/")}
    assert in_wheel == expected
    assert expected <= in_sdist
