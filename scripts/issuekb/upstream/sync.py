"""`issuekb sync`: refresh the upstream state of every tracked issue into the state file.

Tracked are the issues the analyses name (each one's own issue, `duplicate_of`, `related`) and the pull
requests they name as `upstream_pr`, per upstream repository. Sync never edits an analysis; it owns only
the state file (`issuekb.upstream.state`). The steps, under a lock, each in its own module:

    load the state file -> fetch (issuekb.upstream.github) or read a recorded listing (issuekb.upstream.recorded)
      -> merge the records (issuekb.upstream.syncstate) -> drop untracked records -> stamp synced_at -> atomic save

What a live sync asks GitHub, per repository:

1. Check one by one, with a conditional GET carrying the stored ETag, every tracked issue and pull request
   that has no stored record yet; on the repository's first sync, and with `--full`, all of them. This is
   how transfers (301) and deletions (404, 410) are found; 304 answers cost no rate limit.
2. The listing `GET /repos/{o}/{r}/issues?state=all&since=W&sort=updated&direction=desc&per_page=100` with
   `If-None-Match`: a 304 ends it. Otherwise every page is merged, `W` moves to the newest `updated_at`
   seen, and the listing is asked once more at the new `W`, until it shows nothing newer (normally the
   second time). Its ETag then belongs to the stored watermark, so the next sync that finds nothing is
   one 304. On the first sync `W` is the server's time when the sync began, less a minute of clock skew.

A stop (rate limit, network, malformed answer) keeps every record fetched before it in a complete file;
the watermark only moves past a listing that was read to its end.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from issuekb.config import Config
from issuekb.core.model import Analysis
from issuekb.diagnostics import Diagnostic
from issuekb.upstream.githubtypes import GitHubError, IssueFetch, PullFetch, RepoNotFoundError
from issuekb.upstream.state import RepoState, UpstreamState, dump_state, load_state
from issuekb.upstream.syncstate import (
    Change,
    mark_issue_gone,
    mark_pull_gone,
    merge_issue,
    merge_pull,
    prune,
    save_state,
    stamp_synced_at,
    state_lock,
)

if TYPE_CHECKING:
    from issuekb.upstream.github import GitHubClient
    from issuekb.upstream.recorded import RecordedItem

__all__ = ["Options", "Outcome", "RepoReport", "StateUnreadableError", "Tracked", "run_sync", "tracked_refs"]

#: how far before the server's clock the first listing of a repository starts
CLOCK_SKEW = dt.timedelta(minutes=1)
#: listings asked at most this often per repository and sync while the repository keeps changing
MAX_ROUNDS = 5

#: called after each one-by-one check with (repository, checks done, checks planned)
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class Tracked:
    """The issue and pull request numbers of one repository that some analysis names."""

    issues: frozenset[int] = frozenset()
    pulls: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Options:
    full: bool = False
    dry_run: bool = False
    #: limit the sync to these repositories (None: every tracked one, and drop entries of untracked ones)
    only: frozenset[str] | None = None
    #: drop records no analysis names (off while some analysis fails to load)
    prune: bool = True


@dataclass(slots=True)
class RepoReport:
    """What a sync did for one repository (for the summary)."""

    repo: str
    tracked: Tracked
    checked: int = 0
    listed: int = 0
    listings: int = 0
    not_modified: bool = False
    ignored: int = 0
    stored: int = 0  # recorded items of tracked issues and pull requests merged into the state
    missing: int = 0
    older: int = 0
    problem: str = ""  # the repository could not be synced
    note: str = ""  # synced, with a remark


@dataclass(slots=True)
class Outcome:
    """The result of one sync: the new state, every change, per-repository reports, and why it stopped."""

    state: UpstreamState
    changes: list[Change] = field(default_factory=list)
    repos: list[RepoReport] = field(default_factory=list)
    observed: dict[str, str | None] = field(default_factory=dict)
    stopped: Exception | None = None
    changed: bool = False
    wrote: bool = False


class StateUnreadableError(Exception):
    """The state file exists but cannot be used; sync refuses to overwrite it."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("the upstream state file cannot be read")
        self.diagnostics = diagnostics


def tracked_refs(analyses: Iterable[Analysis], upstream: str) -> dict[str, Tracked]:
    """Per repository (spelled as the configuration or the first analysis spells it): what to sync."""
    names = {upstream.lower(): upstream}
    issues: dict[str, set[int]] = {}
    pulls: dict[str, set[int]] = {}
    for analysis in analyses:
        refs = [analysis.ref, *analysis.related]
        if analysis.duplicate_of:
            refs.append(analysis.duplicate_of)
        for ref in refs:
            issues.setdefault(names.setdefault(ref.repo.lower(), ref.repo), set()).add(ref.number)
        if analysis.upstream_pr:
            ref = analysis.upstream_pr
            pulls.setdefault(names.setdefault(ref.repo.lower(), ref.repo), set()).add(ref.number)
    return {
        name: Tracked(frozenset(issues.get(name, ())), frozenset(pulls.get(name, ())))
        for name in sorted({*issues, *pulls}, key=str.lower)
    }


