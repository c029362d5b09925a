"""Targeted edits of front matter lines: every line that is not edited keeps its bytes.

Front matter is the maintainer's; a command that must change it (`issuekb status`, `issuekb new` filling
the template) changes only the lines it has to. Comments, key order, quoting, blank lines and line
endings (CRLF files keep CRLF) of everything else survive byte for byte. There is no YAML re-dump here:
each edit works on the text of one top-level key:

- `set` replaces a scalar's value in its own quoting style and keeps a trailing comment;
- `append` adds items to a flow `[a, b]` or a block `- a` list in that list's own style;
- a missing key is inserted after its nearest neighbour in the schema's field order;
- `remove` and `comment_out` drop a key or turn it into a marked comment.

Values the editor cannot edit safely (block scalars, multi-line values, anchors, tags) raise `EditError`
with the line, rather than being guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from issuekb.authoring.yamltext import (
    KEY_RE,
    EditError,
    Scalar,
    Value,
    around,
    flow_items,
    is_comment_or_blank,
    render_scalar,
    scan_flow,
    scan_quoted,
    split_eol,
    style_of,
)
from issuekb.core.schema import FIELDS

__all__ = ["EditError", "FrontMatterEditor", "Scalar", "render_scalar"]

_ITEM_RE = re.compile(r"^(?P<indent>[ \t]*)-(?:[ \t]+|$)")
_FENCE = "---"


@dataclass(frozen=True, slots=True)
class _Block:
    """One top-level key: its line, and the last line that belongs to its value (comments excluded)."""

    key: str
    first: int
    last: int


class FrontMatterEditor:
    """Edits the front matter of one Markdown file's text, line by line."""

    def __init__(self, text: str) -> None:
        self.bom = "\ufeff" if text.startswith("\ufeff") else ""
        self.lines = text[len(self.bom) :].split("\n")
        # `split` drops the "\n"; keep each line's own ending so that joining restores the bytes.
        self.lines = [line + "\n" for line in self.lines[:-1]] + [self.lines[-1]]
        if split_eol(self.lines[0])[0].rstrip() != _FENCE:
            raise EditError("The file does not start with a front matter block (a line '---')")
        end = next(
            (i for i in range(1, len(self.lines)) if split_eol(self.lines[i])[0].rstrip() in (_FENCE, "...")),
            None,
        )
        if end is None:
            raise EditError("The front matter is never closed (no second '---' line)")
        self.end = end
        for i in range(1, end):
            if "\r" in split_eol(self.lines[i])[0]:
                raise EditError("Line uses a line ending other than LF or CRLF; cannot edit it safely", i + 1)

    @classmethod
    def from_bytes(cls, data: bytes) -> FrontMatterEditor:
        """Decode UTF-8 (a byte order mark is kept) and open the front matter for editing."""
        try:
            return cls(data.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise EditError(f"The file is not valid UTF-8 (byte 0x{data[exc.start]:02x})") from exc

    # -- reading ------------------------------------------------------------------------------------
    def text(self) -> str:
        return self.bom + "".join(self.lines)

    def to_bytes(self) -> bytes:
        return self.text().encode("utf-8")

    def split(self) -> tuple[str, str]:
        """The text up to and including the closing fence line, and the body after it."""
        return self.bom + "".join(self.lines[: self.end + 1]), "".join(self.lines[self.end + 1 :])

    def _content(self, index: int) -> str:
        return split_eol(self.lines[index])[0]

    def _blocks(self) -> dict[str, _Block]:
        blocks: dict[str, _Block] = {}
        current: tuple[str, int] | None = None
        last = 0
        for i in range(1, self.end):
            content = self._content(i)
            if is_comment_or_blank(content):
                continue
            match = KEY_RE.match(content)
            if match:
                if current is not None:
                    blocks.setdefault(current[0], _Block(current[0], current[1], last))
                current = (match.group("key").strip("\"'"), i)
            last = i
        if current is not None:
            blocks.setdefault(current[0], _Block(current[0], current[1], last))
        return blocks

    def field_names(self) -> list[str]:
        """The top-level keys, in file order."""
        blocks = self._blocks()
        return sorted(blocks, key=lambda k: blocks[k].first)

    def line_of(self, key: str) -> str | None:
        """The text of the key's line (without its line ending), or None when the key is absent."""
        block = self._blocks().get(key)
        return self._content(block.first) if block else None

    def _value(self, index: int) -> Value:
        content = self._content(index)
        match = KEY_RE.match(content)
        assert match is not None
        start = match.end()
        while start < len(content) and content[start] in " \t":
            start += 1
        if start == len(content) or content[start] == "#":
            return Value(start, start, "empty")
        char = content[start]
        if char in "\"'":
            end = scan_quoted(content, start)
            kind = "double" if char == '"' else "single"
        elif char in "[{":
            end = scan_flow(content, start)
            kind = "flow-seq" if char == "[" else "flow-map"
        elif char in "|>&*!%@`":
            raise EditError(
                f"Cannot edit this value (block scalar, anchor, alias or tag): {content.strip()}", index + 1
            )
        else:
            comment = re.search(r"[ \t]#", content[start:])
            end = start + comment.start() if comment else len(content)
            while end > start and content[end - 1] in " \t":
                end -= 1
            kind = "plain"
        if end < 0:
            raise EditError(
                f"Cannot edit a value that continues on the next line: {content.strip()}", index + 1
            )
        rest = content[end:].strip()
        if rest and not rest.startswith("#"):
            raise EditError(f"Unexpected text after the value: {content.strip()}", index + 1)
        return Value(start, end, kind)

    # -- editing ------------------------------------------------------------------------------------
    def _eol(self, index: int) -> str:
        return split_eol(self.lines[index])[1] or split_eol(self.lines[0])[1] or "\n"

    def _replace_content(self, index: int, content: str) -> None:
        self.lines[index] = content + split_eol(self.lines[index])[1]

    def _insertion_index(self, key: str) -> int:
        """Where a missing key goes: after its nearest present predecessor in schema order, else before
        its nearest present successor (and the comments right above it), else at the end."""
        blocks = self._blocks()
        order = list(FIELDS)
        position = order.index(key) if key in order else len(order)
        for before in reversed(order[:position]):
            if before in blocks:
                return blocks[before].last + 1
        for after in order[position + 1 :]:
            if after in blocks:
                index = blocks[after].first
                while index > 1 and self._content(index - 1).strip().startswith("#"):
                    index -= 1
                return index
        if blocks:
            return max(block.last for block in blocks.values()) + 1
        return self.end

    def _insert(self, key: str, value_text: str) -> None:
        index = self._insertion_index(key)
        self.lines.insert(index, f"{key}: {value_text}{self._eol(index - 1)}")
        self.end += 1

    def _scalar_block(self, key: str) -> _Block | None:
        block = self._blocks().get(key)
        if block is not None and block.last != block.first:
            raise EditError(f"Cannot set '{key}': its value spans several lines", block.first + 1)
        return block

    def set(self, key: str, value: Scalar, *, comment: str | None = None) -> None:
        """Give `key` this scalar value (inserted when missing); `comment` replaces a trailing comment."""
        block = self._scalar_block(key)
        if block is None:
            text = render_scalar(value)
            self._insert(key, text + (f"  # {comment}" if comment else ""))
            return
        content = self._content(block.first)
        span = self._value(block.first)
        if span.kind.startswith("flow"):
            raise EditError(f"Cannot set '{key}': it holds a list or mapping", block.first + 1)
        style = span.kind if span.kind in ("double", "single") else "plain"
        new = render_scalar(value, style)
        head, tail = around(content, span)
        if comment is not None:
            tail = f"  # {comment}"
        self._replace_content(block.first, head + new + tail)

    def append(self, key: str, values: Iterable[Scalar]) -> None:
        """Add items at the end of the list `key` in its own style (a missing key becomes `[a, b]`)."""
        items = list(values)
        if not items:
            return
        block = self._blocks().get(key)
        if block is None:
            self._insert(key, "[" + ", ".join(render_scalar(v, in_flow=True) for v in items) + "]")
            return
        content = self._content(block.first)
        span = self._value(block.first)
        if block.last != block.first:
            if span.kind != "empty":
                raise EditError(f"Cannot append to '{key}': its value spans several lines", block.first + 1)
            self._append_block(key, block, items)
            return
        token = content[span.start : span.end]
        if span.kind == "flow-map":
            raise EditError(f"Cannot append to '{key}': it holds a mapping, not a list", block.first + 1)
        if span.kind == "flow-seq":
            inner = token[1:-1]
            existing = flow_items(inner)
            style = style_of(existing[-1]) if existing else "plain"
            rendered = ", ".join(render_scalar(v, style, in_flow=True) for v in items)
            if existing:
                close = span.start + len(token) - 1
                cut = close
                while cut > span.start + 1 and content[cut - 1] in " \t":
                    cut -= 1
                new = content[:cut] + ", " + rendered + content[cut:]
            else:
                new = content[: span.start] + "[" + rendered + "]" + content[span.end :]
        elif span.kind == "empty":
            head, tail = around(content, span)
            new = head + "[" + ", ".join(render_scalar(v, in_flow=True) for v in items) + "]" + tail
        else:  # a single scalar where a list is expected: make it the list's first item
            style = style_of(token)
            rendered = ", ".join(render_scalar(v, style, in_flow=True) for v in items)
            new = content[: span.start] + "[" + token + ", " + rendered + "]" + content[span.end :]
        self._replace_content(block.first, new)

    def _append_block(self, key: str, block: _Block, items: list[Scalar]) -> None:
        item_lines = [i for i in range(block.first + 1, block.last + 1) if _ITEM_RE.match(self._content(i))]
        if not item_lines:
            raise EditError(f"Cannot append to '{key}': it is not a list", block.first + 1)
        first = _ITEM_RE.match(self._content(item_lines[0]))
        last = _ITEM_RE.match(self._content(item_lines[-1]))
        assert first is not None and last is not None
        indent = first.group("indent")
        style = style_of(last.string[last.end() :])
        eol = self._eol(block.last)
        new_lines = [f"{indent}- {render_scalar(v, style)}{eol}" for v in items]
        self.lines[block.last + 1 : block.last + 1] = new_lines
        self.end += len(new_lines)

    def remove(self, key: str) -> None:
        """Delete the key and its value lines (comments above the next key stay)."""
        block = self._blocks().get(key)
        if block is None:
            return
        del self.lines[block.first : block.last + 1]
        self.end -= block.last + 1 - block.first

    def comment_out(self, key: str, note: str) -> None:
        """Replace a one-line key by the comment `# key: note` (a clearly marked field to fill in)."""
        block = self._scalar_block(key)
        if block is None:
            return
        self._replace_content(block.first, f"# {key}: {note}")
