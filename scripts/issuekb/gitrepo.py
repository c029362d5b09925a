"""The git adapter: does each fix commit exist, unambiguously, in a local clone of the fork?

One `git cat-file --batch-check` process answers for every SHA at once.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path

__all__ = ["GitError", "check_commits"]


class GitError(Exception):
    """git could not be run on the given folder."""


def check_commits(repo: Path, shas: Iterable[str]) -> dict[str, str]:
    """Map each SHA to 'ok', 'missing' or 'ambiguous' (or 'not-a-commit')."""
    unique = sorted(set(shas))
    if not unique:
        return {}
    if not repo.is_dir():
        raise GitError(f"{repo} is not a folder")
    try:
        proc = subprocess.run(
            ["git", "-C", str(repo), "cat-file", "--batch-check=%(objectname) %(objecttype)"],
            input="".join(f"{sha}\n" for sha in unique),
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitError(f"cannot run git: {exc}") from exc
    if proc.returncode != 0:
        raise GitError(f"{repo} is not a git repository ({proc.stderr.strip() or 'git failed'})")
    answers = proc.stdout.splitlines()
    if len(answers) != len(unique):
        raise GitError(f"git cat-file answered {len(answers)} lines for {len(unique)} commits")
    result: dict[str, str] = {}
    for sha, answer in zip(unique, answers, strict=True):
        if answer.endswith(" ambiguous"):
            result[sha] = "ambiguous"
        elif answer.endswith(" missing"):
            result[sha] = "missing"
        elif answer.endswith(" commit"):
            result[sha] = "ok"
        else:
            result[sha] = "not-a-commit"
    return result