def _entry(state: UpstreamState, name: str) -> RepoState:
    """The entry of `name`, found case-insensitively (and respelled as tracked), created when absent."""
    for key in list(state.repos):
        if key.lower() == name.lower() and key != name:
            state.repos[name] = dataclasses.replace(state.repos.pop(key), repo=name)
    return state.repo(name)


def _shift(moment: str | None, delta: dt.timedelta) -> str | None:
    if moment is None:
        return None
    value = dt.datetime.fromisoformat(moment.replace("Z", "+00:00")) + delta
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _fingerprint(repo: RepoState) -> str:
    """The entry's bytes apart from where and when it was synced."""
    return dump_state(UpstreamState({repo.repo: dataclasses.replace(repo, source="", synced_at=None)}))


# -- live ----------------------------------------------------------------------------------------------
def _apply_issue(repo: RepoState, number: int, fetch: IssueFetch) -> Change | None:
    if fetch.kind == "not_modified":
        return None
    if fetch.kind == "deleted":
        return mark_issue_gone(repo, number, fetch.status)
    assert fetch.record is not None
    record = dataclasses.replace(fetch.record, number=number, etag=fetch.etag)
    return merge_issue(repo, record, moved_to=fetch.moved_to)


def _apply_pull(repo: RepoState, number: int, fetch: PullFetch) -> Change | None:
    if fetch.kind == "not_modified":
        return None
    if fetch.kind == "deleted":
        return mark_pull_gone(repo, number, fetch.status)
    assert fetch.record is not None
    return merge_pull(repo, dataclasses.replace(fetch.record, etag=fetch.etag))


def _keep(changes: list[Change], change: Change | None) -> None:
    if change is not None:
        changes.append(change)


def _check_each(
    client: GitHubClient,
    repo: RepoState,
    tracked: Tracked,
    full: bool,
    report: RepoReport,
    out: Outcome,
    tick: Progress,
) -> str | None:
    """Step 1: conditional GETs; returns the server time of the first answer."""
    issues = sorted(tracked.issues if full else tracked.issues - repo.issues.keys())
    pulls = sorted(tracked.pulls if full else tracked.pulls - repo.pulls.keys())
    start: str | None = None
    for number in issues:
        old = repo.issues.get(number)
        _keep(
            out.changes,
            _apply_issue(repo, number, client.get_issue(repo.repo, number, old.etag if old else None)),
        )
        start = start or client.last_date
        report.checked += 1
        tick(repo.repo, report.checked, len(issues) + len(pulls))
    for number in pulls:
        old_pull = repo.pulls.get(number)
        fetch = client.get_pull(repo.repo, number, old_pull.etag if old_pull else None)
        _keep(out.changes, _apply_pull(repo, number, fetch))
        start = start or client.last_date
        report.checked += 1
        tick(repo.repo, report.checked, len(issues) + len(pulls))
    return start


def _list_since(
    client: GitHubClient, repo: RepoState, tracked: Tracked, since: str, report: RepoReport, out: Outcome
) -> None:
    """Step 2: the `since` listing, asked again at the new watermark until it shows nothing newer."""
    etag = repo.etag if since == repo.watermark else None
    for _ in range(MAX_ROUNDS):
        newest, first_etag, unknown = since, None, []
        for page in client.iter_listing(repo.repo, since, etag):
            report.listings += 1
            if page.not_modified:
                report.not_modified = True
                return
            report.listed += len(page.issues)
            first_etag = first_etag or page.etag
            for issue in page.issues:
                newest = max(newest, issue.updated_at or newest)
                if issue.number in tracked.issues:
                    _keep(out.changes, merge_issue(repo, dataclasses.replace(issue, etag=None)))
            updated = {issue.number: issue.updated_at for issue in page.issues}
            for number, pull in page.pulls.items():
                known = repo.pulls.get(number)
                if number not in tracked.pulls:
                    continue
                if pull is not None:
                    _keep(out.changes, merge_pull(repo, pull))
                elif known is None or known.updated_at != updated[number]:
                    unknown.append(number)
        for number in unknown:  # a closed pull request the listing does not say was merged
            old = repo.pulls.get(number)
            _keep(
                out.changes,
                _apply_pull(repo, number, client.get_pull(repo.repo, number, old.etag if old else None)),
            )
        stable = newest == since
        repo.watermark, repo.etag = newest, first_etag if stable else None
        if stable:
            return
        since, etag = newest, None
    report.note = "the listing kept changing while it was read; the next sync lists again"


