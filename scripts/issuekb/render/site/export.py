"""`api/analyses.json`: every analysis as plain JSON for other tools. Deterministic: same input, same bytes.

{"format": 1, "upstream": "owner/name", "fork": "owner/name", "count": N,
 "analyses": [{"ref": "owner/name#1143", "repo": ..., "issue": 1143, "title": ..., "status": ...,
               "resolution": ..., "duplicate_of": "owner/name#N" | null, "canonical": ... | null,
               "duplicates": [...], "related": [{"ref": ..., "note": ...}], "referenced_by": [...],
               "commits": [...], "prs": [...], "upstream_pr": ... | null, "reporter": ..., "reported":
               "YYYY-MM-DD" | null, "analyzed": ..., "resolved_on": ..., "priority": ..., "tags": [...],
               "affected": [...], "companions": ["summary", ...], "source": "analyses/.../analysis.md",
               "page": "analyses/<folder>/", "upstream": {state...} | null}, ...]}

(shown spaced out here; the file is written compact, on one line).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from issuekb.core.graph import LinkGraph
from issuekb.core.kb import KnowledgeBase
from issuekb.core.model import Analysis
from issuekb.core.refs import IssueRef
from issuekb.render.site.paths import analysis_uri, page_url
from issuekb.upstream.state import UpstreamState

__all__ = ["FORMAT", "export_json", "record"]

FORMAT = 1


def _ref(ref: IssueRef | None) -> str | None:
    return str(ref) if ref is not None else None


def _day(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def record(
    kb: KnowledgeBase,
    graph: LinkGraph,
    state: UpstreamState,
    analysis: Analysis,
    use_directory_urls: bool = True,
) -> dict[str, Any]:
    """One analysis as a JSON-ready mapping."""
    hood = graph.neighbourhood(analysis)
    issue = state.issue(analysis.ref)
    upstream: dict[str, Any] | None = None
    if issue is not None:
        upstream = {
            "state": issue.state,
            "state_reason": issue.state_reason,
            "title": issue.title,
            "labels": list(issue.labels),
            "created_at": issue.created_at,
            "updated_at": issue.updated_at,
            "closed_at": issue.closed_at,
            "comments": issue.comments,
            "transferred_to": issue.transferred_to,
            "deleted": issue.deleted,
            "synced_at": state.repos[analysis.repo].synced_at,
        }
    return {
        "ref": str(analysis.ref),
        "repo": analysis.repo,
        "issue": analysis.issue,
        "title": analysis.title,
        "status": analysis.status.value if analysis.status else None,
        "resolution": analysis.resolution.value if analysis.resolution else None,
        "priority": analysis.priority,
        "duplicate_of": _ref(analysis.duplicate_of),
        "canonical": _ref(hood.canonical),
        "duplicates": [str(r) for r in hood.duplicates],
        "related": [{"ref": str(r), "note": analysis.related_notes.get(r)} for r in analysis.related],
        "referenced_by": [str(r) for r in hood.referenced_by],
        "commits": list(analysis.commits),
        "prs": list(analysis.prs),
        "upstream_pr": _ref(analysis.upstream_pr),
        "reporter": analysis.reporter,
        "reported": _day(analysis.reported),
        "analyzed": _day(analysis.analyzed),
        "resolved_on": _day(analysis.resolved_on),
        "tags": list(analysis.tags),
        "affected": list(analysis.affected),
        "companions": [c.name.removesuffix(".md") for c in analysis.companions],
        "source": kb.config.rel(analysis.path),
        "page": page_url(analysis_uri(analysis), use_directory_urls),
        "upstream": upstream,
    }


def export_json(
    kb: KnowledgeBase, graph: LinkGraph, state: UpstreamState, *, use_directory_urls: bool = True
) -> str:
    """The whole export as text: compact (no whitespace between tokens; the file is for tools, and a reader
    pretty-prints it with `python -m json.tool`), sorted keys, non-ASCII as itself, one final newline."""
    data = {
        "format": FORMAT,
        "upstream": kb.config.upstream,
        "fork": kb.config.fork or None,
        "count": len(kb.analyses),
        "analyses": [record(kb, graph, state, a, use_directory_urls) for a in kb.analyses],
    }
    return json.dumps(data, separators=(",", ":"), sort_keys=True, ensure_ascii=False) + "\n"
