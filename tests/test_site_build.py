"""The site, built for real: `mkdocs build --strict` over a fixture knowledge base with the repository's
own mkdocs.yml, then the pages, their links and the JSON export are read back from `site/`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from htmlcanon import canonical
from issuekb.config import DEFAULTS, load_config
from issuekb.core.graph import build_graph
from issuekb.pipeline import load_kb
from issuekb.plugin import IssueKBOptions, IssueKBPlugin
from issuekb.render.site import render_site
from issuekb.upstream.state import load_state
from linkcheck import broken_links, parse_page, primary_nav_links
from sitefixture import ANALYSES, HOSTILE_TITLE, REPO_ROOT, build_site, make_site_kb

pytestmark = [pytest.mark.site, pytest.mark.xdist_group("site")]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    root = make_site_kb(tmp_path_factory.mktemp("site-kb"))
    proc = build_site(root)
    assert proc.returncode == 0, proc.stderr
    return root, proc


@pytest.fixture(scope="module")
def site(built: tuple[Path, subprocess.CompletedProcess[str]]) -> Path:
    return built[0] / "site"


def html(site: Path, page: str) -> str:
    """The built page, in the canonical spelling of `htmlcanon` (the site is minified)."""
    return canonical((site / page / "index.html").read_text(encoding="utf-8"))


def hrefs(site: Path, page: str) -> list[str]:
    return [url for _tag, url in parse_page(site / page / "index.html").links]


def test_every_generated_page_is_there(site: Path) -> None:
    expected = [
        *(f"analyses/{folder}" for folder in ANALYSES),
        "analyses/0042-reload-crash/summary",
        "analyses",
        "status",
        *(f"status/{s}" for s in ("investigating", "in-progress", "paused", "resolved", "archived")),
        "tags",
        *(f"tags/{t}" for t in ("config", "crash", "logging", "security")),
        "duplicates",
        "",
    ]
    missing = [page for page in expected if not (site / page / "index.html").is_file()]
    assert missing == []
    assert (site / "analyses/0042-reload-crash/trace.txt").read_text() == "KeyError: 'port'\n"
    assert (site / "assets/issuekb/issuekb.js").is_file()
    assert (site / "assets/issuekb/issuekb.css").is_file()
    assert not (site / "analyses/0042-reload-crash/analysis").exists()


def test_analysis_page_has_the_metadata_panel(site: Path) -> None:
    page = html(site, "analyses/0042-reload-crash")
    panel = page[page.index('class="issuekb-meta"') :]
    panel = panel[: panel.index("</table>")]
    assert 'class="issuekb-badge issuekb-status-resolved">resolved<' in panel
    assert "· fixed" in panel
    assert 'class="issuekb-badge issuekb-upstream-closed">closed upstream (completed)<' in panel
    assert "· as of 2025-11-30" in panel
    assert 'href="https://github.com/acme/widget/issues/42"' in panel
    assert 'href="../../commits/4f1c2ab/"' in panel  # the commit's page lists every analysis it fixes
    assert 'href="https://github.com/acme-fork/widget/pull/3"' in panel
    assert 'href="https://github.com/lenaviolet"' in panel
    assert "reported 2024-05-14 · analyzed 2024-05-20 · resolved 2024-06-01" in panel
    assert 'href="../../tags/crash/"' in panel and 'href="../../tags/config/"' in panel
    assert 'href="summary/"' in panel
    assert "<title>#42 widgetd crashes on SIGHUP when the config file has a BOM" in page
    assert (
        'href="https://github.com/acme-fork/widget/edit/main/analyses/0042-reload-crash/analysis.md"' in page
    )


def test_analysis_body_is_linked_and_fitted(site: Path) -> None:
    page = html(site, "analyses/0042-reload-crash")
    assert len(re.findall(r"<h1\b", page)) == 1  # the body's own level-1 heading moved down a level
    assert re.search(r"<h2 id=\"issue-42-the-reload-crash\"", page)
    assert '<a href="../0057-reload-crash-again/">#57</a>' in page  # a mention
    assert '<a href="../0057-reload-crash-again/">duplicate\'s own page</a>' in page  # analysis.md link
    assert "<code>#99</code>" in page  # inline code stays code
    assert not re.search(r"<a [^>]*>#99</a>", page)
    assert '<a href="trace.txt">The trace</a>' in page


def test_graph_sections_and_diagram(site: Path) -> None:
    canonical = html(site, "analyses/0042-reload-crash")
    assert re.search(
        r'<h3 [^>]*id="duplicates">Duplicates<.*?</h3>\s*<ul>\s*<li><a href="../0057-reload-crash-again/">#57</a>',
        canonical,
    )
    assert "log rotation sends the SIGHUP that triggers it" in canonical  # the note of a related issue
    diagram = canonical[canonical.index('<div class="issuekb-links"') :]
    assert diagram.index('<a href="../0057-reload-crash-again/"><i>duplicate</i> #57') < diagram.index(
        "</ul>"
    )
    assert "issuekb-chart" not in canonical  # the diagram is HTML (no SVG): one layout, re-laid out by CSS

    duplicate = html(site, "analyses/0057-reload-crash-again")
    notice = duplicate[duplicate.index('class="admonition note"') :][:400]
    assert 'This issue is a duplicate of <a href="../0042-reload-crash/">#42</a>' in notice
    assert '(inherited from <a href="../0042-reload-crash/">#42</a>)' in duplicate

    logging = html(site, "analyses/0088-log-rotation")
    referenced = logging[logging.index('id="referenced-by"') :]
    assert '<a href="../0101-hostile-title/">#101</a>' in referenced
    assert (
        '<a href="https://github.com/acme/widget/issues/4242">#4242</a>' in logging
    )  # no analysis: upstream
    assert "An issue nobody analysed" not in logging  # only mentioned in the body, not a graph link


def test_companion_is_a_sub_page(site: Path) -> None:
    page = html(site, "analyses/0042-reload-crash/summary")
    assert "Summary" in page and "<code>utf-8-sig</code>" in page
    assert "../" in hrefs(site, "analyses/0042-reload-crash/summary")  # back to the analysis
    assert (
        'href="https://github.com/acme-fork/widget/edit/main/analyses/0042-reload-crash/summary.md"' in page
    )


def test_hostile_upstream_text_is_escaped(site: Path) -> None:
    page = html(site, "analyses/0101-hostile-title")
    assert "onerror" in page  # it is shown...
    assert not re.search(r"<img[^>]*onerror", page)  # ...as text, never as an element
    assert "&lt;img src=x onerror=" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page
    assert HOSTILE_TITLE not in page


def test_listing_pages(site: Path) -> None:
    resolved = html(site, "status/resolved")
    assert 'class="issuekb-listing"' in resolved
    assert (
        "../../analyses/0042-reload-crash/" in resolved
        and "../../analyses/0057-reload-crash-again/" in resolved
    )
    assert "0088-log-rotation" not in resolved
    investigating = html(site, "status/investigating")
    assert "../../analyses/0088-log-rotation/" in investigating and "0042-reload-crash" not in investigating
    assert "No analyses here yet" in html(site, "status/archived")
    everything = html(site, "analyses")
    assert all(f'href="{folder}/"' in everything for folder in ANALYSES)


def test_tag_pages_list_analyses_only(site: Path) -> None:
    crash = html(site, "tags/crash")
    assert "2 analyses tagged" in crash
    assert (
        '"../../analyses/0042-reload-crash/"' in crash
        and '"../../analyses/0057-reload-crash-again/"' in crash
    )
    assert "0088-log-rotation" not in crash
    article = crash[crash.index("<article") : crash.index("</article>")]
    assert "guide/" not in article and "md-tag" not in article.split("<table", 1)[0]  # no chips, no 2nd list
    index = html(site, "tags")
    for tag, count in (("config", 1), ("crash", 2), ("logging", 1), ("security", 1)):
        assert re.search(rf'<a href="{tag}/">{tag}</a></td>\s*<td>{count}</td>', index), tag


def test_duplicates_and_board(site: Path) -> None:
    duplicates = html(site, "duplicates")
    assert "1 issue duplicates 1 canonical issue." in duplicates
    assert '<a href="../analyses/0057-reload-crash-again/">#57</a>' in duplicates
    board = hrefs(site, "status")
    assert "../analyses/0042-reload-crash/" in board
    assert not [url for url in board if url.endswith("analysis.md")]


def test_home_shows_the_summary(site: Path) -> None:
    home = html(site, "")
    assert "issuekb:summary" not in home
    assert re.search(r'<span class="issuekb-count">4</span> <a href="analyses/">analyses</a>', home)
    assert re.search(
        r'<span class="issuekb-count">2</span> <a href="status/resolved/">resolved \(50%\)</a>', home
    )
    assert re.search(r'<span class="issuekb-count">1</span> <a href="duplicates/">duplicate</a>', home)
    assert "Upstream state as of 2025-11-30 (the last sync that changed it)." in home
    assert home.count("<svg") >= 2


def test_navigation_lists_listing_pages_never_analyses(site: Path) -> None:
    pages = sorted(site.rglob("index.html"))
    assert len(pages) > 15
    for page in pages:
        nav = primary_nav_links(page)
        assert nav, page
        assert not [url for url in nav if re.search(r"analyses/\d{4}-", url)], page
    nav = primary_nav_links(site / "index.html")
    assert {"status/resolved/", "tags/", "duplicates/", "analyses/"} <= set(nav)


def test_no_broken_internal_link(site: Path) -> None:
    assert broken_links(site, base_path="/widget/") == []


def test_link_checker_finds_broken_links(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a/index.html").write_text(
        '<p id="x"></p><a href="../b/">b</a><a href="#x">x</a><a href="#y">y</a>'
    )
    (tmp_path / "index.html").write_text('<a href="a/">a</a><a href="javascript:alert(1)">j</a>')
    assert broken_links(tmp_path) == [
        "a/index.html: ../b/ (no such file)",
        "a/index.html: #y (no id 'y' in a/index.html)",
        "index.html: javascript:alert(1) (scheme 'javascript' in <a>)",
    ]


def test_canonical_spelling_of_minified_markup() -> None:
    minified = (
        "<!doctype html><p class=a data-x>1 &lt; 2 &amp; 3<br><a href=../x/ title='say \"hi\"'>#5</a>"
        "<script>if(a<b&&c)f()</script><svg><rect x=1 /></svg><!-- kept -->"
    )
    assert canonical(minified) == (
        '<!doctype html><p class="a" data-x>1 &lt; 2 &amp; 3<br><a href="../x/" title="say &quot;hi&quot;">#5</a>'
        '<script>if(a<b&&c)f()</script><svg><rect x="1"/></svg><!-- kept -->'
    )


def test_nothing_is_loaded_from_other_hosts(site: Path) -> None:
    for page in site.rglob("*.html"):
        external = [url for tag, url, rel in parse_page(page).loads if re.match(r"(https?:)?//", url)]
        assert external == [], page


def test_json_export(site: Path) -> None:
    text = (site / "api/analyses.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert text == json.dumps(data, separators=(",", ":"), sort_keys=True, ensure_ascii=False) + "\n"
    assert text.count("\n") == 1  # compact: one line
    assert (data["format"], data["upstream"], data["fork"], data["count"]) == (
        1,
        "acme/widget",
        "acme-fork/widget",
        4,
    )
    records = {r["ref"]: r for r in data["analyses"]}
    assert list(records) == ["acme/widget#42", "acme/widget#57", "acme/widget#88", "acme/widget#101"]
    crash = records["acme/widget#42"]
    assert crash["duplicates"] == ["acme/widget#57"]
    assert crash["related"] == [
        {"ref": "acme/widget#88", "note": "log rotation sends the SIGHUP that triggers it"}
    ]
    assert (crash["commits"], crash["prs"], crash["reported"]) == (["4f1c2ab"], [3], "2024-05-14")
    assert crash["upstream"]["state"] == "closed" and crash["upstream"]["synced_at"] == "2025-11-30T08:00:00Z"
    assert crash["companions"] == ["summary"]
    assert crash["source"] == "analyses/0042-reload-crash/analysis.md"
    assert crash["page"] == "analyses/0042-reload-crash/"
    assert (site / crash["page"] / "index.html").is_file()
    duplicate = records["acme/widget#57"]
    assert duplicate["duplicate_of"] == duplicate["canonical"] == "acme/widget#42"
    assert records["acme/widget#101"]["upstream"]["title"] == HOSTILE_TITLE
    assert records["acme/widget#88"]["referenced_by"] == ["acme/widget#101"]


def test_rendering_is_deterministic(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    config = load_config(built[0])
    outputs = []
    for _ in range(2):
        kb, _diags = load_kb(config)
        state, _ = load_state(config.state_file)
        site = render_site(kb, build_graph(kb), state)
        outputs.append([(page.uri, page.content) for page in site.pages] + [("summary", site.summary)])
    assert outputs[0] == outputs[1]
    assert (built[0] / "site/api/analyses.json").read_text(encoding="utf-8") == dict(outputs[0])[
        "api/analyses.json"
    ]


def test_plugin_options_mirror_the_configuration_defaults() -> None:
    options = IssueKBOptions()
    assert {name: option.default for name, option in options._schema} == DEFAULTS
    assert all(getattr(IssueKBOptions, name, None) is not None for name in DEFAULTS)


def test_serve_watches_the_analyses_and_the_state_folder(
    built: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    root = built[0]
    plugin = IssueKBPlugin()
    plugin.kb_config = load_config(root)

    class Recorder:
        def __init__(self) -> None:
            self.watched: list[tuple[str, bool]] = []

        def watch(self, path: str, *, recursive: bool = True) -> None:
            self.watched.append((path, recursive))

    server = Recorder()
    assert plugin.on_serve(server, config=None, builder=None) is server
    assert server.watched == [(str(root / "analyses"), True), (str(root), False)]


def test_strict_build_fails_on_a_broken_analysis_and_names_it(
    built: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    root = tmp_path / "kb"
    shutil.copytree(built[0], root, ignore=shutil.ignore_patterns("site"))
    broken = root / "analyses/0088-log-rotation/analysis.md"
    broken.write_text(broken.read_text().replace("status: investigating", "status: investigatin"))
    (root / "docs/duplicates.md").write_text("# My own duplicates page\n")
    proc = build_site(root)
    assert proc.returncode != 0
    errors = [d for d in load_kb(load_config(root))[1] if d.severity == "error"]
    assert [d.path for d in errors] == ["analyses/0088-log-rotation/analysis.md"]
    for d in errors:  # the same diagnostics as `issuekb check`, with file, line and rule
        assert f"WARNING -  issuekb: {d.location}: error[{d.code}] {d.message}" in proc.stderr, proc.stderr
    assert "Unknown status 'investigatin'" in proc.stderr
    assert "duplicates.md in " in proc.stderr and "hides the page issuekb generates there" in proc.stderr
    assert "Aborted with 2 warnings in strict mode" in proc.stdout + proc.stderr


@pytest.mark.slow
def test_the_repository_site_builds_without_a_warning(tmp_path: Path) -> None:
    proc = build_site(REPO_ROOT, "--site-dir", str(tmp_path / "site"))
    assert proc.returncode == 0, proc.stderr
    assert broken_links(tmp_path / "site", base_path="/tuya-convert/") == []


def test_the_whole_site_is_the_same_bytes_when_built_again(
    built: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    root, _ = built
    proc = build_site(root, "--site-dir", str(tmp_path / "again"))
    assert proc.returncode == 0, proc.stderr
    first = {p.relative_to(root / "site"): p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    second = {
        p.relative_to(tmp_path / "again"): p.read_bytes()
        for p in (tmp_path / "again").rglob("*")
        if p.is_file()
    }
    assert sorted(first) == sorted(second)
    assert [name for name in sorted(first) if first[name] != second[name]] == []


def _synthetic_kb(root: Path, n: int) -> Path:
    """`n` analyses in a chain: each related to the one before and mentioning the one after."""
    make_site_kb(root)
    shutil.rmtree(root / "analyses")
    (root / "upstream-state.json").unlink()
    for i in range(1, n + 1):
        related = f"related: [{i - 1}]\n" if i > 1 else ""
        text = (
            f"---\nissue: {i}\ntitle: Synthetic issue {i}\nstatus: {'resolved' if i % 2 else 'investigating'}\n"
            f"{'resolution: fixed' if i % 2 else ''}\n{related}tags: [t{i % 3}]\n---\n"
            f"## Problem\n\nSomething about issue {i}; see #{i + 1}.\n"
        )
        path = root / "analyses" / f"{i:04d}-synthetic-{i}" / "analysis.md"
        path.parent.mkdir(parents=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.mark.slow
def test_pages_do_not_grow_with_the_number_of_analyses(tmp_path: Path) -> None:
    sizes = {}
    for n in (12, 150):
        root = _synthetic_kb(tmp_path / str(n), n)
        proc = build_site(root)
        assert proc.returncode == 0, proc.stderr
        site = root / "site"
        sizes[n] = {
            page: (site / page / "index.html").read_bytes() for page in ("guide", "analyses/0005-synthetic-5")
        }
    # the same page, byte for byte, whether the knowledge base holds 12 analyses or 150: nothing on it
    # (navigation included) lists every analysis, so the site grows linearly, not quadratically
    assert sizes[12] == sizes[150]


def test_a_bad_plugin_option_stops_the_build_with_a_message(
    built: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    root = tmp_path / "kb"
    shutil.copytree(built[0], root, ignore=shutil.ignore_patterns("site"))
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("upstream: acme/widget", "upstream: not a repository"))
    proc = build_site(root)
    assert proc.returncode == 1
    assert "issuekb: issuekb option 'upstream' must be 'owner/name', got 'not a repository'" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert not (root / "site").exists()
