"""Atomic writes: a temporary file in the same folder, fsync, then rename; untouched when unchanged."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["atomic_write", "write_if_changed"]


def atomic_write(path: Path, data: str | bytes) -> None:
    """Replace `path` with `data` (text in UTF-8) so that readers see the old file or the new one, never
    a mix: a temporary file in the same folder, fsync, rename. A replaced file keeps its permissions, a
    new one gets 0644; on failure the temporary file is removed and `path` is untouched."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
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
