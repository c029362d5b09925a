"""The record cache's journal (`issuekb.cachestore`), the state file's remembered digest
(`issuekb.statefile`) and the folders stat'ed from the analyses folder (`RecordCache.below`)."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Callable
from pathlib import Path

import pytest

import cachefile
import issuekb.statefile
from conftest import LONG_AGO, TODAY, write_file
from issuekb.cache import _ALONE_NAMES, CACHE_DIR, CACHE_FILE, RecordCache, _key
from issuekb.cachestore import JOURNAL_FILE, Base, Journal, read_journal, write_journal
from issuekb.config import load_config
from issuekb.diagnostics import Diagnostic, format_diagnostics
from issuekb.kb import ANALYSIS_FILE, load_kb
from issuekb.results import Results, kb_results
from issuekb.statefile import MISSING, read_state_file

MARK = "journal-mark"


def results(root: Path, *, cache: bool = True) -> Results:
    config = load_config(root)
    return kb_results(config, today=TODAY, cache=cache, git=False, tracking=config.tracking_file)


def outputs(result: Results) -> tuple[str, str | None, int]:
    return format_diagnostics(result.diags, "json"), result.tracking, result.analyses


def analysis_files(root: Path) -> list[Path]:
    return sorted((root / "analyses").glob(f"*/{ANALYSIS_FILE}"))


def append(paths: list[Path], words: str, tick: int) -> None:
    """Add `words` to each file's text (a body edit: its folder is worked on again)."""
    for path in paths:
        write_file(path, path.read_bytes().decode("utf-8", "replace") + f"\n{words}\n")
        os.utime(path, (LONG_AGO + tick, LONG_AGO + tick))


def journal(root: Path) -> dict[str, object]:
    with (root / CACHE_DIR / JOURNAL_FILE).open("rb") as handle:
        data = pickle.load(handle)
    assert isinstance(data, dict)
    return data


def test_a_few_edits_write_the_journal_and_leave_the_base_file_alone(broken: Path) -> None:
    base, journal_file = broken / CACHE_DIR / CACHE_FILE, broken / CACHE_DIR / JOURNAL_FILE
    results(broken)
    written = base.read_bytes()
    assert not journal_file.exists()
    first, second = analysis_files(broken)[-2:]
    append([first], "More words.", tick=60)
    results(broken)
    assert base.read_bytes() == written
    assert set(journal(broken)["records"]) == {str(first.parent)}  # type: ignore[arg-type]
    title = second.read_text(encoding="utf-8").replace("title: ", "title: Renamed ", 1)
    write_file(second, title)
    os.utime(second, (LONG_AGO + 120, LONG_AGO + 120))
    edited = results(broken)
    assert base.read_bytes() == written
    assert set(journal(broken)["records"]) == {str(first.parent), str(second.parent)}  # type: ignore[arg-type]
    assert outputs(edited) == outputs(results(broken, cache=False))
    again = results(broken)  # the memo, written in the journal, answers
    assert again.from_memo and outputs(again) == outputs(edited)


def test_a_journal_naming_too_many_folders_is_folded_into_the_base_file(broken: Path) -> None:
    base, journal_file = broken / CACHE_DIR / CACHE_FILE, broken / CACHE_DIR / JOURNAL_FILE
    results(broken)
    written = base.read_bytes()
    files = analysis_files(broken)
    append(files[:16], "More words.", tick=60)  # the journal names at most 16 folders here
    results(broken)
    assert journal_file.exists() and base.read_bytes() == written
    append(files[16:17], "More words.", tick=120)
    folded = results(broken)
    assert not journal_file.exists() and base.read_bytes() != written
    assert outputs(folded) == outputs(results(broken, cache=False))
    cache = RecordCache.open(load_config(broken), TODAY)
    assert len(cache.entries) == len(files)


