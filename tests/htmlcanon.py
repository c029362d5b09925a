"""Built pages in one canonical spelling, so that tests can look for markup in them.

The site is minified (minify-html, see mkdocs.yml): attribute quotes go where HTML allows it
(`href=../x/`), entities become characters, whitespace between blocks goes. `canonical(html)` parses the
page with the standard library's HTML parser and writes it out again with every attribute value in
double quotes, text escaped (`&amp;`, `&lt;`, `&gt;`) and everything else as it came, so an assertion
like `'<a href="../x/">#5</a>' in page` means what it says whether or not the page was minified.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser

__all__ = ["canonical"]

_RAW_TEXT = {"script", "style"}


class _Canonical(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.raw = False  # inside <script> or <style>: the text is not HTML

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]], end: str) -> str:
        parts = [tag]
        for name, value in attrs:
            parts.append(name if value is None else f'{name}="{html.escape(value)}"')
        return f"<{' '.join(parts)}{end}>"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self._tag(tag, attrs, ""))
        self.raw = tag in _RAW_TEXT

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self._tag(tag, attrs, "/"))

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")
        self.raw = False

    def handle_data(self, data: str) -> None:
        self.out.append(data if self.raw else html.escape(data, quote=False))

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")


def canonical(page: str) -> str:
    """`page` written out again: attribute values double-quoted, text escaped, markup otherwise as is."""
    parser = _Canonical()
    parser.feed(page)
    parser.close()
    return "".join(parser.out)
