"""The import report, as Markdown or as JSON; pure functions of the plan.

Both open with the decisions to review (`review_lines`: a field decided over a disagreement, or a value
no source settled), then give the details per analysis.

Paths are relative (legacy paths to the source folder, written paths to the knowledge base root) and
nothing depends on the clock, so the same import gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from issuekb.diagnostics import Diagnostic, Severity
from issuekb.importer.emit import KEY_ORDER, front_matter_items
from issuekb.importer.plan import ImportPlan, PlannedAnalysis
from issuekb.importer.resolve import show

__all__ = ["ReportInput", "ReviewLine", "render_json", "render_markdown", "review_lines"]


@dataclass(frozen=True, slots=True)
class ReportInput:
    """What the report shows: the plan, the check findings (sorted by location), how the run went."""

    plan: ImportPlan
    findings: list[Diagnostic]
    upstream: str
    analyses_dir: str
    dry_run: bool

    def dest(self, planned: PlannedAnalysis) -> str:
        return f"{self.analyses_dir}/{planned.dest}/"

    def findings_of(self, planned: PlannedAnalysis) -> list[Diagnostic]:
        return [d for d in self.findings if d.path.startswith(self.dest(planned))]

    def issue(self, planned: PlannedAnalysis) -> str:
        return planned.decision.ref.short(self.upstream)


def _code(text: str) -> str:
    """Inline code that survives backticks in `text`."""
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _cell(parts: list[str]) -> str:
    text = "<br>".join(parts) if parts else "—"
    return text.replace("|", "\\|").replace("\n", " ")


def _count(diags: list[Diagnostic]) -> str:
    errors = sum(1 for d in diags if d.severity is Severity.ERROR)
    warnings = len(diags) - errors
    if not diags:
        return "clean"
    return f"{errors} error(s), {warnings} warning(s)"


@dataclass(frozen=True, slots=True)
class ReviewLine:
    """One decision to review: a field of one analysis, the value kept and where from, the others."""

    issue: str
    short: str
    folder: str
    field: str
    kept: str
    kept_from: str
    others: tuple[tuple[str, str], ...] = ()
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "issue": self.issue,
            "legacy_folder": self.folder,
            "field": self.field,
            "kept": self.kept,
            "kept_from": self.kept_from,
            "others": [{"value": v, "from": f} for v, f in self.others],
            "reason": self.reason,
        }


def review_lines(r: ReportInput) -> list[ReviewLine]:
    """Per analysis, one line per field decided over a disagreement, then one per value no source
    settled (guessed or left out), in the order of the analyses."""
    out: list[ReviewLine] = []
    for p in r.plan.analyses:
        d = p.decision
        repo = d.repo.value
        issue, short, folder = str(d.ref), r.issue(p), d.folder.rel + "/"
        grouped: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
        for c in d.conflicts:
            key = (c.field, show(c.chosen.value, repo), str(c.chosen.source))
            grouped.setdefault(key, []).append((show(c.other.value, repo), str(c.other.source)))
        for (name, kept, kept_from), others in grouped.items():
            out.append(ReviewLine(issue, short, folder, name, kept, kept_from, tuple(dict.fromkeys(others))))
        for w in d.warnings:
            out.append(
                ReviewLine(issue, short, folder, w.field, w.written, "no source settles it", reason=w.reason)
            )
    return out


def _review_markdown(lines: list[ReviewLine]) -> list[str]:
    if not lines:
        return ["Nothing to review: no two sources disagreed, and every value had a source."]
    out: list[str] = []
    for x in lines:
        head = f"- {x.short} ({_code(x.folder)}) **{x.field}**: "
        if x.reason:
            out.append(head + f"wrote {_code(x.kept)}: {x.reason}")
        else:
            others = ", ".join(f"{_code(v)} ({f})" for v, f in x.others)
            out.append(head + f"kept {_code(x.kept)} ({x.kept_from}) over {others}")
    return out


def _details(r: ReportInput, p: PlannedAnalysis) -> list[str]:
    d = p.decision
    repo = d.repo.value
    target = _code(r.dest(p)) + (" (overwritten)" if p.overwrites else "")
    lines = [f"### {r.issue(p)}: {_code(d.folder.rel + '/')} → {target}", ""]
    lines.append(f"- Fields found: {', '.join(d.found(r.upstream)) or 'none'}")
    inferred = [f"{name} ({c.source})" for name, c in d.inferred(r.upstream)]
    lines.append(f"- Inferred: {'; '.join(inferred) or 'nothing'}")
    conflicts = [
        f"{c.field}: kept {_code(show(c.chosen.value, repo))} ({c.chosen.source}) over "
        f"{_code(show(c.other.value, repo))} ({c.other.source})"
        for c in d.conflicts
    ]
    notes = list(d.notes)
    if d.uncarried:
        keys = ", ".join(f"**{f.key}** (line {f.line})" for f in d.uncarried)
        notes.append(f"field block kept in the body, not carried over: {keys}")
    for title, items in (
        ("Conflicts", conflicts),
        ("Notes", notes),
        ("Skipped files", [f"{_code(s.path)}: {s.reason}" for s in p.skipped]),
    ):
        if items:
            lines.append(f"- {title}:")
            lines += [f"  - {item}" for item in items]
    lines.append(f"- Check: {_count(r.findings_of(p))}")
    return [*lines, ""]


def render_markdown(r: ReportInput) -> str:
    """The report for people: a summary line, the decisions to review, then per analysis the details,
    then skipped files, tracking rows, files not imported and check findings."""
    plan = r.plan
    conflicts = sum(len(p.decision.conflicts) for p in plan.analyses)
    action = "would be written (dry run: nothing written)" if r.dry_run else "written"
    count = f"{len(plan.analyses)} {'analysis' if len(plan.analyses) == 1 else 'analyses'}"
    lines = [
        f"# Import report: {_code(plan.src.name)}",
        "",
        f"{count} {action} under {_code(r.analyses_dir + '/')}; "
        f"{conflicts} conflict(s); check: {_count(r.findings)}.",
        "",
        "## Review these",
        "",
        *_review_markdown(review_lines(r)),
        "",
        "## Details",
        "",
    ]
    for p in plan.analyses:
        lines += _details(r, p)
    lines.pop()
    if plan.tree.skipped:
        lines += ["", "## Files that belong to no issue", "", "| File | Why it was skipped |", "|---|---|"]
        lines += [f"| {_code(s.path)} | {_cell([s.reason])} |" for s in plan.tree.skipped]
    if plan.tree.tracking:
        names = ", ".join(_code(t) for t in plan.tree.tracking)
        lines += [
            "",
            "## Legacy tracking table",
            "",
            f"Read {names} as a source (see docs/import.md).",
        ]
        if plan.orphans:
            lines += ["", "| Row | Issue | Title | Why it was not imported |", "|---|---|---|---|"]
            lines += [
                f"| {_code(o.label)} | #{o.number} | {_cell([o.title])} | no issue folder for it |"
                for o in plan.orphans
            ]
    if plan.errors:
        lines += ["", "## Not imported", ""]
        lines += [f"- {_code(e.location)}: {e.severity}[{e.code}] {e.message}" for e in plan.errors]
    lines += ["", "## Check findings", ""]
    if r.findings:
        lines += [f"- {_code(f.location)}: {f.severity}[{f.code}] {f.message}" for f in r.findings]
    else:
        lines.append("No findings in the imported analyses.")
    return "\n".join(lines) + "\n"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def _analysis_json(r: ReportInput, p: PlannedAnalysis) -> dict[str, Any]:
    d = p.decision
    repo = d.repo.value
    sources: dict[str, dict[str, str]] = {}
    inferred = dict(d.inferred(r.upstream))
    for name in KEY_ORDER:
        if name in inferred:
            sources[name] = {"how": "inferred", "from": str(inferred[name].source)}
        elif name in d.found(r.upstream):
            chosen = d.repo if name == "repo" else d.values[name]
            sources[name] = {"how": "found", "from": str(chosen.source)}
    return {
        "issue": str(d.ref),
        "legacy_folder": d.folder.rel + "/",
        "destination": r.dest(p),
        "overwrites": p.overwrites,
        "field_block_removed": p.header_removed,
        "front_matter": {k: _jsonable(v) for k, v in front_matter_items(d, r.upstream)},
        "sources": sources,
        "conflicts": [
            {
                "field": c.field,
                "chosen": show(c.chosen.value, repo),
                "chosen_from": str(c.chosen.source),
                "other": show(c.other.value, repo),
                "other_from": str(c.other.source),
            }
            for c in d.conflicts
        ],
        "warnings": [{"field": w.field, "written": w.written, "reason": w.reason} for w in d.warnings],
        "notes": [
            *d.notes,
            *(f"field block kept: **{f.key}** (line {f.line}) not carried over" for f in d.uncarried),
        ],
        "skipped": [{"path": s.path, "reason": s.reason} for s in p.skipped],
        "findings": [f.as_dict() for f in r.findings_of(p)],
    }


def render_json(r: ReportInput) -> str:
    """The same report for tools."""
    plan = r.plan
    data = {
        "source": plan.src.name,
        "analyses_dir": r.analyses_dir,
        "dry_run": r.dry_run,
        "review": [line.as_dict() for line in review_lines(r)],
        "analyses": [_analysis_json(r, p) for p in plan.analyses],
        "skipped": [{"path": s.path, "reason": s.reason} for s in plan.tree.skipped],
        "tracking": {
            "files": list(plan.tree.tracking),
            "rows_without_folder": [
                {"file": o.file, "line": o.line, "issue": o.number, "title": o.title} for o in plan.orphans
            ],
        },
        "errors": [e.as_dict() for e in plan.errors],
        "findings": [f.as_dict() for f in r.findings],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
