"""`issuekb rename`: give an analysis folder a new slug, fix the links that name it, rebuild TRACKING.md."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from issuekb.commands._common import CouldNotRun, config_option, get_config
from issuekb.commands._issue import IssueCommand

if TYPE_CHECKING:
    from issuekb.config import Config
    from issuekb.core.refs import IssueRef

__all__ = ["command"]


@click.command("rename", cls=IssueCommand)
@click.argument("issue", metavar="ISSUE")
@config_option
@click.option(
    "--repo", default=None, help="Upstream repository owner/name (default: the configured upstream)."
)
@click.option(
    "--slug",
    default=None,
    help="The new slug, lower-case kebab-case (default: from the title in the upstream state file).",
)
@click.option("--dry-run", is_flag=True, help="Say what would change; write nothing.")
def command(issue: str, root: Path | None, repo: str | None, slug: str | None, dry_run: bool) -> None:
    """Rename the folder of the analysis of upstream issue ISSUE to <NNNN>-<slug>.

    The slug is --slug, or made from the issue's title in the upstream state file (after `issuekb
    sync`), as `issuekb new` makes it. Relative Markdown links under the analyses folder and docs/ that
    name the old folder are rewritten; links by issue number (related, duplicate_of, #1234) need
    nothing. TRACKING.md is rebuilt when it exists. The site's page moves with the folder.

    Refuses, changing nothing (exit 2), when the issue has no analysis or several, no slug is given and
    the issue was not synced, the slug is not kebab-case, or the new folder exists.
    """
    from issuekb.authoring.new import check_slug, folder_name, parse_issue, slugify
    from issuekb.authoring.onefile import find_analyses

    config = get_config(root)
    try:
        ref = parse_issue(issue, repo, config.upstream)
    except ValueError as exc:
        raise CouldNotRun(str(exc)) from exc
    paths = find_analyses(config, ref)
    if len(paths) != 1:
        found = ", ".join(config.rel(p) for p in paths) or "none"
        raise CouldNotRun(f"{ref} must have exactly one analysis to rename (found: {found})")
    old = paths[0].parent
    if slug is None:
        slug = slugify(_synced_title(config, ref))
        if not slug:
            raise CouldNotRun(
                f"{ref} has no title in the upstream state file; give --slug, or run `issuekb sync` first"
            )
    elif problem := check_slug(slug):
        raise CouldNotRun(f"--slug: {problem}")
    new = old.with_name(folder_name(ref, slug))
    if new == old:
        click.echo(f"{config.rel(old)} already has that name.")
        return
    if new.exists():
        raise CouldNotRun(f"{config.rel(new)} already exists; choose another --slug")
    edits = _link_edits(config, old.name, new.name)
    click.echo(f"{'Would rename' if dry_run else 'Renamed'} {config.rel(old)} -> {config.rel(new)}")
    for path in edits:
        click.echo(f"  {'would fix' if dry_run else 'fixed'} links in {config.rel(path)}")
    if dry_run:
        return
    _apply(config, old, new, edits)
    _tracking(config)


def _synced_title(config: Config, ref: IssueRef) -> str:
    from issuekb.upstream.state import load_state

    state, _diags = load_state(config.state_file, config.rel(config.state_file))
    synced = state.issue(ref)
    return synced.title if synced is not None else ""


def _markdown_files(config: Config) -> list[Path]:
    """The Markdown files whose links may name an analysis folder: the analyses and docs/."""
    files: list[Path] = []
    for folder in (config.analyses_dir, config.root / "docs"):
        if folder.is_dir():
            files.extend(p for p in sorted(folder.rglob("*.md")) if p.is_file() and not p.is_symlink())
    return files


def _link_edits(config: Config, old: str, new: str) -> dict[Path, str]:
    """File -> its new text, for every Markdown file with a link that names the folder `old`."""
    from issuekb.authoring.rename import relink

    edits: dict[Path, str] = {}
    for path in _markdown_files(config):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # `issuekb check` reports an unreadable analysis; a docs page is the site's
        changed = relink(text, old, new)
        if changed != text:
            edits[path] = changed
    return edits


def _apply(config: Config, old: Path, new: Path, edits: dict[Path, str]) -> None:
    """Move the folder, then write the link fixes (files inside it at their new place)."""
    from issuekb.writes import write_if_changed

    try:
        old.rename(new)
    except OSError as exc:
        raise CouldNotRun(f"cannot rename {config.rel(old)}: {exc.strerror or exc}; nothing changed") from exc
    for path, text in edits.items():
        target = new / path.relative_to(old) if path.is_relative_to(old) else path
        try:
            write_if_changed(target, text)
        except OSError as exc:
            raise CouldNotRun(
                f"renamed, but cannot fix the links in {config.rel(target)}: {exc.strerror or exc}"
            ) from exc


def _tracking(config: Config) -> None:
    """Rebuild TRACKING.md where it exists (as `issuekb tracking` does); say when it cannot."""
    from issuekb.render.tracking_file import update_tracking

    target = config.tracking_file
    if not target.is_file():
        return
    run = update_tracking(config)
    if run.fatal:
        click.echo(f"warning: {config.rel(target)} was not rebuilt; run `issuekb tracking`", err=True)
        return
    if run.problem is not None:
        raise CouldNotRun(run.problem)
    if run.wrote:
        click.echo(f"Updated {config.rel(target)}")
