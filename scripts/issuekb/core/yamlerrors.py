"""Front-matter problems located at their line: YAML errors and tags that are not core types.

`fm_lines` are the front matter's lines (between the fences); the line a diagnostic names is the file's
(the opening fence is line 1). Nothing here raises on bad input.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from issuekb.diagnostics import Diagnostic

__all__ = ["tag_errors", "yaml_error"]

#: Tags that only restate a core type are harmless; every other tag is refused.
_SAFE_TAGS = frozenset({"!!str", "!!int", "!!float", "!!bool", "!!null", "!!seq", "!!map"})
_SCANNER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: A key anywhere (nested, or after list dashes): used to find the second of two duplicate keys.
_ANY_KEY_RE = re.compile(
    r"""^(?P<lead>\s*(?:-\s+)*)(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<plain>[^\s#'"\-?:\[\]{},&*!|>%@`][^:#]*?))"""
    r"""\s*:(?:\s|$)"""
)
_QUOTED_RE = re.compile(r""""(?:[^"\\]|\\.)*"|'(?:[^']|'')*'""")
#: A tag where a node starts: at the line's start or after list dashes, after `key: `, after `[`, `{` or `,`.
_TAG_RE = re.compile(r"(?:^\s*(?:-\s+)*|:\s+|[\[{,]\s*)(![^\s,\[\]{}]*)")
_ALIAS_RE = re.compile(r"(?:^|[\s\[{,])(\*[^\s,\[\]{}]+)")
_YAML_POS_RE = re.compile(r"line (\d+), column (\d+)")


def _key_text(match: re.Match[str]) -> str:
    return match.group("dq") or match.group("sq") or (match.group("plain") or "").strip()


def tag_errors(rel: str, source: str, fm_lines: list[str]) -> list[Diagnostic]:
    """Every tag that is not a core type, located. PyYAML's scanner finds them exactly."""
    found: list[tuple[int, int, str]] = []
    try:
        for token in yaml.scan(source, Loader=_SCANNER):
            if isinstance(token, yaml.TagToken):
                handle, suffix = token.value
                found.append((token.start_mark.line, token.start_mark.column, f"{handle or ''}{suffix}"))
    except yaml.YAMLError:
        # yaml_rs accepted what PyYAML's (YAML 1.1) scanner cannot read: look at the text instead.
        found = []
        for offset, line in enumerate(fm_lines):
            stripped = _QUOTED_RE.sub(lambda m: " " * len(m.group()), line.split(" #", 1)[0])
            found += [(offset, m.start(1), m.group(1)) for m in _TAG_RE.finditer(stripped)]
    return [
        Diagnostic.error(
            "fm-tag",
            rel,
            offset + 2,
            f"YAML tag {tag!r} is not allowed in front matter",
            "Write plain values; quote a value that starts with '!'.",
            column + 1,
        )
        for offset, column, tag in found
        if tag not in _SAFE_TAGS
    ]


def _duplicate_key_position(fm_lines: list[str], key: str) -> tuple[int, int] | None:
    """(offset, column) of the second occurrence of `key` within one block mapping."""
    scopes: list[tuple[int, set[str]]] = []
    for offset, line in enumerate(fm_lines):
        match = _ANY_KEY_RE.match(line)
        if not match:
            continue
        column = len(match.group("lead"))
        while scopes and scopes[-1][0] > column:
            scopes.pop()
        if "-" in match.group("lead") and scopes and scopes[-1][0] == column:
            scopes.pop()  # a new list item starts a new mapping
        if not scopes or scopes[-1][0] < column:
            scopes.append((column, set()))
        name = _key_text(match)
        if name == key and name in scopes[-1][1]:
            return offset, column + 1
        scopes[-1][1].add(name)
    return None


def _first_line(pattern: re.Pattern[str], fm_lines: list[str]) -> tuple[int, int] | None:
    """(offset, column) of the first match of `pattern`'s group 1 outside quotes and comments."""
    for offset, line in enumerate(fm_lines):
        stripped = _QUOTED_RE.sub(lambda m: " " * len(m.group()), line.split(" #", 1)[0])
        match = pattern.search(stripped)
        if match:
            return offset, match.start(1) + 1
    return None


def yaml_error(rel: str, message: str, fm_lines: list[str]) -> Diagnostic:
    """A yaml_rs error as a diagnostic at the file's real line (front matter line + 1)."""
    text = message.strip() or "invalid YAML"
    line, column = 2, 1
    pos = _YAML_POS_RE.search(text)
    if pos:
        line, column = int(pos.group(1)) + 1, int(pos.group(2))
    dup = re.match(r"duplicate mapping key: '(.*)'", text)
    if dup:
        key = dup.group(1)
        where = _duplicate_key_position(fm_lines, key)
        if where is not None:
            line, column = where[0] + 2, where[1]
        return Diagnostic.error(
            "fm-duplicate-key",
            rel,
            line,
            f"Key {key!r} appears more than once in the same mapping",
            "Keep one of them; YAML would otherwise silently use only one value.",
            column,
        )
    if "alias replay" in text:
        where = _first_line(_ALIAS_RE, fm_lines)
        if where is not None:
            line, column = where[0] + 2, where[1]
        return Diagnostic.error(
            "fm-alias-bomb",
            rel,
            line,
            "Front matter expands YAML aliases beyond the allowed limit",
            "Do not use anchors and aliases (&a / *a) to build large values.",
            column,
        )
    bad_tag = re.match(r"Invalid tag: '(.*)'", text)
    if bad_tag:
        where = _first_line(re.compile(f"({re.escape(bad_tag.group(1))})"), fm_lines)
        if where is not None:
            line, column = where[0] + 2, where[1]
        return Diagnostic.error(
            "fm-tag",
            rel,
            line,
            f"YAML tag {bad_tag.group(1)!r} is not allowed in front matter",
            "Write plain values; quote a value that starts with '!'.",
            column,
        )
    reason = text.splitlines()[-1] if pos else text.splitlines()[0]
    return Diagnostic.error(
        "fm-yaml",
        rel,
        min(line, len(fm_lines) + 2),
        f"Front matter is not valid YAML: {reason}",
        "Check indentation, quoting and colons on this line.",
        column,
    )
