"""`issuekb rename`: the new folder name of an analysis, and the Markdown links that name the old one.

Links between analyses go by issue number (`related`, `duplicate_of`, `#1234` mentions) and follow a
rename by themselves; what names a folder is a relative Markdown link written by hand
(`[see](../1153-untitled/analysis.md)`). `relink` rewrites the old folder name where it is a whole path
segment of a link target (inline links and reference definitions), and nothing else. Pure: no I/O.
"""

from __future__ import annotations

import re

__all__ = ["relink"]

#: an inline link or image target `](target` and a reference definition `[label]: target`
_TARGET_RE = re.compile(r"(\]\(\s*<?)([^)\s>]+)|^( {0,3}\[[^\]]+\]:\s*<?)(\S+?)(?=>|\s|$)", re.MULTILINE)


def _retarget(target: str, old: str, new: str) -> str:
    if "://" in target or target.startswith("mailto:"):
        return target
    path, sep, rest = _split(target)
    parts = path.split("/")
    return "/".join(new if part == old else part for part in parts) + sep + rest


def _split(target: str) -> tuple[str, str, str]:
    for index, char in enumerate(target):
        if char in "#?":
            return target[:index], char, target[index + 1 :]
    return target, "", ""


def relink(text: str, old: str, new: str) -> str:
    """`text` with every relative link target whose path has the segment `old` pointing at `new`."""
    if old not in text:
        return text

    def swap(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return match.group(1) + _retarget(match.group(2), old, new)
        return match.group(3) + _retarget(match.group(4), old, new)

    return _TARGET_RE.sub(swap, text)
