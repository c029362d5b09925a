"""`issuekb import` on a hand-kept folder: which source wins per field, what is read where, nothing lost.

One test per rule of docs/import.md, each on its folder of tests/fixtures/legacy-kb/ (the fixture's
README lists them), then `--prefer`, `--git` (a real fork clone) and the report's review list.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import TODAY, write_file
from gitfixture import git
from issuekb.config import load_config
from issuekb.core.model import Analysis
from issuekb.core.refs import IssueRef
from issuekb.core.schema import Resolution, Status
from issuekb.pipeline import load_kb
from test_import import FIXTURE, make_kb, run

REPO = "acme-labs/widgetd"


@pytest.fixture
def legacy(tmp_path: Path) -> Path:
    """A copy of the fixture; and an empty knowledge base in `tmp_path / "kb"`."""
    make_kb(tmp_path / "kb")
    return Path(shutil.copytree(FIXTURE, tmp_path / "src" / "legacy-kb"))


def imported(legacy: Path, kb: Path, *options: str) -> tuple[dict[int, Analysis], dict[str, Any]]:
    """Import for real; the analyses as `issuekb check` reads them, and the JSON report."""
    result = run(str(legacy), "--root", str(kb), "--format", "json", *options)
    assert result.exit_code == 0, result.output
    knowledge, diags = load_kb(load_config(kb), today=TODAY, git=False)
    assert [d for d in diags if d.severity == "error"] == []
    return {a.issue: a for a in knowledge.analyses}, json.loads(result.output)


def entry(report: dict[str, Any], number: int) -> dict[str, Any]:
    return next(a for a in report["analyses"] if a["issue"] == f"{REPO}#{number}")


def review(report: dict[str, Any], number: int) -> list[tuple[str, str, str, list[tuple[str, str]]]]:
    return [
        (x["field"], x["kept"], x["kept_from"], [(o["value"], o["from"]) for o in x["others"]])
        for x in report["review"]
        if x["issue"] == f"{REPO}#{number}"
    ]


def body(kb: Path, folder: str) -> str:
    return (kb / "analyses" / folder / "analysis.md").read_text("utf-8").split("\n---\n", 1)[1]


def test_header_upstream_words_never_beat_the_folder(legacy: Path, tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    got, report = imported(legacy, kb)
    assert (got[140].status, got[140].resolution, got[140].commits) == (
        Status.RESOLVED,
        Resolution.FIXED,
        ("3c4d5e6",),
    )
    assert got[140].status_note == "upstream: Open, Unaddressed"
    assert review(report, 140) == [
        (
            "status",
            "resolved",
            "folder resolved/",
            [("Open, Unaddressed (the upstream state: kept in status_note)", "analysis.md:5")],
        )
    ]
    # archived/ with upstream words and no resolution anywhere: a valid record, and a line to review
    assert (got[150].status, got[150].resolution) == (Status.ARCHIVED, Resolution.WONT_FIX)
    assert got[150].status_note == "upstream: Open (Documented Resolution Available)"
    (guess,) = [x for x in report["review"] if x["issue"] == f"{REPO}#150" and x["field"] == "resolution"]
    assert guess["kept"] == "wont-fix" and "no source states one" in guess["reason"]
    # an open/ folder is investigating unless the analysis says in progress or paused
    assert (got[101].status, got[123].status, got[160].status) == (
        Status.INVESTIGATING,
        Status.INVESTIGATING,
        Status.IN_PROGRESS,
    )


def test_fields_of_other_issues_are_not_read(legacy: Path, tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    got, report = imported(legacy, kb)
    leak = got[160]
    assert (leak.ref, leak.title) == (IssueRef(REPO, 160), "sockets leak when the broker reconnects")
    assert leak.commits == ()  # 4f1c2ab is #42's fix, 1a2b3c4 sits under a heading about #61
    assert [c for c in entry(report, 160)["conflicts"] if c["field"] in ("issue", "title")] == []
    notes = entry(report, 160)["notes"]
    assert "analysis.md:24: **Title** not read: in a block of fields about #42" in notes
    assert "analysis.md:29: **Title** not read: in the section 'Notes on #61' about #61" in notes
    assert "**Title**: connection pool never shrinks" in body(kb, "0160-socket-leak")


def test_tracking_commits_only_when_the_analysis_names_none(legacy: Path, tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    got, report = imported(legacy, kb)
    assert (got[170].commits, got[170].prs) == (("5e6f7a8", "6a7b8c9"), (14,))
    assert review(report, 170) == [
        ("commits", "5e6f7a8, 6a7b8c9", "body analysis.md:17", [("d0c5d0c", "TRACKING.md:15")]),
        ("prs", "#14", "body analysis.md:17", [("#15", "TRACKING.md:15")]),
    ]
    assert got[57].commits == ("4f1c2ab",)  # the analysis names none (its #42 sentence is #42's fix)
    assert entry(report, 57)["sources"]["commits"] == {"how": "inferred", "from": "TRACKING.md:8"}


def test_commits_under_related_issues_belong_to_them(legacy: Path, tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    got, report = imported(legacy, kb)
    dns = got[180]
    assert (dns.status, dns.commits, dns.resolution) == (Status.INVESTIGATING, (), None)
    assert dns.related == (IssueRef(REPO, 42), IssueRef(REPO, 130))
    assert dns.related_notes[IssueRef(REPO, 42)] == "same reload path"
    # the nested commit lines have nowhere to go in the front matter: the header stays in the body
    assert entry(report, 180)["field_block_removed"] is False
    assert "  - **Fix Commit**: 0b7d3e9\n" in body(kb, "0180-dns-cache")


def test_status_reason_words_are_kept(legacy: Path, tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    got, _ = imported(legacy, kb)
    assert (got[190].status, got[190].resolution, got[190].status_note) == (
        Status.RESOLVED,
        Resolution.USER_ERROR,
        "User Error - Self-Resolved",
    )
    assert (got[195].status_note, got[195].resolution) == ("by #130 timeout setting", Resolution.FIXED)
    assert got[77].status_note == "Out of Scope - unsupported kernel"
    assert got[42].status_note is None and got[57].status_note is None  # nothing beyond the resolution
    assert "**Status**" not in body(kb, "0190-wrong-socket-path")


def test_every_date_line_becomes_a_field_or_stays(legacy: Path, tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    got, report = imported(legacy, kb)
    assert (got[200].reported, got[200].analyzed) == (dt.date(2025, 7, 14), dt.date(2025, 7, 21))
    assert "**Date**" not in body(kb, "0200-log-noise")
    # out of order: the analysis date would make an invalid record, so it stays in the body
    assert (got[205].reported, got[205].analyzed) == (dt.date(2025, 8, 12), None)
    assert "**Date**: 2025-08-02\n" in body(kb, "0205-clock-skew")
    (line,) = [x for x in report["review"] if x["issue"] == f"{REPO}#205"]
    assert (line["field"], line["kept"]) == ("analyzed", "(left out: 2025-08-02)")
    assert line["reason"].startswith("date-order:")


def test_prefer_changes_the_status_order(legacy: Path, tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    got, _ = imported(legacy, kb, "--prefer", "tracking")
    assert (got[101].status, got[101].resolution) == (Status.RESOLVED, Resolution.FIXED)
    assert got[160].status is Status.INVESTIGATING  # the row says so, and now the row comes first
    shutil.rmtree(kb / "analyses")
    (kb / "analyses").mkdir()
    got, _ = imported(legacy, kb, "--prefer", "header")
    assert got[160].status is Status.IN_PROGRESS
    assert got[140].status is Status.RESOLVED  # upstream words are never a status, whatever the order
    bad = run(str(legacy), "--root", str(kb), "--prefer", "prose")
    assert bad.exit_code == 2 and "prose" in bad.output


def test_report_opens_with_the_review_list(legacy: Path, tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    text = run(str(legacy), "--root", str(kb), "--dry-run").output
    head, rest = text.split("## Review these\n\n", 1)
    assert head.count("\n## ") == 0
    shortlist = rest.split("\n\n## Details", 1)[0].splitlines()
    assert shortlist[1] == (
        "- #101 (`open/0101-arm64-build/`) **status**: kept `investigating` (folder open/) over "
        "`resolved` (TRACKING.md:10), `resolved` (body analysis.md:17)"
    )
    report = json.loads(run(str(legacy), "--root", str(kb), "--dry-run", "--format", "json").output)
    assert len(report["review"]) == len(shortlist)
    assert list(report)[:4] == ["source", "analyses_dir", "dry_run", "review"]


def _commit(clone: Path, message: str) -> str:
    git(clone, "commit", "-q", "--allow-empty", "--no-gpg-sign", "-m", message)
    return git(clone, "rev-parse", "--short=7", "HEAD")


def test_git_clone_weighs_commit_messages(tmp_path: Path, kb_root: Path) -> None:
    clone = tmp_path / "fork"
    clone.mkdir()
    git(clone, "init", "-q")
    mine = _commit(clone, "Close idle sockets before reconnecting\n\nFixes #31")
    other = _commit(clone, "Cache DNS answers per TTL (#40)")
    docs = _commit(clone, "docs: mention the reconnect setting")
    also = _commit(clone, "Reconnect backoff, part two\n\nRefs #31")
    src = tmp_path / "src"
    write_file(
        src / "resolved" / "0031-reconnect" / "analysis.md",
        f"# Issue #31: reconnect storm\n\n**Status**: Resolved\n**Fix Commits**: {mine}, {other}, {docs}, 0abcdef\n\n"
        "---\n\nText.\n",
    )
    write_file(
        src / "TRACKING.md",
        f"| Issue | Status | Commits |\n|---|---|---|\n| #31 | ✅ Resolved | {also} |\n",
    )
    result = run(str(src), "--root", str(kb_root), "--git", str(clone), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    (only,) = report["analyses"]
    assert only["front_matter"]["commits"] == [mine, docs, also]
    assert [(w["written"], w["reason"]) for w in only["warnings"]] == [
        (f"(left out: {other})", "its message names #40, not this issue"),
        ("(left out: 0abcdef)", "not a commit of the fork clone"),
        (f"(added: {also}, TRACKING.md:3)", "its message names this issue"),
    ]
    not_a_clone = run(str(src), "--root", str(kb_root), "--git", str(src), "--force")
    assert not_a_clone.exit_code == 2 and "--git" in not_a_clone.output


def test_tags_become_slugs(tmp_path: Path) -> None:
    """A hand-kept tag that is no slug is written as the slug `check` suggests, not left out."""
    legacy = tmp_path / "legacy" / "open" / "0042-crash"
    write_file(
        legacy / "analysis.md",
        "# Issue #42: Crash on reload\n\n**Reporter**: alice\n**Tags**: Python 3.12, Crash, #ssl\n\n"
        "## Summary\n\nIt crashes.\n",
    )
    kb = tmp_path / "kb"
    write_file(kb / "mkdocs.yml", "site_name: t\nplugins:\n  - issuekb:\n      upstream: acme/widgetd\n")

    result = run(str(tmp_path / "legacy"), "--root", str(kb))

    assert result.exit_code == 0, result.output
    text = (kb / "analyses" / "0042-crash" / "analysis.md").read_text(encoding="utf-8")
    assert "tags:\n  - python-3-12\n  - crash\n  - ssl\n" in text
