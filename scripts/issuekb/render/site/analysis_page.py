"""One analysis as site pages: the analysis page and one sub-page per companion file.

The analysis page is `# #N title`, a metadata panel (status, resolution, status note, upstream state
with its sync date, reporter, dates, fix commits (each linking to its commit page, which lists every
analysis it fixes) and PRs, tags), a duplicate notice, the body with mentions linked, and the links from
the graph: duplicate of, duplicates, related, referenced by, with a small diagram.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from issuekb.core.graph import LinkGraph, Neighbourhood
from issuekb.core.kb import KnowledgeBase
from issuekb.core.model import Analysis, Companion
from issuekb.core.refs import IssueRef
from issuekb.render.escape import link_url, md_cell, md_inline
from issuekb.render.site.body import site_body
from issuekb.render.site.common import (
    ANALYSIS_BOOST,
    front_matter,
    status_badge,
    synced_on,
    tag_link,
    upstream_badge,
)
from issuekb.render.site.links import SiteLinks
from issuekb.render.site.paths import analysis_uri, commit_uri, companion_uri, md_link, status_uri
from issuekb.upstream.state import UpstreamState

__all__ = ["render_analysis", "render_companion"]

_LOGIN_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")
_NOT_SEARCHED = "{ data-search-exclude }"  # attr_list on a heading: its section stays out of search


class _Page:
    """What the renderers of one analysis share."""

    def __init__(self, kb: KnowledgeBase, graph: LinkGraph, state: UpstreamState, analysis: Analysis) -> None:
        self.kb = kb
        self.graph = graph
        self.state = state
        self.analysis = analysis
        self.uri = analysis_uri(analysis)
        self.links = SiteLinks(kb.config.fork, self.uri)
        self.default_repo = kb.config.upstream

    def short(self, ref: IssueRef) -> str:
        return ref.short(self.default_repo)

    def ref_link(self, ref: IssueRef) -> str:
        """`[#N](page)` for an analysed issue, `[#N](upstream)` for another."""
        target = self.kb.get(ref)
        url = self.links.analysis(target) if target is not None else self.links.issue(ref)
        return f"[{self.short(ref)}]({url})"

    def ref_item(self, ref: IssueRef, note: str = "") -> str:
        """A list item describing an issue: link, title, status; upstream title when there is no analysis."""
        target = self.kb.get(ref)
        parts = [self.ref_link(ref)]
        if target is not None:
            parts.append(md_inline(target.title))
            parts.append(status_badge(target.status))
        else:
            upstream = self.state.issue(ref)
            if upstream is not None and upstream.title:
                parts.append(md_inline(upstream.title))
            parts.append("*(no analysis here)*")
        line = "- " + " ".join(parts)
        if note:
            line += f" — {md_inline(note)}"
        return line


def _title(page: _Page) -> str:
    return f"{page.short(page.analysis.ref)} {page.analysis.title}"


def _upstream_row(page: _Page) -> str:
    analysis = page.analysis
    cell = f"{upstream_badge(analysis, page.state)} [{md_cell(str(analysis.ref))}]({analysis.ref.url()})"
    synced = synced_on(page.state, analysis.repo)
    return cell + (f" · as of {synced}" if synced else "")


def _fix_rows(page: _Page) -> list[tuple[str, str]]:
    analysis = page.analysis
    fix = page.graph.fix_of(page.kb, analysis)
    inherited = f" (inherited from {page.ref_link(fix.inherited_from)})" if fix.inherited_from else ""
    rows: list[tuple[str, str]] = []
    if fix.commits:
        keys = page.graph.commit_keys
        commits = [f"[`{sha}`]({md_link(page.uri, commit_uri(keys.get(sha, sha)))})" for sha in fix.commits]
        rows.append(("Fix commits", ", ".join(commits) + inherited))
    if fix.prs:
        prs = []
        for number in fix.prs:
            url = page.links.pull(number)
            label = f"{page.kb.config.fork}#{number}" if page.kb.config.fork else f"fork PR {number}"
            prs.append(f"[{md_cell(label)}]({url})" if url else md_cell(label))
        rows.append(("Pull requests", ", ".join(prs) + inherited))
    if analysis.upstream_pr is not None:
        pull = page.state.pull(analysis.upstream_pr)
        state = f" ({md_cell(pull.state)})" if pull is not None else ""
        rows.append(
            ("Upstream PR", f"[{page.short(analysis.upstream_pr)}]({analysis.upstream_pr.url()}){state}")
        )
    return rows


def _panel(page: _Page) -> str:
    analysis = page.analysis
    status = status_badge(analysis.status)
    if analysis.status is not None:
        status = f"[{status}]({md_link(page.uri, status_uri(analysis.status))})"
    if analysis.resolution is not None:
        status += f" · {analysis.resolution.value}"
    if analysis.status_note:
        status += f" — {md_cell(analysis.status_note)}"
    rows: list[tuple[str, str]] = [("Status", status), ("Upstream", _upstream_row(page))]
    upstream = page.state.issue(analysis.ref)
    if upstream is not None and upstream.title and upstream.title.strip() != analysis.title:
        rows.append(("Upstream title", md_cell(upstream.title)))
    if upstream is not None and upstream.labels:
        labels = " ".join(f'<span class="issuekb-label">{md_cell(label)}</span>' for label in upstream.labels)
        rows.append(("Upstream labels", labels))
    if analysis.reporter:
        login = analysis.reporter
        url = link_url(f"https://github.com/{login}") if _LOGIN_RE.match(login) else None
        who = f"[@{md_cell(login)}]({url})" if url else md_cell(login)
        rows.append(("Reporter", who))
    dates = [
        f"{label} {day.isoformat()}"
        for label, day in (
            ("reported", analysis.reported),
            ("analyzed", analysis.analyzed),
            ("resolved", analysis.resolved_on),
        )
        if day is not None
    ]
    if dates:
        rows.append(("Dates", " · ".join(dates)))
    if analysis.priority:
        rows.append(("Priority", md_cell(analysis.priority)))
    rows += _fix_rows(page)
    if analysis.tags:
        rows.append(("Tags", " ".join(tag_link(page.uri, tag) for tag in analysis.tags)))
    if analysis.affected:
        rows.append(("Affected", "; ".join(md_cell(item) for item in analysis.affected)))
    if analysis.companions:
        parts = [
            f"[{md_cell(c.title)}]({md_link(page.uri, companion_uri(analysis, c))})"
            for c in analysis.companions
        ]
        rows.append(("More pages", " · ".join(parts)))
    # Kept out of the search index: a result's preview then starts with the analysis's own words.
    lines = ['<div class="issuekb-meta" markdown data-search-exclude>', "", "| Field | Value |", "|---|---|"]
    lines += [f"| {label} | {value} |" for label, value in rows]
    lines += ["", "</div>", ""]
    return "\n".join(lines)


def _duplicate_notice(page: _Page) -> str:
    target = page.analysis.duplicate_of
    if target is None:
        return ""
    canonical = page.graph.canonical.get(page.analysis.ref)
    text = f"This issue is a duplicate of {page.ref_link(target)}"
    if canonical is not None and canonical != target:
        text += f", which is itself a duplicate: the canonical issue is {page.ref_link(canonical)}"
    return f'!!! note "Duplicate"\n\n    {text}.\n\n'


def _sections(page: _Page, hood: Neighbourhood, diagram: str) -> str:
    analysis = page.analysis
    groups: list[tuple[str, list[str]]] = [
        ("Duplicate of", [page.ref_item(hood.duplicate_of)] if hood.duplicate_of else []),
        ("Duplicates", [page.ref_item(ref) for ref in hood.duplicates]),
        ("Related", [page.ref_item(ref, analysis.related_notes.get(ref, "")) for ref in hood.related]),
        ("Referenced by", [page.ref_item(ref) for ref in hood.referenced_by]),
    ]
    groups = [(title, items) for title, items in groups if items]
    if not groups:
        return ""
    # Kept out of the search index (a heading's `data-search-exclude` drops its whole section, in Material
    # and in Zensical): the lists repeat other analyses' titles, so a search for a title would list every
    # page that links to it.
    out = [f"## Links to other issues {_NOT_SEARCHED}", ""]
    if diagram:
        out += [diagram, ""]
    for title, items in groups:
        out += [f"### {title} {_NOT_SEARCHED}", "", *items, ""]
    return "\n".join(out)


def render_analysis(
    kb: KnowledgeBase,
    graph: LinkGraph,
    state: UpstreamState,
    analysis: Analysis,
    diagram: Callable[[Analysis, Neighbourhood], str] | None = None,
) -> str:
    """The Markdown of the analysis page; `diagram` draws the neighbourhood (an HTML block) when given."""
    page = _Page(kb, graph, state, analysis)
    hood = graph.neighbourhood(analysis)
    title = _title(page)
    body = site_body(analysis.body, kb, analysis.repo, page.uri, (analysis.title,)).strip("\n")
    parts = [
        front_matter(title, boost=ANALYSIS_BOOST),
        f"# {md_inline(page.short(analysis.ref))} {md_inline(analysis.title)}\n\n",
        _panel(page),
        "\n",
        _duplicate_notice(page),
        body + "\n\n" if body else "",
        _sections(page, hood, diagram(analysis, hood) if diagram else ""),
    ]
    return "".join(parts).rstrip("\n") + "\n"


def render_companion(kb: KnowledgeBase, analysis: Analysis, companion: Companion) -> str:
    """The Markdown of a companion sub-page (summary, implementation, testing)."""
    uri = companion_uri(analysis, companion)
    short = analysis.ref.short(kb.config.upstream)
    title = f"{short} {analysis.title}: {companion.title}"
    back = md_link(uri, analysis_uri(analysis))
    titles = (companion.title, analysis.title, f"{analysis.title}: {companion.title}")
    body = site_body(companion.body, kb, analysis.repo, uri, titles).strip("\n")
    return (
        front_matter(title, boost=ANALYSIS_BOOST)
        + f"# {md_inline(short)} {md_inline(analysis.title)}: {md_inline(companion.title)}\n\n"
        + f"Part of the analysis of [{md_inline(short)} {md_inline(analysis.title)}]({back}).\n\n"
        + (body + "\n" if body else "")
    )
