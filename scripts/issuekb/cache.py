"""The parse cache: loaded documents kept between runs, keyed by path, size and modification time.

Loading (decode, split, YAML) is the largest cost of a run that reads thousands of analyses; most files do
not change between two runs. The cache keeps each file's `Document` and its load diagnostics in one pickle
under `.issuekb-cache/` at the root of the knowledge base (gitignored). An entry is used only when the
file's size and `mtime_ns` are the ones recorded; a file modified in the last seconds is not recorded
(its next edit could keep the same size and time stamp). The cache is versioned by the package version
and a hash of the loader's source, and it is only ever a shortcut: a missing, corrupt, foreign or
unwritable cache is ignored, and the run loads every file itself. Nothing the cache holds reaches an
output that a fresh load would not produce.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from issuekb.diagnostics import Diagnostic
from issuekb.load import Document, load_document
from issuekb.writes import atomic_write

__all__ = ["CACHE_DIR", "CACHE_FILE", "ParseCache", "cache_version"]

CACHE_DIR = ".issuekb-cache"
CACHE_FILE = "documents.pickle"
#: A file modified this recently (nanoseconds) is loaded but not recorded: "racy" time stamps.
_RACY_NS = 2_000_000_000

#: A document without its path (the key) and with its body as a suffix length of its text, which
#: keeps one copy of the text: (rel, text, body length or the body, meta, body_line, key_lines,
#: item_lines, raw_values). Path objects and a second copy of every body made the pickle twice as slow.
_Stored = tuple[str, str, "int | str", Any, int, dict[str, int], dict[tuple[str, int], int], dict[str, str]]
#: size, mtime_ns, require_front_matter, the stored document, its load diagnostics
_Entry = tuple[int, int, bool, _Stored, list[Diagnostic]]


def _store(doc: Document) -> _Stored:
    body: int | str = len(doc.body) if doc.text.endswith(doc.body) else doc.body
    return (doc.rel, doc.text, body, doc.meta, doc.body_line, doc.key_lines, doc.item_lines, doc.raw_values)


def _restore(path: Path, stored: _Stored) -> Document:
    rel, text, body, meta, body_line, key_lines, item_lines, raw_values = stored
    if isinstance(body, int):
        body = text[len(text) - body :]
    return Document(path, rel, text, meta, body, body_line, key_lines, item_lines, raw_values)


def cache_version() -> str:
    """The package version and a hash of the modules whose output the cache keeps."""
    from issuekb import __version__

    digest = hashlib.sha256(__version__.encode())
    here = Path(__file__).parent
    for name in ("load.py", "diagnostics.py", "cache.py"):
        digest.update((here / name).read_bytes())
    return f"{__version__}+{digest.hexdigest()[:16]}"


@dataclass(slots=True)
class ParseCache:
    """Documents of one knowledge base by absolute path; `load_document` with a memory."""

    file: Path
    version: str = field(default_factory=cache_version)
    entries: dict[str, _Entry] = field(default_factory=dict)
    #: paths asked for in this run: `save` drops every other entry (deleted or renamed files)
    seen: set[str] = field(default_factory=set)
    changed: bool = False
    hits: int = 0
    misses: int = 0

    @classmethod
    def open(cls, root: Path) -> ParseCache:
        """The cache of the knowledge base at `root`; empty when there is none or it cannot be used."""
        cache = cls(root / CACHE_DIR / CACHE_FILE)
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
            and stored.get("version") == cache.version
            and isinstance(stored.get("entries"), dict)
        ):
            cache.entries = stored["entries"]
        else:
            cache.changed = True
        return cache

    def load_document(
        self, path: Path, rel: str, *, require_front_matter: bool = True
    ) -> tuple[Document, list[Diagnostic]]:
        """`issuekb.load.load_document`, answered from the cache when the file is unchanged."""
        key = str(path)
        self.seen.add(key)
        try:
            stat = path.stat()
        except OSError:
            return load_document(path, rel, require_front_matter=require_front_matter)
        entry = self.entries.get(key)
        if (
            entry is not None
            and entry[0] == stat.st_size
            and entry[1] == stat.st_mtime_ns
            and entry[2] == require_front_matter
            and entry[3][0] == rel
        ):
            self.hits += 1
            return _restore(path, entry[3]), list(entry[4])
        self.misses += 1
        doc, diags = load_document(path, rel, require_front_matter=require_front_matter)
        if entry is not None:
            del self.entries[key]
            self.changed = True
        if time.time_ns() - stat.st_mtime_ns > _RACY_NS:
            stored = _store(doc)
            self.entries[key] = (stat.st_size, stat.st_mtime_ns, require_front_matter, stored, list(diags))
            self.changed = True
        return doc, diags

    def save(self) -> None:
        """Write the cache when it changed (atomically); entries of files not seen in this run are dropped."""
        stale = self.entries.keys() - self.seen
        for key in stale:
            del self.entries[key]
        if not (self.changed or stale):
            return
        data = pickle.dumps({"version": self.version, "entries": self.entries}, pickle.HIGHEST_PROTOCOL)
        with contextlib.suppress(OSError):
            atomic_write(self.file, data)
