"""`issuekb tracking`: regenerate TRACKING.md, or (`--check`) tell whether the committed one is stale."""

from __future__ import annotations

from pathlib import Path

import click

from issuekb.commands._common import CouldNotRun, config_option, get_config

__all__ = ["command"]


@click.command("tracking")
@config_option
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 and print a diff when the file on disk differs from what would be written.",
)
def command(root: Path | None, check: bool) -> None:
    """Regenerate TRACKING.md from the analyses and the upstream state file.

    The file is written at the configured `tracking_file` (TRACKING.md at the root by default), atomically,
    and only when its bytes change (an unchanged file keeps its modification time). A knowledge base with
    errors still renders: the errors are printed to standard error. Exits 0 when the file was written or
    is current, 1 with --check when it is stale, 2 when it could not run (no configuration, no analyses
    folder, an unreadable state file or TRACKING.md).
    """
    from issuekb.diagnostics import format_diagnostics
    from issuekb.render.tracking_file import update_tracking

    run = update_tracking(get_config(root), check=check)
    if run.fatal:
        click.echo(format_diagnostics(run.fatal), err=True, nl=False)
        raise CouldNotRun(f"{run.name} was not rendered: fix the problem above first")
    if run.errors:
        click.echo(format_diagnostics(run.errors), err=True, nl=False)
        click.echo(
            f"warning: {run.name} is rendered from a knowledge base with {len(run.errors)} error(s) (above); "
            "`issuekb check` lists every problem.",
            err=True,
        )
    if run.problem is not None:
        raise CouldNotRun(run.problem)
    if run.diff:
        click.echo(run.diff, nl=False)
        click.echo(
            f"{run.name} is stale: run `make tracking` (or `issuekb tracking`) and commit it.", err=True
        )
        raise SystemExit(1)
    click.echo(f"Wrote {run.name}." if run.wrote else f"{run.name} is up to date.")
