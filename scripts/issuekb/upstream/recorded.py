"""Recorded API listings for `issuekb sync --from FILE`: a JSON array of issue objects as GitHub returns them.

Each item is read by the same code as a live answer (`issuekb.upstream.apirecords`), and every problem is a
diagnostic located at the line where its item starts, so one run reports every bad item of the file. An
item whose fields are all null (the recording could not find the issue) is skipped with a warning.
Several files are merged by `merge_recordings`: for one issue the item updated last wins.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from issuekb.diagnostics import Diagnostic
from issuekb.upstream.apirecords import (
    MalformedDataError,
    is_pull,
    issue_from_api,
    pull_from_listing,
    repo_of,
)
from issuekb.upstream.state import IssueState, PullState

__all__ = ["RecordedItem", "merge_recordings", "not_found", "read_recorded"]

#: the fields an item the recording could not find may still carry (where it was looked for)
_ADDRESS_KEYS = frozenset({"number", "url", "html_url", "repository_url"})


@dataclass(frozen=True, slots=True)
class RecordedItem:
    """One item of a recorded listing: its repository, its issue record and (for a pull request) its
    pull record (None when a closed one does not say whether it was merged)."""

    repo: str
    line: int
    issue: IssueState
    is_pull: bool
    pull: PullState | None


def _elements(text: str) -> list[tuple[int, object]]:
    """The top-level array's elements with the line each starts on; raises ValueError when not an array."""
    decoder = json.JSONDecoder()
    index = len(text) - len(text.lstrip())
    if not text.startswith("[", index):
        raise ValueError("must be a JSON array of issue objects")
    index += 1
    out: list[tuple[int, object]] = []
    while True:
        while index < len(text) and text[index] in " \t\r\n":
            index += 1
        if text.startswith("]", index):
            rest = text[index + 1 :]
            if rest.strip():
                raise json.JSONDecodeError("Extra data", text, index + 1 + len(rest) - len(rest.lstrip()))
            return out
        if out:
            if not text.startswith(",", index):
                raise json.JSONDecodeError("Expecting ',' delimiter", text, index)
            index += 1
            while index < len(text) and text[index] in " \t\r\n":
                index += 1
        value, end = decoder.raw_decode(text, index)
        out.append((text.count("\n", 0, index) + 1, value))
        index = end


def read_recorded(path: Path, rel: str, default_repo: str) -> tuple[list[RecordedItem], list[Diagnostic]]:
    """Read a recorded listing; items without a URL belong to `default_repo`."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [
            Diagnostic.error("sync-from-unreadable", rel, 1, f"Cannot read the recorded listing: {exc}")
        ]
    try:
        elements = _elements(text)
    except json.JSONDecodeError as exc:
        return [], [
            Diagnostic.error("sync-from-json", rel, exc.lineno, f"Not valid JSON: {exc.msg}", "", exc.colno)
        ]
    except ValueError as exc:
        hint = "Save the answer of GET /repos/{owner}/{repo}/issues (or a concatenation of its pages)."
        return [], [Diagnostic.error("sync-from-shape", rel, 1, f"The recorded listing {exc}", hint)]
    items: list[RecordedItem] = []
    diags: list[Diagnostic] = []
    for line, value in elements:
        if not_found(value):
            assert isinstance(value, dict)
            number = value.get("number")
            named = f"Issue #{number}" if isinstance(number, int) else "An item"
            diags.append(
                Diagnostic.warning(
                    "sync-from-not-found",
                    rel,
                    line,
                    f"{named} holds no data (every field is null): the recording could not find it; skipped",
                    "Its stored state, if any, is left untouched; record it again or sync it live.",
                )
            )
            continue
        try:
            issue = issue_from_api(value)
            assert isinstance(value, dict)  # issue_from_api accepts only objects
            pull = pull_from_listing(value) if is_pull(value) else None
        except MalformedDataError as exc:
            diags.append(Diagnostic.error("sync-from-item", rel, line, f"Not a GitHub issue object: {exc}"))
            continue
        items.append(RecordedItem(repo_of(value) or default_repo, line, issue, is_pull(value), pull))
    return items, diags


def not_found(value: object) -> bool:
    """True for an item the recording could not find: an object whose fields, except where it was
    looked for (number and addresses), are all null."""
    return (
        isinstance(value, dict)
        and any(key not in _ADDRESS_KEYS for key in value)
        and all(value[key] is None for key in value if key not in _ADDRESS_KEYS)
    )


def merge_recordings(recordings: list[list[RecordedItem]]) -> list[RecordedItem]:
    """The items of several recordings as one listing: for each (repository, number) the item with the
    later `updated_at` (on a tie, or when a time is missing, the one from the later recording), in the
    order the kept items were first met."""
    kept: dict[tuple[str, int], RecordedItem] = {}
    for items in recordings:
        for item in items:
            key = (item.repo.lower(), item.issue.number)
            old = kept.get(key)
            if old is None or not (
                old.issue.updated_at
                and item.issue.updated_at
                and item.issue.updated_at < old.issue.updated_at
            ):
                kept[key] = item
    return list(kept.values())
