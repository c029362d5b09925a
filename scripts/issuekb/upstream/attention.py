"""The "Needs attention" items: where the analyses and the upstream state disagree. Pure, no I/O.

Computed from the knowledge base, its link graph and the upstream state file; TRACKING.md lists the items
and the site can show them too. Each item is a small frozen dataclass whose `kind` says which check found
it. Issues that sync has not seen yet give no item: "not synced" is shown where the upstream state is.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from issuekb.core.refs import IssueRef, parse_ref
from issuekb.core.schema import Resolution, Status

if TYPE_CHECKING:
    from issuekb.core.graph import LinkGraph
    from issuekb.core.kb import KnowledgeBase
    from issuekb.core.model import Analysis
    from issuekb.upstream.state import IssueState, UpstreamState

__all__ = [
    "AttentionItem",
    "ClosedUpstream",
    "Kind",
    "ReadyUpstream",
    "Stale",
    "TitleChanged",
    "UpstreamDuplicate",
    "duplicate_item",
    "needs_attention",
    "record_items",
]


class Kind(enum.StrEnum):
    """The checks, in the order TRACKING.md lists them."""

    READY_UPSTREAM = "ready-upstream"
    CLOSED_UPSTREAM = "closed-upstream"
    UPSTREAM_DUPLICATE = "upstream-duplicate"
    STALE = "stale"
    TITLE_CHANGED = "title-changed"


@dataclass(frozen=True, slots=True)
class ReadyUpstream:
    """Resolved here but still open upstream: ready to contribute (or report) upstream."""

    kind: ClassVar[Kind] = Kind.READY_UPSTREAM
    ref: IssueRef
    resolution: Resolution | None
    upstream_pr: IssueRef | None
    #: the upstream PR's state from the state file (open, merged, closed); None when unknown
    pr_state: str | None


@dataclass(frozen=True, slots=True)
class ClosedUpstream:
    """Closed upstream (or deleted, or transferred) while still investigating or in progress here."""

    kind: ClassVar[Kind] = Kind.CLOSED_UPSTREAM
    ref: IssueRef
    status: Status
    #: completed, not_planned, duplicate, deleted, transferred, or closed when GitHub gave no reason
    reason: str
    closed_at: str | None
    transferred_to: str | None


@dataclass(frozen=True, slots=True)
class UpstreamDuplicate:
    """Closed upstream as a duplicate of an issue the analysis does not name."""

    kind: ClassVar[Kind] = Kind.UPSTREAM_DUPLICATE
    ref: IssueRef
    #: what upstream names; None when GitHub did not say
    upstream_target: IssueRef | None
    #: what the analysis names in duplicate_of (None: nothing)
    ours: IssueRef | None


@dataclass(frozen=True, slots=True)
class Stale:
    """Upstream activity after the analysis's latest date (analyzed, or resolved_on when later)."""

    kind: ClassVar[Kind] = Kind.STALE
    ref: IssueRef
    analysis_date: dt.date
    updated_at: str


@dataclass(frozen=True, slots=True)
class TitleChanged:
    """Upstream renamed the issue after the analysis was written (or the analysis keeps the old title)."""

    kind: ClassVar[Kind] = Kind.TITLE_CHANGED
    ref: IssueRef
    ours: str
    upstream: str
    previous: str


AttentionItem = ReadyUpstream | ClosedUpstream | UpstreamDuplicate | Stale | TitleChanged

_SPACE_RE = re.compile(r"\s+")
_WORKING = (Status.INVESTIGATING, Status.IN_PROGRESS)


def _day(timestamp: str | None) -> dt.date | None:
    """The date part of an ISO 8601 time from the state file; None when it is missing or unreadable."""
    if not timestamp:
        return None
    try:
        return dt.date.fromisoformat(timestamp[:10])
    except ValueError:
        return None


def _closed_reason(issue: IssueState) -> str:
    if issue.deleted:
        return "deleted"
    if issue.transferred_to is not None:
        return "transferred"
    return issue.state_reason or "closed"


