"""The GitHub Actions workflows parse and keep their promises (they cannot run here).

book.yml builds the book with the execution cache restored and publishes it on GitHub Pages;
test.yml runs `make test` (through .ci/run) on pull requests; latest.yml runs `make test-latest`
every week. GitHub sets CI=true, under which a missing prerequisite fails instead of skipping:
every workflow that executes notebooks or tests first fetches the IMDB reviews as a learner
does (`python -m rnncourse fetch-data`), cached on the archive's sha256, and names the archive
in RNNCOURSE_IMDB.
"""

import re
from pathlib import Path

import pytest
import yaml

from rnncourse import data

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = REPO / ".github" / "workflows"
# The current major version of each GitHub action we use (checked on their repositories in
# 2026: checkout 7.0, setup-python 7.0, cache 5.0, upload-artifact 7.0, download-artifact 8.0,
# upload-pages-artifact 5.0, deploy-pages 5.0). Update here, then in the workflows.
CURRENT = {
    "actions/checkout": "v7",
    "actions/setup-python": "v7",
    "actions/cache": "v5",
    "actions/upload-artifact": "v7",
    "actions/download-artifact": "v8",
    "actions/upload-pages-artifact": "v5",
    "actions/deploy-pages": "v5",
}
ARCHIVE = f"~/.cache/rnncourse/{data.ARCHIVE_NAME}"  # where fetch-data keeps the download
RUNS_TESTS = ("make test", "bash .ci/run", "make book", "pytest")  # make test-latest too


def load(name: str) -> dict:
    workflow = yaml.safe_load((WORKFLOWS / name).read_text())
    workflow["on"] = workflow.pop(True, workflow.get("on"))  # YAML 1.1 reads `on:` as True
    return workflow


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def runs(job: dict) -> list[str]:
    return [step.get("run", "") for step in job["steps"]]


def index(job: dict, predicate) -> int:
    found = [i for i, step in enumerate(job["steps"]) if predicate(step)]
    assert found, f"no such step in {job['steps']}"
    return found[0]


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.yml")), ids=lambda p: p.name)
def test_workflow_parses_and_uses_current_action_versions(path):
    workflow = load(path.name)
    assert workflow["name"] and workflow["on"] and workflow["jobs"]
    for job in workflow["jobs"].values():
        assert "runs-on" in job and job.get("steps"), job
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), step
            if "uses" not in step:
                continue
            action, _, version = step["uses"].partition("@")
            if action.startswith("actions/"):
                assert action in CURRENT, f"{action}: add its current major to CURRENT"
                assert version == CURRENT[action], f"{path.name}: {action}@{CURRENT[action]}"
            else:  # another publisher's action: a release tag or a commit, never a branch
                assert re.fullmatch(r"v\d+(\.\d+)*|[0-9a-f]{40}", version), step["uses"]


