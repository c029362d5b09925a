"""The inline SVG pictures: well-formed, embeddable in Markdown, escaped, deterministic, bounded."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import markdown
import pytest

from conftest import REPO_ROOT
from issuekb.render.charts import activity_chart, fill_months, status_chart
from issuekb.render.stats import Count, MonthCount

NS = "{http://www.w3.org/2000/svg}"
ARTIFACTS = REPO_ROOT / "test-artifacts" / "charts"
HOSTILE = "<script>alert('x')</script> & \"quotes\"\n\n    *not emphasis* \x00 <img src=x onerror=alert(1)>"


def svg_of(block: str) -> ET.Element:
    """Parse the block (it must be well-formed XML) and check what every picture must be."""
    root = ET.fromstring(block)
    assert root.tag == "div"
    assert "data-search-exclude" in root.attrib
    (svg,) = list(root)
    assert svg.tag == f"{NS}svg"
    assert svg.get("width") == "100%"
    assert re.fullmatch(r"0 0 [0-9.]+ [0-9.]+", svg.get("viewBox", ""))
    assert svg.get("role") == "img"
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


# --- as raw HTML in a Markdown page -------------------------------------------------------------


def test_blocks_pass_through_markdown_untouched() -> None:
    blocks = [
        activity_chart([("2024-01", 1, 2), ("2024-03", 2, 0)]),
        status_chart({HOSTILE: 1, "resolved": 2}),
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
    return {
        "activity": activity_chart(months),
        "status": status_chart(
            {"investigating": 12, "in-progress": 5, "paused": 1, "resolved": 40, "archived": 3}
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
    assert sorted(p.name for p in ARTIFACTS.glob("*.svg")) == ["activity.svg", "status.svg"]


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
                assert widths == [760, 760]
                fills = page.eval_on_selector_all("svg text", "els => els.map(e => getComputedStyle(e).fill)")
                # Text follows the scheme: every label stands out from the page's background.
                background = SCHEMES[scheme][1]
                assert min(contrast(fill, background) for fill in fills) >= 4.5
                page.screenshot(path=str(ARTIFACTS / f"{scheme}.png"), full_page=True)
            # The colours come from the stylesheet: without it the text is black, unreadable in the
            # dark scheme, and the contrast check above would fail.
            page.set_content(page_html(sample_blocks(), stylesheet=False)["dark"])
            fills = page.eval_on_selector_all("svg text", "els => els.map(e => getComputedStyle(e).fill)")
            assert min(contrast(fill, SCHEMES["dark"][1]) for fill in fills) < 4.5
            assert requests == []
        finally:
            browser.close()
