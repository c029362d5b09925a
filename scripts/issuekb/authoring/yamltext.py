"""YAML scalars and flow collections as text: where a value sits on its line, how it is quoted, and
how a value is written back in a given style. Used by `frontmatter_edit`; no YAML re-dump anywhere.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

import yaml_rs

__all__ = [
    "KEY_RE",
    "EditError",
    "Scalar",
    "Value",
    "around",
    "flow_items",
    "is_comment_or_blank",
    "loads_as",
    "render_scalar",
    "scan_flow",
    "scan_quoted",
    "split_eol",
    "style_of",
]

#: A value the editor writes: strings follow the old quoting style; ints and dates are always plain.
Scalar = str | int | dt.date

#: A top-level key line's key and colon.
KEY_RE = re.compile(r"""^(?P<key>"[^"]*"|'[^']*'|[A-Za-z_][A-Za-z0-9_.-]*)[ \t]*:(?=[ \t]|$)""")


class EditError(Exception):
    """The front matter cannot be edited safely; `line` is 1-based in the file."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True, slots=True)
class Value:
    """Where a key line's value sits: [start, end) of the line's content, and its kind."""

    start: int
    end: int
    kind: str  # empty, plain, double, single, flow-seq, flow-map


def split_eol(line: str) -> tuple[str, str]:
    if line.endswith("\r\n"):
        return line[:-2], "\r\n"
    if line.endswith("\n"):
        return line[:-1], "\n"
    return line, ""


def is_comment_or_blank(content: str) -> bool:
    stripped = content.strip()
    return not stripped or stripped.startswith("#")


def scan_quoted(text: str, start: int) -> int:
    """Index just past the quoted scalar starting at `start`; -1 when it is not closed on this line."""
    quote = text[start]
    i = start + 1
    while i < len(text):
        char = text[i]
        if quote == '"' and char == "\\":
            i += 2
            continue
        if char == quote:
            if quote == "'" and text[i + 1 : i + 2] == "'":
                i += 2
                continue
            return i + 1
        i += 1
    return -1


def scan_flow(text: str, start: int) -> int:
    """Index just past the flow collection starting at `start`; -1 when it does not close on this line."""
    depth = 0
    i = start
    while i < len(text):
        char = text[i]
        if char in "\"'":
            end = scan_quoted(text, i)
            if end < 0:
                return -1
            i = end
            continue
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def flow_items(inner: str) -> list[str]:
    """The top-level items of a flow sequence's inside, stripped (commas inside quotes or brackets kept)."""
    items: list[str] = []
    depth = 0
    current = ""
    i = 0
    while i < len(inner):
        char = inner[i]
        if char in "\"'":
            end = scan_quoted(inner, i)
            end = len(inner) if end < 0 else end
            current += inner[i:end]
            i = end
            continue
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
        if char == "," and depth == 0:
            items.append(current.strip())
            current = ""
        else:
            current += char
        i += 1
    if current.strip():
        items.append(current.strip())
    return items


def around(content: str, span: Value) -> tuple[str, str]:
    """The text before and after a value; an empty value gets one space after its colon."""
    if span.kind != "empty":
        return content[: span.start], content[span.end :]
    match = KEY_RE.match(content)
    assert match is not None
    tail = content[match.end() :]
    return content[: match.end()] + " ", tail if tail.strip() else ""


def style_of(token: str) -> str:
    if token.startswith('"'):
        return "double"
    if token.startswith("'"):
        return "single"
    return "plain"


def loads_as(source: str) -> object:
    try:
        return yaml_rs.loads(source)
    except (yaml_rs.YAMLDecodeError, ValueError, TypeError):
        return None


def render_scalar(value: Scalar, style: str = "plain", *, in_flow: bool = False) -> str:
    """`value` as YAML text: ints and dates plain; strings in `style`, plain only where it reads back."""
    if isinstance(value, bool):
        raise TypeError("booleans are not front matter values here")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if style == "single" and "\n" not in value:
        return "'" + value.replace("'", "''") + "'"
    if style == "plain" and value and value == value.strip() and "\n" not in value:
        probe = f"k: [{value}]\n" if in_flow else f"k: {value}\n"
        if loads_as(probe) == {"k": [value] if in_flow else value}:
            return value
    return json.dumps(value, ensure_ascii=False)
