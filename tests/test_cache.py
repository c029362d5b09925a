"""The record cache: the same records, diagnostics and TRACKING.md as a fresh run, invalidated by every input.

Invalidation is proved with a marked cache: every recorded folder gets an extra diagnostic that no
real run produces. A run that still shows a folder's mark used its entry; a run after a change that
must invalidate the entry shows no mark there and gives exactly the fresh run's output.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import pickle
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import cachefile
import issuekb.cache
from conftest import LONG_AGO, TODAY, age, write_file
from issuekb.cache import CACHE_DIR, CACHE_FILE, RecordCache, cache_version
from issuekb.cli import cli
from issuekb.config import load_config
from issuekb.diagnostics import Diagnostic, format_diagnostics
from issuekb.kb import KnowledgeBase, load_kb
from issuekb.render.links import RepoLinks
from issuekb.render.tracking import render_tracking
from issuekb.upstream import UpstreamState

MARK = "cache-mark"


def records(kb: KnowledgeBase) -> list[tuple[object, ...]]:
    """Every field of every analysis that the record cache keeps (all but the bodies and the raw front
    matter): the fields, the line of every field and item, the companions' names, titles and paths."""
    return [
        (
            a.ref,
            a.title,
            a.status,
            a.resolution,
            a.duplicate_of,
            a.related,
            a.related_notes,
            a.commits,
            a.prs,
            a.upstream_pr,
            a.reporter,
            a.reported,
            a.analyzed,
            a.resolved_on,
            a.priority,
            a.tags,
            a.affected,
            a.path,
            a.rel,
            a.folder,
            a.body_line,
            a.doc and (a.doc.path, a.doc.rel, a.doc.body_line, a.doc.key_lines, a.doc.item_lines),
            [(c.name, c.title, c.path, c.rel, c.body_line) for c in a.companions],
        )
        for a in kb.analyses
    ]


def run(root: Path, *, cache: bool, today: dt.date = TODAY) -> tuple[KnowledgeBase, list[Diagnostic], str]:
    """load_kb, then TRACKING.md rendered from what it loaded."""
    config = load_config(root)
    kb, diags = load_kb(config, today=today, git=False, cache=cache)
    tracking = render_tracking(
        kb, kb.graph, UpstreamState(), RepoLinks.for_file(config, config.tracking_file)
    )
    return kb, diags, tracking


def outputs(root: Path, *, cache: bool, today: dt.date = TODAY) -> tuple[str, str, str]:
    """What users see: diagnostics as text and as JSON, and TRACKING.md."""
    _, diags, tracking = run(root, cache=cache, today=today)
    return format_diagnostics(diags), format_diagnostics(diags, "json"), tracking


def stored(root: Path) -> dict[str, object]:
    """The cache's index (the journal folded in)."""
    return cachefile.read(root).index


def mark(root: Path) -> None:
    """Add a diagnostic that no real run produces to every recorded folder."""
    cache = cachefile.read(root)
    assert cache.records.keys() == cache.index["entries"].keys()
    for folder, blob in cache.records.items():
        analysis, diags = pickle.loads(blob)
        marked = Diagnostic.warning(MARK, f"{Path(folder).name}", 1, "from the cache")
        cache.records[folder] = pickle.dumps((analysis, [*diags, marked]))
    cachefile.write(root, cache)


def marked(diags: list[Diagnostic]) -> set[str]:
    """The folders whose result came from the marked cache."""
    return {d.path for d in diags if d.code == MARK}


def folders(root: Path) -> set[str]:
    return {p.name for p in (root / "analyses").iterdir() if (p / "analysis.md").is_file()}


