"""The rewrite itself: markdown-it-py's block tree of a body -> a `Plan` for its lines.

Each kind of block has its function; `rewrite` walks the tree and returns the new text with the
differences it could not remove. See the package's docstring for what changes.
"""

from __future__ import annotations

import re
from functools import cache

from markdown.util import BLOCK_LEVEL_ELEMENTS
from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from issuekb.commonmark.lines import (
    REMOVED,
    TAB,
    Ctx,
    Difference,
    Plan,
    escape_heading_like,
    escape_item_like,
    hard_breaks,
    split_indent,
)

__all__ = ["rewrite"]

_ORDERED_RE = re.compile(r"(\d{1,9})([.)])")
_FENCE_RE = re.compile(r"(`{3,}|~{3,})")
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
#: Blocks that may follow a list item's first paragraph without a blank line in Python-Markdown too.
_ATTACHABLE = frozenset({"bullet_list", "ordered_list", "fence"})
_TEXT_OR_FENCE = frozenset({"paragraph", "fence"})
_MARKDOWN_ATTR_RE = re.compile(r"^[^>]*\smarkdown(?:=\S*)?[\s>]")
_HTML_OPEN_RE = re.compile(r"^ {0,3}<([A-Za-z][A-Za-z0-9-]*)[\s>]")


@cache
def _parser() -> MarkdownIt:
    """CommonMark with GitHub's tables, blocks only: the rewrite reads the kinds of blocks and their
    lines, never inline content, so the inline rules do not run."""
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).disable("inline")


def _tree(text: str) -> SyntaxTreeNode:
    return SyntaxTreeNode(_parser().parse(text))


def _paragraph(plan: Plan, node: SyntaxTreeNode, ctx: Ctx) -> None:
    start, end = node.map or (0, 0)
    if ctx.in_list:
        first = start == ctx.item_line
        for i in range(start, end):
            if i == ctx.item_line:
                continue
            plan.place(i, ctx.marker if first else ctx.new)
            if first or ctx.tight:
                plan.text[i] = escape_item_like(plan.text[i])
    for i in range(start, end):
        if i != ctx.item_line:
            plan.text[i] = escape_heading_like(plan.text.get(i, plan.lines[i]))
    hard_breaks(plan, node)


def _fence(plan: Plan, node: SyntaxTreeNode, ctx: Ctx) -> None:
    """In a list item, the fence moves to the item's column; an unclosed fence gets its closing line."""
    start, end = node.map or (0, 0)
    last = end - 1
    closing = _FENCE_RE.match(split_indent(plan.lines[last])[1]) if last > start else None
    closed = (
        closing is not None
        and closing.group(1)[0] == node.markup[0]
        and len(closing.group(1)) >= len(node.markup)
        and not split_indent(plan.lines[last])[1][closing.end() :].strip()
    )
    plan.shift(start, end, split_indent(plan.lines[start])[0], ctx.new)
    if closed:
        plan.place(last, ctx.new)
    else:  # CommonMark ends it with its container; Python-Markdown would not see a code block
        plan.text[last] = plan.text.get(last, plan.lines[last]) + "\n" + " " * ctx.new + node.markup


def _marker_line(plan: Plan, item: SyntaxTreeNode, ordered: bool, ctx: Ctx) -> tuple[int, int]:
    """Rewrite an item's first line; return (its CommonMark content column, its marker's new column)."""
    line = item.map[0] if item.map else 0
    cols, rest = split_indent(plan.lines[line])
    match = _ORDERED_RE.match(rest) if ordered else None
    marker = match.group(1) + "." if match else rest[:1]
    width = match.end() if match else 1
    after = rest[width:]
    spaces, content = split_indent(after)
    spaces = split_indent(" " * (cols + width) + after)[0] - cols - width  # tab stops from the line start
    if not content:
        content_col = cols + width + 1
    elif spaces > TAB:
        content_col = cols + width + 1
        content = " " * (spaces - 1) + content
    else:
        content_col = cols + width + spaces
    column = ctx.new if ctx.in_list else 0
    content = (
        escape_heading_like(content) if item.children and item.children[0].type == "paragraph" else content
    )
    plan.text[line] = " " * column + marker + (" " + content if content else " ")
    return content_col, column


def _holds_blank(plan: Plan, item: SyntaxTreeNode, added: set[int]) -> bool:
    """Whether `item` holds a blank line outside code fences, given or in `added` (blank lines to come)."""
    children = item.children
    start, end = item.map or (0, 0)
    last = children[-1].map[1] if children and children[-1].map else end
    fenced: set[int] = set()
    for node in item.walk():
        if node.type == "fence" and node.map:
            fenced.update(range(node.map[0] + 1, node.map[1]))
    inside = (i for i in range(start + 1, min(last, len(plan.lines))) if i not in fenced)
    return any(not plan.lines[i].strip() or i in added for i in inside)


