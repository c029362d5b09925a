"""Listing pages: one per status, and one of every analysis; each a sortable, filterable table.

The table is plain Markdown inside `<div class="issuekb-listing">`; the site's small script
(`assets/issuekb.js`) adds the filter box and sortable headers, so without JavaScript it is still a table.
"""

from __future__ import annotations

from issuekb.core.kb import KnowledgeBase
from issuekb.core.schema import Status
from issuekb.render.site.common import front_matter, listing_table
from issuekb.render.site.paths import ALL_URI, status_uri
from issuekb.upstream.state import UpstreamState

__all__ = ["STATUS_TITLES", "render_all", "render_status"]

#: Page titles of the status listings (also the names in the navigation).
STATUS_TITLES: dict[Status, str] = {
    Status.INVESTIGATING: "Investigating",
    Status.IN_PROGRESS: "In progress",
    Status.PAUSED: "Paused",
    Status.RESOLVED: "Resolved",
    Status.ARCHIVED: "Archived",
}

_STATUS_INTRO: dict[Status, str] = {
    Status.INVESTIGATING: "being looked into: the cause is not known yet",
    Status.IN_PROGRESS: "understood, with a fix being written",
    Status.PAUSED: "on hold: waiting for information, hardware or upstream",
    Status.RESOLVED: "finished here: fixed, or closed with a resolution",
    Status.ARCHIVED: "kept for reference; no further work is planned",
}


def _count(n: int) -> str:
    return "1 analysis" if n == 1 else f"{n} analyses"


def render_status(kb: KnowledgeBase, state: UpstreamState, status: Status) -> str:
    """The listing page of one status."""
    uri = status_uri(status)
    chosen = [a for a in kb.analyses if a.status is status]
    title = STATUS_TITLES[status]
    return (
        front_matter(f"{title} analyses")
        + f"# {title}\n\n"
        + f"{_count(len(chosen))} {_STATUS_INTRO[status]}.\n\n"
        + listing_table(uri, chosen, state, kb.config.upstream, show_status=False)
    )


def render_all(kb: KnowledgeBase, state: UpstreamState) -> str:
    """The listing page of every analysis."""
    return (
        front_matter("All analyses")
        + "# All analyses\n\n"
        + f"{_count(len(kb.analyses))}. Type in the box to filter; select a column header to sort.\n\n"
        + listing_table(ALL_URI, kb.analyses, state, kb.config.upstream)
    )
