"""Rows of TRACKING.md's per-analysis tables, kept from one render to the next. Pure, no I/O.

A render after a few edits differs from the last one in a few rows: the issue table, the timeline and
the contribution table have a row per analysis, "Needs attention" a few lines per analysis, and most of
a render's time goes into formatting them (links, escaped titles). A `RowMemo` carries the rows of a
previous render, by analysis folder and section. `row` takes one from it when the inputs it was rendered
from, beyond the analysis's own record, are equal (an issue row's fix, which a duplicate inherits from
its canonical issue); a section whose rows read the record alone uses `kept` and `put` (the attention
lines keep their kinds and lines as the inputs). The caller (`issuekb.results`) keeps each folder's rows in
the record cache beside its record, writes again only the folders in `new`, and hands back only the
rows of folders whose files did not change; whatever else a row reads
(the configuration, where TRACKING.md is, the upstream state) is part of the caller's key for all the
rows.

Rows are kept and returned as UTF-8 bytes: TRACKING.md is assembled as bytes (`Line`), and a status
cell's emoji would otherwise make every row a string of four bytes per character, in memory and when
unpickled.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Line", "RowMemo", "Rows"]

#: analysis folder -> section -> (the inputs beyond the record, the row's line in UTF-8)
Rows = dict[str, dict[str, tuple[object, bytes]]]
#: a line of TRACKING.md: text, or a row in UTF-8 (`RowMemo.row`)
Line = str | bytes


@dataclass(slots=True)
class RowMemo:
    """The rows of a previous render (`old`, each rendered from the very record it is asked for with),
    and those of this render that are not the old ones (`new`), by analysis folder and section.

    A folder in `new` has all its rows there (its old ones, all rendered from the same record, and the
    new), so that its rows can be kept again as a whole; a folder whose rows are all old ones is not in
    it (nothing of it needs keeping again). Nothing is collected when not `keep` (nobody keeps them).
    """

    old: Mapping[str, Mapping[str, tuple[object, bytes]]] = field(default_factory=dict)
    new: Rows = field(default_factory=dict)
    keep: bool = True

    def row(self, section: str, folder: str, inputs: object, make: Callable[..., str], *args: Any) -> bytes:
        """The line of `folder`'s row in `section`, in UTF-8: the old one when rendered from equal
        `inputs`, else `make(*args)`."""
        old = self.old.get(folder)  # `kept` inlined: a call per row of every table
        found = old.get(section) if old is not None else None
        if found is not None and found[0] == inputs:
            return found[1]
        line = make(*args).encode()
        if self.keep:
            self._rows(folder, old)[section] = (inputs, line)
        return line

    def kept(self, section: str, folder: str) -> tuple[object, bytes] | None:
        """What a previous render left for `folder` in `section` ((inputs, line)), whatever its inputs:
        for a caller whose row depends on the record alone."""
        old = self.old.get(folder)
        return old.get(section) if old is not None else None

    def put(self, section: str, folder: str, inputs: object, line: bytes) -> None:
        """`folder`'s row in `section` in this render: left for the next one unless it is the old one."""
        old = self.old.get(folder)
        found = old.get(section) if old is not None else None
        if self.keep and (found is None or found[0] != inputs or found[1] != line):
            self._rows(folder, old)[section] = (inputs, line)

    def _rows(
        self, folder: str, old: Mapping[str, tuple[object, bytes]] | None
    ) -> dict[str, tuple[object, bytes]]:
        new = self.new.get(folder)
        if new is None:
            new = self.new[folder] = dict(old) if old is not None else {}
        return new
