"""The built site in a real browser: Debian's chromium driven by Playwright, the site served by a stdlib
HTTP server on 127.0.0.1. One site build and one browser for the whole module."""

from __future__ import annotations

import functools
import http.server
import io
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sitefixture import HOSTILE_TITLE, REPO_ROOT, build_site, make_site_kb

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.is_file():
    pytest.skip(
        "Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium; .ci/run does it)",
        allow_module_level=True,
    )

from playwright.sync_api import Browser, ConsoleMessage, Page, Request, sync_playwright  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.site, pytest.mark.xdist_group("browser")]

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO_ROOT / "test-artifacts" / "site"


BASE = "/widget/"  # the path of the fixture's site_url: served there, as GitHub Pages serves a project


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """The site under BASE; any other address gets the site's 404 page with status 404, like GitHub Pages."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def send_head(self) -> Any:
        if self.path.startswith(BASE):
            self.path = "/" + self.path[len(BASE) :]
            if Path(self.translate_path(self.path)).exists():
                return super().send_head()
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@dataclass
class Served:
    origin: str
    browser: Browser
    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # console errors and uncaught exceptions
    missing: set[str] = field(default_factory=set)  # addresses requested on purpose that do not exist

    def page(self, width: int = 1280, scheme: str = "light") -> Page:
        """A fresh page (`width` CSS px wide, light or dark scheme) that records every request and every
        console error."""
        page = self.browser.new_page(
            viewport={"width": width, "height": 900}, color_scheme="dark" if scheme == "dark" else "light"
        )
        page.on("request", self._request)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"pageerror: {error}"))
        page.on(
            "dialog", lambda dialog: (self.problems.append(f"dialog: {dialog.message}"), dialog.dismiss())
        )
        return page

    def _request(self, request: Request) -> None:
        self.requests.append(request.url)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        if message.location.get("url") in self.missing and "404" in message.text:
            return  # the document of an address that does not exist, asked for on purpose
        self.problems.append(f"console: {message.text} ({message.location.get('url')})")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("browser-kb")
    handler = functools.partial(_SiteHandler, directory=str(root / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # built for the address it is served at (instant navigation matches links against the sitemap)
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    make_site_kb(root, site_url=origin + BASE)
    proc = build_site(root)
    assert proc.returncode == 0, proc.stderr
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
    try:
        yield Served(origin + BASE[:-1], browser)
    finally:
        browser.close()
        playwright.stop()
        server.shutdown()
        server.server_close()


def test_home_page_shows_the_counts(served: Served) -> None:
    page = served.page()
    page.goto(served.origin + "/")
    counts = page.locator(".issuekb-counts li")
    assert counts.nth(0).inner_text().split() == ["4", "analyses"]
    texts = [" ".join(t.split()) for t in counts.all_inner_texts()]
    assert "2 resolved (50%)" in texts and "1 investigating (25%)" in texts and "1 duplicate" in texts
    assert page.locator("svg[role=img]").count() >= 2
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)
    page.close()


def test_search_finds_an_analysis_by_body_words_and_by_number(served: Served) -> None:
    page = served.page()
    page.goto(served.origin + "/")
    for query, expected in (
        ("zebrafinch", "#42 widgetd crashes"),
        ("88", "#88 logrotate"),
        ("#101", "#101 Upstream"),
    ):
        box = page.locator("input.md-search__input")
        box.click()
        box.fill("")
        box.press_sequentially(query, delay=10)  # Material searches on key events
        results = page.locator(".md-search-result__item")
        results.first.wait_for(timeout=10_000)
        assert expected in results.first.inner_text(), (query, results.all_inner_texts())
        page.keyboard.press("Escape")
    page.close()


def test_analysis_page_badge_and_related_links_navigate(served: Served) -> None:
    page = served.page()
    page.goto(served.origin + "/analyses/0042-reload-crash/")
    badge = page.locator(".issuekb-meta .issuekb-status-resolved")
    assert badge.inner_text() == "resolved"
    assert (
        page.locator(".issuekb-meta .issuekb-upstream-closed").inner_text() == "closed upstream (completed)"
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "analysis.png"), full_page=True)
    page.evaluate("window.__sameDocument = true")  # survives instant navigation, lost on a full reload
    page.locator("#related + ul a", has_text="#88").click()
    page.wait_for_url(re.compile(r"/analyses/0088-log-rotation/(#.*)?$"))
    page.locator("h1", has_text="#88 logrotate restarts widgetd").wait_for()
    assert page.evaluate("window.__sameDocument === true"), "instant navigation should not reload the page"
    page.goto(served.origin + "/analyses/0042-reload-crash/")
    page.locator(".issuekb-links a", has_text="#57").click()  # the diagram links too
    page.wait_for_url(re.compile(r"/analyses/0057-reload-crash-again/(#.*)?$"))
    page.locator("h1", has_text="#57 Daemon exits after reload").wait_for()
    page.close()


def test_tag_page_lists_its_analyses(served: Served) -> None:
    page = served.page()
    page.goto(served.origin + "/tags/crash/")
    rows = page.locator(".issuekb-listing tbody tr")
    assert [row.locator("td").first.inner_text() for row in rows.all()] == ["#42", "#57"]
    # the table is the page: no second listing of Material's (its chip row, the guide under it)
    assert page.locator('.md-content a[href$="/guide/"]').count() == 0
    assert page.locator(".md-content .md-tags").count() == 0
    page.close()


def test_listing_table_filters_and_sorts(served: Served) -> None:
    page = served.page()
    page.goto(served.origin + "/analyses/")
    rows = page.locator(".issuekb-listing tbody tr")
    assert rows.count() == 4
    page.locator("input.issuekb-filter").fill("logrotate")
    assert [r.locator("td").first.inner_text() for r in rows.all() if r.is_visible()] == ["#88"]
    page.locator("input.issuekb-filter").fill("")
    page.locator("th button", has_text="Issue").click()
    page.locator("th button", has_text="Issue").click()  # second click: descending
    assert [r.locator("td").first.inner_text() for r in rows.all()] == ["#101", "#88", "#57", "#42"]
    page.close()


def test_dark_toggle_switches_the_scheme(served: Served) -> None:
    page = served.page()
    page.emulate_media(color_scheme="light")
    page.goto(served.origin + "/")
    body = page.locator("body")
    assert body.get_attribute("data-md-color-scheme") == "default"
    page.locator("label[title='Switch to dark mode']").click()
    assert body.get_attribute("data-md-color-scheme") == "slate"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.locator("label[title='Switch to light mode']").click()
    assert body.get_attribute("data-md-color-scheme") == "default"
    assert background != page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.close()


def test_hostile_upstream_title_renders_as_text(served: Served) -> None:
    page = served.page()
    page.goto(served.origin + "/analyses/0101-hostile-title/")
    cell = page.locator(".issuekb-meta td", has_text="onerror")
    assert cell.inner_text() == HOSTILE_TITLE
    assert page.locator("img[onerror], .issuekb-meta img, .issuekb-meta b").count() == 0
    assert page.locator(".issuekb-label").inner_text() == "<script>alert(1)</script>"
    assert page.evaluate("window.__pwned === undefined")
    page.close()


def test_custom_404_page(served: Served) -> None:
    page = served.page()
    missing = served.origin + "/analyses/9999-never-analysed/"
    served.missing.add(missing)
    response = page.goto(missing)
    assert response is not None and response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    page.locator("a", has_text="All analyses").last.click()
    page.wait_for_url(served.origin + "/analyses/")
    page.locator("h1", has_text="All analyses").wait_for()
    assert page.locator(".issuekb-listing tbody tr").count() == 4
    page.close()


def test_no_console_errors_and_no_request_leaves_the_site(served: Served) -> None:
    # every page opened in this module (this test opens one of each kind itself) is checked
    page = served.page()
    for path in (
        "/",
        "/analyses/0042-reload-crash/",
        "/analyses/0042-reload-crash/summary/",
        "/status/",
        "/status/resolved/",
        "/tags/",
        "/tags/crash/",
        "/duplicates/",
        "/guide/",
        "/404.html",
    ):
        page.goto(served.origin + path)
        page.wait_for_load_state("networkidle")
    page.close()
    foreign = sorted({url for url in served.requests if not url.startswith(served.origin + "/")})
    assert foreign == []
    assert served.problems == []


#: One page of each kind the site has (the 404 page too).
PAGE_KINDS = (
    "/",
    "/analyses/",
    "/analyses/0042-reload-crash/",
    "/analyses/0042-reload-crash/summary/",
    "/status/",
    "/status/resolved/",
    "/tags/",
    "/tags/crash/",
    "/commits/4f1c2ab/",
    "/duplicates/",
    "/guide/",
    "/404.html",
)
LISTINGS = ("/analyses/", "/status/resolved/", "/tags/", "/tags/crash/", "/commits/4f1c2ab/")

#: How far the page and each table scroll sideways (Material wraps every table in a scrolling box).
SIDEWAYS = """() => [document.documentElement, ...document.querySelectorAll('.md-typeset__scrollwrap')]
    .map(e => e.scrollWidth - e.clientWidth)"""
#: The rendered height in CSS px of the font of every visible text of the pictures: its font size in
#: user units times the scale of its <svg> (a picture scaled down to fit shrinks its text).
SVG_TEXT_PX = """() => [...document.querySelectorAll('.issuekb-chart svg text')]
    .filter(t => t.getClientRects().length && t.getBBox().width > 0)
    .map(t => { const m = t.getScreenCTM(); return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b) })"""


@pytest.mark.parametrize("width", [1280, 390])
def test_listing_pages_do_not_scroll_sideways(served: Served, width: int) -> None:
    page = served.page(width)
    for path in LISTINGS:
        page.goto(served.origin + path)
        page.locator(".issuekb-listing table").first.wait_for()
        overflow = page.evaluate(SIDEWAYS)
        assert len(overflow) >= 2 and max(overflow) <= 0, (path, width, overflow)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto(served.origin + "/analyses/")
    page.screenshot(path=str(ARTIFACTS / f"listing-{width}.png"), full_page=True)
    page.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_picture_text_is_at_least_10px(served: Served, width: int) -> None:
    page = served.page(width)
    page.goto(served.origin + "/")
    shown = page.locator(".issuekb-chart:visible svg")
    assert shown.count() == 2  # one layout of each picture is shown, never both
    sizes = page.evaluate(SVG_TEXT_PX)
    assert len(sizes) >= 3 and min(sizes) >= 10, (width, sorted(sizes)[:5])
    page.close()


#: The neighbourhood diagram: the font size in CSS px of every element holding text, whether any of them
#: sticks out of the diagram or scrolls, and where the centre box and the node boxes stand.
DIAGRAM = """() => { const d = document.querySelector('.issuekb-links'), r = d.getBoundingClientRect();
  const texts = [...d.querySelectorAll('*')].filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()));
  const box = e => { const b = e.getBoundingClientRect(); return [b.left, b.right, b.top, b.bottom]; };
  return {sizes: texts.map(e => parseFloat(getComputedStyle(e).fontSize)),
          out: texts.filter(e => { const b = e.getBoundingClientRect(); return b.left < r.left - 0.5 || b.right > r.right + 0.5
                                   || e.scrollWidth > e.clientWidth; }).length,
          width: r.width, scroll: d.scrollWidth - d.clientWidth,
          centre: box(d.querySelector('.ik-c')), nodes: [...d.querySelectorAll('li > *')].map(box)}; }"""


@pytest.mark.parametrize("width", [1280, 390])
def test_diagram_is_laid_out_for_the_width_with_readable_text(served: Served, width: int) -> None:
    page = served.page(width)
    for path in (
        "/analyses/0042-reload-crash/",
        "/analyses/0057-reload-crash-again/",
        "/analyses/0088-log-rotation/",
    ):
        page.goto(served.origin + path)
        found = page.evaluate(DIAGRAM)
        assert len(found["sizes"]) >= 3 and min(found["sizes"]) >= 10, (path, width, found["sizes"])
        assert found["out"] == 0 and found["scroll"] <= 0, (path, width, found)
        assert max(page.evaluate(SIDEWAYS)) <= 0, (path, width)
        left, right, _, bottom = found["centre"]
        if width == 1280:  # three columns: every node beside the centre box, none under it
            assert found["width"] >= 600
            assert all(n[1] <= left or n[0] >= right for n in found["nodes"]), (path, found)
        else:  # the centre on top, then one node a row, each as wide as the others
            assert found["width"] < 600
            assert all(n[2] >= bottom for n in found["nodes"]), (path, found)
            assert len({round(n[0]) for n in found["nodes"]}) == 1, (path, found)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto(served.origin + "/analyses/0042-reload-crash/")
    page.locator(".issuekb-links").screenshot(path=str(ARTIFACTS / f"diagram-{width}.png"))
    page.close()


def test_search_ranks_the_analysis_of_an_error_message_first(served: Served) -> None:
    page = served.page()
    page.goto(served.origin + "/")
    box = page.locator("input.md-search__input")
    for query, expected in (("KeyError", "#42 widgetd crashes"), ("Daemon exits", "#57 Daemon exits")):
        box.click()
        box.fill("")
        box.press_sequentially(query, delay=10)
        results = page.locator(".md-search-result__item")
        results.first.wait_for(timeout=10_000)
        top = results.all_inner_texts()[:3]
        assert any(expected in text for text in top), (query, top)
        # listings (analyses, tags, commits, the board) are not in the index: they would outrank it
        assert not any(t.split("\n", 1)[0].strip() in ("All analyses", "Resolved", "Tag: crash") for t in top)
        page.keyboard.press("Escape")
    # the preview starts with the analysis's own words, not its metadata panel
    box.click()
    box.fill("")
    box.press_sequentially("zebrafinch", delay=10)
    first = page.locator(".md-search-result__item").first
    first.wait_for(timeout=10_000)
    assert "Field" not in first.inner_text() and "Status" not in first.inner_text()
    page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_accessibility_violation_on_any_page_kind(served: Served, scheme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = served.page(scheme=scheme)
    found = {}
    for path in PAGE_KINDS:
        if path == "/404.html":
            served.missing.add(served.origin + path)
        page.goto(served.origin + path)
        page.wait_for_load_state("networkidle")
        expected = "slate" if scheme == "dark" else "default"
        assert page.locator("body").get_attribute("data-md-color-scheme") == expected
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}})
        violations = [
            f"{v['id']}: {v['nodes'][0]['target']} {v['nodes'][0]['failureSummary']}"
            for v in results.response["violations"]
        ]
        if violations:
            found[path] = violations
    page.close()
    assert found == {}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_accessibility_violation_on_a_phone(served: Served, scheme: str) -> None:
    """The analysis page at 390 px: its diagram in the narrow layout, the listings without their columns."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = served.page(390, scheme=scheme)
    found = {}
    for path in ("/analyses/0042-reload-crash/", "/analyses/0088-log-rotation/", "/analyses/"):
        page.goto(served.origin + path)
        page.wait_for_load_state("networkidle")
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}})
        violations = [f"{v['id']}: {v['nodes'][0]['target']}" for v in results.response["violations"]]
        if violations:
            found[path] = violations
    page.close()
    assert found == {}
