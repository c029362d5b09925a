"""Stage 1, load: the analyses folder -> a knowledge base of modelled analyses + every diagnostic.

`load_kb` discovers the analysis folders, reads, models and checks each one (its files alone), then runs
the knowledge-base rules. `issuekb.pipeline.run_pipeline` calls it for every command and the plugin.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from issuekb.config import Config
from issuekb.core.document import load_document
from issuekb.core.model import Analysis, Companion, build_analysis
from issuekb.core.refs import IssueRef
from issuekb.core.schema import COMPANIONS
from issuekb.core.validate import file_diagnostics, validate
from issuekb.diagnostics import Diagnostic, sort_key

if TYPE_CHECKING:
    from issuekb.core.graph import LinkGraph

__all__ = ["KnowledgeBase", "discover", "load_kb"]

ANALYSIS_FILE = "analysis.md"


@dataclass(slots=True)
class KnowledgeBase:
    """All analyses, sorted by (repo, issue), and an index by reference."""

    config: Config
    analyses: list[Analysis] = field(default_factory=list)
    by_ref: dict[IssueRef, Analysis] = field(default_factory=dict)
    _graph: LinkGraph | None = field(default=None, repr=False, compare=False)

    @property
    def graph(self) -> LinkGraph:
        """The link graph, built on first use and kept (the analyses do not change after loading)."""
        if self._graph is None:
            from issuekb.core.graph import build_graph

            self._graph = build_graph(self)
        return self._graph

    def get(self, ref: IssueRef) -> Analysis | None:
        return self.by_ref.get(ref)

    @property
    def repos(self) -> list[str]:
        """Every upstream repository the analyses name, the configured upstream first."""
        names = {a.ref.repo for a in self.analyses}
        return sorted(names, key=lambda r: (r != self.config.upstream, r.lower()))


def _list_files(folder: Path) -> frozenset[str]:
    with os.scandir(folder) as inner:
        return frozenset(e.name for e in inner if e.is_file())


def discover(config: Config) -> tuple[list[tuple[Path, frozenset[str]]], list[Diagnostic]]:
    """Every folder `analyses/<NNNN>-<slug>/` holding an analysis.md, with the names of its files,
    sorted by name; a folder without analysis.md and a stray Markdown file are warnings, a missing
    analyses folder is the error `kb-missing`."""
    root = config.analyses_dir
    diags: list[Diagnostic] = []
    if not root.is_dir():
        return [], [
            Diagnostic.error(
                "kb-missing",
                config.rel(root),
                1,
                "The analyses folder does not exist",
                "Create it, or set analyses_dir in the issuekb entry of mkdocs.yml.",
            )
        ]
    found: list[tuple[Path, frozenset[str]]] = []
    with os.scandir(root) as entries:
        listing = sorted((e.name, e.is_dir()) for e in entries if not e.name.startswith("."))
    for name, is_dir in listing:
        if is_dir:
            folder = root / name
            names = _list_files(folder)
            if ANALYSIS_FILE in names:
                found.append((folder, names))
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
    config: Config, *, today: dt.date | None = None, git: bool = True
) -> tuple[KnowledgeBase, list[Diagnostic]]:
    """Load, model and validate every analysis under `config.analyses_dir`.

    Returns the knowledge base (analyses sorted by repository, the configured upstream first, then issue
    number and folder) and every diagnostic of discovery, of each file and of the knowledge-base rules,
    sorted. `today` (default: the real day) is what dates are checked against; `git` runs the check of
    fix commits against the configured fork clone. Reads files only; writes nothing.
    """
    today = today or dt.date.today()
    folders, diags = discover(config)
    kb = KnowledgeBase(config)
    root_rel = config.rel(config.analyses_dir)
    for folder, names in folders:
        folder_rel = f"{root_rel}/{folder.name}" if root_rel != "." else folder.name
        analysis, found = _load_folder(config, folder / ANALYSIS_FILE, folder_rel, names, today)
        diags.extend(found)
        if analysis is not None:
            kb.analyses.append(analysis)
    kb.analyses.sort(
        key=lambda a: (a.ref.repo != config.upstream, a.ref.repo.lower(), a.ref.number, a.folder)
    )
    for analysis in kb.analyses:
        kb.by_ref.setdefault(analysis.ref, analysis)
    diags.extend(validate(kb, git=git, per_file=False))
    return kb, sorted(diags, key=sort_key)


def _load_folder(
    config: Config, path: Path, folder_rel: str, names: frozenset[str], today: dt.date
) -> tuple[Analysis | None, list[Diagnostic]]:
    """One analysis folder, from its files alone: load, model, body rules.

    `folder_rel` is the folder as diagnostics name it (`Config.rel`). The analysis is None when its
    front matter could not be modelled (the diagnostics say why).
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
