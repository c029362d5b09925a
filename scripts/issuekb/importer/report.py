"""The import report, as Markdown (a table per concern) or as JSON; pure functions of the plan.

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

__all__ = ["ReportInput", "render_json", "render_markdown"]


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


def _conflict_parts(r: ReportInput, planned: PlannedAnalysis) -> list[str]:
    d = planned.decision
    repo = d.repo.value
    parts = [
        f"{c.field}: kept {_code(show(c.chosen.value, repo))} ({c.chosen.source}) over "
        f"{_code(show(c.other.value, repo))} ({c.other.source})"
        for c in d.conflicts
    ]
    parts += [f"note: {n}" for n in d.notes]
    if d.uncarried:
        keys = ", ".join(f"**{f.key}** (line {f.line})" for f in d.uncarried)
        parts.append(f"note: field block kept in the body, not carried over: {keys}")
    return parts


def render_markdown(r: ReportInput) -> str:
    """The report for people: a summary line, the main table, then skipped files, tracking rows, findings."""
    plan = r.plan
    conflicts = sum(len(p.decision.conflicts) for p in plan.analyses)
    action = "would be written (dry run: nothing written)" if r.dry_run else "written"
    lines = [
        f"# Import report: {_code(plan.src.name)}",
        "",
        f"{len(plan.analyses)} {'analysis' if len(plan.analyses) == 1 else 'analyses'} {action} under {_code(r.analyses_dir + '/')}; "
        f"{conflicts} conflict(s); check: {_count(r.findings)}.",
        "",
        "| Issue | Legacy folder → analysis | Fields found | Inferred (from where) | Conflicts | Skipped files | Check |",
        "|---|---|---|---|---|---|---|",
    ]
    for p in plan.analyses:
        d = p.decision
        inferred = [f"{name} ({c.source})" for name, c in d.inferred(r.upstream)]
        skipped = [f"{_code(s.path)}: {s.reason}" for s in p.skipped]
        target = _code(r.dest(p)) + (" (overwritten)" if p.overwrites else "")
        row = [
            r.issue(p),
            f"{_code(d.folder.rel + '/')} → {target}",
            ", ".join(d.found(r.upstream)) or "—",
            _cell(inferred),
            _cell(_conflict_parts(r, p)),
            _cell(skipped),
            _count(r.findings_of(p)),
        ]
        lines.append("| " + " | ".join(row) + " |")
    if plan.tree.skipped:
        lines += ["", "## Files that belong to no issue", "", "| File | Why it was skipped |", "|---|---|"]
        lines += [f"| {_code(s.path)} | {_cell([s.reason])} |" for s in plan.tree.skipped]
    if plan.tree.tracking:
        names = ", ".join(_code(t) for t in plan.tree.tracking)
        lines += [
            "",
            "## Legacy tracking table",
            "",
            f"Read {names} as the weakest source (see docs/import.md).",
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
