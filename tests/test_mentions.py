"""The `#N` scanner: what counts as a mention, and what does not (code, links, URLs, HTML)."""

from __future__ import annotations

import pytest

from issuekb.core.mentions import find_mentions, pull_side, replace_mentions
from issuekb.core.refs import IssueRef

REPO = "acme/widget"


def refs(text: str) -> list[tuple[str, int]]:
    return [(m.ref.repo, m.ref.number) for m in find_mentions(text, REPO)]


def test_plain_and_qualified_mentions_in_order() -> None:
    found = find_mentions("See #12, then other/thing#7 (and #3).", REPO)
    assert [m.ref for m in found] == [IssueRef(REPO, 12), IssueRef("other/thing", 7), IssueRef(REPO, 3)]
    assert [m.text for m in found] == ["#12", "other/thing#7", "#3"]
    assert [m.column for m in found] == [5, 15, 34]
    assert {m.line for m in found} == {0}


def test_line_offsets_count_from_the_text_start() -> None:
    found = find_mentions("first line\n\nthird #4\n", REPO)
    assert [(m.line, m.column) for m in found] == [(2, 7)]


@pytest.mark.parametrize(
    "text",
    [
        "inline `#12` code",
        "double ``a #12 b`` ticks",
        "a [link to #12](https://example.org) here",
        "a [#12][ref] reference link",
        "an autolink <https://github.com/acme/widget/issues/12>",
        "a bare url https://github.com/acme/widget/issues/12#issuecomment-5",
        "an html <a title='#12'>tag</a>",
        "a comment <!-- #12 -->",
        "an entity &#12; and an escaped \\#12",
        "a word#12 glued to a word",
        "a bracketed [#12] label",
        "#12a is no number",
        "#0 is no issue",
    ],
)
def test_not_a_mention(text: str) -> None:
    assert refs(text) == []


def test_fenced_and_indented_code_blocks_are_skipped() -> None:
    text = "\n".join(
        [
            "before #1",
            "```sh",
            "echo #2",
            "```",
            "~~~~",
            "```python",  # a backtick line cannot close a tilde fence, nor can a line with an info string
            "#3",
            "~~~~",
            "between #4",
            "",
            "    indented #5",
            "",
            "    still code #6",
            "after #7",
            "    continuation of a paragraph #8",
        ]
    )
    assert [n for _, n in refs(text)] == [1, 4, 7, 8]


def test_a_closing_fence_cannot_carry_an_info_string() -> None:
    text = "```\ncode #1\n```python\nstill code #2\n```\nout #3"
    assert [n for _, n in refs(text)] == [3]


def test_replace_mentions_links_exactly_what_find_mentions_finds() -> None:
    text = "Fixed in #12; see `#13` and other/thing#7.\n```\n#14\n```\n"
    seen: list[IssueRef] = []

    def link(ref: IssueRef, original: str) -> str | None:
        seen.append(ref)
        if ref.repo != REPO:
            return None
        return f"[{original}](/issues/{ref.number}/)"

    out = replace_mentions(text, REPO, link)
    assert out == "Fixed in [#12](/issues/12/); see `#13` and other/thing#7.\n```\n#14\n```\n"
    assert seen == [m.ref for m in find_mentions(text, REPO)]


def test_pull_request_words_make_a_number_a_pull_request() -> None:
    assert pull_side("see PR ") == ""
    assert pull_side("in pull request ") == ""
    assert pull_side("the fork PR ") == "fork"
    assert pull_side("Upstream PR ") == "upstream"
    assert pull_side("issue ") is None
    assert pull_side("APR ") is None


def test_find_mentions_can_leave_pull_requests_out() -> None:
    text = "PR #9, fork PR #10, upstream PR #11, issue #12 and other/thing PR #13."
    every = [m.ref.number for m in find_mentions(text, REPO)]
    assert every == [9, 10, 11, 12, 13]
    assert [m.ref.number for m in find_mentions(text, REPO, frozenset({"fork", ""}))] == [11, 12]
    assert [m.ref.number for m in find_mentions(text, REPO, frozenset({"fork"}))] == [9, 11, 12, 13]


def test_replace_mentions_hands_pull_requests_to_their_own_callback() -> None:
    seen: list[tuple[int, str]] = []

    def pull(ref: IssueRef, side: str, original: str) -> str:
        seen.append((ref.number, side))
        return f"<pr {original}>"

    out = replace_mentions("PR #9 and #9, `PR #8`", REPO, lambda ref, original: f"<{original}>", pull)
    assert out == "PR <pr #9> and <#9>, `PR #8`"
    assert seen == [(9, "")]
