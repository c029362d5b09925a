"""Field conversion for the model stage: one front-matter value -> a typed value, or a located diagnostic.

`FieldReader` reads one document's front matter key by key. Each reader returns None (or an empty tuple)
for a value it cannot use and records why, so the model can go on and report every other problem too.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from typing import Any, TypeVar

from issuekb.config import REPO_RE
from issuekb.core.document import Document
from issuekb.core.refs import MAX_NUMBER, IssueRef, parse_ref
from issuekb.core.schema import FIELDS, PLACEHOLDER_RE, PLACEHOLDERS
from issuekb.diagnostics import Diagnostic

__all__ = ["FieldReader", "did_you_mean"]

T = TypeVar("T")

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LEADING_ZERO_RE = re.compile(r"^#?0[0-9]+$")
#: Where a value written with leading zeros could start (after a key's colon): a front matter without
#: one needs no look at where each key is written (`Document.raw_values`)
_LEADING_ZERO_HINT = re.compile(r":\s*#?0[0-9]")
_REF_HELP = "an issue reference (1143 or owner/repo#1143)"
#: Every placeholder holds one of these: a value without any of them needs no regular expression.
_PLACEHOLDER_PARTS = tuple(dict.fromkeys(p[:4] for p in PLACEHOLDERS))


def did_you_mean(value: str, choices: list[str] | tuple[str, ...]) -> str:
    """'did you mean 'x'?' when a close choice exists, else ''."""
    close = difflib.get_close_matches(value.lower(), list(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else ""


def describe(value: object) -> str:
    """A value as shown in a message: its YAML type and a short repr."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int) and value.bit_length() > 64:
        return f"an integer of about {int(value.bit_length() * 0.30103) + 1} digits"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


