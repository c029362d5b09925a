"""The sync workflow's pull-request step, run for real: bash as GitHub runs it, a git repository with a
bare `origin`, and a stand-in `gh` that records its calls."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import REPO_ROOT

SYNC = REPO_ROOT / ".github" / "workflows" / "sync.yml"
BRANCH = "issuekb/sync"
GH = """#!/bin/bash
echo "$*" >> "$GH_LOG"
if [ "$1 $2" = "pr list" ]; then printf '%s' "$GH_OPEN_PR"; fi
"""


def pr_step() -> str:
    steps = yaml.safe_load(SYNC.read_text(encoding="utf-8"))["jobs"]["sync"]["steps"]
    (step,) = [s for s in steps if s.get("name") == "Open or update the pull request"]
    script = step["run"]
    assert isinstance(script, str)
    assert "${{" not in script, "the script takes its inputs from the environment"
    return script


def git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return proc.stdout


class Checkout:
    """A checkout of `main` after `make sync` and `make tracking` ran, with its origin and `gh`."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.remote = tmp_path / "origin.git"
        self.work = tmp_path / "work"
        self.log = tmp_path / "gh.log"
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        (bin_dir / "gh").write_text(GH, encoding="utf-8")
        (bin_dir / "gh").chmod(0o755)
        for name, value in {
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        }.items():
            monkeypatch.setenv(name, value)
        git(tmp_path, "init", "-q", "--bare", "-b", "main", str(self.remote))
        git(tmp_path, "init", "-q", "-b", "main", str(self.work))
        (self.work / "TRACKING.md").write_text("# Issue tracking\n\nnot synced\n", encoding="utf-8")
        (self.work / ".gitignore").write_text(".venv/\n", encoding="utf-8")
        git(self.work, "add", ".")
        git(self.work, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "start")
        git(self.work, "remote", "add", "origin", str(self.remote))
        git(self.work, "push", "-q", "origin", "main")

    def run(self, open_pr: str = "") -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "BRANCH": BRANCH, "GH_LOG": str(self.log), "GH_OPEN_PR": open_pr}
        return subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", pr_step()],
            cwd=self.work,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def gh_calls(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines() if self.log.exists() else []

    def pushed_files(self) -> list[str]:
        return git(self.remote, "diff", "--name-only", "main", BRANCH).split()


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Checkout:
    return Checkout(tmp_path, monkeypatch)


def test_nothing_changed_opens_nothing(checkout: Checkout) -> None:
    (checkout.work / ".venv").mkdir()
    (checkout.work / ".venv" / "stamp").write_text("", encoding="utf-8")
    proc = checkout.run()
    assert proc.returncode == 0, proc.stderr
    assert "Nothing changed upstream." in proc.stdout
    assert checkout.gh_calls() == []
    assert git(checkout.remote, "branch", "--list", BRANCH) == ""


def test_the_first_sync_commits_the_new_state_file(checkout: Checkout) -> None:
    """The state file is new (untracked) after the first sync: it must count as a change."""
    (checkout.work / "upstream-state.json").write_text('{"format": 1}\n', encoding="utf-8")
    (checkout.work / "notes.txt").write_text("not ours to commit\n", encoding="utf-8")
    proc = checkout.run()
    assert proc.returncode == 0, proc.stderr
    assert checkout.pushed_files() == ["upstream-state.json"]
    calls = checkout.gh_calls()
    assert len(calls) == 2
    assert calls[0].startswith(f"pr list --head {BRANCH} --state open")
    assert calls[1].startswith(f"pr create --head {BRANCH} --title sync: upstream state")


def test_an_open_pull_request_is_updated_not_duplicated(checkout: Checkout) -> None:
    (checkout.work / "TRACKING.md").write_text("# Issue tracking\n\nsynced\n", encoding="utf-8")
    (checkout.work / "upstream-state.json").write_text('{"format": 1}\n', encoding="utf-8")
    proc = checkout.run(open_pr="12")
    assert proc.returncode == 0, proc.stderr
    assert sorted(checkout.pushed_files()) == ["TRACKING.md", "upstream-state.json"]
    assert [c.split()[:2] for c in checkout.gh_calls()] == [["pr", "list"]]
    assert f"The open pull request for {BRANCH} was updated." in proc.stdout
