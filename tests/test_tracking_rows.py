"""TRACKING.md's kept rows (`issuekb.render.tracking_rows`, kept by `issuekb.results`).

A run after a front-matter edit renders only the rows whose inputs changed. Reuse is proved with marked
rows: every kept row gets a comment that no render writes. A row that shows it was taken from the kept
rows, a row without it was rendered again; with the marks taken out, the output is always exactly a
fresh run's.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import re
from pathlib import Path

import cachefile
from conftest import LONG_AGO, TODAY, write_file
from issuekb.config import load_config
from issuekb.render.tracking_rows import RowMemo
from issuekb.results import Results, TrackingRows, kb_results

ROW_MARK = " <!-- kept -->"


def results(root: Path, *, cache: bool = True, tracking: bool = True, **changes: object) -> Results:
    config = dataclasses.replace(load_config(root), **changes)  # type: ignore[arg-type]
    return kb_results(config, today=TODAY, cache=cache, tracking=config.tracking_file if tracking else None)


def mark_rows(root: Path) -> None:
    """Append `ROW_MARK` to every kept row (once)."""
    cache = cachefile.read(root)
    assert cache.head is not None and cache.parts is not None
    assert isinstance(pickle.loads(cache.head), TrackingRows)
    parts = pickle.loads(cache.parts)
    assert {section for rows in parts.values() for section in rows} <= {
        "issues",
        "timeline",
        "attention",
        "contribution",
    }
    mark = ROW_MARK.encode()

    def marked(section: str, inputs: object, line: bytes) -> tuple[object, bytes]:
        if section == "attention":  # an analysis's attention lines are its inputs: ((kind, line), ...)
            assert isinstance(inputs, tuple) and line == b""
            return tuple((kind, old.removesuffix(mark) + mark) for kind, old in inputs), line
        return inputs, line.removesuffix(mark) + mark

    parts = {
        folder: {section: marked(section, *row) for section, row in rows.items()}
        for folder, rows in parts.items()
    }
    cache.parts = pickle.dumps(parts)
    cachefile.write(root, cache)


def kept_rows(tracking: str | None, number: int) -> list[str]:
    """The sections ("attention", "issues", "timeline" or "contribution") whose row of issue `number` was
    taken from the kept rows."""
    assert tracking is not None
    found = []
    for line in tracking.splitlines():
        if line.startswith(f"- [#{number}](") and line.endswith(ROW_MARK):
            found.append("attention")
        # an issue row starts with the issue, a timeline row with the reported date and then the issue
        if re.match(rf"\| (?:\S+ \| )?\[#{number}\]\(", line) and line.endswith(ROW_MARK):
            cells = line.removesuffix(ROW_MARK).count(" | ") + 1
            found.append({8: "issues", 5: "timeline", 6: "contribution"}[cells])
    return found


def edit(path: Path, old: str, new: str, tick: int = 60) -> None:
    """Replace `old` by `new` with a time stamp older than the racy window but newer than before."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    write_file(path, text.replace(old, new, 1))
    os.utime(path, (LONG_AGO + tick, LONG_AGO + tick))


def same_as_fresh(root: Path, result: Results) -> None:
    assert result.tracking is not None
    assert result.tracking.replace(ROW_MARK, "") == results(root, cache=False).tracking


def test_after_a_front_matter_edit_only_the_edited_rows_are_rendered(broken: Path) -> None:
    results(broken)
    mark_rows(broken)
    edit(broken / "analyses" / "0043-valid" / "analysis.md", "title: ", "title: Renamed ")
    after = results(broken)
    assert not after.from_memo  # a field changed: the whole pipeline ran, on the cached records
    assert after.tracking is not None and "Renamed" in after.tracking
    assert kept_rows(after.tracking, 43) == []
    assert kept_rows(after.tracking, 41) == ["issues", "timeline"]
    same_as_fresh(broken, after)


