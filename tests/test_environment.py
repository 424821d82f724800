"""The pinned requirements, the learner environments and the lock files agree.

requirements.txt is the tested set (the dev environment, locked by constraints.txt).
binder/requirements.txt is the learner environment, every package pinned (its top-level list
by hand, the rest by binder/lock.py); environment.yml is the same list for conda users.
"""

import importlib.util
import os
import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]


def pins(lines) -> dict[str, str]:
    """`{name: version}` for every `name==version` line; other lines are ignored."""
    found = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        match = re.fullmatch(r"([A-Za-z0-9_.\-\[\]]+)==([^\s;]+)", line)
        if match:
            found[canonicalize_name(match[1].split("[")[0])] = match[2]
    return found


def requirement_pins() -> dict[str, str]:
    return pins((REPO / "requirements.txt").read_text().splitlines())


def test_every_requirement_is_pinned():
    lines = [
        line.split("#", 1)[0].strip()
        for line in (REPO / "requirements.txt").read_text().splitlines()
    ]
    lines = [line for line in lines if line]
    assert len(lines) == len(requirement_pins()), f"unpinned lines in requirements.txt: {lines}"


def binder_lock():
    """binder/lock.py, which splits binder/requirements.txt into its two parts."""
    spec = importlib.util.spec_from_file_location("binder_lock", REPO / "binder" / "lock.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def binder_text() -> str:
    return (REPO / "binder" / "requirements.txt").read_text()


def binder_top_level() -> dict[str, str]:
    return pins(binder_lock().top_level(binder_text()))


def as_tensorflow(pinned: dict[str, str]) -> dict[str, str]:
    """tensorflow-cpu counts as tensorflow: the same package, built without GPU support."""
    return {("tensorflow" if name == "tensorflow-cpu" else name): version
            for name, version in pinned.items()}


def test_binder_top_level_is_pinned_as_in_requirements():
    top = binder_top_level()
    assert "tensorflow-cpu" in top and "tensorflow" not in top, "Binder runs on CPUs"
    assert "jupyterlab" in top and "ipykernel" in top
    required = requirement_pins()
    wrong = {name: (version, required.get(name)) for name, version in as_tensorflow(top).items()
             if required.get(name) != version}
    assert not wrong, f"binder/requirements.txt vs requirements.txt: {wrong}"
    for tool in ("jupyter-book", "myst-nb", "sphinx", "jupytext", "pytest", "nbmake"):
        assert tool not in pins(binder_text().splitlines()), f"{tool}: not for learners"


def test_binder_requirements_are_fully_locked_without_local_references():
    lines = [line.split("#", 1)[0].strip() for line in binder_text().splitlines()]
    lines = [line for line in lines if line]
    assert lines and all(re.fullmatch(r"[A-Za-z0-9_.\-]+==[^\s;@]+", line) for line in lines), \
        "only name==version lines: no -e ., -c, -r or file references (repo2docker installs" \
        " this file before it copies the repository)"
    locked = pins(lines)
    assert len(locked) == len(lines), "a package is pinned twice"
    assert binder_lock().MARKER in binder_text(), "the dependencies part (python binder/lock.py)"
    assert len(locked) > 100, "the dependencies are pinned too"
    # binder/lock.py resolves with -c constraints.txt: shared packages have the tested versions.
    constrained = pins((REPO / "constraints.txt").read_text().splitlines())
    wrong = {name: (version, constrained.get(name))
             for name, version in as_tensorflow(locked).items()
             if constrained.get(name, version) != version}
    assert not wrong, f"binder/requirements.txt vs constraints.txt: {wrong}"
    extra = set(as_tensorflow(locked)) - set(constrained)
    assert extra <= {"wheel"}, f"not in constraints.txt (run make lock): {extra}"


def test_binder_runtime_and_post_build():
    assert (REPO / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    post_build = REPO / "binder" / "postBuild"
    assert os.access(post_build, os.X_OK), "chmod +x binder/postBuild"
    lines = [line.strip() for line in post_build.read_text().splitlines()]
    assert lines[0] in ("#!/bin/bash", "#!/usr/bin/env bash") and "set -euo pipefail" in lines
    commands = [line for line in lines if line and not line.startswith("#")]
    # --no-deps: the image has tensorflow-cpu, which pip does not count as `tensorflow`.
    assert "pip install --no-deps ." in commands, "the helpers, not editable, no dependencies"
    assert "python -m rnncourse fetch-data" in commands, "the IMDB data, baked into the image"
    assert not any("-e" in command.split() for command in commands)


def test_conda_environment_matches_binder():
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    pip_lists = [dep["pip"] for dep in env["dependencies"] if isinstance(dep, dict)]
    assert len(pip_lists) == 1, "environment.yml needs exactly one pip: list"
    # tensorflow, not tensorflow-cpu: it has wheels for every platform (tensorflow-cpu has
    # none for Apple silicon), and `.` requires it.
    assert pins(pip_lists[0]) == as_tensorflow(binder_top_level())
    assert "." in pip_lists[0] and "-e ." not in pip_lists[0], "installs the helpers (not -e)"
    assert "python=3.11" in env["dependencies"]


def test_lock_file_agrees_with_requirements():
    locked = pins((REPO / "constraints.txt").read_text().splitlines())
    for name, version in requirement_pins().items():
        assert locked.get(name) == version, f"constraints.txt pins {name}=={locked.get(name)}"


def test_jupyter_book_is_1x():
    version = requirement_pins()["jupyter-book"]
    assert version in SpecifierSet(">=1.0.4.post1,<2")


@pytest.mark.parametrize("where", ["requirements.txt", "binder/requirements.txt"])
def test_package_dependencies_are_pinned_within_their_ranges(where):
    pinned = as_tensorflow(pins((REPO / where).read_text().splitlines()))
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    for spec in project["dependencies"]:
        requirement = Requirement(spec)
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} is a dependency of rnncourse but not in {where}"
        assert pinned[name] in requirement.specifier, f"{name}=={pinned[name]} vs {spec}"


def test_installed_versions_match_the_pins():
    wrong = {}
    for name, version in requirement_pins().items():
        installed = metadata.version(name)
        if installed != version:
            wrong[name] = installed
    assert not wrong, f"installed versions differ from requirements.txt: {wrong} (make venv)"
