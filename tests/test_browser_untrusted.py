"""The payload knowledge base (`hostilekb`) in a real browser: Debian's chromium driven by Playwright,
the site built once by real MkDocs and served by a stdlib HTTP server on 127.0.0.1.

Every kind of generated page is opened with a dialog listener: no `alert` may fire, and once the page
has run its scripts no element may carry an event-handler attribute or a script URL.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from hostilekb import CASES, PAYLOADS, make_hostile_kb
from issuekb.render.site.paths import tag_slug
from sitefixture import build_site
from test_browser import ARGS, CHROMIUM  # skips this module too when chromium is missing

pytestmark = [pytest.mark.browser, pytest.mark.site, pytest.mark.xdist_group("browser")]

#: What the page holds after its scripts ran: handler attributes and script URLs, described.
_DANGERS_JS = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const value = attr.value.replace(/\\s+/g, '').toLowerCase();
      if (attr.name.startsWith('on')
          || (/^(href|src|xlink:href|action|formaction)$/.test(attr.name)
              && /^(javascript|data|vbscript):/.test(value))) {
        found.push(`<${el.localName} ${attr.name}="${attr.value}">`);
      }
    }
  }
  return found;
}"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@dataclass
class Served:
    origin: str
    browser: Browser
    dialogs: list[str] = field(default_factory=list)

    def page(self) -> Page:
        """A fresh page that records every dialog (and dismisses it)."""
        page = self.browser.new_page()
        page.on(
            "dialog", lambda dialog: (self.dialogs.append(f"{page.url}: {dialog.message}"), dialog.dismiss())
        )
        return page

    def open(self, page: Page, path: str) -> Page:
        page.goto(self.origin + path)  # waits for `load`: inline scripts ran, images failed or loaded
        return page


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("hostile-browser")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root / "site"))
    )
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    make_hostile_kb(root, origin + "/")
    proc = build_site(root, strict=False)  # the payload tags are errors
    assert proc.returncode == 0, proc.stderr
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
    try:
        yield Served(origin, browser)
    finally:
        browser.close()
        playwright.stop()
        server.shutdown()
        server.server_close()


def _pages() -> list[str]:
    """One page of every generated kind; analysis, companion and tag pages for every payload."""
    paths = ["/", "/analyses/", "/status/", "/status/investigating/", "/status/resolved/", "/tags/"]
    paths += ["/tags/payload/", "/duplicates/", "/analyses/0001-canonical/"]
    for case in CASES:
        if case.field in ("title", "transferred_to"):  # the header and the badge in tables
            paths.append(f"/analyses/{case.folder}/")
        if case.field == "title":
            paths.append(f"/analyses/{case.folder}/summary/")
        if case.field == "tag":
            paths.append(f"/tags/{tag_slug(case.value)}/")
    return paths


def test_no_dialog_and_no_handler_on_any_page(served: Served) -> None:
    found: dict[str, list[str]] = {}
    page = served.page()
    for path in _pages():
        dangers = served.open(page, path).evaluate(_DANGERS_JS)
        if dangers:
            found[path] = dangers
    page.close()
    assert found == {}
    assert served.dialogs == []


def test_header_and_tab_show_the_title_as_text(served: Served) -> None:
    page = served.page()
    for case in CASES:
        if case.field != "title":
            continue
        served.open(page, f"/analyses/{case.folder}/")
        shown = f"#{case.number} {' '.join(case.value.split())}"
        assert page.title() == f"{shown} - Widget knowledge base"
        assert page.locator("h1").first.inner_text().removesuffix("¶") == shown  # without the permalink
        topic = page.locator("[data-md-component=header-topic]").first
        assert " ".join(topic.inner_text().split()) == shown
    page.close()
    assert served.dialogs == []


def test_search_results_show_payload_titles_as_text(served: Served) -> None:
    page = served.open(served.page(), "/")
    box = page.locator("input.md-search__input")
    for case in CASES:
        if case.field != "title":
            continue
        box.click()
        box.fill("")
        box.press_sequentially(f"k{case.number}", delay=10)  # Material searches on key events
        shown = f"#{case.number} {' '.join(case.value.split())}"
        expect(page.locator(".md-search-result__item").first).to_contain_text(shown, timeout=10_000)
        page.keyboard.press("Escape")
    assert page.evaluate(_DANGERS_JS) == []
    page.close()
    assert served.dialogs == []
    assert len(PAYLOADS) == sum(1 for case in CASES if case.field == "title")