def test_book_workflow_restores_the_execution_cache_and_deploys_pages():
    workflow = load("book.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    used = [step.get("uses", "") for step in steps(workflow)]
    caches = [step["with"] for step in steps(workflow)
              if step.get("uses", "").startswith("actions/cache@")]
    jupyter = [cache for cache in caches if cache["path"] == "_build/.jupyter_cache"]
    assert len(jupyter) == 1
    assert "make book" in runs(workflow["jobs"]["build"])
    upload = [s for s in steps(workflow) if s.get("uses", "").startswith("actions/upload-pages")]
    assert upload and upload[0]["with"]["path"] == "_build/html"
    assert any(u.startswith("actions/deploy-pages@") for u in used)
    assert workflow["permissions"]["pages"] == "write"


def test_the_execution_cache_key_covers_everything_a_notebook_reads():
    """A change to the helpers, their benchmark records or the pins starts a fresh cache (the
    notebooks' own code is not in the key: jupyter-cache compares it notebook by notebook)."""
    cache = next(step["with"] for step in steps(load("book.yml"))
                 if step.get("with", {}).get("path") == "_build/.jupyter_cache")
    files = "hashFiles('rnncourse/**', 'constraints.txt', 'binder/requirements.txt')"
    assert cache["key"] == f"jupyter-cache-${{{{ {files} }}}}-${{{{ github.run_id }}}}"
    assert cache["restore-keys"] == f"jupyter-cache-${{{{ {files} }}}}-"
    for pattern in ("rnncourse/**", "constraints.txt", "binder/requirements.txt"):
        assert list(REPO.glob(pattern)), f"{pattern} matches nothing: the key would miss it"
    assert list(REPO.glob("rnncourse/records/*.json")), "the records the notebooks read"


def test_test_workflow_runs_make_test_on_pull_requests():
    workflow = load("test.yml")
    assert "pull_request" in workflow["on"]
    job = workflow["jobs"]["test"]
    assert "bash .ci/run" in runs(job), "run .ci/run (= make test), as the project's CI does"
    assert "make test" in (REPO / ".ci" / "run").read_text()
    assert job["env"]["CI"] == "true", "the browser test must fail, not skip, without Chromium"


def test_latest_workflow_runs_every_week_on_a_newer_python():
    workflow = load("latest.yml")
    assert "workflow_dispatch" in workflow["on"]
    [schedule] = workflow["on"]["schedule"]
    minute, hour, day, month, weekday = schedule["cron"].split()
    assert (day, month) == ("*", "*") and weekday.isdigit() and minute.isdigit() and hour.isdigit()
    job = workflow["jobs"]["latest"]
    assert job["runs-on"] == "ubuntu-latest"
    setup = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["python-version"] in ("3.12", "3.13")
    assert job["env"]["PYTHON"] == f"python{setup['with']['python-version']}"
    assert runs(job)[-1] == "make test-latest"
    assert "test-latest:" in (REPO / "Makefile").read_text()


def data_jobs() -> list[tuple[str, str, dict]]:
    """Every job that executes notebooks or tests, or says CI=true: all need the IMDB data."""
    found = []
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for name, job in load(path.name)["jobs"].items():
            commands = " ".join(runs(job)) if job.get("steps") else ""
            if job.get("env", {}).get("CI") == "true" or any(c in commands for c in RUNS_TESTS):
                found.append((path.name, name, job))
    return found


@pytest.mark.parametrize(("workflow", "name", "job"), data_jobs(),
                         ids=[f"{workflow}:{name}" for workflow, name, _ in data_jobs()])
def test_no_ci_without_the_imdb_data(workflow, name, job):
    """The official archive, cached on its sha256, fetched with fetch-data (a no-op after a
    cache hit), then named in RNNCOURSE_IMDB before anything reads it."""
    cache = index(job, lambda s: s.get("uses", "").startswith("actions/cache@")
                  and s["with"]["path"] == ARCHIVE)
    assert job["steps"][cache]["with"]["key"].endswith(f"-{data.IMDB_SHA256}"), \
        "key the cache on the archive's sha256 (rnncourse.data.IMDB_SHA256)"
    fetch = index(job, lambda s: re.search(r"\S+ -m rnncourse fetch-data$", s.get("run", ""),
                                           re.MULTILINE))
    condition = job["steps"][fetch].get("if")
    assert condition in (None, f"steps.{job['steps'][cache]['id']}.outputs.cache-hit != 'true'")
    export = index(job, lambda s: s.get("run") == 'echo "RNNCOURSE_IMDB='
                   + ARCHIVE.replace("~", "$HOME") + '" >> "$GITHUB_ENV"')
    first_reader = index(job, lambda s: any(c in s.get("run", "") for c in RUNS_TESTS))
    assert cache < fetch < export < first_reader, f"{workflow}/{name}: cache, fetch, name, run"
    assert "RNNCOURSE_IMDB" not in job.get("env", {}), "set only after fetch-data has run"