def test_a_canonical_issue_s_new_fix_renders_its_duplicates_rows_again(broken: Path) -> None:
    results(broken)
    mark_rows(broken)
    edit(broken / "analyses" / "0035-duplicate-chain-canonical" / "analysis.md", "[8c0a2c6]", "[8c0a2c7]")
    after = results(broken)
    assert after.tracking is not None and "8c0a2c7" in after.tracking
    assert kept_rows(after.tracking, 35) == []
    # 33 and 34 show the fix they inherit from 35; their timeline rows show their own records alone
    assert kept_rows(after.tracking, 34) == ["timeline"]
    assert kept_rows(after.tracking, 33) == ["timeline"]
    assert kept_rows(after.tracking, 41) == ["issues", "timeline"]
    same_as_fresh(broken, after)


def test_rows_kept_for_another_state_file_or_configuration_are_not_used(broken: Path) -> None:
    edited = broken / "analyses" / "0043-valid" / "analysis.md"
    results(broken)
    mark_rows(broken)
    write_file(broken / "upstream-state.json", '{"format": 1, "repos": {}}\n')
    edit(edited, "title: ", "title: One ", tick=60)
    after = results(broken)
    assert after.tracking is not None and ROW_MARK not in after.tracking
    same_as_fresh(broken, after)
    mark_rows(broken)
    edit(edited, "title: ", "title: Two ", tick=120)
    after = results(broken, fork="someone/else")
    assert after.tracking is not None and ROW_MARK not in after.tracking
    assert after.tracking == results(broken, cache=False, fork="someone/else").tracking


def test_a_check_after_an_edit_outdates_the_edited_rows_only(broken: Path) -> None:
    """`check` renders no TRACKING.md: the rows kept before its edit would be stale after it, and the
    cache answers for that folder in the next run. Its rows are marked outdated; the others are kept."""
    results(broken)
    mark_rows(broken)
    edit(broken / "analyses" / "0043-valid" / "analysis.md", "title: ", "title: Renamed ")
    results(broken, tracking=False)
    after = results(broken)
    assert after.tracking is not None and "Renamed" in after.tracking
    assert kept_rows(after.tracking, 43) == []
    assert kept_rows(after.tracking, 41) == ["issues", "timeline"]
    same_as_fresh(broken, after)
    mark_rows(broken)  # a render clears the outdated folders: every row is kept again
    edit(broken / "analyses" / "0041-body-empty" / "analysis.md", "title: ", "title: Other ", tick=120)
    assert kept_rows(results(broken).tracking, 43) == ["issues", "timeline", "contribution"]


def test_a_text_edit_keeps_the_rows(broken: Path) -> None:
    results(broken)
    mark_rows(broken)
    edit(broken / "analyses" / "0041-body-empty" / "analysis.md", "ing\n---\n", "ing\n---\nMore words.\n")
    assert results(broken).from_memo  # the memo answered: its text, no rows rendered
    edit(broken / "analyses" / "0043-valid" / "analysis.md", "title: ", "title: Renamed ", tick=120)
    after = results(broken)
    assert kept_rows(after.tracking, 41) == ["issues", "timeline"]
    assert kept_rows(after.tracking, 43) == []
    same_as_fresh(broken, after)


def test_a_row_is_reused_only_for_equal_inputs() -> None:
    made: list[str] = []

    def make(text: str) -> str:
        made.append(text)
        return text

    memo = RowMemo({"0001-a": {"issues": ((("abc",), (), None), b"old line")}})
    assert memo.row("issues", "0001-a", (("abc",), (), None), make, "new line") == b"old line"
    assert memo.row("issues", "0001-a", (("abd",), (), None), make, "new line") == b"new line"
    assert (
        memo.row("timeline", "0001-a", None, make, "timeline line \U0001f6a7")
        == "timeline line \U0001f6a7".encode()
    )
    assert made == ["new line", "timeline line \U0001f6a7"]
    assert memo.new == {
        "0001-a": {
            "issues": ((("abd",), (), None), b"new line"),
            "timeline": (None, "timeline line \U0001f6a7".encode()),
        }
    }


