"""The import, stage after stage: list the legacy tree, read it, decide, emit, then write and check.

`plan_import` reads only; `destinations` finds what a write would overwrite; `write_plan` writes
(atomically, file by file); `check_plan` runs the knowledge base's validator over the result (for a
dry run, over a temporary mirror of the knowledge base, so that nothing is written into it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from issuekb.config import Config
from issuekb.core.document import load_document
from issuekb.core.gitrepo import GitError
from issuekb.core.model import FOLDER_RE
from issuekb.core.refs import IssueRef
from issuekb.diagnostics import Diagnostic, sort_key
from issuekb.importer.decide import ORDER, Decision, decide, derive
from issuekb.importer.discover import LegacyFolder, LegacyTree, SkippedFile, discover_tree
from issuekb.importer.emit import analysis_text
from issuekb.importer.evidence import read_commits, weigh_commits
from issuekb.importer.gather import Gathered, gather
from issuekb.importer.resolve import Candidate, Source
from issuekb.importer.settle import settle
from issuekb.importer.tracking import TrackingRow, read_tracking
from issuekb.pipeline import run_pipeline
from issuekb.writes import atomic_write

__all__ = [
    "ImportPlan",
    "ImportRefusedError",
    "PlannedAnalysis",
    "check_plan",
    "destinations",
    "plan_import",
    "run_import",
    "write_plan",
]


@dataclass(slots=True)
class PlannedAnalysis:
    """One analysis to write: where, what, and how it was decided."""

    decision: Decision
    dest: str
    files: dict[str, bytes]
    header_removed: bool
    skipped: list[SkippedFile] = field(default_factory=list)
    overwrites: bool = False


@dataclass(slots=True)
class ImportPlan:
    """Everything one import would do, and everything it found on the way."""

    src: Path
    tree: LegacyTree
    analyses: list[PlannedAnalysis] = field(default_factory=list)
    errors: list[Diagnostic] = field(default_factory=list)
    orphans: list[TrackingRow] = field(default_factory=list)


def _read_text(path: Path, rel: str) -> tuple[str | None, Diagnostic | None]:
    """A legacy file as text (UTF-8, BOM dropped, line ends normalised), or a located error."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, Diagnostic.error("import-unreadable", rel, 1, f"Cannot read file: {exc.strerror or exc}")
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, Diagnostic.error(
            "import-encoding",
            rel,
            line,
            f"File is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
            "Save it as UTF-8.",
        )
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


def _tracking_rows(plan: ImportPlan) -> list[TrackingRow]:
    rows: list[TrackingRow] = []
    for rel in plan.tree.tracking:
        text, error = _read_text(plan.src / rel, rel)
        if error is not None:
            plan.errors.append(error)
        elif text is not None:
            rows.extend(read_tracking(text, rel))
    return rows


def _match_row(folder: LegacyFolder, rows: list[TrackingRow]) -> TrackingRow | None:
    same = [r for r in rows if r.number == folder.number]
    exact = [r for r in same if r.location.strip("/ `") == folder.rel]
    matches = exact or same
    return matches[0] if matches else None


def _repo_fallback(
    gathered: list[Gathered], rows: list[TrackingRow], option: str | None, upstream: str
) -> Candidate:
    """The legacy folder's repository: the one its links name most, else --repo, else the upstream."""
    names: Counter[str] = Counter()
    spelled: dict[str, str] = {}
    for g in gathered:
        for bucket in ("header", "analysis", "companions"):
            for c in g.bucket("issue", bucket):
                if c.value[0]:
                    names[c.value[0].lower()] += 1
                    spelled.setdefault(c.value[0].lower(), c.value[0])
    for row in rows:
        if row.repo:
            names[row.repo.lower()] += 1
            spelled.setdefault(row.repo.lower(), row.repo)
    if names:
        best = sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        return Candidate(
            spelled[best[0]], Source("derived", f"named by {best[1]} link(s) in the legacy folder")
        )
    if option:
        return Candidate(option, Source("derived", "--repo"))
    return Candidate(upstream, Source("derived", "the configured upstream"))


def _commit_sources(g: Gathered) -> list[Candidate]:
    """Every candidate list of commits of one folder, most believed first."""
    return [c for bucket in ORDER["commits"] for c in g.bucket("commits", bucket)]


def _messages(gathered: list[Gathered], clone: Path | None) -> dict[str, str | None] | None:
    if clone is None:
        return None
    shas = {sha for g in gathered for c in _commit_sources(g) for sha in c.value}
    return read_commits(clone, shas)


