"""Golden tests: a small knowledge base plus a state file in, the expected TRACKING.md out.

Each folder under tests/golden/tracking/ is a case: mkdocs.yml, analyses/, optionally
upstream-state.json, and the expected TRACKING.md. Run `pytest --update-golden` to rewrite the expected
files after an intended change, then read the diff before committing it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import GOLDEN, REPO_ROOT
from issuekb.cli import cli

CASES = sorted(p.name for p in (GOLDEN / "tracking").iterdir() if p.is_dir())


def test_every_case_is_found() -> None:
    assert {"empty", "full", "unsynced"} <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str, tmp_path: Path, update_golden: bool) -> None:
    source = GOLDEN / "tracking" / case
    root = tmp_path / case
    shutil.copytree(source, root, ignore=shutil.ignore_patterns("TRACKING.md"))
    result = CliRunner().invoke(cli, ["tracking", "--root", str(root)])
    assert result.exit_code == 0, result.output
    produced = (root / "TRACKING.md").read_text(encoding="utf-8")
    expected_file = source / "TRACKING.md"
    if update_golden:
        expected_file.write_text(produced, encoding="utf-8")
    assert produced == expected_file.read_text(encoding="utf-8")

    check = CliRunner().invoke(cli, ["tracking", "--check", "--root", str(root)])
    assert check.exit_code == 0, check.output


def test_full_case_covers_every_section_and_attention_kind() -> None:
    text = (GOLDEN / "tracking" / "full" / "TRACKING.md").read_text(encoding="utf-8")
    for heading in (
        "## Summary",
        "## Needs attention",
        "### Resolved here, still open upstream",
        "### Closed upstream, still being worked on here",
        "### Closed upstream as a duplicate of an issue the analysis does not name",
        "### Upstream activity after the analysis (stale)",
        "### Renamed upstream",
        "## Issues of acme/widget",
        "## Issues of acme/gadget",
        "## Duplicate clusters",
        "## Shared fix commits",
        "## Issues by tag",
        "## Timeline",
        "## Upstream contribution",
    ):
        assert f"\n{heading}" in text, heading
    assert "(via #58)" in text  # the three-deep chain 59 -> 58 -> 57 -> 42


def test_repository_tracking_file_is_current() -> None:
    """The committed TRACKING.md is what `issuekb tracking` writes (run `make tracking` when this fails)."""
    result = CliRunner().invoke(cli, ["tracking", "--check", "--root", str(REPO_ROOT)])
    assert result.exit_code == 0, result.output
