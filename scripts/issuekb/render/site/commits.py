"""Fix commit pages: one page per commit of the fork, listing every analysis it fixes.

An analysis links each of its fix commits to the commit's page instead of listing the other analyses
that record the same commit: a commit recorded by k analyses costs k rows on one page, not k lists of k.
A duplicate without fix commits of its own inherits its canonical issue's (`LinkGraph.fix_of`): it is
listed on the commit's page too, and counted apart in the sentence above the table.
"""

from __future__ import annotations

from collections import defaultdict

from issuekb.core.graph import LinkGraph
from issuekb.core.kb import KnowledgeBase
from issuekb.core.model import Analysis
from issuekb.render.escape import md_code, md_inline
from issuekb.render.site.common import front_matter, listing_table
from issuekb.render.site.links import SiteLinks
from issuekb.render.site.paths import commit_slug, commit_uri
from issuekb.render.words import counted, plural
from issuekb.upstream.state import UpstreamState

__all__ = ["group_commits", "render_commit"]


def group_commits(kb: KnowledgeBase, graph: LinkGraph) -> dict[str, tuple[str, list[Analysis]]]:
    """slug -> (commit as first written, analyses whose fix it is: own or inherited), sorted by slug.

    An abbreviated and a full SHA of one commit share a page (`LinkGraph.commit_keys`).
    """
    names: dict[str, str] = {}
    members: dict[str, dict[str, Analysis]] = defaultdict(dict)  # slug -> folder -> analysis
    for analysis in kb.analyses:
        for sha in graph.fix_of(kb, analysis).commits:
            key = graph.commit_keys.get(sha, sha)
            slug = commit_slug(key)
            names.setdefault(slug, key)
            members[slug].setdefault(analysis.folder, analysis)
    return {slug: (names[slug], list(members[slug].values())) for slug in sorted(names)}


def render_commit(
    kb: KnowledgeBase, graph: LinkGraph, state: UpstreamState, sha: str, analyses: list[Analysis]
) -> str:
    """The page of one fix commit: where it is on GitHub, and the table of the analyses it fixes."""
    uri = commit_uri(sha)
    url = SiteLinks(kb.config.fork, uri).commit(sha)
    shown = md_code(sha)
    where = f"[{shown} in {md_inline(kb.config.fork)}]({url})" if url else shown
    inherited = [
        a for a in analyses if (via := graph.fix_of(kb, a).inherited_from) is not None and a.ref != via
    ]
    n = len(inherited)
    note = f" ({counted(n, 'duplicate')} {plural(n, 'inherits', 'inherit')} it from the issue it duplicates)"
    return (
        front_matter(f"Fix commit {sha}", listing=True)
        + f"# Fix commit {shown}\n\n"
        + f"{where} fixes {counted(len(analyses), 'analysis')}{note if n else ''}.\n\n"
        + listing_table(uri, analyses, state, kb.config.upstream)
    )
