"""Atomic writes: a temporary file in the same folder, fsync, then rename; untouched when unchanged."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

__all__ = ["atomic_write", "atomic_write_with", "write_if_changed"]


def atomic_write(path: Path, data: str | bytes) -> None:
    """Replace `path` with `data` so that readers see the old file or the new one, never a mix."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    atomic_write_with(path, lambda handle: handle.write(raw))


def atomic_write_with(path: Path, write: Callable[[BinaryIO], object], *, durable: bool = True) -> None:
    """`atomic_write` of what `write(handle)` writes: large data need not be held in memory whole.

    `durable=False` skips the fsync, for a file that may be lost in a crash (a cache checks what it reads).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        if path.exists():
            with contextlib.suppress(OSError):
                tmp.chmod(path.stat().st_mode & 0o7777)
        else:
            tmp.chmod(0o644)
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_if_changed(path: Path, data: str | bytes) -> bool:
    """Write atomically unless the file already holds exactly these bytes; True when it wrote."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if path.read_bytes() == raw:
            return False
    except OSError:
        pass
    atomic_write(path, raw)
    return True
