"""`issuekb pages OUT`: write the site's sources into a build folder, for Zensical."""

from __future__ import annotations

from pathlib import Path

import click

from issuekb.commands._common import CouldNotRun, config_option, get_config

__all__ = ["command"]


@click.command("pages")
@config_option
@click.option(
    "--build",
    "build_site",
    is_flag=True,
    help="Then build the site with Zensical into OUT/site (strict: any warning stops it).",
)
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
def command(root: Path | None, build_site: bool, out: Path) -> None:
    """Write the site's sources into the folder OUT, for a site engine that ignores MkDocs plugins.

    OUT gets `docs/` (the hand-written pages with every page, attachment and asset the issuekb plugin
    generates) and a `mkdocs.yml` derived from the repository's, so `zensical build --strict -f
    OUT/mkdocs.yml` (or `--build`) builds the same site into OUT/site. Every diagnostic is printed to
    standard error. Exits 0 when OUT was written (and built), 1 when an analysis has an error (OUT is
    then left as it was) or Zensical found a problem, 2 when it could not run (no configuration, no docs
    folder, OUT is a folder `issuekb pages` did not write, Zensical not installed).
    """
    from issuekb.config import ConfigError
    from issuekb.diagnostics import exit_code, format_diagnostics
    from issuekb.publish.folder import compose_pages

    config = get_config(root)
    try:
        diags = compose_pages(config, out)
    except (ConfigError, OSError) as exc:
        raise CouldNotRun(str(exc)) from exc
    click.echo(format_diagnostics(diags), err=True, nl=False)
    code = exit_code(diags)
    if code:
        click.echo(f"error: {out} was not written: fix the error(s) above", err=True)
        raise SystemExit(code)
    click.echo(f"Wrote the site's sources into {out}.")
    if build_site:
        _build(out)


def _build(out: Path) -> None:
    from issuekb.publish.engine import EngineError, NotInstalledError, build_with_zensical

    try:
        build_with_zensical(out / "mkdocs.yml")
    except NotInstalledError as exc:
        raise CouldNotRun(str(exc)) from exc
    except EngineError as exc:
        click.echo(f"error: {exc} (paths above are relative to {out / 'docs'})", err=True)
        raise SystemExit(1) from exc
