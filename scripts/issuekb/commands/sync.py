"""`issuekb sync`: pull the upstream state of every tracked issue from GitHub into the state file."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from issuekb.commands._common import CouldNotRun, config_option, get_config
from issuekb.config import REPO_RE

if TYPE_CHECKING:
    from issuekb.config import Config
    from issuekb.upstream.github import RequestStats
    from issuekb.upstream.sync import Options, Outcome, RepoReport, Tracked

__all__ = ["command"]

#: changes listed one per line before the summary cuts the list short (--dry-run lists every one)
SHOWN_CHANGES = 100


class _Bar:
    """One click progress bar per repository, on stderr (used only when stderr is a terminal)."""

    def __init__(self) -> None:
        self.repo = ""
        self._stack = contextlib.ExitStack()
        self._update: Callable[[int], None] | None = None

    def __call__(self, repo: str, done: int, total: int) -> None:
        if repo != self.repo:
            self.close()
            self.repo = repo
            bar = self._stack.enter_context(
                click.progressbar(length=total, label=f"{repo}: checking", file=sys.stderr)
            )
            self._update = bar.update
        if self._update is not None:
            self._update(1)

    def close(self) -> None:
        self._stack.close()
        self._update = None


def _rate(stats: RequestStats) -> str:
    if stats.remaining is None:
        return "rate limit: not reported"
    text = f"rate limit: {stats.remaining}" + (f" of {stats.limit}" if stats.limit else "") + " left"
    if stats.reset is not None:
        text += f", resets {dt.datetime.fromtimestamp(stats.reset, dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}"
    return text


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _repo_line(report: RepoReport, recorded: str | None) -> str:
    tracked = (
        f"{_plural(len(report.tracked.issues), 'issue')} and "
        f"{_plural(len(report.tracked.pulls), 'pull request')} tracked"
    )
    if recorded is not None:
        parts = [
            f"{report.repo}: {_plural(report.listed, 'item')} in {recorded}",
            f"stored {report.stored} (of {tracked})",
            f"skipped {report.ignored} that no analysis names",
        ]
        untouched = [f"{report.missing} tracked issues in no file"]
        if report.older:
            untouched.append(f"{report.older} older than the stored state")
        return "; ".join(parts) + "; left untouched: " + ", ".join(untouched)
    if report.not_modified:
        listing = "not modified (304)"
    else:
        listing = f"{_plural(report.listed, 'item')} in {_plural(report.listings, 'request')}"
    return f"{report.repo}: {tracked}; {report.checked} checked one by one; listing: {listing}"


def _report(outcome: Outcome, dry_run: bool, recorded: str | None) -> None:
    """Per repository one line (not after a stop), then the changes."""
    if outcome.stopped is None:
        for report in outcome.repos:
            click.echo(_repo_line(report, recorded))
            if report.problem:
                click.echo(f"  problem: {report.problem}")
            if report.note:
                click.echo(f"  note: {report.note}")
    limit = len(outcome.changes) if dry_run else SHOWN_CHANGES
    for change in outcome.changes[:limit]:
        click.echo(f"  {change.describe()}")
    if len(outcome.changes) > limit:
        click.echo(f"  ... and {len(outcome.changes) - limit} more (--dry-run lists them all)")


@click.command("sync")
@config_option
@click.option("--repo", "repo", metavar="OWNER/NAME", help="Sync only this upstream repository.")
@click.option(
    "--full", is_flag=True, help="Check every tracked issue one by one (finds transfers and deletions)."
)
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option(
    "--from",
    "from_files",
    type=click.Path(dir_okay=False, path_type=Path),
    multiple=True,
    help="Read a recorded listing (a JSON array of GitHub issue objects) instead of calling GitHub; "
    "repeat to merge several (for one issue the item updated last wins).",
)
@click.option(
    "--timeout",
    type=click.IntRange(1, 600),
    default=30,
    show_default=True,
    help="Seconds one request may take in all (a retry starts the count again).",
)
@click.option("--retry-delay", type=click.FloatRange(0, 60), default=1.0, hidden=True)
def command(
    root: Path | None,
    repo: str | None,
    full: bool,
    dry_run: bool,
    from_files: tuple[Path, ...],
    timeout: int,
    retry_delay: float,
) -> None:
    """Refresh the upstream state of every issue the analyses name into the state file.

    Tracked are each analysis's issue, its duplicate_of and related issues, and its upstream_pr. The
    token comes from GH_TOKEN, GITHUB_TOKEN or `gh auth token`; GITHUB_API_URL names the API. Prints the
    changes, the request count and the remaining rate limit. Exit codes: 0 done, 1 a repository could
    not be synced (the others were), 2 the sync could not run or stopped early (what was fetched before
    the stop is kept).
    """
    from issuekb.diagnostics import Severity, format_diagnostics
    from issuekb.pipeline import run_pipeline
    from issuekb.upstream.sync import Options, StateUnreadableError, tracked_refs
    from issuekb.upstream.syncstate import SyncLockedError

    config = get_config(root)
    results = run_pipeline(config, git=False, upstream=False)
    kb, diags = results.kb, results.diags
    broken = any(d.severity is Severity.ERROR for d in diags)
    if broken:
        click.echo(
            "note: some analyses have errors (see `issuekb check`); no record is dropped this time", err=True
        )
    tracked = tracked_refs(kb.analyses, config.upstream)
    only = _only(repo, tracked)
    if not tracked:
        for from_file in from_files:
            if not from_file.is_file():
                raise CouldNotRun(f"cannot read the recorded listing {from_file}: no such file")
        click.echo("No analysis names an upstream issue: nothing to sync.")
        return
    options = Options(full=full, dry_run=dry_run, only=only, prune=not broken)
    state_rel = config.rel(config.state_file)
    try:
        if from_files:
            outcome, stats = _recorded(config, from_files, repo or config.upstream, tracked, options)
        else:
            outcome, stats = _live(config, tracked, options, timeout, retry_delay)
    except SyncLockedError as exc:
        raise CouldNotRun(str(exc)) from None
    except StateUnreadableError as exc:
        click.echo(format_diagnostics(exc.diagnostics), nl=False, err=True)
        raise CouldNotRun(f"{state_rel} cannot be read; fix it or delete it, then sync again") from None
    except OSError as exc:  # the lock or the state file cannot be written
        raise CouldNotRun(f"cannot write next to {state_rel}: {exc.strerror or exc}") from None

    _report(outcome, dry_run, _names(from_files) if from_files else None)
    _summarise(outcome, stats, dry_run, state_rel)


def _only(repo: str | None, tracked: dict[str, Tracked]) -> frozenset[str] | None:
    """--repo as the set of repositories to sync (None: all); refuses a name no analysis tracks."""
    if repo is None:
        return None
    if not REPO_RE.match(repo):
        raise click.BadParameter(f"{repo!r} is not owner/name", param_hint="--repo")
    if repo.lower() not in {name.lower() for name in tracked}:
        names = ", ".join(tracked) or "none"
        raise CouldNotRun(f"no analysis names an issue of {repo} (tracked repositories: {names})")
    return frozenset({repo.lower()})


def _summarise(outcome: Outcome, stats: RequestStats | None, dry_run: bool, state_rel: str) -> None:
    """The last lines of a sync: the counts, what was written; exits 2 after a stop, 1 when a
    repository failed."""
    if outcome.stopped is not None:
        if outcome.wrote:
            click.echo(
                f"wrote {state_rel}: {_plural(len(outcome.changes), 'change')} fetched before the stop"
            )
        raise CouldNotRun(str(outcome.stopped))
    summary = _plural(len(outcome.changes), "change")
    if stats is not None:
        summary += (
            f"; {_plural(stats.requests, 'request')}, {stats.not_modified} answered 304 Not Modified; "
            + _rate(stats)
        )
    click.echo(summary)
    if dry_run:
        click.echo(
            f"dry run: {state_rel} would {'change' if outcome.changed else 'stay as it is'}; nothing written"
        )
    else:
        click.echo(f"wrote {state_rel}" if outcome.wrote else f"{state_rel} unchanged")
    if any(r.problem for r in outcome.repos):
        raise SystemExit(1)


def _names(paths: tuple[Path, ...]) -> str:
    """The recorded listings' file names, as the summary and the state file's `source` name them."""
    return ", ".join(dict.fromkeys(path.name for path in paths))


def _recorded(
    config: Config, paths: tuple[Path, ...], default_repo: str, tracked: dict[str, Tracked], options: Options
) -> tuple[Outcome, None]:
    """Merge recorded listings: no network, no token; the sync time comes from the data. Items the
    recordings could not find are skipped with a warning; any other bad item stops before writing."""
    from issuekb.diagnostics import Severity, format_diagnostics
    from issuekb.upstream.recorded import merge_recordings, read_recorded
    from issuekb.upstream.sync import run_sync

    recordings = []
    diags = []
    for path in paths:
        items, found = read_recorded(path, config.rel(path), default_repo)
        recordings.append(items)
        diags.extend(found)
    if diags:
        click.echo(format_diagnostics(diags), nl=False, err=True)
    errors = [d for d in diags if d.severity is Severity.ERROR]
    if errors:
        bad = ", ".join(dict.fromkeys(d.path for d in errors))
        raise CouldNotRun(f"{bad}: not a usable recorded listing; nothing was written")
    if len(diags) > len(errors):
        click.echo(f"skipped {_plural(len(diags), 'item')} the recording could not find (warnings above)")
    return run_sync(config, tracked, options, recorded=(merge_recordings(recordings), _names(paths))), None


def _live(
    config: Config, tracked: dict[str, Tracked], options: Options, timeout: int, retry_delay: float
) -> tuple[Outcome, RequestStats]:
    """Ask GitHub (GITHUB_API_URL) with the first token found; say once when there is none."""
    from issuekb.upstream.github import (
        GitHubClient,
        GitHubError,
        api_url,
        find_token,
        public_url,
        quiet_library_logs,
    )
    from issuekb.upstream.sync import run_sync

    quiet_library_logs()
    env = dict(os.environ)
    base = api_url(env)
    if public_url(base) != base:
        click.echo(
            "warning: GITHUB_API_URL holds a user name or password; they are not used and not shown "
            "(give the token in GH_TOKEN or GITHUB_TOKEN)",
            err=True,
        )
    try:
        token = find_token(env, shutil.which("gh", path=env.get("PATH")), base)
    except GitHubError as exc:
        raise CouldNotRun(str(exc)) from None
    if token is None:
        click.echo(
            "note: no GitHub token (GH_TOKEN, GITHUB_TOKEN or `gh auth login`); "
            "anonymous access allows 60 requests an hour",
            err=True,
        )
    bar = _Bar() if sys.stderr.isatty() else None
    try:
        with GitHubClient(base, token, timeout=timeout, retry_delay=retry_delay) as client:
            try:
                outcome = run_sync(config, tracked, options, client=client, progress=bar)
            finally:
                for warning in client.warnings:
                    click.echo(f"warning: {warning}", err=True)
            return outcome, client.stats
    except GitHubError as exc:  # raised by the client's construction (a bad GITHUB_API_URL)
        raise CouldNotRun(str(exc)) from None
    finally:
        if bar is not None:
            bar.close()
