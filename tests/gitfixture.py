"""A real git repository for the commit check: deterministic commits, and two blobs sharing a 7-digit prefix.

Commits made with fixed names, dates and messages on an empty tree have the same SHA on every machine;
the golden broken knowledge base names them. `blob 654` and `blob 10034` (each with a newline) hash to
SHAs that share the prefix 2c232cb, so that prefix is ambiguous in any repository holding both: found by
hashing small strings (about 10,000 SHA-1s), not by making commits.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

__all__ = ["AMBIGUOUS_PREFIX", "COMMITS", "EMPTY_TREE", "git", "make_fork_clone"]

#: message -> SHA of the commits `make_fork_clone` makes, in order (each the child of the one before).
COMMITS = {
    "fix one": "8c0a2c665d799ec7c434374d9e79c7107c62cc87",
    "fix two": "4a110ef66c402abc39f1825b8653fa39ea3f6f3e",
    "fix three": "1fb94ad49897b48fdfdac5e9db9c4771d57dd928",
}
AMBIGUOUS_BLOBS = (b"blob 654\n", b"blob 10034\n")
AMBIGUOUS_PREFIX = "2c232cb"
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"

_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_DATE": "2025-01-01T00:00:00+0000",
    "GIT_COMMITTER_DATE": "2025-01-01T00:00:00+0000",
}


def git(repo: Path, *args: str, stdin: bytes | None = None) -> str:
    """Run `git -C repo ...` with a fixed identity and dates; return its standard output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")} | _ENV
    proc = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(repo), *args],
        input=stdin,
        capture_output=True,
        check=True,
        env=env,
    )
    return proc.stdout.decode().strip()


def make_fork_clone(path: Path) -> dict[str, str]:
    """A git repository at `path` with three empty commits and the two ambiguous blobs: message -> SHA."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q")
    made: dict[str, str] = {}
    for message in COMMITS:
        git(path, "commit", "-q", "--allow-empty", "--no-gpg-sign", "-m", message)
        made[message] = git(path, "rev-parse", "HEAD")
    for blob in AMBIGUOUS_BLOBS:
        git(path, "hash-object", "-w", "--stdin", stdin=blob)
    return made
