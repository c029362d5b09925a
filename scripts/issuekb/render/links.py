"""Where generated Markdown points: one small protocol, one implementation per place it is read.

Renderers never build URLs themselves; they ask a `Links`. `RepoLinks` gives paths relative to the
generated file (TRACKING.md at the repository root), so the links work when the file is read on GitHub
or in a clone. The site gives its own implementation (pages instead of files); the GitHub URLs of
upstream issues and fork commits are the same everywhere (`GitHubLinks`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import quote

if TYPE_CHECKING:
    from issuekb.config import Config
    from issuekb.core.model import Analysis, Companion
    from issuekb.core.refs import IssueRef

__all__ = ["GitHubLinks", "Links", "RepoLinks"]

GITHUB = "https://github.com"


class Links(Protocol):
    """URLs for everything a generated page links to."""

    def analysis(self, analysis: Analysis, companion: Companion | None = None) -> str:
        """The analysis (or one of its companion pages) as a reader opens it."""
        ...

    def issue(self, ref: IssueRef) -> str:
        """An upstream issue or pull request (GitHub redirects /issues/N to /pull/N)."""
        ...

    def commit(self, sha: str) -> str | None:
        """A fix commit in the fork; None when no fork is configured (the SHA is shown unlinked)."""
        ...

    def pull(self, number: int) -> str | None:
        """A pull request in the fork; None when no fork is configured."""
        ...


class GitHubLinks:
    """The GitHub half of `Links`: upstream issues, fork commits and fork pull requests."""

    def __init__(self, fork: str) -> None:
        self.fork = fork

    def issue(self, ref: IssueRef) -> str:
        return f"{GITHUB}/{ref.repo}/issues/{ref.number}"

    def commit(self, sha: str) -> str | None:
        return f"{GITHUB}/{self.fork}/commit/{sha}" if self.fork else None

    def pull(self, number: int) -> str | None:
        return f"{GITHUB}/{self.fork}/pull/{number}" if self.fork else None


class RepoLinks(GitHubLinks):
    """Analyses as files, relative to the folder of the generated file (the repository root by default)."""

    def __init__(self, config: Config, from_dir: Path | None = None) -> None:
        super().__init__(config.fork)
        self.from_dir = (from_dir or config.tracking_file.parent).resolve()
        #: folder of analysis folders (e.g. analyses/) -> (that folder resolved, its path from `from_dir`)
        self._prefixes: dict[str, tuple[str, str]] = {}
        self._here = str(self.from_dir)

    @classmethod
    def for_file(cls, config: Config, generated: Path) -> RepoLinks:
        """Links that work from `generated` (e.g. the configured TRACKING.md)."""
        return cls(config, generated.parent)

    def analysis(self, analysis: Analysis, companion: Companion | None = None) -> str:
        target = companion.path if companion is not None else analysis.path
        return quote(self._relative(target))

    def _relative(self, target: Path) -> str:
        """`relpath(target.resolve(), from_dir)`, resolving the folder of analysis folders only once.

        When neither the analysis folder nor the file is a symbolic link (two `lstat`s) and the links are
        not made from inside the analysis folder, the resolved target is the resolved grandparent joined
        with the two names, and its relative path is the grandparent's joined with them. The names are
        cut from the path's string (a `Path` is already normalised), without a `Path` object per link.
        """
        text = str(target)
        folder, _, name = text.rpartition("/")
        base, _, folder_name = folder.rpartition("/")
        if (
            base
            and name not in ("", ".", "..")
            and folder_name not in ("", ".", "..")
            and not os.path.islink(folder)  # noqa: PTH114 - a str: no Path object per link
            and not os.path.islink(text)  # noqa: PTH114
        ):
            known = self._prefixes.get(base)
            if known is None:
                real = Path(base).resolve()
                known = (str(real), Path(os.path.relpath(real, self.from_dir)).as_posix())
                self._prefixes[base] = known
            real_folder = f"{known[0].rstrip('/')}/{folder_name}"
            here = self._here
            if here != real_folder and not here.startswith(real_folder + "/"):
                names = f"{folder_name}/{name}"
                return names if known[1] == "." else f"{known[1]}/{names}"
        return Path(os.path.relpath(target.resolve(), self.from_dir)).as_posix()
