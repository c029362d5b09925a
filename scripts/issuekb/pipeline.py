"""The pipeline: configuration -> knowledge base, link graph, upstream state and every diagnostic.

`run_pipeline` is the one way into the knowledge base: `issuekb check`, `tracking`, `sync`, `import`,
`new` and the MkDocs plugin all call it, so they see the same records and report the same problems.
Each stage is a function of the previous stage's value:

    Config --load_analyses--> KnowledgeBase --build_graph--> LinkGraph --validate--> diagnostics
    Config --load_state--> UpstreamState (+ the state file's diagnostics)

Rendering (TRACKING.md, the site) takes these values and returns text; writing is the caller's job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from issuekb.config import Config
from issuekb.core.graph import LinkGraph, build_graph
from issuekb.core.kb import KnowledgeBase
from issuekb.core.load import load_analyses
from issuekb.core.validate import validate
from issuekb.diagnostics import Diagnostic, sort_key
from issuekb.upstream.facts import fact_diagnostics
from issuekb.upstream.state import UpstreamState, load_state

__all__ = ["Results", "check_kb", "load_kb", "run_pipeline"]


@dataclass(frozen=True, slots=True)
class Results:
    """What the pipeline made of one configuration. Nothing in it is written anywhere."""

    config: Config
    kb: KnowledgeBase
    graph: LinkGraph
    state: UpstreamState
    #: every problem of the analyses and of the knowledge base as a whole, sorted (`sort_key`)
    diags: list[Diagnostic]
    #: problems of the upstream state file (the state is then empty)
    state_diags: list[Diagnostic]

    @property
    def analyses(self) -> int:
        """The number of analyses loaded."""
        return len(self.kb.analyses)


def run_pipeline(
    config: Config, *, today: dt.date | None = None, git: bool = True, upstream: bool = True
) -> Results:
    """Load and check every analysis, build the link graph and, with `upstream`, read the state file.

    `today` (default: the real day) is what dates are checked against; `git` checks the fix commits
    against the configured fork clone. Without `upstream` the state is empty and not read. Reads files
    only, never writes; every problem is a diagnostic, never an exception.
    """
    kb, diags = load_analyses(config, today or dt.date.today())
    graph = build_graph(kb)
    diags.extend(validate(kb, graph, git=git, per_file=False))
    if upstream:
        state, state_diags = load_state(config.state_file, config.rel(config.state_file))
    else:
        state, state_diags = UpstreamState(), []
    return Results(config, kb, graph, state, sorted(diags, key=sort_key), state_diags)


def load_kb(
    config: Config, *, today: dt.date | None = None, git: bool = True
) -> tuple[KnowledgeBase, list[Diagnostic]]:
    """The knowledge base and its diagnostics, sorted: `run_pipeline` without the upstream state."""
    results = run_pipeline(config, today=today, git=git, upstream=False)
    return results.kb, results.diags


def check_kb(
    config: Config, *, today: dt.date | None = None, paths: Iterable[Path] = ()
) -> tuple[int, list[Diagnostic]]:
    """`issuekb check`'s work: the number of analyses and the diagnostics to report, sorted.

    The whole knowledge base is checked (rules span files), and each analysis's `reported` and
    `reporter` against the synced upstream state (`upstream.facts`; nothing when the state file is
    missing, empty or unreadable: `issuekb tracking` and `sync` report that). With `paths` all inside
    the analyses folder, only the diagnostics of files under them are reported, else every one is.
    """
    results = run_pipeline(config, today=today)
    diags = results.diags
    if results.state.repos and not results.state_diags:
        pairs = [(a, issue) for a in results.kb.analyses if (issue := results.state.issue(a.ref)) is not None]
        diags = sorted([*diags, *fact_diagnostics(pairs)], key=sort_key)
    prefixes = [config.rel(path.resolve()) for path in paths]
    analyses = config.rel(config.analyses_dir)
    if prefixes and all(p == analyses or p.startswith(f"{analyses}/") for p in prefixes):
        diags = [d for d in diags if any(d.path == p or d.path.startswith(f"{p}/") for p in prefixes)]
    return results.analyses, diags
