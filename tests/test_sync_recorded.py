"""`issuekb sync --from FILE`: a recorded listing merged offline, deterministically, tracked issues only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO_ROOT, analysis_text, write_file
from issuekb.upstream.state import load_state
from syncenv import invoke

RECORDED = REPO_ROOT / "data" / "tuya-convert-issues.json"
UPSTREAM = "ct-Open-Source/tuya-convert"
MKDOCS = f"site_name: t\nplugins:\n  - issuekb:\n      upstream: {UPSTREAM}\n"


def analysis(root: Path, number: int, extra: str = "") -> None:
    status = (
        "status: resolved\nresolution: duplicate\n" if "duplicate_of" in extra else "status: investigating\n"
    )
    front = f"issue: {number}\ntitle: Analysis {number}\n{status}{extra}"
    write_file(root / "analyses" / f"{number:04d}-analysis" / "analysis.md", analysis_text(front))


@pytest.fixture
def tuya_root(tmp_path: Path) -> Path:
    """Analyses of #1143 (naming #1153 as related) and #1159 (a duplicate of #1143)."""
    root = tmp_path / "kb"
    write_file(root / "mkdocs.yml", MKDOCS)
    analysis(root, 1143, "related: [1153]\n")
    analysis(root, 1159, "duplicate_of: 1143\n")
    return root


def items() -> dict[int, dict[str, object]]:
    return {item["number"]: item for item in json.loads(RECORDED.read_text(encoding="utf-8"))}


def test_from_file_stores_tracked_issues_as_recorded(tuya_root: Path) -> None:
    result = invoke(tuya_root, None, "--from", str(RECORDED))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    state, diags = load_state(tuya_root / "upstream-state.json")
    assert diags == []
    repo = state.repos[UPSTREAM]
    data = items()
    assert sorted(repo.issues) == [1143, 1153, 1159]  # #1165 and #1167 are in the file, not tracked
    for number, issue in repo.issues.items():
        item = data[number]
        assert (issue.title, issue.state, issue.comments) == (item["title"], item["state"], item["comments"])
        assert (issue.created_at, issue.updated_at) == (item["created_at"], item["updated_at"])
        assert issue.author == item["user"]["login"]  # type: ignore[index]
        assert issue.etag is None
    assert repo.source == "recorded:tuya-convert-issues.json"
    assert repo.synced_at == max(str(item["updated_at"]) for item in data.values())
    assert (repo.watermark, repo.etag) == (None, None)  # a live sync later checks each issue itself
    assert (
        f"{UPSTREAM}: 5 items in tuya-convert-issues.json; stored 3 (of 3 issues and 0 pull requests "
        "tracked); skipped 2 that no analysis names; left untouched: 0 tracked issues in no file"
    ) in result.output
    assert "3 changes" in result.output


def test_from_file_is_deterministic_and_idempotent(tuya_root: Path, tmp_path: Path) -> None:
    assert invoke(tuya_root, None, "--from", str(RECORDED)).exit_code == 0
    first = (tuya_root / "upstream-state.json").read_bytes()
    again = invoke(tuya_root, None, "--from", str(RECORDED))
    assert "upstream-state.json unchanged" in again.output
    other = tmp_path / "other"
    write_file(other / "mkdocs.yml", MKDOCS)
    analysis(other, 1143, "related: [1153]\n")
    analysis(other, 1159, "duplicate_of: 1143\n")
    assert invoke(other, None, "--from", str(RECORDED)).exit_code == 0
    assert (
        (other / "upstream-state.json").read_bytes()
        == first
        == (tuya_root / "upstream-state.json").read_bytes()
    )


def test_older_recorded_data_does_not_replace_newer_state(tuya_root: Path, tmp_path: Path) -> None:
    assert invoke(tuya_root, None, "--from", str(RECORDED)).exit_code == 0
    before = (tuya_root / "upstream-state.json").read_bytes()
    old = items()[1153] | {"updated_at": "2025-01-05T00:00:00Z", "comments": 1}
    stale = write_file(tmp_path / "stale.json", json.dumps([old]))
    result = invoke(tuya_root, None, "--from", str(stale))
    assert result.exit_code == 0, result.output
    assert "left untouched: 2 tracked issues in no file, 1 older than the stored state" in result.output
    assert (tuya_root / "upstream-state.json").read_bytes() == before


