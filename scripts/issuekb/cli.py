"""The command line: a click group whose commands live in `issuekb.commands.*`.

Each command's docstring is its help. Exit codes: 0 clean, 1 problems found, 2 could not run.
"""

from __future__ import annotations

import importlib

import click

__all__ = ["cli", "main"]

#: command name -> module under issuekb.commands that defines a click command called `command`
COMMANDS = {
    "check": "check",
    "import": "import_",
    "init": "init",
    "new": "new",
    "pages": "pages",
    "rename": "rename",
    "schema": "schema",
    "status": "status",
    "sync": "sync",
    "tracking": "tracking",
}


class _LazyGroup(click.Group):
    """Imports a command's module only when that command runs (keeps `--help` and startup fast)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if module is None:
            return None
        command = importlib.import_module(f"issuekb.commands.{module}").command
        assert isinstance(command, click.Command)
        return command


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="issuekb")
def cli() -> None:
    """issuekb: check, cross-link, sync and publish a knowledge base of upstream issue analyses."""


def main() -> None:
    cli(prog_name="issuekb")
