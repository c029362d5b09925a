"""Markdown written for GitHub, rewritten so that Python-Markdown reads the same blocks.

GitHub reads a body as CommonMark (with GitHub's table, task-list and strikethrough extensions);
MkDocs and Zensical read it with Python-Markdown, which needs a blank line before a list or a table,
indents everything inside a list item by four columns, and knows no `1)` list marker. `for_python_markdown`
parses the text with markdown-it-py (a CommonMark parser) and rewrites only whitespace and list markers:

- a blank line goes before every block that follows a paragraph line directly (a list, a table, a fence,
  a heading, a quote), except where a list item's first paragraph is followed by its own nested block,
  which Python-Markdown reads without one;
- the content of a list item (continuation lines, nested lists, code blocks, tables, further
  paragraphs) is re-indented from its CommonMark column (the marker's width) to four columns per level;
- `1)` markers become `1.`, and a line inside a list item's first paragraph that Python-Markdown would
  take for a new item (`2019. was ...`) has its marker escaped;
- a backslash at the end of a paragraph line (a hard line break) becomes two trailing spaces;
- two lists that CommonMark keeps apart (a change of bullet character) get an empty HTML comment between
  them, so that Python-Markdown does not merge them;
- the inside of a block quote outside lists is rewritten the same way.

`differences` names what the rewrite leaves different (see its docstring); the `check` command reports
them. Same input, same output; the text outside the rewritten whitespace is never changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

__all__ = ["Difference", "differences", "for_python_markdown", "may_differ"]

_TAB = 4
#: Marks a line whose text moved into an earlier line.
_REMOVED = "\x00"
_ORDERED_RE = re.compile(r"(\d{1,9})([.)])")
_FENCE_RE = re.compile(r"(`{3,}|~{3,})")
#: A line Python-Markdown's list processors take for a new item when it sits inside an item's text.
_PM_ITEM_RE = re.compile(r"(\d+)(\.)[ ]|([*+-])[ ]")
_QUOTE_RE = re.compile(r"^ {0,3}> ?")
#: What a list item's first line holds, when it is not text, for the difference's message.
_OPENS = {
    "fence": "opens a code fence",
    "code_block": "holds indented code",
    "bullet_list": "holds a nested list",
    "ordered_list": "holds a nested list",
    "blockquote": "opens a quote",
    "heading": "is a heading",
    "hr": "is a rule",
    "table": "opens a table",
    "html_block": "opens an HTML block",
}
#: Blocks after which Python-Markdown starts the next list item without a blank line between.
_TEXTUAL = frozenset({"paragraph", "bullet_list", "ordered_list"})
_HTML_OPEN_RE = re.compile(r"^ {0,3}<([A-Za-z][A-Za-z0-9-]*)[\s>]")


#: Lines without which `differences` finds nothing: a list item whose first line opens another block (or
#: an indented code block), an indented quote or setext underline, an HTML block, a line indented by six
#: columns or more after a blank line (a code block inside a list item).
_SUSPECT_RE = re.compile(
    r"^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+(?:[-*+][ \t]|[-*+]$|\d{1,9}[.)](?:[ \t]|$)|[>#<|]|```|~~~|[-*_]{3})"
    r"|[ \t]{5,}\S)"
    r"|^[ \t]+(?:>|=+[ \t]*$|-+[ \t]*$)"
    r"|^ {0,3}<[A-Za-z]"
    r"|^[ \t]*\n[ \t]{6,}\S",
    re.MULTILINE,
)
_BULLET_RE = re.compile(r"^[ \t]*([-*+])[ \t]", re.MULTILINE)
_DELIMITER_RE = re.compile(r"^[ \t]*\d{1,9}([.)])[ \t]", re.MULTILINE)
_QUOTE_MARKS_RE = re.compile(r"^(?:[ \t]{0,3}>[ ]?)+", re.MULTILINE)
_LAZY_RE = re.compile(r"^[ \t]*>.*\n(?![ \t]*>)[ \t]*\S", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Difference:
    """A construct the site still renders differently from GitHub: 0-based line in the text, message."""

    line: int
    message: str


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _tree(text: str) -> SyntaxTreeNode:
    return SyntaxTreeNode(_parser().parse(text))


def _split_indent(line: str) -> tuple[int, str]:
    """(columns of leading whitespace with tabs expanded to stops of 4, the rest of the line)."""
    cols = 0
    for i, char in enumerate(line):
        if char == " ":
            cols += 1
        elif char == "\t":
            cols += _TAB - cols % _TAB
        else:
            return cols, line[i:]
    return cols, ""


def _strip_columns(line: str, count: int) -> str:
    """`line` without `count` columns of leading whitespace (all of it when it has less); a tab that
    straddles the boundary leaves spaces for its remaining columns, later tabs stay tabs."""
    cols = 0
    for i, char in enumerate(line):
        if cols >= count or char not in " \t":
            return " " * (cols - count) + line[i:] if cols > count else line[i:]
        cols += 1 if char == " " else _TAB - cols % _TAB
    return ""


@dataclass(frozen=True, slots=True)
class _Ctx:
    """Where blocks sit: their CommonMark content column, the column they get, the item they are in."""

    old: int = 0
    new: int = 0
    in_list: bool = False
    item_line: int = -1
    marker: int = 0


@dataclass
class _Plan:
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
            self.text[i] = " " * new + _strip_columns(line, old)

    def place(self, i: int, new: int) -> None:
        """Line i at column `new`, its own indentation dropped."""
        rest = _split_indent(self.lines[i])[1]
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


def _hard_breaks(plan: _Plan, node: SyntaxTreeNode) -> None:
    """A backslash ending a paragraph line (not the last) becomes two trailing spaces."""
    start, end = node.map or (0, 0)
    for i in range(start, end - 1):
        line = plan.text.get(i, plan.lines[i])
        stripped = line.rstrip("\\")
        if (len(line) - len(stripped)) % 2 == 1:
            plan.text[i] = line[:-1].rstrip() + "  "


def _escape_heading_like(line: str) -> str:
    """`#12 is ...` -> `\\#12 is ...`: Python-Markdown reads a `#` starting any text line as a heading."""
    cols, rest = _split_indent(line)
    return " " * cols + "\\" + rest if rest.startswith("#") else line


def _escape_item_like(line: str) -> str:
    """`2019. was` -> `2019\\. was`, `- x` -> `\\- x`: text Python-Markdown would take for an item."""
    cols, rest = _split_indent(line)
    match = _PM_ITEM_RE.match(rest)
    if match is None:
        return line
    number = match.group(1)
    return " " * cols + (number + "\\" + rest[match.end(1) :] if number is not None else "\\" + rest)


def _paragraph(plan: _Plan, node: SyntaxTreeNode, ctx: _Ctx) -> None:
    start, end = node.map or (0, 0)
    if ctx.in_list:
        first = start == ctx.item_line
        for i in range(start, end):
            if i == ctx.item_line:
                continue
            if first:
                plan.place(i, ctx.marker)
                plan.text[i] = _escape_item_like(plan.text[i])
            else:
                plan.place(i, ctx.new)
    for i in range(start, end):
        if i != ctx.item_line:
            plan.text[i] = _escape_heading_like(plan.text.get(i, plan.lines[i]))
    _hard_breaks(plan, node)


def _fence(plan: _Plan, node: SyntaxTreeNode, ctx: _Ctx) -> None:
    """In a list item, the fence moves to the item's column; an unclosed fence gets its closing line."""
    start, end = node.map or (0, 0)
    last = end - 1
    closing = _FENCE_RE.match(_split_indent(plan.lines[last])[1]) if last > start else None
    closed = (
        closing is not None
        and closing.group(1)[0] == node.markup[0]
        and len(closing.group(1)) >= len(node.markup)
        and not _split_indent(plan.lines[last])[1][closing.end() :].strip()
    )
    plan.shift(start, end, _split_indent(plan.lines[start])[0], ctx.new)
    if closed:
        plan.place(last, ctx.new)
    else:  # CommonMark ends it with its container; Python-Markdown would not see a code block
        plan.text[last] = plan.text.get(last, plan.lines[last]) + "\n" + " " * ctx.new + node.markup


