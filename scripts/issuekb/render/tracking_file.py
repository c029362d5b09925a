"""`issuekb tracking`'s work: TRACKING.md rendered from the pipeline, compared with the file, written.

`update_tracking` returns what happened as a value; printing it is the command's job.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from issuekb.config import Config
from issuekb.diagnostics import Diagnostic, Severity
from issuekb.pipeline import run_pipeline
from issuekb.render.links import RepoLinks
from issuekb.render.tracking import render_tracking
from issuekb.writes import write_if_changed

__all__ = ["TrackingRun", "unified_diff", "update_tracking"]


@dataclass(frozen=True, slots=True)
class TrackingRun:
    """The outcome of one `update_tracking`.

    `fatal` (no analyses folder, an unusable state file) or `problem` (TRACKING.md unreadable or
    unwritable) set: nothing was written. Otherwise `diff` is empty when the file is current (or, unless
    checking, was written: `wrote`), and the unified diff from the file to the render when it is stale.
    """

    #: TRACKING.md as diagnostics name it (`Config.rel`)
    name: str
    fatal: list[Diagnostic] = field(default_factory=list)
    #: the knowledge base's errors (TRACKING.md is rendered all the same)
    errors: list[Diagnostic] = field(default_factory=list)
    problem: str | None = None
    diff: str = ""
    wrote: bool = False


def unified_diff(old: str, new: str, name: str) -> str:
    """The change from `old` to `new` as a unified diff (empty when equal)."""
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    lines = difflib.unified_diff(old_lines, new_lines, f"{name} (on disk)", f"{name} (generated)")
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


def update_tracking(config: Config, *, check: bool = False) -> TrackingRun:
    """Render TRACKING.md at `config.tracking_file`; write it when its bytes change, or with `check`
    write nothing and compare (line ends aside). Never raises for bad input: see `TrackingRun`."""
    target = config.tracking_file
    name = config.rel(target)
    results = run_pipeline(config, git=False)
    fatal = [d for d in results.diags if d.code == "kb-missing"] + results.state_diags
    if fatal:
        return TrackingRun(name, fatal=fatal)
    errors = [d for d in results.diags if d.severity is Severity.ERROR]
    text = render_tracking(results.kb, results.graph, results.state, RepoLinks.for_file(config, target))
    if check:
        try:
            current = target.read_bytes() if target.exists() else b""
            old = None if current == text.encode() else current.decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return TrackingRun(name, errors=errors, problem=f"cannot read {name}: {exc}")
        # the same text with universal newlines is current (a checkout with CRLF line ends)
        diff = "" if old is None else unified_diff(old.replace("\r\n", "\n").replace("\r", "\n"), text, name)
        return TrackingRun(name, errors=errors, diff=diff)
    try:
        wrote = write_if_changed(target, text)
    except OSError as exc:
        return TrackingRun(name, errors=errors, problem=f"cannot write {name}: {exc}")
    return TrackingRun(name, errors=errors, wrote=wrote)
