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
from issuekb.render.stats import compute_stats, percent
from issuekb.upstream.attention import needs_attention
from issuekb.upstream.state import UpstreamState

__all__ = ["SUMMARY_MARKER", "render_home", "render_summary"]

#: The line of `docs/index.md` that the summary replaces.
SUMMARY_MARKER = "<!-- issuekb:summary -->"


def _card(count: int, label: str, target: str) -> str:
    return f'- <span class="issuekb-count">{count}</span> [{label}]({md_link(HOME_URI, target)})'


def render_summary(kb: KnowledgeBase, graph: LinkGraph, state: UpstreamState) -> str:
    """Counts per status, duplicates, tags and attention items, then the charts (Markdown + inline SVG)."""
    stats = compute_stats(a for a in kb.analyses if kb.by_ref.get(a.ref) is a)
    clusters = graph.clusters
    attention = needs_attention(kb, graph, state)
    tags = {tag for a in kb.analyses for tag in a.tags}
    cards = [_card(stats.total, "analyses", ALL_URI)]
    for status in Status:
        count = stats.status(status).count
        share = percent(stats.status(status).share)
        cards.append(_card(count, f"{status.value} ({share})", status_uri(status)))
    cards.append(_card(sum(len(c.members) for c in clusters.values()), "duplicates", DUPLICATES_URI))
    cards.append(_card(len(tags), "tags", TAGS_URI))
    cards.append(_card(len(attention), "need attention", BOARD_URI))
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
        activity_chart(stats.by_month),
        "",
        "## Status shares",
        "",
        status_chart(stats.by_status),
        "",
    ]
    return "\n".join(lines)


def render_home(site_name: str, summary: str) -> str:
    """A home page for a site without a hand-written `docs/index.md`."""
    return front_matter(site_name) + f"# {md_inline(site_name)}\n\n{summary}"
