"""One analysis without loading the whole knowledge base: find it by reference, check a text of it.

`issuekb new` asks whether an issue already has an analysis and checks the file it is about to write;
`issuekb status` finds the analysis to edit and checks the edited text before writing it. Both look at
the folders numbered like the issue only, and both check with the same stages as `issuekb check`
(load, model, the knowledge-base rules over this one analysis).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from issuekb.config import Config
from issuekb.core.document import load_document, parse_document
from issuekb.core.graph import build_graph
from issuekb.core.kb import KnowledgeBase
from issuekb.core.load import ANALYSIS_FILE
from issuekb.core.model import FOLDER_RE, build_analysis
from issuekb.core.refs import IssueRef, parse_ref
from issuekb.core.validate import validate
from issuekb.diagnostics import Diagnostic, sort_key

__all__ = ["check_text", "find_analyses"]


def find_analyses(config: Config, ref: IssueRef) -> list[Path]:
    """Every `analysis.md` in a folder numbered `ref.number` that is (or may be) the analysis of `ref`.

    A folder whose front matter names another repository is not a match; one whose front matter cannot
    be read is, since nothing says it is about another issue.
    """
    root = config.analyses_dir
    if not root.is_dir():
        return []
    found: list[Path] = []
    for entry in sorted(root.iterdir()):
        match = FOLDER_RE.match(entry.name)
        path = entry / ANALYSIS_FILE
        if match is None or int(match.group("num")) != ref.number or not path.is_file():
            continue
        doc, _ = load_document(path, config.rel(path))
        if doc.meta is not None:
            repo = doc.meta.get("repo")
            repo = repo if isinstance(repo, str) and repo.strip() else config.upstream
            issue = parse_ref(doc.meta.get("issue"), repo)
            if issue is not None and issue != ref:
                continue
        found.append(path)
    return found


def check_text(config: Config, path: Path, data: bytes, *, today: dt.date | None = None) -> list[Diagnostic]:
    """What `issuekb check` would report about this analysis if `path` held `data` (rules that need
    other analyses, such as duplicate cycles, see only this one)."""
    doc, diags = parse_document(data, path, config.rel(path))
    analysis, found = build_analysis(doc, config.upstream, today=today)
    diags.extend(found)
    if analysis is not None:
        kb = KnowledgeBase(config, [analysis], {analysis.ref: analysis})
        diags.extend(d for d in validate(kb, build_graph(kb), git=False) if d.path == analysis.rel)
    return sorted(diags, key=sort_key)
