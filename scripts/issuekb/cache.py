"""The record cache: what each unchanged analysis folder cost, kept between runs.

A run over thousands of analyses spends most of its time on files that did not change since the last
run: reading and parsing them, modelling and checking each front matter, scanning each body for `#N`
mentions, and listing each folder. The cache keeps, per analysis folder, the names of its files (with
the folder's `mtime_ns`, which changes when a file is added, removed or renamed in it), the size and
`mtime_ns` of `analysis.md` and of each companion page, and the results of the per-file work: the
modelled `Analysis` (with its documents), its per-file diagnostics (load, model and body rules) and its
mentions. The knowledge-base-wide rules (uniqueness, duplicate chains, the graph, git) always run.

The whole cache belongs to one key: the package version and a hash of the source of every top-level
module of the package (a code change can never serve stale results), the knowledge base's root and
analyses folder and the configured upstream (the default repository of every reference). The day the
date rules compare with is part of each entry: an entry holds from the latest date its front matter
names on, or only on its own day when a date was reported to be in the future. Files or folders modified in the last seconds are not recorded ("racy" time
stamps: the next edit could keep the same size and time stamp). It is only ever a shortcut: a missing,
corrupt, foreign or unwritable cache is ignored and the run does every file's work itself; nothing it
holds reaches an output that a fresh run would not produce.
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
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from issuekb.fields import _DATE_RE  # the model's own pattern: the same dates are seen
from issuekb.load import Document
from issuekb.model import Analysis, Companion
from issuekb.writes import atomic_write_with

if TYPE_CHECKING:
    from issuekb.config import Config
    from issuekb.diagnostics import Diagnostic
    from issuekb.mentions import Mention

__all__ = ["CACHE_DIR", "CACHE_FILE", "FolderResult", "RecordCache", "cache_version"]

CACHE_DIR = ".issuekb-cache"
CACHE_FILE = "records.pickle"
#: A file or folder modified this recently (nanoseconds) is worked on but not recorded.
_RACY_NS = 2_000_000_000

#: What the per-folder work yields: the analysis (None when unusable), its diagnostics, its mentions.
FolderResult = tuple["Analysis | None", "list[Diagnostic]", "tuple[Mention, ...]"]

#: A document without its path: (rel, text, body length or the body, meta, body_line, key_lines,
#: item_lines, raw_values). The body is usually a suffix of the text, so one copy of it is kept.
_StoredDoc = tuple[
    str, str, "int | str", Any, int, dict[str, int], dict[tuple[str, int], int], dict[str, str]
]
#: The analysis's own fields (`_FIELDS` order), its document, its companions as (name, title, rel, body,
#: body_line): what a `Companion` keeps of its page.
_StoredAnalysis = tuple[tuple[Any, ...], _StoredDoc, tuple[tuple[str, str, str, str, int], ...]]
#: (file name, size, mtime_ns) of analysis.md and of each companion, in that order
_Stats = tuple[tuple[str, int, int], ...]
#: The days (date ordinals, first and last) on which an entry holds: see `_days`.
_Days = tuple[int, int]
#: names' folder mtime_ns, the file names, the files' stats, the stored analysis, diagnostics, mentions,
#: the days it holds on
_Entry = tuple[
    int, frozenset[str], _Stats, "_StoredAnalysis | None", "list[Diagnostic]", "tuple[Mention, ...]", _Days
]
_ALWAYS = sys.maxsize

#: Analysis fields in the order of its constructor. They are stored as they are, but for the path
#: (rebuilt), the body and document (stored as the document) and the companions (stored apart): those
#: are stored as None and set on restoring.
_FIELDS = tuple(f.name for f in fields(Analysis))
_APART = ("path", "body", "doc", "companions")
_PATH, _BODY, _DOC, _COMPANIONS = (_FIELDS.index(name) for name in _APART)


def cache_version() -> str:
    """The package version and a hash of the source of every top-level module of the package."""
    from issuekb import __version__

    digest = hashlib.sha256(__version__.encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:16]}"


def _store_doc(doc: Document) -> _StoredDoc:
    body: int | str = len(doc.body) if doc.text.endswith(doc.body) else doc.body
    return (doc.rel, doc.text, body, doc.meta, doc.body_line, doc.key_lines, doc.item_lines, doc.raw_values)


def _restore_doc(path: Path, stored: _StoredDoc) -> Document:
    rel, text, body, meta, body_line, key_lines, item_lines, raw_values = stored
    if isinstance(body, int):
        body = text[len(text) - body :]
    return Document(path, rel, text, meta, body, body_line, key_lines, item_lines, raw_values)


def _store_analysis(analysis: Analysis) -> _StoredAnalysis | None:
    if analysis.doc is None or analysis.doc.body is not analysis.body:
        return None  # not as `build_analysis` makes it: not recorded
    plain = tuple(None if name in _APART else getattr(analysis, name) for name in _FIELDS)
    companions = tuple((c.name, c.title, c.rel, c.body, c.body_line) for c in analysis.companions)
    return plain, _store_doc(analysis.doc), companions


def _restore_analysis(path: Path, stored: _StoredAnalysis) -> Analysis:
    plain, stored_doc, companions = stored
    doc = _restore_doc(path, stored_doc)
    args = list(plain)
    args[_PATH], args[_BODY], args[_DOC] = path, doc.body, doc
    if companions:
        folder = path.parent
        args[_COMPANIONS] = tuple(
            Companion(name, title, folder / name, rel, body, body_line)
            for name, title, rel, body, body_line in companions
        )
    else:
        args[_COMPANIONS] = ()
    return Analysis(*args)


def _days(result: FolderResult, today: int) -> _Days:
    """The days on which a folder's result is the same as on `today`.

    The only rule that reads the day is "a date must not be in the future", whose message names the day:
    a result with such a message (or without a record whose front matter could be read) holds on
    `today` alone. Otherwise it holds on every day from the latest date in the front matter on (none of
    its dates is then in the future), whichever field or list the date is in.
    """
    analysis, diags, _ = result
    if analysis is None or analysis.doc is None or any(d.code == "date-future" for d in diags):
        return today, today
    return max(_dates(analysis.doc.meta), default=0), _ALWAYS


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
    """Per-folder results of one knowledge base, valid for one key (code, root, upstream); see `_days`."""

    file: Path
    key: tuple[str, ...]
    #: the day the date rules compare with, as an ordinal
    today: int
    entries: dict[str, _Entry] = field(default_factory=dict)
    #: folders asked for in this run: `save` drops every other entry (deleted or renamed folders)
    seen: set[str] = field(default_factory=set)
    changed: bool = False
    hits: int = 0
    misses: int = 0
    #: folder -> its mtime_ns as stat'ed by `names` in this run (-1: could not stat)
    _folder_mtimes: dict[str, int] = field(default_factory=dict)
    _now: int = field(default_factory=time.time_ns)

    @classmethod
    def open(cls, config: Config, today: dt.date) -> RecordCache:
        """The cache of the knowledge base of `config`; empty when there is none or it cannot be used."""
        cache = cls(config.root / CACHE_DIR / CACHE_FILE, _key(config), today.toordinal())
        try:
            with cache.file.open("rb") as handle:
                stored = pickle.load(handle)  # noqa: S301 - our own file, written by `save`
        except FileNotFoundError:
            return cache
        except Exception:  # a corrupt or foreign cache is only a missed shortcut
            cache.changed = True  # replace it
            return cache
        if (
            isinstance(stored, dict)
            and stored.get("key") == cache.key
            and isinstance(stored.get("entries"), dict)
        ):
            cache.entries = stored["entries"]
        else:
            cache.changed = True
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

    def get(
        self, path: Path, folder: str, files: tuple[str, ...]
    ) -> tuple[FolderResult | None, _Stats | None]:
        """The recorded result for the analysis at `path` when its `files` (analysis.md first) are unchanged.

        `folder` is `str(path.parent)`. Also returns the files' current stats (None when one could not be
        stat'ed), for `put`.
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
        if (
            stats is not None
            and entry is not None
            and entry[2] == stats
            and entry[6][0] <= self.today <= entry[6][1]
        ):
            self.hits += 1
            stored = entry[3]
            analysis = _restore_analysis(path, stored) if stored is not None else None
            return (analysis, list(entry[4]), entry[5]), stats
        self.misses += 1
        return None, stats

    def put(self, folder: str, files: frozenset[str], stats: _Stats | None, result: FolderResult) -> None:
        """Record the result of the work on `folder`, unless a time stamp is too recent to be trusted."""
        if self.entries.pop(folder, None) is not None:
            self.changed = True
        mtime = self._folder_mtimes.get(folder, -1)
        if (
            stats is None
            or mtime == -1
            or any(self._now - t < _RACY_NS for t in (mtime, *(s[2] for s in stats)))
        ):
            return
        analysis, diags, mentions = result
        stored = _store_analysis(analysis) if analysis is not None else None
        if analysis is not None and stored is None:
            return
        self.entries[folder] = (mtime, files, stats, stored, list(diags), mentions, _days(result, self.today))
        self.changed = True

    def save(self) -> None:
        """Write the cache when it changed (atomically); entries of folders not seen in this run are dropped."""
        stale = self.entries.keys() - self.seen
        for key in stale:
            del self.entries[key]
        if not (self.changed or stale):
            return
        data = {"key": self.key, "entries": self.entries}
        with contextlib.suppress(
            OSError
        ):  # streamed: a pickle of 60 MB at 10,000 analyses is never held whole
            atomic_write_with(self.file, lambda handle: pickle.dump(data, handle, pickle.HIGHEST_PROTOCOL))
