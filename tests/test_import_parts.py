"""The importer's readers, one at a time: field lines, statuses, tracking tables, prose, the emitter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from issuekb.core.document import parse_document
from issuekb.core.schema import Resolution, Status
from issuekb.importer.body import fix_mentions, heading_title, priority_section
from issuekb.importer.decide import decide
from issuekb.importer.discover import discover_tree
from issuekb.importer.emit import emit_front_matter, quote, strip_header
from issuekb.importer.fields import scan_fields
from issuekb.importer.gather import gather
from issuekb.importer.resolve import Candidate, Source
from issuekb.importer.scope import line_scopes, other_issue
from issuekb.importer.status import folder_status, read_resolution, read_status
from issuekb.importer.tracking import read_tracking
from issuekb.importer.values import (
    read_date,
    read_issue,
    read_prs,
    read_related,
    read_reporter,
    read_shas,
    split_items,
)

FALLBACK = Candidate("acme/widget", Source("derived", "the configured upstream"))

# -- field lines --------------------------------------------------------------------------------------


def test_both_bold_styles_and_list_form_are_field_lines() -> None:
    text = "# Issue #5: x\n\n**Reporter**: ann\n**Date:** March 3, 2025\n- **Status**: Open\n"
    scanned = scan_fields(text)
    assert [(f.line, f.key, f.target, f.value) for f in scanned.fields] == [
        (3, "Reporter", "reporter", "ann"),
        (4, "Date", "reported", "March 3, 2025"),
        (5, "Status", "status", "Open"),
    ]
    assert scanned.heading == (1, "Issue #5: x")
    assert scanned.header == range(3, 6)


def test_header_block_ends_at_the_first_prose_line_and_date_counts_only_there() -> None:
    text = "# T\n\n**Status**: Open\n\n---\n\n## Implementation\n\n**Fix Commit**: abc1234\n**Date**: 2024-11-06\n"
    scanned = scan_fields(text)
    by_key = {f.key: f for f in scanned.fields}
    assert scanned.header == range(3, 4)
    assert by_key["Status"].in_header
    assert not by_key["Fix Commit"].in_header
    assert by_key["Fix Commit"].target == "commits"
    assert by_key["Date"].target is None  # a date under Implementation is not the report date


def test_field_lines_in_code_fences_are_ignored() -> None:
    text = "```\n**Status**: Resolved\n```\n**Status**: Open\n"
    assert [f.line for f in scan_fields(text).fields] == [4]


def test_an_empty_list_field_takes_the_list_items_below_it() -> None:
    text = "**Affected Systems**:\n- Debian 12+\n- Arch Linux\n\nProse.\n"
    (field,) = scan_fields(text).fields
    assert field.items == ("Debian 12+", "Arch Linux")
    assert list(field.lines) == [1, 2, 3]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-04-01", dt.date(2025, 4, 1)),
        ("March 3, 2025", dt.date(2025, 3, 3)),
        ("Feb 9 2025", dt.date(2025, 2, 9)),
        ("9 February 2025", dt.date(2025, 2, 9)),
        ("2024-11-06 (approximately)", dt.date(2024, 11, 6)),
        ("2025-02-30", None),
        ("sometime in spring", None),
        ("YYYY-MM-DD", None),
    ],
)
def test_dates(value: str, expected: dt.date | None) -> None:
    assert read_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://github.com/acme-labs/widgetd/issues/42", ("acme-labs/widgetd", 42, "")),
        ("[acme-labs/widgetd#123](https://github.com/acme-labs/widgetd/issues/123)", ("acme-labs/widgetd", 123, "")),
        ("acme-labs/widgetd#7", ("acme-labs/widgetd", 7, "")),
        ('#1159 - "error: This environment is externally managed"', (None, 1159, "error: This environment is externally managed")),
        ("57", (None, 57, "")),
        ("#57 (same crash, reported again)", (None, 57, "same crash, reported again")),
        ("Build fails on arm64", None),
    ],
)  # fmt: skip
def test_issue_references(value: str, expected: tuple[str | None, int, str] | None) -> None:
    assert read_issue(value) == expected


def test_related_items_keep_their_notes_and_commas_inside_parentheses() -> None:
    items = split_items("#1143 (primary issue, same root cause), #1167 (venv PATH); #1153")
    assert read_related(items) == [
        (None, 1143, "primary issue, same root cause"),
        (None, 1167, "venv PATH"),
        (None, 1153, ""),
    ]
    assert split_items("None") == []


def test_shas_and_prs() -> None:
    assert read_shas("4f1c2ab (PR #3)") == ["4f1c2ab"]
    assert read_shas("0b7d3e9, 77aa1f0, 0b7d3e9") == ["0b7d3e9", "77aa1f0"]
    assert read_shas("https://github.com/o/r/commit/9d0e7c1ffee0 and deadbeef") == ["9d0e7c1ffee0"]
    assert read_prs("#9", bare=True) == [9]
    assert read_prs("[#13](https://github.com/o/r/pull/13)", bare=True) == [13]
    assert read_prs("#9 (merged 2024-11-06)", bare=True) == [9]
    assert read_prs("commit 4f1c2ab (PR #3), see #42", bare=False) == [3]


def test_reporter() -> None:
    assert read_reporter("@lenaviolet") == "lenaviolet"
    assert read_reporter("[okonkwo-dev](https://github.com/okonkwo-dev)") == "okonkwo-dev"
    assert read_reporter("[GitHub username]") is None


# -- statuses -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "status", "resolution", "duplicate_of"),
    [
        ("✅ Resolved (Duplicate of #1143)", Status.RESOLVED, Resolution.DUPLICATE, (None, 1143)),
        ("📦 Archived (Hardware Incompatibility)", Status.ARCHIVED, Resolution.HARDWARE, None),
        ("📦 Archived (Out of Scope - unsupported kernel)", Status.ARCHIVED, Resolution.OUT_OF_SCOPE, None),
        ("Open, Unaddressed", Status.INVESTIGATING, None, None),
        ("🔍 Investigating", Status.INVESTIGATING, None, None),
        ("✅ **FULLY RESOLVED**", Status.RESOLVED, None, None),
        ("✅ Resolved - Duplicate of #1143, fixed by the venv work", Status.RESOLVED, Resolution.DUPLICATE, (None, 1143)),
        ("🚧 In Progress", Status.IN_PROGRESS, None, None),
        ("On hold (waiting for upstream)", Status.PAUSED, None, None),
        ("Not resolved yet", Status.INVESTIGATING, None, None),
        ("Won't fix", Status.ARCHIVED, Resolution.WONT_FIX, None),
        ("✅", Status.RESOLVED, None, None),
    ],
)  # fmt: skip
def test_statuses(
    text: str, status: Status, resolution: Resolution | None, duplicate_of: tuple[str | None, int] | None
) -> None:
    reading = read_status(text)
    assert reading is not None
    assert (reading.status, reading.resolution, reading.duplicate_of) == (status, resolution, duplicate_of)


def test_unreadable_status_and_folders() -> None:
    assert read_status("see below") is None
    open_folder = folder_status("open")
    assert open_folder is not None
    assert open_folder.agrees_with(Status.PAUSED)
    assert not open_folder.agrees_with(Status.RESOLVED)
    assert folder_status("notes") is None


def test_resolution_field_reads_names_not_prose() -> None:
    assert read_resolution("Won't fix (upstream decision)") is Resolution.WONT_FIX
    assert read_resolution("Duplicate of #42") is Resolution.DUPLICATE
    assert read_resolution("Virtual environment support (commit b8a8291, PR #9)") is None


# -- tracking tables and prose ------------------------------------------------------------------------


def test_tracking_rows_by_header_names() -> None:
    text = (
        "# T\n\n| Status | Issue | Commits | PR | Location |\n|---|---|---|---|---|\n"
        "| ✅ Resolved | [#42](https://github.com/a/b/issues/42) | 4f1c2ab, 0b7d3e9 | #3 | `resolved/0042-x/` |\n"
        "| 🔍 Investigating | #88 | - | - | - |\n\n| Key | Value |\n|---|---|\n| x | y |\n"
    )
    rows = read_tracking(text, "TRACKING.md")
    assert [(r.line, r.number, r.repo, r.commits, r.prs, r.location) for r in rows] == [
        (5, 42, "a/b", ("4f1c2ab", "0b7d3e9"), (3,), "resolved/0042-x/"),
        (6, 88, None, (), (), "-"),
    ]
    assert rows[0].status is not None and rows[0].status.status is Status.RESOLVED


def test_headings() -> None:
    assert heading_title("Issue #42: widgetd crashes") == (42, "widgetd crashes")
    assert heading_title("Analysis of Issue #101: arm64 wheels fail to build") == (
        101,
        "arm64 wheels fail to build",
    )
    assert heading_title("Crash when #3 is open") == (None, "Crash when #3 is open")


def test_fix_mentions_read_fix_sections_and_fix_sentences_only() -> None:
    text = (
        "# T\n\nWe looked at commit 1111aaa first.\n\n"
        "The fix is commit 2222bbb (PR #4).\n\n"
        "## Implementation\n\n- 3333ccc: timeout\n- 4444ddd: docs\n\n"
        "## Related Commits\n\n- 5555eee fix: unrelated\n\n```\ncommit 6666fff fixed\n```\n"
    )
    mentions = fix_mentions(text, set())
    assert [(m.line, m.shas, m.prs) for m in mentions] == [
        (5, ("2222bbb",), (4,)),
        (9, ("3333ccc",), ()),
        (10, ("4444ddd",), ()),
    ]


def test_priority_section() -> None:
    assert priority_section("## Priority\n\n**HIGH** (same as #1143)\n") == (3, "high")
    assert priority_section("## Priority\n\nNot urgent.\n") is None


# -- the emitter --------------------------------------------------------------------------------------


def _read_back(items: list[tuple[str, object]]) -> dict[str, object]:
    doc, diags = parse_document(emit_front_matter(items) + "body\n", Path("analysis.md"), "analysis.md")
    assert diags == []
    assert doc.meta is not None
    return doc.meta


def test_quote_only_when_needed() -> None:
    assert quote("lenaviolet") == "lenaviolet"
    assert quote("b8a8291") == "b8a8291"
    assert quote("4f1c2ab") == '"4f1c2ab"'
    assert quote("1234567") == '"1234567"'
    assert quote("yes") == '"yes"'
    assert quote("error: externally managed") == '"error: externally managed"'
    assert quote("Wow !x") == '"Wow \\x21x"'


def test_every_kind_of_value_reads_back() -> None:
    items: list[tuple[str, object]] = [
        ("issue", 42),
        ("title", 'daemon dies after `systemctl reload` — "again" #57 !'),
        ("related", [{"issue": 57, "note": "same crash, reported again"}, 88, "other/repo#3"]),
        ("commits", ["4f1c2ab", "b8a8291", "1234567"]),
        ("reported", dt.date(2024, 5, 14)),
    ]
    meta = _read_back(items)
    assert meta["title"] == items[1][1]
    assert meta["related"] == [{"issue": 57, "note": "same crash, reported again"}, 88, "other/repo#3"]
    assert meta["commits"] == ["4f1c2ab", "b8a8291", "1234567"]
    assert meta["reported"] in (dt.date(2024, 5, 14), "2024-05-14")


_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


@settings(max_examples=300, database=None, deadline=None)
@given(title=_TEXT, note=_TEXT, tags=st.lists(_TEXT, max_size=3))
def test_any_string_round_trips_through_the_loader(title: str, note: str, tags: list[str]) -> None:
    meta = _read_back([("title", title), ("related", [{"issue": 5, "note": note}]), ("tags", tags)])
    assert meta["title"] == title
    assert meta["related"] == [{"issue": 5, "note": note}]
    assert meta.get("tags", []) == tags


def test_strip_header_removes_the_block_and_its_rule() -> None:
    text = "# Issue #1: t\n\n**Status**: Open\n**Reporter**: ann\n\n---\n\n## Problem\n\nText.\n"
    assert strip_header(text, range(3, 5)) == "# Issue #1: t\n\n## Problem\n\nText.\n"
    assert strip_header("**Status**: Open\nText.\n", range(1, 2)) == "Text.\n"


@pytest.mark.parametrize(
    ("text", "status", "note", "upstream"),
    [
        ("Open, Unaddressed", Status.INVESTIGATING, "Open, Unaddressed", True),
        (
            "🔍 Open (Documented Resolution Available)",
            Status.INVESTIGATING,
            "Open (Documented Resolution Available)",
            True,
        ),
        ("Closed upstream", Status.RESOLVED, "Closed upstream", True),
        ("awaiting response", None, "awaiting response", True),
        ("Open - Investigating", Status.INVESTIGATING, None, False),
        ("✅ Resolved (User Error - Self-Resolved)", Status.RESOLVED, "User Error - Self-Resolved", False),
        ("📦 Archived (Q&A - Unanswered)", Status.ARCHIVED, "Q&A - Unanswered", False),
        ("✅ Resolved (Duplicate of #1143)", Status.RESOLVED, None, False),
        ("📦 Archived (Hardware Incompatibility)", Status.ARCHIVED, None, False),
        ("Not yet resolved", Status.INVESTIGATING, None, False),
    ],
)
def test_status_upstream_words_and_reasons(
    text: str, status: Status | None, note: str | None, upstream: bool
) -> None:
    reading = read_status(text)
    assert reading is not None
    assert (reading.status, reading.note, reading.upstream) == (status, note, upstream)


def test_line_scopes_mark_what_is_about_other_issues() -> None:
    text = (
        "# Issue #5: t\n"  # 1
        "**Related Issues**:\n"  # 2
        "- #6 (near)\n"  # 3
        "  - **Fix Commit**: abc1234\n"  # 4
        "\n"  # 5
        "## Fix\n"  # 6
        "> quoted\n"  # 7
        "- #7 is another report\n"  # 8
        "  - nested under it\n"  # 9
        "- about #5 and #7\n"  # 10
        "  - nested, still ours\n"  # 11
        "### Notes on #8\n"  # 12
        "text\n"  # 13
        "---\n"  # 14
        "after the rule\n"  # 15
        "## See also\n"  # 16
        "text\n"  # 17
    )
    scopes = line_scopes(text, frozenset({5}))
    out = {n: scopes[n - 1] for n in range(1, 18) if scopes[n - 1] is not None}
    assert out == {
        3: "under a Related Issues line",
        4: "under a Related Issues line",
        7: "in a quoted block",
        9: "under the item about #7",
        12: "in the section 'Notes on #8' about #8",
        13: "in the section 'Notes on #8' about #8",
        16: "in the section 'See also'",
        17: "in the section 'See also'",
    }
    assert other_issue("fixed by commit 4f1c2ab (PR #3)", {5}) is None
    assert other_issue("the #42 fix (commit 4f1c2ab)", {5}) == 42
    assert other_issue("#42 and #5", {5}) is None


def test_fix_commits_in_tables_and_inline_code_and_not_of_other_issues() -> None:
    text = (
        "# Issue #5: x\n\n## Changes Made\n\n| Commit | What |\n|---|---|\n"
        "| `b8a8291` | venv support (PR #9) |\n| d071bdc | sudo screen PATH (#1167) |\n\n"
        "Resolved via `90547b0` as well.\n\n## Notes\n\n"
        "The log shows `deadbeef` and `1234567` but nothing about a fix.\n\n"
        "The #42 fix (commit 4f1c2ab) covers it.\n"
    )
    found = [(m.line, m.shas, m.prs) for m in fix_mentions(text, set(), {5})]
    assert found == [(7, ("b8a8291",), (9,)), (10, ("90547b0",), ())]


def test_an_upstream_status_line_is_a_note_not_the_status(tmp_path: Path) -> None:
    folder = tmp_path / "resolved" / "0009-x"
    folder.mkdir(parents=True)
    text = (
        "# Issue #9: x\n\n**Status**: ✅ Resolved (Q&A - Unanswered)\n**Upstream Status**: 🔓 Open\n\nBody.\n"
    )
    (folder / "analysis.md").write_text(text, encoding="utf-8")
    tree = discover_tree(tmp_path)
    d = decide(gather(tree.folders[0], {"analysis.md": text}, None), FALLBACK)
    assert (d.status, d.values["status_note"].value) == (Status.RESOLVED, "Q&A - Unanswered; upstream: Open")
    assert d.header is not None and d.uncarried == []
