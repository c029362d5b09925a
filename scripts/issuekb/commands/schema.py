"""`issuekb schema`: the front matter of analysis.md as JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import click

__all__ = ["command"]


@click.command("schema")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the schema to this file instead of standard output.",
)
def command(output: Path | None) -> None:
    """Print the JSON Schema of an analysis's front matter (for editors' YAML completion)."""
    from issuekb.schema import json_schema
    from issuekb.writes import write_if_changed

    text = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        write_if_changed(output, text)
