"""What the prose of a legacy analysis says: the title in its heading, the fix it states, its priority.

These are weaker sources than field lines. A commit counts as "stated as the fix" when a paragraph
names it after the word *commit* (`fixed by commit 4f1c2ab`, `commits 0b7d3e9 and 77aa1f0`) or as inline
code (`` `4f1c2ab` ``) and either says fix / fixed / resolved / implemented or sits in a section about
the fix (Implementation, Resolution, Fix, Solution, Changes, Commits); a list item or a table row that
starts with a SHA counts in such a section. Each list item and each table row is a paragraph.
Only lines about the analysis's own issue are read (`scope`), and a paragraph or list item that names
another issue and not this one states that issue's fix.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from issuekb.core.schema import PRIORITIES
from issuekb.importer.scope import line_scopes, other_issue
from issuekb.importer.values import read_prs

__all__ = ["FixMention", "fix_mentions", "heading_title", "priority_section"]

_FENCE_RE = re.compile(r"^\s*(```|~~~)")
_HEADING_RE = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_LIST_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_TITLE_RE = re.compile(r"^(?P<pre>[^#]{0,40}?)#(?P<num>\d{1,15})\b\s*(?:[:\-–—]\s*)?(?P<title>.*)$")
_FIX_WORDS_RE = re.compile(r"\b(?:fix|fixes|fixed|fixing|resolved?|resolves|implemented)\b", re.IGNORECASE)
_FIX_SECTION_RE = re.compile(r"implementation|resolution|\bfix|solution|changes|\bcommits?\b", re.IGNORECASE)
_COMMIT_RUN_RE = re.compile(
    r"\bcommits?\b\s*:?\s*((?:[`*]*[0-9a-fA-F]{7,40}[`*]*(?:\s*(?:,|and|&|\+)\s*)?)+)", re.IGNORECASE
)
_LEADING_SHA_RE = re.compile(r"^\s*[-*+]\s+[`*]*([0-9a-f]{7,40})[`*]*\s*(?:[:\-–—(]|$)")
_SHA_RE = re.compile(r"[0-9a-f]{7,40}")
_CODE_SHA_RE = re.compile(r"`([0-9a-f]{7,40})`")
#: A SHA in inline code counts outside a fix section only beside one of these words.
_FIXED_RE = re.compile(r"\b(?:fixed|fixes|resolved|resolves|implemented)\b", re.IGNORECASE)
_ROW_SHA_RE = re.compile(r"^\s*\|\s*[`*]*([0-9a-f]{7,40})[`*]*\s*\|")


@dataclass(frozen=True, slots=True)
class FixMention:
    """A paragraph of the body that states a fix: its first line and the commits and PRs it names."""

    line: int
    shas: tuple[str, ...]
    prs: tuple[int, ...]


def heading_title(heading: str) -> tuple[int | None, str]:
    """`Issue #42: Crash on reload` -> (42, 'Crash on reload'); a heading without `#N` is all title."""
    match = _TITLE_RE.match(heading.strip())
    if match and (not match.group("pre").strip() or "issue" in match.group("pre").lower()):
        return int(match.group("num")), match.group("title").strip()
    return None, heading.strip()


def _paragraphs(
    text: str, skip: set[int], scopes: list[str | None]
) -> list[tuple[int, list[str], list[str]]]:
    """(first line, open headings, lines) of every paragraph and list item about this issue."""
    out: list[tuple[int, list[str], list[str]]] = []
    headings: list[str] = []
    current: list[str] = []
    start = 0
    fenced = False

    def flush() -> None:
        nonlocal current
        if current:
            out.append((start, list(headings), current))
        current = []

    for offset, line in enumerate(text.split("\n")):
        lineno = offset + 1
        if _FENCE_RE.match(line):
            flush()
            fenced = not fenced
            continue
        if fenced:
            continue
        heading = _HEADING_RE.match(line)
        if heading:
            flush()
            level = len(heading.group("hashes"))
            headings = [
                *headings[: level - 1],
                *([""] * max(0, level - 1 - len(headings))),
                heading.group("text"),
            ]
            continue
        if not line.strip() or lineno in skip or scopes[offset] is not None:
            flush()
            continue
        if _LIST_RE.match(line) or line.lstrip().startswith("|"):
            flush()  # each list item and each table row is a paragraph of its own
        if not current:
            start = lineno
        current.append(line)
    flush()
    return out


def fix_mentions(text: str, skip: set[int], own: Collection[int] = ()) -> list[FixMention]:
    """Every paragraph that states a fix commit (field lines, whose numbers are in `skip`, excluded).

    Only lines about this issue count (`scope.line_scopes`), and a paragraph or list item that names
    another issue and not one of `own` is about that issue, not this one.
    """
    found: list[FixMention] = []
    for line, headings, lines in _paragraphs(text, skip, line_scopes(text, own)):
        joined = " ".join(lines)
        if other_issue(joined, own) is not None:
            continue
        in_fix_section = any(_FIX_SECTION_RE.search(h) for h in headings)
        if not in_fix_section and not _FIX_WORDS_RE.search(joined):
            continue
        shas = [sha for run in _COMMIT_RUN_RE.findall(joined) for sha in _SHA_RE.findall(run)]
        if in_fix_section or _FIXED_RE.search(joined):
            shas += _CODE_SHA_RE.findall(joined)
        if in_fix_section and (lead := _LEADING_SHA_RE.match(lines[0]) or _ROW_SHA_RE.match(lines[0])):
            shas.insert(0, lead.group(1))
        shas = [sha for sha in dict.fromkeys(shas) if any(c.isdigit() for c in sha)]
        if shas:
            found.append(FixMention(line, tuple(shas), tuple(read_prs(joined, bare=False))))
    return found


def priority_section(text: str) -> tuple[int, str] | None:
    """A `## Priority` section whose first word is a priority (`**HIGH** (same as #1143)`) -> (line, 'high')."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        heading = _HEADING_RE.match(line)
        if not heading or heading.group("text").strip(" *:").lower() != "priority":
            continue
        for offset in range(index + 1, len(lines)):
            following = lines[offset].strip()
            if not following:
                continue
            word = re.match(r"[*_`\s]*([A-Za-z]+)", following)
            if word and word.group(1).lower() in PRIORITIES:
                return offset + 1, word.group(1).lower()
            return None
    return None
