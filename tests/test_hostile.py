"""Hostile configuration and odd local files: each refused with a message that names it, never a
traceback, never an analysis missing in silence, and nothing written outside the knowledge base."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conftest import MKDOCS_YML, REPO_ROOT, analysis_text, write_file
from issuekb.cli import cli
from issuekb.config import ConfigError, load_config
from issuekb.writes import TMP_SUFFIX, atomic_write, is_stale_tmp, sweep_stale

GOOD = analysis_text("issue: 1\ntitle: Crash on start\nstatus: investigating\nanalyzed: 2026-01-02")


def invoke(root: Path, *args: str) -> Result:
    result = CliRunner().invoke(cli, [*args, "--root", str(root)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def with_option(root: Path, key: str, value: str) -> None:
    write_file(root / "mkdocs.yml", MKDOCS_YML + f"      {key}: {value}\n")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


# -- configured paths ----------------------------------------------------------------------------------
@pytest.mark.parametrize("key", ["analyses_dir", "templates_dir", "state_file", "tracking_file"])
def test_a_configured_path_outside_the_knowledge_base_is_a_configuration_error(
    tmp_path: Path, key: str
) -> None:
    root = tmp_path / "kb"
    write_file(root / "analyses" / "0001-crash" / "analysis.md", GOOD)
    victim = write_file(tmp_path / "outside" / "victim", "precious\n")
    for value in ("../outside/victim", str(victim), "linked/victim"):
        (root / "linked").unlink(missing_ok=True)
        (root / "linked").symlink_to(tmp_path / "outside")
        with_option(root, key, value)
        with pytest.raises(ConfigError, match=f"issuekb option '{key}' .* points outside the knowledge base"):
            load_config(root)
    result = invoke(root, "tracking")
    assert result.exit_code == 2
    assert f"Error: issuekb option '{key}' ('linked/victim') points outside" in result.stderr
    assert victim.read_text(encoding="utf-8") == "precious\n"


def test_configured_paths_inside_the_knowledge_base_and_git_anywhere_are_fine(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    (root / "data").mkdir(parents=True)
    write_file(
        root / "mkdocs.yml",
        MKDOCS_YML + "      analyses_dir: .\n      state_file: data/state.json\n      git: ../elsewhere\n",
    )
    config = load_config(root)
    assert config.analyses_dir == root.resolve()
    assert config.state_file == root.resolve() / "data" / "state.json"
    assert config.git == tmp_path.resolve() / "elsewhere"  # only read, to verify commits
    with_option(root, "tracking_file", ".")
    with pytest.raises(ConfigError, match="'tracking_file'"):
        load_config(root)


def test_a_tracking_file_linked_out_of_the_knowledge_base_is_refused(kb_root: Path, tmp_path: Path) -> None:
    victim = write_file(tmp_path.parent / f"{tmp_path.name}-victim.md", "precious\n")
    (kb_root / "TRACKING.md").symlink_to(victim)
    result = invoke(kb_root, "tracking")
    assert result.exit_code == 2
    assert "issuekb option 'tracking_file' ('TRACKING.md') points outside the knowledge base" in result.stderr
    assert victim.read_text(encoding="utf-8") == "precious\n"
    victim.unlink()


# -- odd files under analyses/ ---------------------------------------------------------------------------
def odd_tree(root: Path) -> None:
    write_file(root / "analyses" / "0001-crash" / "analysis.md", GOOD)
    os.mkfifo(root / "analyses" / "0001-crash" / "summary.md")
    (root / "analyses" / "0001-crash" / "testing.md").symlink_to("nowhere.md")
    (root / "analyses" / "0002-fifo").mkdir()
    os.mkfifo(root / "analyses" / "0002-fifo" / "analysis.md")
    (root / "analyses" / "0003-folder" / "analysis.md").mkdir(parents=True)
    (root / "analyses" / "0004-dangling").mkdir()
    (root / "analyses" / "0004-dangling" / "analysis.md").symlink_to("/nonexistent/analysis.md")
    (root / "analyses" / "0005-loop").symlink_to("0005-loop")
    (root / "analyses" / "0006-gone").symlink_to("nowhere")
    (root / "analyses" / "0001-crash" / "deeper").symlink_to("deeper")  # a loop nobody reads


ODD = [
    ("analyses/0001-crash/summary.md", "summary.md is a named pipe (FIFO), not a regular file"),
    ("analyses/0001-crash/testing.md", "testing.md is a dangling symbolic link (to 'nowhere.md')"),
    ("analyses/0002-fifo/analysis.md", "analysis.md is a named pipe (FIFO), not a regular file"),
    ("analyses/0003-folder/analysis.md", "analysis.md is a folder, not a file"),
    (
        "analyses/0004-dangling/analysis.md",
        "analysis.md is a dangling symbolic link (to '/nonexistent/analysis.md')",
    ),
    ("analyses/0005-loop", "0005-loop is a loop of symbolic links"),
    ("analyses/0006-gone", "0006-gone is a dangling symbolic link (to 'nowhere')"),
]


def test_odd_entries_under_analyses_are_errors_that_name_them(kb_root: Path) -> None:
    odd_tree(kb_root)
    result = invoke(kb_root, "check", "--format", "json")
    assert result.exit_code == 1
    found = {(d["path"], d["message"]) for d in json.loads(result.stdout) if d["severity"] == "error"}
    assert found == set(ODD)
    tracking = invoke(kb_root, "tracking")
    assert tracking.exit_code in (0, 1)
    assert "#1" in (kb_root / "TRACKING.md").read_text(encoding="utf-8")


def test_the_analyses_folder_as_a_file_says_so(kb_root: Path) -> None:
    shutil.rmtree(kb_root / "analyses")
    write_file(kb_root / "analyses", "not a folder\n")
    result = invoke(kb_root, "check")
    assert result.exit_code == 1
    assert "error[kb-missing] The analyses folder analyses is a file, not a folder" in result.stdout
    assert "does not exist" not in result.stdout
    assert "help: Make it a folder, or set analyses_dir" in result.stdout


# -- huge numbers, long names, future dates, control characters ------------------------------------------
def test_huge_integers_in_front_matter_are_field_errors(kb_root: Path) -> None:
    digits = "9" * 5000
    write_file(
        kb_root / "analyses" / "0001-crash" / "analysis.md",
        analysis_text(
            f"issue: {digits}\ntitle: Crash\nstatus: investigating\n"
            f'related: ["#{digits}", {digits}]\nupstream_pr: "acme/widget#{digits}"\nprs: [{digits}]'
        ),
    )
    result = invoke(kb_root, "check")
    assert result.exit_code == 1
    out = result.stdout
    assert "Field 'issue' must be a positive integer of at most 15 digits, got an integer of about" in out
    assert "Field 'related[1]' must be an issue reference" in out
    assert "Field 'upstream_pr' must be an issue reference" in out
    assert "Field 'prs[0]' must be a fork pull request number" in out


def test_a_nul_byte_in_front_matter_is_named(kb_root: Path) -> None:
    write_file(
        kb_root / "analyses" / "0001-crash" / "analysis.md",
        "---\nissue: 1\ntitle: Cr\0ash\nstatus: investigating\n---\n# A\n",
    )
    result = invoke(kb_root, "check")
    assert result.exit_code == 1
    assert (
        "analyses/0001-crash/analysis.md:3:10: error[fm-control] Front matter holds a NUL byte, "
        "which YAML does not allow"
    ) in result.stdout
    assert "bracket" not in result.stdout


@pytest.fixture
def templated(kb_root: Path) -> Path:
    shutil.copytree(REPO_ROOT / "templates", kb_root / "templates")
    return kb_root


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["5", "--slug", "a" * 300], "--slug: the slug is 300 characters long; give one of at most 100"),
        (["5", "--today", "2099-01-01"], "--today 2099-01-01 is after today's date"),
        (["9" * 5000], "ISSUE must be a positive issue number (1234) or owner/name#1234, not '999"),
    ],
)
def test_new_refuses_what_would_fail_later(templated: Path, args: list[str], expected: str) -> None:
    before = snapshot(templated)
    result = invoke(templated, "new", *args, "--offline")
    assert result.exit_code == 2
    assert expected in result.stderr
    assert snapshot(templated) == before


def test_a_state_file_with_a_number_too_long_for_python_is_a_diagnostic(kb_root: Path) -> None:
    write_file(kb_root / "analyses" / "0001-crash" / "analysis.md", GOOD)
    for text in (
        '{"format": 1, "repos": {"acme/widget": {"issues": {"' + "1" * 5000 + '": {}}}}}',
        "9" * 5000,
    ):
        write_file(kb_root / "upstream-state.json", text)
        result = invoke(kb_root, "tracking")
        assert "upstream-state.json:1:1: error[state-" in result.output


def test_a_broken_state_file_says_what_to_do(kb_root: Path) -> None:
    write_file(kb_root / "analyses" / "0001-crash" / "analysis.md", GOOD)
    write_file(kb_root / "upstream-state.json", '{"format": 99}\n')
    result = invoke(kb_root, "tracking")
    assert "error[state-format]" in result.output
    assert "help: Restore it from git" in result.output
    assert "delete it and run `make sync`" in result.output
    assert "Regenerate it with `make sync`" not in result.output
    sync = invoke(kb_root, "sync")  # what the advice says sync does: refuse, not overwrite
    assert sync.exit_code == 2
    assert "upstream-state.json cannot be read; fix it or delete it, then sync again" in sync.stderr
    assert (kb_root / "upstream-state.json").read_text(encoding="utf-8") == '{"format": 99}\n'


# -- temporary files -------------------------------------------------------------------------------------
def test_temporary_files_have_one_pattern_that_git_ignores(tmp_path: Path) -> None:
    for ignore in (REPO_ROOT / ".gitignore", REPO_ROOT / "scripts" / "issuekb" / "scaffold" / "gitignore"):
        subprocess.run(["git", "init", "-q", str(tmp_path / ignore.parent.name)], check=True)
        shutil.copy(ignore, tmp_path / ignore.parent.name / ".gitignore")
        name = f"analyses/0001-x/.analysis.md.123-abc{TMP_SUFFIX}"
        ignored = subprocess.run(
            ["git", "-C", str(tmp_path / ignore.parent.name), "check-ignore", "-q", name], check=False
        )
        assert ignored.returncode == 0, ignore


def test_a_killed_write_leaves_a_temporary_file_that_the_next_run_removes(kb_root: Path) -> None:
    write_file(kb_root / "analyses" / "0001-crash" / "analysis.md", GOOD)
    assert invoke(kb_root, "tracking").exit_code == 0
    writer = (
        "import os, sys, time\nfrom pathlib import Path\nfrom issuekb.writes import atomic_write\n"
        "os.fsync = lambda fd: time.sleep(60)  # killed while the temporary file is written\n"
        "atomic_write(Path(sys.argv[1]), b'x')\n"
    )
    folder = kb_root / "analyses" / "0001-crash"
    for target in (kb_root / "TRACKING.md", folder / "analysis.md"):
        process = subprocess.Popen([sys.executable, "-c", writer, str(target)])
        try:
            deadline = time.monotonic() + 30
            while not list(target.parent.glob(f".{target.name}.*{TMP_SUFFIX}")):
                assert time.monotonic() < deadline, "the writer never started"
                time.sleep(0.05)
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait()
    left = sorted(kb_root.rglob(f"*{TMP_SUFFIX}"))
    assert [p.parent for p in left] == [kb_root, folder]
    assert all(is_stale_tmp(p.name) for p in left)
    assert invoke(kb_root, "tracking").exit_code == 0  # TRACKING.md unchanged: the sweep still runs
    assert invoke(kb_root, "check").exit_code == 0
    assert not any(p.exists() for p in left)


def test_a_live_writers_temporary_file_is_kept(tmp_path: Path) -> None:
    live = tmp_path / f".TRACKING.md.{os.getppid()}-x{TMP_SUFFIX}"
    mine = tmp_path / f".TRACKING.md.{os.getpid()}-y{TMP_SUFFIX}"
    stale = tmp_path / f".TRACKING.md.{2**22 + 7}-z{TMP_SUFFIX}"  # above Linux's largest process id
    other = tmp_path / ".notes.tmp"
    for path in (live, mine, stale, other):
        path.write_bytes(b"")
    assert sweep_stale(tmp_path) == [stale.name]
    atomic_write(tmp_path / "TRACKING.md", "x")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [live.name, mine.name, other.name, "TRACKING.md"]
    )


def test_temporary_names_stay_short_for_long_targets(tmp_path: Path) -> None:
    target = tmp_path / ("n" * 250)
    atomic_write(target, "x")
    assert target.read_text(encoding="utf-8") == "x"


# -- import reads only regular files inside its source ----------------------------------------------------
def test_import_skips_links_out_of_the_source_fifos_and_huge_numbers(kb_root: Path, tmp_path: Path) -> None:
    secret = write_file(tmp_path / "secret.txt", "password=hunter2\n")
    legacy = tmp_path / "legacy" / "open"
    write_file(legacy / "0042-crash" / "analysis.md", "# Crash\n\n**Issue**: #42\n**Status**: Open\n")
    (legacy / "0042-crash" / "summary.md").symlink_to(secret)
    os.mkfifo(legacy / "0042-crash" / "testing.md")
    (legacy / "0043-leak").mkdir()
    (legacy / "0043-leak" / "analysis.md").symlink_to(secret)
    (legacy / "0044-zero").mkdir()
    (legacy / "0044-zero" / "analysis.md").symlink_to("/dev/zero")
    big = "9" * 5000
    write_file(
        legacy / "0045-big" / "analysis.md",
        f"# Big\n\n**Issue**: #{big}\n**Status**: Open\n\n## Fix #{big}\n\n"
        f"Fixed in PR #{big}, like #{big} (https://github.com/o/r/issues/{big}).\n",
    )
    (legacy / "loop").symlink_to("loop")
    source = snapshot(tmp_path / "legacy")
    result = invoke(kb_root, "import", str(tmp_path / "legacy"), "--format", "json")
    assert result.exit_code in (0, 1)
    report = json.loads(result.stdout)
    skipped = {item["path"]: item["reason"] for item in report["skipped"]}
    for analysis in report["analyses"]:
        skipped.update({item["path"]: item["reason"] for item in analysis["skipped"]})
    assert skipped["open/0042-crash/summary.md"].startswith(
        f"a symbolic link leaving the source folder (to {secret.resolve()})"
    )
    assert skipped["open/0042-crash/testing.md"] == "a named pipe (FIFO), not a regular file, not read"
    assert skipped["open/0043-leak/analysis.md"].startswith("a symbolic link leaving the source folder")
    assert skipped["open/0044-zero/analysis.md"] == (
        "a symbolic link leaving the source folder (to /dev/zero), not followed"
    )
    assert skipped["open/loop"] == "a loop of symbolic links, not followed"
    written = b"".join(snapshot(kb_root / "analyses").values())
    assert b"hunter2" not in written
    assert sorted(p.name for p in (kb_root / "analyses").iterdir()) == ["0042-crash", "0045-big"]
    assert "\nissue: 45\n" in (kb_root / "analyses" / "0045-big" / "analysis.md").read_text(encoding="utf-8")
    assert snapshot(tmp_path / "legacy") == source


def test_a_stale_staging_folder_of_new_is_removed_by_the_next_run(kb_root: Path) -> None:
    write_file(kb_root / "analyses" / "0001-crash" / "analysis.md", GOOD)
    stale = write_file(kb_root / "analyses" / f".0002-killed.{2**22 + 7}-q{TMP_SUFFIX}" / "analysis.md", GOOD)
    live = write_file(
        kb_root / "analyses" / f".0003-running.{os.getppid()}-r{TMP_SUFFIX}" / "analysis.md", GOOD
    )
    assert invoke(kb_root, "check").exit_code == 0
    assert not stale.parent.exists()
    assert live.exists()