def _list(plan: Plan, node: SyntaxTreeNode, ctx: Ctx) -> None:
    ordered = node.type == "ordered_list"
    previous: SyntaxTreeNode | None = None
    for item in node.children:
        start, end = item.map or (0, 0)
        if previous is not None and _holds_blank(plan, previous, plan.blank_before):
            # the blocks after that blank line are indented blocks of the item to Python-Markdown,
            # which would swallow this item's first line
            plan.blank_before.add(start)
        previous = item
        content_col, column = _marker_line(plan, item, ordered, ctx)
        tight = not _holds_blank(plan, item, set())
        inner = Ctx(content_col, column + TAB, True, start, column, tight)
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


def _quote(plan: Plan, node: SyntaxTreeNode, ctx: Ctx) -> None:
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
    rewritten, found = rewrite("\n".join(inner_lines))
    plan.differences += [Difference(start + d.line, d.message) for d in found]
    if rewritten == "\n".join(inner_lines):
        return
    new_lines = rewritten.split("\n")
    plan.text[start] = "\n".join("> " + line if line else ">" for line in new_lines)
    for i in range(start + 1, end):
        plan.text[i] = REMOVED  # the first line carries the whole rewritten quote


def _html(plan: Plan, node: SyntaxTreeNode, siblings: list[SyntaxTreeNode], index: int) -> None:
    """An HTML block whose element is closed only after Markdown blocks (Python-Markdown shows them raw),
    or whose lines Python-Markdown reads as Markdown (after a closing or an inline tag)."""
    start, end = node.map or (0, 0)
    match = _HTML_OPEN_RE.match(plan.lines[start])
    tag = match.group(1).lower() if match else ""
    if end - start > 1 and (match is None or tag not in BLOCK_LEVEL_ELEMENTS):
        message = "Lines right after this HTML tag: GitHub shows them as raw HTML, the site as Markdown"
        plan.differences.append(Difference(start, message))
        return
    if match is None or _MARKDOWN_ATTR_RE.search(plan.lines[start]):
        return  # `<details markdown>`: md_in_html reads the Markdown inside, as GitHub does
    depth = 0
    for i in range(start, end):
        line = plan.lines[i].lower()
        depth += line.count(f"<{tag}") - line.count(f"</{tag}>")
        if depth <= 0:
            if any(plan.lines[k].strip() for k in range(i + 1, end)):
                message = f"Lines right after </{tag}>: GitHub shows them as raw HTML, the site as Markdown"
                plan.differences.append(Difference(i + 1, message))
            return
    later = siblings[index + 1 :]
    closes = next(
        (k for k, s in enumerate(later) if s.type == "html_block" and f"</{tag}>" in _text(plan, s)), None
    )
    if later and closes != 0:  # Markdown blocks before the closing tag, or no closing tag at all
        plan.differences.append(
            Difference(start, f"Markdown inside an HTML <{tag}> element: the site shows it as raw text")
        )


def _text(plan: Plan, node: SyntaxTreeNode) -> str:
    start, end = node.map or (0, 0)
    return "\n".join(plan.lines[start:end]).lower()


def _blocks(plan: Plan, children: list[SyntaxTreeNode], ctx: Ctx) -> None:
    previous: SyntaxTreeNode | None = None
    # Python-Markdown reads a list item as one block of text up to its first blank line: a list or a
    # fence right under that text belongs to it, and in an item without blank lines a paragraph too.
    # Any other block needs a blank line before it.
    attached = ctx.in_list and bool(children) and (children[0].map or (0, 0))[0] == ctx.item_line
    for index, node in enumerate(children):
        start, end = node.map or (0, 0)
        if previous is not None and previous.map:
            adjacent = previous.map[1] == start
            joins = (
                attached
                and adjacent
                and previous.type in _TEXT_OR_FENCE
                and (node.type in _ATTACHABLE or (ctx.tight and node.type == "paragraph"))
            )
            attached = joins
            if adjacent and not joins and previous.type not in ("heading", "hr"):
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
                opening = split_indent(plan.lines[start])[0]
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


def _setext(plan: Plan, node: SyntaxTreeNode, ctx: Ctx) -> None:
    """An underlined heading as one `#` line (Python-Markdown takes only one line above the underline)."""
    start, end = node.map or (0, 0)
    words = [split_indent(plan.lines[i])[1].strip() for i in range(start, end - 1)]
    if start == ctx.item_line:
        return  # reported: the item starts with a block other than text
    level = "#" if node.markup[:1] == "=" else "##"
    heading = " ".join(words)
    if (len(heading) - len(heading.rstrip("\\"))) % 2:
        # CommonMark shows a heading's last backslash as it is; Python-Markdown would read it as an
        # escaped line end and run the heading into the next line: doubled, it is one shown backslash.
        heading += "\\"
    plan.text[start] = " " * ctx.new + level + " " + heading
    for i in range(start + 1, end):
        plan.text[i] = REMOVED


def _separate(plan: Plan, node: SyntaxTreeNode, ctx: Ctx) -> None:
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


def rewrite(text: str) -> tuple[str, list[Difference]]:
    plan = Plan(text.split("\n"))
    _blocks(plan, _tree(text).children, Ctx())
    out = plan.build()
    if REMOVED in out:
        out = "\n".join(line for line in out.split("\n") if line != REMOVED)
    return out, plan.differences
