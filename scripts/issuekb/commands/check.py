"""`issuekb check`: validate every analysis and the knowledge base as a whole."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from issuekb.commands._common import config_option, get_config, no_cache_option

if TYPE_CHECKING:
    from issuekb.config import Config
    from issuekb.diagnostics import Diagnostic

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
@no_cache_option
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def command(
    root: Path | None,
    fmt: str,
    git_dir: Path | None,
    strict: bool,
    today: dt.datetime | None,
    no_cache: bool,
    paths: tuple[Path, ...],
) -> None:
    """Validate every analysis and the knowledge base as a whole.

    Prints every problem of every file (path:line:col: severity[code] message, with a help line) and
    exits 0 when there is no error, 1 when there are errors, 2 when the check could not run.

    With PATHS (files or folders, e.g. from a pre-commit hook), the whole knowledge base is still checked,
    since rules span files, but only the problems inside PATHS are reported; a path outside the analyses
    folder (such as mkdocs.yml) reports everything.
    """
    from issuekb.diagnostics import Severity, exit_code, format_diagnostics, sort_key
    from issuekb.results import kb_results

    config = get_config(root)
    if git_dir is not None:
        config = dataclasses.replace(config, git=git_dir.resolve())
    results = kb_results(config, today=today.date() if today else None, cache=not no_cache, frozen=True)
    diags = sorted([*results.diags, *_upstream_facts(config)], key=sort_key)
    prefixes = [config.rel(path.resolve()) for path in paths]
    analyses = config.rel(config.analyses_dir)
    if prefixes and all(p == analyses or p.startswith(f"{analyses}/") for p in prefixes):
        diags = [d for d in diags if any(d.path == p or d.path.startswith(f"{p}/") for p in prefixes)]
    out = format_diagnostics(diags, fmt)
    if out:
        click.echo(out, nl=False)
    elif fmt == "text":
        click.echo(f"{results.analyses} analyses checked: no problems found.")
    code = exit_code(diags)
    if strict and any(d.severity is Severity.WARNING for d in diags):
        code = 1
    raise SystemExit(code)


def _upstream_facts(config: Config) -> list[Diagnostic]:
    """Warnings where an analysis's reported/reporter disagree with the state file (none before a sync,
    and none when the state file cannot be read: `issuekb tracking` and `sync` report that)."""
    from issuekb.kb import load_kb
    from issuekb.upstream import load_state
    from issuekb.upstream_facts import fact_diagnostics

    if not config.state_file.is_file():
        return []
    state, problems = load_state(config.state_file, config.rel(config.state_file))
    if problems or not state.repos:
        return []
    kb, _diags = load_kb(config, git=False)
    pairs = [(a, issue) for a in kb.analyses if (issue := state.issue(a.ref)) is not None]
    return fact_diagnostics(pairs)