def plan_import(
    src: Path,
    config: Config,
    *,
    repo: str | None = None,
    prefer: str = "folder",
    git: Path | None = None,
    today: dt.date | None = None,
) -> ImportPlan:
    """Read the legacy tree under `src` and decide every analysis; nothing is written.

    `prefer` orders the status sources (`decide.PREFER`); `git`, a clone of the fork, weighs the
    commits (`evidence`); raises `GitError` when that clone cannot be read."""
    plan = ImportPlan(src, discover_tree(src))
    rows = _tracking_rows(plan)
    gathered = _gather_all(plan, rows)
    fallback = _repo_fallback([g for g, _ in gathered], rows, repo, config.upstream)
    messages = _messages([g for g, _ in gathered], git)
    seen: dict[str, str] = {}
    for g, texts in gathered:
        decision = decide(g, fallback, prefer)
        dest = f"{decision.ref.number:04d}-{g.folder.slug}"
        if messages is not None:
            weigh_commits(decision, g.own, _commit_sources(g), messages)
            resolution = decision.values.get("resolution")
            if resolution is not None and resolution.source.where == "resolved, with fix commits":
                del decision.values["resolution"]
                derive(decision)
        settle(decision, config.upstream, dest, today=today)
        if dest in seen:
            plan.errors.append(
                Diagnostic.error(
                    "import-collision",
                    g.folder.rel,
                    1,
                    f"Both {seen[dest]}/ and {g.folder.rel}/ would become {dest}/; this one is not imported",
                    "Rename one of the legacy folders.",
                )
            )
            continue
        seen[dest] = g.folder.rel
        text, removed = analysis_text(decision, config.upstream, texts["analysis.md"])
        files = {"analysis.md": text.encode("utf-8")}
        for name in g.folder.companions:
            if name in texts:
                files[name] = (g.folder.path / name).read_bytes()
        plan.analyses.append(PlannedAnalysis(decision, dest, files, removed, list(g.folder.skipped)))
    plan.analyses.sort(
        key=lambda p: (p.decision.ref.repo != config.upstream, p.decision.ref.repo.lower(), p.dest)
    )
    return plan


def _gather_all(plan: ImportPlan, rows: list[TrackingRow]) -> list[tuple[Gathered, dict[str, str]]]:
    """Every legacy folder with a readable analysis.md, gathered with its texts and its TRACKING.md row;
    unreadable files go to `plan.errors`, rows no folder matched to `plan.orphans`."""
    gathered: list[tuple[Gathered, dict[str, str]]] = []
    used: set[int] = set()
    for folder in plan.tree.folders:
        texts: dict[str, str] = {}
        for name in ("analysis.md", *folder.companions):
            rel = f"{folder.rel}/{name}"
            text, error = _read_text(folder.path / name, rel)
            if error is not None:
                plan.errors.append(error)
            elif text is not None:
                texts[name] = text
        if "analysis.md" not in texts:
            continue
        row = _match_row(folder, rows)
        if row is not None:
            used.add(id(row))
        gathered.append((gather(folder, texts, row), texts))
    plan.orphans = [r for r in rows if id(r) not in used]
    return gathered


def _existing_folders(config: Config) -> dict[int, list[str]]:
    """Folder names under the analyses folder, by the issue number in their name."""
    found: dict[int, list[str]] = {}
    if config.analyses_dir.is_dir():
        for entry in sorted(config.analyses_dir.iterdir()):
            match = FOLDER_RE.match(entry.name)
            if match and (entry / "analysis.md").is_file():
                found.setdefault(int(match.group("num")), []).append(entry.name)
    return found


def _same_issue(config: Config, folder: str, ref: IssueRef) -> bool:
    path = config.analyses_dir / folder / "analysis.md"
    doc, _ = load_document(path, config.rel(path))
    meta = doc.meta or {}
    return (
        meta.get("issue") == ref.number
        and str(meta.get("repo") or config.upstream).lower() == ref.repo.lower()
    )


