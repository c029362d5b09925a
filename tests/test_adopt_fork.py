"""Adopting issuekb in an existing fork: `init` beside the fork's own files, `import` of its hand-kept
folder, `check` and a strict site build; the fork's files keep their bytes, the workflows sit at the git
root (running in the knowledge base's folder when that is a subfolder)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from conftest import REPO_ROOT, TODAY
from gitfixture import git
from issuekb.cli import cli

FORK = REPO_ROOT / "tests" / "fixtures" / "fork"
LEGACY = REPO_ROOT / "tests" / "fixtures" / "legacy-kb"
GIT_SOURCE = "git+https://github.com/acme-tools/issuekb@v0.1.0"
UPSTREAM = ("--upstream", "acme-labs/widgetd", "--fork", "acme-labs-fork/widgetd")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts[:1]
    }


@pytest.fixture
def fork(tmp_path: Path) -> Path:
    root = tmp_path / "widgetd"
    shutil.copytree(FORK, root)
    shutil.copytree(LEGACY, root / ".github" / "issue-analysis")
    git(root, "init", "-q")
    return root


def test_fixture_is_a_fork_with_its_own_files(fork: Path) -> None:
    names = set(files(fork))
    assert {"Makefile", "README.md", ".gitignore", ".github/workflows/build.yml"} <= names
    assert any(name.startswith(".github/issue-analysis/resolved/") for name in names)


@pytest.mark.site
def test_init_import_check_and_strict_site_in_a_fork(fork: Path) -> None:
    before = files(fork)
    result = run("init", str(fork), *UPSTREAM, "--source", GIT_SOURCE)
    assert result.exit_code == 0, result.output
    after = files(fork)
    assert {name: after[name] for name in before} == before, "the fork's files keep their bytes"
    assert "skipped Makefile: exists; the jobs are in issuekb.mk" in result.output
    assert "skipped .gitignore: exists; left as it is" in result.output
    assert ".gitignore: add these lines:\n    .venv/\n    /site/" in result.output
    assert "make -f issuekb.mk venv && .venv/bin/issuekb import .github/issue-analysis" in result.output
    workflows = {name for name in after if name.startswith(".github/workflows/")}
    assert workflows == {f".github/workflows/{n}.yml" for n in ("build", "ci", "pages", "sync")}
    pages = yaml.safe_load((fork / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    assert [s.get("run") for s in pages["jobs"]["build"]["steps"] if "run" in s] == [
        "make -f issuekb.mk site"
    ]
    assert "defaults" not in pages

    imported = run("import", str(fork / ".github" / "issue-analysis"), "--root", str(fork))
    assert imported.exit_code == 0, imported.output
    assert (fork / "analyses" / "0042-reload-crash" / "analysis.md").is_file()
    checked = run("check", "--root", str(fork), "--today", TODAY.isoformat())
    assert checked.exit_code == 0, checked.output
    assert run("tracking", "--root", str(fork)).exit_code == 0

    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1", "SOURCE_DATE_EPOCH": "1764460800"}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=fork, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert (fork / "site" / "analyses" / "0042-reload-crash" / "index.html").is_file()
    final = files(fork)
    assert {name: final[name] for name in before} == before


def test_init_into_a_subfolder_puts_the_workflows_at_the_git_root(fork: Path) -> None:
    before = files(fork)
    result = run("init", str(fork), *UPSTREAM, "--source", GIT_SOURCE, "--kb-dir", "kb")
    assert result.exit_code == 0, result.output
    after = files(fork)
    assert {name: after[name] for name in before} == before
    assert not (fork / "kb" / ".github").exists()
    assert (fork / "kb" / "mkdocs.yml").is_file() and (fork / "kb" / "Makefile").is_file()
    for name in ("ci", "pages", "sync"):
        flow = yaml.safe_load((fork / ".github" / "workflows" / f"{name}.yml").read_text(encoding="utf-8"))
        assert flow["defaults"] == {"run": {"working-directory": "kb"}}, name
    pages = yaml.safe_load((fork / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    upload = next(s for s in pages["jobs"]["build"]["steps"] if "upload-pages" in s.get("uses", ""))
    assert upload["with"]["path"] == "kb/site"
    hooks = yaml.safe_load((fork / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    entries = [h["entry"] for repo in hooks["repos"] for h in repo["hooks"]]
    assert all("make -s -C kb venv" in e and "kb/.venv/bin/issuekb" in e for e in entries)
    assert "make venv && .venv/bin/issuekb import ../.github/issue-analysis" in result.output
    assert "The workflows in .github/workflows/ run in kb/." in result.output

    imported = run("import", str(fork / ".github" / "issue-analysis"), "--root", str(fork / "kb"))
    assert imported.exit_code == 0, imported.output
    checked = run("check", "--root", str(fork / "kb"), "--today", TODAY.isoformat())
    assert checked.exit_code == 0, checked.output


def test_init_in_a_subfolder_of_a_repository_finds_the_git_root(fork: Path) -> None:
    result = run("init", str(fork / "kb"), *UPSTREAM, "--source", GIT_SOURCE)
    assert result.exit_code == 0, result.output
    assert (fork / ".github" / "workflows" / "ci.yml").is_file()
    assert not (fork / "kb" / ".github").exists()


def test_a_second_init_writes_nothing_and_an_edited_file_stays(fork: Path) -> None:
    assert run("init", str(fork), *UPSTREAM, "--source", GIT_SOURCE).exit_code == 0
    (fork / "docs" / "index.md").write_text("# My home\n", encoding="utf-8")
    snapshot = files(fork)
    again = run("init", str(fork), *UPSTREAM, "--source", GIT_SOURCE)
    assert again.exit_code == 0, again.output
    assert "wrote" not in again.output
    assert "skipped docs/index.md: exists; left as it is" in again.output
    assert files(fork) == snapshot


def test_shared_requirement_files_and_workflows_get_issuekb_names(fork: Path) -> None:
    (fork / "requirements.txt").write_text("numpy\n", encoding="utf-8")
    (fork / ".github" / "workflows" / "ci.yml").write_text("name: fork ci\n", encoding="utf-8")
    (fork / ".pre-commit-config.yaml").write_text("repos: []\n", encoding="utf-8")
    before = files(fork)
    result = run("init", str(fork), *UPSTREAM, "--source", GIT_SOURCE)
    assert result.exit_code == 0, result.output
    after = files(fork)
    assert {name: after[name] for name in before} == before
    assert f"issuekb @ {GIT_SOURCE}" in (fork / "issuekb-requirements.txt").read_text(encoding="utf-8")
    assert (fork / "constraints.txt").is_file(), "a name that is free keeps its usual name"
    mk = (fork / "issuekb.mk").read_text(encoding="utf-8")
    assert "-c constraints.txt -r issuekb-requirements.txt" in mk
    assert "$(STAMP): issuekb-requirements.txt constraints.txt" in mk
    assert (fork / ".github" / "workflows" / "issuekb-ci.yml").is_file()
    assert ".pre-commit-config.yaml: add these entries under `repos:`:" in result.output
    assert "      - repo: local" in result.output


def test_a_foreign_mkdocs_yml_is_kept_with_advice(fork: Path) -> None:
    (fork / "mkdocs.yml").write_text("site_name: widgetd manual\n", encoding="utf-8")
    result = run("init", str(fork), *UPSTREAM, "--source", GIT_SOURCE)
    assert result.exit_code == 0, result.output
    assert (fork / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: widgetd manual\n"
    assert "--kb-dir" in result.output


@pytest.mark.parametrize("kb_dir", ["/abs", "../out", "a/../b", "with space", ""])
def test_bad_kb_dir_is_refused(fork: Path, kb_dir: str) -> None:
    before = files(fork)
    result = run("init", str(fork), *UPSTREAM, "--source", GIT_SOURCE, "--kb-dir", kb_dir)
    assert result.exit_code == 2
    assert "--kb-dir" in result.output and "Nothing was written." in result.output
    assert files(fork) == before


def test_a_folder_with_status_lines_is_named_for_import(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(LEGACY, root / "notes" / "issues")
    git(root, "init", "-q")
    result = run("init", str(root), *UPSTREAM, "--source", GIT_SOURCE)
    assert result.exit_code == 0, result.output
    assert ".venv/bin/issuekb import notes/issues" in result.output
    plain = tmp_path / "plain"
    assert run("init", str(plain), *UPSTREAM, "--source", GIT_SOURCE).exit_code == 0
    assert "import" not in run("init", str(plain), *UPSTREAM, "--source", GIT_SOURCE).output


def test_a_kb_dir_that_links_out_of_the_repository_is_refused(fork: Path, tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (fork / "out").symlink_to(tmp_path / "elsewhere")
    result = run("init", str(fork), *UPSTREAM, "--source", GIT_SOURCE, "--kb-dir", "out")
    assert result.exit_code == 2
    assert "--kb-dir: out leads out of the repository" in result.output
    assert list((tmp_path / "elsewhere").iterdir()) == []
