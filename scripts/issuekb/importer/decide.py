"""The documented precedence: for every front-matter field, which kind of source is believed first.

`ORDER` is the rule (docs/import.md states the same): an analysis.md field line beats its heading, which
beats a companion's field line, which beats what the prose says, which beats the status folder, which
beats the legacy TRACKING.md row. `decide` applies it, records every disagreement, and derives what
follows from the chosen values (a resolved analysis with fix commits is `fixed`).
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

__all__ = ["FALLBACKS", "ORDER", "Decision", "decide"]

_PERSON_AND_DATES = ("analysis", "companions")
#: field -> the buckets of `gather`, most believed first. Every candidate after the first is compared.
ORDER: dict[str, tuple[str, ...]] = {
    "issue": ("analysis", "heading", "companions", "folder"),
    "title": ("analysis", "heading", "companions"),
    "status": ("analysis", "companions", "folder", "tracking", "body"),
    "resolution": ("analysis", "companions", "tracking"),
    "duplicate_of": ("analysis", "companions", "tracking"),
    "related": ("analysis", "companions"),
    "commits": ("analysis", "companions", "body", "tracking"),
    "prs": ("analysis", "companions", "body", "tracking"),
    "upstream_pr": ("analysis", "companions"),
    "reporter": _PERSON_AND_DATES,
    "reported": _PERSON_AND_DATES,
    "analyzed": _PERSON_AND_DATES,
    "resolved_on": _PERSON_AND_DATES,
    "priority": ("analysis", "body", "companions"),
    "tags": ("analysis", "companions"),
    "affected": ("analysis", "companions"),
}
#: Used only when every bucket of ORDER is empty, and never compared (a tracking table's title
#: column holds short labels, not the issue's title).
FALLBACKS: dict[str, tuple[str, ...]] = {"title": ("tracking", "fallback")}


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


def _ordered(g: Gathered, name: str) -> list[Candidate]:
    return [c for bucket in ORDER[name] for c in g.bucket(name, bucket)]


def decide(g: Gathered, repo_fallback: Candidate) -> Decision:
    """Choose every field of `g` by ORDER, record the conflicts, derive what follows."""
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
        candidates = _ordered(g, name)
        if name in ("resolution", "duplicate_of") and "status" in d.values:
            status = d.status
            candidates = [c for c in candidates if c.implies is None or c.implies == status]
        chosen, conflicts = choose(name, candidates, repo.value)
        if chosen is None and name in FALLBACKS:
            chosen = next((c for b in FALLBACKS[name] for c in g.bucket(name, b)), None)
        if chosen is None and name == "status":
            reading = StatusReading(Status.INVESTIGATING, accepts=frozenset({Status.INVESTIGATING}))
            chosen = Candidate(reading, Source("default", "no source states a status"))
            d.notes.append("no status anywhere: wrote status investigating")
        if chosen is not None:
            d.values[name] = chosen
        d.conflicts.extend(conflicts)
    _derive(d)
    return d


def _derive(d: Decision) -> None:
    """Values that follow from others: the resolution of a resolved duplicate or of a fixed issue."""
    if "resolution" in d.values or not d.status.is_closed:
        return
    if "duplicate_of" in d.values:
        d.values["resolution"] = Candidate(Resolution.DUPLICATE, Source("derived", "duplicate_of is set"))
    elif d.status is Status.RESOLVED and d.values.get("commits") and d.values["commits"].value:
        d.values["resolution"] = Candidate(Resolution.FIXED, Source("derived", "resolved, with fix commits"))
