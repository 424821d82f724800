"""The GitHub Actions workflows parse and keep their promises (they cannot run here).

book.yml builds the book with the execution cache restored and publishes it on GitHub Pages;
test.yml runs `make test` (through .ci/run) on pull requests.
"""

from pathlib import Path

import pytest
import yaml

WORKFLOWS = Path(__file__).resolve().parents[1] / ".github" / "workflows"


def load(name: str) -> dict:
    workflow = yaml.safe_load((WORKFLOWS / name).read_text())
    workflow["on"] = workflow.pop(True, workflow.get("on"))  # YAML 1.1 reads `on:` as True
    return workflow


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.yml")), ids=lambda p: p.name)
def test_workflow_parses_and_pins_action_versions(path):
    workflow = load(path.name)
    assert workflow["name"] and workflow["on"] and workflow["jobs"]
    for job in workflow["jobs"].values():
        assert "runs-on" in job and job.get("steps"), job
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), step
            if "uses" in step:
                assert "@v" in step["uses"], f"pin a major version: {step['uses']}"


def test_book_workflow_restores_the_execution_cache_and_deploys_pages():
    workflow = load("book.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    used = [step.get("uses", "") for step in steps(workflow)]
    caches = [step["with"]["path"] for step in steps(workflow)
              if step.get("uses", "").startswith("actions/cache@")]
    assert "_build/.jupyter_cache" in caches
    runs = [step.get("run", "") for step in steps(workflow)]
    assert "make book" in runs
    upload = [s for s in steps(workflow) if s.get("uses", "").startswith("actions/upload-pages")]
    assert upload and upload[0]["with"]["path"] == "_build/html"
    assert any(u.startswith("actions/deploy-pages@") for u in used)
    assert workflow["permissions"]["pages"] == "write"


def test_test_workflow_runs_make_test_on_pull_requests():
    workflow = load("test.yml")
    assert "pull_request" in workflow["on"]
    runs = [step.get("run", "") for step in steps(workflow)]
    assert "bash .ci/run" in runs, "run .ci/run (= make test), as the project's CI does"
    assert "make test" in (WORKFLOWS.parents[1] / ".ci" / "run").read_text()
    job = workflow["jobs"]["test"]
    assert job["env"]["CI"] == "true", "the browser test must fail, not skip, without Chromium"
