"""`make bench`: generate the synthetic knowledge bases, take every measurement, write the report.

    python -m bench [--sizes 100,1000,10000] [--site-sizes 100,1000] [--full] [--runs 3]
                    [--sync-issues 1000] [--out bench-results] [--write-docs]

Everything is generated into a temporary folder and removed afterwards. Every timing is the median of
`--runs` fresh processes (`bench.measure`). The Markdown table is printed and written with the JSON
results into `--out` (gitignored); `--write-docs` also copies the table into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import report
from bench.site import prepare, site_bytes
from bench.sync import measure_sync
from bench.synth import generate

__all__ = ["main", "measure", "run"]

ROOT = Path(__file__).resolve().parent.parent


def machine() -> dict[str, Any]:
    """Cores, CPU model, memory and Python version of this machine."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "memory_gib": round(memory, 1),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
    }


def measure(kind: str, root: Path, *options: str) -> dict[str, Any]:
    """One fresh process (`bench.measure`); its JSON line plus the process's own wall time (interpreter
    start included)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bench.measure", kind, str(root), *options],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"bench.measure {kind} {root} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_seconds"] = elapsed
    return result


def _summary(samples: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians of every number the measurements report, and the samples themselves."""
    keys = ("seconds", "cpu_seconds", "peak_rss_mb", "process_seconds")
    median: dict[str, Any] = {key: statistics.median(s[key] for s in samples) for key in keys}
    median["runs"] = len(samples)
    median["samples"] = [s["seconds"] for s in samples]
    return median


def _rounds(steps: list[tuple[str, str, Path]], runs: int) -> dict[str, Any]:
    """`runs` rounds of one measurement per step `(name, kind, root)`, side by side: a machine whose speed
    drifts over minutes slows every step of a round alike. Every other round takes the steps in reverse
    order, so that neither side always goes first (a drift within a round, or a cost of going first or
    second, falls on each side in turn). Returns each step's medians by name, samples in round order."""
    samples: dict[str, list[dict[str, Any]]] = {name: [] for name, _, _ in steps}
    for round_number in range(runs):
        for name, kind, root in steps if round_number % 2 == 0 else steps[::-1]:
            samples[name].append(measure(kind, root))
    return {name: _summary(found) for name, found in samples.items()}


def _ratio(results: dict[str, Any], over: str, under: str) -> float:
    """The median of the rounds' time ratios (each round's measurements were taken one after the other)."""
    pairs = zip(results[over]["samples"], results[under]["samples"], strict=True)
    return float(statistics.median(a / b for a, b in pairs))


def _core(workdir: Path, sizes: list[int], runs: int, seed: int) -> list[dict[str, Any]]:
    """Per size: `issuekb tracking`'s work and python-frontmatter's bare loading, side by side."""
    rows = []
    for n in sizes:
        root = workdir / f"core-{n}"
        generate(root, n, seed)
        print(f"[bench] core N={n}", file=sys.stderr, flush=True)
        found = _rounds([("issuekb", "core", root), ("baseline", "baseline", root)], runs)
        rows.append({"n": n, **found, "ratio": _ratio(found, "issuekb", "baseline")})
    return rows


def _site(workdir: Path, sizes: list[int], runs: int, seed: int) -> list[dict[str, Any]]:
    rows = []
    for n in sizes:
        print(f"[bench] site N={n}", file=sys.stderr, flush=True)
        case = prepare(workdir / f"site-{n}", n, seed)
        found = _rounds([("plugin", "mkdocs", case.plugin), ("floor", "mkdocs", case.floor)], runs)
        rows.append(
            {
                "n": n,
                "plugin": found["plugin"],
                "floor": found["floor"],
                "ratio": _ratio(found, "plugin", "floor"),
                "plugin_bytes": site_bytes(case.plugin),
                "floor_bytes": site_bytes(case.floor),
            }
        )
    return rows


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Every measurement the arguments ask for, as the JSON document of the report."""
    sizes = [int(s) for s in args.sizes.split(",") if s]
    site_sizes = [int(s) for s in args.site_sizes.split(",") if s]
    if args.full and 10_000 not in site_sizes:
        site_sizes.append(10_000)
    with tempfile.TemporaryDirectory(prefix="issuekb-bench-") as tmp:
        workdir = Path(tmp)
        results: dict[str, Any] = {
            "date": dt.date.today().isoformat(),
            "machine": machine(),
            "command": report.command(args),
            "runs": args.runs,
            "core": _core(workdir, sizes, args.runs, args.seed),
            "site": _site(workdir, site_sizes, args.runs, args.seed),
        }
        print(f"[bench] sync, {args.sync_issues} tracked issues", file=sys.stderr, flush=True)
        results["sync"] = [row.as_dict() for row in measure_sync(workdir, args.sync_issues)]
    results["targets"] = report.targets(results)
    return results


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="100,1000,10000", help="knowledge-base sizes for load+check+tracking"
    )
    parser.add_argument("--site-sizes", default="100,1000", help="sizes for the site build (slow)")
    parser.add_argument("--full", action="store_true", help="also build the site at N=10,000 (minutes)")
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per measurement (median)")
    parser.add_argument("--sync-issues", type=int, default=1000, help="tracked issues for the sync counts")
    parser.add_argument("--seed", type=int, default=668, help="seed of the synthetic knowledge bases")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results", help="folder of the results")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs" / "benchmarks.md", help=argparse.SUPPRESS)
    parser.add_argument("--write-docs", action="store_true", help="copy the table into docs/benchmarks.md")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results = run(args)
    table = report.markdown(results)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (args.out / "bench.md").write_text(table, encoding="utf-8")
    print(table)
    print(f"[bench] results in {args.out}/bench.json and bench.md", file=sys.stderr)
    if args.write_docs:
        report.write_docs(args.docs, table)
        print(f"[bench] table copied into {args.docs}", file=sys.stderr)
    return 0
