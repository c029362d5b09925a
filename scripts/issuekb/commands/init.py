"""`issuekb init`: scaffold a knowledge base (site, templates, Makefile, workflows) into a repository."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from issuekb.commands._common import CouldNotRun

if TYPE_CHECKING:
    from issuekb.init.scaffold import Settings

__all__ = ["command"]


@click.command("init")
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option(
    "--upstream",
    required=True,
    metavar="OWNER/NAME",
    help="The upstream repository whose issues you analyse.",
)
@click.option(
    "--fork", required=True, metavar="OWNER/NAME", help="Your fork: fix commits and pull requests link there."
)
@click.option(
    "--kb-repo",
    metavar="OWNER/NAME",
    default=None,
    help="The GitHub repository the knowledge base lives in (repository and edit links, the Pages "
    "address); default: the fork.",
)
@click.option(
    "--site-name", default=None, help='Title of the site; default: "<upstream name> issue knowledge base".'
)
@click.option(
    "--site-url",
    default=None,
    help="Address of the published site; default: the GitHub Pages address of --kb-repo.",
)
@click.option(
    "--source",
    default=None,
    help="Where the new repository installs issuekb from: a git URL (git+https://github.com/OWNER/REPO@TAG), "
    "a wheel, a local folder, or a requirement line; default: where this issuekb was installed from.",
)
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
def command(
    path: Path,
    upstream: str,
    fork: str,
    kb_repo: str | None,
    site_name: str | None,
    site_url: str | None,
    source: str | None,
    force: bool,
) -> None:
    """Scaffold a knowledge base into PATH (default: the current folder; created when missing).

    Writes mkdocs.yml (the issuekb plugin entry and the Material settings), docs/index.md, analyses/,
    templates/, overrides/, a Makefile, .gitignore, .github/workflows/ (ci, pages, sync),
    .pre-commit-config.yaml, TRACKING.md, and requirements.txt with constraints.txt, from which `make`
    installs issuekb into .venv. The result passes `issuekb check` and `issuekb tracking --check`.

    Refuses, writing nothing (exit 2), when a repository name is not owner/name, the source cannot be
    used, or a file would be overwritten without --force.
    """
    from issuekb.init.install_spec import is_local
    from issuekb.init.scaffold import blocked, render_scaffold
    from issuekb.writes import write_if_changed

    settings = _settings(upstream, fork, kb_repo, site_name, site_url, source)
    requirement = settings.requirement

    root = path.resolve()
    try:
        files = render_scaffold(root, settings)
    except OSError as exc:
        raise CouldNotRun(f"this installation of issuekb lacks its scaffold files: {exc}") from exc
    refused = blocked(root, list(files), force=force)
    if refused:
        hint = "" if force else " (--force overwrites files)"
        raise CouldNotRun("\n".join(refused) + f"\nNothing was written{hint}.")

    written: list[str] = []
    for rel, text in files.items():
        try:
            changed = write_if_changed(root / rel, text)
        except OSError as exc:
            done = f" Written before: {', '.join(written)}." if written else " Nothing was written."
            raise CouldNotRun(f"cannot write {path / rel}: {exc.strerror or exc}.{done}") from exc
        click.echo(f"  {'wrote' if changed else 'same '} {rel}")
        written.append(rel)
    click.echo(f"Knowledge base for {upstream} (fork {fork}) in {path}.")
    click.echo(f"issuekb is installed by `make` from: {requirement} (requirements.txt)")
    if is_local(requirement):
        click.echo(
            "warning: that is a folder on this machine; GitHub Actions cannot install from it. Put a git "
            "URL in requirements.txt (issuekb @ git+https://github.com/OWNER/REPO@TAG) before you push.",
            err=True,
        )
    click.echo("Next: make check, make new ISSUE=1234, make site; publishing: docs/own-fork.md of issuekb.")


def _settings(
    upstream: str,
    fork: str,
    kb_repo: str | None,
    site_name: str | None,
    site_url: str | None,
    source: str | None,
) -> Settings:
    """The scaffold's settings from the options, the defaults filled in; refuses (`CouldNotRun`) with
    every problem at once."""
    from issuekb.init.install_spec import SourceError, default_requirement, dependency_pins, requirement_for
    from issuekb.init.scaffold import Settings, default_site_name, default_site_url, settings_problems

    problems: list[str] = []
    try:
        requirement = requirement_for(source, Path.cwd()) if source is not None else default_requirement()
    except SourceError as exc:
        problems.append(f"--source: {exc}")
        requirement = ""
    kb_repo = kb_repo if kb_repo is not None else fork
    settings = Settings(
        upstream=upstream,
        fork=fork,
        kb_repo=kb_repo,
        site_name=site_name if site_name is not None else default_site_name(upstream),
        site_url=site_url if site_url is not None else default_site_url(kb_repo),
        requirement=requirement,
        pins=tuple(dependency_pins()),
    )
    problems = settings_problems(settings) + problems
    if problems:
        raise CouldNotRun("\n".join(problems) + "\nNothing was written.")
    return settings
