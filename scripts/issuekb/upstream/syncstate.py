"""How sync's answers merge into `UpstreamState`: records in, `Change` values out; the lock; the save.

No network here. `issuekb.upstream.sync` decides what to ask; these functions fold the answers into the state it
will save, report every change as a value (so `--dry-run` and the summary show the same list), drop the
records no analysis names any more, stamp `synced_at` only on entries that changed, and write the file
atomically under a lock.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from issuekb.upstream.state import IssueState, PullState, RepoState, UpstreamState, dump_state
from issuekb.writes import write_if_changed

__all__ = [
    "Change",
    "SyncLockedError",
    "lock_path",
    "mark_issue_gone",
    "mark_pull_gone",
    "merge_issue",
    "merge_pull",
    "prune",
    "save_state",
    "stamp_synced_at",
    "state_lock",
]

#: fields whose old and new values a change shows; other fields are only named
_SHOWN = ("state", "state_reason", "comments", "locked", "deleted")


@dataclass(frozen=True, slots=True)
class Change:
    """One upstream record that a sync adds, changes or drops."""

    repo: str
    number: int
    kind: str  # new, changed, transferred, deleted, dropped
    detail: str = ""
    pull: bool = False

    def describe(self) -> str:
        what = f"{self.repo}#{self.number}" + (" (pull request)" if self.pull else "")
        return f"{what}: {self.kind}" + (f": {self.detail}" if self.detail else "")


class SyncLockedError(Exception):
    """Another sync holds the lock of this state file."""


def _content(record: IssueState | PullState) -> dict[str, object]:
    data = dataclasses.asdict(record)
    del data["etag"]
    return data


def _diff(old: IssueState | PullState, new: IssueState | PullState) -> str:
    before, after = _content(old), _content(new)
    parts: list[str] = []
    for key in [k for k in _SHOWN if k in before] + sorted(k for k in before if k not in _SHOWN):
        if before[key] == after[key]:
            continue
        parts.append(f"{key} {before[key]} -> {after[key]}" if key in _SHOWN else key)
    return ", ".join(parts)


def _summary(record: IssueState | PullState) -> str:
    reason = getattr(record, "state_reason", None)
    return record.state + (f" ({reason})" if reason else "")


def merge_issue(repo: RepoState, new: IssueState, *, moved_to: str | None = None) -> Change | None:
    """Store `new` for its number; a Change unless only the ETag differs.

    `duplicate_of` and the title history are kept; a new title records the old one as `previous_title`.
    """
    old = repo.issues.get(new.number)
    new.transferred_to = moved_to
    if old is not None:
        new.duplicate_of = old.duplicate_of
        new.previous_title, new.title_changed_at = old.previous_title, old.title_changed_at
        if old.title and new.title and old.title != new.title:
            new.previous_title, new.title_changed_at = old.title, new.updated_at
        if _content(old) == _content(new):
            old.etag = new.etag or old.etag
            return None
    repo.issues[new.number] = new
    if moved_to and (old is None or old.transferred_to != moved_to):
        return Change(repo.repo, new.number, "transferred", f"now {moved_to}")
    if old is None:
        return Change(repo.repo, new.number, "new", _summary(new))
    return Change(repo.repo, new.number, "changed", _diff(old, new))


def mark_issue_gone(repo: RepoState, number: int, status: int) -> Change | None:
    """GitHub answered 404 or 410: keep what was known, flag it deleted."""
    old = repo.issues.get(number)
    if old is not None and old.deleted:
        return None
    record = old or IssueState(number=number)
    record.deleted, record.etag = True, None
    repo.issues[number] = record
    return Change(repo.repo, number, "deleted", f"GitHub answers {status}")


def merge_pull(repo: RepoState, new: PullState) -> Change | None:
    """Store a pull request's state; a Change unless only the ETag differs."""
    old = repo.pulls.get(new.number)
    if old is not None and _content(old) == _content(new):
        old.etag = new.etag or old.etag
        return None
    repo.pulls[new.number] = new
    if old is None:
        return Change(repo.repo, new.number, "new", new.state, pull=True)
    return Change(repo.repo, new.number, "changed", _diff(old, new), pull=True)


def mark_pull_gone(repo: RepoState, number: int, status: int) -> Change | None:
    old = repo.pulls.get(number)
    if old is not None and old.deleted:
        return None
    record = old or PullState(number=number)
    record.deleted, record.etag = True, None
    repo.pulls[number] = record
    return Change(repo.repo, number, "deleted", f"GitHub answers {status}", pull=True)


def prune(repo: RepoState, issues: frozenset[int], pulls: frozenset[int]) -> list[Change]:
    """Drop the records of issues and pull requests that no analysis names any more."""
    changes: list[Change] = []
    for number in sorted(set(repo.issues) - issues):
        del repo.issues[number]
        changes.append(Change(repo.repo, number, "dropped", "no analysis names it"))
    for number in sorted(set(repo.pulls) - pulls):
        del repo.pulls[number]
        changes.append(Change(repo.repo, number, "dropped", "no analysis names it", pull=True))
    return changes


def _entry_bytes(repo: RepoState) -> str:
    return dump_state(UpstreamState({repo.repo: dataclasses.replace(repo, synced_at=None)}))


def stamp_synced_at(before: UpstreamState, after: UpstreamState, observed: dict[str, str | None]) -> None:
    """Set `synced_at` of every entry whose bytes changed to the time the sync observed it.

    Unchanged entries keep their `synced_at`, so a sync that finds nothing new writes no byte.
    """
    for name, repo in after.repos.items():
        old = before.repos.get(name)
        if old is not None and _entry_bytes(old) == _entry_bytes(repo):
            repo.synced_at = old.synced_at
            continue
        times = [i.updated_at for i in repo.issues.values() if i.updated_at]
        times += [p.updated_at for p in repo.pulls.values() if p.updated_at]
        repo.synced_at = observed.get(name) or repo.watermark or (max(times) if times else None)


def lock_path(state_file: Path) -> Path:
    """The lock file next to the state file (`.upstream-state.json.lock`)."""
    return state_file.with_name(f".{state_file.name}.lock")


@contextlib.contextmanager
def state_lock(state_file: Path) -> Iterator[Path]:
    """Hold an exclusive `flock` on the lock file; raise `SyncLockedError` at once if another sync holds it."""
    path = lock_path(state_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SyncLockedError(
                f"another sync is running (it holds {path.name}); try again when it is done"
            ) from None
        try:
            yield path
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def save_state(state_file: Path, state: UpstreamState) -> bool:
    """Write the state file atomically unless its bytes are already these; True when it wrote."""
    return write_if_changed(state_file, dump_state(state))
