"""The tables of TRACKING.md: issues per repository, duplicate clusters, tags, timeline, contribution.

Each function takes the render `Context` and returns the section's lines; the order of rows is fixed by
the knowledge base's order (repository, issue number) or by the section's own key, never by chance.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from issuekb.core.schema import Resolution
from issuekb.render.stats import month_of
from issuekb.render.tracking_cells import DASH, Context, head, row, table

if TYPE_CHECKING:
    from issuekb.core.graph import Fix
    from issuekb.core.model import Analysis

__all__ = ["clusters", "contribution", "issues", "shared_commits", "tags", "timeline"]


def issues(ctx: Context, repo: str) -> list[str]:
    """The main table of one upstream repository: a row per analysis of `repo`, in the knowledge base's
    order."""
    lines: list[str] = [f"## Issues of {repo}", ""]
    rows = []
    for analysis in ctx.analyses():
        if analysis.ref.repo != repo:
            continue
        rows.append(_issue_row(ctx, analysis, ctx.graph.fix_of(ctx.kb, analysis), repo))
    if not rows:
        return [*lines, "No analyses.", ""]
    header = ["Issue", "Title", "Status", "Upstream", "Resolution", "Fix commits", "Fork PRs", "Analysis"]
    return [*lines, *head(header), *rows, ""]


def _issue_row(ctx: Context, analysis: Analysis, fix: Fix, repo: str) -> str:
    return row(
        [
            ctx.issue_link(analysis.ref, repo),
            ctx.md_title(analysis),
            ctx.status(analysis.status),
            ctx.upstream_state(ctx.state.issue(analysis.ref), repo),
            ctx.resolution(analysis, repo),
            ctx.commits(fix, repo),
            ctx.pulls(fix, repo),
            ctx.folder_link(analysis),
        ]
    )


def clusters(ctx: Context) -> list[str]:
    """Duplicate clusters: each canonical issue with every duplicate (and the chain it goes through)."""
    lines = ["## Duplicate clusters", ""]
    rows = []
    for canonical, cluster in ctx.graph.clusters.items():
        node = ctx.kb.get(canonical)
        members = []
        for member in cluster.members:
            analysis = ctx.kb.get(member)
            direct = analysis.duplicate_of if analysis is not None else None
            via = f" (via {ctx.short(direct)})" if direct is not None and direct != canonical else ""
            members.append(ctx.issue_link(member) + via)
        rows.append(
            [
                ctx.issue_with_title(canonical),
                ctx.status(node.status) if node is not None else "no analysis",
                str(len(cluster.members)),
                ", ".join(members),
            ]
        )
    if rows:
        lines += [*table(["Canonical issue", "Status", "Duplicates", "Members"], rows, "llr"), ""]
    else:
        lines += ["No duplicates.", ""]
    if ctx.graph.in_cycle:
        cycle = ", ".join(ctx.issue_link(ref) for ref in sorted(ctx.graph.in_cycle))
        lines += [
            f"**duplicate_of forms a cycle** between {cycle}: no canonical issue; `issuekb check` says which.",
            "",
        ]
    return lines


def tags(ctx: Context) -> list[str]:
    """Issues grouped by tag, tags in alphabetical order; untagged analyses last."""
    by_tag: dict[str, list[str]] = defaultdict(list)
    untagged: list[str] = []
    for analysis in ctx.analyses():
        link = ctx.issue_link(analysis.ref)
        for tag in analysis.tags:
            by_tag[tag].append(link)
        if not analysis.tags:
            untagged.append(link)
    lines = ["## Issues by tag", ""]
    if not by_tag and not untagged:
        return [*lines, "No analyses.", ""]
    rows = [[ctx.tag(tag), str(len(links)), ", ".join(links)] for tag, links in sorted(by_tag.items())]
    if untagged:
        rows.append(["*untagged*", str(len(untagged)), ", ".join(untagged)])
    return [*lines, *table(["Tag", "Issues", "Which"], rows, "lr"), ""]


def timeline(ctx: Context) -> list[str]:
    """Analyses by reported date, one sub-section per month, oldest first; undated ones last."""
    lines: list[str] = ["## Timeline", ""]
    by_month: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for analysis in ctx.analyses():
        reported = analysis.reported
        day = reported.isoformat() if reported else DASH
        line = _timeline_row(ctx, analysis, day)
        by_month[month_of(reported) if reported else ""].append((day, line))
    if not by_month:
        return [*lines, "No analyses.", ""]
    header = head(["Reported", "Issue", "Title", "Status", "Resolved here"])
    for month in sorted(by_month, key=lambda m: (m == "", m)):
        entries = sorted(by_month[month], key=lambda e: e[0])  # stable: equal dates keep the KB order
        lines += [f"### {month or 'Reported date unknown'}", ""]
        lines += [*header, *(line for _, line in entries), ""]
    return lines


def _timeline_row(ctx: Context, analysis: Analysis, day: str) -> str:
    return row(
        [
            day,
            ctx.issue_link(analysis.ref),
            ctx.md_title(analysis),
            ctx.status(analysis.status),
            analysis.resolved_on.isoformat() if analysis.resolved_on else DASH,
        ]
    )


def contribution(ctx: Context) -> list[str]:
    """Fixes here and their way upstream: every analysis fixed here or with an upstream PR."""
    lines: list[str] = ["## Upstream contribution", ""]
    rows = [
        _contribution_row(ctx, analysis)
        for analysis in ctx.analyses()
        if analysis.resolution is Resolution.FIXED or analysis.upstream_pr is not None
    ]
    if not rows:
        return [*lines, "No fixes here yet.", ""]
    header = ["Issue", "Title", "Here", "Upstream PR", "PR state", "Upstream issue"]
    return [*lines, *head(header), *rows, ""]


def _contribution_row(ctx: Context, analysis: Analysis) -> str:
    pr = analysis.upstream_pr
    return row(
        [
            ctx.issue_link(analysis.ref),
            ctx.md_title(analysis),
            ctx.status(analysis.status),
            ctx.issue_link(pr, analysis.repo) if pr else "not sent",
            ctx.pull_state(ctx.state.pull(pr)) if pr else DASH,
            ctx.upstream_state(ctx.state.issue(analysis.ref), analysis.repo),
        ]
    )


def shared_commits(ctx: Context) -> list[str]:
    """Fix commits that more than one analysis records."""
    lines = ["## Shared fix commits", ""]
    if not ctx.graph.shared_commits:
        return [*lines, "No commit is recorded by more than one analysis.", ""]
    rows = [[ctx.commit(sha), ctx.refs(refs)] for sha, refs in ctx.graph.shared_commits.items()]
    return [*lines, *table(["Commit", "Recorded by"], rows), ""]
