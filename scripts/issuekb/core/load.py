"""Load stage: the analyses folder -> a knowledge base of modelled analyses + their diagnostics.

`load_analyses` discovers the analysis folders and reads, models and checks each one from its files
alone. The rules over the whole knowledge base come after it (`issuekb.pipeline`).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from issuekb.config import Config
from issuekb.core.document import load_document
from issuekb.core.kb import KnowledgeBase
from issuekb.core.model import Analysis, Companion, build_analysis
from issuekb.core.schema import COMPANIONS
from issuekb.core.validate import file_diagnostics
from issuekb.diagnostics import Diagnostic

__all__ = ["ANALYSIS_FILE", "discover", "load_analyses"]

ANALYSIS_FILE = "analysis.md"


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


def load_analyses(config: Config, today: dt.date) -> tuple[KnowledgeBase, list[Diagnostic]]:
    """Load and model every analysis under `config.analyses_dir`, with the rules of each file alone.

    Returns the knowledge base (analyses sorted by repository, the configured upstream first, then issue
    number and folder) and the diagnostics of discovery and of each file, unsorted. `today` is what
    dates are checked against. Reads files only; writes nothing.
    """
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
    return kb, diags


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
