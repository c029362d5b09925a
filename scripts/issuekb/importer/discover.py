"""Find the issue folders of a legacy tree, its tracking tables, and every file that belongs to no issue.

An issue folder is a folder named `<number>-<slug>` that holds an `analysis.md`, at any depth; the
nearest enclosing status folder (`open/`, `resolved/`, `archived/`, ...) is remembered as a hint.
Nothing here reads file contents and nothing is written: the tree is only listed. Only regular files
inside the source folder are ever read: a symbolic link that leaves it, a FIFO, a device, a dangling link
or a loop of links is skipped, with the reason in the report (`refusal`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from issuekb.core.entries import odd_entry
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
    #: the source folder with every symbolic link resolved: what files must lie in to be read
    real: Path = field(default_factory=Path)
    folders: list[LegacyFolder] = field(default_factory=list)
    tracking: list[str] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)


def slugify(text: str) -> str:
    """Lower-case kebab-case: `PEP668_Duplicate` -> `pep668-duplicate`."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "issue"


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def refusal(real: Path, path: Path) -> str | None:
    """Why the file `path` must not be read (None when it is a regular file inside `real`, the source
    folder resolved): a symbolic link leaving the source, or an entry that is not a regular file."""
    if path.is_symlink():
        try:
            target = path.resolve()
        except (OSError, RuntimeError):  # a loop of links (RuntimeError before Python 3.13)
            return "a loop of symbolic links, not followed"
        if not target.is_relative_to(real):
            return f"a symbolic link leaving the source folder (to {target}), not followed"
    odd = odd_entry(str(path))
    return f"{odd.removeprefix('is ')}, not read" if odd else None


def _files_below(tree: LegacyTree, folder: Path, reason: str) -> list[SkippedFile]:
    """Every file under `folder` (hidden entries and symlinked folders left out), sorted, skipped for
    `reason` (or their own, for a link leaving the source or an entry that is not a regular file)."""
    out: list[SkippedFile] = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir() and not entry.is_symlink():
            out.extend(_files_below(tree, entry, reason))
        else:
            out.append(SkippedFile(_rel(tree.root, entry), refusal(tree.real, entry) or reason))
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


def _issue_folder(tree: LegacyTree, folder: Path, number: int, slug: str, hint: str | None) -> LegacyFolder:
    root = tree.root
    companions: list[str] = []
    skipped: list[SkippedFile] = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or entry.name == ANALYSIS:
            continue
        if entry.is_symlink() and entry.is_dir():
            skipped.append(SkippedFile(_rel(root, entry), "a symbolic link to a folder, not followed"))
        elif (reason := refusal(tree.real, entry)) is not None:
            skipped.append(SkippedFile(_rel(root, entry), reason))
        elif entry.is_file() and entry.name in COMPANIONS:
            companions.append(entry.name)
        elif entry.is_dir():
            skipped.extend(_files_below(tree, entry, "inside a subfolder of an issue folder"))
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
    tree = LegacyTree(root, root.resolve())
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
        if (reason := refusal(tree.real, entry)) is not None and not entry.is_dir():
            tree.skipped.append(SkippedFile(_rel(root, entry), reason))
            continue
        if entry.is_dir():
            match = _ISSUE_DIR_RE.match(entry.name)
            analysis = entry / ANALYSIS
            unread = refusal(tree.real, analysis)
            if match and unread is None and analysis.is_file():
                number = int(match.group("num"))
                tree.folders.append(_issue_folder(tree, entry, number, match.group("slug"), hint))
            elif match:
                why = f"{ANALYSIS} is {unread}" if unread else f"has no {ANALYSIS}"
                tree.skipped.extend(_files_below(tree, entry, f"issue folder {entry.name}/ {why}"))
            else:
                _walk(tree, entry, entry.name if folder_status(entry.name) else hint)
        elif entry.is_file():
            if entry.name.lower() == "tracking.md":
                tree.tracking.append(_rel(root, entry))
            else:
                tree.skipped.append(SkippedFile(_rel(root, entry), _loose_reason(entry.name)))
