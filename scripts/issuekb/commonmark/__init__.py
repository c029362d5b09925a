"""Markdown written for GitHub, rewritten so that Python-Markdown reads the same blocks.

GitHub reads a body as CommonMark (with GitHub's table, task-list and strikethrough extensions);
MkDocs and Zensical read it with Python-Markdown, which needs a blank line before a list or a table,
indents everything inside a list item by four columns, and knows no `1)` list marker. `for_python_markdown`
parses the text with markdown-it-py (a CommonMark parser) and changes whitespace, list markers and a few
escapes, never the words:

- a blank line goes before every block that follows another one directly (after a heading or a rule
  none is needed), except where Python-Markdown reads the block as part of a list item's text: a list or
  a fence right under the item's first paragraph, and a paragraph in an item without blank lines;
- a blank line goes before a list item that follows an item holding a blank line;
- the content of a list item (continuation lines, nested lists, code blocks, tables, further
  paragraphs) is re-indented from its CommonMark column (the marker's width) to four columns per level;
- `1)` markers become `1.`; a text line inside a list item that Python-Markdown would take for a new
  item (`2019. was ...`) has its marker escaped, and a text line starting with `#` (`#12 is ...`),
  which Python-Markdown would take for a heading, its `#`;
- a backslash at the end of a paragraph line (a hard line break) becomes two trailing spaces;
- an unclosed fence gets its closing line, an underlined heading of several lines becomes one `#` line;
- two lists that CommonMark keeps apart (a change of bullet character), two quotes apart only by blank
  lines, and a list followed by an indented code block get an empty HTML comment between them, so that
  Python-Markdown does not merge them;
- the inside of a block quote outside lists is rewritten the same way.

`differences` names what the rewrite leaves different (see its docstring); the `check` command reports
them. Same input, same output; the text outside the rewritten whitespace is never changed.
"""

from __future__ import annotations

import re

from issuekb.commonmark.lines import Difference
from issuekb.commonmark.rewrite import rewrite

__all__ = ["Difference", "differences", "for_python_markdown", "may_differ"]

#: Lines without which `differences` finds nothing (group 1): a list item whose first line opens another
#: block (or an indented code block), an indented quote or setext underline, an HTML block, a line
#: indented by six columns or more after a blank line (a code block inside a list item); and every other
#: list item's marker, its bullet (`-`, `*`, `+`, group 2) or its ordered delimiter (`.`, `)`, group 3),
#: since two bullets or two delimiters make two lists. The scan runs on the text with a newline put in
#: front, and the pattern starts with that newline rather than `^`: the same lines match, and the regular
#: expression engine can jump from newline to newline.
_LINES_RE = re.compile(
    r"\n(?:("
    r"[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+(?:[-*+][ \t]|[-*+]$|\d{1,9}[.)](?:[ \t]|$)|(?:>|#{1,6}(?:[ \t]|$)|<[A-Za-z/!?]|\|)|```|~~~|[-*_]{3})"
    r"|[ \t]{5,}\S)"
    r"|[ \t]+(?:>|=+[ \t]*$|-+[ \t]*$)"
    r"| {0,3}</?[A-Za-z]"
    r"|[ \t]*\n[ \t]{6,}\S)"
    r"|[ \t]*(?:([-*+])|\d{1,9}([.)]))[ \t])",
    re.MULTILINE,
)
_QUOTE_MARKS_RE = re.compile(r"\n(?:[ \t]{0,3}>[ ]?)+")
_LAZY_RE = re.compile(r"\n[ \t]*>.*\n(?![ \t]*>)[ \t]*\S")


def for_python_markdown(text: str) -> str:
    """`text` (CommonMark as GitHub reads it) rewritten so that Python-Markdown finds the same blocks."""
    return rewrite(text)[0]


def may_differ(text: str) -> bool:
    """False when `differences(text)` is surely empty, decided by a scan of the lines (no parse)."""
    text = "\n" + text
    if ">" in text:
        if _LAZY_RE.search(text):
            return True
        text = _QUOTE_MARKS_RE.sub("\n", text)
    found = _LINES_RE.findall(text)
    return (
        any(suspect for suspect, _, _ in found)
        or len({bullet for _, bullet, _ in found} - {""}) > 1
        or len({delim for _, _, delim in found} - {""}) > 1
    )


def differences(text: str) -> list[Difference]:
    """The constructs of `text` that the site still renders differently from GitHub, in line order.

    They are what `for_python_markdown` cannot rewrite: a list item whose first line opens a block other
    than text, a list inside a quote inside a list item, two lists of one kind in a row inside a list
    item, and Markdown between the tags of an HTML element (Python-Markdown keeps it as raw text).
    """
    if not may_differ(text):
        return []
    return sorted(rewrite(text)[1], key=lambda d: d.line)
