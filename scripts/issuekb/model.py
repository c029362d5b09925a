"""Stage 2, model: a loaded `Document` -> a typed `Analysis` record + diagnostics.

Every field is checked against `schema.FIELDS`; a bad value becomes a located diagnostic and the field
falls back to "unknown", so one run reports every problem of every file.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from issuekb.diagnostics import Diagnostic
from issuekb.load import Document
from issuekb.refs import IssueRef, parse_ref
from issuekb.schema import FIELDS, PRIORITIES, Resolution, Status

__all__ = ["Analysis", "Companion", "build_analysis", "did_you_mean"]

SHA_RE = re.compile(r"^[0-9a-f]{7,40}$")
FOLDER_RE = re.compile(r"^(?P<num>[0-9]+)-(?P<slug>[a-z0-9][a-z0-9-]*)$")
_LEADING_ZERO_RE = re.compile(r"^0[0-9]+$")


@dataclass(frozen=True, slots=True)
class Companion:
    """A companion page of an analysis (summary.md, implementation.md, testing.md)."""

    name: str
    title: str
    path: Path
    rel: str
    body: str
    body_line: int


@dataclass(slots=True)
class Analysis:
    """One analysis record, typed. Unknown or invalid values are None / empty."""

    ref: IssueRef
    title: str
    status: Status | None
    path: Path
    rel: str
    folder: str
    body: str
    body_line: int
    resolution: Resolution | None = None
    duplicate_of: IssueRef | None = None
    related: tuple[IssueRef, ...] = ()
    related_notes: dict[IssueRef, str] = field(default_factory=dict)
    commits: tuple[str, ...] = ()
    prs: tuple[int, ...] = ()
    upstream_pr: IssueRef | None = None
    reporter: str | None = None
    reported: dt.date | None = None
    analyzed: dt.date | None = None
    resolved_on: dt.date | None = None
    priority: str | None = None
    tags: tuple[str, ...] = ()
    affected: tuple[str, ...] = ()
    companions: tuple[Companion, ...] = ()
    doc: Document | None = field(default=None, repr=False, compare=False)

    @property
    def repo(self) -> str:
        return self.ref.repo

    @property
    def issue(self) -> int:
        return self.ref.number

    @property
    def slug(self) -> str:
        match = FOLDER_RE.match(self.folder)
        return match.group("slug") if match else self.folder

    def line_of(self, key: str, index: int | None = None) -> int:
        return self.doc.line_of(key, index) if self.doc else 1


def did_you_mean(value: str, choices: list[str] | tuple[str, ...]) -> str:
    """' (did you mean 'x'?)' when a close choice exists, else ''."""
    close = difflib.get_close_matches(value.lower(), list(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else ""


class _Checker:
    """Collects diagnostics for one document while converting its fields."""

    def __init__(self, doc: Document, default_repo: str, today: dt.date) -> None:
        self.doc = doc
        self.meta: dict[str, Any] = doc.meta or {}
        self.default_repo = default_repo
        self.today = today
        self.diags: list[Diagnostic] = []

    def error(self, code: str, key: str, message: str, hint: str = "", index: int | None = None) -> None:
        self.diags.append(Diagnostic.error(code, self.doc.rel, self.doc.line_of(key, index), message, hint))

    def warning(self, code: str, key: str, message: str, hint: str = "", index: int | None = None) -> None:
        self.diags.append(Diagnostic.warning(code, self.doc.rel, self.doc.line_of(key, index), message, hint))

    def type_error(self, key: str, expected: str, value: object, index: int | None = None) -> None:
        where = f"{key}[{index}]" if index is not None else key
        self.error(
            "field-type",
            key,
            f"Field '{where}' must be {expected}, got {_describe(value)}",
            FIELDS[key].description if key in FIELDS else "",
            index,
        )

    # -- scalar kinds -------------------------------------------------------------------------------
    def int_field(self, key: str) -> int | None:
        value = self.meta.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            self.type_error(key, "a positive integer", value)
            return None
        if _LEADING_ZERO_RE.match(self.doc.raw_values.get(key, "")):
            self.warning(
                "field-leading-zero",
                key,
                f"Field '{key}' is written with leading zeros ({self.doc.raw_values[key]}); it reads as {value}",
                f"Write {key}: {value}.",
            )
        return value

    def str_field(self, key: str) -> str | None:
        value = self.meta.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.type_error(key, "a non-empty string", value)
            return None
        return value.strip()

    def enum_field(self, key: str, choices: tuple[str, ...]) -> str | None:
        value = self.meta.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.type_error(key, "one of " + ", ".join(choices), value)
            return None
        if value not in choices:
            suggestion = did_you_mean(value, choices)
            self.error(
                f"{key}-unknown",
                key,
                f"Unknown {key} {value!r}" + (f"; {suggestion}" if suggestion else ""),
                "Allowed: " + ", ".join(choices) + ".",
            )
            return None
        return value

    def date_field(self, key: str) -> dt.date | None:
        value = self.meta.get(key)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value.strip())
            except ValueError:
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
            self.error("date-future", key, f"Field '{key}' is in the future: {value.isoformat()}")
        return value

    def ref_field(self, key: str, value: object, index: int | None = None) -> IssueRef | None:
        ref = parse_ref(value, self.default_repo)
        if ref is None:
            self.type_error(key, "an issue reference (1143 or owner/repo#1143)", value, index)
        return ref

    def list_of(self, key: str) -> list[Any]:
        value = self.meta.get(key)
        if value is None:
            return []
        if isinstance(value, list):
            return value
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            return [value]  # a single value where a list is expected is harmless
        self.type_error(key, "a list", value)
        return []


def _describe(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def build_analysis(
    doc: Document, default_repo: str, *, today: dt.date | None = None
) -> tuple[Analysis | None, list[Diagnostic]]:
    """Check the front matter of one `analysis.md` and convert it into an `Analysis`."""
    if doc.meta is None:
        return None, []
    c = _Checker(doc, default_repo, today or dt.date.today())  # noqa: DTZ011
    meta = c.meta
    for key in meta:
        if not isinstance(key, str):
            c.diags.append(Diagnostic.error("field-unknown", doc.rel, 2, f"Key {key!r} is not a string"))
        elif key not in FIELDS:
            suggestion = did_you_mean(key, tuple(FIELDS))
            c.warning(
                "field-unknown",
                key,
                f"Unknown field {key!r}" + (f"; {suggestion}" if suggestion else ""),
                "Known fields are listed in the front-matter reference (docs/reference.md).",
            )
    for name, spec in FIELDS.items():
        if spec.required and meta.get(name) is None:
            c.diags.append(
                Diagnostic.error(
                    "field-required",
                    doc.rel,
                    doc.line_of(name) if name in doc.key_lines else 1,
                    f"Must have required field: {name}",
                    spec.description,
                )
            )

    repo = default_repo
    if meta.get("repo") is not None:
        raw = meta["repo"]
        if isinstance(raw, str) and re.match(r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$", raw):
            repo = raw
        else:
            c.type_error("repo", "'owner/name'", raw)
    c.default_repo = repo
    issue = c.int_field("issue")
    title = c.str_field("title")
    status_value = c.enum_field("status", tuple(s.value for s in Status))
    status = Status(status_value) if status_value else None
    resolution_value = c.enum_field("resolution", tuple(r.value for r in Resolution))
    resolution = Resolution(resolution_value) if resolution_value else None

    duplicate_of = c.ref_field("duplicate_of", meta["duplicate_of"]) if meta.get("duplicate_of") is not None else None
    upstream_pr = c.ref_field("upstream_pr", meta["upstream_pr"]) if meta.get("upstream_pr") is not None else None

    related: list[IssueRef] = []
    notes: dict[IssueRef, str] = {}
    for i, item in enumerate(c.list_of("related")):
        note = None
        if isinstance(item, dict):
            unknown = set(item) - {"issue", "note"}
            if unknown or "issue" not in item:
                c.type_error("related", "a reference or a mapping {issue, note}", item, i)
                continue
            note = item.get("note")
            if note is not None and not isinstance(note, str):
                c.type_error("related", "a mapping whose note is a string", item, i)
                note = None
            item = item["issue"]
        ref = c.ref_field("related", item, i)
        if ref is None:
            continue
        if ref in related:
            c.warning("related-repeated", "related", f"Related issue {ref.short(default_repo)} is listed twice", index=i)
            continue
        related.append(ref)
        if note:
            notes[ref] = note.strip()

    commits: list[str] = []
    for i, sha in enumerate(c.list_of("commits")):
        if not isinstance(sha, str) or not SHA_RE.match(sha):
            if isinstance(sha, str) and SHA_RE.match(sha.lower()):
                c.error("commit-format", "commits", f"Commit {sha!r} must be lower-case hex", index=i)
            else:
                c.error(
                    "commit-format",
                    "commits",
                    f"Commit {sha!r} is not a SHA (7 to 40 hex digits)",
                    "Quote SHAs made only of digits, e.g. '1234567'.",
                    index=i,
                )
            continue
        commits.append(sha)

    prs: list[int] = []
    for i, pr in enumerate(c.list_of("prs")):
        if isinstance(pr, str) and re.fullmatch(r"#?[0-9]+", pr.strip()) and int(pr.strip("# ")) > 0:
            pr = int(pr.strip("# "))
        if isinstance(pr, bool) or not isinstance(pr, int) or pr <= 0:
            c.type_error("prs", "a fork pull request number", pr, i)
            continue
        prs.append(pr)

    tags: list[str] = []
    for key, out in (("tags", tags), ("affected", [])):
        for i, item in enumerate(c.list_of(key)):
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                item = str(item)
            if not isinstance(item, str) or not item.strip():
                c.type_error(key, "a non-empty string", item, i)
                continue
            out.append(item.strip())
        if key == "affected":
            affected = tuple(out)
    for i, tag in enumerate(tags):
        if not re.fullmatch(r"[a-z0-9][a-z0-9.+-]*", tag):
            c.warning(
                "tag-format",
                "tags",
                f"Tag {tag!r} should be lower-case kebab-case",
                f"Write {re.sub(r'[^a-z0-9.+-]+', '-', tag.lower()).strip('-')!r}.",
                index=i,
            )

    reported = c.date_field("reported")
    analyzed = c.date_field("analyzed")
    resolved_on = c.date_field("resolved_on")
    _check_date_order(c, reported, analyzed, resolved_on)

    _check_lifecycle(c, status, resolution, duplicate_of, issue, repo, resolved_on)

    folder = doc.path.parent.name
    match = FOLDER_RE.match(folder)
    if match is None:
        c.diags.append(
            Diagnostic.error(
                "folder-name",
                doc.rel,
                1,
                f"Folder {folder!r} must be named <number>-<slug> (lower-case kebab-case)",
                f"Rename it, e.g. {issue or 1234:04d}-short-title.",
            )
        )
    elif issue is not None and int(match.group("num")) != issue:
        c.error(
            "folder-number",
            "issue",
            f"Folder {folder!r} is numbered {int(match.group('num'))} but the front matter says issue {issue}",
            "Rename the folder or fix the issue number.",
        )

    if issue is None or title is None:
        return None, c.diags
    analysis = Analysis(
        ref=IssueRef(repo, issue),
        title=title,
        status=status,
        path=doc.path,
        rel=doc.rel,
        folder=folder,
        body=doc.body,
        body_line=doc.body_line,
        resolution=resolution,
        duplicate_of=duplicate_of,
        related=tuple(related),
        related_notes=notes,
        commits=tuple(commits),
        prs=tuple(prs),
        upstream_pr=upstream_pr,
        reporter=c.str_field("reporter"),
        reported=reported,
        analyzed=analyzed,
        resolved_on=resolved_on,
        priority=c.enum_field("priority", PRIORITIES),
        tags=tuple(dict.fromkeys(tags)),
        affected=affected,
        doc=doc,
    )
    return analysis, c.diags


def _check_date_order(c: _Checker, *dates: dt.date | None) -> None:
    names = ("reported", "analyzed", "resolved_on")
    known = [(name, value) for name, value in zip(names, dates, strict=True) if value is not None]
    for (first, a), (second, b) in zip(known, known[1:], strict=False):
        if b < a:
            c.error(
                "date-order",
                second,
                f"Field '{second}' ({b.isoformat()}) is before '{first}' ({a.isoformat()})",
                "Dates must be in order: reported <= analyzed <= resolved_on.",
            )


def _check_lifecycle(
    c: _Checker,
    status: Status | None,
    resolution: Resolution | None,
    duplicate_of: IssueRef | None,
    issue: int | None,
    repo: str,
    resolved_on: dt.date | None,
) -> None:
    if status is not None and status.is_closed and resolution is None and c.meta.get("resolution") is None:
        c.error(
            "resolution-required",
            "status",
            f"Status '{status}' requires a resolution",
            "Add resolution: one of " + ", ".join(r.value for r in Resolution) + ".",
        )
    if status is not None and not status.is_closed and resolution is not None:
        c.warning(
            "resolution-open",
            "resolution",
            f"Resolution '{resolution}' is set but status is '{status}'",
            "Set status: resolved (or archived), or remove the resolution.",
        )
    if resolution is Resolution.DUPLICATE and duplicate_of is None and c.meta.get("duplicate_of") is None:
        c.error("duplicate-target", "resolution", "Resolution 'duplicate' requires duplicate_of", "Name the canonical issue.")
    if duplicate_of is not None and resolution is not Resolution.DUPLICATE:
        c.error(
            "duplicate-resolution",
            "duplicate_of",
            f"duplicate_of is set, so resolution must be 'duplicate' (it is {resolution.value if resolution else 'missing'})",
            "Set status: resolved and resolution: duplicate, or remove duplicate_of.",
        )
    if duplicate_of is not None and issue is not None and duplicate_of == IssueRef(repo, issue):
        c.error("duplicate-self", "duplicate_of", "An issue cannot be a duplicate of itself")
    if resolved_on is not None and status is not None and not status.is_closed:
        c.warning("resolved-open", "resolved_on", f"resolved_on is set but status is '{status}'")