def _marker_line(plan: _Plan, item: SyntaxTreeNode, ordered: bool, ctx: _Ctx) -> tuple[int, int]:
    """Rewrite an item's first line; return (its CommonMark content column, its marker's new column)."""
    line = item.map[0] if item.map else 0
    cols, rest = _split_indent(plan.lines[line])
    match = _ORDERED_RE.match(rest) if ordered else None
    marker = match.group(1) + "." if match else rest[:1]
    width = match.end() if match else 1
    after = rest[width:]
    spaces, content = _split_indent(after)
    spaces = _split_indent(" " * (cols + width) + after)[0] - cols - width  # tab stops from the line start
    if not content:
        content_col = cols + width + 1
    elif spaces > _TAB:
        content_col = cols + width + 1
        content = " " * (spaces - 1) + content
    else:
        content_col = cols + width + spaces
    column = ctx.new if ctx.in_list else 0
    content = (
        _escape_heading_like(content) if item.children and item.children[0].type == "paragraph" else content
    )
    plan.text[line] = " " * column + marker + (" " + content if content else " ")
    return content_col, column


def _needs_blank_after(plan: _Plan, item: SyntaxTreeNode) -> bool:
    """Whether Python-Markdown needs a blank line before the item after `item` to see a new item.

    It does after an item that ends in a block other than text or a list (it would read the next item
    as part of that block), and after an item holding a blank line (its indented blocks would swallow
    the next item's line).
    """
    children = item.children
    if children and children[-1].type not in _TEXTUAL:
        return True
    start, end = item.map or (0, 0)
    last = children[-1].map[1] if children and children[-1].map else end
    inside = range(start + 1, min(last, len(plan.lines)))
    return any(not plan.lines[i].strip() or i in plan.blank_before for i in inside)


