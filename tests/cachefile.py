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
    """The base file: its index (key, generation, entries, note), its memo and its bulk."""

    index: dict[str, Any]
    memo: object
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
        index, (tag, memo) = pickle.load(handle), pickle.load(handle)
        generation, records, head, parts = pickle.load(handle)
    assert index["generation"] == generation == tag
    return CacheFile(index, memo, generation, records, head, parts)


def write(root: Path, cache: CacheFile) -> None:
    memo = pickle.dumps((cache.generation, cache.memo))
    index = pickle.dumps({**cache.index, "memo_size": len(memo)})
    bulk = pickle.dumps((cache.generation, cache.records, cache.head, cache.parts))
    (root / CACHE_DIR / CACHE_FILE).write_bytes(index + memo + bulk)
