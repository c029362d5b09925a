"""Untrusted text never becomes markup: every field from upstream or the front matter, times every
payload, times every output that shows it (one real MkDocs build and one `issuekb tracking` for the
module; the pages are read back as element trees).

A case passes when the output shows its whole value as text (`k<number> <payload>`, whitespace runs as
one space: a payload that became a tag, a link, a table cell or a new row would no longer read as its
own text) and when no output holds an event-handler attribute, a script URL or a script of the payload.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from hostilekb import CANONICAL, CASES, FIELDS, Case, make_hostile_kb, visible
from htmltree import Element, dangers, parse
from issuekb.cli import cli
from issuekb.render.site.paths import tag_slug
from sitefixture import ZENSICAL_BUILD, build_site, build_zensical

pytestmark = [pytest.mark.site, pytest.mark.xdist_group("untrusted")]

SITE_URL = "https://kb.example.invalid/widget/"


@dataclass
class Built:
    site: Path
    log: str
    pages: dict[Path, Element]
    tracking: Element
    search: list[dict[str, Any]]
    api: dict[int, dict[str, Any]]

    def page(self, rel: str) -> Element:
        path = self.site / rel / "index.html"
        if path not in self.pages:
            self.pages[path] = parse(path.read_text(encoding="utf-8"))
        return self.pages[path]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = make_hostile_kb(tmp_path_factory.mktemp("hostile-kb"), SITE_URL)
    # not --strict: the tags that are not slugs are errors, and the pages must be safe all the same
    proc = build_site(root, strict=False)
    assert proc.returncode == 0, proc.stderr
    tracking = CliRunner().invoke(cli, ["tracking", "--root", str(root)])
    assert tracking.exit_code == 0, tracking.output
    markdown = MarkdownIt("commonmark").enable("table")  # as GitHub shows TRACKING.md
    html = markdown.render((root / "TRACKING.md").read_text(encoding="utf-8"))
    search = json.loads((root / "site/search/search_index.json").read_text(encoding="utf-8"))["docs"]
    api = json.loads((root / "site/api/analyses.json").read_text(encoding="utf-8"))
    return Built(
        root / "site",
        proc.stderr,
        {},
        parse(html),
        search,
        {record["issue"]: record for record in api["analyses"]},
    )


def _by_class(root: Element, name: str) -> list[Element]:
    return root.find_all(lambda el: name in el.classes())


def _row(table_root: Element, case: Case) -> str:
    """The visible text of the listing row whose first cell is the case's issue."""
    for row in table_root.find_all(lambda el: el.tag == "tr"):
        cells = [c for c in row.children if isinstance(c, Element) and c.tag == "td"]
        if cells and visible(cells[0].text()) == f"#{case.number}":
            return visible(row.text())
    return ""


def _shown(built: Built, case: Case, output: str) -> str:
    """The text of the part of `output` where the case's value should be shown."""
    page = built.page(f"analyses/{case.folder}")
    if output == "page":
        return visible(_by_class(page, "md-content")[0].text())
    if output == "title-element":
        return visible(page.find_all(lambda el: el.tag == "title")[0].text())
    if output == "header":
        topics = page.find_all(lambda el: el.attrs.get("data-md-component") == "header-topic")
        return visible(topics[0].text())
    if output == "companion":
        companion = built.page(f"analyses/{case.folder}/summary")
        title = companion.find_all(lambda el: el.tag == "title")[0].text()
        return visible(title + " " + _by_class(companion, "md-content")[0].text())
    if output == "listing":
        return _row(built.page("analyses"), case)
    if output == "status-listing":
        status = "resolved" if case.field == "title" else "investigating"
        return _row(built.page(f"status/{status}"), case)
    if output == "tag-page":
        if case.field == "tag":
            return visible(_by_class(built.page(f"tags/{tag_slug(case.value)}"), "md-content")[0].text())
        return _row(built.page("tags/payload"), case)
    if output == "tags-index":
        return visible(_by_class(built.page("tags"), "md-content")[0].text())
    if output == "clusters":
        return visible(_by_class(built.page("duplicates"), "md-content")[0].text())
    if output == "board":
        return visible(_by_class(built.page("status"), "md-content")[0].text())
    if output == "tracking":
        return visible(built.tracking.text())
    if output == "diagram":
        canonical = built.page(f"analyses/{CANONICAL:04d}-canonical")
        return " ".join(visible(d.text()) for d in _by_class(canonical, "issuekb-links"))
    if output == "search":
        location = f"analyses/{case.folder}/"
        entries = [e for e in built.search if e["location"].split("#")[0] == location]
        return " ".join(visible(parse(e["title"]).text() + " " + parse(e["text"]).text()) for e in entries)
    raise AssertionError(output)


