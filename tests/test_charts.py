"""The inline SVG pictures: well-formed, embeddable in Markdown, escaped, deterministic, bounded."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import markdown
import pytest

from conftest import REPO_ROOT
from issuekb.core.graph import Neighbourhood
from issuekb.core.refs import IssueRef
from issuekb.render.charts import activity_chart, fill_months, neighbourhood_svg, status_chart
from issuekb.render.stats import Count, MonthCount

NS = "{http://www.w3.org/2000/svg}"
ARTIFACTS = REPO_ROOT / "test-artifacts" / "charts"
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


def svg_of(block: str) -> ET.Element:
    """Parse the block (it must be well-formed XML) and check what every picture must be."""
    root = ET.fromstring(block)
    assert root.tag == "div"
    assert "data-search-exclude" in root.attrib
    (svg,) = list(root)
    assert svg.tag == f"{NS}svg"
    assert svg.get("width") == "100%"
    assert re.fullmatch(r"0 0 [0-9.]+ [0-9.]+", svg.get("viewBox", ""))
    assert svg.get("role") in {"img", "group"}
    ids = {el.get("id") for el in svg.iter() if el.get("id")}
    labelled_by = svg.get("aria-labelledby", "").split()
    assert len(labelled_by) == 2
    assert set(labelled_by) <= ids
    assert svg.find(f"{NS}title") is not None
    assert svg.find(f"{NS}desc") is not None
    return svg


def assert_embeddable(block: str) -> None:
    """Raw HTML in Markdown: no blank line, no code-block indentation, nothing loaded from anywhere."""
    lines = block.rstrip("\n").split("\n")
    assert all(line.strip() for line in lines)
    assert not any(line.startswith("    ") or line.startswith("\t") for line in lines)
    lowered = block.lower()
    for needle in ("<script", "<image", "<foreignobject", "<style", "@import", "url(", "@font-face", "xlink"):
        assert needle not in lowered
    assert re.findall(r"https?://[^\"' ]+", block) == ["http://www.w3.org/2000/svg"]


def texts(svg: ET.Element) -> list[str]:
    return [el.text or "" for el in svg.iter(f"{NS}text")]


def bar_titles(svg: ET.Element) -> list[str]:
    return [t.text or "" for rect in svg.iter(f"{NS}rect") for t in rect.findall(f"{NS}title")]


def bars(svg: ET.Element) -> dict[str, ET.Element]:
    return {t.text or "": rect for rect in svg.iter(f"{NS}rect") for t in rect.findall(f"{NS}title")}


# --- activity chart ---------------------------------------------------------------------------


def test_activity_empty_is_a_small_well_formed_picture() -> None:
    block = activity_chart([])
    svg = svg_of(block)
    assert_embeddable(block)
    assert "No dated analyses yet" in texts(svg)
    assert bar_titles(svg) == []


def test_activity_one_month() -> None:
    svg = svg_of(activity_chart([("2024-05", 3, 1)]))
    assert bar_titles(svg) == ["2024-05: 3 reported", "2024-05: 1 resolved"]
    assert "2024-05" in texts(svg)
    assert {"reported", "resolved", "month", "analyses"} <= set(texts(svg))
    heights = {k: float(v.get("height", "0")) for k, v in bars(svg).items()}
    assert heights["2024-05: 3 reported"] == pytest.approx(3 * heights["2024-05: 1 resolved"], abs=0.2)


def test_activity_fills_gaps_with_zero_and_sorts() -> None:
    rows = [("2024-04", 0, 2), ("2024-01", 1, 0), ("2024-01", 2, 1)]
    assert fill_months(rows) == [("2024-01", 3, 1), ("2024-02", 0, 0), ("2024-03", 0, 0), ("2024-04", 0, 2)]
    svg = svg_of(activity_chart(rows))
    assert sorted(bar_titles(svg)) == ["2024-01: 1 resolved", "2024-01: 3 reported", "2024-04: 2 resolved"]
    # Four month slots: January's bars sit in the first quarter of the plot, April's in the last.
    width = float(svg.get("viewBox", "").split()[2])
    january = float(bars(svg)["2024-01: 3 reported"].get("x", "0"))
    april = float(bars(svg)["2024-04: 2 resolved"].get("x", "0"))
    assert january < width / 4 < width * 3 / 4 < april
    assert {"2024-01", "2024-02", "2024-03", "2024-04"} <= set(texts(svg))


def test_activity_across_a_year_boundary() -> None:
    assert [m for m, _, _ in fill_months([("2023-11", 1, 0), ("2024-02", 0, 1)])] == [
        "2023-11",
        "2023-12",
        "2024-01",
        "2024-02",
    ]


def test_activity_many_months_labels_do_not_overlap() -> None:
    rows = [(f"{2010 + i // 12}-{i % 12 + 1:02d}", i % 7, i % 3) for i in range(180)]
    block = activity_chart(rows)
    assert_embeddable(block)
    svg = svg_of(block)
    labels = [el for el in svg.iter(f"{NS}text") if re.fullmatch(r"[0-9]{4}(-[0-9]{2})?", el.text or "")]
    assert 3 <= len(labels) <= 20
    xs = [float(el.get("x", "0")) for el in labels]
    assert all(b - a >= 7 * len(el.text or "") for a, b, el in zip(xs, xs[1:], labels, strict=False))
    assert len(bar_titles(svg)) == sum(1 for _, a, b in rows for v in (a, b) if v)


def test_activity_accepts_stats_month_counts() -> None:
    records = [MonthCount("2024-01", 2, 0), MonthCount("2024-03", 1, 1)]
    assert activity_chart(records) == activity_chart([("2024-01", 2, 0), ("2024-03", 1, 1)])


def test_activity_rejects_bad_months_and_negative_counts() -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        activity_chart([("2024-13", 1, 0)])
    with pytest.raises(ValueError, match="negative"):
        activity_chart([("2024-01", -1, 0)])


def test_activity_is_deterministic() -> None:
    rows = [("2024-03", 4, 1), ("2023-12", 1, 0)]
    assert activity_chart(rows) == activity_chart(list(reversed(rows)))


# --- status chart -----------------------------------------------------------------------------


def test_status_shares_counts_and_percentages() -> None:
    counts = {"resolved": 3, "investigating": 1, "paused": 0}
    block = status_chart(counts)
    assert_embeddable(block)
    svg = svg_of(block)
    assert "resolved: 3 (75%)" in texts(svg)
    assert "investigating: 1 (25%)" in texts(svg)
    assert "paused: 0 (0%)" in texts(svg)  # in the legend, but not drawn as a segment
    segments = bars(svg)
    assert set(segments) == {"resolved: 3 (75%)", "investigating: 1 (25%)"}
    widths = {k: float(v.get("width", "0")) for k, v in segments.items()}
    assert widths["resolved: 3 (75%)"] == pytest.approx(3 * widths["investigating: 1 (25%)"], abs=0.2)
    # Status order, whatever the order of the mapping.
    legend = [t for t in texts(svg) if ":" in t]
    assert [t.split(":")[0] for t in legend] == ["investigating", "paused", "resolved"]
    assert status_chart(dict(reversed(list(counts.items())))) == block


def test_status_accepts_stats_counts() -> None:
    by_status = [Count("investigating", 2, 3), Count("resolved", 1, 3)]
    assert status_chart(by_status) == status_chart({"investigating": 2, "resolved": 1})


def test_status_empty() -> None:
    for counts in ({}, {"resolved": 0}):
        svg = svg_of(status_chart(counts))
        assert "No analyses yet" in texts(svg)


def test_status_negative_count_is_a_bug() -> None:
    with pytest.raises(ValueError, match="negative"):
        status_chart({"resolved": -1})


def test_status_hostile_key_stays_text() -> None:
    block = status_chart({HOSTILE: 2, "resolved": 1})
    assert_embeddable(block)
    svg = svg_of(block)
    assert "<script" not in block
    assert "<img" not in block
    shown = [t for t in texts(svg) if "alert" in t]
    assert shown
    assert all("\n" not in t and "\x00" not in t for t in shown)
    assert shown[0].startswith("<script>alert('x')</script> & \"quotes\" *not emphasis*")
    # The key also names a CSS variable: it cannot break out of the style attribute.
    assert all(set(el.attrib) <= {"x", "y", "width", "height", "rx", "style"} for el in svg.iter(f"{NS}rect"))


def test_status_share_of_thirds() -> None:
    counts = {"investigating": 1, "in-progress": 1, "resolved": 1}
    svg = svg_of(status_chart(counts))
    total = sum(counts.values())
    for key, count in counts.items():
        share = round(Fraction(count, total) * 100)
        assert f"{key}: {count} ({share}%)" in texts(svg)


# --- neighbourhood ----------------------------------------------------------------------------


def nodes(svg: ET.Element) -> dict[str, ET.Element]:
    """The nodes around the centre (the title of each node group -> the group or link)."""
    found: dict[str, ET.Element] = {}
    for el in svg:
        title = el.find(f"{NS}title")
        if el.tag in {f"{NS}a", f"{NS}g"} and el.find(f"{NS}rect") is not None and title is not None:
            found[title.text or ""] = el
    return found


def label(r: IssueRef) -> str:
    return f"#{r.number} title {r.number}"


def test_neighbourhood_places_and_labels_every_kind() -> None:
    center = ref(50)
    block = neighbourhood_svg(
        center,
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
    svg = svg_of(block)
    around = nodes(svg)
    centre = around.pop("#50 title 50")
    assert set(around) == {f"#{n} title {n}" for n in (10, 5, 60, 61, 20, 30, 40)}
    assert {"duplicate of", "canonical", "duplicate", "related", "referenced by", "shares a fix"} <= set(
        texts(svg)
    )
    centre_x = float(centre.find(f"{NS}rect").get("x", "0"))  # type: ignore[union-attr]

    def x_of(n: int) -> float:
        return float(around[f"#{n} title {n}"].find(f"{NS}rect").get("x", "0"))  # type: ignore[union-attr]

    # What points at the issue stands left of it; what it points at stands right.
    assert x_of(60) < centre_x < x_of(10)
    assert x_of(30) < centre_x < x_of(20)
    assert "duplicate of: #10" in (svg.findtext(f"{NS}desc") or "")


def test_neighbourhood_links_only_where_a_page_exists() -> None:
    pages = {ref(10): "../0010-crash/", ref(20): "https://example.org/kb/0020/"}
    svg = svg_of(
        neighbourhood_svg(
            ref(1),
            hood(duplicate_of=ref(10), related=(ref(20), ref(21)), referenced_by=(ref(30),)),
            url_for=pages.get,
            label_for=label,
        )
    )
    links = {el.find(f"{NS}title").text: el.get("href") for el in svg.iter(f"{NS}a")}  # type: ignore[union-attr]
    assert links == {"#10 title 10": "../0010-crash/", "#20 title 20": "https://example.org/kb/0020/"}
    assert set(nodes(svg)) >= {"#21 title 21", "#30 title 30"}


def test_neighbourhood_never_links_a_script_url() -> None:
    block = neighbourhood_svg(ref(1), hood(related=(ref(2),)), url_for=lambda _r: "JavaScript:alert(1)")
    assert "javascript" not in block.lower()
    assert list(svg_of(block).iter(f"{NS}a")) == []


def test_neighbourhood_caps_nodes_and_shares_slots() -> None:
    many = tuple(ref(n) for n in range(100, 130))
    svg = svg_of(
        neighbourhood_svg(ref(1), hood(duplicates=many, related=(ref(2), ref(3), ref(4))), label_for=label)
    )
    around = nodes(svg)
    around.pop("#1 title 1")
    assert len(around) == 12
    assert "+22 more" in around  # 33 neighbours, 11 drawn
    assert {"#2 title 2", "#3 title 3", "#4 title 4"} <= set(around)  # not crowded out by duplicates
    # Both columns hold six nodes: the picture stays small.
    xs = sorted({el.find(f"{NS}rect").get("x") for el in around.values()})  # type: ignore[union-attr]
    assert len(xs) == 2
    assert [el.find(f"{NS}rect").get("x") for el in around.values()].count(xs[0]) == 6  # type: ignore[union-attr]
    assert float(svg.get("viewBox", "").split()[3]) < 400


def test_neighbourhood_custom_cap_and_bad_cap() -> None:
    svg = svg_of(neighbourhood_svg(ref(1), hood(related=tuple(ref(n) for n in range(2, 9))), max_nodes=3))
    around = nodes(svg)
    assert len(around) == 4  # the centre, two issues and "+5 more"
    assert "+5 more" in around
    with pytest.raises(ValueError, match="max_nodes"):
        neighbourhood_svg(ref(1), hood(), max_nodes=1)


def test_neighbourhood_without_links_and_self_links() -> None:
    svg = svg_of(neighbourhood_svg(ref(7), hood(related=(ref(7),), referenced_by=(ref(7),))))
    assert list(nodes(svg)) == ["#7"]
    assert "no links" in (svg.findtext(f"{NS}desc") or "")


def test_neighbourhood_each_issue_once() -> None:
    svg = svg_of(
        neighbourhood_svg(
            ref(1), hood(duplicate_of=ref(2), canonical=ref(2), related=(ref(2), ref(3))), label_for=label
        )
    )
    around = nodes(svg)
    assert sorted(around) == ["#1 title 1", "#2 title 2", "#3 title 3"]
    assert "canonical" not in texts(svg)


def test_neighbourhood_hostile_labels() -> None:
    block = neighbourhood_svg(
        ref(1),
        hood(related=(ref(2), ref(3, "evil/repo"))),
        url_for=lambda r: f'../{r.number}/?a=1&b="2"',
        label_for=lambda r: f"{r} {HOSTILE}",
    )
    assert_embeddable(block)
    svg = svg_of(block)
    assert "<script" not in block
    assert "<img" not in block
    assert all(el.get("href", "").endswith('?a=1&b="2"') for el in svg.iter(f"{NS}a"))
    tooltips = [el.findtext(f"{NS}title") or "" for el in nodes(svg).values()]
    assert (
        "evil/repo#3 <script>alert('x')</script> & \"quotes\" *not emphasis* <img src=x onerror=alert(1)>"
        in tooltips
    )


def test_neighbourhood_ids_are_unique_per_issue_and_deterministic() -> None:
    a = neighbourhood_svg(ref(1), hood(related=(ref(2),)))
    b = neighbourhood_svg(ref(1, "other/repo"), hood(related=(ref(2),)))
    assert a == neighbourhood_svg(ref(1), hood(related=(ref(2),)))
    assert svg_of(a).get("id") != svg_of(b).get("id")
    assert svg_of(a).get("id") != svg_of(activity_chart([])).get("id") != svg_of(status_chart({})).get("id")


def test_neighbourhood_bytes_stay_small() -> None:
    """The diagram is on every analysis page: no per-element style, and about 380 bytes a linked node."""
    title = "An upstream title of typical length, sixty characters or so"
    block = neighbourhood_svg(
        ref(1143),
        hood(
            related=tuple(ref(n) for n in range(2000, 2011)),
            referenced_by=tuple(ref(n) for n in range(3000, 3010)),
        ),
        url_for=lambda r: f"../{r.number:04d}-some-slug-of-the-issue/",
        label_for=lambda r: f"#{r.number} {title}",
    )
    svg = svg_of(block)
    assert len(list(svg.iter(f"{NS}a"))) == 11  # eleven linked nodes and "+10 more"
    assert "style=" not in block
    assert len(block.encode()) < 5_000  # 4.8 KB; 10.5 KB with a style on every element


# --- as raw HTML in a Markdown page -------------------------------------------------------------


def test_blocks_pass_through_markdown_untouched() -> None:
    blocks = [
        activity_chart([("2024-01", 1, 2), ("2024-03", 2, 0)]),
        status_chart({HOSTILE: 1, "resolved": 2}),
        neighbourhood_svg(
            ref(1), hood(related=(ref(2),)), label_for=lambda r: f"#{r.number} *a* _b_ {HOSTILE}"
        ),
    ]
    page = "# Home\n\nSome *text*.\n\n" + "\nBetween.\n\n".join(blocks) + "\nThe end.\n"
    html = markdown.markdown(page, extensions=["attr_list", "md_in_html", "tables"])
    for block in blocks:
        assert block.strip() in html
    assert "<em>a</em>" not in html
    assert "<p><svg" not in html


# --- artifacts to look at -----------------------------------------------------------------------


def sample_blocks() -> dict[str, str]:
    months = [
        (f"{2023 + i // 12}-{i % 12 + 1:02d}", (i * 7) % 9, (i * 5) % 6) for i in range(30) if i % 7 != 3
    ]
    titles = {10: "Flash fails on ESP8285 <script>alert(1)</script>", 5: "Canonical & \"quoted\" 'title'"}
    neighbours = hood(
        duplicate_of=ref(10),
        canonical=ref(5),
        duplicates=tuple(ref(n) for n in range(100, 120)),
        related=(ref(20), ref(21), ref(3, "other/repo")),
        referenced_by=(ref(30), ref(31)),
        shares_commits_with=(ref(40),),
    )
    return {
        "activity": activity_chart(months),
        "status": status_chart(
            {"investigating": 12, "in-progress": 5, "paused": 1, "resolved": 40, "archived": 3}
        ),
        "neighbourhood": neighbourhood_svg(
            ref(1143),
            neighbours,
            url_for=lambda r: f"../{r.number:04d}/" if r.number % 2 == 0 else None,
            label_for=lambda r: (
                f"{r.short('acme/widget')} {titles.get(r.number, 'An upstream title of some length')}"
            ),
        ),
    }


def test_write_artifacts() -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    blocks = sample_blocks()
    for name, block in blocks.items():
        svg = block[block.index("<svg") : block.rindex("</svg>") + len("</svg>")]
        ET.fromstring(svg)
        (ARTIFACTS / f"{name}.svg").write_text(svg + "\n", encoding="utf-8")
    for scheme, page in page_html(blocks).items():
        (ARTIFACTS / f"{scheme}.html").write_text(page, encoding="utf-8")
    assert sorted(p.name for p in ARTIFACTS.glob("*.svg")) == [
        "activity.svg",
        "neighbourhood.svg",
        "status.svg",
    ]


#: Material's variables in its two schemes (default indigo palette) and the page background.
SCHEMES = {
    "light": (
        "--md-default-fg-color:#000000de;--md-typeset-a-color:#4051b5;color:#000000de",
        (255, 255, 255),
    ),
    "dark": (
        "--md-default-fg-color:hsla(225,15%,90%,.82);--md-typeset-a-color:#5488e8;color:hsla(225,15%,90%,.82)",
        (30, 33, 41),
    ),
}


#: The site's stylesheet, which gives the pictures their colours (the plugin adds it to every page).
STYLESHEET = REPO_ROOT / "scripts" / "issuekb" / "assets" / "issuekb.css"


def page_html(blocks: dict[str, str], *, stylesheet: bool = True) -> dict[str, str]:
    css = f"<style>{STYLESHEET.read_text(encoding='utf-8')}</style>" if stylesheet else ""
    pages = {}
    for scheme, (style, (r, g, b)) in SCHEMES.items():
        main = f"<main style='width:760px;padding:8px;background:rgb({r},{g},{b});{style}'>"
        pages[scheme] = (
            f"<!doctype html><html><head>{css}</head><body style='margin:0'>{main}"
            f"{''.join(blocks.values())}</main></body></html>"
        )
    return pages


def contrast(css: str, background: tuple[int, int, int]) -> float:
    """WCAG contrast ratio of a computed `rgb()`/`rgba()` colour drawn over `background`."""
    values = [float(v) for v in re.findall(r"[0-9.]+", css)]
    alpha = values[3] if len(values) > 3 else 1.0
    fg = [alpha * c + (1 - alpha) * bg for c, bg in zip(values[:3], background, strict=True)]

    def luminance(rgb: list[float] | tuple[int, ...]) -> float:
        linear = [
            (c / 255 / 12.92) if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb
        ]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(fg), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian's chromium is not installed")
def test_readable_in_both_schemes_and_scales_to_the_container() -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pages = page_html(sample_blocks())
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 800, "height": 1400})
            requests: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            for scheme, html in pages.items():
                page.set_content(html)
                widths = page.eval_on_selector_all(
                    "svg", "els => els.map(e => e.getBoundingClientRect().width)"
                )
                assert widths == [760, 760, 760]
                fills = page.eval_on_selector_all("svg text", "els => els.map(e => getComputedStyle(e).fill)")
                # Text follows the scheme: every label stands out from the page's background.
                background = SCHEMES[scheme][1]
                assert min(contrast(fill, background) for fill in fills) >= 4.5
                # Links take the colour Material gives links in this scheme.
                links = page.eval_on_selector_all(
                    "svg a text", "els => els.map(e => getComputedStyle(e).fill)"
                )
                link = re.search(r"--md-typeset-a-color:#(\w\w)(\w\w)(\w\w)", SCHEMES[scheme][0])
                assert link is not None
                assert links and set(links) == {
                    "rgb({}, {}, {})".format(*(int(h, 16) for h in link.groups()))
                }
                page.screenshot(path=str(ARTIFACTS / f"{scheme}.png"), full_page=True)
            # The colours come from the stylesheet: without it the text is black, unreadable in the
            # dark scheme, and the contrast check above would fail.
            page.set_content(page_html(sample_blocks(), stylesheet=False)["dark"])
            fills = page.eval_on_selector_all("svg text", "els => els.map(e => getComputedStyle(e).fill)")
            assert min(contrast(fill, SCHEMES["dark"][1]) for fill in fills) < 4.5
            assert requests == []
        finally:
            browser.close()
