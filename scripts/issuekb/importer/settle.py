"""Make a decided analysis a record that `issuekb check` accepts: a value it calls an error is left out.

The front matter of a decision is checked by the model (`build_analysis`), one analysis at a time. Each
error on an optional field (dates out of order, a date in the future, a duplicate of itself, ...)
removes that field from the decision and adds a review line naming the value and the reason; the
check runs again until no optional field is in error. Required fields (issue, title, status) and
`resolution` are never removed: their errors stay for the report's check findings. A header field
line whose value is left out (or lost a date conflict) keeps the header block in the body.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from issuekb.core.document import parse_document
from issuekb.core.model import DATE_FIELDS, build_analysis
from issuekb.diagnostics import Severity
from issuekb.importer.decide import Decision, Review
from issuekb.importer.emit import emit_front_matter, front_matter_items
from issuekb.importer.fields import FieldLine
from issuekb.importer.resolve import Candidate, show

__all__ = ["settle"]

_KEPT = frozenset({"issue", "title", "status", "resolution", "repo"})


def _key_at(key_lines: dict[str, int], line: int) -> str | None:
    """The front-matter key written on `line`, or the list key whose items it continues."""
    above = [(at, key) for key, at in key_lines.items() if at <= line]
    return max(above)[1] if above else None


def settle(d: Decision, upstream: str, dest: str, *, today: dt.date | None = None) -> None:
    """Remove from `d` every optional value the model rejects, each with a review line."""
    for _ in range(len(d.values) + 1):
        text = emit_front_matter(front_matter_items(d, upstream)) + "Body.\n"
        rel = f"{dest}/analysis.md"
        doc, _ = parse_document(text, Path(rel), rel)
        _, diags = build_analysis(doc, upstream, today=today)
        errors = [
            x
            for x in diags
            if x.severity is Severity.ERROR and x.code not in ("folder-name", "folder-number")
        ]
        dropped = False
        for diag in errors:
            key = _key_at(doc.key_lines, diag.line)
            if key is None or key in _KEPT or key not in d.values:
                continue
            lost = d.values.pop(key)
            value = show(lost.value, d.repo.value)
            d.warnings.append(Review(key, f"(left out: {value})", f"{diag.code}: {diag.message}"))
            _keep_in_body(d, key, lost)
            dropped = True
        if not dropped:
            break
    for conflict in d.conflicts:
        if conflict.field in DATE_FIELDS:
            _keep_in_body(d, conflict.field, conflict.other)


def _keep_in_body(d: Decision, key: str, lost: Candidate) -> None:
    """A header field line whose value did not reach the front matter keeps the header in the body."""
    name, _, line = lost.source.where.partition(":")
    if lost.source.kind != "field" or name != "analysis.md" or not line.isdigit():
        return
    number = int(line)
    if d.header is not None and number in d.header and all(f.line != number for f in d.uncarried):
        d.uncarried.append(FieldLine(number, key, key, lost.raw))
