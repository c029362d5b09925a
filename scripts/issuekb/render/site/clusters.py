"""The duplicates page: every duplicate cluster (a canonical issue and the issues that duplicate it)."""

from __future__ import annotations

from issuekb.core.graph import LinkGraph
from issuekb.core.kb import KnowledgeBase
from issuekb.core.refs import IssueRef
from issuekb.render.escape import md_inline
from issuekb.render.site.common import front_matter, status_badge
from issuekb.render.site.paths import DUPLICATES_URI, analysis_uri, md_link
from issuekb.upstream.state import UpstreamState

__all__ = ["render_duplicates"]


def _describe(kb: KnowledgeBase, state: UpstreamState, ref: IssueRef) -> str:
    short = ref.short(kb.config.upstream)
    analysis = kb.get(ref)
    if analysis is not None:
        link = md_link(DUPLICATES_URI, analysis_uri(analysis))
        return f"[{short}]({link}) {md_inline(analysis.title)} {status_badge(analysis.status)}"
    upstream = state.issue(ref)
    title = f" {md_inline(upstream.title)}" if upstream is not None and upstream.title else ""
    return f"[{short}]({ref.url()}){title} *(no analysis here)*"


def render_duplicates(kb: KnowledgeBase, graph: LinkGraph, state: UpstreamState) -> str:
    """Clusters sorted by canonical issue; duplicate_of cycles listed apart."""
    clusters = list(graph.clusters.values())
    members = sum(len(c.members) for c in clusters)
    lines = [front_matter("Duplicates"), "# Duplicates\n"]
    if not clusters:
        lines.append("No analysis is marked as a duplicate yet.\n")
    else:
        lines.append(
            f"{members} issue(s) duplicate {len(clusters)} canonical issue(s). A duplicate inherits the fix "
            "of its canonical issue; chains of duplicates are followed to their end.\n"
        )
    for cluster in clusters:
        lines.append(f"## {cluster.canonical.short(kb.config.upstream)}\n")
        lines.append(f"Canonical: {_describe(kb, state, cluster.canonical)}\n")
        lines += [f"- {_describe(kb, state, ref)}" for ref in cluster.members]
        lines.append("")
    if graph.in_cycle:
        lines.append('!!! warning "Duplicate cycles"\n')
        lines.append(
            "    These analyses name each other as duplicates in a loop; `issuekb check` reports them.\n"
        )
        lines += [f"    - {_describe(kb, state, ref)}" for ref in sorted(graph.in_cycle)]
        lines.append("")
    return "\n".join(lines)
