"""`issuekb.commonmark`: Markdown written for GitHub, rewritten for Python-Markdown.

The property tests render with the real Python-Markdown and the Markdown extensions of the repository's
mkdocs.yml (what MkDocs and Zensical use), and compare the lists with what markdown-it-py (CommonMark, as
GitHub reads the text) finds.
"""

from __future__ import annotations

from typing import Any

import markdown
import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gfmlists import github_lists, html_lists
from issuekb.commonmark import differences, for_python_markdown, may_differ
from sitefixture import REPO_ROOT


def _extensions() -> tuple[list[str], dict[str, Any]]:
    config = yaml.safe_load((REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    names: list[str] = []
    options: dict[str, Any] = {}
    for entry in config["markdown_extensions"]:
        if isinstance(entry, dict):
            ((name, value),) = entry.items()
            names.append(name)
            options[name] = value or {}
        else:
            names.append(entry)
    return names, options


EXTENSIONS, OPTIONS = _extensions()


def site_html(text: str) -> str:
    """`text` as the site renders a body: rewritten, then Python-Markdown with the site's extensions."""
    return markdown.markdown(for_python_markdown(text), extensions=EXTENSIONS, extension_configs=OPTIONS)


def plain_html(text: str) -> str:
    """`text` as Python-Markdown renders it without the rewrite."""
    return markdown.markdown(text, extensions=EXTENSIONS, extension_configs=OPTIONS)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Seen:\n- one\n- two\n", id="list-after-paragraph-line"),
        pytest.param("- a\n  - b\n    - c\n", id="two-space-nesting"),
        pytest.param("1. Run:\n   ```sh\n   make\n   ```\n2. Look.\n3. Done.\n", id="fence-in-numbered-step"),
        pytest.param("1. a\n\n   more\n\n       code\n2. b\n", id="indented-code-in-step"),
        pytest.param("1) a\n2) b\n", id="parenthesis-markers"),
        pytest.param("* a\n\n- b\n", id="bullet-change-splits"),
        pytest.param("> quoted:\n> - a\n>   - b\n", id="list-in-quote"),
        pytest.param("- x\n  text (see\n  #12) more\n- y\n", id="hash-line-in-item"),
    ],
)
def test_python_markdown_reads_githubs_lists(text: str) -> None:
    assert differences(text) == []
    assert html_lists(site_html(text)) == github_lists(text)


def test_the_examples_differ_without_the_rewrite() -> None:
    """The cases above are real: Python-Markdown alone reads them otherwise."""
    cases = ("Seen:\n- one\n- two\n", "- a\n  - b\n", "1. Run:\n\n   ```sh\n   make\n   ```\n\n2. Look.\n")
    for text in cases:
        assert html_lists(plain_html(text)) != github_lists(text)


def test_the_rewrite_changes_whitespace_markers_and_escapes_only() -> None:
    text = "Seen:\n1) first\n   #12 again\n2) second\n  - nested\n"
    out = for_python_markdown(text)
    assert out == "Seen:\n\n1. first\n\\#12 again\n2. second\n\n- nested\n"
    assert for_python_markdown("Plain text.\n\n## Heading\n") == "Plain text.\n\n## Heading\n"


def test_code_keeps_its_tabs_and_an_unclosed_fence_is_closed() -> None:
    assert for_python_markdown("- a\n\n  ```make\n  all:\n  \tcc\n  ```\n") == (
        "- a\n\n    ```make\n    all:\n    \tcc\n    ```\n"
    )
    assert for_python_markdown("```\nno end\n") == "```\nno end\n```\n"


def test_a_backslash_line_break_and_a_setext_heading() -> None:
    assert for_python_markdown("one\\\ntwo\n") == "one  \ntwo\n"
    assert for_python_markdown("Two\nlines\n---\n") == "## Two lines\n"


def test_differences_name_the_line() -> None:
    text = "Intro.\n\n1. ```sh\n   make\n   ```\n\n<details>\n\n- hidden\n\n</details>\n\n> a\nlazy\n"
    found = [(d.line, d.message.split(":")[0]) for d in differences(text)]
    assert found == [
        (2, "A list item whose first line opens a code fence"),
        (6, "Markdown inside an HTML <details> element"),
        (13, "A quoted line without its `>` (a lazy continuation line)"),
    ]


def test_markdown_inside_details_is_read_when_the_element_says_so() -> None:
    text = "<details markdown>\n<summary>Log</summary>\n\nSeen:\n- a\n  - b\n\n</details>\n"
    assert differences(text) == []
    assert html_lists(site_html(text)) == github_lists(text) == [("ul", 1, 1, 1), ("ul", 1, 1, 2)]
    assert differences(text.replace(" markdown>", ">"))


#: Lines that GitHub-style bodies are made of, and the awkward ones around them.
FRAGMENTS = [
    "- #12 x", "- # h", "- <b>x</b>", "- <div>",
    "text", "more text", "- a", "* b", "+ c", "1. d", "2) e", "10. k", "  - f", "   - g", "    - h",
    "   1. n", "     - m", "  text", "   text", "      code", "```", "  ```", "   ```", "~~~", "> q", "> - r",
    "# H", "#x", "---", "| a |", "|---|", "- [ ] t", "- ```", "-     code", "<div>", "</div>", "<span>", "\tz",
    "one\\",
    "", "", "",
]  # fmt: skip

texts = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=10).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(texts)
@example("one\\\n---\n- #12 x")  # an underlined heading ending in a backslash, then a list
def test_without_a_reported_difference_the_site_shows_githubs_lists(text: str) -> None:
    if differences(text):
        return
    assert html_lists(site_html(text)) == github_lists(text), for_python_markdown(text)


@settings(max_examples=500, deadline=None)
@given(texts)
def test_the_quick_scan_never_misses_a_difference(text: str) -> None:
    from issuekb.commonmark.rewrite import rewrite

    if not may_differ(text):
        assert rewrite(text)[1] == []


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=" \t\n-*+>#`~|1.)ab<\\", max_size=80))
def test_any_text_is_rewritten_without_an_error_and_the_same_way_twice(text: str) -> None:
    assert for_python_markdown(text) == for_python_markdown(text)
    differences(text)
