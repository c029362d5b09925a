"""The link graph over real analysis files: clusters, inherited fixes, backlinks, shared commits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import issuekb.core.graph
from conftest import TODAY
from issuekb.config import Config
from issuekb.core.graph import LinkGraph, build_graph, graph_diagnostics, same_commit_keys
from issuekb.core.kb import KnowledgeBase
from issuekb.core.mentions import Mention
from issuekb.core.refs import IssueRef
from issuekb.pipeline import load_kb, run_pipeline
from issuekb.render.links import RepoLinks
from issuekb.render.tracking import render_tracking

REPO = "acme/widget"
AddAnalysis = Callable[..., Path]


def ref(number: int, repo: str = REPO) -> IssueRef:
    return IssueRef(repo, number)


def fm(number: int, *extra: str, status: str = "investigating") -> str:
    lines = [f"issue: {number}", f"title: Issue {number}", f"status: {status}", *extra]
    return "\n".join(lines)


def dup(number: int, target: str | int, *extra: str) -> str:
    return fm(number, "resolution: duplicate", f"duplicate_of: {target}", *extra, status="resolved")


def load(config: Config) -> tuple[KnowledgeBase, LinkGraph]:
    kb, _ = load_kb(config, today=TODAY, git=False)
    return kb, build_graph(kb)


def test_three_deep_chain_resolves_to_one_cluster(add_analysis: AddAnalysis, kb_config: Config) -> None:
    add_analysis("0001-root", fm(1))
    add_analysis("0002-a", dup(2, 1))
    add_analysis("0003-b", dup(3, 2))
    add_analysis("0004-c", dup(4, 3))
    _, graph = load(kb_config)
    assert graph.canonical == {ref(2): ref(1), ref(3): ref(1), ref(4): ref(1)}
    assert list(graph.clusters) == [ref(1)]
    assert graph.clusters[ref(1)].members == (ref(2), ref(3), ref(4))
    assert graph.cluster_of(ref(4)) is graph.cluster_of(ref(1)) is graph.clusters[ref(1)]
    assert graph.duplicates == {ref(1): (ref(2),), ref(2): (ref(3),), ref(3): (ref(4),)}
    assert graph.in_cycle == frozenset()


def test_cycle_has_no_canonical_and_is_reported(add_analysis: AddAnalysis, kb_config: Config) -> None:
    add_analysis("0001-a", dup(1, 2))
    add_analysis("0002-b", dup(2, 3))
    add_analysis("0003-c", dup(3, 1))
    add_analysis("0004-tail", dup(4, 1))
    add_analysis("0005-other", fm(5))
    _, graph = load(kb_config)
    assert graph.in_cycle == frozenset({ref(1), ref(2), ref(3)})
    assert graph.canonical == {}
    assert graph.clusters == {}
    assert graph.cluster_of(ref(1)) is None


def test_canonical_without_an_analysis_still_forms_a_cluster(
    add_analysis: AddAnalysis, kb_config: Config
) -> None:
    add_analysis("0002-a", dup(2, 90))
    add_analysis("0003-b", dup(3, "other/thing#90"))
    _, graph = load(kb_config)
    assert graph.canonical == {ref(2): ref(90), ref(3): ref(90, "other/thing")}
    assert [c.canonical for c in graph.clusters.values()] == [ref(90), ref(90, "other/thing")]


def test_duplicate_inherits_the_canonical_fix(add_analysis: AddAnalysis, kb_config: Config) -> None:
    add_analysis(
        "0001-root",
        fm(1, "resolution: fixed", "commits: [aaaaaaa, bbbbbbb]", "prs: [3]", status="resolved"),
    )
    add_analysis("0002-a", dup(2, 1))
    add_analysis("0003-b", dup(3, 2))
    add_analysis("0004-own", dup(4, 1, "commits: [aaaaaaa]"))
    kb, graph = load(kb_config)
    root, two, three, four = (kb.get(ref(n)) for n in (1, 2, 3, 4))
    assert root and two and three and four
    assert graph.fix_of(kb, root).inherited_from is None
    inherited = graph.fix_of(kb, three)
    assert (inherited.commits, inherited.prs, inherited.inherited_from) == (
        ("aaaaaaa", "bbbbbbb"),
        (3,),
        ref(1),
    )
    assert graph.fix_of(kb, two) == inherited
    own = graph.fix_of(kb, four)
    assert (own.commits, own.prs, own.inherited_from) == (("aaaaaaa",), (), None)


def test_no_fix_anywhere_is_an_empty_fix(add_analysis: AddAnalysis, kb_config: Config) -> None:
    add_analysis("0001-root", fm(1))
    add_analysis("0002-a", dup(2, 1))
    kb, graph = load(kb_config)
    two = kb.get(ref(2))
    assert two
    fix = graph.fix_of(kb, two)
    assert (fix.commits, fix.prs, fix.inherited_from) == ((), (), None)


def test_backlinks_from_related_and_from_mentions(add_analysis: AddAnalysis, kb_config: Config) -> None:
    add_analysis("0001-a", fm(1, "related: [2, 3]"))
    add_analysis("0002-b", fm(2, "related: [1]"))  # named back: no backlink either way
    add_analysis("0003-c", fm(3))
    add_analysis("0004-d", fm(4), body="# D\n\nLooks like #3, not `#1`.\n\n```\n#2\n```\n")
    add_analysis(
        "0005-e", fm(5), body="# E\n\nSee [the other one](https://x.invalid/#1) and other/thing#8.\n"
    )
    kb, graph = load(kb_config)
    assert graph.referenced_by == {
        ref(3): (ref(1), ref(4)),
        ref(8, "other/thing"): (ref(5),),
    }
    three = kb.get(ref(3))
    assert three
    assert graph.neighbourhood(three).referenced_by == (ref(1), ref(4))
    assert [m.ref for m in graph.mentions[ref(4)]] == [ref(3)]


def test_mentions_in_companions_count_and_self_mentions_do_not(
    add_analysis: AddAnalysis, kb_root: Path, kb_config: Config
) -> None:
    add_analysis("0001-a", fm(1), body="# A\n\nThis is #1.\n")
    add_analysis("0002-b", fm(2))
    (kb_root / "analyses" / "0001-a" / "summary.md").write_text("In short: like #2.\n", encoding="utf-8")
    _, graph = load(kb_config)
    assert [m.ref for m in graph.mentions[ref(1)]] == [ref(2)]
    assert graph.referenced_by == {ref(2): (ref(1),)}


def test_duplicate_of_is_not_also_a_backlink(add_analysis: AddAnalysis, kb_config: Config) -> None:
    add_analysis("0001-a", fm(1))
    add_analysis("0002-b", dup(2, 1), body="# B\n\nSame as #1.\n")
    _, graph = load(kb_config)
    assert graph.referenced_by == {}


def test_shared_commits_link_analyses_and_abbreviations_match(
    add_analysis: AddAnalysis, kb_config: Config
) -> None:
    full = "abc1234" + "0" * 33
    add_analysis("0001-a", fm(1, "commits: [abc1234, 1111111]"))
    add_analysis("0002-b", fm(2, f"commits: ['{full}']"))
    add_analysis("0003-c", fm(3, "commits: ['1111111', 2222222]"))
    add_analysis("0004-d", fm(4, "commits: [2222223]"))
    kb, graph = load(kb_config)
    assert graph.shared_commits == {"1111111": (ref(1), ref(3)), "abc1234": (ref(1), ref(2))}
    two = kb.get(ref(2))
    one = kb.get(ref(1))
    assert one and two
    assert graph.neighbourhood(two).shares_commits_with == (ref(1),)
    assert graph.neighbourhood(one).shares_commits_with == (ref(2), ref(3))


def test_same_commit_keys() -> None:
    keys = same_commit_keys(["abc12345", "abc1234", "abc1235", "abc1234f", "0000000"])
    assert keys == {
        "0000000": "0000000",
        "abc1234": "abc1234",
        "abc12345": "abc1234",
        "abc1234f": "abc1234",
        "abc1235": "abc1235",
    }


def test_duplicate_with_other_commits_is_flagged(add_analysis: AddAnalysis, kb_config: Config) -> None:
    add_analysis("1143-root", fm(1143, "resolution: fixed", "commits: [b8a8291, 90547b0]", status="resolved"))
    add_analysis("1159-same", dup(1159, 1143, "commits: ['b8a8291', 90547b0d]"))  # abbreviations agree
    add_analysis("1160-wrong", dup(1160, 1143, "commits: [d071bdc]"))
    add_analysis("1161-chain", dup(1161, 1160, "commits: [d071bdc]"))  # compared with the canonical 1143
    kb, diags = load_kb(kb_config, today=TODAY, git=False)
    flagged = list(graph_diagnostics(kb, build_graph(kb)))
    assert [(d.code, d.path, d.line) for d in flagged] == [
        ("duplicate-commits", "analyses/1160-wrong/analysis.md", 7),
        ("duplicate-commits", "analyses/1161-chain/analysis.md", 7),
    ]
    assert "d071bdc" in flagged[0].message and "b8a8291, 90547b0" in flagged[0].message
    assert {d.path for d in diags if d.code == "duplicate-commits"} == {d.path for d in flagged}


def test_mentions_are_scanned_only_when_the_backlinks_are_read(
    add_analysis: AddAnalysis, kb_config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`check` and `tracking` never read the backlinks, so they never scan a body for mentions."""
    add_analysis("0001-a", fm(1), body="# A\n\nLike #2.\n")
    add_analysis("0002-b", dup(2, 3))
    scanned: list[str] = []
    real = issuekb.core.graph.find_mentions

    def counting(text: str, repo: str, skip_pulls: frozenset[str] = frozenset()) -> list[Mention]:
        scanned.append(text)
        return real(text, repo, skip_pulls)

    monkeypatch.setattr(issuekb.core.graph, "find_mentions", counting)
    results = run_pipeline(kb_config, today=TODAY)
    links = RepoLinks.for_file(kb_config, kb_config.tracking_file)
    assert render_tracking(results.kb, results.graph, results.state, links) and results.analyses == 2
    _, graph = load(kb_config)
    assert graph.clusters and not scanned
    assert graph.referenced_by == {ref(2): (ref(1),)}
    assert len(scanned) == 2  # each body once, on first use
    assert graph.mentions[ref(1)][0].ref == ref(2)
    assert len(scanned) == 2
