"""Small pieces of TRACKING.md: links to issues, analyses, commits and PRs; status and upstream cells.

Every piece of text that is not ours (upstream titles, labels, logins, the state file's strings) goes
through `issuekb.render.escape`; so does our own free text (titles, tags), since it may hold `|` or `<`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from issuekb.core.model import FOLDER_RE, SHA_RE
from issuekb.core.schema import TAG_RE, Status
from issuekb.render.escape import md_cell

if TYPE_CHECKING:
    from issuekb.core.graph import Fix, LinkGraph
    from issuekb.core.kb import KnowledgeBase
    from issuekb.core.model import Analysis
    from issuekb.core.refs import IssueRef
    from issuekb.render.links import Links
    from issuekb.upstream.state import IssueState, PullState, UpstreamState

__all__ = ["DASH", "NOT_SYNCED", "Context", "head", "reason", "row", "table", "timestamp"]

DASH = "—"
NOT_SYNCED = "not synced"
_TIME_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9:.]+(?:Z|[+-][0-9]{2}:[0-9]{2})?)?$")
#: each status (None: unknown) as its cell
_STATUS_LABELS: dict[Status | None, str] = {None: "❓ unknown", **{s: f"{s.emoji} {s.value}" for s in Status}}
#: GitHub's state_reason values, in words
_REASONS = {
    "completed": "completed",
    "not_planned": "not planned",
    "duplicate": "duplicate",
    "reopened": "reopened",
}


def timestamp(value: str) -> str:
    """A time from the state file as written when it is ISO 8601, escaped text otherwise."""
    return value if _TIME_RE.match(value) else md_cell(value)


def reason(value: str) -> str:
    """A GitHub state_reason in words (an unknown one escaped)."""
    return _REASONS.get(value) or md_cell(value)


def table(header: Iterable[str], rows: Iterable[Iterable[str]], align: str = "") -> list[str]:
    """A Markdown table; `align` holds one letter per column: l (default) or r."""
    return [*head(header, align), *(row(cells) for cells in rows)]


def head(header: Iterable[str], align: str = "") -> list[str]:
    """The first two lines of a Markdown table (`table`): the names of the columns and their alignment."""
    names = list(header)
    marks = ["---:" if i < len(align) and align[i] == "r" else "---" for i in range(len(names))]
    return [row(names), row(marks)]


def row(cells: Iterable[str]) -> str:
    """One line of a Markdown table."""
    return "| " + " | ".join(cells) + " |"


@dataclass(frozen=True, slots=True)
class Context:
    """What every section needs: the knowledge base, its graph, the upstream state and the links."""

    kb: KnowledgeBase
    graph: LinkGraph
    state: UpstreamState
    links: Links
    #: a status shown with its emoji ("✅ resolved"); without, the word alone (for a page that cannot
    #: count on an emoji font)
    emoji: bool = True
    #: text -> `md_cell(text)`, for the texts shown in many rows: titles (the issue table, the timeline,
    #: attention) and upstream labels and states
    _cells: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    #: analysis folder -> `links.analysis` of it
    _links: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    #: `analyses()`, filled on the first call (every section asks)
    _analyses: list[Analysis] = field(default_factory=list, repr=False, compare=False)
    #: `KnowledgeBase.repos`, read once (`repos`)
    _named: list[list[str]] = field(default_factory=list, repr=False, compare=False)

    @property
    def upstream(self) -> str:
        return self.kb.config.upstream

    def named_repos(self) -> list[str]:
        """Every repository an analysis names (`KnowledgeBase.repos`: a pass over the analyses, made once
        for the whole render)."""
        if not self._named:
            self._named.append(self.kb.repos)
        return self._named[0]

    def repos(self) -> list[str]:
        """The configured upstream first, then every other repository an analysis names."""
        return [self.upstream, *(r for r in self.named_repos() if r != self.upstream)]

    def analyses(self) -> list[Analysis]:
        """Each issue's analysis once, in the knowledge base's order."""
        if not self._analyses:
            by_ref = self.kb.by_ref
            self._analyses.extend(a for a in self.kb.analyses if by_ref.get(a.ref) is a)
        return self._analyses

    # -- references ---------------------------------------------------------------------------------
    def short(self, ref: IssueRef, repo: str | None = None) -> str:
        """`#N` within `repo` (default: the configured upstream), `owner/name#N` elsewhere.

        Not escaped: every IssueRef was parsed (`parse_ref`, the model), so it holds only a checked
        `owner/name`, `#` and digits, none of which is markup inside a line.
        """
        return ref.short(repo or self.upstream)

    def issue_link(self, ref: IssueRef, repo: str | None = None) -> str:
        """`[#N](upstream URL)`."""
        return f"[{self.short(ref, repo)}]({self.links.issue(ref)})"

    def issue_with_title(self, ref: IssueRef) -> str:
        """`[#N](upstream) [title](analysis)`, or `[#N](upstream)` when there is no analysis."""
        analysis = self.kb.get(ref)
        if analysis is None:
            return self.issue_link(ref)
        return f"{self.issue_link(ref)} [{self.md_title(analysis)}]({self.analysis_link(analysis)})"

    def md_title(self, analysis: Analysis) -> str:
        """The analysis's title, escaped for a table cell."""
        return self.cell(analysis.title)

    def cell(self, text: str) -> str:
        """`md_cell(text)`, escaped once per text for the whole render."""
        escaped = self._cells.get(text)
        if escaped is None:
            escaped = self._cells[text] = md_cell(text)
        return escaped

    def refs(self, refs: Iterable[IssueRef], repo: str | None = None) -> str:
        return ", ".join(self.issue_link(r, repo) for r in refs) or DASH

    def folder_link(self, analysis: Analysis) -> str:
        text = f"`{analysis.folder}`" if FOLDER_RE.match(analysis.folder) else md_cell(analysis.folder)
        return f"[{text}]({self.analysis_link(analysis)})"

    def analysis_link(self, analysis: Analysis) -> str:
        """`links.analysis`, once per analysis (its attention line, its issue row and its cluster)."""
        link = self._links.get(analysis.folder)
        if link is None:
            link = self._links[analysis.folder] = self.links.analysis(analysis)
        return link

    # -- status, resolution, fix --------------------------------------------------------------------
    def status(self, status: Status | None) -> str:
        if not self.emoji:
            return status.value if status is not None else "unknown"
        return _STATUS_LABELS[status]

    def resolution(self, analysis: Analysis, repo: str | None = None) -> str:
        if analysis.duplicate_of is not None:
            return "duplicate of " + self.issue_link(analysis.duplicate_of, repo)
        return analysis.resolution.value if analysis.resolution is not None else DASH

    def commit(self, sha: str) -> str:
        shown = f"`{sha[:7]}`" if SHA_RE.match(sha) else md_cell(sha)
        url = self.links.commit(sha)
        return f"[{shown}]({url})" if url else shown

    def pull(self, number: int) -> str:
        url = self.links.pull(number)
        return f"[#{number}]({url})" if url else f"#{number}"

    def _inherited(self, fix: Fix, repo: str | None) -> str:
        return f" (from {self.short(fix.inherited_from, repo)})" if fix.inherited_from else ""

    def commits(self, fix: Fix, repo: str | None = None) -> str:
        if not fix.commits:
            return DASH
        return ", ".join(self.commit(sha) for sha in fix.commits) + self._inherited(fix, repo)

    def pulls(self, fix: Fix, repo: str | None = None) -> str:
        if not fix.prs:
            return DASH
        return ", ".join(self.pull(n) for n in fix.prs) + self._inherited(fix, repo)

    @staticmethod
    def tag(tag: str) -> str:
        return f"`{tag}`" if TAG_RE.fullmatch(tag) else md_cell(tag)

    # -- upstream -----------------------------------------------------------------------------------
    def upstream_state(self, issue: IssueState | None, repo: str) -> str:
        """`open`, `closed (not_planned)`, `deleted`, ... with labels; `not synced` when unknown."""
        if issue is None:
            return NOT_SYNCED
        if issue.deleted:
            text = "deleted"
        elif issue.transferred_to is not None:
            text = "transferred to " + md_cell(issue.transferred_to)
        elif issue.state == "open":
            text = "open"
        else:
            text = self.cell(issue.state)
            if issue.state_reason:
                text += f" ({reason(issue.state_reason)})"
        if issue.labels:
            text += " · " + ", ".join(self.cell(label) for label in issue.labels)
        return text

    def pull_state(self, pull: PullState | None) -> str:
        return md_cell(pull.state) if pull is not None else NOT_SYNCED
