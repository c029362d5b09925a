"""`issuekb status` and the front matter editor: targeted edits, every other byte preserved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml_rs
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import TODAY, write_file
from issuekb.authoring.frontmatter_edit import EditError, FrontMatterEditor, render_scalar
from issuekb.cli import cli

#: A hand-written analysis in the styles people write: comments everywhere, unusual key order,
#: single and double quotes, a block list with comments, a flow list with inner spaces.
HAND_WRITTEN = """\
---
# Analysis of the reload crash.
title: 'Crash on reload: it''s the BOM'   # upstream title, shortened
issue: 1234
status: "in-progress"  # since the bisect

reporter: lenaviolet
reported: 2026-05-14
analyzed: 2026-05-20 # first look
commits:
  - 'aaaaaaa'   # first attempt
  # - bbbbbbb (reverted)
prs: [ 3 ]
tags: [reload, bom]
---
# Body

Stays as it is: status: investigating, prs: [1].
"""

RESOLVED = """\
---
# Analysis of the reload crash.
title: 'Crash on reload: it''s the BOM'   # upstream title, shortened
issue: 1234
status: "resolved"  # since the bisect
resolution: fixed

reporter: lenaviolet
reported: 2026-05-14
analyzed: 2026-05-20 # first look
resolved_on: 2026-11-22
commits:
  - 'aaaaaaa'   # first attempt
  - 'abc1234'
  # - bbbbbbb (reverted)
prs: [ 3, 9 ]
tags: [reload, bom]
---
# Body

