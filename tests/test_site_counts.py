"""The counts a reader sees agree: the home page's cards, its charts, the listings and the duplicates page
count analyses (each issue once), the activity chart's resolved bars and the status shares count the same
analyses, and every number has its noun in the form that agrees with it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import TODAY
from issuekb.config import Config
from issuekb.core.graph import build_graph
from issuekb.core.kb import KnowledgeBase
from issuekb.core.schema import Status
from issuekb.pipeline import load_kb
from issuekb.render.site.analysis_page import render_analysis
from issuekb.render.site.clusters import render_duplicates
from issuekb.render.site.commits import group_commits, render_commit
from issuekb.render.site.home import render_summary
from issuekb.render.site.listings import render_all
from issuekb.render.stats import compute_stats
from issuekb.render.words import counted, plural
from issuekb.upstream.attention import needs_attention
from issuekb.upstream.state import IssueState, RepoState, UpstreamState

AddAnalysis = Callable[..., Path]


def _state(issues: list[IssueState]) -> UpstreamState:
    state = UpstreamState()
    state.repos["acme/widget"] = RepoState(
        "acme/widget", source="test", synced_at="2025-12-01T00:00:00Z", issues={i.number: i for i in issues}
    )
    return state


@pytest.fixture
def kb(add_analysis: AddAnalysis, kb_config: Config) -> KnowledgeBase:
    add_analysis(
        "0001-a",
        "issue: 1\ntitle: A\nstatus: resolved\nresolution: fixed\ncommits: [abcdef0]\n"
        "reported: 2025-01-10\nanalyzed: 2025-01-15\nresolved_on: 2025-02-01",
    )
    add_analysis(  # resolved without a resolved date
        "0002-b",
        "issue: 2\ntitle: B\nstatus: resolved\nresolution: duplicate\nduplicate_of: 1\nreported: 2025-01-12",
    )
    add_analysis(  # resolved without a resolved date, sharing the fix commit of #1
        "0003-c",
        "issue: 3\ntitle: C\nstatus: resolved\nresolution: fixed\ncommits: [abcdef0]\nreported: 2025-02-02",
    )
    add_analysis("0004-d", "issue: 4\ntitle: D\nstatus: investigating\nreported: 2025-03-01")
    add_analysis("0005-e", "issue: 5\ntitle: E\nstatus: in-progress")  # no reported date
    loaded, diags = load_kb(kb_config, today=TODAY, git=False)
    assert not [d for d in diags if d.severity == "error"]
    return loaded


#: #1: resolved here and open upstream, and updated after the analysis: two items, one analysis.
#: #4: closed upstream while investigating here: one item.
STATE = _state(
    [
        IssueState(1, "A", "open", updated_at="2025-06-01T00:00:00Z"),
        IssueState(4, "D", "closed", "completed", closed_at="2025-04-01T00:00:00Z"),
    ]
)


def _cards(summary: str) -> dict[str, int]:
    return {
        label: int(count)
        for count, label in re.findall(r'<span class="issuekb-count">(\d+)</span> \[([^\]]+)\]', summary)
    }


def test_home_cards_count_analyses_with_plural_forms(kb: KnowledgeBase) -> None:
    summary = render_summary(kb, build_graph(kb), STATE)
    cards = _cards(summary)
    assert len(needs_attention(kb, build_graph(kb), STATE)) == 3  # items ...
    assert cards["analyses need attention"] == 2  # ... of two analyses
    assert cards["analyses"] == 5
    assert cards["resolved (60%)"] == 3
    assert cards["duplicate"] == 1  # not "1 duplicates"
    assert "](status/index.md#needs-attention)" in summary


def test_activity_chart_and_shares_count_resolved_alike(kb: KnowledgeBase) -> None:
    stats = compute_stats(kb.by_ref.values())
    resolved = stats.status(Status.RESOLVED).count
    drawn = sum(month.resolved for month in stats.by_month)
    assert (resolved, drawn, stats.resolved_undated) == (3, 1, 2)
    assert drawn + stats.resolved_undated == resolved
    assert sum(month.reported for month in stats.by_month) + stats.undated == stats.total
    summary = render_summary(kb, build_graph(kb), STATE)
    assert (
        "Not drawn: 2 of the 3 resolved analyses have no resolved date; 1 analysis has no reported date."
        in (summary)
    )
    bars = re.findall(r"<title>(\d{4}-\d\d): (\d+) resolved</title>", summary)
    assert sum(int(n) for _, n in bars) == 2 * drawn  # the wide and the narrow layout each draw them


def test_duplicates_listings_and_commit_pages_agree(kb: KnowledgeBase) -> None:
    assert "1 issue duplicates 1 canonical issue." in render_duplicates(kb, build_graph(kb), STATE)
    assert "5 analyses." in render_all(kb, STATE)
    ((sha, fixed),) = group_commits(kb, build_graph(kb)).values()
    assert sha == "abcdef0"
    assert [a.ref.number for a in fixed] == [1, 2, 3]  # #2 inherits the fix of #1
    page = render_commit(kb, build_graph(kb), STATE, sha, fixed)
    assert "fixes 3 analyses (1 duplicate inherits it from the issue it duplicates)." in page


@pytest.mark.parametrize(
    ("count", "noun", "expected"),
    [(0, "analysis", "0 analyses"), (1, "analysis", "1 analysis"), (2, "duplicate", "2 duplicates")],
)
def test_counted(count: int, noun: str, expected: str) -> None:
    assert counted(count, noun) == expected


def test_plural_with_a_given_form() -> None:
    assert (plural(1, "has", "have"), plural(2, "has", "have"), plural(3, "repository")) == (
        "has",
        "have",
        "repositories",
    )


def test_an_analysis_links_its_commit_page_instead_of_listing_who_shares_it(kb: KnowledgeBase) -> None:
    page = render_analysis(kb, build_graph(kb), STATE, kb.analyses[2])
    assert "[`abcdef0`](../../commits/abcdef0.md)" in page
    assert "Shares fix commits" not in page and "#1" not in page.split("## Links", 1)[-1]
