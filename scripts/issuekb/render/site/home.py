"""The home page's generated part: summary counts with links, and the two charts.

The hand-written `docs/index.md` holds the home text and a `<!-- issuekb:summary -->` line where this
summary goes; without a `docs/index.md` the plugin generates a home page of its own.
"""

from __future__ import annotations

from issuekb.core.graph import LinkGraph
from issuekb.core.kb import KnowledgeBase
from issuekb.core.schema import Status
from issuekb.render.charts import activity_chart, status_chart
from issuekb.render.escape import md_inline
from issuekb.render.site.common import front_matter, synced_on
from issuekb.render.site.paths import (
    ALL_URI,
    BOARD_URI,
    DUPLICATES_URI,
    HOME_URI,
    TAGS_URI,
    md_link,
    status_uri,
)
from issuekb.render.stats import Stats, compute_stats, percent
from issuekb.render.svg import fitted
from issuekb.render.words import counted, plural
from issuekb.upstream.attention import needs_attention
from issuekb.upstream.state import UpstreamState

__all__ = ["SUMMARY_MARKER", "render_home", "render_summary"]

#: The line of `docs/index.md` that the summary replaces.
SUMMARY_MARKER = "<!-- issuekb:summary -->"


def _card(count: int, label: str, target: str) -> str:
    return f'- <span class="issuekb-count">{count}</span> [{label}]({md_link(HOME_URI, target)})'


def _undrawn(stats: Stats) -> str:
    """What the activity chart leaves out for want of a date, so its totals agree with the counts."""
    resolved = stats.status(Status.RESOLVED).count
    parts = []
    if stats.resolved_undated:
        parts.append(
            f"{stats.resolved_undated} of the {counted(resolved, 'resolved analysis', 'resolved analyses')} "
            f"{plural(stats.resolved_undated, 'has', 'have')} no resolved date"
        )
    if stats.undated:
        parts.append(
            f"{counted(stats.undated, 'analysis')} {plural(stats.undated, 'has', 'have')} no reported date"
        )
    return f"Not drawn: {'; '.join(parts)}.\n" if parts else ""


def render_summary(kb: KnowledgeBase, graph: LinkGraph, state: UpstreamState) -> str:
    """Counts per status, duplicates, tags and analyses that need attention, then the charts (Markdown +
    inline SVG, each drawn twice: for a wide and for a narrow column). Every count is of analyses, each
    issue once, and the activity chart's bars add up to the status counts less the undated analyses,
    which are named below it."""
    stats = compute_stats(a for a in kb.analyses if kb.by_ref.get(a.ref) is a)
    clusters = graph.clusters
    attention = needs_attention(kb, graph, state)
    tags = {tag for a in kb.analyses for tag in a.tags}
    cards = [_card(stats.total, "analyses", ALL_URI)]
    for status in Status:
        count = stats.status(status).count
        share = percent(stats.status(status).share)
        cards.append(_card(count, f"{status.value} ({share})", status_uri(status)))
    duplicates = sum(len(c.members) for c in clusters.values())
    cards.append(_card(duplicates, plural(duplicates, "duplicate"), DUPLICATES_URI))
    cards.append(_card(len(tags), plural(len(tags), "tag"), TAGS_URI))
    flagged = len({item.ref for item in attention})  # analyses, each with one or more items on the board
    label = f"{plural(flagged, 'analysis')} {plural(flagged, 'needs', 'need')} attention"
    cards.append(_card(flagged, label, BOARD_URI + "#needs-attention"))
    synced = sorted({day for repo in kb.repos if (day := synced_on(state, repo))})
    where = (
        f"Upstream state as of {', '.join(synced)} (the last sync that changed it)."
        if synced
        else "The upstream state has not been synced yet."
    )
    lines = [
        '<div class="issuekb-counts" markdown>',
        "",
        *cards,
        "",
        "</div>",
        "",
        f"{md_inline(where)} The [status board]({md_link(HOME_URI, BOARD_URI)}) lists what needs attention.",
        "",
        "## Activity",
        "",
        fitted(
            activity_chart(stats.by_month),
            activity_chart(stats.by_month, ident="issuekb-activity-n", narrow=True),
        ),
        _undrawn(stats),
        "## Status shares",
        "",
        fitted(
            status_chart(stats.by_status),
            status_chart(stats.by_status, ident="issuekb-status-n", narrow=True),
        ),
        "",
    ]
    return "\n".join(lines)


def render_home(site_name: str, summary: str) -> str:
    """A home page for a site without a hand-written `docs/index.md`."""
    return front_matter(site_name) + f"# {md_inline(site_name)}\n\n{summary}"
