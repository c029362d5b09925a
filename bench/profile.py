"""`make profile`: where the time of one benchmark scenario goes, as pyinstrument's call tree.

    python -m bench.profile [--scenario fields] [--n 10000] [--seed 668] [--out bench-results]

The synthetic knowledge base is generated as `make bench` generates it, the scenario is prepared the same
way (the cache filled, then 10 texts or 10 front matters edited), and the measured work runs once in a
fresh process under pyinstrument. The call tree is printed and written to
`--out/profile-<scenario>-<n>.txt` and `.html` (open the HTML in a browser to fold and unfold it). One run
on a shared machine is noisy: read the shares, not the seconds, and compare with `make bench`.

Scenarios: `cold` (no cache), `cached` (nothing changed: the memo answers), `texts` (10 texts edited),
`fields` (10 front matters edited), `baseline` (python-frontmatter), `site` (`mkdocs build` with the
plugin; N defaults to 1,000 there).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench.run import EDITS, ROOT, age, edit, measure
from bench.site import prepare
from bench.synth import generate

__all__ = ["SCENARIOS", "main"]

#: scenario -> (the kind of `bench.measure` run, what it is)
SCENARIOS = {
    "cold": ("core", "load + check + TRACKING.md, no cache"),
    "cached": ("core-cached", "the same with the cache, nothing changed"),
    "texts": ("core-cached", f"the same with the cache, {EDITS} texts edited"),
    "fields": ("core-cached", f"the same with the cache, {EDITS} front matters edited"),
    "baseline": ("baseline", "python-frontmatter's default loader over the same files"),
    "site": ("mkdocs", "mkdocs build with the plugin"),
}


def _prepare(scenario: str, workdir: Path, n: int, seed: int) -> Path:
    """The folder to measure in, with the scenario set up."""
    if scenario == "site":
        case = prepare(workdir / "site", n, seed)
        age(case.plugin)
        return case.plugin
    root = workdir / "kb"
    generate(root, n, seed)
    age(root)
    if SCENARIOS[scenario][0] == "core-cached":
        measure("core-cached", root)  # fills the record cache and its memo
        if scenario != "cached":
            edit(root, EDITS, 0, front_matter=scenario == "fields")
    return root


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="fields", help="what to profile")
    parser.add_argument("--n", type=int, help="analyses (default 10,000; 1,000 for the site)")
    parser.add_argument("--seed", type=int, default=668, help="seed of the synthetic knowledge base")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results", help="folder of the profiles")
    args = parser.parse_args(argv)
    if args.n is None:
        args.n = 1000 if args.scenario == "site" else 10_000
    if args.n < 1:
        parser.error(f"--n must be at least 1, not {args.n}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    kind, what = SCENARIOS[args.scenario]
    args.out.mkdir(parents=True, exist_ok=True)
    prefix = (args.out / f"profile-{args.scenario}-{args.n}").resolve()
    print(f"[profile] {what}, N={args.n}", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix="issuekb-profile-") as tmp:
        root = _prepare(args.scenario, Path(tmp), args.n, args.seed)
        result = measure(kind, root, "--profile", str(prefix))
    memo = {"cached": True, "texts": True, "fields": False, "cold": False}.get(args.scenario)
    if memo is not None and result.get("from_memo") != memo:
        raise RuntimeError(f"the {args.scenario} scenario did not take the path it is named after: {result}")
    print(prefix.with_suffix(".txt").read_text(encoding="utf-8"))
    print(
        f"[profile] {result['seconds']:.2f} s under the profiler; call tree in {prefix}.txt and .html",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
