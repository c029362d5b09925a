"""Stage 1, load: a file's bytes -> a `Document` (front matter mapping, body, line map) + diagnostics.

The front matter is split by hand so that every line keeps its number, then parsed with `yaml_rs`
(YAML 1.2: `yes` stays a string; duplicate keys and alias bombs are rejected with a location).
Nothing here raises on bad input: every problem becomes a located `Diagnostic`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml_rs

from issuekb.diagnostics import Diagnostic

__all__ = ["Document", "load_document", "parse_document"]

FENCE = "---"
#: Alias expansion is bounded far below what any honest front matter needs.
_ALIAS_LIMITS = yaml_rs.AliasLimits(max_total_replayed_events=20_000, max_replay_stack_depth=16)
#: Tags that only restate a core type are harmless; every other tag is refused.
_SAFE_TAGS = frozenset({"!!str", "!!int", "!!float", "!!bool", "!!null", "!!seq", "!!map"})
_KEY_RE = re.compile(r"""^(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<plain>[^\s#'"\-?:\[\]{},&*!|>%@`][^:#]*?))\s*:(?:\s|$)""")
_ITEM_RE = re.compile(r"^(\s*)-(?:\s|$)")
_QUOTED_RE = re.compile(r""""(?:[^"\\]|\\.)*"|'(?:[^']|'')*'""")
_TAG_RE = re.compile(r"(?:^|[\s\[{,:])(![^\s,\[\]{}]*)")
_YAML_POS_RE = re.compile(r"line (\d+), column (\d+)")


@dataclass(slots=True)
class Document:
    """A Markdown file split into its front matter and body, with line numbers kept."""

    path: Path
    rel: str
    text: str
    meta: dict[str, Any] | None = None
    body: str = ""
    body_line: int = 1
    key_lines: dict[str, int] = field(default_factory=dict)
    item_lines: dict[tuple[str, int], int] = field(default_factory=dict)
    raw_values: dict[str, str] = field(default_factory=dict)

    def line_of(self, key: str, index: int | None = None) -> int:
        """The 1-based line of a front-matter key (or of one item of its list); 1 when unknown."""
        if index is not None and (key, index) in self.item_lines:
            return self.item_lines[(key, index)]
        return self.key_lines.get(key, 1)


def load_document(path: Path, rel: str, *, require_front_matter: bool = True) -> tuple[Document, list[Diagnostic]]:
    """Read `path` and parse it; `rel` is the path shown in diagnostics."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        doc = Document(path=path, rel=rel, text="")
        return doc, [Diagnostic.error("load-unreadable", rel, 1, f"Cannot read file: {exc.strerror or exc}")]
    return parse_document(data, path, rel, require_front_matter=require_front_matter)


def _decode(data: bytes, rel: str) -> tuple[str, list[Diagnostic]]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
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
    """Split and parse a document from its bytes (or text)."""
    if isinstance(data, bytes):
        text, diags = _decode(data, rel)
        if diags:
            return Document(path=path, rel=rel, text=text), diags
    else:
        text, diags = data.removeprefix("\ufeff"), []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    doc = Document(path=path, rel=rel, text=text)
    if not text.strip():
        if require_front_matter:
            diags.append(
                Diagnostic.error("fm-missing", rel, 1, "File is empty", "Start the file with a --- front matter block.")
            )
        return doc, diags
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        doc.body = text
        if require_front_matter:
            diags.append(
                Diagnostic.error(
                    "fm-missing",
                    rel,
                    1,
                    "Must start with a front matter block (a line '---')",
                    "Put the metadata between two '---' lines at the top of the file; see templates/.",
                )
            )
        return doc, diags
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in (FENCE, "...")), None)
    if end is None:
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
    fm_lines = lines[1:end]
    doc.body = "\n".join(lines[end + 1 :])
    doc.body_line = end + 2
    diags.extend(_scan_lines(doc, fm_lines))
    if any(d.code == "fm-tag" for d in diags):
        return doc, diags
    source = "\n".join(fm_lines) + "\n"
    try:
        meta = yaml_rs.loads(
            source,
            parse_datetime=True,
            alias_limits=_ALIAS_LIMITS,
            duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error,
        )
    except yaml_rs.YAMLDecodeError as exc:
        diags.append(_yaml_error(doc, str(exc), fm_lines))
        return doc, diags
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        diags.append(Diagnostic.error("fm-yaml", rel, 2, f"Front matter could not be parsed: {exc}"))
        return doc, diags
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        kind = "a list" if isinstance(meta, list) else f"a {type(meta).__name__}"
        diags.append(
            Diagnostic.error(
                "fm-not-mapping",
                rel,
                2,
                f"Front matter must be a mapping of keys to values, not {kind}",
                "Write one 'key: value' per line.",
            )
        )
        return doc, diags
    doc.meta = meta
    return doc, diags


def _scan_lines(doc: Document, fm_lines: list[str]) -> list[Diagnostic]:
    """Record key and list-item lines; refuse YAML tags that are not plain core types."""
    diags: list[Diagnostic] = []
    current: str | None = None
    index = 0
    for offset, line in enumerate(fm_lines):
        lineno = offset + 2
        stripped = _QUOTED_RE.sub('""', line.split(" #", 1)[0] if not line.lstrip().startswith("#") else "")
        for match in _TAG_RE.finditer(stripped):
            tag = match.group(1)
            if tag not in _SAFE_TAGS:
                diags.append(
                    Diagnostic.error(
                        "fm-tag",
                        doc.rel,
                        lineno,
                        f"YAML tag {tag!r} is not allowed in front matter",
                        "Write plain values; quote a value that starts with '!'.",
                        match.start(1) + 1,
                    )
                )
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key_match = _KEY_RE.match(line)
        if key_match:
            current = key_match.group("dq") or key_match.group("sq") or (key_match.group("plain") or "").strip()
            doc.key_lines.setdefault(current, lineno)
            doc.raw_values[current] = line[key_match.end() :].split(" #", 1)[0].strip()
            index = 0
            continue
        if current is not None and _ITEM_RE.match(line):
            doc.item_lines[(current, index)] = lineno
            index += 1
    return diags


def _yaml_error(doc: Document, message: str, fm_lines: list[str]) -> Diagnostic:
    first = message.strip().splitlines()[-1] if message.strip() else "invalid YAML"
    line, column = 2, 1
    pos = _YAML_POS_RE.search(message)
    if pos:
        line, column = int(pos.group(1)) + 1, int(pos.group(2))
    dup = re.match(r"duplicate mapping key: '(.*)'", message)
    if dup:
        key = dup.group(1)
        seen = [i for i, text in enumerate(fm_lines) if (m := _KEY_RE.match(text)) and _key_text(m) == key]
        if len(seen) > 1:
            line = seen[1] + 2
        return Diagnostic.error(
            "fm-duplicate-key",
            doc.rel,
            line,
            f"Key {key!r} appears more than once in the front matter",
            "Keep one of them; YAML would otherwise silently use only one value.",
        )
    if "alias" in message.lower() and "limit" in message.lower():
        return Diagnostic.error(
            "fm-alias-bomb",
            doc.rel,
            line,
            "Front matter expands YAML aliases beyond the allowed limit",
            "Do not use anchors and aliases (&a / *a) to build large values.",
        )
    if pos is None:
        first = message.strip().splitlines()[0] if message.strip() else first
    return Diagnostic.error(
        "fm-yaml",
        doc.rel,
        line,
        f"Front matter is not valid YAML: {first}",
        "Check indentation, quoting and colons on this line.",
        column,
    )


def _key_text(match: re.Match[str]) -> str:
    return match.group("dq") or match.group("sq") or (match.group("plain") or "").strip()