def _list(plan: _Plan, node: SyntaxTreeNode, ctx: _Ctx) -> None:
    ordered = node.type == "ordered_list"
    previous: SyntaxTreeNode | None = None
    for item in node.children:
        start, end = item.map or (0, 0)
        if previous is not None and _needs_blank_after(plan, previous):
            plan.blank_before.add(start)
        previous = item
        content_col, column = _marker_line(plan, item, ordered, ctx)
        inner = _Ctx(old=content_col, new=column + _TAB, in_list=True, item_line=start, marker=column)
        plan.shift(start + 1, end, content_col, inner.new)
        children = item.children
        if children and children[0].map and children[0].map[0] == start and children[0].type != "paragraph":
            plan.differences.append(
                Difference(
                    start,
                    f"A list item whose first line {_OPENS.get(children[0].type, 'opens a block')}: the site renders it differently",
                )
            )
            marker_text = plan.text[start]
            _blocks(plan, children, inner)
            plan.text[start] = marker_text
            continue
        _blocks(plan, children, inner)


def _quote(plan: _Plan, node: SyntaxTreeNode, ctx: _Ctx) -> None:
    start, end = node.map or (0, 0)
    if ctx.in_list:
        plan.shift(start, end, ctx.old, ctx.new)
        if any(child.type.endswith("_list") for child in node.walk()):
            plan.differences.append(Difference(start, "A list inside a block quote inside a list item"))
        return
    inner_lines = []
    for i in range(start, end):
        line = plan.lines[i]
        match = _QUOTE_RE.match(line)
        if match is None and line.strip():
            plan.differences.append(Difference(i, "A quoted line without its `>` (a lazy continuation line)"))
            return
        inner_lines.append(line[match.end() :] if match else line)
    rewritten, found = _rewrite("\n".join(inner_lines))
    plan.differences += [Difference(start + d.line, d.message) for d in found]
    if rewritten == "\n".join(inner_lines):
        return
    new_lines = rewritten.split("\n")
    plan.text[start] = "\n".join("> " + line if line else ">" for line in new_lines)
    for i in range(start + 1, end):
        plan.text[i] = _REMOVED  # the first line carries the whole rewritten quote


def _html(plan: _Plan, node: SyntaxTreeNode, siblings: list[SyntaxTreeNode], index: int) -> None:
    """An HTML block whose element is closed only after Markdown blocks: Python-Markdown shows them raw."""
    start, end = node.map or (0, 0)
    match = _HTML_OPEN_RE.match(plan.lines[start])
    if match is None:
        return
    tag = match.group(1).lower()
    block = "\n".join(plan.lines[start:end]).lower()
    if block.count(f"<{tag}") <= block.count(f"</{tag}>"):
        return
    later = siblings[index + 1 :]
    closes = next(
        (k for k, s in enumerate(later) if s.type == "html_block" and f"</{tag}>" in _text(plan, s)), None
    )
    if closes is not None and closes > 0:
        plan.differences.append(
            Difference(start, f"Markdown inside an HTML <{tag}> element: the site shows it as raw text")
        )