def destinations(plan: ImportPlan, config: Config) -> list[str]:
    """Folders under the analyses folder that the import would overwrite: the planned folder itself, or
    the folder of an existing analysis of the same issue (the import is retargeted there, so that
    --force replaces that analysis instead of adding a second one)."""
    by_number = _existing_folders(config)
    existing: list[str] = []
    for planned in plan.analyses:
        ref = planned.decision.ref
        if not (config.analyses_dir / planned.dest).exists():
            same = [name for name in by_number.get(ref.number, []) if _same_issue(config, name, ref)]
            if not same:
                continue
            planned.dest = same[0]
        planned.overwrites = True
        existing.append(planned.dest)
    return existing


def write_plan(plan: ImportPlan, config: Config) -> list[Path]:
    """Write every planned file atomically; returns the paths written."""
    written: list[Path] = []
    for planned in plan.analyses:
        for name, data in planned.files.items():
            path = config.analyses_dir / planned.dest / name
            atomic_write(path, data)
            written.append(path)
    return written


def check_plan(
    plan: ImportPlan, config: Config, *, written: bool, today: dt.date | None = None
) -> list[Diagnostic]:
    """The validator's findings about the imported analyses (a dry run checks a temporary mirror)."""
    rel_dir = config.rel(config.analyses_dir)
    if Path(rel_dir).is_absolute():
        rel_dir = "analyses"
    prefixes = tuple(f"{rel_dir}/{p.dest}/" for p in plan.analyses)
    if written:
        diags = run_pipeline(config, today=today, upstream=False).diags
    else:
        with tempfile.TemporaryDirectory(prefix="issuekb-import-") as tmp:
            root = Path(tmp).resolve()
            mirror = root / rel_dir
            mirror.mkdir(parents=True)
            planned = {p.dest for p in plan.analyses}
            if config.analyses_dir.is_dir():
                for entry in sorted(config.analyses_dir.iterdir()):
                    if entry.name not in planned:
                        (mirror / entry.name).symlink_to(entry.absolute(), target_is_directory=entry.is_dir())
            for p in plan.analyses:
                for name, data in p.files.items():
                    atomic_write(mirror / p.dest / name, data)
            mirror_config = dataclasses.replace(config, root=root, analyses_dir=mirror)
            diags = run_pipeline(mirror_config, today=today, upstream=False).diags
    return [d for d in diags if d.path.startswith(prefixes)]


class ImportRefusedError(Exception):
    """The import could not run, or stopped: the message says why and what was (not) written."""


def run_import(
    src: Path,
    config: Config,
    *,
    repo: str | None,
    prefer: str,
    git: Path | None,
    dry_run: bool,
    force: bool,
    report_file: Path | None,
) -> tuple[ImportPlan, list[Diagnostic]]:
    """`issuekb import`'s work: plan the import of `src`, write it (unless `dry_run`) and check it.

    Returns the plan and the findings of the check on the result, sorted. Raises `ImportRefusedError`, having
    written nothing, when `src` holds no analysis, would be written into (the analyses folder or the
    report inside it), or an analysis exists and not `force`; also when a file cannot be read or written.
    """
    src = src.resolve()
    if config.analyses_dir.is_relative_to(src):
        raise ImportRefusedError(
            f"the analyses folder {config.analyses_dir} is inside SRC {src}; SRC is never written to"
        )
    if report_file is not None and report_file.resolve().is_relative_to(src):
        raise ImportRefusedError(f"--report {report_file} is inside SRC {src}; SRC is never written to")
    try:
        plan = plan_import(src, config, repo=repo, prefer=prefer, git=git)
    except OSError as exc:
        raise ImportRefusedError(f"cannot read {exc.filename or src}: {exc.strerror or exc}") from exc
    except GitError as exc:
        raise ImportRefusedError(f"--git {git}: {exc}") from exc
    if not plan.analyses and not plan.errors:
        raise ImportRefusedError(f"no <number>-<slug>/ folder with an analysis.md under {src}")
    existing = destinations(plan, config)
    if existing and not force:
        listed = ", ".join(f"{config.rel(config.analyses_dir / name)}/" for name in existing)
        raise ImportRefusedError(
            f"analyses exist already: {listed}; nothing was written (use --force to overwrite)"
        )
    if not dry_run:
        try:
            write_plan(plan, config)
        except OSError as exc:
            raise ImportRefusedError(f"cannot write {exc.filename}: {exc.strerror or exc}") from exc
    try:
        findings = check_plan(plan, config, written=not dry_run)
    except OSError as exc:
        done = "nothing was written" if dry_run else "the analyses were written"
        raise ImportRefusedError(f"cannot check the result ({done}): {exc.strerror or exc}") from exc
    return plan, sorted(findings, key=sort_key)
