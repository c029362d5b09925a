"""Helpers for the sync tests: analyses that track given issues, and `issuekb sync` run in-process."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from click.testing import CliRunner, Result

from issuekb.cli import cli

__all__ = ["invoke", "track"]


def track(root: Path, issues: Iterable[int], *, repo: str | None = None, pulls: Iterable[int] = ()) -> None:
    """Write analyses that name `issues` (100 per analysis: its own issue, the rest as `related`) and one
    analysis per pull request in `pulls` (as its `upstream_pr`)."""
    numbers = sorted(issues)
    pull_list = sorted(pulls)
    prefix = f"{repo}#" if repo else ""
    chunks = [numbers[i : i + 100] for i in range(0, len(numbers), 100)]
    for index, chunk in enumerate(chunks):
        lines = [f"issue: {chunk[0]}", f"title: Analysis of {chunk[0]}", "status: investigating"]
        if repo:
            lines.append(f"repo: {repo}")
        if chunk[1:]:
            lines.append("related: [" + ", ".join(f'"{prefix}{n}"' for n in chunk[1:]) + "]")
        if index < len(pull_list):
            lines.append(f'upstream_pr: "{prefix}{pull_list[index]}"')
        slug = (repo or "main").replace("/", "-").lower()
        folder = root / "analyses" / f"{chunk[0]:04d}-{slug}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "analysis.md").write_text(
            "---\n" + "\n".join(lines) + "\n---\n# Analysis\n", encoding="utf-8"
        )


def invoke(root: Path, url: str | None, *args: str, env: Mapping[str, str | None] | None = None) -> Result:
    """`issuekb sync --root ROOT ARGS` against `url`, with no token and no `gh` unless `env` says so."""
    empty = root / ".no-gh"
    empty.mkdir(exist_ok=True)
    environment: dict[str, str | None] = {
        "GITHUB_API_URL": url,
        "GH_TOKEN": None,
        "GITHUB_TOKEN": None,
        "PATH": str(empty),
    }
    environment.update(env or {})
    return CliRunner().invoke(
        cli, ["sync", "--root", str(root), "--retry-delay", "0", *args], env=environment
    )
