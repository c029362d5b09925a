"""`issuekb init` into a repository that already has files: what to write, what to skip, what to say.

The knowledge base goes into `kb_dir` (a folder of the repository, its root by default); the workflows
and the pre-commit configuration go to the git root, where GitHub and pre-commit look for them, and run
in `kb_dir` when that is a subfolder. A file that exists is never overwritten; one
that names issuekb counts as an earlier init's, edited since, and is simply kept. Of the others:

- `Makefile`: the jobs go into `issuekb.mk` beside it, run as `make -f issuekb.mk TARGET`;
- `requirements.txt`, `constraints.txt`: issuekb's go into `issuekb-requirements.txt` and
  `issuekb-constraints.txt`, which the jobs then read;
- a workflow of the same name: issuekb's is written as `issuekb-<name>.yml`;
- `.gitignore`, `.pre-commit-config.yaml`: left as they are; the lines to add are printed;
- `mkdocs.yml` of another site: left as it is, with the advice to choose a `--kb-dir` of its own;
- anything else (docs/index.md, templates, TRACKING.md, ...): left as it is, listed as skipped.

`plan_adoption` is pure apart from reading the files that exist; the command writes `Plan.writes`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

__all__ = ["Layout", "Plan", "find_git_root", "find_hand_kept", "plan_adoption"]

#: the files of the scaffold that belong at the git root, not in the knowledge base's folder
ROOT_FILES = frozenset({".pre-commit-config.yaml"})
WORKFLOWS = ".github/workflows/"
#: shared files: existing ones are kept, issuekb's own goes into the file named here
RENAMED = {
    "Makefile": "issuekb.mk",
    "requirements.txt": "issuekb-requirements.txt",
    "constraints.txt": "issuekb-constraints.txt",
}
#: shared files that are kept as they are, with the lines to add printed instead
ADVISED = frozenset({".gitignore", ".pre-commit-config.yaml", "mkdocs.yml"})
_STATUS_LINE = re.compile(rb"^\*\*Status\*\*:", re.MULTILINE)
#: folders never searched for a hand-kept knowledge base
_NOT_SEARCHED = frozenset({".git", ".venv", "venv", "node_modules", "site", "__pycache__"})
_SEARCH_DEPTH = 5


@dataclass(frozen=True, slots=True)
class Layout:
    """Where things go: `git_root` holds the workflows, `kb` (at or below it) the knowledge base."""

    git_root: Path
    kb: Path

    @property
    def kb_rel(self) -> str:
        """The knowledge base's folder relative to the git root, `.` when it is the root."""
        return self.kb.relative_to(self.git_root).as_posix()

    def target(self, rel: str) -> str:
        """The git-root-relative path of a scaffold file (`rel` is relative to the knowledge base)."""
        if rel in ROOT_FILES or rel.startswith(WORKFLOWS) or self.kb_rel == ".":
            return rel
        return f"{self.kb_rel}/{rel}"


@dataclass(slots=True)
class Plan:
    """What init does: `writes` (git-root-relative path -> text, in order), `skipped` (path, why),
    `advice` (what the user adds by hand), `make` (how the jobs are run from the knowledge base)."""

    writes: dict[str, str] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)
    make: str = "make"


