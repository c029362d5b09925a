"""A knowledge base whose untrusted fields hold script and markup payloads, for the escaping tests.

Every field that reaches a generated page from the front matter or from the upstream state file gets
every payload, each in an analysis of its own (`CASES`). The value is `k<number> <payload>`: the marker
says which case a piece of output belongs to, and the whole value, read back as text, proves that the
payload was shown and not interpreted.

Tags that are not slugs are errors (`tag-format`), so the MkDocs site is built without `--strict`;
everything must still render as text. Zensical builds only a knowledge base without errors: for it the
payload tags are left out (`bad_tags=False`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitefixture import write_mkdocs_yml

__all__ = ["CASES", "FIELDS", "PAYLOADS", "Case", "make_hostile_kb", "visible"]

PAYLOADS: dict[str, str] = {
    "script": "<script>alert(1)</script>",
    "img": "<img src=x onerror=alert(2)>",
    "attr": '" onmouseover="alert(3)',
    "link": "[x](javascript:alert(4))",
    "pipe": "a | b",
    "newline": "a\n| x | y |\n\n<b>c</b>",
    "breakout": "</title></textarea></span><script>alert(5)</script>",
}

#: field -> the outputs it reaches (names used by the tests)
FIELDS: dict[str, tuple[str, ...]] = {
    "title": (
        "page",
        "title-element",
        "header",
        "companion",
        "listing",
        "status-listing",
        "tag-page",
        "clusters",
        "board",
        "tracking",
        "diagram",
        "search",
        "api",
    ),
    "tag": ("page", "listing", "tag-page", "tags-index", "board", "tracking", "api"),
    "reporter": ("page", "api"),
    "affected": ("page", "api"),
    "related_note": ("page", "api"),
    "upstream_title": ("page", "clusters", "board", "tracking", "api"),
    "previous_title": ("board", "tracking"),
    "label": ("page", "board", "tracking", "api"),
    "state_reason": ("board", "tracking", "api"),
    "transferred_to": ("page", "listing", "tag-page", "board", "tracking", "api"),
    "pr_state": ("page", "board", "tracking"),
}

REPO = "acme/widget"
CANONICAL = 1  # a clean analysis every title case is a duplicate of (clusters, diagram)
UNANALYSED = 9000  # base of issues with only upstream state (clusters show their upstream title)


@dataclass(frozen=True)
class Case:
    field: str
    payload: str  # key of PAYLOADS
    number: int  # the analysis's issue number

    @property
    def value(self) -> str:
        return f"k{self.number} {PAYLOADS[self.payload]}"

    @property
    def folder(self) -> str:
        return f"{self.number:04d}-case"


CASES: list[Case] = [
    Case(field, payload, 100 + 10 * i + j)
    for i, field in enumerate(FIELDS)
    for j, payload in enumerate(PAYLOADS)
]


def visible(text: str) -> str:
    """Text as a reader sees it: whitespace runs as one space."""
    return re.sub(r"\s+", " ", text).strip()


def _front_matter(case: Case, pulls: dict[str, Any], bad_tags: bool) -> dict[str, Any]:
    fm: dict[str, Any] = {
        "issue": case.number,
        "title": f"Case {case.number}",
        "status": "investigating",
        "reported": "2024-05-14",
        "analyzed": "2024-05-20",
        "tags": ["payload"],
    }
    value = case.value
    if case.field == "title":
        fm.update(title=value, status="resolved", resolution="duplicate", duplicate_of=CANONICAL)
        fm["resolved_on"] = "2024-05-21"
    elif case.field == "tag" and bad_tags:
        fm["tags"] = ["payload", value]
    elif case.field == "reporter":
        fm["reporter"] = value
    elif case.field == "affected":
        fm["affected"] = [value]
    elif case.field == "related_note":
        fm["related"] = [{"issue": UNANALYSED, "note": value}]
    elif case.field == "upstream_title":
        fm.update(status="resolved", resolution="duplicate", duplicate_of=UNANALYSED + case.number)
        fm["resolved_on"] = "2024-05-21"
    elif case.field == "pr_state":
        fm["upstream_pr"] = case.number + 5000
        pulls[str(case.number + 5000)] = {"state": value, "title": "a pull request"}
    return fm


def _issue_state(case: Case, issues: dict[str, Any]) -> None:
    issue: dict[str, Any] = {"title": f"Case {case.number}", "state": "open", "labels": []}
    value = case.value
    if case.field == "upstream_title":
        issues[str(UNANALYSED + case.number)] = {"title": value, "state": "open"}
        issue.update(title=value, previous_title=issue["title"], title_changed_at="2024-06-01T00:00:00Z")
    elif case.field == "previous_title":
        issue.update(title="Renamed", previous_title=value, title_changed_at="2024-06-01T00:00:00Z")
    elif case.field == "label":
        issue["labels"] = [value]
    elif case.field == "state_reason":
        issue.update(state="closed", state_reason=value, closed_at="2024-06-01T00:00:00Z")
    elif case.field == "transferred_to":
        issue["transferred_to"] = value
    issues[str(case.number)] = issue


def make_hostile_kb(root: Path, site_url: str, *, bad_tags: bool = True) -> Path:
    """Write the payload knowledge base (analyses, state, docs, mkdocs.yml) into `root`; without
    `bad_tags`, the tag cases carry no payload tag (the knowledge base then has no error)."""
    issues: dict[str, Any] = {str(CANONICAL): {"title": "Canonical issue", "state": "open", "labels": []}}
    pulls: dict[str, Any] = {}
    analyses = {
        f"{CANONICAL:04d}-canonical": {
            "issue": CANONICAL,
            "title": "Canonical issue",
            "status": "investigating",
            "reported": "2024-05-14",
        }
    }
    for case in CASES:
        analyses[case.folder] = _front_matter(case, pulls, bad_tags)
        _issue_state(case, issues)
    for folder, fm in analyses.items():
        path = root / "analyses" / folder / "analysis.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in fm.items()]
        path.write_text(
            "---\n" + "\n".join(lines) + "\n---\n## Problem\n\nNothing to see.\n", encoding="utf-8"
        )
        if fm["title"] != f"Case {fm['issue']}":  # a title case: its companion page shows the title too
            (path.parent / "summary.md").write_text("The short version.\n", encoding="utf-8")
    state = {
        "format": 1,
        "repos": {
            REPO: {
                "source": "https://api.github.com",
                "synced_at": "2025-11-30T08:00:00Z",
                "watermark": "2025-11-30T00:00:00Z",
                "etag": None,
                "issues": issues,
                "pulls": pulls,
            }
        },
    }
    (root / "upstream-state.json").write_text(json.dumps(state, indent=2), encoding="utf-8")
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text("# Payloads\n\n<!-- issuekb:summary -->\n", encoding="utf-8")
    (docs / "guide.md").write_text("# Guide\n\nA hand-written page.\n", encoding="utf-8")
    write_mkdocs_yml(root, site_url)
    return root
