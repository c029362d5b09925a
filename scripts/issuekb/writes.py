"""Atomic writes: a temporary file in the same folder, fsync, then rename; untouched when unchanged.

Every temporary file is named `.<target name>.<process id>-<random>.issuekb-tmp` (`TMP_SUFFIX`; git
ignores `*.issuekb-tmp`). A run that is killed between creating and renaming one leaves it behind; the
next write to the same folder removes the temporary files of processes that are gone (`sweep_stale`),
and loading the knowledge base does the same in every analysis folder. A live process's files are kept:
two runs at the same time do not remove each other's work.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "TMP_SUFFIX",
    "atomic_write",
    "is_stale_tmp",
    "sweep_stale",
    "write_if_changed",
]

#: the suffix of every temporary file of an atomic write
TMP_SUFFIX = ".issuekb-tmp"
#: the longest part of the target's name kept in a temporary file's name (file names end at 255 bytes)
_NAME_KEPT = 64


def atomic_write(path: Path, data: str | bytes) -> None:
    """Replace `path` with `data` (text in UTF-8) so that readers see the old file or the new one, never
    a mix: a temporary file in the same folder, fsync, rename. A replaced file keeps its permissions, a
    new one gets 0644; on failure the temporary file is removed and `path` is untouched."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale(path.parent)
    prefix = f".{path.name[:_NAME_KEPT]}.{os.getpid()}-"
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=TMP_SUFFIX, dir=path.parent)
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
            sweep_stale(path.parent)
            return False
    except OSError:
        pass
    atomic_write(path, raw)
    return True


def is_stale_tmp(name: str) -> bool:
    """Whether `name` is a temporary file of an atomic write whose process no longer runs."""
    if not (name.startswith(".") and name.endswith(TMP_SUFFIX)):
        return False
    pid_text = name[: -len(TMP_SUFFIX)].rpartition(".")[2].partition("-")[0]
    if not pid_text.isdigit() or len(pid_text) > 10:
        return True  # not one of ours by the pattern's rule: an older version's, or damaged
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # alive, owned by someone else
    return False


def sweep_stale(folder: Path, names: Iterable[str] | None = None) -> list[str]:
    """Remove the stale temporary files and staging folders (`is_stale_tmp`) in `folder` (among `names`
    when given, else its listing); the names removed. Errors are ignored: a file that cannot be removed is only clutter."""
    removed: list[str] = []
    try:
        listing = list(names) if names is not None else [entry.name for entry in folder.iterdir()]
    except OSError:
        return removed
    for name in listing:
        if is_stale_tmp(name):
            path = folder / name
            with contextlib.suppress(OSError):
                if path.is_dir() and not path.is_symlink():  # the staging folder of a new analysis
                    shutil.rmtree(path)
                else:
                    path.unlink()
                removed.append(name)
    return removed
