"""The neighbourhood diagram of an analysis page: well-formed HTML, embeddable in Markdown, escaped,
deterministic, bounded; and, in a real browser with the site's stylesheet, laid out for the width it gets
(arrows pointing the right way, text at least 10 px, nothing sticking out, readable in both schemes)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import markdown
import pytest

from conftest import REPO_ROOT
from issuekb.core.graph import Neighbourhood
from issuekb.core.refs import IssueRef
from issuekb.render.charts import neighbourhood_html
from test_charts import contrast

ARTIFACTS = REPO_ROOT / "test-artifacts" / "neighbourhood"
STYLESHEET = REPO_ROOT / "scripts" / "issuekb" / "assets" / "issuekb.css"
HOSTILE = "<script>alert('x')</script> & \"quotes\"\n\n    *not emphasis* \x00 <img src=x onerror=alert(1)>"


def ref(number: int, repo: str = "acme/widget") -> IssueRef:
    return IssueRef(repo, number)


def hood(**links: object) -> Neighbourhood:
    fields: dict[str, object] = {
        "duplicate_of": None,
        "canonical": None,
        "duplicates": (),
        "related": (),
        "referenced_by": (),
        "shares_commits_with": (),
    }
    fields.update(links)
    return Neighbourhood(**fields)  # type: ignore[arg-type]


def label(r: IssueRef) -> str:
    return f"#{r.number} title {r.number}"


def text_of(el: ET.Element) -> str:
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip()


def parse(block: str) -> tuple[ET.Element, str, list[dict[str, Any]]]:
    """Parse the block (it must be well-formed) and check what every diagram must be; returns the group,
    the centre's text and the nodes in document order (classes, caption, text, href, tag)."""
    root = ET.fromstring(block)
    assert root.tag == "div" and root.get("class") == "issuekb-links"
    assert "data-search-exclude" in root.attrib
    (group,) = list(root)
    assert group.get("role") == "group" and group.get("aria-label")
    centre, *rest = list(group)
    assert centre.get("class") == "ik-c"
    found: list[dict[str, Any]] = []
    for ul in rest:
        assert ul.tag == "ul"
        for li in ul:
            assert li.tag == "li"
            (box,) = list(li)
            caption = box.find("i")
            found.append(
                {
                    "classes": set((li.get("class") or "").split()),
                    "caption": caption.text if caption is not None else None,
                    "text": text_of(box),
                    "href": box.get("href"),
                    "tag": box.tag,
                }
            )
    return group, text_of(centre), found


def assert_embeddable(block: str) -> None:
    """Raw HTML in Markdown: no blank line, no code-block indentation, nothing loaded from anywhere."""
    lines = block.rstrip("\n").split("\n")
    assert all(line.strip() for line in lines)
    assert not any(line.startswith(("    ", "\t")) for line in lines)
    lowered = block.lower()
    for needle in ("<script", "<img", "<style", "style=", "@import", "url(", "<svg", "xlink"):
        assert needle not in lowered


