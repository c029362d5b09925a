"""Which lines of a legacy analysis are about its own issue, and which belong to something else.

Fields and fix commits are read only from lines about the analysis's own issue. A line is out of scope
when it is inside fenced code, a quoted block (`>`), a section about related work or references
(Related Issues, Related Work, References, See also), a section whose heading names another issue and
not this one (a `---` rule ends a section), or a list item nested under an item (or an empty `**Related Issues**:` line) that names
another issue. `line_scopes` gives, per line, None (in scope) or the reason it is out of scope.
"""

from __future__ import annotations

import re
from collections.abc import Collection

__all__ = ["SKIP_SECTION_RE", "line_scopes", "other_issue", "own_numbers"]

_FENCE_RE = re.compile(r"^\s*(```|~~~)")
_HEADING_RE = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_QUOTE_RE = re.compile(r"^\s{0,3}>")
_RULE_RE = re.compile(r"\s{0,3}(?:-{3,}|\*{3,}|_{3,})\s*")
_ITEM_RE = re.compile(r"^(?P<indent>\s*)(?:[-*+]|\d+[.)])\s+")
_RELATED_FIELD_RE = re.compile(
    r"^\s*(?:[-*+]\s+)?\*\*(?:related[^*\n]*|see also)(?::\*\*|\*\*\s*:)\s*$", re.IGNORECASE
)
#: Headings of sections about other work: never read for this analysis's fields or fixes.
SKIP_SECTION_RE = re.compile(r"related|reference|see also|future", re.IGNORECASE)
#: An issue named in text: `#N`, `owner/repo#N` or an issue URL; `PR #N` and `pull request #N` are not.
_ISSUE_RE = re.compile(
    r"(?<!\bPR )(?<!\bPRs )(?<!\bPR)(?<!pull request )(?<![\w/&])#(?P<num>\d{1,15})\b"
    r"|github\.com/[^\s/]+/[^\s/]+/issues/(?P<url>\d{1,15})(?!\d)",
    re.IGNORECASE,
)


def _named(text: str) -> list[int]:
    return [int(m.group("num") or m.group("url")) for m in _ISSUE_RE.finditer(text)]


def other_issue(text: str, own: Collection[int]) -> int | None:
    """The first issue `text` names when it names another issue and not this one (`own`); else None."""
    if not own:
        return None
    named = _named(text)
    if any(n in own for n in named):
        return None
    return next((n for n in named), None)


def own_numbers(text: str, folder_number: int) -> frozenset[int]:
    """This analysis's issue numbers: its folder's, and the one its first `#` heading names."""
    fenced = False
    for line in text.split("\n"):
        if _FENCE_RE.match(line):
            fenced = not fenced
        heading = None if fenced else _HEADING_RE.match(line)
        if heading and len(heading.group("hashes")) == 1:
            found = re.search(r"#(\d{1,15})\b", heading.group("text"))
            return frozenset({folder_number, int(found.group(1))} if found else {folder_number})
    return frozenset({folder_number})


def _section_reason(headings: list[str], own: Collection[int]) -> str | None:
    for heading in headings:
        if SKIP_SECTION_RE.search(heading):
            return f"in the section {heading!r}"
        if (number := other_issue(heading, own)) is not None:
            return f"in the section {heading!r} about #{number}"
    return None


def line_scopes(text: str, own: Collection[int] = ()) -> list[str | None]:
    """Per line of `text` (index 0 is line 1): None when it is about this issue, else why it is not."""
    out: list[str | None] = []
    fenced = False
    headings: list[str] = []
    items: list[tuple[int, str | None]] = []  # open list items: (indent, reason their children inherit)
    for line in text.split("\n"):
        if _FENCE_RE.match(line) or fenced:
            if _FENCE_RE.match(line):
                fenced = not fenced
            out.append("in a code block")
            continue
        heading = _HEADING_RE.match(line)
        if heading:
            level = len(heading.group("hashes"))
            headings = [*headings[: level - 1], *([""] * max(0, level - 1 - len(headings)))]
            headings.append(heading.group("text"))
            items = []
            out.append(_section_reason(headings[1:], own))
            continue
        if _RULE_RE.fullmatch(line):
            headings = headings[:1]  # a `---` rule closes the section: what follows is about the page
        section = _section_reason(headings[1:], own)
        if _QUOTE_RE.match(line):
            out.append(section or "in a quoted block")
            continue
        item = _ITEM_RE.match(line)
        if _RELATED_FIELD_RE.match(line):
            items = [(len(item.group("indent").expandtabs(4)) if item else -1, "under a Related Issues line")]
            out.append(section)
            continue
        if item:
            indent = len(item.group("indent").expandtabs(4))
            while items and items[-1][0] >= indent:
                items.pop()
            inherited = next((reason for _, reason in reversed(items) if reason), None)
            number = other_issue(line, own)
            mine = inherited or (f"under the item about #{number}" if number is not None else None)
            items.append((indent, mine))
            out.append(section or inherited)
            continue
        if line.strip() and not line.startswith((" ", "\t")):
            items = []
        out.append(section)
    return out