def synced_state(root: Path) -> None:
    """An upstream state that puts 43 (resolved here, open and updated upstream), 41 (investigating here,
    closed upstream) and 33 (closed upstream as a duplicate of 35) in "Needs attention"."""
    later = "2026-01-01T00:00:00Z"
    issues = {
        "43": {"title": "Case 43", "state": "open", "updated_at": later},
        "41": {"title": "Case 41", "state": "closed", "state_reason": "completed", "closed_at": later},
        "33": {"title": "Case 33", "state": "closed", "state_reason": "duplicate", "duplicate_of": "35"},
    }
    repo = {"synced_at": "2026-11-01T00:00:00Z", "issues": issues}
    write_file(root / "upstream-state.json", json.dumps({"format": 1, "repos": {"acme/widget": repo}}))


def attention(tracking: str | None) -> list[str]:
    """The lines of the "Needs attention" section that name an issue."""
    assert tracking is not None
    section = tracking.split("## Needs attention", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("- [#")]


def test_attention_lines_are_kept_but_for_the_edited_analyses_and_the_duplicates(broken: Path) -> None:
    synced_state(broken)
    first = results(broken)
    # 33 names 34, whose canonical issue is 35: what upstream says, so no duplicate line yet
    assert [line[:7] for line in attention(first.tracking)] == ["- [#43]", "- [#41]", "- [#43]"]
    mark_rows(broken)
    # 34 now leads to 43: 33 (unchanged) names another canonical issue than upstream's
    edit(
        broken / "analyses" / "0034-duplicate-chain-middle" / "analysis.md",
        "duplicate_of: 35",
        "duplicate_of: 43",
    )
    after = results(broken)
    lines = attention(after.tracking)
    assert [line[:7] for line in lines] == ["- [#43]", "- [#41]", "- [#33]", "- [#43]"]
    assert kept_rows(after.tracking, 43) == ["attention", "attention", "issues", "timeline", "contribution"]
    assert kept_rows(after.tracking, 41) == ["attention", "issues", "timeline"]
    assert "attention" not in kept_rows(after.tracking, 33)  # a duplicate line reads the graph: rendered
    same_as_fresh(broken, after)
    mark_rows(broken)
    edit(broken / "analyses" / "0043-valid" / "analysis.md", "title: ", "title: Renamed ", tick=120)
    again = results(broken)
    assert kept_rows(again.tracking, 43) == []
    assert all("Renamed" in line for line in attention(again.tracking) if line.startswith("- [#43]"))
    assert kept_rows(again.tracking, 41) == ["attention", "issues", "timeline"]
    same_as_fresh(broken, again)


def test_rows_are_not_collected_when_nobody_keeps_them() -> None:
    memo = RowMemo({"0001-a": {"timeline": (None, b"old line")}}, keep=False)
    assert memo.row("timeline", "0001-a", None, str.upper, "new line") == b"old line"
    assert memo.row("timeline", "0002-b", None, str.upper, "new line") == b"NEW LINE"
    assert memo.new == {}


def test_the_kept_state_is_read_instead_of_the_file_while_its_bytes_are_the_same(broken: Path) -> None:
    state_file = broken / "upstream-state.json"
    issue = {"title": "Case 43", "state": "open", "labels": ["bug"], "updated_at": "2020-01-01T00:00:00Z"}
    repo = {"synced_at": "2026-11-01T00:00:00Z", "issues": {"43": issue}}
    write_file(state_file, json.dumps({"format": 1, "repos": {"acme/widget": repo}}))
    results(broken)
    cache = cachefile.read(broken)
    assert cache.head is not None
    kept = pickle.loads(cache.head)
    assert isinstance(kept, TrackingRows)
    values = [list(r) for r in pickle.loads(kept.state)]
    values[0][5] = tuple((*i[:4], ["keptlabel"], *i[5:]) for i in values[0][5])  # each issue's labels
    state = pickle.dumps(tuple(tuple(r) for r in values))
    cache.head = pickle.dumps(dataclasses.replace(kept, state=state))
    cachefile.write(broken, cache)
    edit(broken / "analyses" / "0043-valid" / "analysis.md", "title: ", "title: Renamed ")  # its row again
    after = results(broken)
    assert after.tracking is not None and "keptlabel" in after.tracking and "· bug" not in after.tracking
    state_file.write_text(state_file.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # other bytes
    again = results(broken)
    assert again.tracking is not None and "keptlabel" not in again.tracking and "· bug" in again.tracking
    same_as_fresh(broken, again)
