"""`make profile`: where the time of one benchmark scenario goes, as pyinstrument's call tree, or
(`--stages`) as the wall time of each stage of the run.

    python -m bench.profile [--scenario cold] [--n 10000] [--seed 668] [--out bench-results]
    python -m bench.profile --stages [--rounds 5] [--scenario cold] [--n 10000] ...

The synthetic knowledge base is generated as `make bench` generates it, and the measured work runs once
in a fresh process under pyinstrument. The call tree is printed and written to
`--out/profile-<scenario>-<n>.txt` and `.html` (open the HTML in a browser to fold and unfold it). One run
on a shared machine is noisy: read the shares, not the seconds, and compare with `make bench`.

With `--stages` (the `cold` scenario), the run is not profiled: each stage of `bench.stages` is timed
in the measuring process, over `--rounds` fresh processes, and the medians are printed as a Markdown table and written to
`--out/stages-<scenario>-<n>.md` and `.json`. These are the seconds to compare with `make bench`.

Scenarios: `cold` (`issuekb tracking`'s work: load, check, TRACKING.md), `baseline` (python-frontmatter),
`site` (`mkdocs build` with the plugin; N defaults to 1,000 there).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.run import ROOT, measure
from bench.site import prepare
from bench.stages import OTHER, STAGES
from bench.synth import generate

__all__ = ["SCENARIOS", "main", "stage_rows"]

#: scenario -> (the kind of `bench.measure` run, what it is)
SCENARIOS = {
    "cold": ("core", "load + check + TRACKING.md"),
    "baseline": ("baseline", "python-frontmatter's default loader over the same files"),
    "site": ("mkdocs", "mkdocs build with the plugin"),
}


_TOP_LEVEL = {stage.label for stage in STAGES if stage.parent is None}


def _prepare(scenario: str, workdir: Path, n: int, seed: int) -> Path:
    """The folder to measure in, with the scenario set up."""
    if scenario == "site":
        return prepare(workdir / "site", n, seed).plugin
    root = workdir / "kb"
    generate(root, n, seed)
    return root


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="cold", help="what to profile")
    parser.add_argument("--n", type=int, help="analyses (default 10,000; 1,000 for the site)")
    parser.add_argument("--seed", type=int, default=668, help="seed of the synthetic knowledge base")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results", help="folder of the profiles")
    parser.add_argument("--stages", action="store_true", help="time the stages instead of profiling")
    parser.add_argument("--rounds", type=int, default=5, help="fresh processes for --stages (median)")
    args = parser.parse_args(argv)
    if args.stages and SCENARIOS[args.scenario][0] != "core":
        parser.error(f"--stages times the load + check + TRACKING.md scenarios, not {args.scenario}")
    if args.rounds < 1:
        parser.error(f"--rounds must be at least 1, not {args.rounds}")
    if args.n is None:
        args.n = 1000 if args.scenario == "site" else 10_000
    if args.n < 1:
        parser.error(f"--n must be at least 1, not {args.n}")
    return args


def stage_rows(rounds: list[dict[str, Any]]) -> list[tuple[str, float, float]]:
    """(label, median seconds, share of the median run) of every stage some round called, in the order
    of `STAGES` (a stage inside another one labelled with a leading "- "), then everything else."""
    total = statistics.median(r["seconds"] for r in rounds)
    rows = []
    for stage in STAGES:
        if not any(stage.label in r["stages"] for r in rounds):
            continue
        seconds = statistics.median(r["stages"].get(stage.label, 0.0) for r in rounds)
        rows.append((f"- {stage.label}" if stage.parent else stage.label, seconds, seconds / total))
    other = statistics.median(
        r["seconds"] - sum(v for k, v in r["stages"].items() if k in _TOP_LEVEL) for r in rounds
    )
    return [*rows, (OTHER, other, other / total)]


def _stages(args: argparse.Namespace, root: Path, kind: str, what: str) -> int:
    rounds = []
    for _ in range(args.rounds):
        rounds.append(measure(kind, root, "--stages"))
    total = statistics.median(r["seconds"] for r in rounds)
    lines = [
        f"Stages of the {args.scenario} scenario ({what}), N={args.n}: medians of {args.rounds} fresh"
        f" processes, {total:.3f} s in all.",
        "",
        "| stage | s | share |",
        "|---|---:|---:|",
        *(f"| {label} | {seconds:.3f} | {share:.0%} |" for label, seconds, share in stage_rows(rounds)),
    ]
    prefix = args.out / f"stages-{args.scenario}-{args.n}"
    text = "\n".join(lines) + "\n"
    prefix.with_suffix(".md").write_text(text, encoding="utf-8")
    prefix.with_suffix(".json").write_text(json.dumps(rounds, indent=2) + "\n", encoding="utf-8")
    print(text, end="")
    print(f"[profile] stage table in {prefix.resolve()}.md, every round in .json", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    kind, what = SCENARIOS[args.scenario]
    args.out.mkdir(parents=True, exist_ok=True)
    if args.stages:
        print(f"[profile] {what}, N={args.n}: stages", file=sys.stderr, flush=True)
        with tempfile.TemporaryDirectory(prefix="issuekb-profile-") as tmp:
            return _stages(args, _prepare(args.scenario, Path(tmp), args.n, args.seed), kind, what)
    prefix = (args.out / f"profile-{args.scenario}-{args.n}").resolve()
    print(f"[profile] {what}, N={args.n}", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix="issuekb-profile-") as tmp:
        root = _prepare(args.scenario, Path(tmp), args.n, args.seed)
        result = measure(kind, root, "--profile", str(prefix))
    print(prefix.with_suffix(".txt").read_text(encoding="utf-8"))
    print(
        f"[profile] {result['seconds']:.2f} s under the profiler; call tree in {prefix}.txt and .html",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