def _text(plan: _Plan, node: SyntaxTreeNode) -> str:
    start, end = node.map or (0, 0)
    return "\n".join(plan.lines[start:end]).lower()


def _blocks(plan: _Plan, children: list[SyntaxTreeNode], ctx: _Ctx) -> None:
    previous: SyntaxTreeNode | None = None
    for index, node in enumerate(children):
        start, end = node.map or (0, 0)
        if previous is not None and previous.map:
            adjacent = previous.map[1] == start
            nested_in_first = ctx.in_list and previous.map[0] == ctx.item_line
            if adjacent and not nested_in_first and previous.type not in ("heading", "hr"):
                plan.blank_before.add(start)
            same = node.type == previous.type and node.type in ("bullet_list", "ordered_list", "blockquote")
            if same or (node.type == "code_block" and previous.type.endswith("_list")):
                _separate(plan, node, ctx)
        kind = node.type
        if kind == "paragraph":
            _paragraph(plan, node, ctx)
        elif kind in ("bullet_list", "ordered_list"):
            _list(plan, node, ctx)
        elif kind == "blockquote":
            _quote(plan, node, ctx)
        elif kind == "fence":
            _fence(plan, node, ctx)
        elif kind == "html_block":
            _html(plan, node, children, index)
            if ctx.in_list:
                opening = _split_indent(plan.lines[start])[0]
                plan.shift(start, end, opening, ctx.new)
        elif kind == "heading" and node.markup[:1] in ("=", "-"):
            _setext(plan, node, ctx)
        elif ctx.in_list:
            if kind == "code_block":
                plan.shift(start, end, ctx.old, ctx.new)
            else:
                for i in range(start, end):
                    plan.place(i, ctx.new)
        previous = node


def _setext(plan: _Plan, node: SyntaxTreeNode, ctx: _Ctx) -> None:
    """An underlined heading as one `#` line (Python-Markdown takes only one line above the underline)."""
    start, end = node.map or (0, 0)
    words = [_split_indent(plan.lines[i])[1].strip() for i in range(start, end - 1)]
    if start == ctx.item_line:
        return  # reported: the item starts with a block other than text
    level = "#" if node.markup[:1] == "=" else "##"
    plan.text[start] = " " * ctx.new + level + " " + " ".join(words)
    for i in range(start + 1, end):
        plan.text[i] = _REMOVED


def _separate(plan: _Plan, node: SyntaxTreeNode, ctx: _Ctx) -> None:
    """Two lists of one kind in a row (CommonMark split them on a change of marker), two quotes apart
    only by blank lines, a list and an indented code block: keep them apart, which Python-Markdown
    does not."""
    start = node.map[0] if node.map else 0
    if ctx.in_list:
        what = {"blockquote": "Two quotes", "code_block": "A list and a code block"}.get(
            node.type, "Two lists"
        )
        plan.differences.append(
            Difference(start, f"{what} in a row inside a list item: the site merges them")
        )
        return
    plan.separator_before.add(start)


def _rewrite(text: str) -> tuple[str, list[Difference]]:
    plan = _Plan(text.split("\n"))
    _blocks(plan, _tree(text).children, _Ctx())
    out = plan.build()
    if _REMOVED in out:
        out = "\n".join(line for line in out.split("\n") if line != _REMOVED)
    return out, plan.differences


def for_python_markdown(text: str) -> str:
    """`text` (CommonMark as GitHub reads it) rewritten so that Python-Markdown finds the same blocks."""
    return _rewrite(text)[0]


def may_differ(text: str) -> bool:
    """False when `differences(text)` is surely empty, decided by a scan of the lines (no parse)."""
    if ">" in text:
        if _LAZY_RE.search(text):
            return True
        text = _QUOTE_MARKS_RE.sub("", text)
    return (
        _SUSPECT_RE.search(text) is not None
        or len(set(_BULLET_RE.findall(text))) > 1
        or len(set(_DELIMITER_RE.findall(text))) > 1
    )


def differences(text: str) -> list[Difference]:
    """The constructs of `text` that the site still renders differently from GitHub, in line order.

    They are what `for_python_markdown` cannot rewrite: a list item whose first line opens a block other
    than text, a list inside a quote inside a list item, two lists of one kind in a row inside a list
    item, and Markdown between the tags of an HTML element (Python-Markdown keeps it as raw text).
    """
    if not may_differ(text):
        return []
    return sorted(_rewrite(text)[1], key=lambda d: d.line)
