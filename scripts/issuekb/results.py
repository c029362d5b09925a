"""What `issuekb check` and `issuekb tracking` print and write, remembered while nothing changes.

A run of either command ends in a few values: the number of analyses, the diagnostics and TRACKING.md's
text. They are a function of the analysis files, the configuration, the upstream state file and the
day (`kb_results`). The record cache (`issuekb.cache`) keeps them as a `Memo` beside the entries they
were derived from; when the next run finds every folder unchanged (one `stat` per file, the index alone
read), the same configuration and, for TRACKING.md, the same state file bytes, it answers from the memo
without reading a single analysis.

The knowledge-base rules and TRACKING.md read the records only: the fields, the front matter's text
(where each field is written), the companions' names and titles, never a body. So when the only folders that changed are known ones and
each, read again, holds the very record the cache holds (its text was edited, not its front matter),
the memo still holds but for those folders' own diagnostics, which are replaced: the run reads those
folders alone. Any other change (a field, a new or removed folder) falls back to the full pipeline,
which itself takes every unchanged folder's record from the cache, and writes a new memo.

When the full pipeline renders TRACKING.md, it keeps the table rows of each analysis too, as the
record cache's part of its folder (`RecordCache.parts`): the next render takes the rows of every folder
whose files did not change from them (`issuekb.render.tracking_rows`), so a run after a few
front-matter edits formats a few rows rather than thousands, and writes the rows of those folders alone.
The rows belong to one configuration, TRACKING.md's path and state file bytes (`TrackingRows`, the
cache's head value), and the state itself is kept beside them (read instead of the file while its bytes
are the same); a run that changes records without rendering TRACKING.md (`issuekb check`) drops the
changed folders' rows with their records.

What the memo leaves out is computed on every run: the discovery's diagnostics (a stray file, a folder
without analysis.md; the listing of the analyses folder is made each time) and the git check of the
fix commits (the fork clone changes on its own; the memo keeps which commits each analysis names, and
the lines of those that were missing: a commit missing since has its line found by a full run).
"""

from __future__ import annotations

import datetime as dt
import gc
import pickle
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from issuekb.cache import FolderResult
from issuekb.config import Config
from issuekb.diagnostics import Diagnostic, sort_key
from issuekb.kb import KnowledgeBase, Plan, build_kb_parts, gc_paused, plan_kb
from issuekb.render.tracking_rows import RowMemo
from issuekb.statefile import StateFile, read_state_file
from issuekb.upstream import (
    StateValues,
    UpstreamState,
    decode_state,
    state_from_values,
    state_values,
)
from issuekb.validate import (
    CommitClaims,
    commit_claims,
    commit_diagnostics,
    commit_problems,
    locate_commits,
)

__all__ = ["Memo", "Results", "TrackingRows", "kb_results"]


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
    #: (path, index in `commits`) -> line, of the claimed commits git did not hold when it was written
    commit_lines: dict[tuple[str, int], int]
    #: (TRACKING.md's path, digest of the state file's bytes, the text in UTF-8), when TRACKING.md was
    #: rendered (bytes, as it is rendered and written: no decoding of megabytes on a memo answer)
    tracking: tuple[str, str, bytes] | None


@dataclass(frozen=True, slots=True)
class TrackingRows:
    """What TRACKING.md's kept rows were rendered with: the record cache's head value (`RecordCache.head`);
    each folder's rows are its part (`RecordCache.parts`), rendered from the record the cache restores."""

    #: (`repr` of the configuration, TRACKING.md's path, digest of the state file): what every row reads
    #: beyond its own analysis
    key: tuple[str, str, str]
    #: the state file those bytes held, as plain values, pickled on their own (reading them again costs a
    #: fraction of parsing and checking the file; a run that reuses them saves the same bytes again,
    #: without pickling them)
    state: bytes


