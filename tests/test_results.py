"""The memo of `issuekb.results`: a run with nothing changed answers from it, and gives a fresh run's output.

Use of the memo is proved with a marked memo: an extra diagnostic and an extra TRACKING.md line that no
real run produces. A run that shows them used the memo; a run after a change that must not use it shows
neither and gives exactly the fresh run's output.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import cachefile
from conftest import LONG_AGO, TODAY, age, write_file
from gitfixture import COMMITS, git, make_fork_clone
from issuekb.cache import CACHE_DIR, FolderResult
from issuekb.cli import cli
from issuekb.config import Config, load_config
from issuekb.diagnostics import Diagnostic, format_diagnostics
from issuekb.kb import Plan
from issuekb.results import Memo, Results, kb_results

MARK = "memo-mark"
MARK_LINE = "\n<!-- from the memo -->\n"


def results(root: Path, *, cache: bool = True, today: dt.date = TODAY, **changes: object) -> Results:
    config = dataclasses.replace(load_config(root), **changes)  # type: ignore[arg-type]
    return kb_results(config, today=today, cache=cache, tracking=config.tracking_file)


def outputs(result: Results) -> tuple[str, str, str | None, int]:
    return (
        format_diagnostics(result.diags),
        format_diagnostics(result.diags, "json"),
        result.tracking,
        result.analyses,
    )


def mark(root: Path) -> None:
    """Add a diagnostic and a TRACKING.md line that no real run produces to the stored memo."""
    cache = cachefile.read(root)
    memo = cache.memo
    assert isinstance(memo, Memo)
    assert memo.tracking is not None
    extra = Diagnostic.warning(MARK, "analyses", 1, "from the memo")
    tracking = (*memo.tracking[:2], memo.tracking[2] + MARK_LINE.encode())
    cache.memo = dataclasses.replace(memo, rules=(*memo.rules, extra), tracking=tracking)
    cachefile.write(root, cache)


def from_marked_memo(result: Results) -> bool:
    used = any(d.code == MARK for d in result.diags)
    assert used == (result.tracking is not None and result.tracking.endswith(MARK_LINE)) == result.from_memo
    return used


def test_a_second_run_answers_from_the_memo_with_the_fresh_output(broken: Path) -> None:
    fresh = results(broken, cache=False)
    assert not (broken / CACHE_DIR).exists()
    first = results(broken)
    second = results(broken)
    assert not fresh.from_memo and not first.from_memo and second.from_memo
    assert outputs(fresh) == outputs(first) == outputs(second)
    assert fresh.tracking and fresh.diags and fresh.analyses > 30


def test_the_marked_memo_is_used_until_something_changes(broken: Path) -> None:
    results(broken)
    mark(broken)
    assert from_marked_memo(results(broken))
    assert from_marked_memo(results(broken))  # a memo answer writes nothing


def check_falls_back(root: Path, **changes: object) -> None:
    """The marked memo is not used, and the output is the fresh run's."""
    cached = results(root, **changes)
    assert not from_marked_memo(cached)
    assert outputs(cached) == outputs(results(root, cache=False, **changes))


def test_an_edited_analysis_is_not_answered_from_the_memo(broken: Path) -> None:
    results(broken)
    mark(broken)
    target = broken / "analyses" / "0043-valid" / "analysis.md"
    target.write_text(
        target.read_text(encoding="utf-8").replace("status: ", "status: typo-", 1), encoding="utf-8"
    )
    os.utime(target, (LONG_AGO + 60, LONG_AGO + 60))
    check_falls_back(broken)
    assert any(d.code == "field-enum" and "0043-valid" in d.path for d in results(broken).diags)


@pytest.mark.parametrize("change", ["new-folder", "removed-folder", "new-companion"])
def test_a_changed_folder_is_not_answered_from_the_memo(broken: Path, change: str) -> None:
    results(broken)
    mark(broken)
    if change == "new-companion":
        edit(broken / "analyses" / "0043-valid" / "testing.md", "# Testing\n\nRun it.\n")
        os.utime(broken / "analyses" / "0043-valid", (LONG_AGO + 60, LONG_AGO + 60))  # a file was added
    elif change == "new-folder":
        write_file(
            broken / "analyses" / "0099-new" / "analysis.md",
            "---\nissue: 99\ntitle: New\nstatus: paused\n---\nSee #43.\n",
        )
        age(broken)
    else:
        shutil.rmtree(broken / "analyses" / "0043-valid")
    check_falls_back(broken)


def edit(path: Path, text: str, tick: int = 60) -> None:
    """Write `text` with a time stamp older than the racy window but newer than before."""
    write_file(path, text)
    os.utime(path, (LONG_AGO + tick, LONG_AGO + tick))


