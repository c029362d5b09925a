"""The front-matter schema: field names, kinds and vocabularies, in one place.

The model checks documents against these definitions, `docs/` documents them, and `issuekb schema`
exports them as JSON Schema for editors.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass
from typing import Any

import yaml_rs

__all__ = [
    "COMPANIONS",
    "FIELDS",
    "PLACEHOLDERS",
    "PLACEHOLDER_RE",
    "PRIORITIES",
    "TAG_RE",
    "TEMPLATE_MARKER",
    "FieldSpec",
    "Resolution",
    "Status",
    "fields_markdown",
    "json_schema",
    "tag_suggestion",
]


class Status(enum.StrEnum):
    """Where the analysis stands in this knowledge base (not upstream)."""

    INVESTIGATING = "investigating"
    IN_PROGRESS = "in-progress"
    PAUSED = "paused"
    RESOLVED = "resolved"
    ARCHIVED = "archived"

    @property
    def is_closed(self) -> bool:
        return self in (Status.RESOLVED, Status.ARCHIVED)

    @property
    def emoji(self) -> str:
        return _STATUS_EMOJI[self]


_STATUS_EMOJI = {
    Status.INVESTIGATING: "🔍",
    Status.IN_PROGRESS: "🚧",
    Status.PAUSED: "⏸️",
    Status.RESOLVED: "✅",
    Status.ARCHIVED: "📦",
}


class Resolution(enum.StrEnum):
    """How a resolved or archived analysis ended."""

    FIXED = "fixed"
    DUPLICATE = "duplicate"
    WONT_FIX = "wont-fix"
    USER_ERROR = "user-error"
    HARDWARE = "hardware"
    OUT_OF_SCOPE = "out-of-scope"
    SUPPORT = "support"


PRIORITIES = ("critical", "high", "medium", "low")

#: Companion files that belong to an analysis, in reading order, with their display titles.
COMPANIONS: dict[str, str] = {
    "summary.md": "Summary",
    "implementation.md": "Implementation",
    "testing.md": "Testing",
}

#: Placeholders of the template; one left in an analysis is an error.
PLACEHOLDERS = ("XXXX", "YYYY-MM-DD", "[Issue Title]", "[owner/repo]", "[reporter]")
#: A placeholder counts as a whole token: `XXXX` is one, the masked key `XXXXXXXX` in a log is not.
PLACEHOLDER_RE = re.compile(
    "|".join(
        ("" if p[0] in "[(" else r"(?<![\w-])") + re.escape(p) + ("" if p[-1] in "])" else r"(?![\w-])")
        for p in PLACEHOLDERS
    )
)
#: A tag is a slug: it names its own page (`tags/<tag>/`) and reads the same in every output.
TAG_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
_NOT_SLUG_RE = re.compile(r"[^a-z0-9]+")


def tag_suggestion(tag: str) -> str:
    """The slug to write instead of `tag`: lower case, every run of other characters one hyphen."""
    return _NOT_SLUG_RE.sub("-", tag.lower()).strip("-") or "tag"


#: A line of template guidance carries this marker; one left in a section is a warning naming the section.
TEMPLATE_MARKER = "<!-- template -->"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One front-matter key: its kind (how it is checked), what it means, and an example value (YAML)."""

    kind: str
    description: str
    required: bool = False
    example: str = ""


FIELDS: dict[str, FieldSpec] = {
    "issue": FieldSpec("int", "Upstream issue number (a positive integer).", True, "1159"),
    "title": FieldSpec(
        "str", "Title of the upstream issue, or a clearer one of your own.", True, '"pip refuses to install"'
    ),
    "status": FieldSpec("status", "Where the analysis stands here.", True, "resolved"),
    "resolution": FieldSpec(
        "resolution", "How it ended; required once status is resolved or archived.", example="fixed"
    ),
    "status_note": FieldSpec(
        "str",
        "Words about the status that the status and resolution do not say: the reason of a status line,"
        " or the upstream state noted when the analysis was written.",
        example='"User error, self-resolved"',
    ),
    "repo": FieldSpec(
        "repo",
        "Upstream repository `owner/name`; defaults to the configured upstream.",
        example="acme/widget",
    ),
    "duplicate_of": FieldSpec(
        "ref", "The canonical issue this one duplicates (`1143` or `owner/repo#1143`).", example="1143"
    ),
    "related": FieldSpec(
        "refs",
        "Related upstream issues; each `1167`, `owner/repo#1167`, or {issue, note}.",
        example="[1153, {issue: 1167, note: same venv}]",
    ),
    "commits": FieldSpec(
        "shas", "Fork commit SHAs that fix the issue (7 to 40 hex digits).", example="[b8a8291]"
    ),
    "prs": FieldSpec("prs", "Fork pull request numbers (not upstream numbers).", example="[12]"),
    "upstream_pr": FieldSpec(
        "ref", "Pull request sent upstream (`1170` or `owner/repo#1170`).", example="1170"
    ),
    "reporter": FieldSpec(
        "str", "GitHub login of the person who reported the issue upstream.", example="octocat"
    ),
    "reported": FieldSpec("date", "Date the issue was reported upstream (YYYY-MM-DD).", example="2025-04-01"),
    "analyzed": FieldSpec("date", "Date of this analysis (YYYY-MM-DD).", example="2025-11-06"),
    "resolved_on": FieldSpec("date", "Date it was resolved here (YYYY-MM-DD).", example="2025-11-06"),
    "priority": FieldSpec("priority", "One of: " + ", ".join(PRIORITIES) + ".", example="high"),
    "tags": FieldSpec(
        "tags",
        "Free tags, each a slug: lower-case letters, digits, hyphens (`python-3-12`).",
        example="[pep668, venv]",
    ),
    "affected": FieldSpec(
        "strs", "Affected platforms, distributions or versions, as free strings.", example='["Debian 12"]'
    ),
}

