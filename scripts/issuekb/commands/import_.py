"""`issuekb import SRC`: turn a hand-kept folder of analyses into this knowledge base's layout."""

from __future__ import annotations

from pathlib import Path

import click

from issuekb.commands._common import CouldNotRun, config_option, get_config

__all__ = ["command"]


def _repo(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from issuekb.config import REPO_RE

    if value is not None and not REPO_RE.match(value):
        raise click.BadParameter(f"must be 'owner/name', got {value!r}")
    return value


@click.command("import")
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@config_option
@click.option(
    "--repo",
    default=None,
    callback=_repo,
    help="owner/name of the upstream, used when the legacy files name no repository (default: the configured upstream).",
)
@click.option("--dry-run", is_flag=True, help="Write nothing into the knowledge base; print the report.")
@click.option("--force", is_flag=True, help="Overwrite existing analyses of the same issues.")
@click.option(
    "--report",
    "report_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also save the report to this file (even with --dry-run).",
)
@click.option(
    "--prefer",
    type=click.Choice(["folder", "tracking", "header"]),
    default="folder",
    show_default=True,
    help="Which source of the status is believed first: the status folder, the TRACKING.md row, or the "
    "analysis's own status lines (see docs/import.md).",
)
@click.option(
    "--git",
    "clone",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="A clone of the fork: every commit is looked up there, and its message weighs as evidence.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
    help="markdown for people, json for tools.",
)
def command(
    src: Path,
    root: Path | None,
    repo: str | None,
    dry_run: bool,
    force: bool,
    report_file: Path | None,
    prefer: str,
    clone: Path | None,
    fmt: str,
) -> None:
    """Import the hand-kept analysis folders under SRC into the knowledge base.

    Every <number>-<slug>/ folder with an analysis.md (at any depth; open/, resolved/, archived/ are
    read as hints) becomes analyses/<NNNN>-<slug>/ with front matter built from its bold field lines,
    its companions (summary.md, implementation.md, testing.md) and the legacy TRACKING.md. Conflicting
    sources are resolved by the order in docs/import.md (--prefer changes the status's) and listed in
    the report, first the decisions to review, then the findings of `issuekb check` on the result. SRC is never modified. Exit codes: 0 imported and clean, 1 imported
    with errors found (or files that could not be read), 2 nothing done (bad input, or an analysis
    exists and --force was not given).
    """
    from issuekb.diagnostics import exit_code
    from issuekb.importer import ImportRefusedError, ReportInput, render_json, render_markdown, run_import
    from issuekb.writes import write_if_changed

    config = get_config(root)
    try:
        plan, findings = run_import(
            src,
            config,
            repo=repo,
            prefer=prefer,
            git=clone,
            dry_run=dry_run,
            force=force,
            report_file=report_file,
        )
    except ImportRefusedError as exc:
        raise CouldNotRun(str(exc)) from exc
    report = ReportInput(
        plan,
        findings,
        upstream=config.upstream,
        analyses_dir=config.rel(config.analyses_dir),
        dry_run=dry_run,
    )
    text = render_json(report) if fmt == "json" else render_markdown(report)
    click.echo(text, nl=False)
    if report_file is not None:
        try:
            write_if_changed(report_file, text)
        except OSError as exc:
            raise CouldNotRun(f"cannot write the report {report_file}: {exc.strerror or exc}") from exc
    raise SystemExit(max(exit_code(findings), exit_code(plan.errors)))
