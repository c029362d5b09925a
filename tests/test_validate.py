"""Knowledge-base rules beyond the golden cases: regressions and edge cases."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import TODAY
from issuekb.config import Config
from issuekb.core.refs import IssueRef
from issuekb.core.validate import canonical_of
from issuekb.pipeline import load_kb

AddAnalysis = Callable[..., Path]


def codes(config: Config) -> list[tuple[str, str, int]]:
    _, diags = load_kb(config, today=TODAY, git=False)
    return [(d.path.split("/")[1], d.code, d.line) for d in diags]


def test_two_analyses_of_one_issue_each_follow_their_own_duplicate_of(
    add_analysis: AddAnalysis, kb_config: Config
) -> None:
    """Found by test_properties: the second analysis of an issue used to follow the first one's chain."""
    add_analysis("0001-a", "issue: 1\ntitle: a\nstatus: paused")
    add_analysis(
        "0001-b", "issue: 1\ntitle: b\nstatus: resolved\nresolution: duplicate\nduplicate_of: other/repo#2"
    )
    assert codes(kb_config) == [
        ("0001-b", "kb-duplicate-issue", 2),
        ("0001-b", "duplicate-unknown", 6),
    ]


def test_canonical_of_follows_the_chain_and_stops_at_a_loop(
    add_analysis: AddAnalysis, kb_config: Config
) -> None:
    dup = "status: resolved\nresolution: duplicate\nduplicate_of"
    add_analysis("0001-a", f"issue: 1\ntitle: a\n{dup}: 2")
    add_analysis("0002-b", f"issue: 2\ntitle: b\n{dup}: 3")
    add_analysis("0003-c", f"issue: 3\ntitle: c\n{dup}: 2")
    kb, _ = load_kb(kb_config, today=TODAY, git=False)
    ref = [IssueRef("acme/widget", n) for n in range(4)]
    assert canonical_of(kb, ref[1]) == ([ref[1], ref[2], ref[3], ref[2]], True)
    assert canonical_of(kb, ref[0]) == ([ref[0]], False)
    assert canonical_of(kb, ref[1], ref[3]) == ([ref[1], ref[3], ref[2], ref[3]], True)


def test_placeholders_are_whole_tokens(add_analysis: AddAnalysis, kb_config: Config) -> None:
    body = (
        "# Log\n\n"
        "```\nlocalKey: XXXXXXXX, mac XX:XX:XX\n```\n"
        "Dated YYYY-MM-DDT10:00 and XXXX-1 and abcXXXX are not placeholders.\n"
        "But XXXX is, and (XXXX) too.\n"
    )
    add_analysis("0001-a", "issue: 1\ntitle: a\nstatus: paused", body)
    _, diags = load_kb(kb_config, today=TODAY, git=False)
    assert [(d.code, d.line, d.column) for d in diags] == [("placeholder", 12, 5), ("placeholder", 12, 19)]


def test_template_text_is_one_warning_per_section_and_companions_count(
    add_analysis: AddAnalysis, kb_config: Config, kb_root: Path
) -> None:
    marker = "<!-- template -->"
    body = f"# One\n\na {marker}\nb {marker}\n\n# Two\n\nc {marker}\n"
    add_analysis("0001-a", "issue: 1\ntitle: a\nstatus: paused", body)
    (kb_root / "analyses" / "0001-a" / "summary.md").write_text(f"Issue #XXXX.\n{marker}\n", encoding="utf-8")
    _, diags = load_kb(kb_config, today=TODAY, git=False)
    assert [(d.path.rsplit("/", 1)[1], d.code, d.line) for d in diags] == [
        ("analysis.md", "template-text", 8),
        ("analysis.md", "template-text", 13),
        ("summary.md", "placeholder", 1),
        ("summary.md", "template-text", 2),
    ]


def test_a_placeholder_value_is_reported_once_even_where_it_breaks_the_type(
    add_analysis: AddAnalysis, kb_config: Config
) -> None:
    add_analysis("0001-a", "issue: XXXX\ntitle: '[Issue Title]'\nstatus: paused\nreported: YYYY-MM-DD")
    assert codes(kb_config) == [
        ("0001-a", "placeholder", 2),
        ("0001-a", "placeholder", 3),
        ("0001-a", "placeholder", 5),
    ]