@dataclass(frozen=True, slots=True)
class Results:
    """A run's outputs: the analyses counted, every diagnostic (sorted), TRACKING.md when asked for."""

    analyses: int
    diags: list[Diagnostic]
    #: TRACKING.md in UTF-8, as `issuekb tracking` writes it (`tracking`: as text)
    tracking_bytes: bytes | None = None
    #: problems of the upstream state file (TRACKING.md is then not rendered)
    state_diags: tuple[Diagnostic, ...] = ()
    #: whether the memo answered (for tests and benchmarks)
    from_memo: bool = False
    #: folders read again for a memo answer (their text changed, not their records)
    reread: int = 0

    @property
    def tracking(self) -> str | None:
        """TRACKING.md's text, when it was rendered."""
        return self.tracking_bytes.decode() if self.tracking_bytes is not None else None


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
        state = None
        if tracking is not None:
            state = read_state_file(config, plan.records.note if plan.records is not None else None)
        state_diags = state.diags if state is not None else []
        memo, reread = None, 0
        loaded: dict[str, FolderResult] = {}
        if plan.records is not None and plan.records.only_edits:
            reread = plan.records.misses  # the memo is read only when those folders hold the same records
            if not reread or _reread(plan, loaded):
                memo = _memo(plan, config, tracking, state.key if state is not None else "")
            if memo is not None and reread:
                memo = _patched(plan, memo, loaded)
        answer = _answer(plan, memo, git, tracking is not None) if memo is not None else None
        if answer is not None:
            records = plan.records
            if records is not None and state is not None and state.seen not in (None, records.note):
                records.save(memo, note=state.seen)  # the state file was touched: hash it once only
            return replace(answer, reread=reread)
        kb, by_folder, rules = build_kb_parts(plan, git=False, loaded=loaded)
        diags = [*(d for found in by_folder.values() for d in found), *rules]
        text, rows = None, None
        if tracking is not None and state is not None and not state_diags:  # read, or missing: empty
            text, rows, state_diags = _tracking(plan, kb, tracking, state)
        claims = commit_claims(kb)
        problems, git_diags = commit_problems(config, claims) if git else ([], [])
        located: dict[tuple[str, int], int] = {}
        if problems:
            locate = locate_commits(kb)
            located = {(rel, index): locate(rel, index) for rel, index, _, _ in problems}
        diags += [*git_diags, *commit_diagnostics(config, problems, lambda rel, index: located[(rel, index)])]
        if plan.records is not None:
            rendered = (str(tracking), state.key, text) if text is not None and state is not None else None
            folders = {folder: tuple(found) for folder, found in by_folder.items()}
            memo = Memo(repr(config), len(kb.analyses), folders, tuple(rules), claims, located, rendered)
            seen = state.seen if state is not None else None
            if rows is None:
                plan.records.save(memo, note=seen)
            else:  # with a new head, every folder's rows (none were old); else those that changed
                plan.records.save(memo, note=seen, head=rows[0], parts=_parts(plan, rows[1].new))
        if frozen:
            gc.freeze()
        return Results(
            len(kb.analyses), sorted([*plan.diags, *diags], key=sort_key), text, tuple(state_diags)
        )


def _tracking(
    plan: Plan, kb: KnowledgeBase, target: Path, state_file: StateFile
) -> tuple[bytes | None, tuple[TrackingRows | None, RowMemo] | None, list[Diagnostic]]:
    """TRACKING.md's text (in UTF-8) and the rows to keep, or the state file's problems (then no text).

    The rows come with the head to keep them with when it is a new one (None: the kept head holds).
    The state comes from the kept rows when they were rendered from the same state file bytes, from the
    file otherwise (none yet: not synced).
    """
    config = plan.config
    kept = _kept(plan, (repr(config), str(target), state_file.key))
    raw = state_file.bytes() if kept is None else None  # the key follows what is read
    if state_file.diags:
        return None, None, state_file.diags
    key = (repr(config), str(target), state_file.key)
    if kept is not None:
        state = state_from_values(_unpickled_state(kept.state))
    elif raw is not None:
        state, problems = decode_state(raw, state_file.rel)
        if problems:
            return None, None, problems
    else:
        state = UpstreamState()
    rows = _old_rows(plan, kept)
    text = _render(kb, state, config, target, rows)
    if kept is not None:
        return text, (None, rows), []
    values = pickle.dumps(state_values(state), pickle.HIGHEST_PROTOCOL)
    return text, (TrackingRows(key, values), rows), []


def _parts(plan: Plan, rows: Mapping[str, object]) -> dict[str, object]:
    """The rows by folder name as the record cache's parts, by the folder's path (as the plan holds it)."""
    root = str(plan.config.analyses_dir)
    return {f"{root}/{name}": found for name, found in rows.items()}


