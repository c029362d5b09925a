"""`issuekb new`: start the analysis of an upstream issue from the template."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from issuekb.authoring.new import Prefill
from issuekb.commands._common import CouldNotRun, config_option, get_config
from issuekb.commands._issue import IssueCommand
from issuekb.core.refs import IssueRef

if TYPE_CHECKING:
    from issuekb.config import Config
    from issuekb.upstream.state import IssueState

__all__ = ["command"]


@click.command("new", cls=IssueCommand)
@click.argument("issue", metavar="ISSUE")
@config_option
@click.option(
    "--repo", default=None, help="Upstream repository owner/name (default: the configured upstream)."
)
@click.option("--slug", default=None, help="Folder slug, lower-case kebab-case (default: from the title).")
@click.option("--title", default=None, help="Title to use instead of the upstream one.")
@click.option(
    "--with",
    "companions",
    default="",
    metavar="LIST",
    help="Companion pages to create too, comma-separated: summary,implementation,testing.",
)
@click.option("--edit", is_flag=True, help="Open the new file in $EDITOR (or $VISUAL).")
@click.option("--offline", is_flag=True, help="Do not ask GitHub; use only the upstream state file.")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Date to write as analyzed: (default: today's date).",
)
def command(
    issue: str,
    root: Path | None,
    repo: str | None,
    slug: str | None,
    title: str | None,
    companions: str,
    edit: bool,
    offline: bool,
    today: dt.datetime | None,
) -> None:
    """Create analyses/<NNNN>-<slug>/analysis.md for upstream issue ISSUE from the template.

    ISSUE is a number (1234), or owner/name#1234 for another repository. Title, reporter and reported
    date come from the upstream state file when the issue was synced, else from GitHub (same token and
    API settings as `issuekb sync`), else they are left marked "unknown - fill in"; the folder needs a
    title or --slug for its name. `issuekb rename` renames it later. The new file passes
    `issuekb check`; the template's guidance lines are warnings until you replace them.

    Refuses, writing nothing (exit 2), when the issue already has an analysis, its title is not known
    and neither --title nor --slug is given (offline, not synced), the number is not a positive
    integer, the slug or repository is not a plain name, or the folder cannot be written.
    """
    from issuekb.authoring.new import (
        folder_name,
        slugify,
        write_analysis_folder,
    )

    config = get_config(root)
    day = _day(today)
    ref, extra = _parse(config, issue, repo, slug, title, companions)
    arg = str(ref.number) if ref.repo == config.upstream else str(ref)

    prefill, messages = _prefill(config, ref, offline=offline)
    if title is not None:
        prefill = dataclasses.replace(prefill, title=title.strip())
    if slug is None and not prefill.title:
        for message in messages:
            click.echo(message, err=True)
        raise CouldNotRun(
            f"the title of {ref} is not known, so its folder cannot be named; nothing was written.\n"
            f'Give it: issuekb new {arg} --title "..." (or --slug NAME), or run `issuekb sync` first. '
            f"`issuekb rename {arg}` renames the folder later from the synced title."
        )
    folder = config.analyses_dir / folder_name(ref, slug or slugify(prefill.title or "") or "issue")
    texts = _render(config, ref, prefill, ["analysis.md", *extra], folder, day)
    if folder.exists():
        raise CouldNotRun(f"{config.rel(folder)} already exists; choose another --slug")
    try:
        write_analysis_folder(folder, texts)
    except OSError as exc:
        raise CouldNotRun(f"cannot write {config.rel(folder)}: {exc.strerror or exc}") from exc

    for message in [*messages, *(f"note: {note}" for note in prefill.notes)]:
        click.echo(message, err=True)
    _report(config, folder, list(texts), prefill, arg)
    if edit:
        click.edit(filename=str(folder / "analysis.md"))


def _day(today: dt.datetime | None) -> dt.date:
    """The analysis's date: --today, or the clock's; refuses (`CouldNotRun`) a date after today."""
    day = today.date() if today else dt.date.today()
    if day > dt.date.today():
        raise CouldNotRun(
            f"--today {day.isoformat()} is after today's date ({dt.date.today().isoformat()}): "
            "`issuekb check` refuses an analysis dated in the future; give today's date or an earlier one"
        )
    return day


def _parse(
    config: Config, issue: str, repo: str | None, slug: str | None, title: str | None, companions: str
) -> tuple[IssueRef, list[str]]:
    """The issue and the companion pages asked for; refuses (`CouldNotRun`) a bad option, or an issue
    that already has an analysis."""
    from issuekb.authoring.new import check_slug, parse_companions, parse_issue
    from issuekb.authoring.onefile import find_analyses

    try:
        ref = parse_issue(issue, repo, config.upstream)
        extra = parse_companions(companions)
    except ValueError as exc:
        raise CouldNotRun(str(exc)) from exc
    if slug is not None and (problem := check_slug(slug)):
        raise CouldNotRun(f"--slug: {problem}")
    if title is not None and not title.strip():
        raise CouldNotRun("--title must not be empty")
    existing = find_analyses(config, ref)
    if existing:
        arg = str(ref.number) if ref.repo == config.upstream else str(ref)
        raise CouldNotRun(
            f"{ref} already has an analysis: {config.rel(existing[0])}\n"
            f"Edit that file, or move it along with `issuekb status {arg} ...`."
        )
    return ref, extra


def _render(
    config: Config, ref: IssueRef, prefill: Prefill, names: list[str], folder: Path, day: dt.date
) -> dict[str, str]:
    """The filled templates, by file name; refuses when a template is unreadable or gives an analysis
    that would not pass `issuekb check`."""
    from issuekb.authoring.frontmatter_edit import EditError
    from issuekb.authoring.new import fill_analysis, fill_companion
    from issuekb.authoring.onefile import check_text
    from issuekb.diagnostics import Severity, format_diagnostics

    texts: dict[str, str] = {}
    for name in names:
        source = config.templates_dir / name
        where = config.rel(source)
        try:
            template = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CouldNotRun(f"cannot read the template {where}: {exc}") from exc
        if name != "analysis.md":
            texts[name] = fill_companion(template, ref, prefill, today=day)
            continue
        try:
            texts[name] = fill_analysis(template, ref, prefill, today=day, upstream=config.upstream)
        except EditError as exc:
            raise CouldNotRun(f"{where}:{exc.line}: {exc.message}") from exc
        diags = check_text(config, folder / name, texts[name].encode(), today=day)
        errors = [d for d in diags if d.severity is Severity.ERROR]
        if errors:
            click.echo(format_diagnostics(errors), err=True, nl=False)
            raise CouldNotRun(
                f"the template {where} gives an analysis that does not pass `issuekb check` (above)"
            )
    return texts


def _report(config: Config, folder: Path, names: list[str], prefill: Prefill, arg: str) -> None:
    """The new files, where their facts came from, what is missing, and what to do next."""
    from issuekb.authoring.new import UNKNOWN

    for name in names:
        click.echo(f"Created {config.rel(folder / name)}")
    if prefill.source:
        click.echo(f"Prefilled from {prefill.source}.")
    if prefill.missing:
        click.echo(f"Not known, marked '{UNKNOWN}' in the front matter: {', '.join(prefill.missing)}.")
    click.echo(
        "Next steps:\n"
        f"  1. write each section of {config.rel(folder / 'analysis.md')};\n"
        "     delete the lines marked <!-- template --> as you go\n"
        "  2. make check\n"
        f"  3. issuekb status {arg} in-progress; once fixed: issuekb status {arg} resolved --resolution fixed"
        " --commit SHA --pr N"
    )


def _prefill(config: Config, ref: IssueRef, *, offline: bool) -> tuple[Prefill, list[str]]:
    """What is known about `ref`: from the state file if synced, else from GitHub, else nothing."""
    from issuekb.authoring.new import prefill_from_issue
    from issuekb.diagnostics import format_diagnostics
    from issuekb.pipeline import run_pipeline

    results = run_pipeline(config, git=False)
    state, diags = results.state, results.state_diags
    messages = (
        [f"warning: ignoring the upstream state file:\n{format_diagnostics(diags).rstrip()}"] if diags else []
    )
    synced = state.issue(ref)
    if synced is not None:
        return prefill_from_issue(
            synced, f"the upstream state file ({config.rel(config.state_file)})"
        ), messages
    if offline:
        messages.append(f"{ref} is not in the upstream state file and --offline was given.")
        return Prefill(), messages
    fetched, problem = _fetch(ref)
    if fetched is not None:
        return prefill_from_issue(fetched, "GitHub"), messages
    messages.append(f"{ref} is not in the upstream state file and could not be fetched: {problem}")
    return Prefill(), messages


def _fetch(ref: IssueRef) -> tuple[IssueState | None, str]:
    """Fetch one issue with the sync's GitHub client and settings (token, GITHUB_API_URL); (None, why)
    when that is not possible."""
    import os
    import shutil

    from issuekb.upstream.github import GitHubClient, GitHubError, api_url, find_token

    base = api_url(os.environ)
    try:
        token = find_token(os.environ, shutil.which("gh", path=os.environ.get("PATH")), base)
        with GitHubClient(base, token, timeout=10, retries=1, retry_delay=0.5) as client:
            answer = client.get_issue(ref.repo, ref.number)
    except GitHubError as exc:
        return None, str(exc)
    if answer.record is None:
        return None, f"GitHub answered {answer.status}: no such issue, or it was deleted"
    if answer.kind == "transferred":
        return dataclasses.replace(answer.record, transferred_to=answer.moved_to), ""
    return answer.record, ""
