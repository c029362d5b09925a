"""The documented precedence: for every front-matter field, which kind of source is believed first.

`ORDER` is the rule (docs/import.md states the same). The status comes from the status folder, then the
TRACKING.md row, then the analysis's own status lines (`PREFER` holds the orders `--prefer` selects);
status lines that state the upstream state are never a status. Every other field comes from the
analysis's header block first, then its other field lines, its heading, its companions, its prose,
and the TRACKING.md row last. `decide` applies it, records every disagreement, derives what follows
from the chosen values (a resolved analysis with fix commits is `fixed`), and keeps the words of the
status lines in `status_note`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from issuekb.core.refs import IssueRef
from issuekb.core.schema import FIELDS, Resolution, Status
from issuekb.importer.discover import LegacyFolder
from issuekb.importer.fields import FieldLine
from issuekb.importer.gather import Gathered
from issuekb.importer.resolve import Candidate, Conflict, Source, choose
from issuekb.importer.status import StatusReading

__all__ = ["FALLBACKS", "ORDER", "PREFER", "Decision", "Review", "decide", "derive"]

_OWN = ("header", "analysis", "companions")
#: field -> the buckets of `gather`, most believed first. Every candidate after the first is compared.
ORDER: dict[str, tuple[str, ...]] = {
    "issue": ("header", "heading", "analysis", "companions", "folder"),
    "title": ("header", "heading", "analysis", "companions"),
    "status": ("folder", "tracking", *_OWN, "body"),
    "resolution": (*_OWN, "tracking"),
    "duplicate_of": (*_OWN, "tracking"),
    "related": _OWN,
    "commits": (*_OWN, "body", "tracking"),
    "prs": (*_OWN, "body", "tracking"),
    "upstream_pr": _OWN,
    "reporter": _OWN,
    "reported": _OWN,
    "analyzed": _OWN,
    "resolved_on": _OWN,
    "priority": ("header", "analysis", "body", "companions"),
    "tags": _OWN,
    "affected": _OWN,
}
#: `--prefer`: the order of the status sources (and of the resolution and duplicate they carry).
PREFER: dict[str, dict[str, tuple[str, ...]]] = {
    "folder": {},
    "tracking": {
        "status": ("tracking", "folder", *_OWN, "body"),
        "resolution": ("tracking", *_OWN),
        "duplicate_of": ("tracking", *_OWN),
    },
    "header": {"status": (*_OWN, "folder", "tracking", "body")},
}
#: Used only when every bucket of ORDER is empty, and never compared (a tracking table's title
#: column holds short labels, not the issue's title).
FALLBACKS: dict[str, tuple[str, ...]] = {"title": ("tracking", "fallback")}
#: A closed status with no stated resolution gets this one, with a warning to review it.
_GUESSED = {Status.RESOLVED: Resolution.FIXED, Status.ARCHIVED: Resolution.WONT_FIX}


@dataclass(slots=True)
class Decision:
    """The chosen value of every field of one imported analysis, with its source, and the conflicts."""

    folder: LegacyFolder
    repo: Candidate
    values: dict[str, Candidate] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    header: range | None = None
    uncarried: list[FieldLine] = field(default_factory=list)
    #: Values no source settles (guessed or left out), each a line for the report's review list.
    warnings: list[Review] = field(default_factory=list)

    @property
    def ref(self) -> IssueRef:
        return IssueRef(self.repo.value, self.values["issue"].value[1])

    @property
    def status(self) -> Status:
        reading = self.values["status"].value
        assert isinstance(reading, StatusReading) and reading.status is not None
        return reading.status

    def found(self, upstream: str) -> list[str]:
        """Fields read from a field line, in front-matter order."""
        return [name for name, c in self._listed(upstream) if c.source.kind == "field"]

    def inferred(self, upstream: str) -> list[tuple[str, Candidate]]:
        """Fields taken from anything but a field line, with where they came from."""
        return [(name, c) for name, c in self._listed(upstream) if c.source.kind != "field"]

    def _listed(self, upstream: str) -> list[tuple[str, Candidate]]:
        out: list[tuple[str, Candidate]] = []
        for name in FIELDS:
            if name == "repo":
                if self.repo.value != upstream:
                    out.append((name, self.repo))
            elif name in self.values and self.values[name].value not in ([], None):
                out.append((name, self.values[name]))
        return out


@dataclass(frozen=True, slots=True)
class Review:
    """A value decided without a source to settle it: the field, what was written, and why."""

    field: str
    written: str
    reason: str


def _ordered(g: Gathered, name: str, prefer: str = "folder") -> list[Candidate]:
    order = PREFER[prefer].get(name, ORDER[name])
    return [c for bucket in order for c in g.bucket(name, bucket)]


def _refine_open(chosen: Candidate, candidates: list[Candidate]) -> Candidate:
    """An `open/` folder means investigating, unless a text says in-progress or paused."""
    if chosen.source.kind != "folder" or len(chosen.value.accepts) < 2:
        return chosen
    return next(
        (c for c in candidates if not c.check_only and c.value.status in (Status.IN_PROGRESS, Status.PAUSED)),
        chosen,
    )


def decide(g: Gathered, repo_fallback: Candidate, prefer: str = "folder") -> Decision:
    """Choose every field of `g` by ORDER (the status order as `prefer` says), record the conflicts,
    derive what follows, and keep the words of the status lines in `status_note`."""
    issue_candidates = _ordered(g, "issue")
    repo = next(
        (Candidate(c.value[0], c.source, c.raw) for c in issue_candidates if c.value[0] is not None),
        repo_fallback,
    )
    d = Decision(g.folder, repo, notes=list(g.notes), header=g.header, uncarried=list(g.uncarried))
    d.conflicts.extend(g.conflicts)
    for c in issue_candidates:
        if c.value[0] is not None and c.value[0].lower() != repo.value.lower():
            d.conflicts.append(Conflict("repo", repo, Candidate(c.value[0], c.source, c.raw)))

    for name in ORDER:
        candidates = _ordered(g, name, prefer)
        if name in ("resolution", "duplicate_of") and "status" in d.values:
            status = d.status
            candidates = [c for c in candidates if c.implies is None or c.implies == status]
        chosen, conflicts = choose(name, candidates, repo.value)
        if (
            name == "status"
            and chosen is not None
            and (refined := _refine_open(chosen, candidates)) is not chosen
        ):
            chosen, conflicts = choose(
                name, [refined, *(c for c in candidates if c is not refined)], repo.value
            )
        if chosen is None and name in FALLBACKS:
            chosen = next((c for b in FALLBACKS[name] for c in g.bucket(name, b)), None)
        if chosen is None and name == "status":
            reading = StatusReading(Status.INVESTIGATING, accepts=frozenset({Status.INVESTIGATING}))
            chosen = Candidate(reading, Source("default", "no source states a status"))
            d.notes.append("no status anywhere: wrote status investigating")
        if chosen is not None:
            d.values[name] = chosen
        d.conflicts.extend(conflicts)
    derive(d)
    _status_note(d, g)
    return d


def _status_note(d: Decision, g: Gathered) -> None:
    """The words of the status lines that leave the body, and the upstream state they noted."""
    chosen = d.values["status"]
    parts: list[str] = []
    for c in g.header_statuses:
        reading = c.value
        if reading.upstream:
            continue
        if not reading.agrees_with(d.status):
            parts.append(f"header said {c.raw.strip()}")
        elif reading.note:
            parts.append(reading.note)
    if chosen.source.kind == "tracking" and chosen.value.note:
        parts.append(chosen.value.note)
    parts += [f"upstream: {c.value.note}" for c in g.upstream if c.value.note]
    for c in g.upstream:
        if c.value.status is not None and not c.value.agrees_with(d.status):
            text = f"{c.raw.strip()} (the upstream state: kept in status_note)"
            d.conflicts.append(Conflict("status", chosen, Candidate(text, c.source, c.raw)))
    if parts:
        where = ", ".join(dict.fromkeys(str(c.source) for c in [*g.header_statuses, *g.upstream]))
        d.values["status_note"] = Candidate(
            "; ".join(dict.fromkeys(parts)), Source("derived", f"status words of {where or chosen.source}")
        )


def derive(d: Decision) -> None:
    """Values that follow from others: the resolution of a resolved duplicate or of a fixed issue."""
    if "resolution" in d.values or not d.status.is_closed:
        return
    if "duplicate_of" in d.values:
        d.values["resolution"] = Candidate(Resolution.DUPLICATE, Source("derived", "duplicate_of is set"))
    elif d.status is Status.RESOLVED and d.values.get("commits") and d.values["commits"].value:
        d.values["resolution"] = Candidate(Resolution.FIXED, Source("derived", "resolved, with fix commits"))
    else:
        guess = _GUESSED[d.status]
        d.values["resolution"] = Candidate(
            guess, Source("default", f"no source states how it was {d.status}")
        )
        d.warnings.append(
            Review("resolution", str(guess), f"status {d.status} needs a resolution and no source states one")
        )
