"""Counts and shares of the knowledge base: per status, per resolution, per month. Pure, no I/O.

TRACKING.md's summary, the site's home page and its charts read the same `Stats`, so every number a
reader sees is computed once, the same way. Shares are exact fractions; `percent` formats them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from issuekb.core.schema import Resolution, Status

if TYPE_CHECKING:
    from issuekb.core.model import Analysis

__all__ = ["UNKNOWN", "Count", "MonthCount", "Stats", "compute_stats", "month_of", "percent"]

#: The key of analyses whose status could not be read (the validator reports them).
UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Count:
    """How many analyses have `key`, out of `total`."""

    key: str
    count: int
    total: int

    @property
    def share(self) -> Fraction:
        return Fraction(self.count, self.total) if self.total else Fraction(0)


@dataclass(frozen=True, slots=True)
class MonthCount:
    """Analyses reported and resolved in one calendar month (`YYYY-MM`)."""

    month: str
    reported: int
    resolved: int


@dataclass(frozen=True, slots=True)
class Stats:
    """Every count the summary and the charts show."""

    total: int
    #: every status in `Status` order (zeros included), then `unknown` when some status is unreadable
    by_status: tuple[Count, ...]
    #: every resolution in `Resolution` order (zeros included); shares are of the analyses that have one
    by_resolution: tuple[Count, ...]
    #: analyses with a resolution (the denominator of `by_resolution`)
    with_resolution: int
    #: every month from the earliest to the latest reported or resolved date, gaps included
    by_month: tuple[MonthCount, ...]
    #: analyses without a reported date (not in `by_month`'s reported counts)
    undated: int

    def status(self, key: Status | str) -> Count:
        """The count of one status (a zero count for a status nobody has)."""
        return next((c for c in self.by_status if c.key == key), Count(str(key), 0, self.total))


def month_of(day: dt.date) -> str:
    """`YYYY-MM` of a date."""
    return f"{day.year:04d}-{day.month:02d}"


def _months(first: dt.date, last: dt.date) -> list[str]:
    months: list[str] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def compute_stats(analyses: Iterable[Analysis], *, months: bool = True) -> Stats:
    """Count the given analyses (pass each issue once: the knowledge base's `by_ref` values).

    Without `months` (TRACKING.md's summary shows none), `by_month` is empty and `undated` 0.
    """
    items = list(analyses)
    total = len(items)
    statuses = Counter(a.status.value if a.status else UNKNOWN for a in items)
    by_status = [Count(s.value, statuses[s.value], total) for s in Status]
    if statuses[UNKNOWN]:
        by_status.append(Count(UNKNOWN, statuses[UNKNOWN], total))
    resolutions = Counter(a.resolution.value for a in items if a.resolution)
    with_resolution = sum(resolutions.values())
    by_resolution = tuple(Count(r.value, resolutions[r.value], with_resolution) for r in Resolution)

    if not months:
        return Stats(total, tuple(by_status), by_resolution, with_resolution, by_month=(), undated=0)
    reported = Counter(month_of(a.reported) for a in items if a.reported)
    resolved = Counter(month_of(a.resolved_on) for a in items if a.resolved_on)
    dates = [d for a in items for d in (a.reported, a.resolved_on) if d]
    every = _months(min(dates), max(dates)) if dates else []
    return Stats(
        total=total,
        by_status=tuple(by_status),
        by_resolution=by_resolution,
        with_resolution=with_resolution,
        by_month=tuple(MonthCount(m, reported[m], resolved[m]) for m in every),
        undated=sum(1 for a in items if a.reported is None),
    )


def percent(share: Fraction) -> str:
    """A share as a whole percentage, rounded half up (`2/3` -> `67%`); exact, so the same on every machine."""
    value = share * 100
    whole = int(value + Fraction(1, 2))
    return f"{whole}%"
