"""The repository's own knowledge base passes `issuekb check` (an empty analyses/ folder passes too)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from conftest import REPO_ROOT, TODAY
from issuekb.cli import cli
from issuekb.config import Config, load_config
from issuekb.diagnostics import Severity, format_diagnostics
from issuekb.pipeline import load_kb


def test_the_real_analyses_have_no_errors() -> None:
    config = load_config(REPO_ROOT)
    kb, diags = load_kb(config, today=TODAY)
    errors = [d for d in diags if d.severity is Severity.ERROR]
    assert errors == [], format_diagnostics(diags)
    folders = [p for p in config.analyses_dir.iterdir() if p.is_dir()] if config.analyses_dir.is_dir() else []
    assert len(kb.analyses) == len([f for f in folders if (f / "analysis.md").is_file()])


def test_check_over_the_repository_exits_0() -> None:
    result = CliRunner().invoke(cli, ["check", "--root", str(REPO_ROOT), "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output


def test_an_empty_analyses_folder_is_clean(kb_config: Config, kb_root: Path) -> None:
    assert not any((kb_root / "analyses").iterdir())
    kb, diags = load_kb(kb_config, today=TODAY)
    assert (kb.analyses, diags) == ([], [])
