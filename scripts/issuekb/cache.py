"""The record cache: what each unchanged analysis folder cost, kept between runs.

A run over thousands of analyses spends most of its time on files that did not change since the last
run: reading and parsing them, modelling and checking each front matter and body, and listing each
folder. The cache keeps, per analysis folder, the names of its files (with the folder's `mtime_ns`,
which changes when a file is added, removed or renamed in it), the size, `mtime_ns`, `ctime_ns` and
inode of `analysis.md` and of each companion page, and the results of the per-file work: the modelled
`Analysis` and its per-file diagnostics (load, model and body rules). The knowledge-base-wide rules
(uniqueness, duplicate chains, the graph, git) run on the records, unless the memo that
`issuekb.results` keeps beside them answers for the whole run.

A restored `Analysis` holds what the knowledge-base rules and TRACKING.md read: every field and the front
matter's text (where each field is written), its companions' names and titles. It holds no body (the
bodies' rules are recorded; their `#N` mentions only matter to the site's backlinks,
`graph.LinkGraph.referenced_by`) and no parsed front matter: `body` and the documents' `body` are empty
and `doc.meta` is None, and the
`KnowledgeBase` says so (`bodies`). Keeping the bodies out makes the cache a third of the size and a
run after a few edits as much quicker; the site and the other commands load every file.

The whole cache belongs to one key: the package version and a hash of the source of every module of
the package (a code change can never serve stale results), the knowledge base's root and
analyses folder and the configured upstream (the default repository of every reference). The day the
date rules compare with is part of each entry: an entry holds from the latest date its front matter
names on, or only on its own day when a date was reported to be in the future. Files or folders
modified in the last seconds are not recorded ("racy" time stamps: the next edit could keep the same
size and time stamp). It is only ever a shortcut: a missing, corrupt, foreign or unwritable cache is
ignored and the run does every file's work itself; nothing it holds reaches an output that a fresh run
would not produce.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import pickle
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from issuekb.cachestore import Base, Journal, read_base, read_journal, write_base, write_journal
from issuekb.entries import entry_names
from issuekb.fields import _DATE_RE  # the model's own pattern: the same dates are seen
from issuekb.model import DATE_FIELDS, Analysis
from issuekb.stored import StoredAnalysis, restore_analysis, store_analysis

if TYPE_CHECKING:
    from issuekb.config import Config
    from issuekb.diagnostics import Diagnostic

__all__ = ["CACHE_DIR", "CACHE_FILE", "RACY_NS", "FolderResult", "RecordCache", "Stats", "cache_version"]

CACHE_DIR = ".issuekb-cache"
CACHE_FILE = "records.pickle"
#: A file or folder modified this recently (nanoseconds) is worked on but not recorded.
RACY_NS = 2_000_000_000

#: What the per-folder work yields: the analysis (None when unusable) and its diagnostics.
FolderResult = tuple["Analysis | None", "list[Diagnostic]"]

#: (file name, size, mtime_ns, ctime_ns, inode) of analysis.md and of each companion, in that order: the
#: change time and the inode also see a change of permissions and a file renamed into place with the
#: same size and time stamp (`cp -p`, `tar x`, `rsync -t`)
Stats = tuple[tuple[str, int, int, int, int], ...]
_Stats = Stats
#: The days (date ordinals, first and last) on which an entry holds: see `_days`.
_Days = tuple[int, int]
#: names' folder mtime_ns, the file names, the files' stats, the days it holds on
_IndexEntry = tuple[int, frozenset[str], _Stats, _Days]
#: the stored analysis and its diagnostics; kept pickled on its own (`_Blob`), so that writing the cache
#: after a few edits copies the unchanged records' bytes instead of pickling them all again
_Record = tuple["StoredAnalysis | None", "list[Diagnostic]"]
_Blob = bytes
_ALWAYS = sys.maxsize
#: the names of a folder that holds analysis.md alone
_ALONE_NAMES = frozenset({"analysis.md"})
#: the journal is written instead of the whole cache while it names at most this many folders, or an
#: eighth of them (`_JOURNAL_SHARE`) in a larger knowledge base
_JOURNAL_MIN = 16
_JOURNAL_SHARE = 8


def cache_version() -> str:
    """The package version and a hash of the source of every module of the package, sub-packages too
    (the memo keeps TRACKING.md's text and rows, which `issuekb.render` makes)."""
    from issuekb import __version__

    package = Path(__file__).parent
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:16]}"


def _times(st: os.stat_result) -> tuple[int, int, int]:
    return st.st_mtime_ns, st.st_ctime_ns, st.st_ino


