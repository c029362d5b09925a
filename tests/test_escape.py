"""The escaping module's contexts, script links in bodies, slug tags, and `new` with a hostile title."""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from conftest import REPO_ROOT, TODAY, write_file
from hostilekb import PAYLOADS
from htmltree import dangers, parse
from issuekb.cli import cli
from issuekb.config import load_config
from issuekb.core.document import load_document
from issuekb.core.schema import tag_suggestion
from issuekb.core.scriptlinks import script_links
from issuekb.pipeline import load_kb
from issuekb.render.escape import (
    html_attr,
    html_text,
    is_script_url,
    link_url,
    md_cell,
    md_code,
    md_inline,
    page_title,
)
from issuekb.upstream.state import IssueState, UpstreamState, dump_state

GFM = MarkdownIt("commonmark").enable("table")


def _text(html_fragment: str) -> str:
    return " ".join(parse(html_fragment).text().split())


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_markdown_contexts_read_back_as_the_text(payload: str) -> None:
    shown = " ".join(payload.split())
    inline = GFM.render(f"Title: {md_inline(payload)}\n")
    assert _text(inline) == f"Title: {shown}" and dangers(parse(inline)) == []
    table = GFM.render(f"| a | b |\n|---|---|\n| {md_cell(payload)} | x |\n")
    cells = parse(table).find_all(lambda el: el.tag == "td")
    assert [" ".join(c.text().split()) for c in cells] == [shown, "x"]
    code = GFM.render(f"Tag {md_code(payload)}.\n")
    assert _text(code) == f"Tag {shown}."


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_html_contexts_read_back_as_the_text(payload: str) -> None:
    shown = " ".join(payload.split())
    fragment = f'<p title="{html_attr(payload)}">{html_text(payload)}</p>'
    (p,) = parse(fragment).find_all(lambda el: el.tag == "p")
    assert p.attrs == {"title": shown} and p.text() == shown
    assert "\n" not in page_title(payload) and html.unescape(page_title(payload)) == shown
    assert "<" not in page_title(payload) and '"' not in page_title(payload)


def test_one_line_drops_control_characters() -> None:
    assert html_text("a\x00b\u2028c\td") == "ab c d"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://github.com/acme/widget/issues/1", "https://github.com/acme/widget/issues/1"),
        ('http://example.com/a(b)<c>"|', "http://example.com/a%28b%29%3Cc%3E%22%7C"),
        ("http://example.com/a b", None),
        ("../0042-x/", "../0042-x/"),
        ("#section", "#section"),
        ("javascript:alert(1)", None),
        ("JavaScript:alert(1)", None),
        (" javascript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("javascript&#58;alert(1)", None),
        ("&#106;avascript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("vbscript:msgbox", None),
        ("mailto:a@example.com", None),
        ("", None),
    ],
)
def test_link_url_allows_http_https_and_relative_only(url: str, expected: str | None) -> None:
    assert link_url(url) == expected


def test_is_script_url() -> None:
    assert is_script_url("javascript:alert(1)") and is_script_url("DATA:text/html,x")
    assert is_script_url("vb&#115;cript:x") and is_script_url(" java script:x")
    assert not is_script_url("https://example.com") and not is_script_url("mailto:x@example.com")
    assert not is_script_url("notes/javascript:x")


def test_script_links_outside_code() -> None:
    body = "\n".join(
        [
            "See [x](javascript:alert(4)) and ![i](data:image/png;base64,AAAA).",  # 0
            "`[x](javascript:alert(1))` is code, [fine](https://example.com) is not a script.",  # 1
            "```",
            "[x](javascript:alert(2))",  # 3: fenced
            "```",
            "[ref]: vbscript:msgbox",  # 5
            "An autolink <javascript:alert(3)> and a [relative](docs/javascript:x.md).",  # 6
        ]
    )
    found = [(link.line, link.column, link.url) for link in script_links(body)]
    assert found == [
        (0, 9, "javascript:alert(4)"),
        (0, 39, "data:image/png;base64,AAAA"),
        (5, 8, "vbscript:msgbox"),
        (6, 14, "javascript:alert(3)"),
    ]


def test_script_links_fences_close_on_the_same_mark_at_least_as_long() -> None:
    body = "\n".join(
        [
            "````js: [x](javascript:a)",  # 0: the fence line itself
            "```",  # shorter: still inside
            "~~~~~",  # another mark: still inside
            "[x](javascript:b)",  # 3: fenced
            "````",
            "[x](javascript:c) and `[y](javascript:d)`",  # 5: after the fence; the code span is code
            "~~~",
            "[x](data:e)",  # 7: in a fence never closed
        ]
    )
    found = [(link.line, link.column, link.url) for link in script_links(body)]
    assert found == [(5, 5, "javascript:c")]


def test_script_links_with_the_colon_written_as_a_character_reference() -> None:
    body = "See [x](javascript&#58;alert(1)), not `[y](data&#x3a;z)`.\n[r]: vbscript&colon;msgbox"
    found = [(link.line, link.column, link.url) for link in script_links(body)]
    assert found == [(0, 9, "javascript&#58;alert(1)"), (1, 6, "vbscript&colon;msgbox")]


def test_check_warns_about_a_script_link_and_rejects_a_tag_that_is_not_a_slug(kb_root: Path) -> None:
    write_file(
        kb_root / "analyses/0005-links/analysis.md",
        "---\nissue: 5\ntitle: Links\nstatus: investigating\ntags: [ok-tag, Python 3.12]\n---\n"
        "## Problem\n\nClick [here](javascript:alert(1)).\n",
    )
    _, diags = load_kb(load_config(kb_root), today=TODAY, git=False)
    found = [(d.severity.value, d.code, d.line, d.column, d.message, d.hint) for d in diags]
    assert (
        "error",
        "tag-format",
        5,
        1,
        "Tag 'Python 3.12' must be a slug (lower-case letters, digits and hyphens)",
        "Write 'python-3-12'.",
    ) in found
    assert (
        "warning",
        "body-script-link",
        9,
        14,
        "Link to 'javascript:alert(1)' runs script when followed",
        "Link to an http, https or relative address; show code as `inline code`.",
    ) in found


@pytest.mark.parametrize(
    ("tag", "slug"), [("Python 3.12", "python-3-12"), ("C++ / Qt", "c-qt"), ("--", "tag"), ("ok", "ok")]
)
def test_tag_suggestion(tag: str, slug: str) -> None:
    assert tag_suggestion(tag) == slug


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_new_copies_a_hostile_upstream_title_as_quoted_text(kb_root: Path, payload: str) -> None:
    shutil.copytree(REPO_ROOT / "templates", kb_root / "templates")
    state = UpstreamState()
    state.repo("acme/widget").issues[7] = IssueState(number=7, title=payload, author="someone")
    write_file(kb_root / "upstream-state.json", dump_state(state))
    result = CliRunner().invoke(
        cli,
        ["new", "7", "--offline", "--slug", "hostile", "--root", str(kb_root), "--today", TODAY.isoformat()],
    )
    assert result.exit_code == 0, result.output
    path = kb_root / "analyses/0007-hostile/analysis.md"
    title_line = next(
        line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("title:")
    )
    assert title_line.startswith(('title: "', "title: '")), title_line
    doc, diags = load_document(path, "analysis.md")
    assert diags == [] and doc.meta is not None and doc.meta["title"] == payload.strip()
    assert dangers(parse(GFM.render(doc.body))) == []
