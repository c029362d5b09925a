"""Shared test helpers: a knowledge base in a temporary folder, built from real files."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from issuekb.config import Config, load_config

REPO_ROOT = Path(__file__).resolve().parent.parent


def run_bench(module: str, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """`python -m <module> ARGS` of the bench package (beside tests/, outside the installed package)."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


#: A fixed "today" so that date rules give the same answers on every day the tests run.
TODAY = dt.date(2026, 11, 22)

MKDOCS_YML = """\
site_name: test knowledge base
plugins:
  - search
  - issuekb:
      upstream: acme/widget
      fork: acme-fork/widget
"""


GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite the expected outputs under tests/golden/ from what the code produces now.",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when the run was asked to rewrite golden files instead of comparing with them."""
    return bool(request.config.getoption("--update-golden"))


def write_file(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def analysis_text(front_matter: str, body: str = "# Analysis\n\nSome text.\n") -> str:
    return f"---\n{front_matter.strip()}\n---\n{body}"


@pytest.fixture
def kb_root(tmp_path: Path) -> Path:
    """An empty knowledge base (mkdocs.yml with upstream acme/widget, fork acme-fork/widget)."""
    write_file(tmp_path / "mkdocs.yml", MKDOCS_YML)
    (tmp_path / "analyses").mkdir()
    return tmp_path


@pytest.fixture
def add_analysis(kb_root: Path) -> Callable[..., Path]:
    """add_analysis("0001-slug", "issue: 1\\n...", body=...) writes analyses/0001-slug/analysis.md."""

    def add(folder: str, front_matter: str, body: str = "# Analysis\n\nSome text.\n") -> Path:
        return write_file(kb_root / "analyses" / folder / "analysis.md", analysis_text(front_matter, body))

    return add


@pytest.fixture
def kb_config(kb_root: Path) -> Config:
    return load_config(kb_root)


#: A modification time well in the past, as a real knowledge base's files have.
LONG_AGO = 1_700_000_000


def age(root: Path) -> None:
    """Give every file and folder under `root` a modification time well in the past."""
    for path in sorted(root.rglob("*"), reverse=True):  # files before their folders
        os.utime(path, (LONG_AGO, LONG_AGO))


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A copy of the golden broken knowledge base (every rule, companions, an undecodable file), aged."""
    root = tmp_path / "kb"
    shutil.copytree(GOLDEN / "broken-kb", root)
    write_file(root / "analyses" / "0043-valid" / "summary.md", "# Summary\n\nSee #31.\n")
    age(root)
    return root