def test_cached_runs_give_identical_records_diagnostics_and_tracking(broken: Path) -> None:
    fresh_kb, fresh, fresh_tracking = run(broken, cache=False)
    assert not (broken / CACHE_DIR).exists()
    cold_kb, cold, cold_tracking = run(broken, cache=True)
    assert (broken / CACHE_DIR / CACHE_FILE).is_file()
    warm_kb, warm, warm_tracking = run(broken, cache=True)
    assert fresh == cold == warm
    assert format_diagnostics(fresh, "json") == format_diagnostics(warm, "json")
    assert fresh_tracking == cold_tracking == warm_tracking
    assert records(fresh_kb) == records(cold_kb) == records(warm_kb)
    # the bodies are not kept: a restored analysis has none, and the knowledge base says so
    assert fresh_kb.bodies and cold_kb.bodies and not warm_kb.bodies
    assert all(a.body for a in fresh_kb.analyses if a.folder == "0043-valid")
    assert all(a.body == "" and a.doc and a.doc.meta is None for a in warm_kb.analyses)
    assert all(c.body == "" for a in warm_kb.analyses for c in a.companions)
    assert any(a.companions for a in warm_kb.analyses)
    with pytest.raises(ValueError, match="bodies"):
        _ = warm_kb.graph.referenced_by  # the backlinks cannot be computed without the bodies
    assert fresh_kb.graph == cold_kb.graph
    eager = ("canonical", "clusters", "duplicates", "shared_commits", "commit_keys", "in_cycle")
    assert [getattr(fresh_kb.graph, name) for name in eager] == [
        getattr(warm_kb.graph, name) for name in eager
    ]
    cache = RecordCache.open(load_config(broken), TODAY)
    assert len(cache.entries) > 40  # every analysis folder was recorded, unusable ones too


def test_the_marked_cache_is_used_for_every_unchanged_folder(broken: Path) -> None:
    run(broken, cache=True)
    mark(broken)
    _, diags, _ = run(broken, cache=True)
    assert marked(diags) == folders(broken)


def edit(path: Path, text: str, *, tick: int = 60) -> None:
    """Write `text` with a time stamp older than the racy window but newer than before."""
    write_file(path, text)
    os.utime(path, (LONG_AGO + tick, LONG_AGO + tick))


def test_an_edit_of_an_analysis_invalidates_its_folder_only(broken: Path) -> None:
    run(broken, cache=True)
    mark(broken)
    target = broken / "analyses" / "0043-valid" / "analysis.md"
    text = target.read_text(encoding="utf-8")
    edit(target, text.replace("status: ", "status: resolvd-typo\nignored: ", 1))
    _, cached, _ = run(broken, cache=True)
    assert marked(cached) == folders(broken) - {"0043-valid"}
    _, fresh, _ = run(broken, cache=False)
    assert [d for d in cached if d.code != MARK] == fresh
    assert any(d.path.endswith("0043-valid/analysis.md") and d.code == "field-enum" for d in fresh)


def test_a_same_size_edit_with_a_new_time_stamp_is_seen(broken: Path) -> None:
    run(broken, cache=True)
    target = broken / "analyses" / "0043-valid" / "analysis.md"
    text = target.read_text(encoding="utf-8")
    swapped = text.replace("status:", "statuz:", 1)
    assert len(swapped) == len(text)
    target.write_text(swapped, encoding="utf-8")
    os.utime(target, ns=(LONG_AGO * 10**9 + 1, LONG_AGO * 10**9 + 1))
    _, cached, _ = run(broken, cache=True)
    assert any(d.code == "field-unknown" and "statuz" in d.message for d in cached)


@pytest.mark.parametrize("change", ["added", "changed", "removed"])
def test_a_companion_change_invalidates_its_folder(broken: Path, change: str) -> None:
    folder = broken / "analyses" / "0043-valid"
    summary = folder / ("testing.md" if change == "added" else "summary.md")
    run(broken, cache=True)
    mark(broken)
    if change == "added":
        edit(summary, "# Testing\n\nLeft: <!-- template --> fill this in, see #32.\n")
    elif change == "changed":
        edit(summary, "# Summary\n\nSee #33 and TODO.\n")
    else:
        summary.unlink()
    os.utime(folder, (LONG_AGO + 120, LONG_AGO + 120))  # as adding or removing a file does
    _, diags, _ = run(broken, cache=True)
    assert "0043-valid" not in marked(diags)
    unmarked = [d for d in diags if d.code != MARK]
    kb, fresh, _ = run(broken, cache=False)
    assert unmarked == fresh
    valid = next(a for a in kb.analyses if a.folder == "0043-valid")
    expected = {"added": {"summary.md", "testing.md"}, "changed": {"summary.md"}, "removed": set()}[change]
    assert {c.name for c in valid.companions} == expected


