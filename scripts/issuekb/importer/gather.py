"""Read every source of one legacy issue folder into candidates, sorted into buckets by kind of source.

Buckets: `header` (field lines of analysis.md's header block), `analysis` (its other field lines about
its own issue), `heading` (its `# Issue #N: title`), `companions`
(field lines of summary.md, implementation.md, testing.md, in that order), `body` (fixes and priority
stated in the prose of analysis.md), `folder` (the folder's number and its status folder), `tracking`
(the legacy TRACKING.md row), `fallback` (the folder's slug as a last-resort title). `decide` ranks them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from issuekb.core.schema import PRIORITIES, Status, tag_suggestion
from issuekb.importer.body import fix_mentions, heading_title, priority_section
from issuekb.importer.discover import LegacyFolder
from issuekb.importer.fields import FieldLine, canonical_key, scan_fields
from issuekb.importer.resolve import Candidate, Conflict, Source
from issuekb.importer.scope import own_numbers
from issuekb.importer.status import StatusReading, folder_status, read_resolution, read_status
from issuekb.importer.tracking import TrackingRow
from issuekb.importer.values import (
    is_empty_value,
    read_date,
    read_issue,
    read_prs,
    read_related,
    read_reporter,
    read_shas,
    split_items,
)

__all__ = ["LIST_FIELDS", "Gathered", "gather"]

#: Fields whose field lines in one file are merged into one candidate (union, in order).
LIST_FIELDS = frozenset({"related", "commits", "prs", "tags", "affected"})
_TITLE_KEYS = frozenset({"issue", "original issue", "github issue"})
#: Targets whose unreadable value is a note wherever it is; `resolution` and `fix` lines are often prose.
_NOTE_ALWAYS = frozenset(
    {"title", "issue", "status", "duplicate_of", "commits", "prs", "upstream_pr"}
    | {"reporter", "reported", "analyzed", "resolved_on", "priority"}
)


@dataclass(slots=True)
class Gathered:
    """Every candidate value of one legacy issue folder, and what could not be read."""

    folder: LegacyFolder
    buckets: dict[str, dict[str, list[Candidate]]] = field(default_factory=lambda: defaultdict(dict))
    notes: list[str] = field(default_factory=list)
    header: range | None = None
    uncarried: list[FieldLine] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    tracking: TrackingRow | None = None
    #: The issue numbers this folder is about (its folder's and its heading's).
    own: frozenset[int] = frozenset()
    #: Status texts that state the upstream issue's state, never this analysis's status.
    upstream: list[Candidate] = field(default_factory=list)
    #: Status readings of analysis.md's header block (removed from the body: their words must survive).
    header_statuses: list[Candidate] = field(default_factory=list)

    def add(self, name: str, bucket: str, candidate: Candidate) -> None:
        self.buckets[name].setdefault(bucket, []).append(candidate)

    def bucket(self, name: str, bucket: str) -> list[Candidate]:
        return self.buckets.get(name, {}).get(bucket, [])


class _FileReader:
    """Turns the field lines of one file into candidates of one bucket (list fields merged per file)."""

    def __init__(self, gathered: Gathered, name: str, bucket: str) -> None:
        self.g = gathered
        self.name = name
        self.bucket = bucket
        self.lists: dict[str, tuple[list[Any], list[int]]] = {}

    def add(self, name: str, value: Any, src: Source, raw: str, implies: Status | None = None) -> None:
        self.g.add(name, self.bucket, Candidate(value, src, raw, implies=implies))

    def add_list(self, name: str, values: list[Any], line: int) -> None:
        kept, lines = self.lists.setdefault(name, ([], []))
        kept.extend(v for v in values if v not in kept)
        lines.append(line)

    def flush(self) -> None:
        for name, (values, lines) in self.lists.items():
            where = f"{self.name}:" + ", ".join(str(n) for n in dict.fromkeys(lines))
            self.g.add(name, self.bucket, Candidate(values, Source("field", where)))

    def _status(self, f: FieldLine, src: Source) -> bool:
        """A status line: the status with its resolution and duplicate, or (stating the upstream
        issue's state, or keyed Upstream Status) a note for `status_note`."""
        value = f.value
        if f.target == "upstream_status":
            stated = read_status(value)
            note = re.sub(r"^[^\w(]+", "", re.sub(r"[*_`]+", "", value)).strip()
            noted = StatusReading(stated.status if stated else None, note=note or None, upstream=True)
            self.g.upstream.append(Candidate(noted, src, value))
            return bool(note)
        reading = read_status(value)
        if reading is None:
            return False
        if f.in_header and self.name == "analysis.md":
            self.g.header_statuses.append(Candidate(reading, src, value))
        if reading.upstream:
            self.g.upstream.append(Candidate(reading, src, value))
            return True
        self.add("status", reading, src, value)
        if reading.resolution is not None:
            self.add("resolution", reading.resolution, src, value, reading.status)
        if reading.duplicate_of is not None:
            self.add("duplicate_of", reading.duplicate_of, src, value, reading.status)
        return True

    def read(self, f: FieldLine) -> bool:
        """Read one field line; False when its value says nothing this importer understands."""
        target, value = f.target, f.value
        src = Source("field", f"{self.name}:{f.line}")
        whole = " ".join([value, *f.items]).strip()
        assert target is not None
        if target in LIST_FIELDS | {"fix"} and is_empty_value(value) and not f.items:
            self.add_list("commits" if target == "fix" else target, [], f.line)
            return True
        if target == "title":
            title = _clean_title(value)
            if title:
                self.add("title", title, src, value)
            return bool(title)
        if target in ("issue", "duplicate_of", "upstream_pr"):
            return self._read_ref(f, target, src)
        if target in ("status", "upstream_status"):
            return self._status(f, src)
        if target in ("resolution", "fix", "commits"):
            return self._read_fix(f, target, whole, src)
        if target == "prs":
            prs = read_prs(whole, bare=True)
            if prs:
                self.add_list("prs", prs, f.line)
            return bool(prs)
        if target == "related":
            refs = read_related(list(f.items) or split_items(value))
            if refs:
                self.add_list("related", refs, f.line)
            return bool(refs)
        if target in ("tags", "affected"):
            items = [_clean_item(i, target) for i in (list(f.items) or split_items(value))]
            items = [i for i in items if i]
            if items:
                self.add_list(target, items, f.line)
            return bool(items)
        if target == "reporter":
            login = read_reporter(value)
            if login:
                self.add("reporter", login, src, value)
            return login is not None
        if target in ("reported", "analyzed", "resolved_on"):
            date = read_date(value)
            if date is not None:
                self.add(target, date, src, value)
            return date is not None
        if target == "priority":
            match = re.search(r"\b(" + "|".join(PRIORITIES) + r")\b", value.lower())
            if match:
                self.add("priority", match.group(1), src, value)
            return match is not None
        return False

    def _read_ref(self, f: FieldLine, target: str, src: Source) -> bool:
        """An issue, duplicate_of or upstream_pr line (an issue line may carry the title too)."""
        value = f.value
        ref = read_issue(value)
        key = canonical_key(f.key)
        if ref is None:
            if target == "issue" and key in _TITLE_KEYS and _clean_title(value):
                self.add("title", _clean_title(value), src, value)
                return True
            return False
        self.add(target, (ref[0], ref[1]), src, value)
        if target == "issue" and key in _TITLE_KEYS and ref[2]:
            self.add("title", _clean_title(ref[2]), src, value)
        return True

    def _read_fix(self, f: FieldLine, target: str, whole: str, src: Source) -> bool:
        """A resolution, fix or commits line: the resolution, and the commits and PRs it names."""
        value = f.value
        resolution = read_resolution(value) if target == "resolution" else None
        if resolution is not None:
            self.add("resolution", resolution, src, value)
        shas = read_shas(whole)
        prs = read_prs(whole, bare=False)
        if shas:
            self.add_list("commits", shas, f.line)
        if prs:
            self.add_list("prs", prs, f.line)
        return bool(shas) if target == "commits" else bool(resolution or shas or prs)


def _clean_title(text: str) -> str:
    text = re.sub(r"\s+", " ", text.replace("**", "")).strip()
    for left, right in ('""', "''", "“”"):
        if len(text) >= 2 and text[0] == left and text[-1] == right:
            text = text[1:-1].strip()
    return text


def _clean_item(text: str, target: str) -> str:
    text = re.sub(r"\s+", " ", text.replace("**", "").replace("`", "")).strip()
    return tag_suggestion(text.lstrip("#")) if target == "tags" and text.strip("#") else text


def _date_lines(fields: list[FieldLine], name: str, g: Gathered) -> list[FieldLine]:
    """A header's vague **Date** beside a **Reported** line is the analysis date (when none is given)."""
    header = [f for f in fields if f.in_header and f.elsewhere is None]
    vague = [f for f in header if canonical_key(f.key) == "date" and f.target == "reported"]
    reported = any(f.target == "reported" and canonical_key(f.key) != "date" for f in header)
    analyzed = any(f.target == "analyzed" for f in header)
    if not vague or not reported or analyzed:
        return fields
    first = vague[0]
    g.notes.append(
        f"{name}:{first.line}: **{first.key}** read as the analysis date (**Reported** gives the report date)"
    )
    return [replace(f, target="analyzed") if f is first else f for f in fields]


def _read_file(g: Gathered, name: str, text: str, bucket: str) -> set[int]:
    """Field lines of one file into `bucket` (analysis.md's header block into `header`); returns the
    line numbers the field lines occupy."""
    scanned = scan_fields(text, g.own)
    readers = {False: _FileReader(g, name, bucket)}
    readers[True] = _FileReader(g, name, "header") if bucket == "analysis" else readers[False]
    occupied: set[int] = set()
    for f in _date_lines(scanned.fields, name, g):
        occupied.update(f.lines)
        if f.elsewhere is not None:
            if f.in_header and bucket == "analysis":
                g.uncarried.append(f)
            if f.target is not None and bucket == "analysis":
                g.notes.append(f"{name}:{f.line}: **{f.key}** not read: {f.elsewhere}")
            continue
        carried = f.target is not None and readers[f.in_header].read(f)
        if f.nested and f.in_header and bucket == "analysis":
            g.uncarried.append(f)
            g.notes.append(
                f"{name}:{f.line}: **{f.key}** has nested lines about other issues; kept in the body"
            )
        if carried:
            continue
        if f.in_header and bucket == "analysis":
            g.uncarried.append(f)
        if f.target is not None and (f.in_header or f.target in _NOTE_ALWAYS):
            g.notes.append(f"{name}:{f.line}: cannot read **{f.key}**: {f.value or '(empty)'}")
    for reader in dict.fromkeys(readers.values()):
        reader.flush()
    if bucket == "analysis":
        g.header = scanned.header
        if scanned.heading is not None:
            line, heading = scanned.heading
            number, title = heading_title(heading)
            src = Source("heading", f"{name}:{line}")
            if number is not None:
                g.add("issue", "heading", Candidate((None, number), src, heading))
            if title:
                g.add("title", "heading", Candidate(title, src, heading))
    return occupied


def _read_body(g: Gathered, name: str, text: str, skip: set[int]) -> None:
    mentions = fix_mentions(text, skip, g.own)
    if mentions:
        where = f"{name}:" + ", ".join(str(m.line) for m in mentions)
        shas = list(dict.fromkeys(s for m in mentions for s in m.shas))
        prs = list(dict.fromkeys(p for m in mentions for p in m.prs))
        g.add("commits", "body", Candidate(shas, Source("body", where)))
        if prs:
            g.add("prs", "body", Candidate(prs, Source("body", where)))
        fixed = StatusReading(Status.RESOLVED, accepts=frozenset({Status.RESOLVED}))
        raw = "states fix commit " + ", ".join(shas)
        g.add("status", "body", Candidate(fixed, Source("body", where), raw, check_only=True))
    if found := priority_section(text):
        g.add("priority", "body", Candidate(found[1], Source("body", f"{name}:{found[0]}")))


def _read_tracking(g: Gathered, row: TrackingRow) -> None:
    src = Source("tracking", row.label)
    if row.status is not None and row.status.upstream:
        g.upstream.append(Candidate(row.status, src, row.status_text))
    elif row.status is not None:
        g.add("status", "tracking", Candidate(row.status, src, row.status_text))
        if row.status.resolution is not None:
            g.add("resolution", "tracking", Candidate(row.status.resolution, src, implies=row.status.status))
        if row.status.duplicate_of is not None:
            g.add(
                "duplicate_of", "tracking", Candidate(row.status.duplicate_of, src, implies=row.status.status)
            )
    if row.commits:
        g.add("commits", "tracking", Candidate(list(row.commits), src))
    if row.prs:
        g.add("prs", "tracking", Candidate(list(row.prs), src))
    if row.title:
        g.add("title", "tracking", Candidate(row.title, src))
    location = row.location.strip("/ ")
    if location and location not in ("-", "—") and location != g.folder.rel:
        here = Candidate(g.folder.rel + "/", Source("folder", g.folder.rel + "/"))
        g.conflicts.append(Conflict("location", here, Candidate(row.location, src)))


def gather(folder: LegacyFolder, texts: dict[str, str], row: TrackingRow | None) -> Gathered:
    """Every candidate of one issue folder; `texts` maps analysis.md and each companion to its text."""
    g = Gathered(folder, tracking=row, own=own_numbers(texts["analysis.md"], folder.number))
    occupied = _read_file(g, "analysis.md", texts["analysis.md"], "analysis")
    _read_body(g, "analysis.md", texts["analysis.md"], occupied)
    for name in folder.companions:
        if name in texts:
            _read_file(g, name, texts[name], "companions")
    name = folder.path.name + "/"
    g.add("issue", "folder", Candidate((None, folder.number), Source("folder", name)))
    if folder.status_folder and (reading := folder_status(folder.status_folder)):
        g.add("status", "folder", Candidate(reading, Source("folder", folder.status_folder + "/")))
    if row is not None:
        _read_tracking(g, row)
    g.add(
        "title", "fallback", Candidate(folder.slug.replace("-", " "), Source("default", "the folder's slug"))
    )
    return g
