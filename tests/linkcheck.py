"""A link checker over a built site: every internal href/src must name a file of the site, and every
fragment an id on the target page. Stdlib only (html.parser)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

__all__ = ["PageLinks", "broken_links", "parse_page", "primary_nav_links"]

_LINK_ATTRS = {"href", "src", "xlink:href"}
#: Elements whose URL the browser fetches while showing the page (a <link> only for these relations).
_LOADED = {"script", "link", "img", "iframe", "source", "video", "audio", "embed", "object", "image"}
_LOADED_RELS = {"stylesheet", "icon", "preload", "modulepreload", "prefetch", "manifest", "apple-touch-icon"}


@dataclass
class PageLinks:
    links: list[tuple[str, str]] = field(default_factory=list)  # (tag, url)
    ids: set[str] = field(default_factory=set)
    nav_links: list[str] = field(default_factory=list)  # hrefs inside the primary navigation
    loads: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, url, rel) the browser fetches


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = PageLinks()
        self._nav_depth = 0  # > 0 while inside <nav class="md-nav--primary">

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        for name in ("id", "name"):
            if values.get(name):
                self.page.ids.add(values[name])
        if tag == "nav":
            if self._nav_depth:
                self._nav_depth += 1
            elif "md-nav--primary" in values.get("class", "").split():
                self._nav_depth = 1
        for attr in _LINK_ATTRS & values.keys():
            if tag == "link" and values.get("rel") in ("preconnect", "dns-prefetch"):
                continue
            self.page.links.append((tag, values[attr]))
            rel = values.get("rel", "")
            if tag in _LOADED and (tag != "link" or rel in _LOADED_RELS):
                self.page.loads.append((tag, values[attr], rel))
            if self._nav_depth and tag == "a":
                self.page.nav_links.append(values[attr])

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self._nav_depth:
            self._nav_depth -= 1


def parse_page(path: Path) -> PageLinks:
    parser = _Parser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser.page


def primary_nav_links(path: Path) -> list[str]:
    return parse_page(path).nav_links


def _target(site: Path, page_rel: str, url: str, base_path: str) -> tuple[Path | None, str]:
    parts = urlsplit(url)
    path = unquote(parts.path)
    if path.startswith("/"):
        if not path.startswith(base_path):
            return None, parts.fragment
        rel = path[len(base_path) :]
    elif path:
        rel = posixpath.normpath(posixpath.join(posixpath.dirname(page_rel), path))
        if path.endswith("/"):
            rel += "/"
    else:
        rel = page_rel
    if rel in (".", "./"):
        rel = ""
    candidate = site / rel
    if rel == "" or rel.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate, parts.fragment


def broken_links(site: Path, base_path: str = "/") -> list[str]:
    """Every internal link of every HTML page that leads nowhere, as 'page: url (why)'."""
    pages = {p.relative_to(site).as_posix(): parse_page(p) for p in sorted(site.rglob("*.html"))}
    problems: list[str] = []
    for page_rel, page in pages.items():
        for tag, url in page.links:
            scheme = urlsplit(url).scheme
            if scheme in ("http", "https", "mailto"):
                continue
            if scheme:
                problems.append(f"{page_rel}: {url} (scheme {scheme!r} in <{tag}>)")
                continue
            if page_rel == "404.html" and not url.startswith("/") and urlsplit(url).path:
                continue  # served at any address: relative links there are resolved by the server's path
            target, fragment = _target(site, page_rel, url, base_path)
            if target is None or not target.is_file():
                problems.append(f"{page_rel}: {url} (no such file)")
                continue
            if fragment and target.suffix == ".html":
                target_rel = target.relative_to(site).as_posix()
                ids = pages[target_rel].ids if target_rel in pages else set()
                if unquote(fragment) not in ids:
                    problems.append(f"{page_rel}: {url} (no id {fragment!r} in {target_rel})")
    return problems
