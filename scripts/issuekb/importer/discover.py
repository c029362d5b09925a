"""Find the issue folders of a legacy tree, its tracking tables, and every file that belongs to no issue.

An issue folder is a folder named `<number>-<slug>` that holds an `analysis.md`, at any depth; the
nearest enclosing status folder (`open/`, `resolved/`, `archived/`, ...) is remembered as a hint.
Nothing here reads file contents and nothing is written: the tree is only listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from issuekb.core.schema import COMPANIONS
from issuekb.importer.status import folder_status

__all__ = ["LegacyFolder", "LegacyTree", "SkippedFile", "discover_tree", "slugify"]

ANALYSIS = "analysis.md"
_ISSUE_DIR_RE = re.compile(r"^(?P<num>[0-9]+)-(?P<slug>.+)$")


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A file of the legacy tree that was not imported, and why."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class LegacyFolder:
    """One `<number>-<slug>/` folder with its analysis, companions and the files that stay behind."""

    path: Path
    rel: str
    number: int
    slug: str
    status_folder: str | None
    companions: tuple[str, ...]
    skipped: tuple[SkippedFile, ...]

    @property
    def analysis(self) -> Path:
        return self.path / ANALYSIS


@dataclass(slots=True)
class LegacyTree:
    """What `discover_tree` found under the source folder (paths relative to it, with `/`)."""

    root: Path
    folders: list[LegacyFolder] = field(default_factory=list)
    tracking: list[str] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)


def slugify(text: str) -> str:
    """Lower-case kebab-case: `PEP668_Duplicate` -> `pep668-duplicate`."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "issue"


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _files_below(root: Path, folder: Path) -> list[str]:
    """Every file under `folder` (hidden entries and symlinked folders left out), sorted."""
    out: list[str] = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir() and not entry.is_symlink():
            out.extend(_files_below(root, entry))
        elif entry.is_file():
            out.append(_rel(root, entry))
    return out


def _loose_reason(name: str) -> str:
    lower = name.lower()
    if lower in ("readme.md", "readme", "readme.txt"):
        return "README of the legacy folder, not an issue"
    if "template" in lower:
        return "template, not an issue"
    if lower.endswith(".md"):
        return "not inside an NNNN-slug/ issue folder"
    return "not Markdown and not inside an issue folder"


def _issue_folder(root: Path, folder: Path, number: int, slug: str, hint: str | None) -> LegacyFolder:
    companions: list[str] = []
    skipped: list[SkippedFile] = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or entry.name == ANALYSIS:
            continue
        if entry.is_file() and entry.name in COMPANIONS:
            companions.append(entry.name)
        elif entry.is_dir() and not entry.is_symlink():
            skipped.extend(
                SkippedFile(path, "inside a subfolder of an issue folder")
                for path in _files_below(root, entry)
            )
        elif entry.is_file():
            skipped.append(
                SkippedFile(
                    _rel(root, entry), "not analysis.md or a companion (" + ", ".join(COMPANIONS) + ")"
                )
            )
        else:
            skipped.append(SkippedFile(_rel(root, entry), "a symbolic link to a folder, not followed"))
    ordered = tuple(name for name in COMPANIONS if name in companions)
    return LegacyFolder(folder, _rel(root, folder), number, slugify(slug), hint, ordered, tuple(skipped))


def discover_tree(root: Path) -> LegacyTree:
    """List the legacy tree under `root`: issue folders (sorted by path), tracking tables, skipped files."""
    tree = LegacyTree(root)
    _walk(tree, root, None)
    return tree


def _walk(tree: LegacyTree, folder: Path, hint: str | None) -> None:
    root = tree.root
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_symlink() and entry.is_dir():
            tree.skipped.append(SkippedFile(_rel(root, entry), "a symbolic link to a folder, not followed"))
            continue
        if entry.is_dir():
            match = _ISSUE_DIR_RE.match(entry.name)
            if match and (entry / ANALYSIS).is_file():
                number = int(match.group("num"))
                tree.folders.append(_issue_folder(root, entry, number, match.group("slug"), hint))
            elif match:
                tree.skipped.extend(
                    SkippedFile(path, f"issue folder {entry.name}/ has no {ANALYSIS}")
                    for path in _files_below(root, entry)
                )
            else:
                _walk(tree, entry, entry.name if folder_status(entry.name) else hint)
        elif entry.is_file():
            if entry.name.lower() == "tracking.md":
                tree.tracking.append(_rel(root, entry))
            else:
                tree.skipped.append(SkippedFile(_rel(root, entry), _loose_reason(entry.name)))