def by_text(found: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Nodes by their label (the text after the caption)."""
    return {n["text"].removeprefix(n["caption"] or "").strip(): n for n in found}


def test_places_and_names_every_kind() -> None:
    block = neighbourhood_html(
        ref(50),
        hood(
            duplicate_of=ref(10),
            canonical=ref(5),
            duplicates=(ref(60), ref(61)),
            related=(ref(20),),
            referenced_by=(ref(30),),
            shares_commits_with=(ref(40),),
        ),
        label_for=label,
    )
    assert_embeddable(block)
    group, centre, found = parse(block)
    assert centre == "#50 title 50"
    assert group.get("aria-label") == "Links of #50"
    nodes = by_text(found)
    # the reading order is the priority order of the kinds of link
    assert list(nodes) == [f"#{n} title {n}" for n in (10, 5, 60, 61, 20, 30, 40)]
    captions = {name: n["caption"] for name, n in nodes.items()}
    assert captions == {
        "#10 title 10": "duplicate of",
        "#5 title 5": "canonical",
        "#60 title 60": "duplicate",
        "#61 title 61": "duplicate",
        "#20 title 20": "related",
        "#30 title 30": "references",
        "#40 title 40": "shares a fix",
    }
    # What points at the issue stands left of it with its arrow at the centre; what it points at stands
    # right with the arrow at the node; a shared fix has a dashed edge without an arrow.
    for n in (60, 61, 30):
        assert nodes[f"#{n} title {n}"]["classes"] == {"ik-l", "ik-i"}
    for n in (10, 5, 20):
        assert nodes[f"#{n} title {n}"]["classes"] == set()
    assert "ik-x" in nodes["#40 title 40"]["classes"]


def test_links_only_where_a_page_exists() -> None:
    pages = {ref(10): "../0010-crash/", ref(20): "https://example.org/kb/0020/"}
    _, _, found = parse(
        neighbourhood_html(
            ref(1),
            hood(duplicate_of=ref(10), related=(ref(20), ref(21)), referenced_by=(ref(30),)),
            url_for=pages.get,
            label_for=label,
        )
    )
    nodes = by_text(found)
    assert {name: n["href"] for name, n in nodes.items() if n["tag"] == "a"} == {
        "#10 title 10": "../0010-crash/",
        "#20 title 20": "https://example.org/kb/0020/",
    }
    assert nodes["#21 title 21"]["tag"] == nodes["#30 title 30"]["tag"] == "span"
    assert nodes["#30 title 30"]["caption"] == "references"


def test_never_links_a_script_url() -> None:
    for url in ("JavaScript:alert(1)", " data:text/html,x", "vbscript:x"):
        block = neighbourhood_html(ref(1), hood(related=(ref(2),)), url_for=lambda _r, u=url: u)
        assert "script:" not in block.lower() and "data:" not in block.lower()
        assert [n["tag"] for n in parse(block)[2]] == ["span"]


def test_caps_nodes_and_shares_slots() -> None:
    many = tuple(ref(n) for n in range(100, 130))
    _, _, found = parse(
        neighbourhood_html(ref(1), hood(duplicates=many, related=(ref(2), ref(3), ref(4))), label_for=label)
    )
    assert len(found) == 12
    nodes = by_text(found)
    assert "+22 more" in nodes  # 33 neighbours, 11 drawn
    assert nodes["+22 more"]["classes"] >= {"ik-x"} and nodes["+22 more"]["tag"] == "span"
    assert nodes["+22 more"]["caption"] is None
    assert {"#2 title 2", "#3 title 3", "#4 title 4"} <= set(nodes)  # not crowded out by duplicates
    # Both columns hold six nodes: the wide layout stays short. Three duplicates moved right keep their
    # arrows pointing at the centre.
    left = [n for n in found if "ik-l" in n["classes"]]
    assert len(left) == 6
    moved = [n for n in found if "ik-l" not in n["classes"] and "ik-i" in n["classes"]]
    assert len(moved) == 2 and all(n["caption"] == "duplicate" for n in moved)


def test_custom_cap_and_bad_cap() -> None:
    _, _, found = parse(
        neighbourhood_html(ref(1), hood(related=tuple(ref(n) for n in range(2, 9))), max_nodes=3)
    )
    assert [n["text"] for n in found] == ["related #2", "related #3", "+5 more"]
    with pytest.raises(ValueError, match="max_nodes"):
        neighbourhood_html(ref(1), hood(), max_nodes=1)


def test_without_links_and_self_links() -> None:
    block = neighbourhood_html(ref(7), hood(related=(ref(7),), referenced_by=(ref(7),)))
    group, centre, found = parse(block)
    assert (centre, found) == ("#7", [])
    assert "<ul>" not in block
    assert group.get("aria-label") == "#7 has no links to other issues"


def test_each_issue_once() -> None:
    _, _, found = parse(
        neighbourhood_html(
            ref(1), hood(duplicate_of=ref(2), canonical=ref(2), related=(ref(2), ref(3))), label_for=label
        )
    )
    assert [(n["caption"], n["text"]) for n in found] == [
        ("duplicate of", "duplicate of #2 title 2"),
        ("related", "related #3 title 3"),
    ]


def test_other_repositories_are_named() -> None:
    group, centre, found = parse(neighbourhood_html(ref(1, "other/repo"), hood(related=(ref(2),))))
    assert group.get("aria-label") == "Links of #1" and centre == "#1"
    assert found[0]["text"] == "related acme/widget#2"


def test_hostile_labels_are_text() -> None:
    block = neighbourhood_html(
        ref(1),
        hood(related=(ref(2), ref(3, "evil/repo"))),
        url_for=lambda r: f'../{r.number}/?a=1&b="2"',
        label_for=lambda r: f"{r} {HOSTILE}",
    )
    assert_embeddable(block)
    _, centre, found = parse(block)
    assert all(n["href"].endswith('?a=1&b="2"') for n in found)
    shown = "<script>alert('x')</script> & \"quotes\" *not emphasis* <img src=x onerror=alert(1)>"
    assert [n["text"] for n in found] == [f"related acme/widget#2 {shown}", f"related evil/repo#3 {shown}"]
    assert centre == f"acme/widget#1 {shown}"
    assert "\x00" not in block


def test_deterministic() -> None:
    links = hood(related=(ref(2),), duplicates=(ref(3),))
    assert neighbourhood_html(ref(1), links) == neighbourhood_html(ref(1), links)


def test_bytes_stay_small() -> None:
    """The diagram is on every analysis page: no style, no geometry, short classes."""
    title = "An upstream title of typical length, sixty characters or so"
    block = neighbourhood_html(
        ref(1143),
        hood(
            related=tuple(ref(n) for n in range(2000, 2011)),
            referenced_by=tuple(ref(n) for n in range(3000, 3010)),
        ),
        url_for=lambda r: f"../{r.number:04d}-some-slug-of-the-issue/",
        label_for=lambda r: f"#{r.number} {title}",
    )
    found = parse(block)[2]
    assert sum(n["tag"] == "a" for n in found) == 11  # eleven linked nodes and "+10 more"
    # 1.8 KB: the titles (750 bytes), the addresses (350) and 60 bytes of markup a node; the two SVG
    # layouts it replaces took 9 KB for the same links
    assert len(block.encode()) < 2_000


def test_passes_through_markdown_untouched() -> None:
    block = neighbourhood_html(
        ref(1), hood(related=(ref(2),)), label_for=lambda r: f"#{r.number} *a* _b_ {HOSTILE}"
    )
    page = f"# Page\n\nSome *text*.\n\n{block}\nThe end.\n"
    html = markdown.markdown(page, extensions=["attr_list", "md_in_html", "tables"])
    assert block.strip() in html
    assert "<em>a</em>" not in html


# --- in a browser, with the site's stylesheet -------------------------------------------------------

#: Material's variables in its two schemes (default indigo palette) and the page background.
SCHEMES = {
    "light": (
        "--md-default-fg-color:#000000de;--md-default-fg-color--light:#0000008a;"
        "--md-typeset-a-color:#4051b5;--md-primary-fg-color:#4051b5;color:#000000de",
        (255, 255, 255),
    ),
    "dark": (
        "--md-default-fg-color:hsla(225,15%,90%,.82);--md-default-fg-color--light:hsla(225,15%,90%,.56);"
        "--md-typeset-a-color:#5488e8;--md-primary-fg-color:#4051b5;color:hsla(225,15%,90%,.82)",
        (30, 33, 41),
    ),
}


def samples() -> list[str]:
    """Diagrams with every kind of node: arrows into and out of the centre on both sides (a long list
    of outgoing links puts some of them on the left), issues without a page, "+N more", long words."""
    titles = {10: "Flash fails on ESP8285 <script>alert(1)</script>", 21: "a" * 90}
    return [
        neighbourhood_html(
            ref(1143),
            hood(
                duplicate_of=ref(10),
                canonical=ref(5),
                duplicates=tuple(ref(n) for n in range(100, 120)),
                related=(ref(20), ref(21), ref(3, "other/repo")),
                referenced_by=(ref(30), ref(31)),
            ),
            url_for=lambda r: f"../{r.number:04d}/" if r.number % 2 == 0 else None,
            label_for=lambda r: f"#{r.number} {titles.get(r.number, 'An upstream title of some length')}",
        ),
        neighbourhood_html(
            ref(7),
            hood(related=tuple(ref(n) for n in range(40, 45)), shares_commits_with=(ref(50),)),
            url_for=lambda r: f"../{r.number}/",
            label_for=label,
        ),
        # four links into the centre: two of them stand on the right
        neighbourhood_html(ref(8), hood(duplicates=(ref(60), ref(61), ref(62)), referenced_by=(ref(70),))),
    ]


#: What the diagram takes from Material's stylesheet: the root font size, border-box sizing, link colour.
MATERIAL = (
    "html{font-size:125%;box-sizing:border-box}*,::before,::after{box-sizing:inherit}"
    ".md-typeset{font-size:.8rem}.md-typeset a{color:var(--md-typeset-a-color)}"
)


def page_html(scheme: str, width: int) -> str:
    """The samples in a column `width` CSS px wide, as in Material's content area."""
    style, (r, g, b) = SCHEMES[scheme]
    css = MATERIAL + STYLESHEET.read_text(encoding="utf-8")
    return (
        f"<!doctype html><html><head><style>{css}</style></head><body style='margin:0'>"
        f"<article class='md-typeset' style='width:{width + 16}px;padding:8px;"
        f"background:rgb({r},{g},{b});{style}'>{''.join(samples())}</article></body></html>"
    )


#: Per node: its kind, where its arrow's tip is (or null), which way it points, its box, and the centre.
_GEOMETRY_JS = """() => [...document.querySelectorAll('.issuekb-links')].flatMap(d => {
  const c = d.querySelector('.ik-c').getBoundingClientRect();
  return [...d.querySelectorAll('li')].map(li => {
    const r = li.getBoundingClientRect(), box = li.firstElementChild.getBoundingClientRect();
    const a = getComputedStyle(li, '::after');
    const right = parseFloat(a.borderLeftWidth) > 0 && a.borderLeftColor !== 'rgba(0, 0, 0, 0)';
    const x = r.left + parseFloat(a.left);
    return {cls: li.className, arrow: a.content !== 'none', right, tip: right ? x + 8 : x,
            y: r.top + parseFloat(a.top) + 4, middle: (box.top + box.bottom) / 2,
            box: [box.left, box.right, box.top], centre: [c.left, c.right, c.bottom]};
  });
})"""
#: Every visible text: its font size in CSS px, and whether its element sticks out of the diagram.
_TEXT_JS = """() => [...document.querySelectorAll('.issuekb-links *')]
  .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
  .map(e => { const d = e.closest('.issuekb-links').getBoundingClientRect(), b = e.getBoundingClientRect();
    return {px: parseFloat(getComputedStyle(e).fontSize), inside: b.left >= d.left - 0.5 && b.right <= d.right + 0.5,
            fill: getComputedStyle(e).color, scroll: e.scrollWidth - e.clientWidth}; })"""


def check_arrows(nodes: list[dict[str, Any]], wide: bool) -> None:
    """Each arrow ends at its target (the centre for a link into it, the node's box otherwise), level
    with the middle of the node's box."""
    for node in nodes:
        classes = set(node["cls"].split())
        left, right, top = node["box"]
        c_left, c_right, c_bottom = node["centre"]
        if "ik-x" in classes:
            assert not node["arrow"], node
            continue
        assert node["arrow"], node
        if wide:
            assert (right < c_left) == ("ik-l" in classes), node  # its column
            if "ik-i" in classes:  # at the centre, pointing away from the node
                expected = c_left if "ik-l" in classes else c_right
                assert node["right"] == ("ik-l" in classes), node
            else:
                expected = right if "ik-l" in classes else left
                assert node["right"] == ("ik-l" not in classes), node
        else:
            assert top > c_bottom and left > c_left + 20, node  # below the centre, off the trunk
            # a link into the centre points back at the trunk; the others point at their box
            assert node["right"] == ("ik-i" not in classes), node
            expected = c_left + 13 if "ik-i" in classes else left
        assert node["tip"] == pytest.approx(expected, abs=1.5), node
        assert node["y"] == pytest.approx(node["middle"], abs=1.5), node  # level with the box's middle


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian's chromium is not installed")
@pytest.mark.parametrize(("width", "wide"), [(744, True), (600, True), (580, False), (358, False)])
def test_laid_out_for_its_width_and_readable_in_both_schemes(width: int, wide: bool) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 800, "height": 1400})
            requests: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            for scheme, (_, background) in SCHEMES.items():
                page.set_content(page_html(scheme, width))
                nodes = page.evaluate(_GEOMETRY_JS)
                assert len(nodes) == 22
                check_arrows(nodes, wide)
                texts = page.evaluate(_TEXT_JS)
                assert len(texts) >= 40
                assert min(t["px"] for t in texts) >= 10  # 11 px captions, 12 px titles
                assert all(t["inside"] and t["scroll"] <= 0 for t in texts), texts
                assert min(contrast(t["fill"], background) for t in texts) >= 4.5
                page.screenshot(path=str(ARTIFACTS / f"{scheme}-{width}.png"), full_page=True)
            assert requests == []
        finally:
            browser.close()
