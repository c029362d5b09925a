"""`issuekb import`: the legacy fixture (golden report and front matter), the two seed documents, and
the command's promises (SRC untouched, dry run writes nothing, no overwrite without --force).

`pytest --update-golden tests/test_import.py` rewrites tests/golden/import/ from what the code produces.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conftest import GOLDEN, REPO_ROOT, TODAY, write_file
from issuekb.cli import cli
from issuekb.config import load_config
from issuekb.core.document import load_document
from issuekb.core.refs import IssueRef
from issuekb.core.schema import Resolution, Status
from issuekb.pipeline import load_kb

FIXTURE = REPO_ROOT / "tests" / "fixtures" / "legacy-kb"
SEED = REPO_ROOT / "tests" / "fixtures" / "seed-1159"
EXPECTED = GOLDEN / "import"
#: The issues of the fixture, and the folders whose header block stays in the body (a value in it
#: did not reach the front matter).
NUMBERS = (42, 57, 77, 101, 123, 130, 140, 150, 160, 170, 180, 190, 195, 200, 205)
HEADER_KEPT = ("0180-dns-cache", "0205-clock-skew")
FIXTURE_MKDOCS = """\
site_name: imported
plugins:
  - issuekb:
      upstream: acme-labs/widgetd
      fork: acme-labs-fork/widgetd
"""
SEED_MKDOCS = """\
site_name: imported seeds
plugins:
  - issuekb:
      upstream: ct-Open-Source/tuya-convert
      fork: sfo2001/tuya-convert
"""


def tree_digest(root: Path) -> str:
    """A hash of every path, mode, modification time and content under `root`."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        stat = path.stat()
        digest.update(f"{path.relative_to(root)}|{stat.st_mode}|{stat.st_mtime_ns}\n".encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def make_kb(root: Path, mkdocs: str = FIXTURE_MKDOCS) -> Path:
    write_file(root / "mkdocs.yml", mkdocs)
    (root / "analyses").mkdir(parents=True)
    return root


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["import", *args], catch_exceptions=False)


