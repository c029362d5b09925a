"""What `issuekb check` and `issuekb tracking` print and write, remembered while nothing changes.

A run of either command ends in a few values: the number of analyses, the diagnostics and TRACKING.md's
text. They are a function of the analysis files, the configuration, the upstream state file and the
day (`kb_results`). The record cache (`issuekb.cache`) keeps them as a `Memo` beside the entries they
were derived from; when the next run finds every folder unchanged (one `stat` per file, the index alone
read), the same configuration and, for TRACKING.md, the same state file bytes, it answers from the memo
without reading a single analysis.

The knowledge-base rules and TRACKING.md read the records only: the fields, the line of each, the
companions' names and titles, never a body. So when the only folders that changed are known ones and
each, read again, holds the very record the cache holds (its text was edited, not its front matter),
the memo still holds but for those folders' own diagnostics, which are replaced: the run reads those
folders alone. Any other change (a field, a new or removed folder) falls back to the full pipeline,
which itself takes every unchanged folder's record from the cache, and writes a new memo.

What the memo leaves out is computed on every run: the discovery's diagnostics (a stray file, a folder
without analysis.md; the listing of the analyses folder is made each time) and the git check of the
fix commits (the fork clone changes on its own; the memo keeps which commits each analysis names).
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from issuekb.config import Config
from issuekb.diagnostics import Diagnostic, sort_key
from issuekb.kb import KnowledgeBase, Plan, build_kb_parts, gc_paused, plan_kb
from issuekb.upstream import UpstreamState, decode_state, read_state_bytes
from issuekb.validate import CommitClaims, commit_claims, commits_exist

__all__ = ["Memo", "Results", "kb_results"]


@dataclass(frozen=True, slots=True)
class Memo:
    """The results of one generation of the record cache's entries (see the module's docstring)."""

    #: `repr` of the configuration the results were computed with
    config: str
    analyses: int
    #: each folder's own diagnostics (folders without any are left out)
    by_folder: dict[str, tuple[Diagnostic, ...]]
    #: the knowledge-base rules' diagnostics (not the discovery's, not git's)
    rules: tuple[Diagnostic, ...]
    commits: CommitClaims
    #: (TRACKING.md's path, digest of the state file's bytes, the text), when TRACKING.md was rendered
    tracking: tuple[str, str, str] | None


@dataclass(frozen=True, slots=True)
class Results:
    """A run's outputs: the analyses counted, every diagnostic (sorted), TRACKING.md when asked for."""

    analyses: int
    diags: list[Diagnostic]
    tracking: str | None = None
    #: problems of the upstream state file (TRACKING.md is then not rendered)
    state_diags: tuple[Diagnostic, ...] = ()
    #: whether the memo answered (for tests and benchmarks)
    from_memo: bool = False
    #: folders read again for a memo answer (their text changed, not their records)
    reread: int = 0


def kb_results(
    config: Config,
    *,
    today: dt.date | None = None,
    git: bool = True,
    cache: bool = True,
    tracking: Path | None = None,
    frozen: bool = False,
) -> Results:
    """Check the knowledge base and, with `tracking` (where TRACKING.md goes), render TRACKING.md.

    The results are those of `load_kb` (+ `render_tracking`) with the same arguments, whether the memo
    answers or not; `frozen` is `load_kb`'s.
    """
    with gc_paused():
        plan = plan_kb(config, today=today, cache=cache)
        state_key, raw, state_diags = _read_state(config) if tracking is not None else ("", None, [])
        memo = _memo(plan, config, tracking, state_key)
        reread = plan.records.misses if memo is not None and plan.records is not None else 0
        if memo is not None and reread:
            memo = _patched(plan, memo)
        if memo is not None:
            diags = [*plan.diags, *memo.rules, *(d for found in memo.by_folder.values() for d in found)]
            if git:
                diags.extend(commits_exist(config, memo.commits))
            text = memo.tracking[2] if memo.tracking is not None and tracking is not None else None
            return Results(memo.analyses, sorted(diags, key=sort_key), text, from_memo=True, reread=reread)
        kb, by_folder, rules = build_kb_parts(plan, git=False)
        diags = [*(d for found in by_folder.values() for d in found), *rules]
        text = None
        if tracking is not None and not state_diags:  # read, or missing (not synced yet: empty)
            rel = config.rel(config.state_file)
            state, state_diags = decode_state(raw, rel) if raw is not None else (UpstreamState(), [])
            if not state_diags:
                text = _render(kb, state, config, tracking)
        claims = commit_claims(kb)
        if plan.records is not None:
            rendered = (str(tracking), state_key, text) if text is not None else None
            folders = {folder: tuple(found) for folder, found in by_folder.items()}
            plan.records.save(Memo(repr(config), len(kb.analyses), folders, tuple(rules), claims, rendered))
        if git:
            diags.extend(commits_exist(config, claims))
        if frozen:
            gc.freeze()
        return Results(
            len(kb.analyses), sorted([*plan.diags, *diags], key=sort_key), text, tuple(state_diags)
        )


def _render(kb: KnowledgeBase, state: UpstreamState, config: Config, target: Path) -> str:
    from issuekb.render.links import RepoLinks
    from issuekb.render.tracking import render_tracking

    return render_tracking(kb, kb.graph, state, RepoLinks.for_file(config, target))


def _read_state(config: Config) -> tuple[str, bytes | None, list[Diagnostic]]:
    """The state file's digest ("" when it cannot be read), its bytes (None when there are none), problems."""
    raw, diags = read_state_bytes(config.state_file, config.rel(config.state_file))
    if raw is None:
        return ("" if diags else "missing"), None, diags
    return hashlib.sha256(raw).hexdigest(), raw, []


def _memo(plan: Plan, config: Config, tracking: Path | None, state_key: str) -> Memo | None:
    """The memo when it may hold for this run: no folder came or went, the same configuration and (for
    TRACKING.md) the same state file. Folders that changed are then checked by `_patched`."""
    records = plan.records
    if records is None or not records.only_edits:
        return None
    memo = records.memo
    if not isinstance(memo, Memo) or memo.config != repr(config):
        return None
    if tracking is not None and (memo.tracking is None or memo.tracking[:2] != (str(tracking), state_key)):
        return None
    return memo


def _patched(plan: Plan, memo: Memo) -> Memo | None:
    """The memo with the changed folders' own diagnostics, when each holds the record the cache holds.

    The changed folders are read again and recorded, and the new memo is written with them; None (and
    nothing recorded) when one of them holds another record.
    """
    records = plan.records
    assert records is not None  # `_memo` answered
    changed = [(folder, names, stats) for folder, names, stats, hit in plan.folders if not hit]
    results = [plan.load(folder, names) for folder, names, _ in changed]
    if not all(
        records.same_record(folder, result) for (folder, _, _), result in zip(changed, results, strict=True)
    ):
        return None
    by_folder = dict(memo.by_folder)
    for (folder, names, stats), result in zip(changed, results, strict=True):
        records.put(folder, names, stats, result)
        by_folder.pop(folder, None)
        if result[1]:
            by_folder[folder] = tuple(result[1])
    patched = replace(memo, by_folder=by_folder)
    records.save(patched)
    return patched
