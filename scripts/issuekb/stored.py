"""How the record cache keeps an analysis: its fields as plain values, and back (`issuekb.cache`).

A stored analysis is made of Python's own types only (str, int, tuple, dict, None): issue references as
`(repo, number)`, statuses and resolutions as their values, dates as ordinals. Unpickling a class
instance costs a lookup and a call per object, and a run after a few edits unpickles thousands of
records one by one; plain values take half the time, and are turned back into the model's types here
with a dictionary lookup or a constructor call each.

What is kept is what the knowledge-base rules and TRACKING.md read: every field, the front matter's text
(the line each field is written on is found in it when a rule needs it), the companions' names and
titles. No body and no parsed front matter (`issuekb.cache` says why).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from pathlib import Path
from typing import Any

from issuekb.childpath import child_path
from issuekb.load import Document
from issuekb.model import DATE_FIELDS, Analysis, Companion
from issuekb.refs import IssueRef
from issuekb.schema import Resolution, Status

__all__ = ["StoredAnalysis", "restore_analysis", "store_analysis"]

#: What a restored document keeps: (rel, body_line, the front matter's text), for the line of every field.
_StoredDoc = tuple[str, int, str]
#: The analysis's fields as plain values (`_FIELDS` order), its document, its companions as (name, title,
#: rel, body_line).
StoredAnalysis = tuple[tuple[Any, ...], _StoredDoc, tuple[tuple[str, str, str, int], ...]]

#: Analysis fields in the order of its constructor. The path (rebuilt), the body and the document (stored
#: as the document) and the companions (stored apart) are stored as None and set on restoring.
_FIELDS = tuple(f.name for f in fields(Analysis))
_APART = ("path", "body", "doc", "companions")
_PATH, _BODY, _DOC, _COMPANIONS = (_FIELDS.index(name) for name in _APART)
_REF, _STATUS, _RESOLUTION, _DUPLICATE_OF, _RELATED, _NOTES, _UPSTREAM_PR = (
    _FIELDS.index(name)
    for name in ("ref", "status", "resolution", "duplicate_of", "related", "related_notes", "upstream_pr")
)
_DATES = tuple(_FIELDS.index(name) for name in DATE_FIELDS)
_STATUSES = {status.value: status for status in Status}
_RESOLUTIONS = {resolution.value: resolution for resolution in Resolution}
#: (repo, number) -> IssueRef, without the named tuple's `__new__` written in Python
_ref = IssueRef._make
_day = dt.date.fromordinal


def _plain(analysis: Analysis) -> tuple[Any, ...]:
    values: list[Any] = [None if name in _APART else getattr(analysis, name) for name in _FIELDS]
    values[_REF] = tuple(analysis.ref)
    values[_STATUS] = analysis.status.value if analysis.status is not None else None
    values[_RESOLUTION] = analysis.resolution.value if analysis.resolution is not None else None
    for index in (_DUPLICATE_OF, _UPSTREAM_PR):
        if values[index] is not None:
            values[index] = tuple(values[index])
    values[_RELATED] = tuple(tuple(ref) for ref in analysis.related)
    values[_NOTES] = tuple((tuple(ref), note) for ref, note in analysis.related_notes.items())
    for index in _DATES:
        if values[index] is not None:
            values[index] = values[index].toordinal()
    return tuple(values)


def store_analysis(analysis: Analysis) -> StoredAnalysis | None:
    """The analysis as the cache keeps it; None when it is not as `build_analysis` makes it."""
    doc = analysis.doc
    if doc is None or doc.body is not analysis.body:
        return None
    companions = tuple((c.name, c.title, c.rel, c.body_line) for c in analysis.companions)
    return _plain(analysis), (doc.rel, doc.body_line, doc.source), companions


def restore_analysis(path: Path, stored: StoredAnalysis) -> Analysis:
    """The analysis `store_analysis` kept, at `path` (its analysis.md), without a body."""
    plain, (rel, body_line, source), companions = stored
    doc = Document(path, rel, None, "", body_line, source)
    args = list(plain)
    args[_PATH], args[_BODY], args[_DOC] = path, "", doc
    args[_REF] = _ref(args[_REF])
    args[_STATUS] = _STATUSES.get(args[_STATUS])  # None stays None
    args[_RESOLUTION] = _RESOLUTIONS.get(args[_RESOLUTION])
    if args[_DUPLICATE_OF] is not None:
        args[_DUPLICATE_OF] = _ref(args[_DUPLICATE_OF])
    if args[_UPSTREAM_PR] is not None:
        args[_UPSTREAM_PR] = _ref(args[_UPSTREAM_PR])
    if args[_RELATED]:
        args[_RELATED] = tuple(map(_ref, args[_RELATED]))
    args[_NOTES] = {_ref(ref): note for ref, note in args[_NOTES]} if args[_NOTES] else {}
    for index in _DATES:
        if args[index] is not None:
            args[index] = _day(args[index])
    if companions:
        folder = path.parent
        args[_COMPANIONS] = tuple(
            Companion(name, title, child_path(folder, name), rel, "", line)
            for name, title, rel, line in companions
        )
    else:
        args[_COMPANIONS] = ()
    return Analysis(*args)