def test_a_corrupt_or_foreign_journal_is_ignored(broken: Path) -> None:
    results(broken)
    target = analysis_files(broken)[-1]
    append([target], "More words.", tick=60)
    results(broken)
    journal_file = broken / CACHE_DIR / JOURNAL_FILE
    good = journal_file.read_bytes()
    fresh = outputs(results(broken, cache=False))
    for content in (b"not a pickle", good[: len(good) // 2], pickle.dumps({"key": "other"})):
        journal_file.write_bytes(content)
        assert outputs(results(broken)) == fresh


def test_the_journal_holds_for_its_own_base_file_and_key_alone(tmp_path: Path) -> None:
    file = tmp_path / CACHE_FILE
    marked = Diagnostic.warning(MARK, "analyses/0001-a/analysis.md", 1, "from the journal")
    records: dict[str, bytes | None] = {"0001-a": pickle.dumps((None, [marked])), "0002-b": None}
    assert write_journal(file, ("key",), "base-1", Journal({"0002-b": None}, records, {}, "note"), "memo")
    found = read_journal(file, ("key",), "base-1")
    assert found is not None and found.records == records and found.note == "note" and found.folders() == 2
    assert found.load_memo(file) == "memo"
    assert write_journal(file, ("key",), "base-1", Journal(), "another memo")  # the journal replaced
    assert found.load_memo(file) is None  # the memo of another journal is not taken for this one
    assert read_journal(file, ("key",), "base-2") is None  # written on another base file
    assert read_journal(file, ("other",), "base-1") is None


def test_marked_journal_records_are_used_until_their_folders_change(broken: Path) -> None:
    results(broken)
    files = analysis_files(broken)
    append(files[-3:], "More words.", tick=60)
    results(broken)
    data = journal(broken)
    changed = data["records"]
    assert isinstance(changed, dict) and len(changed) == 3
    for folder, blob in changed.items():
        stored, diags = pickle.loads(blob)
        changed[folder] = pickle.dumps((stored, [*diags, Diagnostic.warning(MARK, folder, 1, "journal")]))
    (broken / CACHE_DIR / JOURNAL_FILE).write_bytes(pickle.dumps(data))
    config = load_config(broken)
    _, diags = load_kb(config, today=TODAY, git=False, cache=True)
    assert {d.path for d in diags if d.code == MARK} == {str(p.parent) for p in files[-3:]}
    append(files[-1:], "Even more.", tick=120)
    _, diags = load_kb(config, today=TODAY, git=False, cache=True)
    assert {d.path for d in diags if d.code == MARK} == {str(p.parent) for p in files[-3:-1]}


def synced(root: Path, label: str) -> Path:
    state = root / "upstream-state.json"
    issue = {"title": "Case 43", "state": "open", "labels": [label], "updated_at": "2020-01-01T00:00:00Z"}
    repo = {"synced_at": "2026-11-01T00:00:00Z", "issues": {"43": issue}}
    write_file(state, json.dumps({"format": 1, "repos": {"acme/widget": repo}}))
    os.utime(state, (LONG_AGO, LONG_AGO))
    return state


def state_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The state file reads of the runs that follow (`issuekb.statefile` reads it for every run)."""
    reads: list[Path] = []
    original = issuekb.statefile.read_state_bytes

    def counted(path: Path, rel: str) -> tuple[bytes | None, list[Diagnostic]]:
        reads.append(path)
        return original(path, rel)

    monkeypatch.setattr(issuekb.statefile, "read_state_bytes", counted)
    return reads


def test_the_state_digest_is_taken_from_its_stat_while_that_is_the_same(
    broken: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = state_reads(monkeypatch)
    state = synced(broken, "aaaa")
    first = results(broken)
    assert first.tracking is not None and "aaaa" in first.tracking and len(reads) == 1
    st = state.stat()
    assert cachefile.read(broken).index["note"][:4] == (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    assert results(broken).from_memo and len(reads) == 1  # the digest from the stat: not read
    synced(broken, "bbbb")  # the same size and time stamp: the change time tells
    assert state.stat().st_mtime_ns == st.st_mtime_ns and state.stat().st_size == st.st_size
    changed = results(broken)
    assert changed.tracking is not None and "bbbb" in changed.tracking and "aaaa" not in changed.tracking
    assert outputs(changed) == outputs(results(broken, cache=False)) and len(reads) == 3
    assert results(broken).from_memo and len(reads) == 3
    state.chmod(0o600)  # permissions (which can make it unreadable): the change time tells again
    assert results(broken).from_memo and len(reads) == 4


def test_a_recent_state_file_is_read_each_time(broken: Path) -> None:
    state = synced(broken, "aaaa")
    os.utime(state)  # modified now: its stat could stay the same through the next edit
    first = results(broken)
    assert cachefile.read(broken).index["note"] is None
    assert first.tracking is not None and "aaaa" in first.tracking


def test_the_state_file_is_read_when_it_changed_after_its_digest_was_taken(broken: Path) -> None:
    state = synced(broken, "aaaa")
    config = load_config(broken)
    st = state.stat()
    found = read_state_file(config, (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, "0" * 64))
    assert found.key == "0" * 64 and found.raw is None  # taken from the hint: not read
    raw = found.bytes()
    assert raw == state.read_bytes() and found.key != "0" * 64 and found.seen is None
    assert read_state_file(config, found.seen).raw is not None  # no hint: read and hashed
    state.unlink()
    assert (
        read_state_file(config, (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, "0" * 64)).key
        == MISSING
    )
    write_file(state, "{}")
    assert (
        read_state_file(config, (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, "0" * 64)).raw
        == b"{}"
    )


def open_fds() -> int:
    return sum(1 for _ in Path("/proc/self/fd").iterdir())


def test_folders_are_stat_ed_below_the_open_analyses_folder_which_is_closed_after(broken: Path) -> None:
    config = load_config(broken)
    cache = RecordCache.open(config, TODAY)
    folder = str(analysis_files(broken)[0].parent)
    outside = cache.check(folder, (ANALYSIS_FILE,))
    fds = open_fds()
    with cache.below(config.analyses_dir):
        assert open_fds() == fds + 1
        assert cache.check(folder, (ANALYSIS_FILE,)) == outside
        assert cache.names(folder) == frozenset({ANALYSIS_FILE})
    assert open_fds() == fds
    with cache.below(broken / "no-such-folder"):  # the full paths then
        assert cache.check(folder, (ANALYSIS_FILE,)) == outside
    assert frozenset({ANALYSIS_FILE}) == _ALONE_NAMES
    assert _key(config)[1] == str(config.root)


def test_a_touched_state_file_is_hashed_once_and_the_memo_still_answers(broken: Path) -> None:
    state = synced(broken, "aaaa")
    results(broken)
    os.utime(state, (LONG_AGO + 60, LONG_AGO + 60))  # the same bytes, another time stamp
    touched = results(broken)
    assert touched.from_memo
    note = cachefile.read(broken).index["note"]
    assert isinstance(note, tuple) and note[1] == (LONG_AGO + 60) * 10**9
    again = results(broken)
    assert again.from_memo and outputs(again) == outputs(touched)


def test_the_memo_is_read_only_when_the_changed_folders_hold_the_same_records(
    broken: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """TRACKING.md's text is in the memo: a run after a front-matter edit has no use for it."""
    reads: list[str] = []
    for owner in (Base, Journal):
        original = owner.load_memo

        def counted(self: object, *args: Path, original: Callable[..., object] = original) -> object:
            reads.append(type(self).__name__)
            return original(self, *args)

        monkeypatch.setattr(owner, "load_memo", counted)
    results(broken)
    target = analysis_files(broken)[-1]
    append([target], "More words.", tick=60)  # its record is the same: the memo answers
    assert results(broken).from_memo and reads == ["Base"]
    assert results(broken).from_memo and reads == ["Base", "Journal"]  # the memo is now the journal's
    write_file(target, target.read_text(encoding="utf-8").replace("title: ", "title: Renamed ", 1))
    os.utime(target, (LONG_AGO + 120, LONG_AGO + 120))
    edited = results(broken)
    assert not edited.from_memo and reads == ["Base", "Journal"]  # not read for a new record
    assert outputs(edited) == outputs(results(broken, cache=False))


def test_the_state_digest_outlives_the_first_journal(broken: Path) -> None:
    state = synced(broken, "aaaa")
    results(broken)  # a whole base file, with the state file's stat and digest
    append(analysis_files(broken)[-1:], "More words.", tick=60)
    results(broken)  # the first journal on that base file
    assert (broken / CACHE_DIR / JOURNAL_FILE).exists()
    note = RecordCache.open(load_config(broken), TODAY).note
    assert isinstance(note, tuple) and note[4] == hashlib.sha256(state.read_bytes()).hexdigest()
