"""Tag pages: an index of every tag, and one page per tag listing its analyses.

A tag page lists analyses only: the table is the page. (Hand-written pages may carry tags of their own
for Material's tags plugin; they are not listed here, where a second listing with its own chip row would
repeat the tag under the table.)
"""

from __future__ import annotations

from collections import defaultdict

from issuekb.core.kb import KnowledgeBase
from issuekb.core.model import Analysis
from issuekb.render.escape import md_cell, md_code, md_inline
from issuekb.render.site.common import front_matter, listing_table
from issuekb.render.site.paths import TAGS_URI, md_link, tag_slug, tag_uri
from issuekb.render.words import counted
from issuekb.upstream.state import UpstreamState

__all__ = ["group_tags", "render_tag", "render_tags_index"]


def group_tags(kb: KnowledgeBase) -> dict[str, tuple[str, list[Analysis]]]:
    """slug -> (tag as written, analyses), sorted by slug; tags that share a slug share a page."""
    names: dict[str, str] = {}
    members: dict[str, dict[str, Analysis]] = defaultdict(dict)  # slug -> folder -> analysis (linear)
    for analysis in kb.analyses:
        for tag in analysis.tags:
            slug = tag_slug(tag)
            names[slug] = min(names.get(slug, tag), tag)
            members[slug].setdefault(analysis.folder, analysis)
    return {slug: (names[slug], list(members[slug].values())) for slug in sorted(names)}


def render_tag(kb: KnowledgeBase, state: UpstreamState, tag: str, analyses: list[Analysis]) -> str:
    """The page of one tag: its analyses."""
    uri = tag_uri(tag)
    count = counted(len(analyses), "analysis")
    return (
        front_matter(f"Tag: {tag}", listing=True)
        + f"# Tag: {md_inline(tag)}\n\n"
        + f"{count} tagged {md_code(tag)}. [All tags]({md_link(uri, TAGS_URI)}).\n\n"
        + listing_table(uri, analyses, state, kb.config.upstream)
    )


def render_tags_index(kb: KnowledgeBase, groups: dict[str, tuple[str, list[Analysis]]]) -> str:
    """Every tag with the number of analyses that carry it."""
    lines = [front_matter("Tags", listing=True), "# Tags\n"]
    if not groups:
        lines.append("No analysis has tags yet.\n")
        return "\n".join(lines)
    lines += ['<div class="issuekb-listing" markdown>', "", "| Tag | Analyses |", "|---|---|"]
    for tag, analyses in groups.values():
        lines.append(f"| [{md_cell(tag)}]({md_link(TAGS_URI, tag_uri(tag))}) | {len(analyses)} |")
    lines += ["", "</div>", ""]
    return "\n".join(lines)