def find_git_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` (which may not exist yet) that holds `.git`."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def find_hand_kept(git_root: Path, skip: Path) -> str | None:
    """A hand-kept analysis folder in the repository, relative to `git_root`: `.github/issue-analysis/`
    when it exists, else the folder that holds every Markdown file carrying a `**Status**:` line
    (searched a few levels deep, leaving out `skip` and generated folders); None when there is none."""
    conventional = git_root / ".github" / "issue-analysis"
    if conventional.is_dir():
        return ".github/issue-analysis"
    found: list[PurePosixPath] = []
    _search(git_root, git_root, skip, 0, found)
    if not found:
        return None
    common = found[0].parent
    for path in found[1:]:
        while common != PurePosixPath(".") and common not in path.parents:
            common = common.parent
    # status folders (open/, resolved/) and issue folders sit below the folder to import
    return common.as_posix()


def _search(folder: Path, git_root: Path, skip: Path, depth: int, found: list[PurePosixPath]) -> None:
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        if entry.is_symlink():
            continue
        if entry.is_dir():
            hidden = entry.name.startswith(".") and entry.name != ".github"
            if depth < _SEARCH_DEPTH and not hidden and entry.name not in _NOT_SEARCHED and entry != skip:
                _search(entry, git_root, skip, depth + 1, found)
        elif entry.suffix == ".md" and _has_status_line(entry):
            found.append(PurePosixPath(entry.relative_to(git_root).as_posix()))


def _has_status_line(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return bool(_STATUS_LINE.search(handle.read(65536)))
    except OSError:
        return False


def _state(path: Path, text: str) -> str:
    """How the file at `path` compares with `text`: `missing`, `same`, `ours` (different, but it names
    issuekb: an earlier init's file, edited since) or `theirs`."""
    if not path.exists():
        return "missing"
    try:
        data = path.read_bytes()
    except OSError:
        return "theirs"
    if data == text.encode("utf-8"):
        return "same"
    return "ours" if b"issuekb" in data else "theirs"


def plan_adoption(
    layout: Layout, files: dict[str, str], render_jobs: Callable[[dict[str, str], str], dict[str, str]]
) -> Plan:
    """Decide, file by file, what to write. `files` is the scaffold (knowledge-base-relative path ->
    text); `render_jobs(names, make)` renders the files that name others (Makefile, workflows,
    pre-commit) for the chosen file names (`requirements.txt` -> the name used) and make command."""
    plan = Plan()
    names = {
        shared: RENAMED[shared] if _state(layout.kb / shared, files[shared]) == "theirs" else shared
        for shared in ("requirements.txt", "constraints.txt")
    }
    theirs_makefile = _state(layout.kb / "Makefile", render_jobs(names, "make")["Makefile"]) == "theirs"
    plan.make = "make -f issuekb.mk" if theirs_makefile else "make"
    rendered = {**files, **render_jobs(names, plan.make)}
    for rel, text in rendered.items():
        target = names.get(rel, rel)
        if rel == "Makefile" and theirs_makefile:
            target = RENAMED["Makefile"]
            plan.skipped.append((layout.target(rel), f"exists; the jobs are in {layout.target(target)}"))
        elif target != rel:
            plan.skipped.append((layout.target(rel), f"exists; issuekb's is {layout.target(target)}"))
        path = layout.target(target)
        state = _state(layout.git_root / path, text)
        if state == "theirs" and rel.startswith(WORKFLOWS):
            renamed = f"{WORKFLOWS}issuekb-{rel.removeprefix(WORKFLOWS)}"
            plan.skipped.append((path, f"exists; issuekb's is {renamed}"))
            path = renamed
            state = _state(layout.git_root / path, text)
        if state == "missing":
            plan.writes[path] = text
        elif state == "same":
            plan.skipped.append((path, "exists, identical"))
        else:
            plan.skipped.append((path, "exists; left as it is"))
            if rel in ADVISED and state == "theirs":
                plan.advice.append(_advice(rel, path, text, layout))
    return plan


def _advice(rel: str, path: str, text: str, layout: Layout) -> str:
    """What to add by hand to a shared file that exists."""
    if rel == ".gitignore":
        try:
            have = set((layout.git_root / path).read_text(encoding="utf-8").splitlines())
        except (OSError, UnicodeDecodeError):
            have = set()
        wanted = [line for line in text.splitlines() if line and not line.startswith("#")]
        missing = [line for line in wanted if line not in have]
        if not missing:
            return f"{path}: already ignores what issuekb generates."
        return f"{path}: add these lines:\n" + "".join(f"    {line}\n" for line in missing).rstrip("\n")
    if rel == ".pre-commit-config.yaml":
        hooks = text.split("repos:\n", 1)[-1]
        return f"{path}: add these entries under `repos:`:\n" + _indent(hooks)
    return (
        f"{path}: the site settings of another site. Run init again with --kb-dir naming a folder of the "
        "knowledge base's own (for instance --kb-dir kb)."
    )


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.rstrip("\n").splitlines())
