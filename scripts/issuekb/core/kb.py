"""The knowledge base: every analysis of one configuration, and an index by issue reference."""

from __future__ import annotations

from dataclasses import dataclass, field

from issuekb.config import Config
from issuekb.core.model import Analysis
from issuekb.core.refs import IssueRef

__all__ = ["KnowledgeBase"]


@dataclass(slots=True)
class KnowledgeBase:
    """All analyses, sorted by (repo, issue), and an index by reference."""

    config: Config
    analyses: list[Analysis] = field(default_factory=list)
    by_ref: dict[IssueRef, Analysis] = field(default_factory=dict)

    def get(self, ref: IssueRef) -> Analysis | None:
        return self.by_ref.get(ref)

    @property
    def repos(self) -> list[str]:
        """Every upstream repository the analyses name, the configured upstream first."""
        names = {a.ref.repo for a in self.analyses}
        return sorted(names, key=lambda r: (r != self.config.upstream, r.lower()))
