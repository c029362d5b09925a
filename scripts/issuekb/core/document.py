"""Load stage: a file's bytes -> a `Document` (front matter mapping, body, line map) + diagnostics.

The front matter is split by hand so that every line keeps its number, then parsed with `yaml_rs`
(YAML 1.2: `yes` stays a string; duplicate keys and alias bombs are rejected). Tags are checked after a
successful parse: only the core tags (`!!str`, `!!int`, ...) are allowed. Nothing here raises on bad
input: every problem becomes a `Diagnostic` located at the file's real line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml_rs

from issuekb.core.entries import odd_entry, read_regular
from issuekb.core.yamlerrors import tag_errors, yaml_error
from issuekb.diagnostics import Diagnostic

__all__ = ["Document", "LineMap", "load_document", "parse_document"]

FENCE = "---"
#: Alias expansion is bounded far below what any honest front matter needs ("billion laughs").
_ALIAS_LIMITS = yaml_rs.AliasLimits(max_total_replayed_events=20_000, max_replay_stack_depth=16)
_KEY_RE = re.compile(
    r"""^(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<plain>[^\s#'"\-?:\[\]{},&*!|>%@`][^:#]*?))\s*:(?:\s|$)"""
)
_ITEM_RE = re.compile(r"^(\s*)-(?:\s|$)")
#: The closing fence of the front matter: `---` or `...` alone on a line (trailing whitespace allowed).
_CLOSE_RE = re.compile(r"\n(?:---|\.\.\.)[^\S\n]*(?=\n|\Z)")
#: characters YAML does not allow in a document (C0 controls but tab and line ends)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class LineMap(NamedTuple):
    """Where each front-matter key is written: what diagnostics point at."""

    #: top-level key -> its 1-based line in the file
    key_lines: dict[str, int]
    #: (key, index) -> the line of that item of a top-level block list
    item_lines: dict[tuple[str, int], int]
    #: top-level key -> the text after `key:` on its line (comment and spaces cut)
    raw_values: dict[str, str]


@dataclass(slots=True)
class Document:
    """A Markdown file split into its front matter and body, with line numbers kept.

    The text itself is not kept: the body (a slice of it), the front matter's text and the parsed front
    matter are what the later stages read. Where each key is written (`key_lines`, `item_lines`,
    `raw_values`) is found on first use: most documents have no problem to locate.
    """

    path: Path
    rel: str
    meta: dict[str, Any] | None = None
    body: str = ""
    body_line: int = 1
    #: the front matter's lines (between the fences, each ending with a newline); "" when there is none
    source: str = ""
    _lines: LineMap | None = field(default=None, repr=False, compare=False)

    @property
    def lines(self) -> LineMap:
        """Where each key is written, scanned from `source` on first use."""
        if self._lines is None:
            self._lines = _scan_lines(self.source)
        return self._lines

    @property
    def key_lines(self) -> dict[str, int]:
        return self.lines.key_lines

    @property
    def item_lines(self) -> dict[tuple[str, int], int]:
        return self.lines.item_lines

    @property
    def raw_values(self) -> dict[str, str]:
        return self.lines.raw_values

    def line_of(self, key: str, index: int | None = None) -> int:
        """The 1-based line of a front-matter key (or of one item of its list); 1 when unknown."""
        lines = self.lines
        if index is not None and (key, index) in lines.item_lines:
            return lines.item_lines[(key, index)]
        return lines.key_lines.get(key, 1)


def load_document(
    path: Path, rel: str, *, require_front_matter: bool = True
) -> tuple[Document, list[Diagnostic]]:
    """Read `path` and parse it; `rel` is the path shown in diagnostics."""
    try:
        data = read_regular(str(path))
    except OSError as exc:
        doc = Document(path=path, rel=rel)
        odd = odd_entry(str(path))
        message = f"{path.name} {odd}" if odd else f"Cannot read file: {exc.strerror or exc}"
        hint = "Analyses are read from regular files only: replace it with a file, or remove it."
        return doc, [Diagnostic.error("load-unreadable", rel, 1, message, hint if odd else "")]
    return parse_document(data, path, rel, require_front_matter=require_front_matter)


def _decode(data: bytes, rel: str) -> tuple[str, list[Diagnostic]]:
    """UTF-8 text without a BOM; a bad byte is an error at its line and (character) column."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        column = len(data[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        diag = Diagnostic.error(
            "load-encoding",
            rel,
            line,
            f"File is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
            "Save the file as UTF-8.",
            column,
        )
        return data.decode("utf-8", errors="replace"), [diag]


def parse_document(
    data: bytes | str, path: Path, rel: str, *, require_front_matter: bool = True
) -> tuple[Document, list[Diagnostic]]:
    """Split and parse a document from its bytes (or text). Never raises on bad input."""
    if isinstance(data, bytes):
        text, diags = _decode(data, rel)
        if diags:
            return Document(path=path, rel=rel), diags
    else:
        text, diags = data.removeprefix("\ufeff"), []
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    doc = Document(path=path, rel=rel)
    first_end = text.find("\n")
    if (text if first_end < 0 else text[:first_end]).rstrip() != FENCE:
        doc.body = text
        if require_front_matter:
            empty = not text.strip()
            diags.append(
                Diagnostic.error(
                    "fm-missing",
                    rel,
                    1,
                    "File is empty" if empty else "Must start with a front matter block (a line '---')",
                    "Put the metadata between two '---' lines at the top of the file; see templates/.",
                )
            )
        return doc, diags
    inner, end, body_start = _front_matter(text, first_end)
    if inner is None:
        diags.append(
            Diagnostic.error(
                "fm-unclosed",
                rel,
                1,
                "Front matter is never closed",
                "Add a line '---' after the last metadata line.",
            )
        )
        return doc, diags
    doc.body = text[body_start:]
    doc.body_line = end + 2
    doc.source = inner + "\n"
    control = _CONTROL_RE.search(doc.source)
    if control is not None:
        diags.append(_control_error(rel, doc.source, control.start()))
        return doc, diags
    diags.extend(_parse_meta(doc))
    return doc, diags


def _parse_meta(doc: Document) -> list[Diagnostic]:
    """Parse `doc.source` into `doc.meta` (left None, with the diagnostics saying why, when it is not
    valid YAML, holds a tag that is not a core type, or is not a mapping). Never raises."""
    source, rel = doc.source, doc.rel
    try:
        meta = yaml_rs.loads(
            source,
            parse_datetime=True,
            alias_limits=_ALIAS_LIMITS,
            duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error,
        )
    except yaml_rs.YAMLDecodeError as exc:
        return [yaml_error(rel, str(exc), _lines(source))]
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        return [Diagnostic.error("fm-yaml", rel, 2, f"Front matter is not valid YAML: {exc}")]
    if "!" in source:
        tag_diags = tag_errors(rel, source, _lines(source))
        if tag_diags:
            return tag_diags
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        kind = "a list" if isinstance(meta, list) else f"a {type(meta).__name__}"
        return [
            Diagnostic.error(
                "fm-not-mapping",
                rel,
                2,
                f"Front matter must be a mapping of keys to values, not {kind}",
                "Write one 'key: value' per line.",
            )
        ]
    doc.meta = meta
    return []


def _control_error(rel: str, source: str, offset: int) -> Diagnostic:
    """The first control character of the front matter, located (YAML's own message misleads)."""
    line_start = source.rfind("\n", 0, offset) + 1
    code = ord(source[offset])
    name = "a NUL byte" if code == 0 else f"the control character U+{code:04X}"
    return Diagnostic.error(
        "fm-control",
        rel,
        source.count("\n", 0, offset) + 2,
        f"Front matter holds {name}, which YAML does not allow",
        "Remove it: it is invisible in most editors (search for it, or retype the line).",
        offset - line_start + 1,
    )


def _lines(source: str) -> list[str]:
    """The lines of a front matter's text (`Document.source`), split only to locate a problem."""
    return source.split("\n")[:-1]


def _front_matter(text: str, first_end: int) -> tuple[str | None, int, int]:
    """The text between the opening fence (ending at `first_end`) and the closing one (`---` or `...`),
    the closing line's index counted from the line after the opening fence (1 for an empty front
    matter), and where the body starts; the text is None when the front matter is never closed.

    The front matter is not split into lines, nor is the body: both are slices of the text.
    """
    close = _CLOSE_RE.search(text, first_end) if first_end >= 0 else None
    if close is None:
        return None, 0, len(text)
    if close.start() == first_end:
        return "", 1, min(close.end() + 1, len(text))
    inner = text[first_end + 1 : close.start()]
    return inner, inner.count("\n") + 2, min(close.end() + 1, len(text))


def _scan_lines(source: str) -> LineMap:
    """The line of every top-level key and of every item of a top-level block list."""
    found = LineMap({}, {}, {})
    current: str | None = None
    index = 0
    item_indent = -1
    for offset, line in enumerate(source.split("\n")):
        # A key at the top level starts the line (`_KEY_RE` cannot match at a space, a tab or a `#`): an
        # indented line can only be a list item, and a blank or comment line is neither.
        key_match = _KEY_RE.match(line)
        if key_match:
            dq, sq, plain = key_match.groups()
            current = dq or sq or (plain or "").strip()
            found.key_lines.setdefault(current, offset + 2)
            found.raw_values.setdefault(current, line[key_match.end() :].split(" #", 1)[0].strip())
            index, item_indent = 0, -1
        elif current is not None and (item := _ITEM_RE.match(line)):
            if item_indent < 0:
                item_indent = len(item.group(1))
            if len(item.group(1)) == item_indent:  # deeper dashes belong to nested lists
                found.item_lines[(current, index)] = offset + 2
                index += 1
    return found
