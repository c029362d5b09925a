"""The orchestrator: configuration -> knowledge base + every diagnostic, stage after stage.

`issuekb check`, `issuekb tracking` and the MkDocs plugin all call `load_kb`, so they see the same
records and report the same problems.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from issuekb.cache import FolderResult, RecordCache, Stats
from issuekb.childpath import child_path
from issuekb.config import Config
from issuekb.diagnostics import Diagnostic, sort_key
from issuekb.entries import entry_names, odd_entry
from issuekb.load import load_document
from issuekb.model import FOLDER_RE, Analysis, Companion, build_analysis
from issuekb.refs import IssueRef
from issuekb.schema import COMPANIONS
from issuekb.validate import file_diagnostics, validate
from issuekb.writes import TMP_SUFFIX, sweep_stale

if TYPE_CHECKING:
    from issuekb.graph import LinkGraph

__all__ = [
    "KnowledgeBase",
    "Plan",
    "build_kb",
    "build_kb_parts",
    "discover",
    "gc_paused",
    "load_kb",
    "plan_kb",
]

ANALYSIS_FILE = "analysis.md"
_ALONE = (ANALYSIS_FILE,)


@dataclass(slots=True)
class KnowledgeBase:
    """All analyses, sorted by (repo, issue), and an index by reference."""

    config: Config
    analyses: list[Analysis] = field(default_factory=list)
    by_ref: dict[IssueRef, Analysis] = field(default_factory=dict)
    #: False when some analyses were restored from the record cache, which keeps no bodies (`issuekb.cache`)
    bodies: bool = True
    _graph: LinkGraph | None = field(default=None, repr=False, compare=False)

    @property
    def graph(self) -> LinkGraph:
        """The link graph, built on first use and kept (the analyses do not change after loading)."""
        if self._graph is None:
            from issuekb.graph import build_graph

            self._graph = build_graph(self)
        return self._graph

    def get(self, ref: IssueRef) -> Analysis | None:
        return self.by_ref.get(ref)

    @property
    def repos(self) -> list[str]:
        """Every upstream repository the analyses name, the configured upstream first."""
        names = {a.ref.repo for a in self.analyses}
        return sorted(names, key=lambda r: (r != self.config.upstream, r.lower()))


def _list_files(folder: str) -> frozenset[str]:
    return entry_names(folder)


def discover(
    config: Config, list_files: Callable[[str], frozenset[str]] = _list_files
) -> tuple[list[tuple[str, frozenset[str]]], list[Diagnostic]]:
    """Every folder `analyses/<NNNN>-<slug>/` holding an analysis.md (as a str), with the names of its
    entries, sorted.

    One directory listing per folder (no stat per companion), or whatever `list_files` does (the record
    cache answers for an unchanged folder); stray files are warnings. A top-level entry that cannot be
    followed (a loop of symbolic links, a dangling link) is an error naming it; an analysis.md or a
    companion that is not a regular file (a FIFO, a dangling link) is listed all the same, and loading it
    says what it is (`issuekb.load.load_document`): no analysis goes missing in silence. Stale temporary files of killed runs are removed (`issuekb.writes.sweep_stale`).
    """
    root = config.analyses_dir
    if not root.is_dir():
        return [], [_missing_root(config)]
    diags: list[Diagnostic] = []
    found: list[tuple[str, frozenset[str]]] = []
    try:
        with os.scandir(root) as entries:
            every = [(e.name, e) for e in entries]
        listing = sorted((name, _is_dir(e)) for name, e in every if not name.startswith("."))
        sweep_stale(root, [name for name, _ in every if name.endswith(TMP_SUFFIX)])
    except OSError as exc:
        return [], [_odd(config, root, f"cannot be listed ({exc.strerror or exc})")]
    root_str = str(root)
    for name, is_dir in listing:
        folder = f"{root_str}/{name}"  # a str for os.stat and os.scandir: no Path object per folder
        if is_dir is None:
            diags.append(_odd(config, root / name, odd_entry(folder) or "cannot be read"))
        elif is_dir:
            try:
                names = list_files(folder)
            except OSError as exc:
                diags.append(_odd(config, root / name, f"cannot be listed ({exc.strerror or exc})"))
                continue
            if ANALYSIS_FILE in names:
                found.append((folder, names))
                if any(n.endswith(TMP_SUFFIX) for n in names):
                    sweep_stale(Path(folder), names)
            else:
                diags.append(
                    Diagnostic.warning(
                        "kb-no-analysis",
                        config.rel(root / name),
                        1,
                        f"Folder has no {ANALYSIS_FILE}",
                        "Every analysis folder holds an analysis.md; remove the folder or add the file.",
                    )
                )
        elif name.endswith(".md") and name.lower() not in {"readme.md", "index.md"}:
            diags.append(
                Diagnostic.warning(
                    "kb-stray-file",
                    config.rel(root / name),
                    1,
                    "Markdown file outside an analysis folder is ignored",
                    "Move it into analyses/<NNNN>-<slug>/ or into docs/.",
                )
            )
    return found, diags


def _is_dir(entry: os.DirEntry[str]) -> bool | None:
    """Whether the entry is a folder (links followed); None when a link cannot be followed."""
    try:
        if entry.is_dir():
            return True
        return None if entry.is_symlink() and not entry.is_file() else False
    except OSError:
        return None


def _missing_root(config: Config) -> Diagnostic:
    root = config.analyses_dir
    rel = config.rel(root)
    if not root.exists() and not root.is_symlink():
        message, hint = "The analyses folder does not exist", "Create it"
    else:
        what = odd_entry(str(root)) or "is a file, not a folder"
        message, hint = f"The analyses folder {rel} {what}", "Make it a folder"
    return Diagnostic.error(
        "kb-missing", rel, 1, message, f"{hint}, or set analyses_dir in the issuekb entry of mkdocs.yml."
    )


def _odd(config: Config, path: Path, odd: str) -> Diagnostic:
    return Diagnostic.error(
        "kb-unreadable",
        config.rel(path),
        1,
        f"{path.name} {odd}",
        "An analysis folder must be a folder that can be read: fix the link or remove it.",
    )


def _companions(
    folder: Path, folder_rel: str, names: frozenset[str]
) -> tuple[tuple[Companion, ...], list[Diagnostic]]:
    out: list[Companion] = []
    diags: list[Diagnostic] = []
    for name, title in COMPANIONS.items():
        if name not in names:
            continue
        path = folder / name
        doc, found = load_document(path, f"{folder_rel}/{name}", require_front_matter=False)
        diags.extend(found)
        out.append(Companion(name, title, path, doc.rel, doc.body, doc.body_line))
    return tuple(out), diags


def load_kb(
    config: Config,
    *,
    today: dt.date | None = None,
    git: bool = True,
    cache: bool = False,
    frozen: bool = False,
) -> tuple[KnowledgeBase, list[Diagnostic]]:
    """Load, model and validate every analysis; return the knowledge base and all diagnostics, sorted.

    With `cache`, unchanged folders are answered from the record cache under the root (`issuekb.cache`),
    which is then updated: the diagnostics are the same either way, and so are the records but for their
    bodies, which the cache does not keep (`KnowledgeBase.bodies` is then False). With `frozen` (for a
    command, whose records live until the process ends), every object alive after loading is moved out
    of the cyclic collector's sight (`gc.freeze`): otherwise its next collection walks the hundreds of
    thousands of objects just loaded (a fifth of a second at 10,000 analyses), for nothing.
    """
    with gc_paused():
        plan = plan_kb(config, today=today, cache=cache)
        kb, diags = build_kb(plan, git=git)
        if plan.records is not None:
            plan.records.save()
        if frozen:
            gc.freeze()
        return kb, sorted([*plan.diags, *diags], key=sort_key)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while loading; the collector's previous state is restored after.

    The records hold no reference cycles, and with thousands of them every full collection walked all of
    them again (a fifth of the load time at 10,000 analyses).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(slots=True)
class Plan:
    """What a run found before working on any file: the folders, and which the record cache answers.

    `folders` holds, per analysis folder in order: the folder (a str), the names of its files, the file
    stats for `RecordCache.put`, and whether the cache holds the folder's result. `diags` are the
    discovery's own (stray files, a folder without analysis.md).
    """

    config: Config
    today: dt.date
    folders: list[tuple[str, frozenset[str], Stats | None, bool]]
    diags: list[Diagnostic]
    records: RecordCache | None
    #: the analyses folder as diagnostics name it (`Config.rel`), for building the files' names from strings
    _root_rel: str = ""

    def __post_init__(self) -> None:
        self._root_rel = self.config.rel(self.config.analyses_dir)

    def path(self, folder: str) -> Path:
        """The analysis.md of `folder` (one of `folders`)."""
        return child_path(self.config.analyses_dir, folder.rpartition("/")[2], ANALYSIS_FILE)

    def load(self, folder: str, names: frozenset[str]) -> FolderResult:
        """The work on `folder` (one of `folders`): read, model and check its files."""
        name = os.path.basename(folder)  # noqa: PTH119 - a str
        folder_rel = f"{self._root_rel}/{name}" if self._root_rel != "." else name
        return _load_folder(self.config, self.path(folder), folder_rel, names, self.today)


def plan_kb(config: Config, *, today: dt.date | None = None, cache: bool = False) -> Plan:
    """Discover every analysis folder; with `cache`, stat its files and ask the record cache about it."""
    today = today or dt.date.today()
    records = RecordCache.open(config, today) if cache else None
    if records is None:
        found, diags = discover(config)
        return Plan(config, today, [(folder, names, None, False) for folder, names in found], diags, None)
    folders: list[tuple[str, frozenset[str], Stats | None, bool]] = []
    with records.below(config.analyses_dir):
        found, diags = discover(config, records.names)
        for folder, names in found:
            files = (ANALYSIS_FILE, *(n for n in COMPANIONS if n in names)) if len(names) > 1 else _ALONE
            hit, stats = records.check(folder, files)
            folders.append((folder, names, stats, hit))
    return Plan(config, today, folders, diags, records)


def build_kb(plan: Plan, *, git: bool = True) -> tuple[KnowledgeBase, list[Diagnostic]]:
    """Work on every folder of `plan` (or take its recorded result), then run the knowledge-base rules.

    The diagnostics are those of the folders and of the rules, unsorted: not the plan's own.
    """
    kb, by_folder, rules = build_kb_parts(plan, git=git)
    return kb, [*(d for found in by_folder.values() for d in found), *rules]


def build_kb_parts(
    plan: Plan, *, git: bool = True, loaded: Mapping[str, FolderResult] | None = None
) -> tuple[KnowledgeBase, dict[str, list[Diagnostic]], list[Diagnostic]]:
    """`build_kb`, with the diagnostics apart: each folder's own (by folder, when it has any), the rules'.

    `loaded` holds the work on changed folders already done in this run (`Plan.load`), by folder.
    """
    config, records = plan.config, plan.records
    kb = KnowledgeBase(config)
    by_folder: dict[str, list[Diagnostic]] = {}
    for folder, names, stats, hit in plan.folders:
        result = records.restore(plan.path(folder), folder) if hit and records is not None else None
        if result is not None:
            kb.bodies = False
        else:
            result = loaded.get(folder) if loaded else None
            if result is None:
                result = plan.load(folder, names)
            if records is not None:
                records.put(folder, names, stats, result)
        analysis, found = result
        if found:
            by_folder[folder] = found
        if analysis is not None:
            kb.analyses.append(analysis)
    kb.analyses.sort(
        key=lambda a: (a.ref.repo != config.upstream, a.ref.repo.lower(), a.ref.number, a.folder)
    )
    for analysis in kb.analyses:
        kb.by_ref.setdefault(analysis.ref, analysis)
    return kb, by_folder, validate(kb, git=git, per_file=False)


def _load_folder(
    config: Config, path: Path, folder_rel: str, names: frozenset[str], today: dt.date
) -> FolderResult:
    """The work on one analysis folder that depends on its files alone: load, model, body rules.

    `folder_rel` is the folder as diagnostics name it (`Config.rel`).
    """
    doc, diags = load_document(path, f"{folder_rel}/{ANALYSIS_FILE}")
    analysis, found = build_analysis(doc, config.upstream, today=today)
    diags.extend(found)
    if analysis is None:
        return None, diags
    analysis.companions, found = _companions(path.parent, folder_rel, names)
    diags.extend(found)
    diags.extend(file_diagnostics(analysis))
    return analysis, diags


def folder_number(folder: str) -> int | None:
    match = FOLDER_RE.match(folder)
    return int(match.group("num")) if match else None
