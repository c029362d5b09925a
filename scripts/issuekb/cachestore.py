"""The record cache's files: a base file written whole, and a journal of what changed since (`issuekb.cache`).

A knowledge base of thousands of analyses keeps a cache of tens of megabytes. Writing it whole after a
few edits cost more than the edits' own work (pickling, writing and replacing every byte), so a run that
changed a few folders writes a journal beside the base file instead: the entries, records and parts of
those folders (None for a folder that lost its entry, record or part), and the memo, which belongs to
the whole. A later run applies the journal to the base it was written on, and writes the journal again
with its own changes added. When the journal names more than an eighth of the folders, or the caller's
head value changes (every part then changes with it), the next write is the whole base file again, and
the journal is removed.

Files (under `.issuekb-cache/`):

- `records.pickle` holds three pickles one after the other. The index: the key, a generation token,
  each folder's entry, the caller's note and the memo's size. Then the memo, with the same token. Then
  the bulk: the same token, each folder's record (pickled on its own), the head and the parts (each
  pickled on its own, or None). Opening reads the index only; the memo is read when it is asked for
  (`load_memo`), and the bulk on the first `load_bulk` (a run that the memo answers never reads it).
- `journal.pickle` holds two pickles: the key, the generation of the base it applies to, a token of its
  own, the changes and the note; then the memo, with the journal's token. A journal written on another
  base (replaced in between) is ignored, and so is one of another key.

The memo holds TRACKING.md's text (9 MB at 10,000 analyses), and a run after a front-matter edit has no
use for it: reading it from both files on every run took 0.015 s of a 0.44 s run, in a fresh process.

Both are written atomically, without fsync: a torn or foreign file is only a missed shortcut.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from issuekb.writes import atomic_write_with

__all__ = ["JOURNAL_FILE", "Base", "Journal", "read_base", "read_journal", "write_base", "write_journal"]

JOURNAL_FILE = "journal.pickle"

#: a folder's entry in the index: its stats and the days its record holds on (`issuekb.cache`)
Entry = Any
#: a value pickled on its own (a record, the head, the parts)
Blob = bytes


@dataclass(slots=True)
class Base:
    """The base file as read: the index at once, the bulk on demand (`load_bulk`)."""

    file: Path
    generation: str
    entries: dict[str, Entry]
    #: the caller's note (a small value read with the index)
    note: object
    #: where the memo starts in the file, and where the bulk starts
    memo_offset: int
    offset: int
    records: dict[str, Blob] | None = None
    head: Blob | None = None
    parts: Blob | None = None

    def load_memo(self) -> object:
        """The memo; None when there is none, or the file no longer holds this generation's."""
        return _load_tagged(self.file, self.memo_offset, self.generation)

    def load_bulk(self) -> bool:
        """Read the records, head and parts; False when the file no longer holds this generation's."""
        if self.records is not None:
            return True
        bulk: object = None
        try:
            with self.file.open("rb") as handle:
                handle.seek(self.offset)
                bulk = pickle.load(handle)  # noqa: S301 - our own file, written by `write_base`
        except Exception:  # gone, truncated or replaced: the caller works on every folder again
            return False
        if not (isinstance(bulk, tuple) and len(bulk) == 4 and bulk[0] == self.generation):
            return False
        _, records, head, parts = bulk
        if not isinstance(records, dict):
            return False
        self.records = records
        self.head = head if isinstance(head, bytes) else None
        self.parts = parts if isinstance(parts, bytes) else None
        return True


@dataclass(slots=True)
class Journal:
    """What changed since the base file was written, by folder (None: the folder has none any more)."""

    entries: dict[str, Entry | None] = field(default_factory=dict)
    records: dict[str, Blob | None] = field(default_factory=dict)
    parts: dict[str, object] = field(default_factory=dict)
    note: object = None
    #: the token of the journal as read, and where its memo starts ("" and -1: not read from a file)
    token: str = ""
    memo_offset: int = -1

    def folders(self) -> int:
        """How many folders the journal names."""
        return len(self.records.keys() | self.parts.keys())

    def load_memo(self, file: Path) -> object:
        """The memo of the journal beside the base file `file`; None when there is none, or the journal
        was replaced since it was read."""
        if self.memo_offset < 0:
            return None
        return _load_tagged(file.with_name(JOURNAL_FILE), self.memo_offset, self.token)


