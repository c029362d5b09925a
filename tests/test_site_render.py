"""The site's renderers without MkDocs: URL layout, body fitting, links, tables. Pure and fast."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import TODAY
from issuekb.config import Config
from issuekb.core.graph import build_graph
from issuekb.core.kb import KnowledgeBase
from issuekb.pipeline import load_kb
from issuekb.render.site import render_site
from issuekb.render.site.body import site_body
from issuekb.render.site.common import front_matter, listing_table
from issuekb.render.site.links import SiteLinks
from issuekb.render.site.paths import md_link, page_url, tag_slug, url_between
from issuekb.render.site.tags import group_tags
from issuekb.upstream.state import UpstreamState


@pytest.mark.parametrize(
    ("src", "directory", "url"),
    [
        ("index.md", True, ""),
        ("analyses/index.md", True, "analyses/"),
        ("analyses/0042-x/index.md", True, "analyses/0042-x/"),
        ("analyses/0042-x/summary.md", True, "analyses/0042-x/summary/"),
        ("analyses/0042-x/summary.md", False, "analyses/0042-x/summary.html"),
        ("api/analyses.json", True, "api/analyses.json"),
    ],
)
def test_page_url(src: str, directory: bool, url: str) -> None:
    assert page_url(src, directory) == url


@pytest.mark.parametrize(
    ("src", "dst", "directory", "rel"),
    [
        ("analyses/0042-x/index.md", "analyses/0057-y/index.md", True, "../0057-y/"),
        ("analyses/0042-x/index.md", "analyses/0042-x/summary.md", True, "summary/"),
        ("analyses/0042-x/summary.md", "analyses/0042-x/index.md", True, "../"),
        ("index.md", "status/resolved.md", True, "status/resolved/"),
        ("status/resolved.md", "index.md", True, "../../"),
        ("analyses/0042-x/index.md", "analyses/0057-y/index.md", False, "../0057-y/index.html"),
        ("index.md", "analyses/0057-y/index.md", False, "analyses/0057-y/index.html"),
    ],
)
def test_url_between(src: str, dst: str, directory: bool, rel: str) -> None:
    assert url_between(src, dst, directory) == rel


def test_md_links_and_tag_slugs() -> None:
    assert md_link("analyses/0042-x/index.md", "tags/crash.md") == "../../tags/crash.md"
    assert md_link("index.md", "status/resolved.md") == "status/resolved.md"
    assert [tag_slug(t) for t in ("pep668", "python-3.12", "C++ / Qt", "--")] == [
        "pep668",
        "python-3-12",
        "c-qt",
        "tag",
    ]


def test_front_matter_quotes_any_title() -> None:
    # the theme inserts the title as HTML: it gets it escaped (quotes too: it lands in attributes)
    assert front_matter('#12 "quoted": <b>yes</b>') == (
        '---\ntitle: "#12 &quot;quoted&quot;: &lt;b&gt;yes&lt;/b&gt;"\n---\n\n'
    )


@pytest.fixture
def small_kb(kb_config: Config, add_analysis: Callable[..., Path]) -> KnowledgeBase:
    add_analysis(
        "0001-first", "issue: 1\ntitle: First | pipe\nstatus: resolved\nresolution: fixed\ntags: [a-b]"
    )
    add_analysis("0002-second", "issue: 2\ntitle: Second\nstatus: investigating")
    kb, _ = load_kb(kb_config, today=TODAY)
    return kb


def test_body_links_mentions_outside_code(small_kb: KnowledgeBase) -> None:
    body = "See #2 and #3.\n\n`#2` stays.\n\n```\n#2 in a block\n```\n"
    out = site_body(body, small_kb, "acme/widget", "analyses/0001-first/index.md")
    assert out == (
        "See [#2](../0002-second/index.md) and [#3](https://github.com/acme/widget/issues/3).\n\n"
        "`#2` stays.\n\n```\n#2 in a block\n```\n"
    )


def test_body_headings_move_down_only_under_a_level_one_heading(small_kb: KnowledgeBase) -> None:
    uri = "analyses/0001-first/index.md"
    assert site_body("## Problem\n### Detail\n", small_kb, "acme/widget", uri) == "## Problem\n### Detail\n"
    text = "# Title\n## Problem\n```sh\n# a shell comment\n```\n###### Deep\n"
    assert site_body(text, small_kb, "acme/widget", uri) == (
        "## Title\n### Problem\n```sh\n# a shell comment\n```\n\n###### Deep\n"
    )


def test_body_drops_a_first_heading_that_repeats_the_title(small_kb: KnowledgeBase) -> None:
    uri = "analyses/0001-first/index.md"
    titles = ("The widget crashes",)
    text = "\n# Issue #1: The **widget** crashes\n\n## Problem\n"
    assert site_body(text, small_kb, "acme/widget", uri, titles) == "\n## Problem\n"
    other = "# Issue 1: what we found\n\n## Problem\n"
    assert (
        site_body(other, small_kb, "acme/widget", uri, titles) == "## Issue 1: what we found\n\n### Problem\n"
    )
    later = "Intro.\n\n# The widget crashes\n"
    assert site_body(later, small_kb, "acme/widget", uri, titles) == "Intro.\n\n## The widget crashes\n"


def test_body_links_pull_request_mentions_to_the_fork(small_kb: KnowledgeBase) -> None:
    uri = "analyses/0001-first/index.md"
    text = "PR #2, pull request #3, fork PR #4, upstream PR #5 and issue #2.\n"
    forked = site_body(text, small_kb, "acme/widget", uri)
    fork = small_kb.config.fork
    assert fork
    assert forked == (
        f"PR [#2](https://github.com/{fork}/pull/2), pull request [#3](https://github.com/{fork}/pull/3), "
        f"fork PR [#4](https://github.com/{fork}/pull/4), "
        "upstream PR [#5](https://github.com/acme/widget/pull/5) and issue [#2](../0002-second/index.md).\n"
    )


def test_body_without_a_fork_links_pr_mentions_upstream(small_kb: KnowledgeBase) -> None:
    unforked = dataclasses.replace(small_kb, config=dataclasses.replace(small_kb.config, fork=""))
    out = site_body("PR #3 and fork PR #4.\n", unforked, "acme/widget", "analyses/0001-first/index.md")
    assert out == "PR [#3](https://github.com/acme/widget/pull/3) and fork PR #4.\n"


def test_body_lists_are_rewritten_for_python_markdown(small_kb: KnowledgeBase) -> None:
    text = "Steps:\n1. Run:\n   ```sh\n   make\n   ```\n2. Look.\n   - a detail\n"
    assert site_body(text, small_kb, "acme/widget", "analyses/0001-first/index.md") == (
        "Steps:\n\n1. Run:\n    ```sh\n    make\n    ```\n2. Look.\n    - a detail\n"
    )


def test_body_links_to_analysis_files_lead_to_pages(small_kb: KnowledgeBase) -> None:
    uri = "analyses/0001-first/index.md"
    text = "[two](../0002-second/analysis.md#root-cause) [me](analysis.md) [web](https://x.example/analysis.md)\n"
    assert site_body(text, small_kb, "acme/widget", uri) == (
        "[two](../0002-second/index.md#root-cause) [me](index.md) [web](https://x.example/analysis.md)\n"
    )


def test_site_links(small_kb: KnowledgeBase) -> None:
    first = small_kb.analyses[0]
    links = SiteLinks("acme-fork/widget", "status/index.md")
    assert links.analysis(first) == "../analyses/0001-first/index.md"
    assert links.commit("abc1234") == "https://github.com/acme-fork/widget/commit/abc1234"
    assert SiteLinks("", "status/index.md").pull(3) is None


def test_listing_table_escapes_cells(small_kb: KnowledgeBase) -> None:
    table = listing_table("status/resolved.md", small_kb.analyses[:1], UpstreamState(), "acme/widget")
    row = next(line for line in table.splitlines() if line.startswith("| [#1]"))
    assert "First \\| pipe" in row
    assert '[<span class="issuekb-badge issuekb-status-resolved">resolved</span>](resolved.md)' in row
    assert "[a\\-b](../tags/a-b.md){ .md-tag }" in row


def test_every_page_name_is_unique(small_kb: KnowledgeBase) -> None:
    site = render_site(small_kb, build_graph(small_kb), UpstreamState())
    uris = [page.uri for page in site.pages]
    assert len(uris) == len(set(uris))
    assert [p.uri for p in site.pages if not p.in_nav] == [
        "analyses/0001-first/index.md",
        "analyses/0002-second/index.md",
        "tags/a-b.md",
    ]


def test_tags_that_share_a_slug_share_a_page(kb_config: Config, add_analysis: Callable[..., Path]) -> None:
    add_analysis("0001-first", "issue: 1\ntitle: First\nstatus: investigating\ntags: [Crash, crash]")
    add_analysis("0002-second", "issue: 2\ntitle: Second\nstatus: investigating\ntags: [crash]")
    kb, _ = load_kb(kb_config, today=TODAY)
    groups = group_tags(kb)
    assert list(groups) == ["crash"]
    name, members = groups["crash"]
    assert (name, [a.issue for a in members]) == ("Crash", [1, 2])


def test_the_panel_shows_the_status_note_as_text(
    kb_config: Config, add_analysis: Callable[..., Path]
) -> None:
    add_analysis(
        "0003-noted",
        'issue: 3\ntitle: Noted\nstatus: paused\nstatus_note: "upstream: Open | <b>awaiting</b> [reply](x)"',
    )
    kb, _ = load_kb(kb_config, today=TODAY)
    page = next(p for p in render_site(kb, build_graph(kb), UpstreamState()).pages if "0003-noted" in p.uri)
    status_row = next(line for line in page.content.splitlines() if line.startswith("| Status |"))
    assert status_row.endswith(" — upstream: Open \\| &lt;b&gt;awaiting&lt;/b&gt; \\[reply\\]\\(x\\) |")
