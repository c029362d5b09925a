"""The site's generated pages: knowledge base + link graph + upstream state -> Markdown pages. No I/O.

`render_site` is the orchestrator the MkDocs plugin calls once per build; each kind of page has its own
module. Pages are named by `src_uri` (see `paths` for the URL layout).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from issuekb.core.graph import LinkGraph, Neighbourhood
from issuekb.core.kb import KnowledgeBase
from issuekb.core.model import Analysis
from issuekb.core.refs import IssueRef
from issuekb.core.schema import Status
from issuekb.render.neighbourhood import neighbourhood_html
from issuekb.render.site import paths
from issuekb.render.site.analysis_page import render_analysis, render_companion
from issuekb.render.site.clusters import render_duplicates
from issuekb.render.site.commits import group_commits, render_commit
from issuekb.render.site.common import front_matter
from issuekb.render.site.export import export_json
from issuekb.render.site.home import SUMMARY_MARKER, render_home, render_summary
from issuekb.render.site.links import SiteLinks
from issuekb.render.site.listings import render_all, render_status
from issuekb.render.site.tags import group_tags, render_tag, render_tags_index
from issuekb.render.tracking import render_tracking
from issuekb.upstream.state import UpstreamState

__all__ = ["SUMMARY_MARKER", "GeneratedPage", "Site", "render_home", "render_site"]


@dataclass(frozen=True, slots=True)
class GeneratedPage:
    """One generated file: where it goes, its content, and the source file its edit link opens."""

    uri: str
    content: str
    source: Path | None = None
    #: analysis pages are reached from listings, search and links, never from the navigation
    in_nav: bool = True


@dataclass(slots=True)
class Site:
    pages: list[GeneratedPage] = field(default_factory=list)
    #: the home page summary (counts and charts), for `docs/index.md` or a generated home page
    summary: str = ""


def _diagram(kb: KnowledgeBase, use_directory_urls: bool) -> Callable[[Analysis, Neighbourhood], str]:
    def draw(analysis: Analysis, hood: Neighbourhood) -> str:
        here = paths.analysis_uri(analysis)

        def url_for(ref: IssueRef) -> str | None:
            target = kb.get(ref)
            return paths.url_between(here, paths.analysis_uri(target), use_directory_urls) if target else None

        def label_for(ref: IssueRef) -> str:
            target = kb.get(ref)
            short = ref.short(kb.config.upstream)
            return f"{short} {target.title}" if target is not None else short

        # Analyses that share a fix commit meet on the commit's page, not in every one's diagram.
        hood = dataclasses.replace(hood, shares_commits_with=())
        return neighbourhood_html(analysis.ref, hood, url_for=url_for, label_for=label_for)

    return draw


def render_site(
    kb: KnowledgeBase, graph: LinkGraph, state: UpstreamState, *, use_directory_urls: bool = True
) -> Site:
    """Every generated page, in a fixed order."""
    site = Site(summary=render_summary(kb, graph, state))
    add = site.pages.append
    draw = _diagram(kb, use_directory_urls)
    for analysis in kb.analyses:
        uri = paths.analysis_uri(analysis)
        add(
            GeneratedPage(uri, render_analysis(kb, graph, state, analysis, draw), analysis.path, in_nav=False)
        )
        for companion in analysis.companions:
            content = render_companion(kb, analysis, companion)
            add(
                GeneratedPage(paths.companion_uri(analysis, companion), content, companion.path, in_nav=False)
            )
    # Statuses as words: a reader's machine may have no emoji font (empty boxes).
    tracking = render_tracking(kb, graph, state, SiteLinks(kb.config.fork, paths.BOARD_URI), emoji=False)
    add(GeneratedPage(paths.BOARD_URI, front_matter("Status board", listing=True) + tracking))
    add(GeneratedPage(paths.ALL_URI, render_all(kb, state)))
    for status in Status:
        add(GeneratedPage(paths.status_uri(status), render_status(kb, state, status)))
    groups = group_tags(kb)
    add(GeneratedPage(paths.TAGS_URI, render_tags_index(kb, groups)))
    for tag, members in groups.values():
        add(GeneratedPage(paths.tag_uri(tag), render_tag(kb, state, tag, members), in_nav=False))
    for sha, fixed in group_commits(kb, graph).values():
        add(GeneratedPage(paths.commit_uri(sha), render_commit(kb, graph, state, sha, fixed), in_nav=False))
    add(GeneratedPage(paths.DUPLICATES_URI, render_duplicates(kb, graph, state)))
    add(GeneratedPage(paths.API_URI, export_json(kb, graph, state, use_directory_urls=use_directory_urls)))
    return site
