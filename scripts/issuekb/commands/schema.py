"""`issuekb schema`: the front matter of analysis.md as JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import click

from issuekb.commands._common import CouldNotRun

__all__ = ["command"]


@click.command("schema")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the schema to this file (only when it changed) instead of standard output.",
)
@click.option(
    "--check", is_flag=True, help="With --output: exit 1 when the file is not current; write nothing."
)
def command(output: Path | None, check: bool) -> None:
    """Print the JSON Schema of an analysis's front matter (for editors' completion and checks).

    The repository keeps a copy in docs/schema/analysis.schema.json, published with the site.
    """
    from issuekb.core.schema import json_schema
    from issuekb.writes import write_if_changed

    text = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        if check:
            raise click.UsageError("--check needs --output FILE")
        click.echo(text, nl=False)
        return
    if check:
        try:
            current = output.read_text(encoding="utf-8") == text
        except (OSError, UnicodeDecodeError):
            current = False
        if not current:
            click.echo(f"{output} is not current; run: issuekb schema -o {output}", err=True)
            raise SystemExit(1)
        return
    try:
        write_if_changed(output, text)
    except OSError as exc:
        raise CouldNotRun(f"cannot write {output}: {exc.strerror or exc}") from exc
