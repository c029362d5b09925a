"""Write front matter as text, key by key, in the project's order; never through a YAML dumper.

Strings stay plain when that is unambiguous (a letter first, then letters, digits, spaces and a few
punctuation marks, and not a word YAML reads as a boolean or null); everything else is double-quoted
with escapes, so every string reads back exactly (tested by round-trip through `issuekb.core.document`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from issuekb.core.schema import Resolution
from issuekb.importer.decide import Decision
from issuekb.importer.resolve import Ref
from issuekb.importer.status import StatusReading

__all__ = ["KEY_ORDER", "analysis_text", "emit_front_matter", "front_matter_items", "quote", "strip_header"]

_PLAIN_RE = re.compile(r"[A-Za-z][A-Za-z0-9 _.,()/+'@-]*")
#: Words a YAML 1.1 or 1.2 reader may turn into booleans or null: always quoted.
_RESERVED = frozenset({"true", "false", "null", "yes", "no", "on", "off", "y", "n", "nan", "inf"})
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}
_RULE_RE = re.compile(r"\s*(?:-{3,}|\*{3,}|_{3,})\s*")
#: Front-matter key order of an imported analysis.
KEY_ORDER = (
    "issue", "title", "repo", "status", "status_note", "resolution", "duplicate_of", "related", "commits", "prs",
    "upstream_pr", "reporter", "reported", "analyzed", "resolved_on", "priority", "tags", "affected",
)  # fmt: skip


def _printable(char: str) -> bool:
    """YAML's printable set, minus the characters some readers treat as line breaks or a BOM."""
    code = ord(char)
    if char in "\x85\u2028\u2029\ufeff":
        return False
    return (
        code == 0x09
        or 0x20 <= code <= 0x7E
        or 0xA0 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or code >= 0x10000
    )


def _escape(char: str, previous: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    if char == "!" and (not previous or previous in " \t[{,:"):
        return "\\x21"  # a `!` after a space would read as a tag to the loader's line scan
    if _printable(char):
        return char
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def quote(text: str) -> str:
    """`text` as a YAML scalar: plain when unambiguous, else double-quoted and escaped."""
    if _PLAIN_RE.fullmatch(text) and not text.endswith(" ") and text.lower() not in _RESERVED:
        return text
    return '"' + "".join(_escape(char, text[i - 1] if i else "") for i, char in enumerate(text)) + '"'


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return quote(value)
    raise TypeError(f"cannot write {type(value).__name__} as a front-matter scalar")


def emit_front_matter(items: Sequence[tuple[str, Any]]) -> str:
    """`---`, one `key: value` per item (lists as block sequences, mappings as indented keys), `---`."""
    lines = ["---"]
    for key, value in items:
        if isinstance(value, list) and not value:
            lines.append(f"{key}: []")
        elif isinstance(value, list):
            lines.append(f"{key}:")
            for item in value:
                if isinstance(item, dict):
                    first = True
                    for sub_key, sub_value in item.items():
                        lines.append(f"  {'- ' if first else '  '}{sub_key}: {_scalar(sub_value)}")
                        first = False
                else:
                    lines.append(f"  - {_scalar(item)}")
        else:
            lines.append(f"{key}: {_scalar(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def _ref(value: Ref, repo: str) -> int | str:
    owner, number = value
    if owner is None or owner.lower() == repo.lower():
        return number
    return f"{owner}#{number}"


def front_matter_items(d: Decision, upstream: str) -> list[tuple[str, Any]]:
    """The front matter of one decision as (key, value) pairs in KEY_ORDER; empty values left out."""
    repo = d.repo.value
    out: dict[str, Any] = {"issue": d.ref.number}
    for name, candidate in d.values.items():
        value = candidate.value
        if name == "issue" or value in ([], None, ""):
            continue
        if isinstance(value, StatusReading):
            value = str(value.status)
        elif name in ("duplicate_of", "upstream_pr"):
            value = _ref(value, repo)
        elif name == "related":
            value = [
                {"issue": _ref((r, n), repo), "note": note} if note else _ref((r, n), repo)
                for r, n, note in value
            ]
        elif isinstance(value, Resolution):
            value = str(value)
        out[name] = value
    if repo.lower() != upstream.lower():
        out["repo"] = repo
    return [(key, out[key]) for key in KEY_ORDER if key in out]


def strip_header(text: str, header: range) -> str:
    """`text` without the header block of field lines (and the `---` rule and blank lines after it)."""
    lines = text.split("\n")
    start, end = header.start - 1, header.stop - 1
    while end < len(lines) and not lines[end].strip():
        end += 1
    if end < len(lines) and _RULE_RE.fullmatch(lines[end]):
        end += 1
        while end < len(lines) and not lines[end].strip():
            end += 1
    while start > 0 and not lines[start - 1].strip():
        start -= 1
    before, after = lines[:start], lines[end:]
    return "\n".join([*before, "", *after] if before and after else [*before, *after])


def analysis_text(d: Decision, upstream: str, text: str) -> tuple[str, bool]:
    """The imported analysis.md: front matter, then the body; True when the header block was removed."""
    removable = d.header is not None and not d.uncarried
    body = strip_header(text, d.header) if removable and d.header is not None else text
    body = body.strip("\n") + "\n"
    return emit_front_matter(front_matter_items(d, upstream)) + body, removable
