"""`issuekb check`: validate every analysis and the knowledge base as a whole."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import click

from issuekb.commands._common import config_option, get_config

__all__ = ["command"]


@click.command("check")
@config_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text for people, json for tools, github for workflow annotations.",
)
@click.option(
    "--git",
    "git_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="A local clone of the fork: check that every commit SHA exists there (overrides the configuration).",
)
@click.option("--strict", is_flag=True, help="Warnings count as errors for the exit code.")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Check dates against this day instead of the real one (YYYY-MM-DD; for reproducible output).",
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def command(
    root: Path | None,
    fmt: str,
    git_dir: Path | None,
    strict: bool,
    today: dt.datetime | None,
    paths: tuple[Path, ...],
) -> None:
    """Validate every analysis and the knowledge base as a whole.

    Prints every problem of every file (path:line:col: severity[code] message, with a help line) and
    exits 0 when there is no error, 1 when there are errors, 2 when the check could not run.

    With PATHS (files or folders, e.g. from a pre-commit hook), the whole knowledge base is still checked,
    since rules span files, but only the problems inside PATHS are reported; a path outside the analyses
    folder (such as mkdocs.yml) reports everything.
    """
    from issuekb.diagnostics import Severity, exit_code, format_diagnostics
    from issuekb.pipeline import check_kb

    config = get_config(root)
    if git_dir is not None:
        config = dataclasses.replace(config, git=git_dir.resolve())
    analyses, diags = check_kb(config, today=today.date() if today else None, paths=paths)
    out = format_diagnostics(diags, fmt)
    if out:
        click.echo(out, nl=False)
    elif fmt == "text":
        click.echo(f"{analyses} analyses checked: no problems found.")
    code = exit_code(diags)
    if strict and any(d.severity is Severity.WARNING for d in diags):
        code = 1
    raise SystemExit(code)
