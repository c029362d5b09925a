"""`issuekb tracking`: regenerate TRACKING.md, or (`--check`) tell whether the committed one is stale."""

from __future__ import annotations

import difflib
from pathlib import Path

import click

from issuekb.commands._common import CouldNotRun, config_option, get_config

__all__ = ["command", "unified_diff"]


def unified_diff(old: str, new: str, name: str) -> str:
    """The change from `old` to `new` as a unified diff (empty when equal)."""
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    lines = difflib.unified_diff(old_lines, new_lines, f"{name} (on disk)", f"{name} (generated)")
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


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
    from issuekb.diagnostics import Severity, format_diagnostics
    from issuekb.pipeline import run_pipeline
    from issuekb.render.links import RepoLinks
    from issuekb.render.tracking import render_tracking
    from issuekb.writes import write_if_changed

    config = get_config(root)
    target = config.tracking_file
    name = config.rel(target)
    results = run_pipeline(config, git=False)
    diags = results.diags
    fatal = [d for d in diags if d.code == "kb-missing"] + list(results.state_diags)
    if fatal:
        click.echo(format_diagnostics(fatal), err=True, nl=False)
        raise CouldNotRun(f"{name} was not rendered: fix the problem above first")
    errors = [d for d in diags if d.severity is Severity.ERROR]
    if errors:
        click.echo(format_diagnostics(errors), err=True, nl=False)
        click.echo(
            f"warning: {name} is rendered from a knowledge base with {len(errors)} error(s) (above); "
            "`issuekb check` lists every problem.",
            err=True,
        )

    text = render_tracking(results.kb, results.graph, results.state, RepoLinks.for_file(config, target))
    rendered = text.encode()
    if check:
        try:
            current = target.read_bytes() if target.exists() else b""
            old = None if current == rendered else current.decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CouldNotRun(f"cannot read {name}: {exc}") from exc
        if old is None:  # the same bytes: nothing to decode
            click.echo(f"{name} is up to date.")
            return
        old, new = old.replace("\r\n", "\n").replace("\r", "\n"), text
        if old == new:  # the same text with universal newlines (a checkout with CRLF line ends)
            click.echo(f"{name} is up to date.")
            return
        click.echo(unified_diff(old, new, name), nl=False)
        click.echo(f"{name} is stale: run `make tracking` (or `issuekb tracking`) and commit it.", err=True)
        raise SystemExit(1)
    try:
        wrote = write_if_changed(target, rendered)
    except OSError as exc:
        raise CouldNotRun(f"cannot write {name}: {exc}") from exc
    click.echo(f"Wrote {name}." if wrote else f"{name} is up to date.")
