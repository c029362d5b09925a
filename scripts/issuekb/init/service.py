"""`issuekb init` as a service: settings checked, the adoption planned, the files written, the summary.

The command parses options into an `InitRequest`, calls `prepare_init` and `apply_init`, and prints
what they return. Nothing here prints; a refusal is an `InitError` carrying every problem found.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from issuekb.init.adopt import Layout, Plan, find_git_root, find_hand_kept, plan_adoption
from issuekb.init.install_spec import (
    PACKAGE,
    SourceError,
    default_requirement,
    dependency_pins,
    requirement_for,
)
from issuekb.init.scaffold import (
    KEEP_FILE,
    Settings,
    blocked,
    check_kb_dir,
    default_site_name,
    default_site_url,
    render_jobs,
    render_scaffold,
    settings_problems,
)
from issuekb.writes import write_if_changed

__all__ = ["InitError", "InitRequest", "Prepared", "apply_init", "prepare_init", "summary_lines"]

_GIT_URL_HINT = f"{PACKAGE} @ git+https://github.com/OWNER/REPO@TAG"


class InitError(Exception):
    """init cannot go on; `str()` is every reason, one a line, ending with what was written."""


@dataclass(frozen=True, slots=True)
class InitRequest:
    """The options of `issuekb init`, as given (None: take the default)."""

    path: Path
    upstream: str
    fork: str
    kb_repo: str | None
    site_name: str | None
    site_url: str | None
    source: str | None
    kb_dir: str


@dataclass(frozen=True, slots=True)
class Prepared:
    """A checked request: where things go, what will be written and skipped, with which settings."""

    layout: Layout
    plan: Plan
    settings: Settings


def _settings(request: InitRequest, problems: list[str]) -> Settings:
    try:
        requirement = (
            requirement_for(request.source, Path.cwd())
            if request.source is not None
            else default_requirement()
        )
    except SourceError as exc:
        problems.append(f"--source: {exc}")
        requirement = ""
    kb_repo = request.kb_repo if request.kb_repo is not None else request.fork
    return Settings(
        upstream=request.upstream,
        fork=request.fork,
        kb_repo=kb_repo,
        site_name=request.site_name if request.site_name is not None else default_site_name(request.upstream),
        site_url=request.site_url if request.site_url is not None else default_site_url(kb_repo),
        requirement=requirement,
        pins=tuple(dependency_pins()),
    )


def prepare_init(request: InitRequest) -> Prepared:
    """Check the request and plan the adoption; writes nothing.

    Raises `InitError` (with every problem) when a repository name is not owner/name, --kb-dir is not
    a folder inside the repository, the source cannot be used, the scaffold files are missing, or a file
    stands where a folder must go.
    """
    source_problems: list[str] = []
    settings = _settings(request, source_problems)
    problems = settings_problems(settings) + source_problems
    if (kb_problem := check_kb_dir(request.kb_dir)) is not None:
        problems.append(kb_problem)
    if problems:
        raise InitError("\n".join(problems) + "\nNothing was written.")

    repo = request.path.resolve()
    git_root = find_git_root(repo) or repo
    kb = (repo / request.kb_dir).resolve() if request.kb_dir != "." else repo
    if not kb.is_relative_to(git_root):
        raise InitError(
            f"--kb-dir: {request.kb_dir} leads out of the repository {git_root}\nNothing was written."
        )
    layout = Layout(git_root, kb)
    try:
        files = render_scaffold(layout.kb, settings)
    except OSError as exc:
        raise InitError(f"this installation of issuekb lacks its scaffold files: {exc}") from exc
    if _has_entries(layout.kb / "analyses"):
        del files[KEEP_FILE]
    plan = plan_adoption(layout, files, lambda names, make: render_jobs(files, layout.kb_rel, names, make))
    refused = blocked(git_root, list(plan.writes))
    if refused:
        raise InitError("\n".join(refused) + "\nNothing was written.")
    return Prepared(layout, plan, settings)


def apply_init(prepared: Prepared) -> list[str]:
    """Write the planned files (each atomically, in order); return their paths relative to the git root.

    Raises `InitError` naming the file that could not be written and those written before it.
    """
    root = prepared.layout.git_root
    written: list[str] = []
    for rel, text in prepared.plan.writes.items():
        try:
            write_if_changed(root / rel, text)
        except OSError as exc:
            done = f" Written before: {', '.join(written)}." if written else " Nothing was written."
            raise InitError(f"cannot write {rel}: {exc.strerror or exc}.{done}") from exc
        written.append(rel)
    return written


def _has_entries(folder: Path) -> bool:
    try:
        return folder.is_dir() and any(folder.iterdir())
    except OSError:
        return False


def _install_warning(requirement: str) -> str | None:
    if requirement.startswith(f"{PACKAGE}=="):
        return (
            f"warning: issuekb is not on PyPI; name a git URL of issuekb ({_GIT_URL_HINT}) in the "
            "requirements file before you push."
        )
    if "file:" in requirement:
        return (
            "warning: that is on this machine; GitHub Actions cannot install from it. Put a git URL "
            f"({_GIT_URL_HINT}) in the requirements file before you push."
        )
    return None


def summary_lines(prepared: Prepared) -> list[tuple[str, bool]]:
    """The closing summary as (line, is_warning): the layout, what to do by hand, the next commands.

    The first next command is an import when a hand-kept folder of analyses is found in the repository.
    """
    layout, plan, settings = prepared.layout, prepared.plan, prepared.settings
    kb = "the repository's root" if layout.kb_rel == "." else f"{layout.kb_rel}/"
    lines = [(f"Knowledge base for {settings.upstream} (fork {settings.fork}) in {kb}.", False)]
    if layout.kb_rel != ".":
        lines.append((f"The workflows in .github/workflows/ run in {layout.kb_rel}/.", False))
    lines.append((f"`{plan.make} venv` installs issuekb from: {settings.requirement}", False))
    if (warning := _install_warning(settings.requirement)) is not None:
        lines.append((warning, True))
    if plan.advice:
        lines.append(("To do by hand:", False))
        lines.extend((f"  {advice}", False) for advice in plan.advice)
    where = "" if layout.kb_rel == "." else f" (in {kb})"
    lines.append((f"Next{where}:", False))
    hand_kept = find_hand_kept(layout.git_root, layout.kb / "analyses")
    if hand_kept is not None:
        source = os.path.relpath(layout.git_root / hand_kept, layout.kb)
        lines.append(
            (
                f"  {plan.make} venv && .venv/bin/issuekb import {source}   # the hand-kept analyses found there",
                False,
            )
        )
    lines.extend((f"  {plan.make} {job}", False) for job in ("check", "new ISSUE=1234", "site"))
    lines.append(("Publishing: docs/own-fork.md of issuekb.", False))
    return lines
