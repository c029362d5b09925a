"""The record cache's files as tests read and change them (`issuekb.cachestore` has the format).

`read` folds the journal into the base file first (`RecordCache.compact`), so that a test sees every
entry, record, part and the memo in one place; `write` writes them back as a base file, which the next
run reads as its own.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conftest import TODAY
from issuekb.cache import CACHE_DIR, CACHE_FILE, RecordCache
from issuekb.cachestore import JOURNAL_FILE
from issuekb.config import load_config


@dataclass
class CacheFile:
    """The base file: its index (key, generation, entries, memo) and its bulk."""

    index: dict[str, Any]
    generation: str
    records: dict[str, bytes]
    #: the head value, pickled (None: none kept)
    head: bytes | None
    #: each folder's part, pickled as one dict (None: none kept)
    parts: bytes | None


def read(root: Path) -> CacheFile:
    """The cache of the knowledge base at `root`, with no journal left beside it."""
    cache = RecordCache.open(load_config(root), TODAY)
    assert cache.compact()
    assert not (root / CACHE_DIR / JOURNAL_FILE).exists()
    with (root / CACHE_DIR / CACHE_FILE).open("rb") as handle:
        index, (generation, records, head, parts) = pickle.load(handle), pickle.load(handle)
    assert index["generation"] == generation
    return CacheFile(index, generation, records, head, parts)


def write(root: Path, cache: CacheFile) -> None:
    bulk = (cache.generation, cache.records, cache.head, cache.parts)
    (root / CACHE_DIR / CACHE_FILE).write_bytes(pickle.dumps(cache.index) + pickle.dumps(bulk))
