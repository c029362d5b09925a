"""The parse cache: the same records and diagnostics as a fresh load, invalidated by edits, never trusted blindly."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import GOLDEN, TODAY, write_file
from issuekb.cache import CACHE_DIR, CACHE_FILE, ParseCache
from issuekb.cli import cli
from issuekb.config import load_config
from issuekb.diagnostics import Diagnostic, format_diagnostics
from issuekb.kb import KnowledgeBase, load_kb

#: Older than the cache's "racy" window, so that every file may be recorded.
LONG_AGO = 1_700_000_000


def age(root: Path) -> None:
    """Give every file under `root` a modification time well in the past."""
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (LONG_AGO, LONG_AGO))


def records(kb: KnowledgeBase) -> list[tuple[object, ...]]:
    """What the rest of the pipeline reads from each analysis (documents compared whole)."""
    return [
        (a.ref, a.title, a.status, a.related, a.body, a.body_line, a.doc, a.companions) for a in kb.analyses
    ]


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A copy of the golden broken knowledge base (every rule, companions, an undecodable file)."""
    root = tmp_path / "kb"
    shutil.copytree(GOLDEN / "broken-kb", root)
    write_file(root / "analyses" / "0043-valid" / "summary.md", "# Summary\n\nSee #31.\n")
    age(root)
    return root


def run(root: Path, *, cache: bool) -> tuple[KnowledgeBase, list[Diagnostic]]:
    return load_kb(load_config(root), today=TODAY, git=False, cache=cache)


def test_cached_run_gives_identical_records_and_diagnostics(broken: Path) -> None:
    fresh_kb, fresh = run(broken, cache=False)
    assert not (broken / CACHE_DIR).exists()
    cold_kb, cold = run(broken, cache=True)
    assert (broken / CACHE_DIR / CACHE_FILE).is_file()
    warm_kb, warm = run(broken, cache=True)
    assert (
        format_diagnostics(fresh, "json")
        == format_diagnostics(cold, "json")
        == format_diagnostics(warm, "json")
    )
    assert fresh == cold == warm
    assert records(fresh_kb) == records(cold_kb) == records(warm_kb)
    cache = ParseCache.open(broken)
    assert len(cache.entries) > 40  # every analysis and companion was recorded
    config = load_config(broken)
    for path in sorted(config.analyses_dir.glob("*/analysis.md")):
        cache.load_document(path, config.rel(path))
    assert cache.misses == 0
    assert cache.hits > 40


def test_an_edit_invalidates_the_entry(broken: Path) -> None:
    run(broken, cache=True)
    target = broken / "analyses" / "0043-valid" / "analysis.md"
    text = target.read_text(encoding="utf-8")
    edited = text.replace("status: ", "status: resolvd-typo\nignored: ", 1)
    assert edited != text
    target.write_text(edited, encoding="utf-8")
    os.utime(target, (LONG_AGO + 60, LONG_AGO + 60))
    _, fresh = run(broken, cache=False)
    _, cached = run(broken, cache=True)
    assert cached == fresh
    assert any(d.path.endswith("0043-valid/analysis.md") and d.code == "field-enum" for d in cached)


def test_same_size_same_time_stamp_is_trusted_but_a_new_time_stamp_is_not(broken: Path) -> None:
    """The key is (size, mtime_ns): a same-size edit with a new time stamp is seen."""
    run(broken, cache=True)
    target = broken / "analyses" / "0043-valid" / "analysis.md"
    text = target.read_text(encoding="utf-8")
    swapped = text.replace("status:", "statuz:", 1)
    assert len(swapped) == len(text)
    target.write_text(swapped, encoding="utf-8")
    os.utime(target, ns=(LONG_AGO * 10**9 + 1, LONG_AGO * 10**9 + 1))
    _, cached = run(broken, cache=True)
    assert any(d.code == "field-unknown" and "statuz" in d.message for d in cached)


def test_recent_files_are_not_recorded(kb_root: Path) -> None:
    write_file(
        kb_root / "analyses" / "0001-new" / "analysis.md",
        "---\nissue: 1\ntitle: T\nstatus: paused\n---\nBody\n",
    )
    run(kb_root, cache=True)
    assert not (kb_root / CACHE_DIR / CACHE_FILE).exists()  # nothing old enough to record: nothing written
    age(kb_root)
    run(kb_root, cache=True)
    assert len(ParseCache.open(kb_root).entries) == 1


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not a pickle at all",
        pickle.dumps({"version": "0.0.0+other", "entries": {}}),
        pickle.dumps(["a", "list"]),
        pickle.dumps({"version": "x"})[:-3],
    ],
    ids=["empty", "garbage", "other-version", "wrong-shape", "truncated"],
)
def test_a_corrupt_or_foreign_cache_is_ignored_and_replaced(broken: Path, content: bytes) -> None:
    _, fresh = run(broken, cache=False)
    write_file(broken / CACHE_DIR / CACHE_FILE, "")
    (broken / CACHE_DIR / CACHE_FILE).write_bytes(content)
    _, cached = run(broken, cache=True)
    assert cached == fresh
    assert ParseCache.open(broken).entries  # rewritten with real entries


def test_entries_of_deleted_files_are_dropped(broken: Path) -> None:
    run(broken, cache=True)
    gone = broken / "analyses" / "0043-valid"
    before = {key for key in ParseCache.open(broken).entries if key.startswith(str(gone))}
    assert before
    shutil.rmtree(gone)
    run(broken, cache=True)
    assert not any(key.startswith(str(gone)) for key in ParseCache.open(broken).entries)


def test_an_unwritable_cache_folder_is_no_error(broken: Path) -> None:
    write_file(broken / CACHE_DIR, "a file where the folder should be")
    _, fresh = run(broken, cache=False)
    _, cached = run(broken, cache=True)
    assert cached == fresh


def test_commands_use_the_cache_unless_told_not_to(broken: Path) -> None:
    runner = CliRunner()
    plain = runner.invoke(cli, ["check", "--root", str(broken), "--today", TODAY.isoformat(), "--no-cache"])
    assert not (broken / CACHE_DIR).exists()
    cached = runner.invoke(cli, ["check", "--root", str(broken), "--today", TODAY.isoformat()])
    assert (broken / CACHE_DIR / CACHE_FILE).is_file()
    again = runner.invoke(cli, ["check", "--root", str(broken), "--today", TODAY.isoformat()])
    assert plain.exit_code == cached.exit_code == again.exit_code == 1
    assert plain.output == cached.output == again.output
    shutil.rmtree(broken / CACHE_DIR)
    result = runner.invoke(cli, ["tracking", "--root", str(broken), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert not (broken / CACHE_DIR).exists()