def test_a_companion_change_keeps_the_folder_time_stamp_and_is_still_seen(broken: Path) -> None:
    """Rewriting a companion in place does not touch the folder's mtime: its own stat tells."""
    run(broken, cache=True)
    mark(broken)
    edit(broken / "analyses" / "0043-valid" / "summary.md", "# Summary\n\nNow XXXX.\n")
    os.utime(broken / "analyses" / "0043-valid", (LONG_AGO, LONG_AGO))
    _, diags, _ = run(broken, cache=True)
    assert "0043-valid" not in marked(diags)
    _, again, _ = run(broken, cache=True)
    assert any(d.code == "placeholder" and d.path.endswith("0043-valid/summary.md") for d in again)


def test_new_and_removed_folders(broken: Path) -> None:
    run(broken, cache=True)
    mark(broken)
    shutil.rmtree(broken / "analyses" / "0043-valid")
    write_file(
        broken / "analyses" / "0099-new" / "analysis.md",
        "---\nissue: 99\ntitle: New\nstatus: paused\n---\n# New\n\nSee #31.\n",
    )
    age(broken / "analyses" / "0099-new")  # its file; the others keep their stats (and change times)
    os.utime(broken / "analyses" / "0099-new", (LONG_AGO, LONG_AGO))
    _, diags, _ = run(broken, cache=True)
    assert marked(diags) == folders(broken) - {"0099-new"}
    _, fresh, _ = run(broken, cache=False)
    assert [d for d in diags if d.code != MARK] == fresh
    entries = stored(broken)["entries"]
    assert isinstance(entries, dict)
    assert not any(key.endswith("0043-valid") for key in entries)  # dropped with its folder
    assert any(key.endswith("0099-new") for key in entries)


def unmarked(diags: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diags if d.code != MARK]


def test_another_day_keeps_only_the_entries_it_cannot_change(broken: Path) -> None:
    """An entry holds from the latest date of its front matter on, or on its own day for a future date."""
    run(broken, cache=True)
    mark(broken)
    later = TODAY + dt.timedelta(days=1)
    _, diags, _ = run(broken, cache=True, today=later)
    _, fresh, _ = run(broken, cache=False, today=later)
    assert unmarked(diags) == fresh
    kept = marked(diags)
    assert "0017-date-future" not in kept  # its message names the day
    assert "0001-load-encoding" not in kept  # no record: held on its own day only
    assert {"0043-valid", "0018-date-order", "0011-field-enum"} <= kept


def test_an_earlier_day_drops_entries_with_later_dates(broken: Path) -> None:
    run(broken, cache=True)
    mark(broken)
    earlier = dt.date(2025, 4, 2)  # 0043-valid was resolved on 2025-04-03
    _, diags, _ = run(broken, cache=True, today=earlier)
    _, fresh, _ = run(broken, cache=False, today=earlier)
    assert unmarked(diags) == fresh
    assert any(d.code == "date-future" and "0043-valid" in d.path for d in fresh)
    kept = marked(diags)
    assert "0043-valid" not in kept
    assert "0011-field-enum" in kept  # no date at all: every day
    assert fresh != run(broken, cache=False)[1]  # the day changed what a date rule says


def test_another_upstream_invalidates_everything(broken: Path) -> None:
    run(broken, cache=True)
    mark(broken)
    mkdocs = broken / "mkdocs.yml"
    mkdocs.write_text(
        mkdocs.read_text(encoding="utf-8").replace("acme/widget", "acme/gadget"), encoding="utf-8"
    )
    _, diags, _ = run(broken, cache=True)
    assert not marked(diags)
    assert outputs(broken, cache=True) == outputs(broken, cache=False)


