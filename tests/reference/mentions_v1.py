"""`find_mentions` as it was before the fast path: scan every position of every candidate line.

Kept verbatim (less the parts the oracle does not need) so that `tests/test_fastpath.py` can check that
the faster scanner finds exactly the same mentions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from issuekb.mentions import _FENCE_RE, _MASK_RE, _MENTION_RE, Mention
from issuekb.refs import IssueRef


def _segments(line: str) -> Iterator[tuple[int, str, bool]]:
    pos = 0
    for match in _MASK_RE.finditer(line):
        if match.start() > pos:
            yield pos, line[pos : match.start()], True
        yield match.start(), match.group(0), False
        pos = match.end()
    if pos < len(line):
        yield pos, line[pos:], True


def _lines(text: str) -> Iterator[tuple[int, str, bool]]:
    fence: str | None = None
    previous_blank = True
    for offset, line in enumerate(text.split("\n")):
        match = _FENCE_RE.match(line)
        if fence is not None:
            closing = match is not None and not line[match.end() :].strip()
            if (
                match
                and closing
                and match.group("fence")[0] == fence[0]
                and len(match.group("fence")) >= len(fence)
            ):
                fence = None
                previous_blank = True
            yield offset, line, True
            continue
        if match:
            fence = match.group("fence")
            yield offset, line, True
            continue
        indented = line.startswith(("    ", "\t")) and previous_blank and bool(line.strip())
        if not indented:
            previous_blank = not line.strip()
        yield offset, line, indented


def find_mentions(text: str, default_repo: str) -> list[Mention]:
    found: list[Mention] = []
    if _MENTION_RE.search(text) is None:
        return found
    for offset, line, code in _lines(text):
        if code or "#" not in line or _MENTION_RE.search(line) is None:
            continue
        for start, piece, scannable in _segments(line):
            if not scannable:
                continue
            for match in _MENTION_RE.finditer(piece):
                ref = IssueRef(match.group("repo") or default_repo, int(match.group("num")))
                found.append(Mention(offset, start + match.start() + 1, ref, match.group(0)))
    return found


def replace_mentions(text: str, default_repo: str, replace: Callable[[IssueRef, str], str | None]) -> str:
    if _MENTION_RE.search(text) is None:
        return text
    out: list[str] = []
    for _offset, line, code in _lines(text):
        if code or "#" not in line or _MENTION_RE.search(line) is None:
            out.append(line)
            continue
        pieces: list[str] = []
        for _start, piece, scannable in _segments(line):
            if not scannable:
                pieces.append(piece)
                continue

            def sub(match: re.Match[str]) -> str:
                ref = IssueRef(match.group("repo") or default_repo, int(match.group("num")))
                result = replace(ref, match.group(0))
                return match.group(0) if result is None else result

            pieces.append(_MENTION_RE.sub(sub, piece))
        out.append("".join(pieces))
    return "\n".join(out)
