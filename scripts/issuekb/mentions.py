"""`#N` and `owner/repo#N` mentions in Markdown, outside code spans, code blocks, links and URLs.

`find_mentions` feeds the link graph; `replace_mentions` lets a renderer turn each mention into a link.
Both use the same scanner, so what counts as a reference is what gets linked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

from issuekb.refs import IssueRef

__all__ = ["Mention", "find_mentions", "replace_mentions"]

_MENTION_RE = re.compile(
    r"(?<![\w/&#\[\\])(?:(?P<repo>[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]*[A-Za-z0-9_])#|#)(?P<num>[1-9][0-9]{0,6})\b(?!\])"
)
#: Regions where a `#N` is not a mention: inline code, Markdown links and images, autolinks, bare URLs,
#: HTML tags and comments.
_MASK_RE = re.compile(
    r"(?P<code>(?P<ticks>`+).+?(?P=ticks))"
    r"|!?\[[^\]\n]*\]\([^)\n]*\)"
    r"|!?\[[^\]\n]*\]\[[^\]\n]*\]"
    r"|<https?://[^>\s]+>"
    r"|https?://[^\s)>\]]+"
    r"|<!--.*?-->"
    r"|</?[A-Za-z][^>\n]*>"
)
_FENCE_RE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")


class Mention(NamedTuple):
    """A reference found in a body: 0-based line offset within the text, 1-based column, the ref."""

    line: int
    column: int
    ref: IssueRef
    text: str


def _segments(line: str) -> Iterator[tuple[int, str, bool]]:
    """Split a line into (start, text, scannable) pieces."""
    pos = 0
    for match in _MASK_RE.finditer(line):
        if match.start() > pos:
            yield pos, line[pos : match.start()], True
        yield match.start(), match.group(0), False
        pos = match.end()
    if pos < len(line):
        yield pos, line[pos:], True


def _lines(text: str) -> Iterator[tuple[int, str, bool]]:
    """(offset, line, in_code_block) for every line; indented code blocks count as code."""
    fence: str | None = None
    previous_blank = True
    for offset, line in enumerate(text.split("\n")):
        match = _FENCE_RE.match(line)
        if fence is not None:
            closing = match is not None and not line[match.end() :].strip()  # a closing fence has no info
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
    """Every mention outside code, in order."""
    found: list[Mention] = []
    if _MENTION_RE.search(text) is None:  # fast path: most texts hold no candidate at all
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
    """Rewrite every mention with `replace(ref, original_text)`; None keeps the original text."""
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
