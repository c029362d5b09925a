"""Pieces every generated page uses: page front matter, badges, and the sortable listing table.

Badges are inline HTML (a `<span>` with a class the site's CSS colours in both schemes); every text that
can come from outside (upstream titles, labels, logins) goes through `issuekb.render.escape`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from issuekb.core.model import Analysis
from issuekb.core.schema import Status
from issuekb.render.escape import html_attr, link_url, md_cell, page_title
from issuekb.render.site.paths import analysis_uri, md_link, status_uri, tag_uri
from issuekb.upstream.state import IssueState, UpstreamState

__all__ = [
    "ANALYSIS_BOOST",
    "LISTING_CLASS",
    "front_matter",
    "listing_table",
    "status_badge",
    "synced_on",
    "tag_link",
    "upstream_badge",
    "upstream_label",
]

#: Tables inside a `<div class="issuekb-listing">` become sortable and filterable (assets/issuekb.js).
LISTING_CLASS = "issuekb-listing"


#: Search ranking of an analysis page against hand-written pages (Material's `search.boost`): a reader
#: who types an issue's number, title or error message is looking for its analysis.
ANALYSIS_BOOST = 5


def front_matter(
    title: str, description: str = "", *, listing: bool = False, boost: float | None = None
) -> str:
    """YAML front matter for a generated page (JSON strings are valid YAML, so quoting is safe).

    `title` and `description` are plain text; the theme gets them as `escape.page_title` makes them.
    A `listing` (tables of analyses: status, tags, commits, the board) is kept out of the search index,
    where it would outrank the analyses it lists, and gets the table-of-contents column's width (it has
    no sections). `boost` raises the page in search results.
    """
    lines = ["---", f"title: {json.dumps(page_title(title), ensure_ascii=False)}"]
    if description:
        lines.append(f"description: {json.dumps(page_title(description), ensure_ascii=False)}")
    if listing:
        lines += ["hide: [toc]", "search: {exclude: true}"]
    elif boost is not None:
        lines.append(f"search: {{boost: {boost}}}")
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def status_badge(status: Status | None) -> str:
    if status is None:
        return '<span class="issuekb-badge issuekb-status-unknown">unknown status</span>'
    return f'<span class="issuekb-badge issuekb-status-{status.value}">{status.value}</span>'


def upstream_label(issue: IssueState | None) -> tuple[str, str]:
    """(CSS modifier, words) describing the upstream state of an issue."""
    if issue is None:
        return "unknown", "not synced"
    if issue.deleted:
        return "deleted", "deleted upstream"
    if issue.transferred_to:
        return "transferred", f"transferred to {issue.transferred_to}"
    if issue.state == "open":
        return "open", "open upstream"
    reason = {
        "completed": "closed upstream (completed)",
        "not_planned": "closed upstream (not planned)",
        "duplicate": "closed upstream (duplicate)",
    }.get(issue.state_reason or "", "closed upstream")
    return "closed", reason


def synced_on(state: UpstreamState, repo: str) -> str | None:
    """The date (YYYY-MM-DD) the repository's state last changed by a sync, if ever."""
    repo_state = state.repos.get(repo)
    if repo_state is None or not repo_state.synced_at:
        return None
    return repo_state.synced_at[:10]


def upstream_badge(analysis: Analysis, state: UpstreamState, *, link: bool = True) -> str:
    """The upstream state as a badge for a Markdown table cell, linking to the upstream issue."""
    issue = state.issue(analysis.ref)
    modifier, words = upstream_label(issue)
    badge = f'<span class="issuekb-badge issuekb-upstream-{modifier}">{md_cell(words)}</span>'
    url = link_url(analysis.ref.url()) if link else None
    if url is None:
        return badge
    return f'<a href="{html_attr(url)}" title="{html_attr(str(analysis.ref))}">{badge}</a>'


def tag_link(from_uri: str, tag: str) -> str:
    """A tag as Material's tag chip, linking to the tag's page."""
    return f"[{md_cell(tag)}]({md_link(from_uri, tag_uri(tag))}){{ .md-tag }}"


def listing_table(
    from_uri: str,
    analyses: Iterable[Analysis],
    state: UpstreamState,
    default_repo: str,
    *,
    show_status: bool = True,
) -> str:
    """A Markdown table of analyses (issue, title, status, resolution, upstream state, dates, tags).

    The columns after the title keep their order counted from the end (`issuekb.css` hides the less
    needed ones on narrow screens by `:nth-last-child`), whether or not the status column is shown.
    """
    header = ["Issue", "Title"]
    if show_status:
        header.append("Status")
    header += ["Resolution", "Upstream", "Reported", "Resolved", "Tags"]
    lines = [
        f'<div class="{LISTING_CLASS}" markdown>',
        "",
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
    ]
    count = 0
    for analysis in analyses:
        count += 1
        link = md_link(from_uri, analysis_uri(analysis))
        cells = [f"[{analysis.ref.short(default_repo)}]({link})", md_cell(analysis.title)]
        if show_status:
            status = analysis.status
            cells.append(
                f"[{status_badge(status)}]({md_link(from_uri, status_uri(status))})"
                if status
                else status_badge(None)
            )
        cells += [
            analysis.resolution.value if analysis.resolution else "",
            upstream_badge(analysis, state, link=False),
            analysis.reported.isoformat() if analysis.reported else "",
            analysis.resolved_on.isoformat() if analysis.resolved_on else "",
            " ".join(tag_link(from_uri, tag) for tag in analysis.tags),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    if count == 0:
        return "*No analyses here yet.*\n"
    lines += ["", "</div>", ""]
    return "\n".join(lines)