Stays as it is: status: investigating, prs: [1].
"""


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["status", *args, "--root", str(root), "--today", TODAY.isoformat()])


@pytest.fixture
def analysis(kb_root: Path) -> Callable[[str], Path]:
    def make(text: str, folder: str = "1234-reload-crash") -> Path:
        path = kb_root / "analyses" / folder / "analysis.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        return path

    return make


def test_resolve_edits_only_the_lines_it_must(kb_root: Path, analysis: Callable[[str], Path]) -> None:
    path = analysis(HAND_WRITTEN)
    result = run(kb_root, "1234", "resolved", "--resolution", "fixed", "--commit", "abc1234", "--pr", "9")
    assert result.exit_code == 0, result.output
    assert path.read_text() == RESOLVED
    assert (
        '-status: "in-progress"  # since the bisect\n+status: "resolved"  # since the bisect\n'
        in result.stdout
    )
    assert "+resolution: fixed\n" in result.stdout
    assert result.stdout.endswith("Updated analyses/1234-reload-crash/analysis.md.\n")
    # running it again changes nothing
    again = run(kb_root, "1234", "resolved", "--resolution", "fixed", "--commit", "abc1234", "--pr", "9")
    assert again.exit_code == 0
    assert again.stdout == "analyses/1234-reload-crash/analysis.md: nothing to change.\n"
    assert path.read_text() == RESOLVED


def test_crlf_file_keeps_crlf_everywhere(kb_root: Path, analysis: Callable[[str], Path]) -> None:
    path = analysis(HAND_WRITTEN.replace("\n", "\r\n"))
    result = run(kb_root, "1234", "resolved", "--resolution", "fixed", "--commit", "abc1234", "--pr", "9")
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == RESOLVED.replace("\n", "\r\n").encode()
    assert "\r" not in result.stdout  # the diff shows lines, not line endings


def test_bom_and_lf_without_final_newline_survive(kb_root: Path, analysis: Callable[[str], Path]) -> None:
    text = "\ufeff---\nissue: 1234\ntitle: T\nstatus: investigating\n---\nno final newline"
    path = analysis(text)
    assert run(kb_root, "1234", "in-progress").exit_code == 0
    assert path.read_bytes() == text.replace("investigating", "in-progress").encode()


def test_refuses_a_result_that_would_not_pass_check(kb_root: Path, analysis: Callable[[str], Path]) -> None:
    path = analysis(HAND_WRITTEN)
    before = path.read_bytes()
    result = run(kb_root, "1234", "resolved")
    assert result.exit_code == 1
    assert "error[resolution-required] Status 'resolved' requires a resolution" in result.stderr
    assert "Not written" in result.stderr
    assert path.read_bytes() == before
    bad_commit = run(kb_root, "1234", "--commit", "XYZ")
    assert bad_commit.exit_code == 1
    assert "Commit 'XYZ' is not a SHA" in bad_commit.stderr
    future = run(kb_root, "1234", "resolved", "--resolution", "fixed", "--resolved-on", "2030-01-01")
    assert future.exit_code == 1
    assert "resolved_on' is in the future" in future.stderr
    assert path.read_bytes() == before


def test_dry_run_shows_the_diff_and_writes_nothing(kb_root: Path, analysis: Callable[[str], Path]) -> None:
    path = analysis(HAND_WRITTEN)
    result = run(kb_root, "1234", "paused", "--dry-run")
    assert result.exit_code == 0, result.output
    assert '+status: "paused"  # since the bisect\n' in result.stdout
    assert "Dry run" in result.stdout
    assert path.read_text() == HAND_WRITTEN


def test_duplicate_of_implies_the_resolution(kb_root: Path, analysis: Callable[[str], Path]) -> None:
    path = analysis(
        "---\nissue: 1159\ntitle: Again\nstatus: investigating\nanalyzed: 2026-01-02\n---\nText.\n",
        "1159-again",
    )
    result = run(kb_root, "1159", "resolved", "--duplicate-of", "1143", "--resolved-on", "2026-02-03")
    assert result.exit_code == 0, result.output
    assert path.read_text() == (
        "---\nissue: 1159\ntitle: Again\nstatus: resolved\nresolution: duplicate\nduplicate_of: 1143\n"
        "analyzed: 2026-01-02\nresolved_on: 2026-02-03\n---\nText.\n"
    )
    assert run(kb_root, "1159", "--duplicate-of", "other/x#5").exit_code == 0
    assert "duplicate_of: other/x#5\n" in path.read_text()
    self_dup = run(kb_root, "1159", "--duplicate-of", "1159")
    assert self_dup.exit_code == 1
    assert "cannot be a duplicate of itself" in self_dup.stderr
    assert run(kb_root, "1159", "--duplicate-of", "nope").exit_code == 2


def test_block_list_style_is_kept(kb_root: Path, analysis: Callable[[str], Path]) -> None:
    path = analysis(
        "---\nissue: 1234\ntitle: T\nstatus: in-progress\nprs:\n- 3   # first\n\ncommits: # fixes\n"
        '    - "1111111"\ntags: []\n---\n'
    )
    assert run(kb_root, "1234", "--pr", "4", "--commit", "2222222", "--commit", "abcdef0").exit_code == 0
    assert path.read_text() == (
        "---\nissue: 1234\ntitle: T\nstatus: in-progress\nprs:\n- 3   # first\n- 4\n\ncommits: # fixes\n"
        '    - "1111111"\n    - "2222222"\n    - "abcdef0"\ntags: []\n---\n'
    )


def test_show_without_changes(kb_root: Path, analysis: Callable[[str], Path]) -> None:
    analysis(RESOLVED)
    result = run(kb_root, "1234")
    assert result.exit_code == 0
    assert result.stdout == (
        "analyses/1234-reload-crash/analysis.md\n  status: resolved\n  resolution: fixed\n"
        "  commits: aaaaaaa, abc1234\n  prs: 3, 9\n  analyzed: 2026-05-20\n  resolved_on: 2026-11-22\n"
    )


def test_refusals_change_nothing(kb_root: Path, analysis: Callable[[str], Path]) -> None:
    path = analysis("---\nissue: 1234\ntitle: T\nstatus: |\n  investigating\n---\n")
    before = path.read_bytes()
    block = run(kb_root, "1234", "paused")
    assert block.exit_code == 2
    assert (
        "analysis.md:4: Cannot set 'status': its value spans several lines; edit it by hand" in block.stderr
    )
    missing = run(kb_root, "999", "paused")
    assert missing.exit_code == 2
    assert (
        "acme/widget#999 has no analysis under analyses; start one with `issuekb new 999`" in missing.stderr
    )
    broken = analysis("---\nissue: [\n---\n", "0777-broken")
    assert run(kb_root, "777", "paused").exit_code == 2
    assert broken.read_text() == "---\nissue: [\n---\n"
    assert run(kb_root, "1234", "resolvd").exit_code == 2
    negative = run(kb_root, "-3", "paused")
    assert negative.exit_code == 2
    assert "ISSUE must be a positive issue number (1234) or owner/name#1234, not '-3'" in negative.stderr
    assert path.read_bytes() == before


def test_other_repository(kb_root: Path, analysis: Callable[[str], Path]) -> None:
    path = analysis("---\nissue: 1234\nrepo: other/x\ntitle: T\nstatus: investigating\n---\n", "1234-other")
    assert run(kb_root, "1234", "paused").exit_code == 2
    assert run(kb_root, "other/x#1234", "paused").exit_code == 0
    assert "status: paused\n" in path.read_text()


# -- the editor on its own ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "style", "expected"),
    [
        ("abc1234", "plain", "abc1234"),
        ("1234567", "plain", '"1234567"'),
        ("0e12345", "plain", '"0e12345"'),
        ("yes", "plain", "yes"),  # YAML 1.2: a string
        ("null", "plain", '"null"'),
        ("a: b", "plain", '"a: b"'),
        ("it's", "single", "'it''s'"),
        (7, "double", "7"),
        (dt.date(2026, 1, 2), "single", "2026-01-02"),
    ],
)
def test_render_scalar(value: str | int | dt.date, style: str, expected: str) -> None:
    assert render_scalar(value, style) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no front matter\n", "does not start with a front matter block"),
        ("---\nissue: 1\n", "never closed"),
        ("---\nstatus: &a x\n---\n", "anchor"),
        ("---\nstatus: 'open\n  more'\n---\n", "spans several lines"),
        ("---\nstatus: >-\n---\n", "block scalar"),
        ("---\nstatus: a\rb\n---\n", "line ending"),
    ],
)
def test_editor_refuses_what_it_cannot_edit_safely(text: str, message: str) -> None:
    with pytest.raises(EditError, match=message):
        FrontMatterEditor(text).set("status", "paused")


LINES = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)


@settings(max_examples=150, deadline=None)
@given(title=LINES, status_style=st.sampled_from(["plain", "'", '"']), comment=st.booleans())
def test_set_writes_a_value_that_reads_back_and_keeps_other_lines(
    title: str, status_style: str, comment: bool
) -> None:
    quote = "" if status_style == "plain" else status_style
    note = "  # note" if comment else ""
    text = f"---\n# head\ntitle: {quote}x{quote}{note}\nissue: 5\ntags: [a, 'b']\n---\nbody\n"
    editor = FrontMatterEditor(text)
    editor.set("title", title)
    editor.append("tags", [title])
    out = editor.text()
    front = out.split("---\n")[1]
    assert yaml_rs.loads(front) == {"title": title, "issue": 5, "tags": ["a", "b", title]}
    before, after = text.splitlines(), out.splitlines()
    assert len(before) == len(after)
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert set(changed) <= {2, 4}
    if comment:
        assert after[2].endswith("  # note")


def test_insert_before_the_next_key_and_its_comments() -> None:
    editor = FrontMatterEditor("---\n# the title\ntitle: T\n---\n")
    editor.set("issue", 3)
    assert editor.text() == "---\nissue: 3\n# the title\ntitle: T\n---\n"


def test_archive_inserts_the_resolution_after_the_status(kb_root: Path) -> None:
    write_file(kb_root / "analyses/0042-x/analysis.md", "---\nissue: 42\ntitle: X\nstatus: paused\n---\n")
    assert run(kb_root, "42", "archived", "--resolution", "out-of-scope").exit_code == 0
    assert (kb_root / "analyses/0042-x/analysis.md").read_text() == (
        "---\nissue: 42\ntitle: X\nstatus: archived\nresolution: out-of-scope\n---\n"
    )
