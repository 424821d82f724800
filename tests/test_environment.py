"""The pinned requirements, the Binder environment and the lock file agree."""

import re
import tomllib
from importlib import metadata
from pathlib import Path

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


def test_binder_environment_lists_the_same_pins():
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    pip_lists = [dep["pip"] for dep in env["dependencies"] if isinstance(dep, dict)]
    assert len(pip_lists) == 1, "environment.yml needs exactly one pip: list"
    assert pins(pip_lists[0]) == requirement_pins()
    assert "-e ." in pip_lists[0], "environment.yml must install the course package (-e .)"
    assert "python=3.11" in env["dependencies"]


def test_lock_file_agrees_with_requirements():
    locked = pins((REPO / "constraints.txt").read_text().splitlines())
    for name, version in requirement_pins().items():
        assert locked.get(name) == version, f"constraints.txt pins {name}=={locked.get(name)}"


def test_jupyter_book_is_1x():
    version = requirement_pins()["jupyter-book"]
    assert version in SpecifierSet(">=1.0.4.post1,<2")


def test_package_dependencies_are_pinned_in_requirements():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    pinned = requirement_pins()
    for spec in project["dependencies"]:
        requirement = Requirement(spec)
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} is a dependency of rnncourse but not in requirements.txt"
        assert pinned[name] in requirement.specifier, f"{name}=={pinned[name]} vs {spec}"


def test_installed_versions_match_the_pins():
    wrong = {}
    for name, version in requirement_pins().items():
        installed = metadata.version(name)
        if installed != version:
            wrong[name] = installed
    assert not wrong, f"installed versions differ from requirements.txt: {wrong} (make venv)"
