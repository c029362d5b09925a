"""The git adapter: does each fix commit exist, unambiguously, in a local clone of the fork?

One `git cat-file --batch-check` process answers for every SHA at once. git is asked about the given
folder only: it does not climb to a repository above it, and GIT_DIR-style variables of the caller's
environment do not redirect it.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable
from pathlib import Path

__all__ = ["GitError", "cat_file", "check_commits"]

_HEX_RE = re.compile(r"^[0-9a-f]{1,40}$")
#: Variables that would point git at another repository than the one asked about.
_GIT_REDIRECTS = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR")


class GitError(Exception):
    """git could not be run on the given folder."""


def check_commits(repo: Path, shas: Iterable[str]) -> dict[str, str]:
    """Map each SHA (or hex prefix) to 'ok', 'missing', 'ambiguous' or 'not-a-commit'.

    Raises GitError when git cannot run or `repo` is not a git repository.
    """
    unique = sorted(set(shas))
    result = {sha: "missing" for sha in unique if not _HEX_RE.match(sha)}
    asked = [sha for sha in unique if sha not in result]
    if not repo.is_dir():
        raise GitError("no such folder")
    if not asked:
        return result
    out = cat_file(repo, "--batch-check=%(objectname) %(objecttype)", asked).decode(errors="replace")
    answers = out.splitlines()
    if len(answers) != len(asked):
        raise GitError(f"git cat-file answered {len(answers)} lines for {len(asked)} commits")
    for sha, answer in zip(asked, answers, strict=True):
        if answer.endswith(" ambiguous"):
            result[sha] = "ambiguous"
        elif answer.endswith(" missing"):
            result[sha] = "missing"
        elif answer.endswith(" commit"):
            result[sha] = "ok"
        else:
            result[sha] = "not-a-commit"
    return result


def cat_file(repo: Path, mode: str, shas: list[str]) -> bytes:
    """The output of `git cat-file <mode>` in `repo` for `shas` (one per line); GitError if it fails."""
    env = {key: value for key, value in os.environ.items() if key not in _GIT_REDIRECTS}
    env["GIT_CEILING_DIRECTORIES"] = str(repo.resolve().parent)
    try:
        proc = subprocess.run(
            ["git", "-C", str(repo), "cat-file", mode],
            input="".join(f"{sha}\n" for sha in shas).encode(),
            capture_output=True,
            check=False,
            timeout=120,
            env=env,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitError(f"cannot run git: {exc}") from exc
    if proc.returncode != 0:
        lines = proc.stderr.decode(errors="replace").strip().splitlines()
        raise GitError(f"not a git repository ({lines[-1] if lines else 'git failed'})")
    return proc.stdout
