"""`child_path`: a path below a folder, built without parsing the folder's path again.

Every run with the record cache builds a `Path` for each of thousands of analysis files that it does not
read (the restored records keep where they are). `Path.joinpath` parses the whole path each time, about a
microsecond and a half apiece here; on CPython 3.11 pathlib's own constructor from parsed parts takes a
tenth of that. It is private API, so it is used only on the version whose pathlib it was checked against
(`tests/test_childpath.py` compares both ways), and every other version takes the public way.
"""

from __future__ import annotations

import sys
from pathlib import Path, PurePath
from typing import Any

__all__ = ["child_path"]

_FROM_PARTS = sys.version_info[:2] == (3, 11) and hasattr(PurePath, "_from_parsed_parts")


def child_path(folder: Path, *names: str) -> Path:
    """`folder.joinpath(*names)`, for plain names: neither empty, nor holding a `/`, nor `.` or `..`."""
    if _FROM_PARTS:
        parsed: Any = folder
        path: Path = parsed._from_parsed_parts(parsed._drv, parsed._root, [*parsed._parts, *names])
        return path
    return folder.joinpath(*names)
