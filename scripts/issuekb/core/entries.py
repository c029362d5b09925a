"""What a folder holds, asked without raising: the tools read regular files only.

A symbolic link is followed to what it names; a dangling link, a loop of links, a folder, a named pipe
(FIFO), a device or a socket where a file is expected is described in words (`odd_entry`) so that a
diagnostic can name the file and say what is wrong, instead of the entry silently not counting (or a
read blocking forever on a FIFO, or ELOOP ending the run).
"""

from __future__ import annotations

import errno
import os
import stat

__all__ = ["entry_names", "odd_entry", "read_regular"]


def entry_names(folder: str) -> frozenset[str]:
    """The names of every entry in `folder`, whatever it is: reading one that is not a regular file
    then says what it is (`odd_entry`). Raises OSError when `folder` cannot be listed."""
    return frozenset(os.listdir(folder))  # noqa: PTH208 - a str, and names only


def read_regular(path: str) -> bytes:
    """The bytes of the regular file `path` (symbolic links followed). Anything else (a FIFO, whose open
    would block, a folder, a device) is an OSError, as is a file that cannot be read."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        chunks = [os.read(fd, 1 << 20)]
        while chunks[-1]:
            chunks.append(os.read(fd, 1 << 20))
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) == 2 else b"".join(chunks)


def odd_entry(path: str) -> str | None:
    """Why `path` is not a readable regular file ("is a folder", "is a dangling symbolic link", ...), or
    None when it is one or does not exist at all."""
    try:
        link = stat.S_ISLNK(os.lstat(path).st_mode)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    try:
        mode = os.stat(path).st_mode  # noqa: PTH116 - a str
    except FileNotFoundError:
        return f"is a dangling symbolic link (to {_target(path)})"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "is a loop of symbolic links"
        return f"cannot be read ({exc.strerror or exc})"
    kind = _kind(mode)
    if kind is None:
        return None
    return f"is a symbolic link to {kind}" if link else f"is {kind}"


def _kind(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a regular file"
    return "not a regular file"


def _target(path: str) -> str:
    try:
        return repr(os.readlink(path))  # noqa: PTH115 - a str
    except OSError:
        return "nowhere"
