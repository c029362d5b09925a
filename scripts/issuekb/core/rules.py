"""The registry of diagnostic codes: every code any stage can report, with its severity and its rule.

One place for the list: `docs/reference.md` shows it (a test keeps the page in sync), and the tests check
that every code the code base emits is registered here and that the golden broken knowledge base
triggers every code whose scope is `check`.

Scopes:
- `check`: a property of the analyses themselves; the golden broken knowledge base shows each one.
- `environment`: the surroundings, not the content (an unreadable file, a missing folder, an unusable
  git clone); tested one by one, since a committed folder cannot hold them.
- `state`: the upstream state file written by sync, and what the analyses say against it.
- `sync`: the inputs of `issuekb sync` (a recorded listing read with `--from`).
- `import`: the legacy knowledge base read by `issuekb import`.
- `site`: the hand-written pages beside the generated ones (`issuekb pages`; the MkDocs plugin warns).
"""

from __future__ import annotations

from dataclasses import dataclass

from issuekb.core.schema import PLACEHOLDERS, TEMPLATE_MARKER
from issuekb.diagnostics import Severity

__all__ = ["RULE_CODES", "SCOPES", "Rule", "rules_markdown"]

SCOPES = ("check", "environment", "state", "sync", "import", "site")


@dataclass(frozen=True, slots=True)
class Rule:
    """One diagnostic code: how severe it is, the rule it enforces, and where it can arise."""

    code: str
    severity: Severity
    text: str
    scope: str = "check"


_E, _W = Severity.ERROR, Severity.WARNING

