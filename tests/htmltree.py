"""A small element tree of an HTML document (standard library parser), for tests that read built pages.

`parse(html)` gives the root `Element`; `find_all(predicate)` walks it, `text()` is an element's text
content as a browser would give it (character references decoded; `<script>` text included, as in
`textContent`). `dangers(root)` lists what would run script or navigate to script: event-handler
attributes, `javascript:`/`data:`/`vbscript:` URLs and scripts that call `alert`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser

__all__ = ["Element", "dangers", "parse"]

_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
}  # fmt: skip
#: Elements whose content is text with character references, never tags (RCDATA).
_RCDATA = {"title", "textarea"}
_URL_ATTRS = {"href", "src", "xlink:href", "action", "formaction", "data", "poster"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.walk()

    def find_all(self, predicate: Callable[[Element], bool]) -> list[Element]:
        return [el for el in self.walk() if predicate(el)]

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in _VOID:
            self.stack.append(element)
        if tag in _RCDATA:
            self.set_cdata_mode(tag)  # raw text up to the end tag; references decoded in handle_data

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(unescape(data) if self.stack[-1].tag in _RCDATA else data)


def parse(html: str) -> Element:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def dangers(root: Element) -> list[str]:
    """Every event-handler attribute, script URL and alerting script in the tree, described."""
    found = []
    for el in root.walk():
        for name, value in el.attrs.items():
            if name.startswith("on"):
                found.append(f"<{el.tag} {name}={value!r}>")
            scheme = "".join(value.split()).lower()
            if name in _URL_ATTRS and scheme.startswith(("javascript:", "data:", "vbscript:")):
                found.append(f"<{el.tag} {name}={value!r}>")
        if el.tag == "script" and "alert(" in el.text():
            found.append(f"<script>{el.text()[:60]!r}")
        if el.tag == "img" and el.attrs.get("src") == "x":
            found.append("<img src=x>")
    return found
