"""The commit check against a real local git repository: ok, missing, ambiguous, not a commit, no git."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from gitfixture import AMBIGUOUS_PREFIX, COMMITS, EMPTY_TREE, git, make_fork_clone
from issuekb.cli import cli
from issuekb.core.gitrepo import GitError, check_commits

AddAnalysis = Callable[..., Path]
ONE, TWO, THREE = COMMITS.values()


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    path = tmp_path / "clones" / "fork"
    make_fork_clone(path)
    return path


def fm(issue: int, commits: str) -> str:
    return f"issue: {issue}\ntitle: Case {issue}\nstatus: paused\ncommits:\n{commits}"


def run_check(kb_root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["check", "--root", str(kb_root), *args])
    return result.exit_code, result.output


def test_check_commits_answers_every_kind(clone: Path) -> None:
    shas = [ONE, TWO[:7], THREE[:12], "deadbee", AMBIGUOUS_PREFIX, EMPTY_TREE]
    assert check_commits(clone, shas) == {
        ONE: "ok",
        TWO[:7]: "ok",
        THREE[:12]: "ok",
        "deadbee": "missing",
        AMBIGUOUS_PREFIX: "ambiguous",
        EMPTY_TREE: "not-a-commit",
    }


def test_the_ambiguous_blobs_really_share_the_prefix(clone: Path) -> None:
    objects = git(clone, "cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(objecttype)")
    blobs = [line.split()[0] for line in objects.splitlines() if line.endswith(" blob")]
    assert len(blobs) == 2
    assert {sha[:7] for sha in blobs} == {AMBIGUOUS_PREFIX}
    assert blobs[0] != blobs[1]


def test_a_four_digit_prefix_shared_by_two_objects_is_ambiguous(clone: Path) -> None:
    """git's shortest abbreviation is 4 digits; the model only lets 7 or more through, the adapter takes any."""
    assert check_commits(clone, [AMBIGUOUS_PREFIX[:4], ONE[:4]]) == {
        AMBIGUOUS_PREFIX[:4]: "ambiguous",
        ONE[:4]: "ok",
    }


def test_anything_but_hex_is_missing_without_asking_git(clone: Path) -> None:
    assert check_commits(clone, ["HEAD", "main", "abc\ndef", ""]) == dict.fromkeys(
        ["HEAD", "main", "abc\ndef", ""], "missing"
    )


def test_check_reports_each_bad_commit_at_its_line(
    kb_root: Path, add_analysis: AddAnalysis, clone: Path
) -> None:
    add_analysis("0001-ok", fm(1, f"  - {ONE}\n  - {TWO[:7]}"))
    add_analysis("0002-bad", fm(2, f"  - {THREE[:9]}\n  - deadbee\n  - {AMBIGUOUS_PREFIX}\n  - {EMPTY_TREE}"))
    code, output = run_check(kb_root, "--git", str(clone))
    assert code == 1
    rel = "analyses/0002-bad/analysis.md"
    assert [line for line in output.splitlines() if "error[" in line] == [
        f"{rel}:7:1: error[commit-unknown] Commit deadbee does not exist in the fork clone clones/fork",
        f"{rel}:8:1: error[commit-unknown] Commit {AMBIGUOUS_PREFIX} is ambiguous in the fork clone; write more hex digits",
        f"{rel}:9:1: error[commit-unknown] {EMPTY_TREE} names an object that is not a commit",
    ]


def test_the_clone_can_come_from_the_configuration(kb_root: Path, add_analysis: AddAnalysis) -> None:
    make_fork_clone(kb_root / "fork")
    (kb_root / "mkdocs.yml").write_text(
        (kb_root / "mkdocs.yml").read_text(encoding="utf-8") + "      git: fork\n", encoding="utf-8"
    )
    add_analysis("0001-a", fm(1, "  - deadbee"))
    code, output = run_check(kb_root)
    assert code == 1
    assert (
        "analyses/0001-a/analysis.md:6:1: error[commit-unknown] Commit deadbee does not exist in the fork clone fork"
        in output
    )


def test_without_a_clone_commits_are_not_looked_up(kb_root: Path, add_analysis: AddAnalysis) -> None:
    add_analysis("0001-a", fm(1, "  - deadbee"))
    assert run_check(kb_root) == (0, "1 analyses checked: no problems found.\n")


def test_one_git_process_answers_for_every_commit(
    kb_root: Path, add_analysis: AddAnalysis, clone: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "git-calls.log"
    wrapper = tmp_path / "bin" / "git"
    wrapper.parent.mkdir()
    real_git = next(
        Path(folder) / "git"
        for folder in os.environ["PATH"].split(os.pathsep)
        if (Path(folder) / "git").is_file()
    )
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> {log}\nexec {real_git} "$@"\n', encoding="utf-8")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}")
    for n in range(1, 21):
        add_analysis(f"{n:04d}-a", fm(n, f"  - {ONE}\n  - '{n:07x}'"))
    code, output = run_check(kb_root, "--git", str(clone))
    assert code == 1
    assert output.count("error[commit-unknown]") == 20
    calls = log.read_text(encoding="utf-8").splitlines()
    assert len(calls) == 1
    assert "cat-file --batch-check" in calls[0]


def test_a_folder_that_is_not_a_repository(kb_root: Path, add_analysis: AddAnalysis, tmp_path: Path) -> None:
    add_analysis("0001-a", fm(1, "  - deadbee"))
    plain = tmp_path / "plain"
    plain.mkdir()
    code, output = run_check(kb_root, "--git", str(plain))
    assert code == 1
    assert "plain:1:1: error[git-unavailable] Cannot check commits: not a git repository" in output


def test_a_folder_inside_a_repository_is_not_the_repository(
    kb_root: Path, add_analysis: AddAnalysis, clone: Path
) -> None:
    add_analysis("0001-a", fm(1, f"  - {ONE}"))
    inner = clone / "sub"
    inner.mkdir()
    code, output = run_check(kb_root, "--git", str(inner))
    assert code == 1
    assert "error[git-unavailable] Cannot check commits: not a git repository" in output


def test_a_missing_folder(kb_root: Path, add_analysis: AddAnalysis, tmp_path: Path) -> None:
    add_analysis("0001-a", fm(1, "  - deadbee"))
    code, output = run_check(kb_root, "--git", str(tmp_path / "nowhere"))
    assert code == 1
    assert "error[git-unavailable] Cannot check commits: no such folder" in output


def test_no_git_program(clone: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(GitError, match="cannot run git"):
        check_commits(clone, [ONE])


def test_callers_git_variables_do_not_redirect_the_check(
    clone: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other"
    git(tmp_path, "init", "-q", str(other))
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    assert check_commits(clone, [ONE]) == {ONE: "ok"}