_ALL = (
    # load: bytes -> front matter
    Rule(
        "load-unreadable", _E, "The file must be a readable regular file (links are followed).", "environment"
    ),
    Rule("load-encoding", _E, "The file must be UTF-8 (a byte-order mark is fine)."),
    Rule("fm-missing", _E, "An analysis must start with a front matter block between two `---` lines."),
    Rule("fm-unclosed", _E, "The front matter must be closed by a `---` line."),
    Rule("fm-control", _E, "The front matter must hold no control characters (NUL, ...) but tabs."),
    Rule("fm-yaml", _E, "The front matter must be valid YAML."),
    Rule("fm-duplicate-key", _E, "A key must appear only once in a mapping."),
    Rule("fm-tag", _E, "YAML tags other than the core ones (`!!str`, `!!int`, ...) are refused."),
    Rule("fm-alias-bomb", _E, "YAML aliases must not expand beyond a small bound."),
    Rule("fm-not-mapping", _E, "The front matter must be a mapping of keys to values."),
    # model: one analysis's fields
    Rule("field-required", _E, "Must have the required fields: issue, title, status."),
    Rule("field-type", _E, "Each field must hold a value of its kind (see the field table)."),
    Rule("field-enum", _E, "status, resolution and priority must be one of their allowed words."),
    Rule("field-unknown", _W, "Unknown keys are reported, with the closest known one."),
    Rule(
        "field-leading-zero",
        _W,
        "Numbers must not be written with leading zeros (YAML 1.1 reads them as octal).",
    ),
    Rule("folder-name", _E, "The folder must be named `<number>-<slug>` in lower-case kebab-case."),
    Rule("folder-number", _E, "The folder's number must equal `issue`."),
    Rule("date-invalid", _E, "Dates must be real dates written YYYY-MM-DD."),
    Rule("date-future", _E, "Dates must not be in the future."),
    Rule(
        "date-order",
        _E,
        "analyzed and resolved_on must not be before reported (resolved_on may precede analyzed).",
    ),
    Rule("resolution-required", _E, "A resolved or archived analysis must have a resolution."),
    Rule("resolution-open", _W, "An analysis that is not resolved or archived should have no resolution."),
    Rule("resolved-open", _W, "An analysis that is not resolved or archived should have no resolved_on."),
    Rule("duplicate-target", _E, "`resolution: duplicate` must name the canonical issue in duplicate_of."),
    Rule("duplicate-resolution", _E, "duplicate_of requires `resolution: duplicate`."),
    Rule("duplicate-self", _E, "An issue must not be a duplicate of itself."),
    Rule("related-repeated", _W, "An issue should be listed once in related."),
    Rule("commit-format", _E, "Commit SHAs must be 7 to 40 lower-case hex digits."),
    Rule(
        "tag-format", _E, "Tags must be slugs: lower-case letters, digits and hyphens (`[a-z0-9][a-z0-9-]*`)."
    ),
    # knowledge base: more than one file
    Rule("kb-missing", _E, "The analyses folder must exist and be a folder.", "environment"),
    Rule(
        "kb-unreadable",
        _E,
        "Every entry under analyses/ must be readable (no dangling link, no loop).",
        "environment",
    ),
    Rule("kb-no-analysis", _W, "Every folder under analyses/ should hold an analysis.md."),
    Rule("kb-stray-file", _W, "Markdown files directly under analyses/ are ignored."),
    Rule("kb-duplicate-issue", _E, "Must have one analysis per (repo, issue)."),
    Rule("duplicate-cycle", _E, "duplicate_of must not form a cycle."),
    Rule("duplicate-chain", _W, "duplicate_of should name the canonical issue, not another duplicate."),
    Rule("duplicate-unknown", _W, "duplicate_of names an issue that has no analysis here."),
    Rule("duplicate-commits", _W, "A duplicate's commits should match its canonical analysis's."),
    Rule("related-self", _W, "An analysis should not list itself in related."),
    Rule(
        "placeholder",
        _E,
        "Template placeholders (" + ", ".join(f"`{p}`" for p in PLACEHOLDERS) + ") must be replaced.",
    ),
    Rule("body-script-link", _W, "Links in a body should not be `javascript:`, `data:` or `vbscript:` URLs."),
    Rule("template-text", _W, f"Template guidance lines (marked `{TEMPLATE_MARKER}`) should be replaced."),
    Rule("body-empty", _W, "An analysis should have a body."),
    Rule(
        "markdown-differs",
        _W,
        "The body should not use a Markdown construct the site renders differently from GitHub.",
    ),
    # git: commits against a local clone of the fork
    Rule(
        "commit-unknown", _E, "With a fork clone, every commit must exist there, unambiguously, as a commit."
    ),
    Rule(
        "git-unavailable",
        _E,
        "The fork clone given to the commit check must be a git repository.",
        "environment",
    ),
    # the upstream state file
    Rule("state-unreadable", _E, "The upstream state file must be readable.", "state"),
    Rule("state-json", _E, "The upstream state file must be valid JSON.", "state"),
    Rule(
        "state-format", _E, "The upstream state file must have the expected format marker and shape.", "state"
    ),
    Rule(
        "state-invalid", _E, "Every entry of the upstream state file must have the expected fields.", "state"
    ),
    Rule(
        "upstream-reported",
        _W,
        "reported should be the day the upstream issue was opened, as the state file records it.",
        "state",
    ),
    Rule(
        "upstream-reporter",
        _W,
        "reporter should be the upstream issue's author, as the state file records it.",
        "state",
    ),
    # sync's inputs
    Rule("sync-from-unreadable", _E, "A recorded listing given to sync must be readable.", "sync"),
    Rule("sync-from-json", _E, "A recorded listing must be valid JSON.", "sync"),
    Rule(
        "sync-from-shape",
        _E,
        "A recorded listing must be a GitHub issue listing (a list of objects).",
        "sync",
    ),
    Rule("sync-from-item", _E, "Every item of a recorded listing must be a GitHub issue object.", "sync"),
    Rule(
        "sync-from-not-found",
        _W,
        "An item of a recorded listing whose fields are all null (not found) is skipped.",
        "sync",
    ),
    # the legacy importer's inputs
    Rule("import-unreadable", _E, "Every legacy file must be readable.", "import"),
    Rule("import-encoding", _E, "Every legacy file must be UTF-8.", "import"),
    Rule("import-collision", _E, "Two legacy folders must not map to the same new folder.", "import"),
    # the site's hand-written pages
    Rule(
        "site-page-hidden",
        _E,
        "A page in the docs folder must not take the address of a generated page.",
        "site",
    ),
)

#: code -> Rule, in the order of the pipeline.
RULE_CODES: dict[str, Rule] = {rule.code: rule for rule in _ALL}


def rules_markdown() -> str:
    """The rule table of `docs/reference.md` (code, severity, rule, scope), one row per registered code."""
    lines = ["| code | severity | rule | scope |", "|---|---|---|---|"]
    lines += [f"| `{r.code}` | {r.severity} | {r.text} | {r.scope} |" for r in RULE_CODES.values()]
    return "\n".join(lines) + "\n"
