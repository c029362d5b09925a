"""`issuekb status`: move an analysis through its lifecycle with a targeted edit of its front matter."""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from issuekb.commands._common import CouldNotRun, config_option, get_config
from issuekb.commands._issue import IssueCommand
from issuekb.core.schema import Resolution, Status

if TYPE_CHECKING:
    from issuekb.config import Config
    from issuekb.core.refs import IssueRef

if TYPE_CHECKING:
    from issuekb.config import Config
    from issuekb.core.refs import IssueRef

__all__ = ["command"]


@click.command("status", cls=IssueCommand)
@click.argument("issue", metavar="ISSUE")
@click.argument(
    "new_status", metavar="[STATUS]", required=False, type=click.Choice([s.value for s in Status])
)
@config_option
@click.option(
    "--repo", default=None, help="Upstream repository owner/name (default: the configured upstream)."
)
@click.option(
    "--resolution", type=click.Choice([r.value for r in Resolution]), default=None, help="How it ended."
)
@click.option(
    "--duplicate-of",
    "duplicate_of",
    default=None,
    metavar="ISSUE",
    help="The canonical issue (1143 or owner/name#1143); implies --resolution duplicate.",
)
@click.option("--commit", "commits", multiple=True, metavar="SHA", help="Add a fork commit (repeatable).")
@click.option(
    "--pr", "prs", multiple=True, type=click.IntRange(min=1), metavar="N", help="Add a fork PR (repeatable)."
)
@click.option(
    "--resolved-on",
    "resolved_on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Date it was resolved here (default when moving to resolved: today).",
)
@click.option("--dry-run", is_flag=True, help="Show the change and write nothing.")
@click.option(
    "--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Date to use as today."
)
def command(
    issue: str,
    new_status: str | None,
    root: Path | None,
    repo: str | None,
    resolution: str | None,
    duplicate_of: str | None,
    commits: tuple[str, ...],
    prs: tuple[int, ...],
    resolved_on: dt.datetime | None,
    dry_run: bool,
    today: dt.datetime | None,
) -> None:
    """Show or change the status of the analysis of upstream issue ISSUE.

    \b
    issuekb status 1234                      show where it stands
    issuekb status 1234 in-progress
    issuekb status 1234 resolved --resolution fixed --commit abc1234 --pr 9
    issuekb status 1159 resolved --duplicate-of 1143

    Only the lines that must change are edited (a value keeps its quoting and comment, a list its
    style, a missing key goes next to its neighbours); every other byte stays. An empty reporter or
    reported is filled from the upstream state file when the issue was synced. The change is printed as
    a diff. Nothing is written when the result would not pass `issuekb check` (exit 1) or with --dry-run.
    """
    from issuekb.authoring.frontmatter_edit import EditError

    config = get_config(root)
    day = today.date() if today else dt.date.today()
    ref, path, data, meta = _analysis(config, issue, repo)
    rel = config.rel(path)

    changes = (new_status, resolution, duplicate_of, commits, prs, resolved_on)
    if not any(changes):
        click.echo(_describe(rel, meta))
        return

    try:
        new = _edit(
            data, meta, new_status, resolution, duplicate_of, commits, prs, resolved_on, ref.repo, day
        )
        new = _fill_from_state(config, ref, meta, new)
    except EditError as exc:
        raise CouldNotRun(f"{rel}:{exc.line}: {exc.message}; edit it by hand") from exc
    if new == data:
        click.echo(f"{rel}: nothing to change.")
        return
    click.echo(_diff(rel, data, new), nl=False)
    _write_checked(config, path, new, day, dry_run=dry_run)


def _write_checked(config: Config, path: Path, new: bytes, day: dt.date, *, dry_run: bool) -> None:
    """Write the edited analysis unless `dry_run`; exits 1, writing nothing, when it would not pass
    `issuekb check`."""
    from issuekb.authoring.onefile import check_text
    from issuekb.diagnostics import Severity, format_diagnostics
    from issuekb.writes import write_if_changed

    rel = config.rel(path)
    errors = [d for d in check_text(config, path, new, today=day) if d.severity is Severity.ERROR]
    if errors:
        click.echo(format_diagnostics(errors), nl=False, err=True)
        click.echo(
            f"Not written: the result would not pass `issuekb check` (above). {rel} is unchanged.", err=True
        )
        raise SystemExit(1)
    if dry_run:
        click.echo(f"Dry run: {rel} not written.")
        return
    try:
        write_if_changed(path, new)
    except OSError as exc:
        raise CouldNotRun(f"cannot write {rel}: {exc.strerror or exc}") from exc
    click.echo(f"Updated {rel}.")


