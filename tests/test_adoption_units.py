"""What a new user meets after `init`: date order, `sync --from` with several files and items not found,
`new` without a title, `rename`, and what sync knows about reported/reporter (`check`, `status`)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conftest import REPO_ROOT, TODAY, analysis_text, write_file
from issuekb.authoring.rename import relink
from issuekb.cli import cli
from issuekb.config import load_config
from issuekb.pipeline import load_kb
from issuekb.upstream.state import IssueState, UpstreamState, dump_state, load_state
from syncenv import invoke

UPSTREAM = "acme/widget"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def write_analysis(root: Path, folder: str, front: str, body: str = "# Analysis\n\nSome text.\n") -> Path:
    return write_file(root / "analyses" / folder / "analysis.md", analysis_text(front, body))


def codes(root: Path) -> list[tuple[str, str]]:
    _, diags = load_kb(load_config(root), today=TODAY, git=False)
    return [(d.severity.value, d.code) for d in diags]


def state_with(root: Path, *issues: IssueState) -> None:
    state = UpstreamState()
    for issue in issues:
        state.repo(UPSTREAM).issues[issue.number] = issue
    write_file(root / "upstream-state.json", dump_state(state))


# -- date order: only the impossible is an error ----------------------------------------------------------
@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ("reported: 2025-11-01\nanalyzed: 2025-11-06\nresolved_on: 2025-11-05\n", []),
        ("analyzed: 2025-11-06\nresolved_on: 2025-11-05\n", []),
        ("reported: 2025-11-07\nanalyzed: 2025-11-06\n", [("error", "date-order")]),
        ("reported: 2025-11-07\nresolved_on: 2025-11-05\n", [("error", "date-order")]),
        ("reported: 2025-11-01\nanalyzed: 2027-01-01\n", [("error", "date-future")]),
    ],
)
def test_date_order_allows_resolved_before_analyzed(
    kb_root: Path, dates: str, expected: list[object]
) -> None:
    front = f"issue: 5\ntitle: T\nstatus: resolved\nresolution: fixed\n{dates}"
    write_analysis(kb_root, "0005-t", front)
    assert codes(kb_root) == expected


# -- sync --from: several files, items not found ----------------------------------------------------------
def item(number: int, updated: str, **extra: object) -> dict[str, object]:
    return {
        "number": number,
        "html_url": f"https://github.com/{UPSTREAM}/issues/{number}",
        "title": f"Issue {number}",
        "state": "open",
        "user": {"login": "reporter"},
        "labels": [],
        "comments": 0,
        "created_at": "2025-01-01T00:00:00Z",
        "updated_at": updated,
        "closed_at": None,
    } | extra


NOT_FOUND = {
    "number": 9,
    "url": f"https://api.github.com/repos/{UPSTREAM}/issues/9",
    "title": None,
    "state": None,
    "user": None,
    "created_at": None,
    "updated_at": None,
}


@pytest.fixture
def tracked(kb_root: Path) -> Path:
    write_analysis(kb_root, "0001-one", "issue: 1\ntitle: One\nstatus: investigating\nrelated: [2, 3, 9]\n")
    return kb_root


def test_several_files_merge_and_the_later_update_wins(tracked: Path, tmp_path: Path) -> None:
    first = write_file(
        tmp_path / "a.json",
        json.dumps([item(1, "2025-03-01T00:00:00Z", comments=5), item(2, "2025-02-01T00:00:00Z")]),
    )
    second = write_file(
        tmp_path / "b.json",
        json.dumps([item(1, "2025-02-01T00:00:00Z", comments=1), item(3, "2025-02-01T00:00:00Z")]),
    )
    result = invoke(tracked, None, "--from", str(first), "--from", str(second))
    assert result.exit_code == 0, result.output
    state, _ = load_state(tracked / "upstream-state.json")
    repo = state.repos[UPSTREAM]
    assert sorted(repo.issues) == [1, 2, 3]
    assert repo.issues[1].comments == 5, "the item updated later wins, whichever file holds it"
    assert repo.source == "recorded:a.json, b.json"
    assert (
        f"{UPSTREAM}: 3 items in a.json, b.json; stored 3 (of 4 issues and 0 pull requests tracked); "
        "skipped 0 that no analysis names; left untouched: 1 tracked issues in no file"
    ) in result.output
    swapped = invoke(tracked, None, "--from", str(second), "--from", str(first), "--dry-run")
    assert "would stay as it is" in swapped.output


def test_an_item_not_found_is_skipped_with_a_located_warning(tracked: Path, tmp_path: Path) -> None:
    good = json.dumps(item(1, "2025-03-01T00:00:00Z"), indent=2)
    missing = json.dumps(NOT_FOUND, indent=2)
    text = f"[\n{good},\n{missing}\n]\n"
    path = write_file(tmp_path / "listing.json", text)
    line = text[: text.index(missing)].count("\n") + 1
    result = invoke(tracked, None, "--from", str(path))
    assert result.exit_code == 0, result.output
    assert (
        f"listing.json:{line}:1: warning[sync-from-not-found] Issue #9 holds no data (every field is null): "
        "the recording could not find it; skipped"
    ) in result.stderr
    assert "skipped 1 item the recording could not find (warnings above)" in result.output
    repo = load_state(tracked / "upstream-state.json")[0].repos[UPSTREAM]
    assert sorted(repo.issues) == [1]


def test_an_item_with_data_but_no_state_still_stops_everything(tracked: Path, tmp_path: Path) -> None:
    bad = {k: v for k, v in item(2, "2025-02-01T00:00:00Z").items() if k != "state"}
    path = write_file(tmp_path / "bad.json", json.dumps([item(1, "2025-03-01T00:00:00Z"), bad]))
    result = invoke(tracked, None, "--from", str(path))
    assert result.exit_code == 2
    assert "error[sync-from-item]" in result.stderr
    assert not (tracked / "upstream-state.json").exists()


# -- new without a title, and rename -------------------------------------------------------------------------
@pytest.fixture
def templated(kb_root: Path) -> Path:
    shutil.copytree(REPO_ROOT / "templates", kb_root / "templates")
    return kb_root


def new(root: Path, *args: str) -> Result:
    return run("new", *args, "--root", str(root), "--today", TODAY.isoformat())


def test_rename_from_the_synced_title_fixes_links_and_tracking(templated: Path) -> None:
    assert new(templated, "77", "--offline", "--slug", "untitled").exit_code == 0
    write_analysis(
        templated,
        "0012-other",
        "issue: 12\ntitle: Other\nstatus: investigating\nrelated: [77]\n",
        "# Analysis\n\nSee [the crash](../0077-untitled/analysis.md#problem) and #77.\n",
    )
    assert run("tracking", "--root", str(templated)).exit_code == 0
    assert "0077-untitled" in (templated / "TRACKING.md").read_text(encoding="utf-8")
    state_with(templated, IssueState(number=77, title="Widget hangs on reload", author="lena"))

    dry = run("rename", "77", "--root", str(templated), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "Would rename analyses/0077-untitled -> analyses/0077-widget-hangs-reload" in dry.output
    assert (templated / "analyses" / "0077-untitled").is_dir()

    result = run("rename", "77", "--root", str(templated))
    assert result.exit_code == 0, result.output
    assert not (templated / "analyses" / "0077-untitled").exists()
    assert (templated / "analyses" / "0077-widget-hangs-reload" / "analysis.md").is_file()
    other = (templated / "analyses" / "0012-other" / "analysis.md").read_text(encoding="utf-8")
    assert "(../0077-widget-hangs-reload/analysis.md#problem)" in other
    tracking = (templated / "TRACKING.md").read_text(encoding="utf-8")
    assert "0077-widget-hangs-reload" in tracking and "0077-untitled" not in tracking
    assert run("tracking", "--root", str(templated), "--check").exit_code == 0
    assert not [c for c in codes(templated) if c[0] == "error"]


def test_rename_with_a_slug_and_its_refusals(templated: Path) -> None:
    assert new(templated, "5", "--offline", "--title", "Crash").exit_code == 0
    refused = run("rename", "5", "--root", str(templated))
    assert refused.exit_code == 2
    assert "has no title in the upstream state file; give --slug" in refused.output
    assert run("rename", "5", "--root", str(templated), "--slug", "Bad Slug").exit_code == 2
    assert run("rename", "6", "--root", str(templated), "--slug", "x").exit_code == 2
    assert new(templated, "50", "--offline", "--title", "Taken").exit_code == 0
    result = run("rename", "5", "--root", str(templated), "--slug", "reload-crash")
    assert result.exit_code == 0, result.output
    assert (templated / "analyses" / "0005-reload-crash" / "analysis.md").is_file()
    same = run("rename", "5", "--root", str(templated), "--slug", "reload-crash")
    assert "already has that name" in same.output


def test_relink_touches_link_targets_only() -> None:
    text = (
        "[a](../0077-untitled/analysis.md) [b](<../0077-untitled/x.md>) 0077-untitled\n"
        "[c]: ../0077-untitled/summary.md\n"
        "[d](https://example.org/0077-untitled/) [e](../0077-untitled-more/)\n"
    )
    assert relink(text, "0077-untitled", "0077-hang") == (
        "[a](../0077-hang/analysis.md) [b](<../0077-hang/x.md>) 0077-untitled\n"
        "[c]: ../0077-hang/summary.md\n"
        "[d](https://example.org/0077-untitled/) [e](../0077-untitled-more/)\n"
    )


# -- what sync knows: reported and reporter ------------------------------------------------------------------
SYNCED = IssueState(number=7, title="Widget hangs", author="Lena", created_at="2025-03-09T22:00:00Z")


def test_check_warns_where_reported_or_reporter_disagree(kb_root: Path) -> None:
    write_analysis(
        kb_root,
        "0007-hang",
        "issue: 7\ntitle: Hang\nstatus: investigating\nreporter: bob\nreported: 2025-03-10\n",
    )
    assert "no problems found" in run("check", "--root", str(kb_root)).output, "nothing synced yet"
    state_with(kb_root, SYNCED)
    result = run("check", "--root", str(kb_root), "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    path = "analyses/0007-hang/analysis.md"
    assert (
        f"{path}:5:1: warning[upstream-reporter] Field 'reporter' (bob) differs from upstream's author of "
        "acme/widget#7 (Lena)"
    ) in result.output
    assert (
        f"{path}:6:1: warning[upstream-reported] Field 'reported' (2025-03-10) differs from the day upstream "
        "acme/widget#7 was opened (2025-03-09)"
    ) in result.output
    assert run("check", "--root", str(kb_root), "--strict").exit_code == 1


def test_matching_facts_give_no_warning(kb_root: Path) -> None:
    front = "issue: 7\ntitle: Hang\nstatus: investigating\nreporter: '@lena'\nreported: 2025-03-09\n"
    write_analysis(kb_root, "0007-hang", front)
    state_with(kb_root, SYNCED)
    result = run("check", "--root", str(kb_root), "--today", TODAY.isoformat())
    assert "no problems found" in result.output, result.output


def test_status_fills_empty_reporter_and_reported_from_the_state_file(kb_root: Path) -> None:
    path = write_analysis(kb_root, "0007-hang", "issue: 7\ntitle: Hang\nstatus: investigating\n")
    state_with(kb_root, SYNCED)
    result = run("status", "7", "in-progress", "--root", str(kb_root), "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert "reporter: Lena\n" in text and "reported: 2025-03-09\n" in text
    assert "+reporter: Lena" in result.output
    kept = write_analysis(
        kb_root, "0008-kept", "issue: 8\ntitle: Kept\nstatus: investigating\nreporter: bob\n"
    )
    state_with(kb_root, SYNCED, IssueState(number=8, title="Kept", author="Lena"))
    assert run("status", "8", "in-progress", "--root", str(kb_root)).exit_code == 0
    assert "reporter: bob\n" in kept.read_text(encoding="utf-8")
