"""Graph stage: duplicate clusters, backlinks, `#N` mentions and shared commits. Pure, no I/O.

Built once per run from a `KnowledgeBase`; TRACKING.md and the site both read it, so the two always
agree on what links to what. Everything is computed in one pass over the analyses (linear in their
number and the links they hold). The backlinks ("referenced by") and the `#N` mentions they come from
are computed on first use: only the site reads them, so `issuekb check` and `issuekb tracking` never
scan a body for mentions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from issuekb.core.mentions import Mention, find_mentions
from issuekb.core.refs import IssueRef
from issuekb.diagnostics import Diagnostic

if TYPE_CHECKING:
    from issuekb.core.kb import KnowledgeBase
    from issuekb.core.model import Analysis

__all__ = [
    "Cluster",
    "Fix",
    "LinkGraph",
    "Neighbourhood",
    "analysis_mentions",
    "build_graph",
    "graph_diagnostics",
    "same_commit_keys",
]


@dataclass(frozen=True, slots=True)
class Cluster:
    """A canonical issue and every issue that is (directly or through a chain) its duplicate."""

    canonical: IssueRef
    members: tuple[IssueRef, ...]  # the duplicates, sorted; the canonical issue is not among them


@dataclass(frozen=True, slots=True)
class Fix:
    """Fix commits and fork PRs of an analysis: its own, or inherited from its canonical issue."""

    commits: tuple[str, ...]
    prs: tuple[int, ...]
    inherited_from: IssueRef | None = None


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    """What one analysis page shows around its issue."""

    duplicate_of: IssueRef | None
    canonical: IssueRef | None
    duplicates: tuple[IssueRef, ...]
    related: tuple[IssueRef, ...]
    referenced_by: tuple[IssueRef, ...]
    shares_commits_with: tuple[IssueRef, ...]


@dataclass(slots=True, eq=False)
class LinkGraph:
    """Links between analyses (keys are the refs of analyses; targets may have no analysis)."""

    #: analysis -> canonical issue at the end of its duplicate_of chain (absent: not a duplicate, or a cycle)
    canonical: dict[IssueRef, IssueRef] = field(default_factory=dict)
    #: canonical issue -> its cluster
    clusters: dict[IssueRef, Cluster] = field(default_factory=dict)
    #: issue -> analyses whose duplicate_of names it directly
    duplicates: dict[IssueRef, tuple[IssueRef, ...]] = field(default_factory=dict)
    #: commit SHA -> analyses that record it, when more than one does (keyed by `commit_keys` values)
    shared_commits: dict[str, tuple[IssueRef, ...]] = field(default_factory=dict)
    #: every recorded SHA -> the shortest recorded SHA that it extends (`abc1234` and `abc1234ef...` are one commit)
    commit_keys: dict[str, str] = field(default_factory=dict)
    #: analyses in a duplicate_of cycle
    in_cycle: frozenset[IssueRef] = frozenset()
    #: the knowledge base the backlinks are computed from, on first use (`referenced_by`, `mentions`)
    source: KnowledgeBase | None = field(default=None, repr=False)
    _backlinks: tuple[dict[IssueRef, tuple[IssueRef, ...]], dict[IssueRef, tuple[Mention, ...]]] | None = (
        field(default=None, repr=False)
    )

    @property
    def referenced_by(self) -> dict[IssueRef, tuple[IssueRef, ...]]:
        """Issue -> analyses that name it in `related` or mention it in a body, but are not named back."""
        return self._links()[0]

    @property
    def mentions(self) -> dict[IssueRef, tuple[Mention, ...]]:
        """Analysis -> mentions of other issues in its body and companions (in file order)."""
        return self._links()[1]

    def _links(
        self,
    ) -> tuple[dict[IssueRef, tuple[IssueRef, ...]], dict[IssueRef, tuple[Mention, ...]]]:
        if self._backlinks is None:
            self._backlinks = _backlinks(self.source) if self.source is not None else ({}, {})
        return self._backlinks

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LinkGraph):
            return NotImplemented
        return (
            self.canonical == other.canonical
            and self.clusters == other.clusters
            and self.duplicates == other.duplicates
            and self.shared_commits == other.shared_commits
            and self.commit_keys == other.commit_keys
            and self.in_cycle == other.in_cycle
            and self.referenced_by == other.referenced_by
            and self.mentions == other.mentions
        )

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def cluster_of(self, ref: IssueRef) -> Cluster | None:
        """The cluster `ref` belongs to, as canonical issue or as duplicate."""
        return self.clusters.get(self.canonical.get(ref, ref))

    def fix_of(self, kb: KnowledgeBase, analysis: Analysis) -> Fix:
        """The analysis's own fix, or, for a duplicate without one, its canonical issue's (inherited)."""
        if analysis.commits or analysis.prs:
            return Fix(analysis.commits, analysis.prs)
        canonical = self.canonical.get(analysis.ref)
        target = kb.get(canonical) if canonical else None
        if target is not None and (target.commits or target.prs):
            return Fix(target.commits, target.prs, inherited_from=target.ref)
        return Fix((), ())

    def neighbourhood(self, analysis: Analysis) -> Neighbourhood:
        ref = analysis.ref
        own = {self.commit_keys.get(sha, sha) for sha in analysis.commits}
        peers = sorted({r for sha in own for r in self.shared_commits.get(sha, ()) if r != ref})
        return Neighbourhood(
            duplicate_of=analysis.duplicate_of,
            canonical=self.canonical.get(ref),
            duplicates=self.duplicates.get(ref, ()),
            related=analysis.related,
            referenced_by=self.referenced_by.get(ref, ()),
            shares_commits_with=tuple(peers),
        )


def same_commit_keys(shas: Iterable[str]) -> dict[str, str]:
    """Map each SHA to the shortest given SHA it starts with: an abbreviated and a full SHA are one commit."""
    keys: dict[str, str] = {}
    current: str | None = None
    for sha in sorted(set(shas)):
        if current is None or not sha.startswith(current):
            current = sha
        keys[sha] = current
    return keys


def analysis_mentions(analysis: Analysis, fork: str = "") -> tuple[Mention, ...]:
    """The mentions of other issues in an analysis's body and companion pages, in file order.

    "fork PR #9" names no upstream issue, and with a `fork` neither does "PR #9": both are left out.
    """
    skip = frozenset({"fork", ""}) if fork else frozenset({"fork"})
    found = find_mentions(analysis.body, analysis.repo, skip)
    for companion in analysis.companions:
        found.extend(find_mentions(companion.body, analysis.repo, skip))
    return tuple(m for m in found if m.ref != analysis.ref)


def _canonicals(
    kb: KnowledgeBase, analyses: list[Analysis]
) -> tuple[dict[IssueRef, IssueRef], frozenset[IssueRef]]:
    """Follow duplicate_of to the end of each chain, memoised so long chains cost O(N) overall."""
    canonical: dict[IssueRef, IssueRef] = {}
    cycle: set[IssueRef] = set()
    for analysis in analyses:
        path: list[IssueRef] = []
        seen: set[IssueRef] = set()
        current = analysis.ref
        end: IssueRef | None = None
        while True:
            if current in canonical:
                end = canonical[current]
                break
            if current in cycle:
                break
            if current in seen:
                cycle.update(path[path.index(current) :])
                break
            node = kb.get(current)
            target = node.duplicate_of if node is not None else None
            if target is None or target == current:
                end = current
                break
            path.append(current)
            seen.add(current)
            current = target
        if end is not None:
            for member in path:
                canonical[member] = end
    return canonical, frozenset(cycle)


def build_graph(kb: KnowledgeBase) -> LinkGraph:
    """Compute every link of the knowledge base (the backlinks on first use)."""
    graph = LinkGraph(source=kb)
    direct: dict[IssueRef, list[IssueRef]] = defaultdict(list)
    by_commit: dict[str, list[IssueRef]] = defaultdict(list)
    analyses = _indexed(kb)
    graph.commit_keys = commit_keys = same_commit_keys(sha for a in analyses for sha in a.commits)

    for analysis in analyses:
        ref = analysis.ref
        if analysis.duplicate_of is not None and analysis.duplicate_of != ref:
            direct[analysis.duplicate_of].append(ref)
        for sha in dict.fromkeys(commit_keys[sha] for sha in analysis.commits):
            by_commit[sha].append(ref)

    graph.canonical, graph.in_cycle = _canonicals(kb, analyses)
    members: dict[IssueRef, list[IssueRef]] = defaultdict(list)
    for member, canonical in graph.canonical.items():
        members[canonical].append(member)
    graph.clusters = {c: Cluster(c, tuple(sorted(m))) for c, m in sorted(members.items())}
    graph.duplicates = {target: tuple(sorted(refs)) for target, refs in direct.items()}
    graph.shared_commits = {
        sha: tuple(sorted(refs)) for sha, refs in sorted(by_commit.items()) if len(refs) > 1
    }
    return graph


def _indexed(kb: KnowledgeBase) -> list[Analysis]:
    """The analyses the graph is about: the first of several that claim one issue."""
    return [a for a in kb.analyses if kb.by_ref.get(a.ref) is a]


def _backlinks(
    kb: KnowledgeBase,
) -> tuple[dict[IssueRef, tuple[IssueRef, ...]], dict[IssueRef, tuple[Mention, ...]]]:
    """Every analysis's mentions, and who references each issue without being named back."""
    incoming: dict[IssueRef, set[IssueRef]] = defaultdict(set)
    mentions: dict[IssueRef, tuple[Mention, ...]] = {}
    for analysis in _indexed(kb):
        ref = analysis.ref
        found = mentions[ref] = analysis_mentions(analysis, kb.config.fork)
        outgoing = set(analysis.related) | {m.ref for m in found}
        if analysis.duplicate_of is not None:
            outgoing.discard(analysis.duplicate_of)
        for target in outgoing:
            incoming[target].add(ref)
    referenced_by: dict[IssueRef, tuple[IssueRef, ...]] = {}
    for target, sources in incoming.items():
        node = kb.get(target)
        named_back = set(node.related) if node is not None else set()
        refs = sorted(s for s in sources if s not in named_back)
        if refs:
            referenced_by[target] = tuple(refs)
    return referenced_by, mentions


def graph_diagnostics(kb: KnowledgeBase, graph: LinkGraph) -> Iterator[Diagnostic]:
    """A duplicate that records fix commits other than its canonical issue's is flagged."""
    for analysis in kb.analyses:
        canonical_ref = graph.canonical.get(analysis.ref)
        canonical = kb.get(canonical_ref) if canonical_ref else None
        if canonical is None or not analysis.commits or not canonical.commits:
            continue
        keys = graph.commit_keys
        if {keys.get(c, c) for c in analysis.commits} != {keys.get(c, c) for c in canonical.commits}:
            own = ", ".join(analysis.commits)
            theirs = ", ".join(canonical.commits)
            yield Diagnostic.warning(
                "duplicate-commits",
                analysis.rel,
                analysis.line_of("commits"),
                f"Duplicate of {canonical.ref.short(kb.config.upstream)} records commits {own}, "
                f"but the canonical analysis records {theirs}",
                "Remove commits from the duplicate (it inherits the canonical fix), or fix whichever list is wrong.",
            )