def _analysis(config: Config, issue: str, repo: str | None) -> tuple[IssueRef, Path, bytes, dict[str, Any]]:
    """The analysis of ISSUE: its reference, file, bytes and front matter; refuses (`CouldNotRun`) when
    there is none, more than one, or its front matter cannot be read."""
    from issuekb.authoring.new import parse_issue
    from issuekb.authoring.onefile import find_analyses
    from issuekb.core.document import parse_document
    from issuekb.diagnostics import format_diagnostics

    try:
        ref = parse_issue(issue, repo, config.upstream)
    except ValueError as exc:
        raise CouldNotRun(str(exc)) from exc
    paths = find_analyses(config, ref)
    if not paths:
        raise CouldNotRun(
            f"{ref} has no analysis under {config.rel(config.analyses_dir)}; "
            f"start one with `issuekb new {issue}`"
        )
    if len(paths) > 1:
        raise CouldNotRun(
            f"{ref} has more than one analysis: {', '.join(config.rel(p) for p in paths)}; merge them first"
        )
    path = paths[0]
    rel = config.rel(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CouldNotRun(f"cannot read {rel}: {exc.strerror or exc}") from exc
    doc, diags = parse_document(data, path, rel)
    if doc.meta is None:
        click.echo(format_diagnostics(diags), nl=False, err=True)
        raise CouldNotRun(f"{rel}: the front matter cannot be read (above); fix it by hand first")
    return ref, path, data, doc.meta


def _edit(
    data: bytes,
    meta: dict[str, Any],
    new_status: str | None,
    resolution: str | None,
    duplicate_of: str | None,
    commits: tuple[str, ...],
    prs: tuple[int, ...],
    resolved_on: dt.datetime | None,
    repo: str,
    day: dt.date,
) -> bytes:
    """The file's bytes with the requested changes; raises EditError where a line cannot be edited."""
    from issuekb.authoring.frontmatter_edit import FrontMatterEditor

    editor = FrontMatterEditor.from_bytes(data)
    if new_status is not None:
        editor.set("status", new_status)
    if duplicate_of is not None:
        editor.set("duplicate_of", _duplicate_value(duplicate_of, repo))
        resolution = resolution or Resolution.DUPLICATE.value
    if resolution is not None:
        editor.set("resolution", resolution)
    editor.append("commits", [c for c in dict.fromkeys(commits) if c not in _as_list(meta.get("commits"))])
    editor.append("prs", [p for p in dict.fromkeys(prs) if p not in _as_list(meta.get("prs"))])
    if resolved_on is not None:
        editor.set("resolved_on", resolved_on.date())
    elif (
        new_status == Status.RESOLVED and meta.get("status") != Status.RESOLVED and "resolved_on" not in meta
    ):
        editor.set("resolved_on", day)
    return editor.to_bytes()


def _fill_from_state(config: Config, ref: IssueRef, meta: dict[str, Any], data: bytes) -> bytes:
    """`data` with an empty `reporter` or `reported` filled from the upstream state file (after a
    sync); unchanged when the state file does not know the issue or cannot be read."""
    from issuekb.authoring.frontmatter_edit import FrontMatterEditor
    from issuekb.upstream.facts import missing_facts
    from issuekb.upstream.state import load_state

    state, problems = load_state(config.state_file, config.rel(config.state_file))
    issue = state.issue(ref) if not problems else None
    facts = missing_facts(meta, issue) if issue is not None else {}
    if not facts:
        return data
    editor = FrontMatterEditor.from_bytes(data)
    for key, value in facts.items():
        editor.set(key, value)
    return editor.to_bytes()


def _duplicate_value(text: str, repo: str) -> int | str:
    """--duplicate-of as written in the front matter: a number in the analysis's repository, else
    `owner/name#N`."""
    from issuekb.core.refs import parse_ref

    target = parse_ref(text, repo)
    if target is None:
        raise CouldNotRun(f"--duplicate-of must be an issue number (1143) or owner/name#1143, not {text!r}")
    return target.number if target.repo == repo else str(target)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _diff(rel: str, old: bytes, new: bytes) -> str:
    """A unified diff of the change (line endings not shown)."""
    a = old.decode("utf-8").replace("\r\n", "\n").splitlines(keepends=True)
    b = new.decode("utf-8").replace("\r\n", "\n").splitlines(keepends=True)
    return "".join(difflib.unified_diff(a, b, f"a/{rel}", f"b/{rel}"))


def _describe(rel: str, meta: dict[str, Any]) -> str:
    """Where an analysis stands, from its front matter, one field a line."""
    lines = [rel]
    for key in ("status", "resolution", "duplicate_of", "commits", "prs", "analyzed", "resolved_on"):
        value = meta.get(key)
        if value in (None, []):
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        lines.append(f"  {key}: {value}")
    return "\n".join(lines)