def _unpickled_state(blob: bytes) -> StateValues:
    values: StateValues = pickle.loads(blob)  # noqa: S301 - our own cache, written by `_tracking`
    return values


def _answer(plan: Plan, memo: Memo, git: bool, tracking: bool) -> Results | None:
    """The run's results from the memo; None when git finds a fix commit missing whose line the memo
    does not know (the full run, which reads the records, locates it)."""
    diags = [*plan.diags, *memo.rules, *(d for found in memo.by_folder.values() for d in found)]
    if git:
        problems, found = commit_problems(plan.config, memo.commits)
        if any((rel, index) not in memo.commit_lines for rel, index, _, _ in problems):
            return None
        diags += [*found, *commit_diagnostics(plan.config, problems, lambda r, i: memo.commit_lines[(r, i)])]
    text = memo.tracking[2] if memo.tracking is not None and tracking else None
    return Results(memo.analyses, sorted(diags, key=sort_key), text, from_memo=True)


def _render(kb: KnowledgeBase, state: UpstreamState, config: Config, target: Path, rows: RowMemo) -> bytes:
    from issuekb.render.links import RepoLinks
    from issuekb.render.tracking import render_tracking_bytes

    return render_tracking_bytes(kb, kb.graph, state, RepoLinks.for_file(config, target), rows)


def _name(folder: str) -> str:
    """An analysis folder's name (as `Analysis.folder` holds it) from the plan's path string."""
    return folder.rpartition("/")[2]


def _kept(plan: Plan, key: tuple[str, str, str]) -> TrackingRows | None:
    """What the last render kept its rows with (`RecordCache.head`), when it was kept for `key`."""
    kept = plan.records.head if plan.records is not None else None
    return kept if isinstance(kept, TrackingRows) and kept.key == key else None


def _old_rows(plan: Plan, kept: TrackingRows | None) -> RowMemo:
    """The kept rows of every folder the cache answered for (`RecordCache.parts`): rendered from the
    records of this run."""
    if plan.records is None:
        return RowMemo(keep=False)  # nowhere to keep them
    if kept is None:
        return RowMemo()
    parts = plan.records.parts()
    old: dict[str, dict[str, tuple[object, bytes]]] = {}
    for folder, _, _, hit in plan.folders:
        if hit:
            found = parts.get(folder)
            if isinstance(found, dict):
                old[_name(folder)] = found
    return RowMemo(old)


def _memo(plan: Plan, config: Config, tracking: Path | None, state_key: str) -> Memo | None:
    """The memo when it may hold for this run: no folder came or went (`RecordCache.only_edits`, which
    the caller checked), the same configuration and (for TRACKING.md) the same state file."""
    records = plan.records
    if records is None:
        return None
    memo = records.memo
    if not isinstance(memo, Memo) or memo.config != repr(config):
        return None
    if tracking is not None and (memo.tracking is None or memo.tracking[:2] != (str(tracking), state_key)):
        return None
    return memo


def _reread(plan: Plan, loaded: dict[str, FolderResult]) -> bool:
    """Read again the folders that changed (their results are left in `loaded`, for the memo or the full
    run not to read them again); whether each holds the record the cache holds (then the memo may still
    answer: only their own diagnostics can have changed)."""
    records = plan.records
    assert records is not None  # only with the cache
    for folder, names, _, hit in plan.folders:
        if not hit:
            loaded[folder] = plan.load(folder, names)
    return all(records.same_record(folder, result) for folder, result in loaded.items())


def _patched(plan: Plan, memo: Memo, loaded: dict[str, FolderResult]) -> Memo:
    """The memo with the changed folders' own diagnostics (each folder of `loaded` holds the record the
    cache holds: `_reread`); the folders are recorded, and the new memo is written with them."""
    records = plan.records
    assert records is not None  # `_memo` answered
    by_folder = dict(memo.by_folder)
    for folder, names, stats, hit in plan.folders:
        result = loaded.get(folder) if not hit else None
        if result is None:
            continue
        records.put(folder, names, stats, result, same=True)
        by_folder.pop(folder, None)
        if result[1]:
            by_folder[folder] = tuple(result[1])
    patched = replace(memo, by_folder=by_folder)
    records.save(patched)
    return patched