_REF_SCHEMA: dict[str, Any] = {
    "oneOf": [
        {"type": "integer", "minimum": 1},
        {"type": "string", "pattern": r"^(?:[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+#|#)?[1-9][0-9]*$"},
    ]
}
_KIND_SCHEMA: dict[str, dict[str, Any]] = {
    "int": {"type": "integer", "minimum": 1},
    "str": {"type": "string", "minLength": 1},
    "status": {"enum": [s.value for s in Status]},
    "resolution": {"enum": [r.value for r in Resolution]},
    "repo": {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$"},
    "ref": _REF_SCHEMA,
    "refs": {
        "type": "array",
        "items": {
            "oneOf": [
                *_REF_SCHEMA["oneOf"],
                {
                    "type": "object",
                    "required": ["issue"],
                    "additionalProperties": False,
                    "properties": {"issue": _REF_SCHEMA, "note": {"type": "string"}},
                },
            ]
        },
    },
    "shas": {
        "type": "array",
        "items": {
            "oneOf": [
                {"type": "string", "pattern": "^[0-9a-f]{7,40}$"},
                {"type": "integer", "minimum": 1000000},  # an unquoted all-digit SHA
            ]
        },
    },
    "prs": {"type": "array", "items": {"type": "integer", "minimum": 1}},
    "date": {"type": "string", "format": "date"},
    "priority": {"enum": list(PRIORITIES)},
    "strs": {"type": "array", "items": {"type": ["string", "integer"], "minLength": 1}},
    "tags": {"type": "array", "items": {"type": "string", "pattern": f"^{TAG_RE.pattern}$"}},
}


def _example(spec: FieldSpec) -> Any:
    """The field's YAML example as a JSON value (dates as the strings editors see)."""
    data: Any = yaml_rs.loads(f"v: {spec.example}\n")
    value = data["v"]
    return value.isoformat() if isinstance(value, dt.date) else value


def json_schema() -> dict[str, Any]:
    """The front matter of `analysis.md` as a JSON Schema (draft 2020-12)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://issuekb.invalid/schema/analysis.json",
        "title": "issuekb analysis front matter",
        "type": "object",
        "required": [name for name, spec in FIELDS.items() if spec.required],
        "additionalProperties": False,
        "properties": {
            name: {**_KIND_SCHEMA[spec.kind], "description": spec.description, "examples": [_example(spec)]}
            for name, spec in FIELDS.items()
        },
        "allOf": [
            {
                "if": {"properties": {"status": {"enum": ["resolved", "archived"]}}, "required": ["status"]},
                "then": {"required": ["resolution"]},
            },
            {
                "if": {"properties": {"resolution": {"const": "duplicate"}}, "required": ["resolution"]},
                "then": {"required": ["duplicate_of"]},
            },
        ],
    }


#: How each kind reads in the front-matter reference.
KIND_NAMES: dict[str, str] = {
    "int": "positive integer",
    "str": "text",
    "status": "one of: " + ", ".join(f"`{s.value}`" for s in Status),
    "resolution": "one of: " + ", ".join(f"`{r.value}`" for r in Resolution),
    "repo": "`owner/name`",
    "ref": "issue reference",
    "refs": "list of issue references, or of `{issue, note}` mappings",
    "shas": "list of commit SHAs",
    "prs": "list of fork pull request numbers",
    "date": "date `YYYY-MM-DD`",
    "priority": "one of: " + ", ".join(f"`{p}`" for p in PRIORITIES),
    "strs": "list of text",
    "tags": "list of slugs `[a-z0-9][a-z0-9-]*`",
}


def fields_markdown() -> str:
    """The field table of `docs/reference.md`: field, kind, required, meaning, example."""
    lines = ["| field | kind | required | meaning | example |", "|---|---|---|---|---|"]
    for name, spec in FIELDS.items():
        example = f"`{name}: {spec.example}`".replace("|", "\\|")
        required = "yes" if spec.required else ""
        lines.append(f"| `{name}` | {KIND_NAMES[spec.kind]} | {required} | {spec.description} | {example} |")
    return "\n".join(lines) + "\n"
