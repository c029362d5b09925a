"""`issuekb init`: scaffold a knowledge base (site, templates, Makefile, workflows) into a repository."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from issuekb.commands._common import CouldNotRun

if TYPE_CHECKING:
    from issuekb.adopt import Layout, Plan
    from issuekb.init import Settings

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
@click.option(
    "--kb-dir",
    default=".",
    show_default=True,
    metavar="DIR",
    help="Folder of PATH for mkdocs.yml, analyses/ and the rest of the knowledge base; the workflows go "
    "to the git root's .github/workflows/ and run there.",
)
def command(
    path: Path,
    upstream: str,
    fork: str,
    kb_repo: str | None,
    site_name: str | None,
    site_url: str | None,
    source: str | None,
    kb_dir: str,
) -> None:
    """Scaffold a knowledge base into the repository at PATH (default: the current folder; created when
    missing), or into its folder --kb-dir.

    Writes mkdocs.yml (the issuekb plugin entry and the Material settings), docs/index.md, analyses/,
    templates/, overrides/, a Makefile, .gitignore, TRACKING.md, and requirements.txt with
    constraints.txt, from which `make` installs issuekb into .venv; at the git root,
    .github/workflows/ (ci, pages, sync) and .pre-commit-config.yaml. The result passes `issuekb
    check` and `issuekb tracking --check`.

    Never overwrites a file. What exists is skipped; a Makefile of yours keeps its place and the jobs go
    into issuekb.mk (`make -f issuekb.mk site`); requirements.txt, constraints.txt and workflows of
    the same name get issuekb-prefixed names; for .gitignore and .pre-commit-config.yaml the lines to
    add are printed. Ends with what was written and skipped, and the next commands (an import, when a
    hand-kept folder of analyses is found).

    Refuses, writing nothing (exit 2), when a repository name is not owner/name, --kb-dir is not a
    folder inside the repository, the source cannot be used, or a file stands where a folder must go.
    """
    from issuekb.adopt import Layout, find_git_root, plan_adoption
    from issuekb.init import (
        KEEP_FILE,
        Settings,
        blocked,
        check_kb_dir,
        default_site_name,
        default_site_url,
        render_jobs,
        render_scaffold,
        settings_problems,
    )
    from issuekb.install_spec import SourceError, default_requirement, dependency_pins, requirement_for
    from issuekb.writes import write_if_changed

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
    if (kb_problem := check_kb_dir(kb_dir)) is not None:
        problems.append(kb_problem)
    if problems:
        raise CouldNotRun("\n".join(problems) + "\nNothing was written.")

    repo = path.resolve()
    git_root = find_git_root(repo) or repo
    kb = (repo / kb_dir).resolve() if kb_dir != "." else repo
    if not kb.is_relative_to(git_root):
        raise CouldNotRun(f"--kb-dir: {kb_dir} leads out of the repository {git_root}\nNothing was written.")
    layout = Layout(git_root, kb)
    try:
        files = render_scaffold(layout.kb, settings)
    except OSError as exc:
        raise CouldNotRun(f"this installation of issuekb lacks its scaffold files: {exc}") from exc
    if _has_entries(layout.kb / "analyses"):
        del files[KEEP_FILE]
    plan = plan_adoption(layout, files, lambda names, make: render_jobs(files, layout.kb_rel, names, make))
    refused = blocked(git_root, list(plan.writes))
    if refused:
        raise CouldNotRun("\n".join(refused) + "\nNothing was written.")

    click.echo(f"Repository: {git_root}")
    written: list[str] = []
    for rel, text in plan.writes.items():
        try:
            write_if_changed(git_root / rel, text)
        except OSError as exc:
            done = f" Written before: {', '.join(written)}." if written else " Nothing was written."
            raise CouldNotRun(f"cannot write {rel}: {exc.strerror or exc}.{done}") from exc
        click.echo(f"  wrote   {rel}")
        written.append(rel)
    for rel, why in plan.skipped:
        click.echo(f"  skipped {rel}: {why}")
    _summary(layout, plan, settings)


def _has_entries(folder: Path) -> bool:
    try:
        return folder.is_dir() and any(folder.iterdir())
    except OSError:
        return False


def _summary(layout: Layout, plan: Plan, settings: Settings) -> None:
    """What was done, what to add by hand, and the next commands."""
    from issuekb.adopt import find_hand_kept
    from issuekb.install_spec import PACKAGE

    kb = "the repository's root" if layout.kb_rel == "." else f"{layout.kb_rel}/"
    click.echo(f"Knowledge base for {settings.upstream} (fork {settings.fork}) in {kb}.")
    if layout.kb_rel != ".":
        click.echo(f"The workflows in .github/workflows/ run in {layout.kb_rel}/.")
    click.echo(f"`{plan.make} venv` installs issuekb from: {settings.requirement}")
    if settings.requirement.startswith(f"{PACKAGE}=="):
        click.echo(
            f"warning: issuekb is not on PyPI; name a git URL of issuekb "
            f"({PACKAGE} @ git+https://github.com/OWNER/REPO@TAG) in the requirements file before you push.",
            err=True,
        )
    elif "file:" in settings.requirement:
        click.echo(
            "warning: that is on this machine; GitHub Actions cannot install from it. Put a git URL "
            "(issuekb @ git+https://github.com/OWNER/REPO@TAG) in the requirements file before you push.",
            err=True,
        )
    if plan.advice:
        click.echo("To do by hand:")
        for advice in plan.advice:
            click.echo(f"  {advice}")
    where = "" if layout.kb_rel == "." else f" (in {kb})"
    click.echo(f"Next{where}:")
    hand_kept = find_hand_kept(layout.git_root, layout.kb / "analyses")
    if hand_kept is not None:
        source = os.path.relpath(layout.git_root / hand_kept, layout.kb)
        click.echo(
            f"  {plan.make} venv && .venv/bin/issuekb import {source}   # the hand-kept analyses found there"
        )
    click.echo(f"  {plan.make} check")
    click.echo(f"  {plan.make} new ISSUE=1234")
    click.echo(f"  {plan.make} site")
    click.echo("Publishing: docs/own-fork.md of issuekb.")
