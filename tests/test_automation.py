"""The GitHub workflows and the pre-commit configuration are valid, offline."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO_ROOT

WORKFLOWS = sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def _load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_workflows_exist() -> None:
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "pages.yml", "sync.yml"}


def test_workflows_match_githubs_schema() -> None:
    """check-jsonschema's built-in (vendored, offline) GitHub workflow schema accepts every workflow."""
    tool = shutil.which("check-jsonschema", path=str(BIN)) or shutil.which("check-jsonschema")
    assert tool, "check-jsonschema is a dev dependency"
    proc = subprocess.run(
        [tool, "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_schema_check_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps: nope\n", encoding="utf-8")
    tool = shutil.which("check-jsonschema", path=str(BIN)) or "check-jsonschema"
    proc = subprocess.run(
        [tool, "--builtin-schema", "vendor.github-workflows", str(broken)], capture_output=True, check=False
    )
    assert proc.returncode == 1


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_and_permissions_least(path: Path) -> None:
    data = _load(path)
    assert data.get("permissions") == {"contents": "read"}, "workflow-wide permissions are read-only"
    for name, job in data["jobs"].items():
        assert "timeout-minutes" in job, f"{name} has no timeout"
        for step in job.get("steps", []):
            uses = step.get("uses")
            if uses:
                ref = uses.split("@", 1)[1]
                assert ref.startswith("v") and ref.count(".") == 2, f"{uses} is not pinned to a version"


def test_pages_workflow_deploys_with_the_permissions_it_needs() -> None:
    data = _load(REPO_ROOT / ".github" / "workflows" / "pages.yml")
    deploy = data["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert data["concurrency"]["group"] == "pages"
    uses = [s.get("uses", "") for job in data["jobs"].values() for s in job["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)


def test_sync_workflow_runs_on_schedule_and_by_hand() -> None:
    data = _load(REPO_ROOT / ".github" / "workflows" / "sync.yml")
    triggers = data[True] if True in data else data["on"]  # YAML 1.1 reads the key `on` as true
    assert "schedule" in triggers
    assert "workflow_dispatch" in triggers
    job = data["jobs"]["sync"]
    assert job["permissions"]["contents"] == "write"
    assert job["permissions"]["pull-requests"] == "write"
    script = "\n".join(s.get("run", "") for s in job["steps"])
    assert "make sync" in script
    assert "make tracking" in script
    # a pull request is opened only when something changed: tests/test_sync_workflow.py runs that step
    assert "Nothing changed upstream." in script


def test_pre_commit_hooks_are_local_and_well_formed() -> None:
    data = _load(REPO_ROOT / ".pre-commit-config.yaml")
    hooks = {h["id"]: h for repo in data["repos"] for h in repo["hooks"]}
    assert {"issuekb-check", "issuekb-tracking", "ruff"} <= set(hooks)
    for hook in hooks.values():
        assert {"id", "name", "entry", "language"} <= set(hook)
    assert "tracking --check" in hooks["issuekb-tracking"]["entry"]