@pytest.mark.parametrize(
    ("file", "text", "problem"),
    [
        ("analysis.md", "\nOne more sentence.\n", None),
        ("analysis.md", "\nStill to write: XXXX.\n", "placeholder"),
        ("analysis.md", "\n<!-- template --> Describe the fix.\n", "template-text"),
        ("summary.md", "\nIn short: XXXX.\n", "placeholder"),
    ],
)
def test_an_edited_text_is_read_again_alone(broken: Path, file: str, text: str, problem: str | None) -> None:
    """A body edit keeps every record: the memo holds but for that folder's own diagnostics."""
    results(broken)
    mark(broken)
    target = broken / "analyses" / "0043-valid" / file
    edit(target, target.read_text(encoding="utf-8") + text)
    patched = results(broken)
    assert from_marked_memo(patched) and patched.reread == 1
    fresh = results(broken, cache=False)
    assert [d for d in patched.diags if d.code != MARK] == fresh.diags
    assert patched.tracking == f"{fresh.tracking}{MARK_LINE}"
    found = [d.code for d in fresh.diags if d.path == f"analyses/0043-valid/{file}"]
    assert found == ([problem] if problem else [])
    again = results(broken)  # the memo was written again, with the folder's new diagnostics
    assert from_marked_memo(again) and again.reread == 0 and again.diags == patched.diags
    edit(target, target.read_text(encoding="utf-8").replace(text, ""), tick=120)  # and back
    restored = results(broken)
    assert from_marked_memo(restored) and restored.reread == 1
    assert [d for d in restored.diags if d.code != MARK] == results(broken, cache=False).diags


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("title: ", "title: Renamed "),  # a field
        ("---\n", "---\n# a comment moves every line\n"),  # the lines of the fields
    ],
)
def test_an_edited_front_matter_is_not_patched(broken: Path, old: str, new: str) -> None:
    results(broken)
    mark(broken)
    target = broken / "analyses" / "0043-valid" / "analysis.md"
    edit(target, target.read_text(encoding="utf-8").replace(old, new, 1))
    check_falls_back(broken)


