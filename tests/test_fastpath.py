"""The fast paths give the same answers as the straightforward code they replaced (differential tests)."""

from __future__ import annotations

import html
import os
import re
import unicodedata
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, cast
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import write_file
from issuekb.config import load_config
from issuekb.load import Document, parse_document
from issuekb.mentions import find_mentions, replace_mentions
from issuekb.refs import IssueRef
from issuekb.render import svg
from issuekb.render.escape import md_cell, md_inline
from issuekb.render.links import RepoLinks
from reference import load_v1, mentions_v1

if TYPE_CHECKING:
    from issuekb.model import Analysis

SETTINGS = settings(
    max_examples=600, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
REPO = "acme/widget"
#: Fragments that matter to the scanner: hashes, numbers, repo names, code, links, URLs, HTML, fences.
FRAGMENTS = st.sampled_from(
    [
        "#",
        "#1",
        "#12",
        "#0",
        "#12345678",
        "12",
        "a",
        "Z",
        "_",
        "-",
        ".",
        "/",
        "acme/widget",
        "o-1/r.x_",
        "&",
        "\\",
        "[",
        "]",
        "(",
        ")",
        "`",
        "``",
        "<",
        ">",
        "<!--",
        "-->",
        "http://x.y/",
        "https://a",
        " ",
        "    ",
        "   ",
        "  ",
        "\t",
        "\r",
        "\u3000",
        "\n",
        "\n\n",
        "```",
        "~~~",
        "```sh",
        "é",
        "\u00a0",
    ]
)
TEXTS = st.lists(FRAGMENTS, max_size=40).map("".join)


@SETTINGS
@given(TEXTS)
def test_find_mentions_matches_the_reference_scanner(text: str) -> None:
    assert find_mentions(text, REPO) == mentions_v1.find_mentions(text, REPO)


@SETTINGS
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
def test_find_mentions_matches_the_reference_on_any_text(text: str) -> None:
    assert find_mentions(text, REPO) == mentions_v1.find_mentions(text, REPO)


def test_mentions_next_to_each_other_and_after_repo_runs() -> None:
    for text in ["#1#2", "a/b#1#2", "x a/b#1 c/d#2", "see a/b/c#3", "-#4", "a.b/c#5 #6]", "##7"]:
        assert find_mentions(text, REPO) == mentions_v1.find_mentions(text, REPO), text


def _link_odd_numbers(ref: IssueRef, text: str) -> str | None:
    return f"[{text}](/{ref.repo}/{ref.number})" if ref.number % 2 else None


@SETTINGS
@given(TEXTS)
def test_replace_mentions_matches_the_reference(text: str) -> None:
    expected = mentions_v1.replace_mentions(text, REPO, _link_odd_numbers)
    assert replace_mentions(text, REPO, _link_odd_numbers) == expected


def _naive_link(target: Path, from_dir: Path) -> str:
    """What `RepoLinks.analysis` computed before it resolved the analyses folder only once."""
    return quote(Path(os.path.relpath(target.resolve(), from_dir.resolve())).as_posix())


def test_repo_links_match_resolving_every_path(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    write_file(root / "mkdocs.yml", "site_name: t\nplugins:\n  - issuekb:\n      upstream: acme/widget\n")
    plain = write_file(root / "analyses" / "0001-plain" / "analysis.md", "x")
    elsewhere = write_file(tmp_path / "kept" / "0002-real" / "analysis.md", "x")
    (root / "analyses" / "0002-linked").symlink_to(elsewhere.parent)
    linked = root / "analyses" / "0002-linked" / "analysis.md"
    write_file(tmp_path / "files" / "summary.md", "x")
    (root / "analyses" / "0001-plain" / "summary.md").symlink_to(tmp_path / "files" / "summary.md")
    odd = write_file(root / "analyses" / "0003 with space%" / "analysis.md", "x")
    config = load_config(root)
    inside = (root / "analyses", root / "analyses" / "0001-plain", root / "analyses" / "0002-linked")
    for from_dir in (root, root / "docs", tmp_path, *inside):
        links = RepoLinks(config, from_dir)
        for target in (plain, linked, odd, plain.parent / "summary.md", Path(os.path.relpath(plain))):
            analysis = cast("Analysis", SimpleNamespace(path=target))
            assert links.analysis(analysis) == _naive_link(target, from_dir), (target, from_dir)


DOC_LINES = st.sampled_from(
    [
        "---",
        "--- ",
        "...",
        "",
        " ",
        "issue: 12",
        "title: A title",
        "status: resolved",
        "related:",
        "  - 3",
        "- 4",
        "# comment",
        "key: [a, b",
        "x: !!str 5",
        "Body text #5",
        "\r",
        "\ufeff---",
        '"quoted key": 1',
        "'single': 2",
        "  nested: 3",
        "\u00a0key: 5",
        "\tkey: 6",
        "    - 7",
        " - 8",
        "key:value",
        "note: a # comment",
        "  # indented comment",
        "tags: [x, y]",
    ]
)
DOCS = st.tuples(st.lists(DOC_LINES, max_size=12), st.sampled_from(["\n", "\r\n", "\r"]), st.booleans())


@SETTINGS
@given(DOCS)
def test_parse_document_matches_the_reference_splitter(case: tuple[list[str], str, bool]) -> None:
    lines, newline, trailing = case
    text = newline.join(lines) + (newline if trailing else "")
    for data in (text, text.encode("utf-8")):
        new, new_diags = parse_document(data, Path("a/analysis.md"), "a/analysis.md")
        old, old_diags = load_v1.parse_document(data, Path("a/analysis.md"), "a/analysis.md")
        assert new_diags == old_diags
        assert _view(new) == _view(old)


def _view(doc: Document) -> tuple[object, ...]:
    """What a document tells the later stages (the reference scans where each key is as it splits)."""
    return (
        doc.path,
        doc.rel,
        doc.meta,
        doc.body,
        doc.body_line,
        doc.key_lines,
        doc.item_lines,
        doc.raw_values,
    )


def _clean_v1(value: str) -> str:
    """`svg.clean` before its ASCII fast path."""
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in value
        if ch.isspace() or unicodedata.category(ch) not in {"Cc", "Cs", "Cn"}
    )
    return re.sub(r"\s+", " ", kept).strip()


@SETTINGS
@given(st.text(max_size=60) | st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_svg_clean_matches_the_reference(value: str) -> None:
    assert svg.clean(value) == _clean_v1(value)


def _md_inline_v1(text: str) -> str:
    """`escape.md_inline` when it backslashed Markdown's special characters with a regex (on one line
    of printable text, as `svg.clean` makes it)."""
    one_line = _clean_v1(text)
    return re.sub(r"([\\`*_{}\[\]()#+!~>-])", r"\\\1", html.escape(one_line, quote=False))


@SETTINGS
@given(
    st.text(max_size=60) | st.text(alphabet=st.sampled_from("\\`*_{}[]()#+!~>-<&|'\" \tab\n"), max_size=60)
)
def test_md_inline_matches_the_reference(value: str) -> None:
    assert md_inline(value) == _md_inline_v1(value)
    assert md_cell(value) == _md_inline_v1(value).replace("|", "\\|")
