"""Conflict resolution: many sources, one value per field, and a record of every disagreement.

Each field has an ordered list of candidates (the order is the documented precedence, built by
`gather`). The first candidate wins; every later one that disagrees with it becomes a `Conflict`.
Check-only candidates take part in the comparison but are never chosen.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from issuekb.core.schema import Resolution, Status
from issuekb.importer.status import StatusReading

__all__ = ["Candidate", "Conflict", "Ref", "Source", "agrees", "choose", "show"]

#: An upstream reference as read from legacy text: (repository or None for "this issue's repo", number).
Ref = tuple[str | None, int]


@dataclass(frozen=True, slots=True)
class Source:
    """Where a value came from. `kind` is one of: field, heading, folder, tracking, body, derived, default."""

    kind: str
    where: str

    def __str__(self) -> str:
        if self.kind == "folder":
            return f"folder {self.where}"
        if self.kind in ("heading", "body"):
            return f"{self.kind} {self.where}"
        if self.kind in ("derived", "default"):
            return f"{self.kind}: {self.where}"
        return self.where


@dataclass(frozen=True, slots=True)
class Candidate:
    """One source's value for one field, with the text it was read from."""

    value: Any
    source: Source
    raw: str = ""
    check_only: bool = False
    #: For a resolution or duplicate read from a status text: the status that text stated.
    implies: Status | None = None


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two sources disagree about a field; `chosen` won by the documented order."""

    field: str
    chosen: Candidate
    other: Candidate


def _norm_text(value: str) -> str:
    return re.sub(r"[\s\"'`*“”‘’.]+", " ", value).strip().casefold()


def _ref_key(value: Ref, repo: str | None) -> tuple[str | None, int]:
    owner = value[0] or repo
    return (owner.lower() if owner else None, value[1])


def agrees(field: str, chosen: Any, other: Any, repo: str | None = None) -> bool:
    """Whether `other` says the same as `chosen` for `field` (lists: nothing beyond what was chosen)."""
    if isinstance(chosen, StatusReading) and isinstance(other, StatusReading):
        return (chosen.status is not None and other.agrees_with(chosen.status)) or (
            other.status is not None and chosen.agrees_with(other.status)
        )
    if field in ("issue", "duplicate_of", "upstream_pr"):
        return _ref_key(chosen, repo) == _ref_key(other, repo)
    if field == "related":
        keys = {_ref_key((r, n), repo) for r, n, _ in chosen}
        return all(_ref_key((r, n), repo) in keys for r, n, _ in other)
    if field in ("commits", "prs", "tags"):
        return set(other) <= set(chosen)
    if field == "affected":
        return {_norm_text(x) for x in other} <= {_norm_text(x) for x in chosen}
    if isinstance(chosen, str) and isinstance(other, str):
        return _norm_text(chosen) == _norm_text(other)
    return bool(chosen == other)


def choose(
    field: str, candidates: Sequence[Candidate], repo: str | None = None
) -> tuple[Candidate | None, list[Conflict]]:
    """The first candidate that may be chosen, and a conflict for every candidate that disagrees with it."""
    chosen = next((c for c in candidates if not c.check_only), None)
    if chosen is None:
        return None, []
    conflicts = [
        Conflict(field, chosen, other)
        for other in candidates
        if other is not chosen and not agrees(field, chosen.value, other.value, repo)
    ]
    return chosen, conflicts


def show(value: Any, repo: str | None = None) -> str:
    """A value as the report shows it: `resolved`, `#42`, `owner/repo#42`, `4f1c2ab, 77aa1f0`."""
    if isinstance(value, StatusReading):
        text = str(value.status) if value.status else "?"
        if value.resolution:
            text += f" ({value.resolution})"
        return text
    if isinstance(value, (Status, Resolution)):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], int):
        return _show_ref(value, repo)
    if isinstance(value, list):
        return ", ".join(_show_item(item, repo) for item in value) or "(none)"
    return str(value)


def _show_ref(value: Ref, repo: str | None) -> str:
    owner = value[0]
    if owner is None or (repo is not None and owner.lower() == repo.lower()):
        return f"#{value[1]}"
    return f"{owner}#{value[1]}"


def _show_item(item: Any, repo: str | None) -> str:
    if isinstance(item, tuple) and len(item) == 3:
        return _show_ref((item[0], item[1]), repo)
    if isinstance(item, int):
        return f"#{item}"
    return str(item)
