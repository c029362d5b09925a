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
from issuekb.core.entries import entry_names, odd_entry
from issuekb.core.kb import KnowledgeBase
from issuekb.core.model import Analysis, Companion, build_analysis
from issuekb.core.schema import COMPANIONS
from issuekb.core.validate import file_diagnostics
from issuekb.diagnostics import Diagnostic
from issuekb.writes import TMP_SUFFIX, sweep_stale

__all__ = ["ANALYSIS_FILE", "discover", "load_analyses"]

ANALYSIS_FILE = "analysis.md"


def discover(config: Config) -> tuple[list[tuple[Path, frozenset[str]]], list[Diagnostic]]:
    """Every folder `analyses/<NNNN>-<slug>/` holding an analysis.md, with the names of its entries,
    sorted by name; a folder without analysis.md and a stray Markdown file are warnings, a missing
    analyses folder is the error `kb-missing`. A top-level entry that cannot be
    followed (a loop of symbolic links, a dangling link) is an error naming it; an analysis.md or a
    companion that is not a regular file (a FIFO, a dangling link) is listed all the same, and loading it
    says what it is (`issuekb.core.document.load_document`): no analysis goes missing in silence. Stale
    temporary files of killed runs are removed (`issuekb.writes.sweep_stale`).
    """
    root = config.analyses_dir
    if not root.is_dir():
        return [], [_missing_root(config)]
    diags: list[Diagnostic] = []
    found: list[tuple[Path, frozenset[str]]] = []
    try:
        with os.scandir(root) as entries:
            every = [(e.name, e) for e in entries]
        listing = sorted((name, _is_dir(e)) for name, e in every if not name.startswith("."))
        sweep_stale(root, [name for name, _ in every if name.endswith(TMP_SUFFIX)])
    except OSError as exc:
        return [], [_odd(config, root, f"cannot be listed ({exc.strerror or exc})")]
    for name, is_dir in listing:
        folder = root / name
        if is_dir is None:
            diags.append(_odd(config, folder, odd_entry(str(folder)) or "cannot be read"))
        elif is_dir:
            try:
                names = entry_names(str(folder))
            except OSError as exc:
                diags.append(_odd(config, root / name, f"cannot be listed ({exc.strerror or exc})"))
                continue
            if ANALYSIS_FILE in names:
                found.append((folder, names))
                if any(n.endswith(TMP_SUFFIX) for n in names):
                    sweep_stale(folder, names)
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
    front matter could not be modelled (the diagnostics say why). The analysis keeps its `Document` for
    locating keys, without the parsed mapping (`Document.meta` is None): the fields hold the values.
    """
    doc, diags = load_document(path, f"{folder_rel}/{ANALYSIS_FILE}")
    analysis, found = build_analysis(doc, config.upstream, today=today)
    doc.meta = None  # modelled: the analysis holds the values, and locating a key reads `doc.source`
    diags.extend(found)
    if analysis is None:
        return None, diags
    analysis.companions, found = _companions(path.parent, folder_rel, names)
    diags.extend(found)
    diags.extend(file_diagnostics(analysis))
    return analysis, diags
