"""The lines of a body and what happens to them: columns of indentation, the rewrite plan, escapes.

`Plan` holds, per line of the original text, its new text, whether a blank line or a separating comment
goes before it; `Plan.build` joins them. Nothing here parses Markdown: `issuekb.commonmark.rewrite`
decides what the plan says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it.tree import SyntaxTreeNode

__all__ = [
    "REMOVED",
    "TAB",
    "Ctx",
    "Difference",
    "Plan",
    "escape_heading_like",
    "escape_item_like",
    "hard_breaks",
    "split_indent",
    "strip_columns",
]

TAB = 4
#: Marks a line whose text moved into an earlier line.
REMOVED = "\x00"
#: A line Python-Markdown's list processors take for a new item when it sits inside an item's text.
_PM_ITEM_RE = re.compile(r"(\d+)(\.)[ ]|([*+-])[ ]")


@dataclass(frozen=True, slots=True)
class Difference:
    """A construct the site still renders differently from GitHub: 0-based line in the text, message."""

    line: int
    message: str


def split_indent(line: str) -> tuple[int, str]:
    """(columns of leading whitespace with tabs expanded to stops of 4, the rest of the line)."""
    cols = 0
    for i, char in enumerate(line):
        if char == " ":
            cols += 1
        elif char == "\t":
            cols += TAB - cols % TAB
        else:
            return cols, line[i:]
    return cols, ""


def strip_columns(line: str, count: int) -> str:
    """`line` without `count` columns of leading whitespace (all of it when it has less); a tab that
    straddles the boundary leaves spaces for its remaining columns, later tabs stay tabs."""
    cols = 0
    for i, char in enumerate(line):
        if cols >= count or char not in " \t":
            return " " * (cols - count) + line[i:] if cols > count else line[i:]
        cols += 1 if char == " " else TAB - cols % TAB
    return ""


@dataclass(frozen=True, slots=True)
class Ctx:
    """Where blocks sit: their CommonMark content column, the column they get, the item they are in."""

    old: int = 0
    new: int = 0
    in_list: bool = False
    item_line: int = -1
    marker: int = 0
    #: The item holds no blank line: Python-Markdown reads all of it as the item's one block of text.
    tight: bool = False


@dataclass
class Plan:
    """What happens to each line: a new text, a blank line before it, or a block of lines instead."""

    lines: list[str]
    text: dict[int, str] = field(default_factory=dict)
    blank_before: set[int] = field(default_factory=set)
    separator_before: set[int] = field(default_factory=set)
    differences: list[Difference] = field(default_factory=list)

    def shift(self, start: int, end: int, old: int, new: int) -> None:
        """Lines start..end-1 keep their indentation beyond column `old`, now counted from `new`."""
        for i in range(start, min(end, len(self.lines))):
            line = self.lines[i]
            if old == new == 0 or not line.strip():
                self.text[i] = line if old == new == 0 else ""
                continue
            self.text[i] = " " * new + strip_columns(line, old)

    def place(self, i: int, new: int) -> None:
        """Line i at column `new`, its own indentation dropped."""
        rest = split_indent(self.lines[i])[1]
        self.text[i] = " " * new + rest if rest else ""

    def build(self) -> str:
        out: list[str] = []
        for i, line in enumerate(self.lines):
            if i in self.separator_before:
                out += ["", "<!-- -->", ""]
            elif i in self.blank_before and out and out[-1].strip():
                out.append("")
            out.append(self.text.get(i, line))
        return "\n".join(out)


def hard_breaks(plan: Plan, node: SyntaxTreeNode) -> None:
    """A backslash ending a paragraph line (not the last) becomes two trailing spaces."""
    start, end = node.map or (0, 0)
    for i in range(start, end - 1):
        line = plan.text.get(i, plan.lines[i])
        stripped = line.rstrip("\\")
        if (len(line) - len(stripped)) % 2 == 1:
            plan.text[i] = line[:-1].rstrip() + "  "


def escape_heading_like(line: str) -> str:
    """`#12 is ...` -> `\\#12 is ...`: Python-Markdown reads a `#` starting any text line as a heading."""
    cols, rest = split_indent(line)
    return " " * cols + "\\" + rest if rest.startswith("#") else line


def escape_item_like(line: str) -> str:
    """`2019. was` -> `2019\\. was`, `- x` -> `\\- x`: text Python-Markdown would take for an item."""
    cols, rest = split_indent(line)
    match = _PM_ITEM_RE.match(rest)
    if match is None:
        return line
    number = match.group(1)
    return " " * cols + (number + "\\" + rest[match.end(1) :] if number is not None else "\\" + rest)
