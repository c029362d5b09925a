"""The record cache: what each unchanged analysis folder cost, kept between runs.

A run over thousands of analyses spends most of its time on files that did not change since the last
run: reading and parsing them, modelling and checking each front matter and body, and listing each
folder. The cache keeps, per analysis folder, the names of its files (with the folder's `mtime_ns`,
which changes when a file is added, removed or renamed in it), the size and `mtime_ns` of
`analysis.md` and of each companion page, and the results of the per-file work: the modelled
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
from typing import TYPE_CHECKING, BinaryIO

from issuekb.fields import _DATE_RE  # the model's own pattern: the same dates are seen
from issuekb.model import DATE_FIELDS, Analysis
from issuekb.stored import StoredAnalysis, restore_analysis, store_analysis
from issuekb.writes import atomic_write_with

if TYPE_CHECKING:
    from issuekb.config import Config
    from issuekb.diagnostics import Diagnostic

__all__ = ["CACHE_DIR", "CACHE_FILE", "FolderResult", "RecordCache", "Stats", "cache_version"]

CACHE_DIR = ".issuekb-cache"
CACHE_FILE = "records.pickle"
#: A file or folder modified this recently (nanoseconds) is worked on but not recorded.
_RACY_NS = 2_000_000_000

#: What the per-folder work yields: the analysis (None when unusable) and its diagnostics.
FolderResult = tuple["Analysis | None", "list[Diagnostic]"]

#: (file name, size, mtime_ns) of analysis.md and of each companion, in that order
Stats = tuple[tuple[str, int, int], ...]
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

    The file holds two pickles one after the other: the index (the key, a generation token, each folder's
    file names and stats and the days its entry holds on, and the memo) and then the records (the same
    token, each folder's result and the caller's `derived` value). Opening reads the index only; the
    records are read on the first `restore` (or `derived`), so a run that the memo answers never reads
    them. A file replaced in between holds another token: its records are not used, and every folder is
    worked on again.
    """

    file: Path
    key: tuple[str, ...]
    #: the day the date rules compare with, as an ordinal
    today: int
    #: folder -> (folder mtime_ns, file names, the files' stats, the days the entry holds on)
    entries: dict[str, _IndexEntry] = field(default_factory=dict)
    #: a new token each time the file is written: the memo belongs to one generation of the entries
    generation: str = ""
    #: what the caller derived from exactly these entries (`issuekb.results`), or None
    memo: object = None
    #: folders asked for in this run: `save` drops every other entry (deleted or renamed folders)
    seen: set[str] = field(default_factory=set)
    changed: bool = False
    misses: int = 0
    #: folder -> its mtime_ns as stat'ed by `names` in this run (-1: could not stat)
    _folder_mtimes: dict[str, int] = field(default_factory=dict)
    _now: int = field(default_factory=time.time_ns)
    #: folder -> result; None until read (from `_offset` in the file)
    _records: dict[str, _Blob] | None = None
    #: what the caller keeps beside the records (read with them, unpickled on demand): see `derived`
    _derived: _Blob | None = None
    #: folders whose entries changed since `derived` was saved (kept in the index)
    outdated: frozenset[str] = frozenset()
    #: folders `put` in this run
    _touched: set[str] = field(default_factory=set)
    _offset: int = -1

    @classmethod
    def open(cls, config: Config, today: dt.date) -> RecordCache:
        """The cache of the knowledge base of `config`; empty when there is none or it cannot be used.

        Only the index is read.
        """
        cache = cls(config.root / CACHE_DIR / CACHE_FILE, _key(config), today.toordinal())
        try:
            with cache.file.open("rb") as handle:
                index = pickle.load(handle)  # noqa: S301 - our own file, written by `save`
                offset = handle.tell()
        except FileNotFoundError:
            cache._records = {}
            return cache
        except Exception:  # a corrupt or foreign cache is only a missed shortcut
            index, offset = None, -1
        if (
            isinstance(index, dict)
            and index.get("key") == cache.key
            and isinstance(index.get("entries"), dict)
            and isinstance(index.get("generation"), str)
        ):
            cache.entries = index["entries"]
            cache.generation = index["generation"]
            cache.memo = index.get("memo")
            outdated = index.get("outdated")
            cache.outdated = outdated if isinstance(outdated, frozenset) else frozenset()
            cache._offset = offset
        else:
            cache._records = {}
            cache.changed = True  # replace it
        return cache

    def names(self, folder: str) -> frozenset[str]:
        """The names of the files in `folder`: one stat when the folder is unchanged, else a listing."""
        try:
            mtime = os.stat(folder).st_mtime_ns  # noqa: PTH116 - a str path: no Path object per folder
        except OSError:
            mtime = -1
        self._folder_mtimes[folder] = mtime
        entry = self.entries.get(folder)
        if entry is not None and entry[0] == mtime and mtime != -1:
            return entry[1]
        with os.scandir(folder) as inner:
            return frozenset(e.name for e in inner if e.is_file())

    def check(self, folder: str, files: tuple[str, ...]) -> tuple[bool, _Stats | None]:
        """Whether the entry of `folder` holds for its `files` (analysis.md first) today, and their stats.

        The stats (None when a file could not be stat'ed) go to `put` when the folder is worked on.
        """
        self.seen.add(folder)
        try:
            if len(files) == 1:  # most folders: analysis.md alone
                st = os.stat(f"{folder}/{files[0]}")  # noqa: PTH116 - a str: no Path object per file
                stats: _Stats | None = ((files[0], st.st_size, st.st_mtime_ns),)
            else:
                stats = tuple(
                    (name, (st := os.stat(f"{folder}/{name}")).st_size, st.st_mtime_ns)  # noqa: PTH116
                    for name in files
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
        blob = self._load_records().get(folder)
        if blob is None:
            return None
        try:
            record: _Record = pickle.loads(blob)  # noqa: S301 - our own file
        except Exception:
            return None
        stored, diags = record
        analysis = restore_analysis(path, stored) if stored is not None else None
        return analysis, list(diags)

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
        blob = self._load_records().get(folder)
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
    def derived(self) -> object:
        """What the caller saved beside the records (`save`), or None: larger than a memo, and read with
        the records rather than on every run. Unlike the memo it outlives changed entries: what it holds
        of a folder that the cache answers for in this run was derived from the record restored, unless
        the folder is `outdated` (its entry changed in a run that saved no `derived` value)."""
        self._load_records()
        if self._derived is None:
            return None
        try:
            return pickle.loads(self._derived)  # noqa: S301 - our own file
        except Exception:
            return None

    def _load_records(self) -> dict[str, _Blob]:
        if self._records is None:
            records: object = None
            try:
                with self.file.open("rb") as handle:
                    handle.seek(self._offset)
                    records = pickle.load(handle)  # noqa: S301 - our own file
            except Exception:  # gone or truncated: every folder is worked on again
                records = None
            if isinstance(records, tuple) and len(records) == 3 and records[0] == self.generation:
                self._records = records[1]
                self._derived = records[2] if isinstance(records[2], bytes) else None
            else:
                self._records, self.changed = {}, True
        return self._records

    def put(self, folder: str, files: frozenset[str], stats: _Stats | None, result: FolderResult) -> None:
        """Record the result of the work on `folder`, unless a time stamp is too recent to be trusted."""
        self._touched.add(folder)
        records = self._load_records()
        if self.entries.pop(folder, None) is not None:
            records.pop(folder, None)
            self.changed = True
        mtime = self._folder_mtimes.get(folder, -1)
        if (
            stats is None
            or mtime == -1
            or any(self._now - t < _RACY_NS for t in (mtime, *(s[2] for s in stats)))
        ):
            return
        analysis, diags = result
        stored = store_analysis(analysis) if analysis is not None else None
        if analysis is not None and stored is None:
            return
        self.entries[folder] = (mtime, files, stats, _days(result, self.today))
        records[folder] = pickle.dumps((stored, list(diags)), pickle.HIGHEST_PROTOCOL)
        self.changed = True

    @property
    def complete(self) -> bool:
        """Every folder seen in this run has an entry (after `put`): a memo may be kept with them."""
        return self.seen <= self.entries.keys()

    def save(self, memo: object = None, derived: object = None, *, same_records: bool = False) -> None:
        """Write the cache when it changed (atomically); entries of folders not seen in this run are dropped.

        A changed entry drops the memo, which belonged to the old entries; `memo` (derived from this run's
        entries) is kept with them when every folder has one (`complete`), and writes the file even when
        no entry changed. `derived` replaces the value of that name. Without one, the value read is kept,
        and the folders `put` in this run are added to `outdated`, unless (`same_records`) each holds the
        record it held.
        """
        stale = self.entries.keys() - self.seen
        if stale:
            records = self._load_records()
            for key in stale:
                del self.entries[key]
                records.pop(key, None)
        dirty = self.changed or bool(stale) or derived is not None
        keep = memo if memo is not None and self.complete else None
        if not dirty and keep is None:
            return
        records = self._load_records()  # and the derived value
        outdated = self.outdated
        if derived is not None:  # kept pickled: the next writes copy its bytes
            self._derived, outdated = pickle.dumps(derived, pickle.HIGHEST_PROTOCOL), frozenset()
        elif not same_records:
            outdated = outdated | self._touched
        if self._derived is None:
            outdated = frozenset()
        generation = os.urandom(8).hex()
        index = {
            "key": self.key,
            "generation": generation,
            "entries": self.entries,
            "memo": keep,
            "outdated": outdated,
        }

        def write(handle: BinaryIO) -> None:  # streamed: the records are never held as one pickle
            pickle.dump(index, handle, pickle.HIGHEST_PROTOCOL)
            pickle.dump((generation, records, self._derived), handle, pickle.HIGHEST_PROTOCOL)

        with contextlib.suppress(OSError):
            atomic_write_with(self.file, write, durable=False)  # a cache: a torn file is only ignored
            self.generation, self.memo, self.changed = generation, keep, False
            self.outdated = outdated
