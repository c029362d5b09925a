"""The benchmark report: the targets judged, the Markdown tables, and the copy into the docs."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

__all__ = ["DOCS_END", "DOCS_START", "command", "markdown", "targets", "write_docs"]

DOCS_START = "<!-- bench:start (written by `python -m bench --write-docs`) -->"
DOCS_END = "<!-- bench:end -->"
#: Core targets at 10,000 and 1,000 analyses; site targets at 1,000 (linearity from 100 to 1,000).
CORE_N, CORE_SMALL, SITE_N, SITE_SMALL = 10_000, 1_000, 1_000, 100
MAX_RATIO, MAX_RSS_MB, MAX_SMALL_SECONDS = 1.0, 300.0, 0.5
MAX_SITE_RATIO, MAX_GROWTH, MAX_KB_PER_ANALYSIS = 1.15, 11.0, 40.0


def command(args: argparse.Namespace) -> str:
    """The command that reproduces a run with these arguments."""
    parts = ["python -m bench", f"--sizes {args.sizes}", f"--site-sizes {args.site_sizes}"]
    if args.full:
        parts.append("--full")
    parts += [f"--runs {args.runs}", f"--sync-issues {args.sync_issues}"]
    if args.seed != 668:
        parts.append(f"--seed {args.seed}")
    return " ".join(parts)


def _row(rows: list[dict[str, Any]], n: int) -> dict[str, Any] | None:
    return next((row for row in rows if row["n"] == n), None)


def _target(
    name: str, value: float | None, limit: float, *, at_most: bool = True, unit: str = ""
) -> dict[str, Any]:
    if value is None:
        return {"target": name, "measured": None, "met": None}
    met = value <= limit if at_most else value >= limit
    return {"target": name, "measured": value, "unit": unit, "met": met}


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Every target with the measured value (None when that size was not measured)."""
    core, small = _row(results["core"], CORE_N), _row(results["core"], CORE_SMALL)
    return [
        _target(
            f"`issuekb tracking` / python-frontmatter's loading at 10,000 at most {MAX_RATIO:.1f}",
            core["ratio"] if core else None,
            MAX_RATIO,
            unit="x",
        ),
        _target(
            f"peak RSS of `issuekb tracking` at 10,000 under {MAX_RSS_MB:.0f} MB",
            core["issuekb"]["peak_rss_mb"] if core else None,
            MAX_RSS_MB,
            unit="MB",
        ),
        _target(
            f"`issuekb tracking` at 1,000 under {MAX_SMALL_SECONDS} s",
            small["issuekb"]["seconds"] if small else None,
            MAX_SMALL_SECONDS,
            unit="s",
        ),
        *_site_targets(results),
    ]


def _site_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    site, small = _row(results["site"], SITE_N), _row(results["site"], SITE_SMALL)
    largest = max(results["site"], key=lambda row: row["n"], default=None)
    return [
        _target(
            f"site build with the plugin / plain floor at 1,000 under {MAX_SITE_RATIO}",
            site["ratio"] if site else None,
            MAX_SITE_RATIO,
            unit="x",
        ),
        _target(
            f"site build time at 1,000 / at 100 at most {MAX_GROWTH:.0f}",
            site["plugin"]["seconds"] / small["plugin"]["seconds"] if site and small else None,
            MAX_GROWTH,
            unit="x",
        ),
        _target(
            f"site bytes per analysis under {MAX_KB_PER_ANALYSIS:.0f} KB (largest site built)",
            largest["plugin_bytes"] / largest["n"] / 1024 if largest else None,
            MAX_KB_PER_ANALYSIS,
            unit="KB",
        ),
    ]


def _s(value: float) -> str:
    return f"{value:.2f}"


def _core_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| N | `issuekb tracking` s (CPU s) | python-frontmatter s (CPU s) | ratio (median of the rounds) "
        "| peak RSS MB: issuekb / frontmatter |",
        "|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        run, base = row["issuekb"], row["baseline"]
        lines.append(
            f"| {row['n']:,} | {_s(run['seconds'])} ({_s(run['cpu_seconds'])}) "
            f"| {_s(base['seconds'])} ({_s(base['cpu_seconds'])}) | {row['ratio']:.2f} "
            f"| {run['peak_rss_mb']:.0f} / {base['peak_rss_mb']:.0f} |"
        )
    return lines


def _site_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| N | with plugin s (CPU s) | plain floor s (CPU s) | ratio (median of the rounds) | time vs previous N "
        "| KB per analysis: plugin / floor | peak RSS MB: plugin / floor |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    previous: dict[str, Any] | None = None
    for row in rows:
        plugin, floor = row["plugin"], row["floor"]
        growth = (
            f"{plugin['seconds'] / previous['plugin']['seconds']:.1f}x for {row['n'] / previous['n']:.0f}x N"
            if previous
            else "—"
        )
        lines.append(
            f"| {row['n']:,} | {_s(plugin['seconds'])} ({_s(plugin['cpu_seconds'])}) "
            f"| {_s(floor['seconds'])} ({_s(floor['cpu_seconds'])}) "
            f"| {row['ratio']:.2f} "
            f"| {growth} "
            f"| {row['plugin_bytes'] / row['n'] / 1024:.1f} / {row['floor_bytes'] / row['n'] / 1024:.1f} "
            f"| {plugin['peak_rss_mb']:.0f} / {floor['peak_rss_mb']:.0f} |"
        )
        previous = row
    return lines


def _sync_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| run | tracked issues | `issuekb sync` requests | naive `get_issue` loop requests | sync s | naive s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {row['scenario']} | {row['issues']:,} | {row['sync_requests']:,} | {row['naive_requests']:,} "
        f"| {_s(row['sync_seconds'])} | {_s(row['naive_seconds'])} |"
        for row in rows
    ]
    return lines


def _targets_table(found: list[dict[str, Any]]) -> list[str]:
    lines = ["| target | measured | met |", "|---|---:|---|"]
    for item in found:
        if item["measured"] is None:
            lines.append(f"| {item['target']} | not measured | — |")
        else:
            value = f"{item['measured']:.2f} {item['unit']}".strip()
            lines.append(f"| {item['target']} | {value} | {'yes' if item['met'] else '**no**'} |")
    return lines


def markdown(results: dict[str, Any]) -> str:
    """The whole report as Markdown: machine, command, one table per measurement, the targets."""
    m = results["machine"]
    lines = [
        f"Measured on {results['date']}: {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB, "
        f"Python {m['python']} on {m['platform']}. Medians of {results['runs']} fresh processes each.",
        "",
        f'Reproduce: `{results["command"]}` (`make bench ARGS="..."`).',
        "",
        "### Load + check + TRACKING.md",
        "",
        *_core_table(results["core"]),
        "",
        "### Site build",
        "",
        *_site_table(results["site"]),
        "",
        "### Sync requests",
        "",
        *_sync_table(results["sync"]),
        "",
        "### Targets",
        "",
        *_targets_table(results["targets"]),
    ]
    return "\n".join(lines) + "\n"


def write_docs(path: Path, table: str) -> None:
    """Replace the text between the bench markers of `path` with `table` (the rest of the page stays)."""
    from issuekb.writes import write_if_changed

    text = path.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(DOCS_START) + r".*?" + re.escape(DOCS_END), re.DOTALL)
    if not pattern.search(text):
        raise SystemExit(f"{path}: no {DOCS_START} ... {DOCS_END} markers to write between")
    write_if_changed(path, pattern.sub(lambda _: f"{DOCS_START}\n\n{table}\n{DOCS_END}", text, count=1))
