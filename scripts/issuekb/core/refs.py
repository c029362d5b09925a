"""References to upstream issues: `IssueRef(repo, number)`, parsed from `1143` or `owner/repo#1143`.

Upstream issue numbers and fork pull request numbers never share a type: fork PRs are plain ints in
`Analysis.prs`; everything upstream is an `IssueRef`.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["MAX_NUMBER", "IssueRef", "parse_ref"]

#: the largest issue or pull request number taken as one (GitHub's fit in 32 bits); a longer string of
#: digits is not a number here (Python refuses to convert more than 4,300 digits, and no file name holds one)
MAX_NUMBER = 10**15 - 1
_REF_RE = re.compile(
    r"^\s*(?:(?P<repo>[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+)#|#)?(?P<num>[0-9]{1,15})\s*$"
)


class IssueRef(NamedTuple):
    """An upstream issue (or pull request): repository `owner/name` and number."""

    repo: str
    number: int

    def short(self, default_repo: str) -> str:
        """`#N` in the default repository, `owner/repo#N` elsewhere."""
        return f"#{self.number}" if self.repo == default_repo else f"{self.repo}#{self.number}"

    def url(self) -> str:
        return f"https://github.com/{self.repo}/issues/{self.number}"

    def __str__(self) -> str:
        return f"{self.repo}#{self.number}"


def parse_ref(value: object, default_repo: str) -> IssueRef | None:
    """Parse an int or a `#N` / `owner/repo#N` string; None when it is neither (or not positive)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return IssueRef(default_repo, value) if 0 < value <= MAX_NUMBER else None
    if isinstance(value, str):
        match = _REF_RE.match(value)
        if match and int(match.group("num")) > 0:
            return IssueRef(match.group("repo") or default_repo, int(match.group("num")))
    return None
