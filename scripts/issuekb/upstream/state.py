"""The upstream state file: what sync learned from GitHub, per repository and issue.

Sync owns this file (`upstream-state.json` by default); everything else only reads it. The format is
deterministic: keys sorted, two-space indent, issue numbers as string keys sorted numerically, a final
newline. A sync that changes nothing changes no bytes; one changed issue is a one-issue diff.

    {
      "format": 1,
      "repos": {
        "owner/name": {
          "source": "https://api.github.com" | "recorded:<file name>",
          "synced_at": "2025-11-30T00:00:00Z",   # server time of the last sync that changed this entry
          "watermark": "2025-11-30T00:00:00Z",   # the next listing's `since`: everything updated
                                                 # before it is already merged here
          "etag": "W/\\"...\\"",                  # ETag of the listing at `since` = watermark
          "issues": {"1143": IssueState, ...},
          "pulls": {"1170": PullState, ...}
        }
      }
    }
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from issuekb.core.refs import IssueRef
from issuekb.diagnostics import Diagnostic

__all__ = [
    "FORMAT",
    "IssueState",
    "PullState",
    "RepoState",
    "UpstreamState",
    "dump_state",
    "load_state",
    "parse_state",
]

FORMAT = 1
STATES = frozenset({"open", "closed"})
STATE_REASONS = frozenset({"completed", "not_planned", "reopened", "duplicate"})
PULL_STATES = frozenset({"open", "merged", "closed"})


@dataclass(slots=True)
class IssueState:
    """One upstream issue as GitHub last showed it. Times are ISO 8601 UTC strings ('...Z')."""

    number: int
    title: str = ""
    state: str = "open"
    state_reason: str | None = None
    labels: list[str] = field(default_factory=list)
    author: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    closed_at: str | None = None
    comments: int = 0
    locked: bool = False
    html_url: str | None = None
    etag: str | None = None
    #: "owner/name#N" when GitHub answered 301 (the issue was transferred)
    transferred_to: str | None = None
    #: True when GitHub answered 404 or 410
    deleted: bool = False
    #: the upstream issue this one was closed as a duplicate of, when known ("owner/name#N")
    duplicate_of: str | None = None
    #: the title before the last rename sync saw, and when (the issue's updated_at) it saw it
    previous_title: str | None = None
    title_changed_at: str | None = None

    @property
    def is_open(self) -> bool:
        return self.state == "open" and not self.deleted and self.transferred_to is None


@dataclass(slots=True)
class PullState:
    """An upstream pull request named by some analysis's `upstream_pr`."""

    number: int
    state: str = "open"  # open, merged, closed
    title: str = ""
    html_url: str | None = None
    updated_at: str | None = None
    merged_at: str | None = None
    etag: str | None = None
    #: True when GitHub answered 404 or 410
    deleted: bool = False


@dataclass(slots=True)
class RepoState:
    """What sync knows about one upstream repository."""

    repo: str
    source: str = ""
    synced_at: str | None = None
    watermark: str | None = None
    etag: str | None = None
    issues: dict[int, IssueState] = field(default_factory=dict)
    pulls: dict[int, PullState] = field(default_factory=dict)


@dataclass(slots=True)
class UpstreamState:
    """The whole state file."""

    repos: dict[str, RepoState] = field(default_factory=dict)

    def issue(self, ref: IssueRef) -> IssueState | None:
        repo = self.repos.get(ref.repo)
        return repo.issues.get(ref.number) if repo else None

    def pull(self, ref: IssueRef) -> PullState | None:
        repo = self.repos.get(ref.repo)
        return repo.pulls.get(ref.number) if repo else None

    def repo(self, name: str) -> RepoState:
        """The state of `name`, created empty when absent."""
        return self.repos.setdefault(name, RepoState(repo=name))


def _record_dict(record: IssueState | PullState) -> dict[str, Any]:
    data = asdict(record)
    del data["number"]
    return data


