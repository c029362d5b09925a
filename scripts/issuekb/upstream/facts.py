"""What sync knows about an issue against what its analysis says: `reported` and `reporter`.

The state file holds upstream's creation time and author of every synced issue. `fact_diagnostics`
warns where an analysis says otherwise; `missing_facts` gives what `issuekb status` and `issuekb new`
fill in where the analysis says nothing. Pure: the caller loads the analyses and the state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from issuekb.diagnostics import Diagnostic

if TYPE_CHECKING:
    from issuekb.core.model import Analysis
    from issuekb.upstream.state import IssueState

__all__ = ["created_on", "fact_diagnostics", "missing_facts", "same_login"]


def created_on(issue: IssueState) -> dt.date | None:
    """The day upstream's issue was opened (UTC), or None when the state file does not say."""
    try:
        return dt.date.fromisoformat(issue.created_at[:10]) if issue.created_at else None
    except ValueError:
        return None


def same_login(written: str, author: str) -> bool:
    """Whether `written` (as an analysis gives it, perhaps `@login`) names the GitHub login `author`."""
    return written.strip().removeprefix("@").casefold() == author.strip().casefold()


def fact_diagnostics(pairs: Iterable[tuple[Analysis, IssueState]]) -> list[Diagnostic]:
    """A warning for each analysis whose `reported` or `reporter` disagrees with upstream's record."""
    diags: list[Diagnostic] = []
    for analysis, issue in pairs:
        created = created_on(issue)
        if analysis.reported is not None and created is not None and analysis.reported != created:
            diags.append(
                Diagnostic.warning(
                    "upstream-reported",
                    analysis.rel,
                    analysis.line_of("reported"),
                    f"Field 'reported' ({analysis.reported.isoformat()}) differs from the day upstream "
                    f"{analysis.ref} was opened ({created.isoformat()})",
                    f"Write reported: {created.isoformat()}, or keep yours if upstream's record is wrong.",
                )
            )
        if analysis.reporter and issue.author and not same_login(analysis.reporter, issue.author):
            diags.append(
                Diagnostic.warning(
                    "upstream-reporter",
                    analysis.rel,
                    analysis.line_of("reporter"),
                    f"Field 'reporter' ({analysis.reporter}) differs from upstream's author of "
                    f"{analysis.ref} ({issue.author})",
                    f"Write reporter: {issue.author}, or keep yours if upstream's record is wrong.",
                )
            )
    return diags


def missing_facts(meta: dict[str, object], issue: IssueState) -> dict[str, str | dt.date]:
    """`reporter` and `reported` from upstream's record, for each the front matter `meta` leaves empty."""
    out: dict[str, str | dt.date] = {}
    if meta.get("reporter") in (None, "") and issue.author:
        out["reporter"] = issue.author
    created = created_on(issue)
    if meta.get("reported") in (None, "") and created is not None:
        out["reported"] = created
    return out