@pytest.fixture
def legacy(tmp_path: Path) -> Path:
    """A copy of the shared legacy fixture (the name stays, the report shows it)."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "src" / "legacy-kb"))


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    return make_kb(tmp_path / "kb")


def front_matter(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text[: text.index("\n---\n", 4) + 5]


# -- the fixture: golden report and front matter --------------------------------------------------------


def test_fixture_golden(legacy: Path, kb: Path, update_golden: bool) -> None:
    before = tree_digest(legacy)
    dry_json = run(str(legacy), "--root", str(kb), "--dry-run", "--format", "json")
    result = run(str(legacy), "--root", str(kb))
    assert result.exit_code == 0, result.output
    assert tree_digest(legacy) == before

    produced = {"report.md": result.output, "report.json": dry_json.output}
    for folder in sorted((kb / "analyses").iterdir()):
        produced[f"front-matter/{folder.name}.md"] = front_matter(folder / "analysis.md")
    if update_golden:
        shutil.rmtree(EXPECTED, ignore_errors=True)
        for name, text in produced.items():
            write_file(EXPECTED / name, text)
    expected = {
        p.relative_to(EXPECTED).as_posix(): p.read_text(encoding="utf-8") for p in EXPECTED.rglob("*.*")
    }
    assert produced == expected


def test_fixture_conflicts_are_the_planted_ones(legacy: Path, kb: Path) -> None:
    report = json.loads(run(str(legacy), "--root", str(kb), "--format", "json").output)
    by_issue = {a["issue"]: a for a in report["analyses"]}
    assert sorted(by_issue, key=lambda i: int(i.split("#")[1])) == [f"acme-labs/widgetd#{n}" for n in NUMBERS]
    arm64 = by_issue["acme-labs/widgetd#101"]
    statuses = [
        (c["chosen"], c["other"], c["other_from"]) for c in arm64["conflicts"] if c["field"] == "status"
    ]
    assert statuses == [
        ("investigating", "resolved", "TRACKING.md:10"),
        ("investigating", "resolved", "body analysis.md:17"),
    ]
    assert arm64["front_matter"]["status"] == "investigating"
    assert arm64["front_matter"]["status_note"] == "upstream: Open, Unaddressed"
    assert [c["field"] for c in arm64["conflicts"]] == ["title", "status", "status"]
    for issue in (42, 57, 77, 123, 130, 180, 190, 200):
        assert by_issue[f"acme-labs/widgetd#{issue}"]["conflicts"] == [], issue
    assert [s["path"] for s in report["skipped"]] == ["README.md", "TEMPLATE.md", "open/NOTES.md"]
    assert report["tracking"]["rows_without_folder"] == [
        {"file": "TRACKING.md", "line": 17, "issue": 88, "title": "Log rotation"}
    ]


def test_fixture_records_read_back_as_analyses(legacy: Path, kb: Path) -> None:
    assert run(str(legacy), "--root", str(kb)).exit_code == 0
    knowledge, diags = load_kb(load_config(kb), today=TODAY, git=False)
    assert diags == []
    got = {a.issue: a for a in knowledge.analyses}
    assert sorted(got) == list(NUMBERS)
    assert (got[42].status, got[42].resolution, got[42].commits, got[42].prs) == (
        Status.RESOLVED,
        Resolution.FIXED,
        ("4f1c2ab",),
        (3,),
    )
    assert got[42].related_notes[IssueRef("acme-labs/widgetd", 88)] == "log rotation sends SIGHUP"
    assert got[57].duplicate_of == IssueRef("acme-labs/widgetd", 42)
    assert (got[77].status, got[77].resolution) == (Status.ARCHIVED, Resolution.OUT_OF_SCOPE)
    assert got[123].reported is not None and got[123].reported.isoformat() == "2025-03-03"
    assert got[130].commits == ("0b7d3e9", "77aa1f0")
    assert [c.name for c in got[42].companions] == ["summary.md"]
    assert [c.name for c in got[130].companions] == ["implementation.md"]


def test_bodies_lose_only_the_field_block_and_companions_are_copied(legacy: Path, kb: Path) -> None:
    assert run(str(legacy), "--root", str(kb)).exit_code == 0
    for source in sorted(legacy.glob("*/*/analysis.md")):
        if source.parent.name in HEADER_KEPT:
            continue
        written = kb / "analyses" / source.parent.name / "analysis.md"
        original = source.read_text(encoding="utf-8")
        heading, rest = original.split("\n", 1)
        after_rule = rest.split("\n---\n", 1)[1].lstrip("\n")
        body = written.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        assert body == f"{heading}\n\n{after_rule}", source
        for companion in source.parent.glob("*.md"):
            if companion.name != "analysis.md":
                assert (written.parent / companion.name).read_bytes() == companion.read_bytes()


# -- the seed documents -------------------------------------------------------------------------------


def test_seed_documents(tmp_path: Path) -> None:
    folder = tmp_path / "legacy" / "resolved" / "1159-pep668-duplicate"
    folder.mkdir(parents=True)
    shutil.copy(SEED / "analysis.md", folder / "analysis.md")
    shutil.copy(SEED / "summary.md", folder / "summary.md")
    kb = make_kb(tmp_path / "kb", SEED_MKDOCS)
    before = tree_digest(tmp_path / "legacy")

    result = run(str(tmp_path / "legacy"), "--root", str(kb), "--format", "json")
    assert result.exit_code == 0, result.output
    assert tree_digest(tmp_path / "legacy") == before
    (entry,) = json.loads(result.output)["analyses"]
    assert entry["destination"] == "analyses/1159-pep668-duplicate/"
    assert [(f["code"], f["message"]) for f in entry["findings"]] == [
        ("duplicate-unknown", "duplicate_of names #1143, which has no analysis here")
    ]

    written = kb / "analyses" / "1159-pep668-duplicate"
    knowledge, _ = load_kb(load_config(kb), today=TODAY, git=False)
    (analysis,) = knowledge.analyses
    repo = "ct-Open-Source/tuya-convert"
    assert analysis.ref == IssueRef(repo, 1159)
    assert analysis.title == "error: This environment is externally managed"
    assert (analysis.status, analysis.resolution) == (Status.RESOLVED, Resolution.DUPLICATE)
    assert analysis.duplicate_of == IssueRef(repo, 1143)
    assert analysis.related == (IssueRef(repo, 1143), IssueRef(repo, 1167), IssueRef(repo, 1153))
    assert analysis.related_notes[IssueRef(repo, 1167)] == "venv PATH"
    assert analysis.commits == ("b8a8291", "90547b0")  # d071bdc is a related commit, not this fix
    assert analysis.prs == (9, 13)  # PR #17 is listed under related PRs
    assert analysis.reporter == "ricardopretrazy"
    assert (analysis.reported, analysis.analyzed) == (dt.date(2025, 4, 1), dt.date(2025, 11, 6))
    assert analysis.priority == "high"
    assert "Debian 12+ (Bookworm)" in analysis.affected
    assert (written / "summary.md").read_bytes() == (folder / "summary.md").read_bytes()
    head = analysis.body.split("## Executive Summary", 1)[0]
    assert "**Reporter**" not in head and "**Status**" not in head
    assert "**Analysis By**" in analysis.body  # field lines outside the header block stay in the body


# -- the command's promises ---------------------------------------------------------------------------


def test_dry_run_writes_nothing_and_reports_the_same(legacy: Path, kb: Path, tmp_path: Path) -> None:
    before = tree_digest(kb)
    dry = run(str(legacy), "--root", str(kb), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert tree_digest(kb) == before
    assert "dry run: nothing written" in dry.output

    real = run(str(legacy), "--root", str(kb), "--report", str(tmp_path / "report.md"))
    assert real.exit_code == 0
    assert (tmp_path / "report.md").read_text(encoding="utf-8") == real.output
    # everything after the summary line is the same
    assert dry.output.split("\n", 3)[3] == real.output.split("\n", 3)[3]


def test_existing_analysis_is_never_overwritten_without_force(legacy: Path, kb: Path) -> None:
    mine = write_file(
        kb / "analyses" / "0042-bom-crash" / "analysis.md",
        "---\nissue: 42\ntitle: Mine\nstatus: investigating\n---\nMine.\n",
    )
    before = tree_digest(kb)
    refused = CliRunner().invoke(cli, ["import", str(legacy), "--root", str(kb)])
    assert refused.exit_code == 2
    assert "analyses/0042-bom-crash/" in refused.output
    assert tree_digest(kb) == before

    forced = run(str(legacy), "--root", str(kb), "--force")
    assert forced.exit_code == 0, forced.output
    assert "`analyses/0042-bom-crash/` (overwritten)" in forced.output
    assert not (kb / "analyses" / "0042-reload-crash").exists()
    doc, _ = load_document(mine, "analysis.md")
    assert (
        doc.meta is not None
        and doc.meta["title"] == "widgetd crashes on SIGHUP when the config file has a BOM"
    )
    assert (mine.parent / "summary.md").is_file()


def test_repository_comes_from_the_files_then_repo_option_then_upstream(
    tmp_path: Path, kb_root: Path
) -> None:
    src = tmp_path / "src"
    write_file(src / "0005-no-links" / "analysis.md", "# Issue #5: t\n\n**Status**: Open\n\nText.\n")
    result = run(str(src), "--root", str(kb_root), "--dry-run", "--format", "json")
    assert json.loads(result.output)["analyses"][0]["issue"] == "acme/widget#5"

    result = run(str(src), "--root", str(kb_root), "--repo", "other/thing", "--format", "json")
    (entry,) = json.loads(result.output)["analyses"]
    assert entry["issue"] == "other/thing#5"
    assert entry["sources"]["repo"] == {"how": "inferred", "from": "derived: --repo"}
    assert "repo: other/thing\n" in (kb_root / "analyses" / "0005-no-links" / "analysis.md").read_text(
        "utf-8"
    )

    write_file(src / "0006-linked" / "analysis.md", "**Upstream**: https://github.com/third/repo/issues/6\n")
    result = run(
        str(src), "--root", str(kb_root), "--repo", "other/thing", "--force", "--dry-run", "--format", "json"
    )
    assert [a["issue"] for a in json.loads(result.output)["analyses"]] == ["third/repo#5", "third/repo#6"]


def test_bad_input_gives_located_messages_and_exit_codes(tmp_path: Path, kb_root: Path) -> None:
    src = tmp_path / "src"
    (src / "open" / "0007-latin1").mkdir(parents=True)
    (src / "open" / "0007-latin1" / "analysis.md").write_bytes(b"# Issue #7\n\n**Reporter**: J\xf6rg\n")
    write_file(src / "open" / "0008-twice" / "analysis.md", "**Status**: Open\n")
    write_file(src / "resolved" / "0008-twice" / "analysis.md", "**Status**: Resolved\n")
    write_file(src / "0009-ok" / "analysis.md", "**Status**: sometime soon\n**Date**: last spring\n\nText.\n")
    result = run(str(src), "--root", str(kb_root), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert [(e["path"], e["line"], e["code"]) for e in report["errors"]] == [
        ("open/0007-latin1/analysis.md", 3, "import-encoding"),
        ("resolved/0008-twice", 1, "import-collision"),
    ]
    ok = next(a for a in report["analyses"] if a["legacy_folder"] == "0009-ok/")
    assert ok["notes"][:2] == [
        "analysis.md:1: cannot read **Status**: sometime soon",
        "analysis.md:2: cannot read **Date**: last spring",
    ]
    assert ok["field_block_removed"] is False
    assert (
        (kb_root / "analyses" / "0009-ok" / "analysis.md")
        .read_text("utf-8")
        .endswith("**Date**: last spring\n\nText.\n")
    )

    usage = CliRunner().invoke(cli, ["import", str(src), "--root", str(kb_root), "--repo", "not a repo"])
    assert usage.exit_code == 2 and "owner/name" in usage.output
    inside = CliRunner().invoke(cli, ["import", str(kb_root), "--root", str(kb_root)])
    assert inside.exit_code == 2 and "never written to" in inside.output
    empty = CliRunner().invoke(
        cli, ["import", str(tmp_path / "src" / "open" / "0007-latin1"), "--root", str(kb_root)]
    )
    assert empty.exit_code == 2 and "no <number>-<slug>/ folder" in empty.output


def test_every_disagreement_is_a_conflict_and_the_order_decides(tmp_path: Path, kb_root: Path) -> None:
    src = tmp_path / "src"
    folder = src / "resolved" / "0010-crash"
    write_file(
        folder / "analysis.md",
        "# Issue #10: Crash\n\n**Reporter**: ann\n**Status**: Resolved\n**Fix Commit**: abc1234\n\n---\n\nBody.\n",
    )
    write_file(folder / "summary.md", "# Summary\n\n**Reporter**: bob\n**Commits**: abc1234, def5678\n")
    write_file(
        src / "TRACKING.md",
        "| Issue | Status | Location | Commits |\n|---|---|---|---|\n| #10 | 📦 Archived | `open/0010-crash/` | 1111aaa |\n",
    )
    result = run(str(src), "--root", str(kb_root), "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.output)["analyses"]
    assert [
        (c["field"], c["chosen"], c["chosen_from"], c["other"], c["other_from"]) for c in entry["conflicts"]
    ] == [
        (
            "location",
            "resolved/0010-crash/",
            "folder resolved/0010-crash/",
            "open/0010-crash/",
            "TRACKING.md:3",
        ),
        ("status", "resolved", "folder resolved/", "archived", "TRACKING.md:3"),
        ("commits", "abc1234", "analysis.md:5", "abc1234, def5678", "summary.md:4"),
        ("commits", "abc1234", "analysis.md:5", "1111aaa", "TRACKING.md:3"),
        ("reporter", "ann", "analysis.md:3", "bob", "summary.md:3"),
    ]
    assert entry["front_matter"]["resolution"] == "fixed"
    assert entry["sources"]["resolution"] == {
        "how": "inferred",
        "from": "derived: resolved, with fix commits",
    }