def dump_state(state: UpstreamState) -> str:
    """Serialise deterministically (same state, same bytes)."""
    repos: dict[str, Any] = {}
    for name in sorted(state.repos):
        repo = state.repos[name]
        repos[name] = {
            "source": repo.source,
            "synced_at": repo.synced_at,
            "watermark": repo.watermark,
            "etag": repo.etag,
            "issues": {str(n): _record_dict(repo.issues[n]) for n in sorted(repo.issues)},
            "pulls": {str(n): _record_dict(repo.pulls[n]) for n in sorted(repo.pulls)},
        }
    return json.dumps({"format": FORMAT, "repos": repos}, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


#: How a value of each field type of the records is checked (types this module does not know pass).
_CHECKS: dict[str, Callable[[Any], bool]] = {
    "int": lambda v: type(v) is int,
    "str": lambda v: type(v) is str,
    "str | None": lambda v: v is None or type(v) is str,
    "bool": lambda v: type(v) is bool,
    "list[str]": lambda v: type(v) is list and all(type(x) is str for x in v),
}


#: Each record class -> each of its fields but `number` -> how its value is checked (None: not checked).
_SCHEMAS: dict[type[Any], dict[str, Callable[[Any], bool] | None]] = {
    cls: {f.name: _CHECKS.get(str(f.type)) for f in fields(cls) if f.name != "number"}
    for cls in (IssueState, PullState)
}


def _build(cls: type[Any], number: int, data: dict[str, Any], where: str, diags: list[Diagnostic]) -> Any:
    """The record of `data` (unknown keys left out); None, with a diagnostic, when a value has the wrong
    type. Only the values given are checked: a field left out takes its default."""
    schema = _SCHEMAS[cls]
    kwargs: dict[str, Any] = {}
    for name, value in data.items():
        if name not in schema:
            continue
        check = schema[name]
        if check is not None and not check(value):
            diags.append(
                Diagnostic.error("state-invalid", where, 1, f"{name} of #{number} has the wrong type")
            )
            return None
        kwargs[name] = value
    return cls(number, **kwargs)


#: an issue or pull request number as a key of the file (at most 15 digits, as everywhere)
_NUMBER_RE = re.compile(r"[0-9]{1,15}")

#: what to do about a state file that cannot be used (sync refuses to overwrite it)
BROKEN_HINT = (
    "Restore it from git (`git checkout -- <file>`), or delete it and run `make sync` to fetch the state "
    "again: sync does not overwrite a state file it cannot read."
)


def parse_state(text: str, rel: str) -> tuple[UpstreamState, list[Diagnostic]]:
    """Parse the state file's text; problems are diagnostics and leave an empty or partial state."""
    diags: list[Diagnostic] = []
    state = UpstreamState()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return state, [
            Diagnostic.error(
                "state-json", rel, exc.lineno, f"Not valid JSON: {exc.msg}", BROKEN_HINT, exc.colno
            )
        ]
    except (ValueError, RecursionError):  # a number of more than 4,300 digits, or nesting past the stack
        message = "Not valid JSON for issuekb: it holds a number too long or nesting too deep to read"
        return state, [Diagnostic.error("state-json", rel, 1, message, BROKEN_HINT)]
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("repos"), dict):
        return state, [
            Diagnostic.error(
                "state-format",
                rel,
                1,
                f"Not an issuekb upstream state file of format {FORMAT}",
                BROKEN_HINT,
            )
        ]
    for name, raw in sorted(data["repos"].items()):
        if not isinstance(raw, dict):
            diags.append(Diagnostic.error("state-invalid", rel, 1, f"Repository {name!r} is not an object"))
            continue
        repo = RepoState(
            repo=name,
            source=str(raw.get("source") or ""),
            synced_at=raw.get("synced_at") if isinstance(raw.get("synced_at"), str) else None,
            watermark=raw.get("watermark") if isinstance(raw.get("watermark"), str) else None,
            etag=raw.get("etag") if isinstance(raw.get("etag"), str) else None,
        )
        for key, cls, target in (("issues", IssueState, repo.issues), ("pulls", PullState, repo.pulls)):
            items = raw.get(key) or {}
            if not isinstance(items, dict):
                diags.append(Diagnostic.error("state-invalid", rel, 1, f"{name}: '{key}' is not an object"))
                continue
            for number, item in items.items():
                if not _NUMBER_RE.fullmatch(str(number)) or not isinstance(item, dict):
                    diags.append(
                        Diagnostic.error("state-invalid", rel, 1, f"{name}: bad {key} entry {number!r}")
                    )
                    continue
                record = _build(cls, int(number), item, rel, diags)
                if record is not None:
                    target[int(number)] = record
        state.repos[name] = repo
    return state, diags


def load_state(path: Path, rel: str | None = None) -> tuple[UpstreamState, list[Diagnostic]]:
    """Read the state file; a missing file is an empty state ("not synced"), not an error.

    An unreadable or malformed file gives an empty state and the diagnostics saying why.
    """
    rel = rel or path.name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return UpstreamState(), []
    except OSError as exc:
        message = f"Cannot read the state file: {exc.strerror or exc}"
        hint = "Check that it is a file you may read." if isinstance(exc, PermissionError) else BROKEN_HINT
        return UpstreamState(), [Diagnostic.error("state-unreadable", rel, 1, message, hint)]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return UpstreamState(), [
            Diagnostic.error("state-unreadable", rel, 1, f"Cannot read the state file: {exc}", BROKEN_HINT)
        ]
    return parse_state(text.replace("\r\n", "\n").replace("\r", "\n"), rel)
