"""Script links in a Markdown body: links, images, reference definitions and autolinks whose target is
a `javascript:`, `data:` or `vbscript:` URL (`escape.is_script_url`), outside code.

Bodies keep Markdown's raw HTML (they are the maintainers' pages); a script link in Markdown syntax is
still worth a warning, since it is easy to paste from an issue without noticing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from issuekb.render.escape import is_script_url

__all__ = ["ScriptLink", "script_links"]

#: `[text](target` and `![alt](target`: the target up to a space or an unbalanced `)`.
_INLINE_RE = re.compile(r"!?\[[^\]\n]*\]\(\s*<?(?P<url>(?:[^()\s>]|\([^()\s>]*\))+)")
#: `[label]: target`
_DEFINITION_RE = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*<?(?P<url>[^\s>]+)")
#: `<scheme:...>`
_AUTOLINK_RE = re.compile(r"<(?P<url>[A-Za-z][A-Za-z0-9+.-]*:[^>\s]*)>")
_CODE_SPAN_RE = re.compile(r"(`+).+?\1")
#: A fence line, found from newline to newline in the text with a newline put in front (the pattern
#: starts with the newline rather than `^`, so the engine jumps from newline to newline).
_FENCE_RE = re.compile(r"\n {0,3}(`{3,}|~{3,})")


class ScriptLink(NamedTuple):
    """A script link: 0-based line offset within the text, 1-based column, the target as written."""

    line: int
    column: int
    url: str


def script_links(text: str) -> Iterator[ScriptLink]:
    """Every script link outside fenced code and code spans, in order.

    Only lines holding a `:` or a `&` can hold one (every target a browser runs names its scheme with a
    colon, written as is or as a character reference such as `&#58;`), so the text is read from such
    line to such line; where a line holds a script link, the fenced code blocks of the text are found to
    tell whether it is code.
    """
    fenced: list[tuple[int, int]] | None = None
    for start, end in _marked_lines(text):
        links = _line_links(text[start:end])
        if links and fenced is None:
            fenced = _fenced_spans(text)
        if links and not any(first <= start <= last for first, last in fenced or ()):
            for column, url in links:
                yield ScriptLink(text.count("\n", 0, start), column, url)


def _marked_lines(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) offsets of every line holding a `:` or a `&`, in order, each once."""
    colon, amp = text.find(":"), text.find("&")
    while colon >= 0 or amp >= 0:
        mark = min(colon, amp) if colon >= 0 and amp >= 0 else max(colon, amp)
        start = text.rfind("\n", 0, mark) + 1
        end = text.find("\n", mark)
        end = len(text) if end < 0 else end
        yield start, end
        if colon >= 0 and colon < end:
            colon = text.find(":", end)
        if amp >= 0 and amp < end:
            amp = text.find("&", end)


def _fenced_spans(text: str) -> list[tuple[int, int]]:
    """(first, last) offsets of every fenced code block, fence lines included; an unclosed fence runs to
    the end of the text. A fence closes on a line of at least as many of the same character."""
    spans: list[tuple[int, int]] = []
    fence: str | None = None
    opened = 0
    for match in _FENCE_RE.finditer("\n" + text):  # match.start(): the line's start in `text`
        marks = match.group(1)
        if fence is None:
            fence, opened = marks, match.start()
        elif marks[0] == fence[0] and len(marks) >= len(fence):
            spans.append((opened, match.start()))
            fence = None
    if fence is not None:
        spans.append((opened, len(text)))
    return spans


def _line_links(line: str) -> list[tuple[int, str]]:
    """(1-based column, target) of the script links of one line outside code spans, in order."""
    if "](" not in line and "]:" not in line and "<" not in line:
        return []  # none of the three patterns can match
    plain = _CODE_SPAN_RE.sub(lambda m: " " * len(m.group(0)), line)
    found = [m for pattern in (_INLINE_RE, _DEFINITION_RE, _AUTOLINK_RE) for m in pattern.finditer(plain)]
    return [
        (m.start("url") + 1, m.group("url"))
        for m in sorted(found, key=lambda m: m.start("url"))
        if is_script_url(m.group("url"))
    ]