def _ready(analysis: Analysis, issue: IssueState, state: UpstreamState) -> ReadyUpstream | None:
    if analysis.status is not Status.RESOLVED or not issue.is_open:
        return None
    pull = state.pull(analysis.upstream_pr) if analysis.upstream_pr else None
    return ReadyUpstream(
        analysis.ref, analysis.resolution, analysis.upstream_pr, pull.state if pull else None
    )


def _closed(analysis: Analysis, issue: IssueState) -> ClosedUpstream | None:
    if analysis.status not in _WORKING or issue.is_open:
        return None
    assert analysis.status is not None
    return ClosedUpstream(
        analysis.ref, analysis.status, _closed_reason(issue), issue.closed_at, issue.transferred_to
    )


def _duplicate(analysis: Analysis, issue: IssueState, graph: LinkGraph) -> UpstreamDuplicate | None:
    if issue.state_reason != "duplicate" or issue.is_open:
        return None
    target = parse_ref(issue.duplicate_of, analysis.repo) if issue.duplicate_of else None
    ours = analysis.duplicate_of
    if target is None:
        return None if ours is not None else UpstreamDuplicate(analysis.ref, None, None)
    if target in analysis.related:
        return None
    if ours is not None and graph.canonical.get(target, target) == graph.canonical.get(ours, ours):
        return None
    return UpstreamDuplicate(analysis.ref, target, ours)


def _stale(analysis: Analysis, issue: IssueState) -> Stale | None:
    if analysis.status is Status.ARCHIVED:
        return None
    dates = [d for d in (analysis.analyzed, analysis.resolved_on) if d is not None]
    updated = _day(issue.updated_at)
    if not dates or updated is None or issue.updated_at is None or updated <= max(dates):
        return None
    return Stale(analysis.ref, max(dates), issue.updated_at)


def _title(analysis: Analysis, issue: IssueState) -> TitleChanged | None:
    """A rename sync saw upstream, unless the analysis already carries the new title.

    An analysis may have a title of its own: only a rename after the analysis date (or one that left the
    analysis with the old upstream title) needs attention.
    """
    if issue.previous_title is None:
        return None
    upstream = _SPACE_RE.sub(" ", issue.title).strip()
    ours = _SPACE_RE.sub(" ", analysis.title).strip()
    if not upstream or upstream == ours:
        return None
    previous = _SPACE_RE.sub(" ", issue.previous_title).strip()
    changed = _day(issue.title_changed_at)
    dates = [d for d in (analysis.analyzed, analysis.resolved_on) if d is not None]
    if ours != previous and changed is not None and dates and changed <= max(dates):
        return None
    return TitleChanged(analysis.ref, analysis.title, issue.title, issue.previous_title)


def record_items(analysis: Analysis, issue: IssueState, state: UpstreamState) -> list[AttentionItem]:
    """The items of one analysis that its record and the upstream state decide alone: every kind but
    `UpstreamDuplicate` (`duplicate_item`), which reads the link graph, so other analyses too."""
    found = (_ready(analysis, issue, state), _closed(analysis, issue), _stale(analysis, issue))
    items: list[AttentionItem] = [item for item in found if item is not None]
    title = _title(analysis, issue)
    if title is not None:
        items.append(title)
    return items


def duplicate_item(analysis: Analysis, issue: IssueState, graph: LinkGraph) -> UpstreamDuplicate | None:
    """The item of an analysis whose issue upstream closed as a duplicate of one it does not name."""
    return _duplicate(analysis, issue, graph)


def needs_attention(kb: KnowledgeBase, graph: LinkGraph, state: UpstreamState) -> list[AttentionItem]:
    """Every item, ordered by kind (as in `Kind`) and then as the knowledge base orders its analyses."""
    found: dict[Kind, list[AttentionItem]] = {kind: [] for kind in Kind}
    for analysis in kb.analyses:
        if kb.by_ref.get(analysis.ref) is not analysis:
            continue  # a second analysis of the same issue: the validator reports it
        issue = state.issue(analysis.ref)
        if issue is None:
            continue
        for item in record_items(analysis, issue, state):
            found[item.kind].append(item)
        duplicate = duplicate_item(analysis, issue, graph)
        if duplicate is not None:
            found[duplicate.kind].append(duplicate)
    return [item for kind in Kind for item in found[kind]]