def _fetch_live(
    client: GitHubClient, tracked: dict[str, Tracked], options: Options, out: Outcome, tick: Progress
) -> None:
    for name in sorted(tracked, key=str.lower):
        had = next((k for k in out.state.repos if k.lower() == name.lower()), None)
        saved = copy.deepcopy(out.state.repos[had]) if had else None
        repo = _entry(out.state, name)
        report = RepoReport(name, tracked[name])
        out.repos.append(report)
        first_change = len(out.changes)
        unchanged = _fingerprint(repo)
        try:
            start = _check_each(
                client, repo, tracked[name], options.full or repo.watermark is None, report, out, tick
            )
            since = repo.watermark or _shift(start or client.last_date, -CLOCK_SKEW)
            if since is not None:
                _list_since(client, repo, tracked[name], since, report, out)
        except RepoNotFoundError as exc:  # the per-issue 404s say nothing then: keep the entry as it was
            del out.changes[first_change:]
            del out.state.repos[name]
            if saved is not None:
                out.state.repos[name] = dataclasses.replace(saved, repo=name)
            report.problem = str(exc)
            continue
        except GitHubError as exc:
            out.stopped = exc
        finally:
            out.observed[name] = client.last_date
        if _fingerprint(repo) != unchanged:  # the entry now holds what this API said
            repo.source = client.base_url
        if out.stopped is not None:
            return


# -- recorded ------------------------------------------------------------------------------------------
def _merge_recorded(
    items: Sequence[RecordedItem], source: str, tracked: dict[str, Tracked], out: Outcome
) -> None:
    by_repo: dict[str, list[RecordedItem]] = {}
    for item in items:
        by_repo.setdefault(item.repo.lower(), []).append(item)
    for name in sorted(tracked, key=str.lower):
        wanted = tracked[name]
        found = by_repo.pop(name.lower(), [])
        report = RepoReport(name, wanted, listed=len(found))
        out.repos.append(report)
        if not found:
            report.missing = len(wanted.issues)
            continue
        repo = _entry(out.state, name)
        first_change = len(out.changes)
        seen: set[int] = set()
        for item in found:
            number = item.issue.number
            if number not in wanted.issues and not (item.is_pull and number in wanted.pulls):
                report.ignored += 1
                continue
            seen.add(number)
            old = repo.issues.get(number)
            if number in wanted.issues:
                if (
                    old
                    and old.updated_at
                    and item.issue.updated_at
                    and item.issue.updated_at < old.updated_at
                ):
                    report.older += 1
                else:
                    report.stored += 1
                    _keep(out.changes, merge_issue(repo, dataclasses.replace(item.issue, etag=None)))
            if item.pull is not None and number in wanted.pulls:
                report.stored += number not in wanted.issues
                _keep(out.changes, merge_pull(repo, item.pull))
        report.missing = len(wanted.issues - seen)
        if len(out.changes) > first_change:
            repo.source = f"recorded:{source}"
        times = [item.issue.updated_at for item in found if item.issue.updated_at]
        out.observed[name] = max(times) if times else None
    for rest in by_repo.values():
        out.repos.append(RepoReport(rest[0].repo, Tracked(), listed=len(rest), ignored=len(rest)))


# -- the orchestrator ----------------------------------------------------------------------------------
def _prune(before: UpstreamState, tracked: dict[str, Tracked], options: Options, out: Outcome) -> None:
    known = {name.lower(): name for name in tracked}
    for key in sorted(out.state.repos):
        name = known.get(key.lower())
        if name is not None:
            out.changes.extend(prune(out.state.repos[key], tracked[name].issues, tracked[name].pulls))
        elif options.only is None:  # a repository no analysis names any more
            out.changes.extend(prune(out.state.repos[key], frozenset(), frozenset()))
            del out.state.repos[key]
    for name in list(out.state.repos):  # an entry this sync created but filled with nothing
        repo = out.state.repos[name]
        if name not in before.repos and not repo.issues and not repo.pulls and repo.watermark is None:
            del out.state.repos[name]


def run_sync(
    config: Config,
    tracked: dict[str, Tracked],
    options: Options,
    *,
    client: GitHubClient | None = None,
    recorded: tuple[Sequence[RecordedItem], str] | None = None,
    progress: Progress | None = None,
) -> Outcome:
    """Lock, load the state, fetch (with `client`) or merge a recorded listing, prune, stamp, save.

    Raises `SyncLockedError` when another sync runs and `StateUnreadableError` when the state file is broken; a
    GitHub failure ends the fetch early and is returned in `Outcome.stopped`, with what came before it.
    """
    scope = {n: t for n, t in tracked.items() if options.only is None or n.lower() in options.only}
    locked = contextlib.nullcontext() if options.dry_run else state_lock(config.state_file)
    with locked:
        before, diags = load_state(config.state_file, config.rel(config.state_file))
        if diags:
            raise StateUnreadableError(diags)
        out = Outcome(copy.deepcopy(before))
        if recorded is not None:
            _merge_recorded(recorded[0], recorded[1], scope, out)
        elif client is not None:
            _fetch_live(client, scope, options, out, progress or (lambda _repo, _done, _total: None))
        if options.prune:
            _prune(before, scope, options, out)
        stamp_synced_at(before, out.state, out.observed)
        out.changed = dump_state(out.state) != dump_state(before)
        if out.changed and not options.dry_run:
            out.wrote = save_state(config.state_file, out.state)
    return out
