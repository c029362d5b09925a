"""attention.py: each "Needs attention" check, where it fires and where it must not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from conftest import TODAY
from issuekb.config import Config
from issuekb.core.graph import build_graph
from issuekb.core.refs import IssueRef
from issuekb.core.schema import Resolution
from issuekb.pipeline import load_kb
from issuekb.upstream.attention import (
    AttentionItem,
    ClosedUpstream,
    Kind,
    ReadyUpstream,
    Stale,
    TitleChanged,
    UpstreamDuplicate,
    needs_attention,
)
from issuekb.upstream.state import IssueState, PullState, RepoState, UpstreamState

AddAnalysis = Callable[..., Path]
REPO = "acme/widget"


def items(config: Config, *issues: IssueState, pulls: tuple[PullState, ...] = ()) -> list[AttentionItem]:
    kb, _ = load_kb(config, today=TODAY, git=False)
    state = UpstreamState()
    state.repos[REPO] = RepoState(
        REPO,
        synced_at="2025-12-01T00:00:00Z",
        issues={i.number: i for i in issues},
        pulls={p.number: p for p in pulls},
    )
    return needs_attention(kb, build_graph(kb), state)


def fm(number: int, title: str, status: str, *extra: str) -> str:
    return "\n".join([f"issue: {number}", f"title: {title}", f"status: {status}", *extra])


def test_resolved_here_open_upstream_with_pr_state(add_analysis: AddAnalysis, kb_config: Config) -> None:
    add_analysis("0001-a", fm(1, "A", "resolved", "resolution: fixed", "upstream_pr: 20"))
    add_analysis("0002-b", fm(2, "B", "resolved", "resolution: fixed", "upstream_pr: 21"))
    add_analysis("0003-c", fm(3, "C", "resolved", "resolution: fixed"))
    add_analysis("0004-d", fm(4, "D", "archived", "resolution: wont-fix"))
    add_analysis("0005-e", fm(5, "E", "resolved", "resolution: fixed"))
    found = items(
        kb_config,
        *(IssueState(n, t) for n, t in ((1, "A"), (2, "B"), (3, "C"), (4, "D"))),
        IssueState(5, "E", "closed", "completed"),
        pulls=(PullState(20, "merged"),),
    )
    assert found == [
        ReadyUpstream(IssueRef(REPO, 1), Resolution.FIXED, IssueRef(REPO, 20), "merged"),
        ReadyUpstream(IssueRef(REPO, 2), Resolution.FIXED, IssueRef(REPO, 21), None),
        ReadyUpstream(IssueRef(REPO, 3), Resolution.FIXED, None, None),
    ]
    assert {item.kind for item in found} == {Kind.READY_UPSTREAM}


def test_closed_upstream_while_working_here(add_analysis: AddAnalysis, kb_config: Config) -> None:
    add_analysis("0001-a", fm(1, "A", "investigating"))
    add_analysis("0002-b", fm(2, "B", "in-progress"))
    add_analysis("0003-c", fm(3, "C", "in-progress"))
    add_analysis("0004-d", fm(4, "D", "paused"))  # paused: not "being worked on"
    add_analysis("0005-e", fm(5, "E", "investigating"))
    found = items(
        kb_config,
        IssueState(1, "A", "closed", "not_planned", closed_at="2025-11-02T10:00:00Z"),
        IssueState(2, "B", deleted=True),
        IssueState(3, "C", transferred_to="acme/gadget#9"),
        IssueState(4, "D", "closed", "completed"),
        IssueState(5, "E"),
    )
    assert [(i.ref.number, i.reason) for i in found if isinstance(i, ClosedUpstream)] == [
        (1, "not_planned"),
        (2, "deleted"),
        (3, "transferred"),
    ]
    assert len(found) == 3


def test_upstream_duplicate_of_something_not_named(add_analysis: AddAnalysis, kb_config: Config) -> None:
    add_analysis("0001-root", fm(1, "Root", "resolved", "resolution: fixed"))
    add_analysis("0002-dup", fm(2, "Dup", "resolved", "resolution: duplicate", "duplicate_of: 1"))
    add_analysis("0003-same-cluster", fm(3, "Three", "resolved", "resolution: duplicate", "duplicate_of: 1"))
    add_analysis("0004-related", fm(4, "Four", "investigating", "related: [9]"))
    add_analysis("0005-other", fm(5, "Five", "resolved", "resolution: duplicate", "duplicate_of: 1"))
    add_analysis("0006-unnamed", fm(6, "Six", "paused"))
    add_analysis("0007-unnamed-ours", fm(7, "Seven", "resolved", "resolution: duplicate", "duplicate_of: 1"))

    def closed(number: int, title: str, target: str | None = None) -> IssueState:
        return IssueState(number, title, "closed", "duplicate", duplicate_of=target)

    found = items(
        kb_config,
        IssueState(1, "Root", "closed", "completed"),
        closed(2, "Dup", "acme/widget#1"),
        closed(3, "Three", "acme/widget#2"),  # same cluster
        closed(4, "Four", "acme/widget#9"),  # named in related
        closed(5, "Five", "other/repo#1"),
        closed(6, "Six"),
        closed(7, "Seven"),  # target unknown, ours named
    )
    dups = [i for i in found if isinstance(i, UpstreamDuplicate)]
    assert dups == [
        UpstreamDuplicate(IssueRef(REPO, 5), IssueRef("other/repo", 1), IssueRef(REPO, 1)),
        UpstreamDuplicate(IssueRef(REPO, 6), None, None),
    ]


def test_stale_when_upstream_moved_after_the_analysis(add_analysis: AddAnalysis, kb_config: Config) -> None:
    add_analysis("0001-a", fm(1, "A", "investigating", "analyzed: 2025-10-01"))
    add_analysis("0002-b", fm(2, "B", "investigating", "analyzed: 2025-10-01"))  # same day: not stale
    add_analysis(
        "0003-c",
        fm(3, "C", "resolved", "resolution: fixed", "analyzed: 2025-10-01", "resolved_on: 2025-11-01"),
    )
    add_analysis("0004-d", fm(4, "D", "archived", "resolution: wont-fix", "analyzed: 2025-10-01"))
    add_analysis("0005-e", fm(5, "E", "investigating"))  # no date: cannot tell
    add_analysis("0006-f", fm(6, "F", "investigating", "analyzed: 2025-10-01"))
    found = items(
        kb_config,
        IssueState(1, "A", updated_at="2025-10-02T00:00:00Z"),
        IssueState(2, "B", updated_at="2025-10-01T23:59:59Z"),
        IssueState(3, "C", "closed", "completed", updated_at="2025-10-20T00:00:00Z"),
        IssueState(4, "D", "closed", "completed", updated_at="2025-12-01T00:00:00Z"),
        IssueState(5, "E", updated_at="2025-12-01T00:00:00Z"),
        IssueState(6, "F", updated_at="garbage"),
    )
    assert found == [Stale(IssueRef(REPO, 1), dt.date(2025, 10, 1), "2025-10-02T00:00:00Z")]


def test_title_changed_only_for_renames_upstream(add_analysis: AddAnalysis, kb_config: Config) -> None:
    """Our own titles are fine; a rename upstream after the analysis (or one we still lag) is flagged."""
    add_analysis("0001-a", fm(1, "Same  title", "investigating"))
    add_analysis("0002-b", fm(2, "Ours", "investigating"))
    add_analysis("0003-c", fm(3, "Ours too", "investigating", "analyzed: 2025-10-01"))
    add_analysis("0004-d", fm(4, "Old name", "investigating", "analyzed: 2025-10-01"))
    add_analysis("0005-e", fm(5, "Ours", "investigating", "analyzed: 2025-10-01"))
    found = items(
        kb_config,
        IssueState(1, "Same title\n", previous_title="Older", title_changed_at="2025-12-01T00:00:00Z"),
        IssueState(2, "Theirs"),  # differs, but was never renamed: our own title
        IssueState(3, "New", previous_title="Old", title_changed_at="2025-09-01T00:00:00Z"),  # before us
        IssueState(4, "New name", previous_title="Old name", title_changed_at="2025-09-01T00:00:00Z"),
        IssueState(5, "Renamed", previous_title="Was", title_changed_at="2025-11-01T00:00:00Z"),
    )
    assert found == [
        TitleChanged(IssueRef(REPO, 4), "Old name", "New name", "Old name"),
        TitleChanged(IssueRef(REPO, 5), "Ours", "Renamed", "Was"),
    ]


def test_unsynced_issues_give_nothing_and_order_is_by_kind(
    add_analysis: AddAnalysis, kb_config: Config
) -> None:
    add_analysis("0001-a", fm(1, "A", "investigating", "analyzed: 2025-10-01"))
    add_analysis("0002-b", fm(2, "B", "resolved", "resolution: fixed"))
    add_analysis("0003-c", fm(3, "C", "investigating"))
    found = items(
        kb_config,
        IssueState(
            1,
            "A renamed",
            "closed",
            "completed",
            updated_at="2025-11-01T00:00:00Z",
            previous_title="A",
            title_changed_at="2025-11-01T00:00:00Z",
        ),
        IssueState(2, "B"),
    )
    assert [(i.kind, i.ref.number) for i in found] == [
        (Kind.READY_UPSTREAM, 2),
        (Kind.CLOSED_UPSTREAM, 1),
        (Kind.STALE, 1),
        (Kind.TITLE_CHANGED, 1),
    ]