def test_dropped_when_no_analysis_names_it(tuya_root: Path) -> None:
    assert invoke(tuya_root, None, "--from", str(RECORDED)).exit_code == 0
    (tuya_root / "analyses" / "1159-analysis" / "analysis.md").unlink()
    (tuya_root / "analyses" / "1159-analysis").rmdir()
    result = invoke(tuya_root, None, "--from", str(RECORDED))
    assert f"{UPSTREAM}#1159: dropped: no analysis names it" in result.output
    assert sorted(load_state(tuya_root / "upstream-state.json")[0].repos[UPSTREAM].issues) == [1143, 1153]


def test_nothing_dropped_while_an_analysis_is_broken(tuya_root: Path) -> None:
    assert invoke(tuya_root, None, "--from", str(RECORDED)).exit_code == 0
    (tuya_root / "analyses" / "1159-analysis" / "analysis.md").write_text("---\nissue: 1159\n---\n")
    result = invoke(tuya_root, None, "--from", str(RECORDED))
    assert result.exit_code == 0
    assert "no record is dropped this time" in result.stderr
    assert 1159 in load_state(tuya_root / "upstream-state.json")[0].repos[UPSTREAM].issues


def test_dry_run_from_file_writes_nothing(tuya_root: Path) -> None:
    result = invoke(tuya_root, None, "--from", str(RECORDED), "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"{UPSTREAM}#1143: new: open" in result.output
    assert "would change; nothing written" in result.output
    assert not (tuya_root / "upstream-state.json").exists()


def test_bad_items_are_located_and_nothing_is_written(tuya_root: Path, tmp_path: Path) -> None:
    data = items()
    good = json.dumps(data[1143], indent=2)
    no_state = json.dumps({k: v for k, v in data[1153].items() if k != "state"}, indent=2)
    bad_time = json.dumps(data[1159] | {"updated_at": "last tuesday"}, indent=2)
    text = f"[\n{good},\n{no_state},\n{bad_time}\n]\n"
    path = write_file(tmp_path / "bad.json", text)
    line_2 = text[: text.index(no_state)].count("\n") + 1
    line_3 = text[: text.index(bad_time)].count("\n") + 1
    result = invoke(tuya_root, None, "--from", str(path))
    assert result.exit_code == 2
    assert (
        f"bad.json:{line_2}:1: error[sync-from-item] Not a GitHub issue object: issue #1153: field 'state' "
        "is missing or has the wrong type" in result.stderr
    )
    assert (
        f"bad.json:{line_3}:1: error[sync-from-item] Not a GitHub issue object: issue #1159: updated_at is "
        "not an ISO 8601 time: 'last tuesday'" in result.stderr
    )
    assert "bad.json: not a usable recorded listing; nothing was written" in result.stderr
    assert not (tuya_root / "upstream-state.json").exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[\n  {"number": 1,\n  "title" "x"}\n]',
            "bad.json:3:11: error[sync-from-json] Not valid JSON: Expecting ':'",
        ),
        ('{"number": 1}', "bad.json:1:1: error[sync-from-shape] The recorded listing must be a JSON array"),
        ("[1, 2] trailing", "bad.json:1:8: error[sync-from-json] Not valid JSON: Extra data"),
    ],
)
def test_unreadable_recorded_files(tuya_root: Path, tmp_path: Path, text: str, expected: str) -> None:
    path = write_file(tmp_path / "bad.json", text)
    result = invoke(tuya_root, None, "--from", str(path))
    assert result.exit_code == 2
    assert expected in result.stderr
    assert not (tuya_root / "upstream-state.json").exists()


def test_missing_recorded_file_is_reported_even_with_nothing_tracked(kb_root: Path, tmp_path: Path) -> None:
    result = invoke(kb_root, None, "--from", str(tmp_path / "missing.json"))
    assert result.exit_code == 2
    assert "missing.json: no such file" in result.stderr
    assert not (kb_root / "upstream-state.json").exists()


def test_committed_state_file_is_the_recorded_listing(tmp_path: Path) -> None:
    """The committed upstream-state.json is what `sync --from data/...` makes of the repository's content."""
    root = tmp_path / "kb"
    for name in ("mkdocs.yml", "upstream-state.json"):
        write_file(root / name, (REPO_ROOT / name).read_text(encoding="utf-8"))
    for source in (REPO_ROOT / "analyses").rglob("*.md"):
        write_file(root / source.relative_to(REPO_ROOT), source.read_text(encoding="utf-8"))
    (root / "data").mkdir()
    (root / "data" / RECORDED.name).write_bytes(RECORDED.read_bytes())

    result = invoke(root, None, "--from", str(root / "data" / RECORDED.name), "--full")

    assert result.exit_code == 0, result.output
    assert "upstream-state.json unchanged" in result.output
    assert (root / "upstream-state.json").read_bytes() == (REPO_ROOT / "upstream-state.json").read_bytes()