def test_another_code_hash_invalidates_everything(broken: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(broken, cache=True)
    mark(broken)
    monkeypatch.setattr(issuekb.cache, "cache_version", lambda: "0.0.0+another-code")
    _, diags, _ = run(broken, cache=True)
    assert not marked(diags)


def test_the_code_hash_covers_every_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = Path(issuekb.cache.__file__).parent
    copy = tmp_path / "issuekb"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(issuekb.cache, "__file__", str(copy / "cache.py"))
    before = cache_version()
    assert before == cache_version()
    for module in ("mentions.py", "render/tracking_tables.py"):  # a top-level module, a sub-package's
        with (copy / module).open("a", encoding="utf-8") as handle:
            handle.write("\n# a change\n")
        assert cache_version() != before
        before = cache_version()


def test_recent_files_are_not_recorded(kb_root: Path) -> None:
    write_file(
        kb_root / "analyses" / "0001-new" / "analysis.md",
        "---\nissue: 1\ntitle: T\nstatus: paused\n---\nBody\n",
    )
    run(kb_root, cache=True)
    assert not (kb_root / CACHE_DIR / CACHE_FILE).exists()  # nothing old enough to record: nothing written
    age(kb_root)
    run(kb_root, cache=True)
    assert len(RecordCache.open(load_config(kb_root), TODAY).entries) == 1


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not a pickle at all",
        pickle.dumps({"key": ("0.0.0+other",), "entries": {}}),
        pickle.dumps(["a", "list"]),
        pickle.dumps({"key": "x"})[:-3],
    ],
    ids=["empty", "garbage", "other-key", "wrong-shape", "truncated"],
)
def test_a_corrupt_or_foreign_cache_is_ignored_and_replaced(broken: Path, content: bytes) -> None:
    fresh = outputs(broken, cache=False)
    write_file(broken / CACHE_DIR / CACHE_FILE, "")
    (broken / CACHE_DIR / CACHE_FILE).write_bytes(content)
    assert outputs(broken, cache=True) == fresh
    assert RecordCache.open(load_config(broken), TODAY).entries  # rewritten with real entries


def test_an_unwritable_cache_folder_is_no_error(broken: Path) -> None:
    write_file(broken / CACHE_DIR, "a file where the folder should be")
    assert outputs(broken, cache=True) == outputs(broken, cache=False)


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


def test_frozen_loading_gives_the_same_result_and_freezes_the_records(broken: Path) -> None:
    config = load_config(broken)
    kb, diags = load_kb(config, today=TODAY, git=False)
    try:
        frozen_kb, frozen = load_kb(config, today=TODAY, git=False, frozen=True)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    assert frozen == diags
    assert records(frozen_kb) == records(kb)


def test_every_date_of_a_front_matter_bounds_the_days_of_its_entry() -> None:
    meta = {
        "a": ["2030-01-02", {"b": dt.date(2031, 1, 1)}],
        "c": " 2029-05-05 ",
        "d": "2029-13-01",  # not a real date: the model compares nothing
        "e": "on 2040-01-01",  # not a date field's value either
        "f": dt.datetime(2028, 2, 3, 4, 5, tzinfo=dt.UTC),
    }
    found = sorted(dt.date.fromordinal(day) for day in issuekb.cache._dates(meta))
    assert found == [dt.date(2028, 2, 3), dt.date(2029, 5, 5), dt.date(2030, 1, 2), dt.date(2031, 1, 1)]


def test_a_permission_change_or_a_file_renamed_into_place_is_seen(broken: Path) -> None:
    """Neither changes the size or the modification time; the change time and the inode tell."""
    run(broken, cache=True)
    mark(broken)
    target = broken / "analyses" / "0043-valid" / "analysis.md"
    target.chmod(0o600)  # a user without read access would now get an error: the fresh run says so
    other = broken / "analyses" / "0041-body-empty" / "analysis.md"
    stat, folder = other.stat(), other.parent.stat()
    copy = other.with_name("analysis.md.new")
    shutil.copy2(other, copy)  # `cp -p`: the same bytes, size and time stamp, another inode
    copy.replace(other)
    os.utime(other.parent, ns=(folder.st_mtime_ns, folder.st_mtime_ns))  # its listing is as it was
    assert (other.stat().st_size, other.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    _, diags, _ = run(broken, cache=True)
    assert marked(diags) == folders(broken) - {"0043-valid", "0041-body-empty"}
    _, fresh, _ = run(broken, cache=False)
    assert [d for d in diags if d.code != MARK] == fresh