def _api_value(record: dict[str, Any], field: str) -> object:
    upstream = record["upstream"] or {}
    return {
        "title": lambda: record["title"],
        "tag": lambda: record["tags"][1],
        "reporter": lambda: record["reporter"],
        "affected": lambda: record["affected"][0],
        "related_note": lambda: record["related"][0]["note"],
        "upstream_title": lambda: upstream["title"],
        "label": lambda: upstream["labels"][0],
        "state_reason": lambda: upstream["state_reason"],
        "transferred_to": lambda: upstream["transferred_to"],
    }[field]()


def _matrix() -> Iterator[Any]:
    for case in CASES:
        for output in FIELDS[case.field]:
            yield pytest.param(case, output, id=f"{case.field}-{case.payload}-{output}")


@pytest.mark.parametrize(("case", "output"), list(_matrix()))
def test_value_is_shown_as_text(built: Built, case: Case, output: str) -> None:
    if output == "api":
        assert _api_value(built.api[case.number], case.field) == case.value  # the raw string, as JSON
        return
    expected = visible(case.value)
    if output == "title-element":
        assert _shown(built, case, output) == f"#{case.number} {expected} - Widget knowledge base"
        return
    assert expected in _shown(built, case, output)


def _page_dangers(site: Path) -> dict[str, list[str]]:
    """What `dangers` finds, by page of the built site."""
    found = {}
    for path in sorted(site.rglob("*.html")):
        bad = dangers(parse(path.read_text(encoding="utf-8")))
        if bad:
            found[str(path.relative_to(site))] = bad
    return found


def test_no_page_holds_script_or_handlers(built: Built) -> None:
    found = _page_dangers(built.site)
    bad = dangers(built.tracking)
    if bad:
        found["TRACKING.md"] = bad
    for entry in built.search:
        bad = dangers(parse(entry["title"])) + dangers(parse(entry["text"]))
        if bad:
            found[f"search: {entry['location']}"] = bad
    assert found == {}


def _tables(root: Element) -> list[Element]:
    return root.find_all(lambda el: el.tag == "table")


def _shape(table: Element) -> list[int]:
    return [
        len([c for c in row.children if isinstance(c, Element) and c.tag in ("td", "th")])
        for row in table.find_all(lambda el: el.tag == "tr")
    ]


@pytest.mark.parametrize(
    "where", ["analyses", "status/investigating", "status/resolved", "tags/payload", "tags", "status"]
)
def test_tables_keep_their_shape(built: Built, where: str) -> None:
    for table in _tables(_by_class(built.page(where), "md-content")[0]):
        shape = _shape(table)
        assert set(shape) == {shape[0]}, (where, shape)


def test_tables_keep_their_rows(built: Built) -> None:
    every = _tables(built.page("analyses"))[0]
    assert len(_shape(every)) == 1 + 1 + len(CASES)  # the header, the canonical analysis, every case
    for table in _tables(built.tracking):
        shape = _shape(table)
        assert set(shape) == {shape[0]}, shape
    for case in CASES:
        panel = _by_class(built.page(f"analyses/{case.folder}"), "issuekb-meta")[0]
        shape = _shape(_tables(panel)[0])
        assert set(shape) == {2}, (case, shape)


def test_tags_that_are_not_slugs_are_reported(built: Built) -> None:
    for case in CASES:
        if case.field == "tag":
            assert f"analyses/{case.folder}/analysis.md:7:1: error[tag-format]" in built.log


# -- the same knowledge base built by Zensical (`issuekb pages --build`) ----------------------------------
#: What Zensical's pages show of each field (the search index, TRACKING.md and the JSON export are the
#: same generated files or the same renderers, read above).
ZENSICAL_OUTPUTS = frozenset(FIELDS["title"]) - {"search", "tracking", "api"}


@pytest.fixture(scope="module")
def zbuilt(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = make_hostile_kb(tmp_path_factory.mktemp("hostile-zensical"), SITE_URL, bad_tags=False)
    proc = build_zensical(root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return Built(root / ZENSICAL_BUILD / "site", proc.stderr, {}, parse(""), [], {})


def _zensical_matrix() -> Iterator[Any]:
    for case in CASES:
        for output in FIELDS[case.field]:
            if output in ZENSICAL_OUTPUTS and case.field != "tag":
                yield pytest.param(case, output, id=f"{case.field}-{case.payload}-{output}")


@pytest.mark.parametrize(("case", "output"), list(_zensical_matrix()))
def test_zensical_shows_the_value_as_text(zbuilt: Built, case: Case, output: str) -> None:
    expected = visible(case.value)
    if output == "title-element":
        assert _shown(zbuilt, case, output) == f"#{case.number} {expected} - Widget knowledge base"
        return
    assert expected in _shown(zbuilt, case, output)


def test_no_zensical_page_holds_script_or_handlers(zbuilt: Built) -> None:
    assert _page_dangers(zbuilt.site) == {}