def _load_tagged(file: Path, offset: int, token: str) -> object:
    """The value pickled with `token` at `offset` in `file` (None when another token is found there)."""
    try:
        with file.open("rb") as handle:
            handle.seek(offset)
            found = pickle.load(handle)  # noqa: S301 - our own file
    except Exception:  # gone, truncated or replaced
        return None
    if isinstance(found, tuple) and len(found) == 2 and found[0] == token:
        return found[1]
    return None


def read_base(file: Path, key: tuple[str, ...]) -> Base | None:
    """The base file's index, when the file is there and was written for `key`; else None (missing,
    corrupt or foreign: `FileNotFoundError` is raised for a missing file, for the caller to tell)."""
    try:
        with file.open("rb") as handle:
            index = pickle.load(handle)  # noqa: S301 - our own file, written by `write_base`
            memo_offset = handle.tell()
    except FileNotFoundError:
        raise
    except Exception:  # a corrupt or foreign cache is only a missed shortcut
        return None
    if not (
        isinstance(index, dict)
        and index.get("key") == key
        and isinstance(index.get("entries"), dict)
        and isinstance(index.get("generation"), str)
        and isinstance(index.get("memo_size"), int)
    ):
        return None
    offset = memo_offset + index["memo_size"]
    return Base(file, index["generation"], index["entries"], index.get("note"), memo_offset, offset)


def read_journal(file: Path, key: tuple[str, ...], base: str) -> Journal | None:
    """The journal beside the base file `file`, when it was written for `key` on the base of generation
    `base`; else None."""
    try:
        with file.with_name(JOURNAL_FILE).open("rb") as handle:
            data = pickle.load(handle)  # noqa: S301 - our own file, written by `write_journal`
            memo_offset = handle.tell()
    except Exception:  # missing, corrupt or foreign
        return None
    if not (
        isinstance(data, dict)
        and data.get("key") == key
        and data.get("base") == base
        and isinstance(data.get("token"), str)
    ):
        return None
    entries, records, parts = data.get("entries"), data.get("records"), data.get("parts")
    if not (isinstance(entries, dict) and isinstance(records, dict) and isinstance(parts, dict)):
        return None
    return Journal(entries, records, parts, data.get("note"), data["token"], memo_offset)


def write_base(
    file: Path,
    key: tuple[str, ...],
    generation: str,
    index: tuple[dict[str, Entry], object, object],
    bulk: tuple[dict[str, Blob], Blob | None, Blob | None],
) -> bool:
    """Write the base file ((entries, note, memo), then (records, head, parts)) and remove the journal,
    which belonged to the file replaced; False when it could not be written."""
    entries, note, memo = index
    tagged = pickle.dumps((generation, memo), pickle.HIGHEST_PROTOCOL)

    def write(handle: BinaryIO) -> None:  # streamed: the records are never held as one pickle
        pickle.dump(
            {
                "key": key,
                "generation": generation,
                "entries": entries,
                "note": note,
                "memo_size": len(tagged),
            },
            handle,
            pickle.HIGHEST_PROTOCOL,
        )
        handle.write(tagged)
        pickle.dump((generation, *bulk), handle, pickle.HIGHEST_PROTOCOL)

    try:
        atomic_write_with(file, write, durable=False)  # a cache: a torn file is only ignored
    except OSError:
        return False
    with contextlib.suppress(OSError):
        file.with_name(JOURNAL_FILE).unlink(missing_ok=True)
    return True


def write_journal(file: Path, key: tuple[str, ...], base: str, journal: Journal, memo: object) -> bool:
    """Write the journal of the base file `file` (generation `base`) and the memo; False when it could not
    be written."""
    token = os.urandom(8).hex()
    data = {
        "key": key,
        "base": base,
        "token": token,
        "entries": journal.entries,
        "records": journal.records,
        "parts": journal.parts,
        "note": journal.note,
    }

    def write(handle: BinaryIO) -> None:
        pickle.dump(data, handle, pickle.HIGHEST_PROTOCOL)
        pickle.dump((token, memo), handle, pickle.HIGHEST_PROTOCOL)

    try:
        atomic_write_with(file.with_name(JOURNAL_FILE), write, durable=False)
    except OSError:
        return False
    return True
