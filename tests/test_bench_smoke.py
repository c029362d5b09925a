"""`make bench` at N = 50 with one run, so that the benchmark cannot rot: every row, table and target is there.

The numbers themselves are not asserted (one run on a busy machine says nothing); their presence, shape
and the request counts of sync (exact, from the fake GitHub server) are.
"""

from __future__ import annotations

import importlib
import json
import os
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO_ROOT, run_bench

report = importlib.import_module("bench.report")

pytestmark = pytest.mark.site


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str, Path]:
    out = tmp_path_factory.mktemp("bench-results")
    docs = out / "benchmarks.md"
    docs.write_text(
        f"# Benchmarks\n\nBefore.\n\n{report.DOCS_START}\nold table\n{report.DOCS_END}\n\nAfter.\n"
    )
    done = run_bench(
        "bench",
        *("--sizes", "50", "--site-sizes", "5,50", "--runs", "1", "--sync-issues", "50"),
        *("--out", str(out), "--docs", str(docs), "--write-docs"),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((out / "bench.json").read_text(encoding="utf-8"))
    table = (out / "bench.md").read_text(encoding="utf-8")
    assert table in done.stdout
    return results, table, docs


def test_json_has_every_measurement(bench_run: tuple[dict[str, Any], str, Path]) -> None:
    results, _, _ = bench_run
    assert set(results) == {"date", "machine", "command", "runs", "core", "site", "sync", "targets"}
    machine = results["machine"]
    assert isinstance(machine, dict)
    assert machine["cores"] == os.cpu_count()
    assert machine["cpu"]
    assert machine["python"]
    [core] = results["core"]
    assert core["n"] == 50
    for kind in ("issuekb", "baseline"):
        assert core[kind]["seconds"] > 0
        assert core[kind]["peak_rss_mb"] > 0
    assert core["ratio"] > 0
    assert [row["n"] for row in results["site"]] == [5, 50]
    for row in results["site"]:
        assert row["plugin"]["seconds"] > 0
        assert row["floor"]["seconds"] > 0
        assert row["plugin_bytes"] > 0
        assert row["floor_bytes"] > 0
        assert row["ratio"] > 0


def test_sync_counts_are_exact(bench_run: tuple[dict[str, Any], str, Path]) -> None:
    results, _, _ = bench_run
    counts = [(r["scenario"], r["sync_requests"], r["naive_requests"]) for r in results["sync"]]
    # first sync: one conditional request per tracked issue and one listing; then the listing alone
    # (304 when nothing changed), and one more page when something did. The naive loop: one per issue.
    assert counts == [("first sync", 51, 50), ("nothing changed", 1, 50), ("10 changed", 2, 50)]


def test_table_has_every_section_and_row(bench_run: tuple[dict[str, Any], str, Path]) -> None:
    results, table, _ = bench_run
    for heading in ("### Load + check + TRACKING.md", "### Site build", "### Sync requests", "### Targets"):
        assert heading in table
    assert "2 cores" in table or f"{os.cpu_count()} cores" in table
    assert "Reproduce: `python -m bench --sizes 50 --site-sizes 5,50 --runs 1 --sync-issues 50`" in table
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| N ")]
    assert any(line.startswith("| 50 | ") for line in rows)
    assert any(line.startswith("| 5 | ") for line in rows)
    assert [
        line.split(" | ")[0] for line in rows if line.startswith(("| first", "| nothing", "| 10 changed"))
    ] == [
        "| first sync",
        "| nothing changed",
        "| 10 changed",
    ]
    targets = results["targets"]
    assert isinstance(targets, list)
    assert len(targets) == 6
    for target in targets:
        assert f"| {target['target']} |" in table
    # at N = 50 the targets at 10,000 and 1,000 are not measured, and say so
    assert table.count("| not measured | — |") == 5


def test_write_docs_replaces_only_the_marked_part(bench_run: tuple[dict[str, Any], str, Path]) -> None:
    _, table, docs = bench_run
    text = docs.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nBefore.\n\n")
    assert text.endswith(f"{report.DOCS_END}\n\nAfter.\n")
    assert "old table" not in text
    assert table in text


def test_the_real_docs_page_has_the_markers() -> None:
    text = (REPO_ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    assert text.count(report.DOCS_START) == 1
    assert text.count(report.DOCS_END) == 1