def _days(result: FolderResult, today: int) -> _Days:
    """The days on which a folder's result is the same as on `today`.

    The only rule that reads the day is "a date must not be in the future", whose message names the day:
    a result with such a message (or without a record whose front matter could be read) holds on
    `today` alone. Otherwise it holds on every day from the latest date in the front matter on (none of
    its dates is then in the future). Only the date fields are compared with the day (`DATE_FIELDS`).
    """
    analysis, diags = result
    if analysis is None or analysis.doc is None or any(d.code == "date-future" for d in diags):
        return today, today
    meta = analysis.doc.meta or {}
    return max(_dates([meta.get(key) for key in DATE_FIELDS]), default=0), _ALWAYS


def _dates(value: object) -> Iterator[int]:
    """Every value in a front matter that `fields.date_field` would read as a date, as an ordinal."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _dates(item)
    elif isinstance(value, list):
        for item in value:
            yield from _dates(item)
    elif isinstance(value, dt.date):  # a datetime too
        yield value.toordinal()
    elif isinstance(value, str) and _DATE_RE.match(value.strip()):
        with contextlib.suppress(ValueError):
            yield dt.date.fromisoformat(value.strip()).toordinal()


def _key(config: Config) -> tuple[str, ...]:
    return (cache_version(), str(config.root), str(config.analyses_dir), config.upstream)


@dataclass(slots=True)
class RecordCache:
    """Per-folder results of one knowledge base, valid for one key (code, root, upstream); see `_days`.

    It is kept in two files (`issuekb.cachestore`): a base file, and a journal of the folders that
    changed since the base file was written. Opening reads the base file's index and the journal; the
    memo when it is asked for, and the records on the first `restore` (or `parts`, `head`), so a run
    after an edit never reads the memo, and one that the memo answers never
    reads them. A base file replaced in between holds another generation: its records are not used, and
    every folder is worked on again.

    Beside a folder's record, the caller may keep a *part*: a value derived from that record alone with
    the *head*, a value every part shares (TRACKING.md's rows of the analysis, and the configuration and
    upstream state they were rendered with: `issuekb.results`). A folder's part is dropped when its
    record is put again (unless it is the very same record), so the part of a folder the cache answers
    for was derived from the record restored.
    """

    file: Path
    key: tuple[str, ...]
    #: the day the date rules compare with, as an ordinal
    today: int
    #: folder -> (folder mtime_ns, file names, the files' stats, the days the entry holds on)
    entries: dict[str, _IndexEntry] = field(default_factory=dict)
    #: a small value the caller keeps from run to run whatever the entries (read with them)
    note: object = None
    #: folders asked for in this run: `save` drops every other entry (deleted or renamed folders)
    seen: set[str] = field(default_factory=set)
    changed: bool = False
    misses: int = 0
    #: folder -> its mtime_ns as stat'ed by `names` in this run (-1: could not stat)
    _folder_mtimes: dict[str, int] = field(default_factory=dict)
    _now: int = field(default_factory=time.time_ns)
    #: the base file as read; None when there is none to build on (the next write is a whole one)
    _base: Base | None = None
    #: what changed since the base file was written: the journal read, then this run's changes
    _journal: Journal = field(default_factory=Journal)
    #: while `below` runs: the folders' parent, open, and the length of its path and a slash
    _dir_fd: int | None = None
    _cut: int = 0
    #: the memo, once read (`memo`)
    _memo: object = None
    _memo_read: bool = False

    @classmethod
    def open(cls, config: Config, today: dt.date) -> RecordCache:
        """The cache of the knowledge base of `config`; empty when there is none or it cannot be used.

        The base file's index and the journal are read, not the records.
        """
        cache = cls(config.root / CACHE_DIR / CACHE_FILE, _key(config), today.toordinal())
        try:
            base = read_base(cache.file, cache.key)
        except FileNotFoundError:
            return cache
        if base is None:  # corrupt or foreign: replace it
            cache.changed = True
            return cache
        cache._base, cache.entries = base, base.entries
        journal = read_journal(cache.file, cache.key, base.generation)
        if journal is None:
            cache.note = base.note
            return cache
        cache._journal, cache.note = journal, journal.note
        for folder, entry in journal.entries.items():
            if entry is None:
                cache.entries.pop(folder, None)
            else:
                cache.entries[folder] = entry
        return cache

    @contextlib.contextmanager
    def below(self, root: Path) -> Iterator[None]:
        """While the block runs, `names` and `check` stat each folder (`root`'s path, a slash and a name,
        as `discover` names them) and its files from `root`, open: the kernel then walks one or two
        components for each path rather than all of them."""
        directory = getattr(os, "O_DIRECTORY", None)  # POSIX only, as `dir_fd` is
        fd = None
        if directory is not None and os.stat in os.supports_dir_fd:
            with contextlib.suppress(OSError):
                fd = os.open(root, os.O_RDONLY | directory)
        if fd is None:  # the full paths then, as outside the block
            yield
            return
        self._dir_fd, self._cut = fd, len(str(root)) + 1
        try:
            yield
        finally:
            self._dir_fd, self._cut = None, 0
            os.close(fd)

    def names(self, folder: str) -> frozenset[str]:
        """The names of the files in `folder`: one stat when the folder is unchanged, else a listing."""
        try:
            mtime = os.stat(folder[self._cut :], dir_fd=self._dir_fd).st_mtime_ns
        except OSError:
            mtime = -1
        self._folder_mtimes[folder] = mtime
        entry = self.entries.get(folder)
        if entry is not None and entry[0] == mtime and mtime != -1:
            return entry[1]
        return entry_names(folder)

    def check(self, folder: str, files: tuple[str, ...]) -> tuple[bool, _Stats | None]:
        """Whether the entry of `folder` holds for its `files` (analysis.md first) today, and their stats.

        The stats (None when a file could not be stat'ed) go to `put` when the folder is worked on.
        """
        self.seen.add(folder)
        rel, fd = folder[self._cut :], self._dir_fd
        try:
            if len(files) == 1:  # most folders: analysis.md alone
                st = os.stat(f"{rel}/{files[0]}", dir_fd=fd)
                stats: _Stats | None = ((files[0], st.st_size, *_times(st)),)
            else:
                stats = tuple(
                    (name, (st := os.stat(f"{rel}/{name}", dir_fd=fd)).st_size, *_times(st)) for name in files
                )
        except OSError:
            stats = None
        entry = self.entries.get(folder)
        hit = (
            stats is not None
            and entry is not None
            and entry[2] == stats
            and entry[3][0] <= self.today <= entry[3][1]
        )
        if not hit:
            self.misses += 1
        return hit, stats

    def restore(self, path: Path, folder: str) -> FolderResult | None:
        """The recorded result of a folder `check` found unchanged; None when the records are unreadable."""
        blob = self._blob(folder)
        if blob is None:
            return None
        try:
            record: _Record = pickle.loads(blob)  # noqa: S301 - our own file
        except Exception:
            return None
        stored, diags = record
        analysis = restore_analysis(path, stored) if stored is not None else None
        return analysis, list(diags)

    def _blob(self, folder: str) -> _Blob | None:
        """The pickled record of `folder`: the journal's, else the base file's."""
        changed = self._journal.records
        if folder in changed:
            return changed[folder]
        base = self._base
        records = base.records if base is not None else None
        if records is None:
            records = self._bulk()
        return records.get(folder) if records is not None else None

    def _bulk(self) -> dict[str, _Blob] | None:
        """The base file's records, read now if they were not; None (and no base to build on any more)
        when the file no longer holds them."""
        base = self._base
        if base is None:
            return None
        if base.load_bulk():
            return base.records
        self._base, self.changed = None, True  # every folder it answered for is worked on again
        return None

    @property
    def memo(self) -> object:
        """What the caller derived from exactly these entries (`issuekb.results`), or None; read from the
        file on the first call."""
        if not self._memo_read:
            self._memo_read = True
            if self._journal.memo_offset >= 0:  # a journal was read: the memo is its own
                self._memo = self._journal.load_memo(self.file)
            elif self._base is not None:
                self._memo = self._base.load_memo()
        return self._memo

    @property
    def only_edits(self) -> bool:
        """Every folder of this run has an entry, and every entry a folder: only known folders changed."""
        return not self.changed and self.seen == self.entries.keys()

    def same_record(self, folder: str, result: FolderResult) -> bool:
        """Whether `result` (the folder worked on again) holds the very record the cache holds for it.

        Then every field, the front matter's text (so the line of every field) and every companion's
        name and title is as before: what the knowledge-base rules and TRACKING.md read of this folder did
        not change (its own diagnostics may have: they are in `result`, not compared).
        """
        blob = self._blob(folder)
        analysis = result[0]
        new = store_analysis(analysis) if analysis is not None else None
        if blob is None or (analysis is not None and new is None):
            return False
        try:
            old, _ = pickle.loads(blob)  # noqa: S301 - our own file
        except Exception:
            return False
        return bool(old == new)

    @property
    def head(self) -> object:
        """The head value saved with the parts (`save`), or None."""
        base = self._base
        if base is None or self._bulk() is None or base.head is None:
            return None
        try:
            return pickle.loads(base.head)  # noqa: S301 - our own file
        except Exception:
            return None

    def parts(self) -> dict[str, object]:
        """Each folder's part (see the class), in a dict of its own; every part was derived with `head`."""
        base = self._base
        found: object = None
        if base is not None and self._bulk() is not None and base.parts is not None:
            with contextlib.suppress(Exception):
                found = pickle.loads(base.parts)  # noqa: S301 - our own file
        parts: dict[str, object] = found if isinstance(found, dict) else {}
        for folder, part in self._journal.parts.items():
            if part is None:
                parts.pop(folder, None)
            else:
                parts[folder] = part
        return parts

    def put(
        self,
        folder: str,
        files: frozenset[str],
        stats: _Stats | None,
        result: FolderResult,
        *,
        same: bool = False,
    ) -> None:
        """Record the result of the work on `folder`, unless a time stamp is too recent to be trusted.

        Its part is dropped, unless `same`: the result holds the very record the cache held
        (`same_record`).
        """
        journal = self._journal
        if not same:
            journal.parts[folder] = None
        if self.entries.pop(folder, None) is not None:
            journal.entries[folder] = journal.records[folder] = None
            self.changed = True
        mtime = self._folder_mtimes.get(folder, -1)
        if (
            stats is None
            or mtime == -1
            or any(self._now - t < RACY_NS for t in (mtime, *(s[2] for s in stats)))
        ):
            return
        analysis, diags = result
        stored = store_analysis(analysis) if analysis is not None else None
        if analysis is not None and stored is None:
            return
        if files == _ALONE_NAMES:  # one object for most entries: pickled once, read back once
            files = _ALONE_NAMES
        self.entries[folder] = journal.entries[folder] = (mtime, files, stats, _days(result, self.today))
        journal.records[folder] = pickle.dumps((stored, list(diags)), pickle.HIGHEST_PROTOCOL)
        self.changed = True

    @property
    def complete(self) -> bool:
        """Every folder seen in this run has an entry (after `put`): a memo may be kept with them."""
        return self.seen <= self.entries.keys()

    def save(
        self,
        memo: object = None,
        *,
        note: object = None,
        head: object = None,
        parts: dict[str, object] | None = None,
    ) -> None:
        """Write the cache when it changed (atomically); entries of folders not seen in this run are dropped.

        A changed entry drops the memo, which belonged to the old entries; `memo` (derived from this run's
        entries) is kept with them when every folder has one (`complete`), and writes the file even when
        no entry changed. `note` replaces the note (None keeps it). `parts` are new parts by folder; with
        a new `head`, they are all the parts there are (every other is dropped).

        After a few changes only the journal is written; the whole base file when there is none to build
        on, when the head changes or when the journal names too many folders (`issuekb.cachestore`).
        """
        journal = self._journal
        if note is not None and note != self.note:
            self.note = note
            self.changed = True
        stale = self.entries.keys() - self.seen
        for folder in stale:
            del self.entries[folder]
            journal.entries[folder] = journal.records[folder] = journal.parts[folder] = None
        if parts and head is None:
            journal.parts.update(parts)
        dirty = self.changed or bool(stale) or head is not None or bool(parts)
        keep = memo if memo is not None and self.complete else None
        if not dirty and keep is None:
            return
        base = self._base
        if (
            base is None
            or head is not None
            or journal.folders() > max(_JOURNAL_MIN, len(self.entries) // _JOURNAL_SHARE)
        ):
            written = self._write_whole(keep, head, parts or {})
        else:
            journal.note = self.note  # the base file's, unless replaced: the journal's is the one read
            written = write_journal(self.file, self.key, base.generation, journal, keep)
        if written:
            self._memo, self._memo_read, self.changed = keep, True, False

    def compact(self) -> bool:
        """Write the whole base file now, the journal folded into it (and removed), the memo kept; False
        when it could not be written."""
        return self._write_whole(self.memo, None, {})

    def _write_whole(self, memo: object, head: object, parts: dict[str, object]) -> bool:
        """Write the base file with every entry that has a record; the journal goes."""
        journal = self._journal
        base_records = self._bulk()  # None: no base (any more)
        records = dict(base_records) if base_records is not None else {}
        for folder, blob in journal.records.items():
            if blob is None:
                records.pop(folder, None)
            else:
                records[folder] = blob
        entries = {folder: entry for folder, entry in self.entries.items() if folder in records}
        records = {folder: records[folder] for folder in entries}
        base = self._base
        if head is not None:
            head_blob: _Blob | None = pickle.dumps(head, pickle.HIGHEST_PROTOCOL)
        else:
            head_blob, parts = (base.head, self.parts()) if base is not None else (None, {})
        parts_blob = None
        if head_blob is not None:
            kept = {folder: part for folder, part in parts.items() if folder in entries}
            parts_blob = pickle.dumps(kept, pickle.HIGHEST_PROTOCOL)
        generation = os.urandom(8).hex()
        index = (entries, self.note, memo)
        if not write_base(self.file, self.key, generation, index, (records, head_blob, parts_blob)):
            return False
        self.entries = entries
        self._base = Base(self.file, generation, entries, self.note, -1, -1, records, head_blob, parts_blob)
        self._journal = Journal()
        return True
