"""Model stage: a loaded `Document` -> a typed `Analysis` record + diagnostics.

Every field is checked against `schema.FIELDS` (the conversions live in `issuekb.core.fields`); a bad value
becomes a located diagnostic and the field falls back to "unknown", so one run reports every problem of
every file. Upstream issues are `IssueRef`s; fork pull requests are plain ints in `prs`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from issuekb.core.document import Document
from issuekb.core.fields import FieldReader, did_you_mean
from issuekb.core.refs import MAX_NUMBER, IssueRef
from issuekb.core.schema import FIELDS, PRIORITIES, TAG_RE, Resolution, Status, tag_suggestion
from issuekb.diagnostics import Diagnostic

__all__ = ["DATE_FIELDS", "FOLDER_RE", "SHA_RE", "Analysis", "Companion", "build_analysis", "did_you_mean"]

SHA_RE = re.compile(r"^[0-9a-f]{7,40}$")
FOLDER_RE = re.compile(r"^(?P<num>[0-9]+)-(?P<slug>[a-z0-9][a-z0-9-]*)$")
_STATUS_VALUES = tuple(s.value for s in Status)
_RESOLUTION_VALUES = tuple(v.value for v in Resolution)
#: The fields read as dates, and so the only ones compared with the day ("not in the future").
DATE_FIELDS = ("reported", "analyzed", "resolved_on")
DATE_ORDER_HELP = "An issue is analysed and resolved on or after the day it was reported."


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
    status_note: str | None = None
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


def build_analysis(
    doc: Document, default_repo: str, *, today: dt.date | None = None
) -> tuple[Analysis | None, list[Diagnostic]]:
    """Check the front matter of one `analysis.md` and convert it into an `Analysis`.

    Returns None (with diagnostics) when the record has no usable issue number or title.
    `today` bounds the dates ("not in the future"); tests pass a fixed one.
    """
    if doc.meta is None:
        return None, []
    r = FieldReader(doc, default_repo, today or dt.date.today())
    _check_keys(r)
    r.placeholders()
    r.default_repo = r.repo_field("repo") or default_repo
    issue = r.int_field("issue")
    title = r.str_field("title")
    status, resolution = _status(r)
    duplicate_of = r.ref_field("duplicate_of")
    upstream_pr = r.ref_field("upstream_pr")
    related, notes = r.related_field("related")
    commits = _commits(r)
    prs = r.list_field("prs", _pr, "a fork pull request number")
    tags = _tags(r)
    affected = r.list_field("affected", _text, _TEXT_HELP)
    reporter = r.str_field("reporter")
    status_note = r.str_field("status_note")
    priority = r.enum_field("priority", PRIORITIES)
    dates = _dates(r, status, resolution, duplicate_of, issue)
    folder = doc.path.parent.name
    _check_folder(r, folder, issue)
    if issue is None or title is None:
        return None, r.diags
    analysis = Analysis(
        ref=IssueRef(r.default_repo, issue),
        title=title,
        status=status,
        path=doc.path,
        rel=doc.rel,
        folder=folder,
        body=doc.body,
        body_line=doc.body_line,
        resolution=resolution,
        duplicate_of=duplicate_of,
        related=related,
        related_notes=notes,
        commits=commits,
        prs=prs,
        upstream_pr=upstream_pr,
        reporter=reporter,
        reported=dates["reported"],
        analyzed=dates["analyzed"],
        resolved_on=dates["resolved_on"],
        priority=priority,
        tags=tags,
        affected=affected,
        status_note=status_note,
        doc=doc,
    )
    return analysis, r.diags


def _status(r: FieldReader) -> tuple[Status | None, Resolution | None]:
    """The status and the resolution, each None when missing or not a known word (the reader says so)."""
    status = r.enum_field("status", _STATUS_VALUES)
    resolution = r.enum_field("resolution", _RESOLUTION_VALUES)
    return (Status(status) if status else None), (Resolution(resolution) if resolution else None)


def _dates(
    r: FieldReader,
    status: Status | None,
    resolution: Resolution | None,
    duplicate_of: IssueRef | None,
    issue: int | None,
) -> dict[str, dt.date | None]:
    """The dates (`DATE_FIELDS`), checked one by one, in order, and against the lifecycle."""
    dates = {key: r.date_field(key) for key in DATE_FIELDS}
    _check_date_order(r, dates)
    _check_lifecycle(r, status, resolution, duplicate_of, issue, dates["resolved_on"])
    return dates


_REQUIRED = tuple(name for name, spec in FIELDS.items() if spec.required)


def _check_keys(r: FieldReader) -> None:
    """Required fields present; unknown keys reported with the closest known one."""
    for key in r.meta:
        if not isinstance(key, str):
            r.diags.append(
                Diagnostic.error(
                    "field-type",
                    r.doc.rel,
                    2,
                    f"Key {key!r} must be a string",
                    "Write plain 'key: value' lines.",
                )
            )
        elif key not in FIELDS:
            suggestion = did_you_mean(key, tuple(FIELDS))
            r.warning(
                "field-unknown",
                key,
                f"Unknown field {key!r}" + (f"; {suggestion}" if suggestion else ""),
                "Known fields are listed in the front-matter reference (docs/reference.md).",
            )
    for name in _REQUIRED:
        if r.meta.get(name) is None:
            r.error("field-required", name, f"Must have required field: {name}", FIELDS[name].description)


def _commits(r: FieldReader) -> tuple[str, ...]:
    """Fork commit SHAs: 7 to 40 lower-case hex digits (an all-digit SHA may be left unquoted)."""
    commits: list[str] = []
    for i, sha in enumerate(r.items("commits")):
        if isinstance(sha, int) and not isinstance(sha, bool) and SHA_RE.match(str(sha)):
            commits.append(str(sha))  # an unquoted all-digit SHA: YAML reads it as a number
        elif isinstance(sha, str) and SHA_RE.match(sha):
            commits.append(sha)
        elif isinstance(sha, str) and SHA_RE.match(sha.lower()):
            r.error(
                "commit-format",
                "commits",
                f"Commit {sha!r} must be lower-case hex",
                f"Write {sha.lower()!r}.",
                i,
            )
        else:
            hint = "Quote a SHA made only of digits, e.g. '1234567'." if isinstance(sha, int) else ""
            r.error("commit-format", "commits", f"Commit {sha!r} is not a SHA (7 to 40 hex digits)", hint, i)
    return tuple(commits)


def _tags(r: FieldReader) -> tuple[str, ...]:
    """Free tags, kept once each; a tag that is not a slug is an error with the slug to write."""
    tags = r.list_field("tags", _text, _TEXT_HELP)
    for i, tag in enumerate(tags):
        if not TAG_RE.fullmatch(tag):
            r.error(
                "tag-format",
                "tags",
                f"Tag {tag!r} must be a slug (lower-case letters, digits and hyphens)",
                f"Write {tag_suggestion(tag)!r}.",
                i,
            )
    return tuple(dict.fromkeys(tags))


def _pr(value: object) -> int | None:
    if isinstance(value, str) and re.fullmatch(r"#?[0-9]{1,15}", value.strip()):
        value = int(value.strip().lstrip("#"))
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_NUMBER:
        return value
    return None


_TEXT_HELP = "a non-empty string (quote numbers such as versions: '3.10')"


def _text(value: object) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _check_date_order(r: FieldReader, dates: dict[str, dt.date | None]) -> None:
    """An issue is analysed and resolved on or after the day it was reported. `resolved_on` before
    `analyzed` is allowed: an issue is often analysed after its fix."""
    reported = dates.get("reported")
    if reported is None:
        return
    for name in ("analyzed", "resolved_on"):
        value = dates.get(name)
        if value is not None and value < reported:
            r.error(
                "date-order",
                name,
                f"Field '{name}' ({value.isoformat()}) is before 'reported' ({reported.isoformat()})",
                DATE_ORDER_HELP,
            )


def _check_lifecycle(
    r: FieldReader,
    status: Status | None,
    resolution: Resolution | None,
    duplicate_of: IssueRef | None,
    issue: int | None,
    resolved_on: dt.date | None,
) -> None:
    """Status, resolution and duplicate_of agree with each other."""
    has_resolution = r.meta.get("resolution") is not None  # set, even if to an unknown word
    if status is not None and status.is_closed and not has_resolution:
        r.error(
            "resolution-required",
            "status",
            f"Status '{status}' requires a resolution",
            f"Add one of: {', '.join(_RESOLUTION_VALUES)}.",
        )
    if status is not None and not status.is_closed and resolution is not None:
        r.warning(
            "resolution-open",
            "resolution",
            f"Resolution '{resolution}' is set but status is '{status}'",
            "Set status: resolved (or archived), or remove the resolution.",
        )
    if resolved_on is not None and status is not None and not status.is_closed:
        r.warning(
            "resolved-open",
            "resolved_on",
            f"resolved_on is set but status is '{status}'",
            "Set status: resolved (or archived), or remove resolved_on.",
        )
    if resolution is Resolution.DUPLICATE and r.meta.get("duplicate_of") is None:
        r.error(
            "duplicate-target",
            "resolution",
            "Resolution 'duplicate' requires duplicate_of",
            "Name the canonical issue: duplicate_of: 1143 (or owner/repo#1143).",
        )
    if (
        duplicate_of is not None
        and resolution is not Resolution.DUPLICATE
        and (resolution or not has_resolution)
    ):
        r.error(
            "duplicate-resolution",
            "duplicate_of",
            f"duplicate_of is set, so resolution must be 'duplicate' (it is {resolution or 'missing'})",
            "Set status: resolved and resolution: duplicate, or remove duplicate_of.",
        )
    if duplicate_of is not None and duplicate_of == IssueRef(r.default_repo, issue or 0):
        r.error(
            "duplicate-self",
            "duplicate_of",
            "An issue cannot be a duplicate of itself",
            "Remove duplicate_of.",
        )


def _check_folder(r: FieldReader, folder: str, issue: int | None) -> None:
    """The folder is `<number>-<slug>` and its number is the issue's."""
    match = FOLDER_RE.match(folder)
    if match is None:
        r.diags.append(
            Diagnostic.error(
                "folder-name",
                r.doc.rel,
                1,
                f"Folder {folder!r} must be named <number>-<slug> (lower-case kebab-case)",
                f"Rename it, e.g. {issue or 1234:04d}-short-title.",
            )
        )
    elif issue is not None and int(match.group("num")) != issue:
        r.error(
            "folder-number",
            "issue",
            f"Folder {folder!r} is numbered {int(match.group('num'))}, but the front matter says issue {issue}",
            "Rename the folder or fix the issue number.",
        )
