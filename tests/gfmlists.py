"""The lists of a Markdown text as GitHub reads it, and the lists of a rendered page, as comparable shapes.

A shape is (kind, items, first number, depth): kind "ul" or "ol", depth 1 for a list at the top. Two
texts show the same lists when their shapes are equal: no item lost, no numbered list split or merged.
"""

from __future__ import annotations

from html.parser import HTMLParser

from markdown_it import MarkdownIt

__all__ = ["ListShape", "github_lists", "html_lists", "page_lists"]

#: (kind, items, first number, depth) of one list; kind is "ul" or "ol".
ListShape = tuple[str, int, int, int]


def github_lists(body: str) -> list[ListShape]:
    """The lists of `body` as CommonMark (with GitHub's tables and strikethrough) reads it, in order."""
    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(body)
    shapes: list[list[object]] = []
    open_lists: list[int] = []
    for token in tokens:
        if token.type in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrs.get("start", 1)) if token.type == "ordered_list_open" else 1
            open_lists.append(len(shapes))
            shapes.append(["ul" if token.type == "bullet_list_open" else "ol", 0, start, len(open_lists)])
        elif token.type == "list_item_open":
            shapes[open_lists[-1]][1] += 1  # type: ignore[operator]
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            open_lists.pop()
    return [(str(k), int(n), int(s), int(d)) for k, n, s, d in shapes]  # type: ignore[call-overload]


class _PageLists(HTMLParser):
    """The lists of an analysis page's body (inside the article, before the links section), or of a
    whole HTML fragment when `whole` is set."""

    def __init__(self, whole: bool = False) -> None:
        super().__init__()
        self.in_article = whole
        self.done = False
        self.shapes: list[list[object]] = []
        self.open_lists: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "article":
            self.in_article = True
        if not self.in_article or self.done:
            return
        if tag == "h2" and attr.get("id") == "links-to-other-issues":
            self.done = True
        elif tag in ("ul", "ol"):
            self.open_lists.append(len(self.shapes))
            start = int(attr.get("start") or 1)
            self.shapes.append([tag, 0, start, len(self.open_lists)])
        elif tag == "li" and self.open_lists:
            self.shapes[self.open_lists[-1]][1] += 1  # type: ignore[operator]

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.in_article = False
        if self.in_article and not self.done and tag in ("ul", "ol") and self.open_lists:
            self.open_lists.pop()


def page_lists(html: str) -> list[ListShape]:
    """The lists of an analysis page's body."""
    return _lists(_PageLists(), html)


def html_lists(html: str) -> list[ListShape]:
    """The lists of an HTML fragment."""
    return _lists(_PageLists(whole=True), html)


def _lists(parser: _PageLists, html: str) -> list[ListShape]:
    parser.feed(html)
    return [(str(k), int(n), int(s), int(d)) for k, n, s, d in parser.shapes]  # type: ignore[call-overload]