class FieldReader:
    """Converts the fields of one document and collects the diagnostics."""

    def __init__(self, doc: Document, default_repo: str, today: dt.date) -> None:
        self.doc = doc
        self.meta: dict[Any, Any] = doc.meta or {}
        self.default_repo = default_repo
        self.today = today
        self.diags: list[Diagnostic] = []
        #: keys whose value still holds a template placeholder: reported once, as that
        self.placeholder_keys: set[str] = set()
        # the front matter's text holds every value: most documents need no look at where each key is
        if any(part in doc.source for part in _PLACEHOLDER_PARTS):
            self.placeholder_keys = {key for key, raw in doc.raw_values.items() if PLACEHOLDER_RE.search(raw)}
        self._zeros = bool(_LEADING_ZERO_HINT.search(doc.source))

    def placeholders(self) -> None:
        """A template placeholder left in a front-matter value is an error (and the only one for that key)."""
        for key in sorted(self.placeholder_keys, key=self.doc.line_of):
            for match in PLACEHOLDER_RE.finditer(self.doc.raw_values[key]):
                self.error(
                    "placeholder",
                    key,
                    f"Template placeholder {match.group()!r} left in field '{key}'",
                    "Replace it with the real value, or remove the field.",
                )

    def error(self, code: str, key: str, message: str, hint: str = "", index: int | None = None) -> None:
        self.diags.append(Diagnostic.error(code, self.doc.rel, self.doc.line_of(key, index), message, hint))

    def warning(self, code: str, key: str, message: str, hint: str = "", index: int | None = None) -> None:
        self.diags.append(Diagnostic.warning(code, self.doc.rel, self.doc.line_of(key, index), message, hint))

    def type_error(self, key: str, expected: str, value: object, index: int | None = None) -> None:
        if key in self.placeholder_keys:
            return
        where = f"{key}[{index}]" if index is not None else key
        hint = FIELDS[key].description if key in FIELDS else ""
        self.error(
            "field-type", key, f"Field '{where}' must be {expected}, got {describe(value)}", hint, index
        )

    def _leading_zero(self, key: str, value: int) -> None:
        if not self._zeros:
            return
        raw = self.doc.raw_values.get(key, "")
        if _LEADING_ZERO_RE.match(raw):
            self.warning(
                "field-leading-zero",
                key,
                f"Field '{key}' is written with leading zeros ({raw}); it reads as {value}",
                f"Write {key}: {value} (YAML 1.1 tools would read {raw} as an octal number).",
            )

    def int_field(self, key: str) -> int | None:
        value = self.meta.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            self.type_error(key, "a positive integer", value)
            return None
        if value > MAX_NUMBER:
            self.type_error(key, f"a positive integer of at most {len(str(MAX_NUMBER))} digits", value)
            return None
        self._leading_zero(key, value)
        return value

    def str_field(self, key: str) -> str | None:
        value = self.meta.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.type_error(key, "a non-empty string", value)
            return None
        return value.strip()

    def repo_field(self, key: str) -> str | None:
        value = self.meta.get(key)
        if value is None:
            return None
        if isinstance(value, str) and REPO_RE.match(value):
            return value
        self.type_error(key, "'owner/name'", value)
        return None

    def enum_field(self, key: str, choices: tuple[str, ...]) -> str | None:
        value = self.meta.get(key)
        if value is None:
            return None
        if isinstance(value, str) and value in choices:
            return value
        if key in self.placeholder_keys:
            return None
        suggestion = did_you_mean(value, choices) if isinstance(value, str) else ""
        shown = repr(value) if isinstance(value, str) else describe(value)
        self.error(
            "field-enum",
            key,
            f"Unknown {key} {shown}" + (f"; {suggestion}" if suggestion else ""),
            "Allowed: " + ", ".join(choices) + ".",
        )
        return None

    def date_field(self, key: str) -> dt.date | None:
        value = self.meta.get(key)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            try:
                if not _DATE_RE.match(value.strip()):
                    raise ValueError(value)
                value = dt.date.fromisoformat(value.strip())
            except ValueError:
                if key in self.placeholder_keys:
                    return None
                self.error(
                    "date-invalid",
                    key,
                    f"Field '{key}' is not a real date: {self.meta[key]!r}",
                    "Write dates as YYYY-MM-DD.",
                )
                return None
        if not isinstance(value, dt.date):
            self.type_error(key, "a date (YYYY-MM-DD)", value)
            return None
        if value > self.today:
            self.error(
                "date-future",
                key,
                f"Field '{key}' is in the future: {value.isoformat()} (today is {self.today.isoformat()})",
                "Fix the date; a date in the future is usually a typo in the year or month.",
            )
        return value

    def ref_field(self, key: str) -> IssueRef | None:
        value = self.meta.get(key)
        if value is None:
            return None
        ref = parse_ref(value, self.default_repo)
        if ref is None:
            self.type_error(key, _REF_HELP, value)
            return None
        self._leading_zero(key, ref.number)
        return ref

    def items(self, key: str) -> list[Any]:
        """The items of a list field; a single scalar counts as a list of one."""
        value = self.meta.get(key)
        if value is None:
            return []
        if isinstance(value, list):
            return value
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            return [value]
        self.type_error(key, "a list", value)
        return []

    def list_field(self, key: str, convert: Callable[[object], T | None], expected: str) -> tuple[T, ...]:
        """Convert every item; an item `convert` refuses is a type error at the item's line."""
        out: list[T] = []
        for i, item in enumerate(self.items(key)):
            value = convert(item)
            if value is None:
                self.type_error(key, expected, item, i)
            else:
                out.append(value)
        return tuple(out)

    def related_field(self, key: str) -> tuple[tuple[IssueRef, ...], dict[IssueRef, str]]:
        """Items are references or {issue, note} mappings; repeats are warnings."""
        related: list[IssueRef] = []
        notes: dict[IssueRef, str] = {}
        for i, item in enumerate(self.items(key)):
            target, note = item, None
            if isinstance(item, dict):
                if set(item) - {"issue", "note"} or "issue" not in item:
                    self.type_error(
                        key, "a reference or a mapping with 'issue' and an optional 'note'", item, i
                    )
                    continue
                target, note = item["issue"], item.get("note")
                if note is not None and not isinstance(note, str):
                    self.type_error(key, "a mapping whose note is a string", item, i)
                    note = None
            ref = parse_ref(target, self.default_repo)
            if ref is None:
                self.type_error(key, _REF_HELP, target, i)
                continue
            if ref in related:
                shown = ref.short(self.default_repo)
                self.warning("related-repeated", key, f"Related issue {shown} is listed twice", "", i)
                continue
            related.append(ref)
            if note and note.strip():
                notes[ref] = note.strip()
        return tuple(related), notes
