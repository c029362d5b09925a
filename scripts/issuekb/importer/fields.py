"""Bold field lines of hand-written analyses: `**Key**: value`, `**Key:** value`, `- **Key**: value`.

`scan_fields` finds every field line outside code fences, maps its key to a front-matter target (or to
nothing), and marks the header block: the first run of field lines before any `##` heading, which is
what the importer removes once every line of it was carried over. Reading a value's text (dates, issue
references, SHAs, PR numbers) is `issuekb.importer.values`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field, replace

from issuekb.importer.scope import line_scopes, other_issue

__all__ = ["FieldLine", "ScannedText", "canonical_key", "scan_fields"]

_FIELD_RE = re.compile(
    r"^\s{0,3}(?:[-*+]\s+)?\*\*(?P<key>[^*\n]{1,40}?)(?::\*\*|\*\*\s*:)[ \t]*(?P<value>.*?)\s*$"
)
_ITEM_RE = re.compile(r"^(?P<indent>\s*)[-*+]\s+(?P<text>.+?)\s*$")
_FENCE_RE = re.compile(r"^\s*(```|~~~)")
_HEADING_RE = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")

#: Normalised key -> the front-matter field it feeds (or a pseudo-target: `fix` feeds commits and prs).
KEYS: dict[str, str] = {
    "title": "title",
    "issue title": "title",
    "issue": "issue",
    "issue number": "issue",
    "issue url": "issue",
    "issue link": "issue",
    "github issue": "issue",
    "original issue": "issue",
    "upstream": "issue",
    "upstream issue": "issue",
    "upstream url": "issue",
    "status": "status",
    "state": "status",
    "current status": "status",
    "upstream status": "upstream_status",
    "upstream state": "upstream_status",
    "resolution": "resolution",
    "duplicate of": "duplicate_of",
    "duplicates": "duplicate_of",
    "related issues": "related",
    "related issue": "related",
    "related": "related",
    "see also": "related",
    "fix": "fix",
    "fixed in": "fix",
    "fixed by": "fix",
    "pr": "prs",
    "prs": "prs",
    "fix pr": "prs",
    "fork pr": "prs",
    "pull request": "prs",
    "pull requests": "prs",
    "upstream pr": "upstream_pr",
    "upstream pull request": "upstream_pr",
    "reporter": "reporter",
    "reported by": "reporter",
    "opened by": "reporter",
    "date posted": "reported",
    "date reported": "reported",
    "reported": "reported",
    "reported on": "reported",
    "posted": "reported",
    "opened": "reported",
    "created": "reported",
    "date": "reported",
    "analysis date": "analyzed",
    "date analyzed": "analyzed",
    "analyzed": "analyzed",
    "analysed": "analyzed",
    "analyzed on": "analyzed",
    "resolved": "resolved_on",
    "resolved on": "resolved_on",
    "date resolved": "resolved_on",
    "resolution date": "resolved_on",
    "fixed on": "resolved_on",
    "closed on": "resolved_on",
    "priority": "priority",
    "tags": "tags",
    "labels": "tags",
    "affected": "affected",
    "affected systems": "affected",
    "affected platforms": "affected",
    "affected versions": "affected",
    "affected distributions": "affected",
    "platforms": "affected",
}
#: Keys too vague to trust outside the header block (`**Date**: ...` under "Implementation" is a commit date).
HEADER_ONLY = frozenset({"date"})
#: Targets whose value may be a Markdown list on the lines after an empty `**Key**:`.
LIST_TARGETS = frozenset({"related", "commits", "prs", "tags", "affected", "fix"})


@dataclass(frozen=True, slots=True)
class FieldLine:
    """One bold field line: where it is, its key as written, the target it feeds, its value."""

    line: int
    key: str
    target: str | None
    value: str
    items: tuple[str, ...] = ()
    in_header: bool = False
    end_line: int = 0
    #: Why this line is not about the analysis's own issue (see `scope`); None when it is.
    elsewhere: str | None = None
    #: Lines nested under its list items (a related issue's own details), not part of its value.
    nested: tuple[int, ...] = ()

    @property
    def lines(self) -> range:
        """Every line this field occupies (its own and the list items that continue it)."""
        return range(self.line, max(self.line, self.end_line) + 1)


@dataclass(slots=True)
class ScannedText:
    """The field lines of one file, its first heading and the span of its header block."""

    fields: list[FieldLine] = field(default_factory=list)
    heading: tuple[int, str] | None = None
    header: range | None = None


def canonical_key(key: str) -> str:
    """`Fix Commit(s)` -> `fix commit`: lower case, single spaces, no `(s)`, no trailing colon."""
    text = re.sub(r"\(s\)", "", key.lower())
    return re.sub(r"\s+", " ", text).strip(" :")


def _target(key: str) -> str | None:
    if key in KEYS:
        return KEYS[key]
    if "commit" in key and "related" not in key:
        return "commits"
    return None


def scan_fields(text: str, own: Collection[int] = ()) -> ScannedText:
    """Every field line of `text` (1-based line numbers), outside fenced code, with its header flag.

    `own` are the analysis's own issue numbers; a field line that is not about them (see `scope`, and:
    a run of field lines whose issue line names another issue, a commit line naming another issue)
    carries the reason in `elsewhere`.
    """
    lines = text.split("\n")
    scan = _Scan(lines, line_scopes(text, own), own)
    i = 0
    while i < len(lines):
        i = scan.step(i)
    out = scan.out
    out.header = scan.header.span()
    out.fields = _mark_foreign_runs(out.fields, own)
    return out


@dataclass(slots=True)
class _Header:
    """The header block as a scan finds it: the first run of field lines, until a heading or a line of
    other text closes it."""

    start: int | None = None
    end: int | None = None
    closed: bool = False

    def close(self) -> None:
        """A heading or a line of other text: the block, once started, takes no more lines."""
        if self.start is not None:
            self.closed = True

    def take(self, line: int, end: int) -> bool:
        """Whether the field on line `line`, continued down to line `end`, belongs to the block (then it
        grows to `end`); never once the block is closed."""
        if self.closed:
            return False
        if self.start is None:
            self.start = line
        self.end = end
        return True

    def span(self) -> range | None:
        """The block's lines, None when the file has no header block."""
        if self.start is not None and self.end is not None:
            return range(self.start, self.end + 1)
        return None


