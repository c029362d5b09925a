"""What every command needs: find the configuration, report could-not-run errors with exit code 2."""

from __future__ import annotations

from pathlib import Path

import click

from issuekb.config import Config, ConfigError, load_config

__all__ = ["CouldNotRun", "config_option", "get_config"]


class CouldNotRun(click.ClickException):
    """The command could not run at all (exit code 2): bad configuration, unreadable input, no network."""

    exit_code = 2


def get_config(root: Path | None) -> Config:
    try:
        return load_config(root)
    except ConfigError as exc:
        raise CouldNotRun(str(exc)) from exc


config_option = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of the knowledge base (the one with mkdocs.yml); default: search upwards from here.",
)
