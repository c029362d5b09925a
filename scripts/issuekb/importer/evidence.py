"""`--git PATH`: the fork clone as evidence about an analysis's fix commits.

`read_commits` asks one `git cat-file --batch` process for every SHA and returns each commit's message
(or why there is none: missing, ambiguous, not a commit). `weigh_commits` then, per decision: a chosen
commit that is not in the clone is left out; a chosen commit whose message names other issues
(`Fixes #N`, `(#N)`, `#N`) and not this one is another issue's fix and is left out; a commit from a
weaker source (the prose, a companion, the TRACKING.md row) whose message names this issue is added.
Every such change is a review line. Pull request numbers of the analysis are not issue numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from issuekb.core.gitrepo import GitError, cat_file
from issuekb.importer.decide import Decision, Review
from issuekb.importer.resolve import Candidate, Source

__all__ = ["read_commits", "weigh_commits"]

_HEX_RE = re.compile(r"^[0-9a-f]{7,40}$")
_ISSUE_IN_MESSAGE_RE = re.compile(r"(?<![\w/&])#(\d{1,15})\b")


def read_commits(repo: Path, shas: Iterable[str]) -> dict[str, str | None]:
    """SHA -> the commit's message, or None when the clone has no such commit (or it is ambiguous).

    Raises GitError when `repo` is not a git repository or git cannot run."""
    asked = sorted({sha for sha in shas if _HEX_RE.match(sha)})
    if not repo.is_dir():
        raise GitError("no such folder")
    return _parse_batch(cat_file(repo, "--batch", asked), asked)


def _parse_batch(out: bytes, asked: list[str]) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    pos = 0
    for sha in asked:
        end = out.index(b"\n", pos)
        header = out[pos:end].decode(errors="replace").split()
        pos = end + 1
        if len(header) != 3:  # "<sha> missing" or "<sha> ambiguous"
            found[sha] = None
            continue
        size = int(header[2])
        body = out[pos : pos + size]
        pos += size + 1
        if header[1] != "commit":
            found[sha] = None
            continue
        found[sha] = body.decode(errors="replace").split("\n\n", 1)[1] if b"\n\n" in body else ""
    return found


def _issues_named(message: str, prs: set[int]) -> set[int]:
    return {int(n) for n in _ISSUE_IN_MESSAGE_RE.findall(message)} - prs


def weigh_commits(
    d: Decision, own: frozenset[int], others: list[Candidate], messages: dict[str, str | None]
) -> None:
    """Apply the clone's evidence to the commits of `d` (see the module's docstring)."""
    chosen = d.values.get("commits")
    prs = set(d.values["prs"].value) if "prs" in d.values else set()
    kept: list[str] = []
    for sha in chosen.value if chosen is not None else []:
        message = messages.get(sha)
        named = _issues_named(message or "", prs)
        if message is None:
            d.warnings.append(Review("commits", f"(left out: {sha})", "not a commit of the fork clone"))
        elif named and not named & own:
            listed = ", ".join(f"#{n}" for n in sorted(named))
            d.warnings.append(
                Review("commits", f"(left out: {sha})", f"its message names {listed}, not this issue")
            )
        else:
            kept.append(sha)
    added: list[str] = []
    for other in others:
        for sha in other.value:
            message = messages.get(sha)
            if sha in kept or sha in added or message is None:
                continue
            if _issues_named(message, prs) & own:
                added.append(sha)
                d.warnings.append(
                    Review("commits", f"(added: {sha}, {other.source})", "its message names this issue")
                )
    if chosen is None and not added:
        return
    source = (
        chosen.source
        if chosen is not None and not added
        else Source("derived", "commits checked in the fork clone")
    )
    d.values["commits"] = Candidate([*kept, *added], source, chosen.raw if chosen is not None else "")