@dataclass(slots=True)
class _Scan:
    """One pass over the lines of a file (`scopes` and `own` as for `scan_fields`); `out` collects the
    fields and the first heading, `header` the header block."""

    lines: list[str]
    scopes: list[str | None]
    own: Collection[int]
    out: ScannedText = field(default_factory=ScannedText)
    header: _Header = field(default_factory=_Header)
    fenced: bool = False
    seen_subheading: bool = False

    def step(self, i: int) -> int:
        """Read the line of index `i`; return the index of the next line to read (past the list
        items of a field, which are part of it)."""
        raw = self.lines[i]
        if _FENCE_RE.match(raw):
            self.fenced = not self.fenced
        elif self.fenced:
            pass  # fenced code holds no heading and no field
        elif heading := _HEADING_RE.match(raw):
            self._heading(i + 1, heading)
        elif match := _FIELD_RE.match(raw):
            return self._field(i, match)
        elif raw.strip():
            self.header.close()
        return i + 1

    def _heading(self, lineno: int, heading: re.Match[str]) -> None:
        """The first `#` heading before any other heading is the file's; any other one is a
        subheading, after which no field line is in the header block."""
        if len(heading.group("hashes")) == 1 and self.out.heading is None and not self.seen_subheading:
            self.out.heading = (lineno, heading.group("text"))
        else:
            self.seen_subheading = True
        self.header.close()

    def _field(self, i: int, match: re.Match[str]) -> int:
        """Record the field line of index `i`; return the index after its last list item."""
        key = canonical_key(match.group("key"))
        target = _target(key)
        value = match.group("value").strip()
        items, nested, end = _list_items(self.lines, i, target) if not value else ([], [], i)
        in_header = not self.seen_subheading and self.header.take(i + 1, end + 1)
        if key in HEADER_ONLY and not in_header:
            target = None
        number = other_issue(value, self.own) if target in ("commits", "fix") else None
        elsewhere = self.scopes[i] or (f"names #{number}" if number is not None else None)
        key_text = match.group("key").strip()
        self.out.fields.append(
            FieldLine(
                i + 1, key_text, target, value, tuple(items), in_header, end + 1, elsewhere, tuple(nested)
            )
        )
        return end + 1


def _list_items(lines: list[str], i: int, target: str | None) -> tuple[list[str], list[int], int]:
    """The list below an empty list field on line index `i`: its items, the line numbers nested under
    them (kept apart only for related issues, whose sub-bullets are about those issues), and the index
    of the list's last line."""
    items: list[str] = []
    nested: list[int] = []
    end = i
    if target not in LIST_TARGETS:
        return items, nested, end
    top: int | None = None
    for j in range(i + 1, len(lines)):
        item = _ITEM_RE.match(lines[j])
        if item is None:
            break
        indent = len(item.group("indent").expandtabs(4))
        top = indent if top is None else top
        if indent > top and target == "related":
            nested.append(j + 1)
        elif _FIELD_RE.match(lines[j]):
            break
        else:
            items.append(item.group("text"))
        end = j
    return items, nested, end


def _mark_foreign_runs(fields: list[FieldLine], own: Collection[int]) -> list[FieldLine]:
    """Outside the header block, a run of adjacent field lines whose issue line names another issue
    (a quoted `**Issue**: #1143` / `**Title**: ...` pair) is about that issue: every line of it."""
    runs: list[list[FieldLine]] = []
    for f in fields:
        if runs and not f.in_header and not runs[-1][-1].in_header and f.line == runs[-1][-1].end_line + 1:
            runs[-1].append(f)
        else:
            runs.append([f])
    out: list[FieldLine] = []
    for run in runs:
        numbers = [other_issue(f.value, own) for f in run if f.target == "issue" and not f.in_header]
        number = next((n for n in numbers if n is not None), None)
        reason = f"in a block of fields about #{number}" if number is not None else None
        out.extend(replace(f, elsewhere=f.elsewhere or reason) for f in run)
    return out
