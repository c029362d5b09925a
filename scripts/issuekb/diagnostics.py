"""Diagnostics are values: every problem found by any stage is a `Diagnostic`.

Stages return lists of them; nothing raises at the first problem. The CLI and the MkDocs plugin format
the same records (text, JSON, GitHub workflow annotations).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass

__all__ = ["Diagnostic", "Severity", "exit_code", "format_diagnostics", "sort_key"]


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem: a rule's code, where it is and what to do about it."""

    code: str
    severity: Severity
    path: str
    line: int
    column: int
    message: str
    hint: str = ""

    @classmethod
    def error(
        cls, code: str, path: str, line: int, message: str, hint: str = "", column: int = 1
    ) -> Diagnostic:
        return cls(code, Severity.ERROR, path, line, column, message, hint)

    @classmethod
    def warning(
        cls, code: str, path: str, line: int, message: str, hint: str = "", column: int = 1
    ) -> Diagnostic:
        return cls(code, Severity.WARNING, path, line, column, message, hint)

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    def as_text(self) -> str:
        text = f"{self.location}: {self.severity}[{self.code}] {self.message}"
        if self.hint:
            text += f"\n  help: {self.hint}"
        return text

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data

    def as_github(self) -> str:
        level = "error" if self.severity is Severity.ERROR else "warning"
        message = self.message + (f" (help: {self.hint})" if self.hint else "")
        return (
            f"::{level} file={_gh_property(self.path)},line={self.line},col={self.column},"
            f"title={_gh_property(self.code)}::{_gh_data(message)}"
        )


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def sort_key(diagnostic: Diagnostic) -> tuple[str, int, int, str, str, str, str]:
    """By location, then every other field: equal keys mean equal diagnostics, so any order of the same
    diagnostics sorts to the same list."""
    d = diagnostic
    return (d.path, d.line, d.column, d.code, d.message, d.severity.value, d.hint)


def format_diagnostics(diagnostics: Iterable[Diagnostic], fmt: str = "text") -> str:
    """Render diagnostics, sorted by location, as `text`, `json` or `github` annotations."""
    items = sorted(diagnostics, key=sort_key)
    if fmt == "json":
        return json.dumps([d.as_dict() for d in items], indent=2, ensure_ascii=False) + "\n"
    if fmt == "github":
        return "".join(d.as_github() + "\n" for d in items)
    if not items:
        return ""
    errors = sum(1 for d in items if d.severity is Severity.ERROR)
    warnings = len(items) - errors
    body = "\n".join(d.as_text() for d in items)
    return f"{body}\n\n{errors} error(s), {warnings} warning(s)\n"


def exit_code(diagnostics: Iterable[Diagnostic]) -> int:
    """0 when no diagnostic is an error, else 1 (2 is for 'could not run', decided by the caller)."""
    return 1 if any(d.severity is Severity.ERROR for d in diagnostics) else 0
