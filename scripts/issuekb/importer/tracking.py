"""The hand-edited TRACKING.md of a legacy folder: its table rows, read as one more (weak) source.

Columns are found by their header names (Issue, Title, Status, Location, Commits, PR), in any order;
a table without an Issue column is not a tracking table. Rows keep their line numbers so that a
conflict can say which row disagreed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from issuekb.importer.status import StatusReading, read_status
from issuekb.importer.values import read_issue, read_prs, read_shas

__all__ = ["TrackingRow", "read_tracking"]

_SEPARATOR_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_COLUMNS: dict[str, tuple[str, ...]] = {
    "issue": ("issue", "#", "issue #", "number", "upstream"),
    "title": ("title", "summary", "description"),
    "status": ("status", "state"),
    "location": ("location", "folder", "path", "analysis"),
    "commits": ("commits", "commit", "fix commit", "fix commits", "fix"),
    "prs": ("pr", "prs", "pull request", "pull requests", "fork pr"),
}


@dataclass(frozen=True, slots=True)
class TrackingRow:
    """One row of a legacy tracking table."""

    file: str
    line: int
    number: int
    repo: str | None
    title: str
    status: StatusReading | None
    status_text: str
    location: str
    commits: tuple[str, ...]
    prs: tuple[int, ...]

    @property
    def label(self) -> str:
        return f"{self.file}:{self.line}"


def _cells(line: str) -> list[str]:
    text = line.strip()
    text = text.removeprefix("|").removesuffix("|")
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", text)]


def _column_map(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = re.sub(r"\(s\)", "s", name.lower().strip("*_` :"))
        for column, names in _COLUMNS.items():
            if column not in found and key in names:
                found[column] = index
    return found


def read_tracking(text: str, file: str) -> list[TrackingRow]:
    """Every row of every table in `text` that has an Issue column and a readable issue number."""
    lines = text.split("\n")
    rows: list[TrackingRow] = []
    i = 0
    while i + 1 < len(lines):
        if "|" not in lines[i] or not _SEPARATOR_RE.match(lines[i + 1]):
            i += 1
            continue
        columns = _column_map(_cells(lines[i]))
        i += 2
        while i < len(lines) and "|" in lines[i] and lines[i].strip():
            if "issue" in columns:
                row = _row(_cells(lines[i]), columns, file, i + 1)
                if row is not None:
                    rows.append(row)
            i += 1
    return rows


def _row(cells: list[str], columns: dict[str, int], file: str, line: int) -> TrackingRow | None:
    def cell(name: str) -> str:
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    ref = read_issue(cell("issue"))
    if ref is None:
        return None
    status_text = cell("status")
    return TrackingRow(
        file=file,
        line=line,
        number=ref[1],
        repo=ref[0],
        title=cell("title").strip("*_ "),
        status=read_status(status_text) if status_text else None,
        status_text=status_text,
        location=cell("location").strip("` "),
        commits=tuple(read_shas(cell("commits"))),
        prs=tuple(read_prs(cell("prs"), bare=True)),
    )