def test_a_folder_read_for_the_memo_is_not_read_again_by_the_full_run(
    broken: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    results(broken)
    target = broken / "analyses" / "0043-valid" / "analysis.md"
    edit(target, target.read_text(encoding="utf-8").replace("title: ", "title: Renamed ", 1))
    loads: list[str] = []
    load = Plan.load

    def counted(plan: Plan, folder: str, names: frozenset[str]) -> FolderResult:
        loads.append(Path(folder).name)
        return load(plan, folder, names)

    monkeypatch.setattr(Plan, "load", counted)
    after = results(broken)
    assert not after.from_memo and after.tracking is not None and "Renamed" in after.tracking
    assert loads == ["0043-valid"]
    monkeypatch.undo()
    assert outputs(after) == outputs(results(broken, cache=False))


def test_the_state_file_and_the_configuration_are_part_of_the_memo(broken: Path) -> None:
    results(broken)
    mark(broken)
    check_falls_back(broken, fork="someone/else")  # the configuration changed
    results(broken)
    mark(broken)
    state = broken / "upstream-state.json"
    assert not state.exists()
    write_file(state, '{"format": 1, "repos": {}}\n')
    check_falls_back(broken)
    results(broken)
    mark(broken)
    state.write_text('{"format": 1, "repos": {"acme/widget": {}}}\n', encoding="utf-8")
    check_falls_back(broken)


def test_a_broken_state_file_is_reported_and_not_remembered(broken: Path) -> None:
    results(broken)
    mark(broken)
    write_file(broken / "upstream-state.json", "{not json")
    for _ in range(2):
        broken_state = results(broken)
        assert broken_state.tracking is None
        assert [d.code for d in broken_state.state_diags] == ["state-json"]
        assert not broken_state.from_memo


def test_another_tracking_target_is_rendered_afresh(broken: Path) -> None:
    results(broken)
    mark(broken)
    check_falls_back(broken, tracking_file=broken / "docs" / "TRACKING.md")


def test_discovery_problems_are_found_on_every_run(broken: Path) -> None:
    results(broken)
    mark(broken)
    write_file(broken / "analyses" / "stray.md", "# Stray\n")
    (broken / "analyses" / "0100-empty").mkdir()
    result = results(broken)
    assert from_marked_memo(result)  # no analysis changed: the memo still answers
    codes = {(d.code, d.path) for d in result.diags}
    assert {("kb-stray-file", "analyses/stray.md"), ("kb-no-analysis", "analyses/0100-empty")} <= codes
    fresh = results(broken, cache=False)
    assert [d for d in result.diags if d.code != MARK] == fresh.diags


def test_another_day_reads_again_only_the_folders_whose_entry_depends_on_it(broken: Path) -> None:
    results(broken)
    mark(broken)
    later = TODAY + dt.timedelta(days=1)
    entries = cachefile.read(broken).index["entries"]
    # 0017-date-future names the day in its message; a folder without a record has no date to go by
    bound = {Path(folder).name for folder, entry in entries.items() if entry[3][1] < later.toordinal()}
    assert {"0017-date-future", "0001-load-encoding"} <= bound and len(bound) < len(entries) / 2
    patched = results(broken, today=later)
    assert from_marked_memo(patched) and patched.reread == len(bound)
    assert [d for d in patched.diags if d.code != MARK] == results(broken, cache=False, today=later).diags
    message = next(d.message for d in patched.diags if d.code == "date-future")
    assert later.isoformat() in message


def test_a_recent_file_keeps_the_memo_from_being_written(broken: Path) -> None:
    target = broken / "analyses" / "0043-valid" / "analysis.md"
    target.write_text(target.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")  # modified now
    results(broken)
    again = results(broken)
    assert not again.from_memo  # that folder cannot be recorded yet, so no memo holds for the whole
    age(broken)
    results(broken)
    assert results(broken).from_memo


def test_the_commits_are_checked_in_the_clone_on_every_run(tmp_path: Path, kb_root: Path) -> None:
    clone = tmp_path / "fork"
    clone.mkdir()
    git(clone, "init", "-q")  # no commits yet
    sha = COMMITS["fix one"]
    write_file(
        kb_root / "analyses" / "0001-a" / "analysis.md",
        f"---\nissue: 1\ntitle: A\nstatus: resolved\nresolution: fixed\ncommits: [{sha[:7]}]\n---\nBody.\n",
    )
    age(kb_root)
    config = dataclasses.replace(load_config(kb_root), git=clone)
    first, second = kb_results(config, today=TODAY), kb_results(config, today=TODAY)
    assert not first.from_memo and second.from_memo
    assert first.diags == second.diags
    assert [(d.code, d.line) for d in second.diags] == [("commit-unknown", 6)]
    assert make_fork_clone(clone)["fix one"] == sha  # the clone learns the commit
    third = kb_results(config, today=TODAY)
    assert third.from_memo and third.diags == []
    assert kb_results(config, today=TODAY, git=False).diags == []


def test_a_commit_the_clone_loses_after_the_memo_is_located_by_a_full_run(
    tmp_path: Path, kb_root: Path
) -> None:
    """The memo keeps the commits without their lines (only those of the commits that were missing
    then): a newly missing one sends the run down the full path, which finds its line."""
    clone = tmp_path / "fork"
    clone.mkdir()
    sha = make_fork_clone(clone)["fix one"]
    write_file(
        kb_root / "analyses" / "0001-a" / "analysis.md",
        f"---\nissue: 1\ntitle: A\nstatus: resolved\nresolution: fixed\n# a comment\ncommits:\n  - {sha}\n"
        "---\nBody.\n",
    )
    age(kb_root)
    config = dataclasses.replace(load_config(kb_root), git=clone)
    first, second = kb_results(config, today=TODAY), kb_results(config, today=TODAY)
    assert first.diags == second.diags == [] and second.from_memo
    shutil.rmtree(clone / ".git")
    git(clone, "init", "-q")  # the same clone, without the commit
    third = kb_results(config, today=TODAY)
    assert not third.from_memo
    assert [(d.code, d.line) for d in third.diags] == [("commit-unknown", 8)]
    fourth = kb_results(config, today=TODAY)  # now the memo knows where it is written
    assert fourth.from_memo and fourth.diags == third.diags


def test_the_commands_print_the_same_with_and_without_the_memo(broken: Path) -> None:
    runner = CliRunner()
    args = ["--root", str(broken)]
    check = ["check", *args, "--today", TODAY.isoformat()]
    plain = runner.invoke(cli, [*check, "--no-cache"])
    first, second = runner.invoke(cli, check), runner.invoke(cli, check)
    assert plain.exit_code == first.exit_code == second.exit_code == 1
    assert plain.output == first.output == second.output
    json_plain = runner.invoke(cli, [*check, "--format", "json", "--no-cache"])
    assert json_plain.output == runner.invoke(cli, [*check, "--format", "json"]).output
    wrote = runner.invoke(cli, ["tracking", *args])
    assert wrote.exit_code == 0, wrote.output
    tracking = (broken / "TRACKING.md").read_bytes()
    (broken / "TRACKING.md").unlink()
    again = runner.invoke(cli, ["tracking", *args])
    assert again.exit_code == 0, again.output
    assert (broken / "TRACKING.md").read_bytes() == tracking
    stale = runner.invoke(cli, ["tracking", *args, "--check"])
    assert stale.exit_code == 0 and "up to date" in stale.output


def test_a_config_without_a_cache_never_writes_one(broken: Path) -> None:
    config: Config = load_config(broken)
    kb_results(config, today=TODAY, cache=False, tracking=config.tracking_file)
    assert not (broken / CACHE_DIR).exists()
