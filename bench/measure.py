"""One measurement per process: `python -m bench.measure KIND ROOT` prints a JSON line.

Each measurement runs in a fresh interpreter so that its peak RSS is its own. KIND is:

- `core`: what `issuekb tracking` does without writing: the pipeline (load, check, link graph, upstream
  state) and the TRACKING.md render;
- `baseline`: python-frontmatter's default loader over the same analysis files (what a user would write);
- `mkdocs`: `mkdocs build` of ROOT/mkdocs.yml (the site with the plugin, or the plain-Markdown floor).

`seconds` is the wall time of the work itself, after the interpreter and the imports are up; `cpu_seconds`
is the CPU time the process spent on it (less disturbed by other processes on a busy machine).
"""

from __future__ import annotations

import contextlib
import json
import logging
import resource
import sys
import time
from pathlib import Path
from typing import Any

from bench.stages import timed


def _core(root: Path) -> dict[str, Any]:
    """What `issuekb tracking` does (git left out), but the write: `run_pipeline` and `render_tracking`."""
    from issuekb.config import load_config
    from issuekb.diagnostics import format_diagnostics
    from issuekb.pipeline import run_pipeline
    from issuekb.render.links import RepoLinks
    from issuekb.render.tracking import render_tracking

    config = load_config(root)
    results = run_pipeline(config, git=False)
    format_diagnostics(results.diags)
    links = RepoLinks.for_file(config, config.tracking_file)
    if not render_tracking(results.kb, results.graph, results.state, links):
        raise RuntimeError("TRACKING.md was not rendered")
    return {"analyses": results.analyses, "diagnostics": len(results.diags)}


def _baseline(root: Path) -> dict[str, Any]:
    import frontmatter  # python-frontmatter: PyYAML's loader (C when available), as a user would write it

    posts = [frontmatter.load(str(path)) for path in sorted((root / "analyses").glob("*/analysis.md"))]
    return {"analyses": len(posts), "diagnostics": 0}


def _mkdocs(root: Path) -> dict[str, Any]:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.disable(logging.WARNING)  # the floor's "pages not in the nav" list is long and says nothing
    config = load_config(str(root / "mkdocs.yml"))
    build(config)
    return {"analyses": None, "diagnostics": 0}


KINDS = {
    "core": _core,
    "baseline": _baseline,
    "mkdocs": _mkdocs,
}


def main() -> None:
    """`python -m bench.measure KIND ROOT [--profile PREFIX | --stages]`: with `--profile`, the work runs
    under pyinstrument and its call tree is written to PREFIX.txt and PREFIX.html (`bench.profile`); with
    `--stages` (the `core` kind), the seconds of each stage of `bench.stages` are added to the result."""
    usage = "usage: python -m bench.measure KIND ROOT [--profile PREFIX | --stages]"
    if len(sys.argv) < 3 or sys.argv[1] not in KINDS:
        raise SystemExit(f"{usage}; KIND is one of {', '.join(KINDS)}")
    kind, root, *rest = sys.argv[1:]
    if kind == "mkdocs":
        import mkdocs.commands.build  # noqa: F401 - imports are not part of the measured build
    elif kind == "baseline":
        import frontmatter  # noqa: F401
    else:
        import issuekb.pipeline
        import issuekb.render.tracking  # noqa: F401
    profile = Path(rest[1]) if rest[:1] == ["--profile"] and len(rest) == 2 else None
    stages = rest == ["--stages"] and kind == "core"
    if rest and profile is None and not stages:
        raise SystemExit(
            f"{usage}, not {rest}" + (" (--stages times the core kind)" if rest == ["--stages"] else "")
        )
    profiler = None
    if profile is not None:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    with contextlib.ExitStack() as stack:
        seconds = stack.enter_context(timed()) if stages else None
        start, cpu = time.perf_counter(), time.process_time()
        result = KINDS[kind](Path(root))
        result["seconds"] = time.perf_counter() - start
        result["cpu_seconds"] = time.process_time() - cpu
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if seconds is not None:
        result["stages"] = dict(seconds)
    if profiler is not None and profile is not None:
        profiler.stop()
        text = profiler.output_text(unicode=True, color=False, show_all=False)
        profile.with_suffix(".txt").write_text(text, encoding="utf-8")
        profile.with_suffix(".html").write_text(profiler.output_html(), encoding="utf-8")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
