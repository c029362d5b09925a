"""`issuekb init`: scaffold a knowledge base (site, templates, Makefile, workflows) into a repository."""

from __future__ import annotations

from pathlib import Path

import click

from issuekb.commands._common import CouldNotRun

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
    from issuekb.init.service import InitError, InitRequest, apply_init, prepare_init, summary_lines

    request = InitRequest(path, upstream, fork, kb_repo, site_name, site_url, source, kb_dir)
    try:
        prepared = prepare_init(request)
        click.echo(f"Repository: {prepared.layout.git_root}")
        written = apply_init(prepared)
    except InitError as exc:
        raise CouldNotRun(str(exc)) from exc
    for rel in written:
        click.echo(f"  wrote   {rel}")
    for rel, why in prepared.plan.skipped:
        click.echo(f"  skipped {rel}: {why}")
    for line, is_warning in summary_lines(prepared):
        click.echo(line, err=is_warning)
