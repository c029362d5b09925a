"""The same site with Zensical: `issuekb pages` composes the build folder, the real `zensical build
--strict` renders it, and the result is held against the MkDocs build of the same fixture (one build per
engine in this module)."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from issuekb.publish.config import derived_config, read_site_config
from linkcheck import broken_links, parse_page
from sitefixture import (
    ANALYSES,
    HOSTILE_TITLE,
    REPO_ROOT,
    ZENSICAL_BUILD,
    build_site,
    build_zensical,
    compose_pages,
    make_site_kb,
)

pytestmark = [pytest.mark.site, pytest.mark.xdist_group("zensical")]


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_site_kb(tmp_path_factory.mktemp("zensical-kb"))


@pytest.fixture(scope="module")
def zsite(kb: Path) -> Path:
    proc = build_zensical(kb)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return kb / ZENSICAL_BUILD / "site"


@pytest.fixture(scope="module")
def msite(kb: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("mkdocs-site")
    proc = build_site(kb, "--site-dir", str(out))
    assert proc.returncode == 0, proc.stderr
    return out


def page(site: Path, uri: str) -> str:
    return (site / uri / "index.html").read_text(encoding="utf-8")


def test_every_generated_page_is_there(zsite: Path) -> None:
    expected = [
        *(f"analyses/{folder}" for folder in ANALYSES),
        "analyses/0042-reload-crash/summary",
        "analyses",
        "status",
        *(f"status/{s}" for s in ("investigating", "in-progress", "paused", "resolved", "archived")),
        "tags",
        *(f"tags/{t}" for t in ("config", "crash", "logging", "security")),
        "duplicates",
        "guide",
        "",
    ]
    assert [uri for uri in expected if not (zsite / uri / "index.html").is_file()] == []
    assert (zsite / "analyses/0042-reload-crash/trace.txt").read_text() == "KeyError: 'port'\n"
    assert json.loads((zsite / "api/analyses.json").read_text(encoding="utf-8"))["count"] == 4
    assert "<title>#42 widgetd crashes on SIGHUP" in page(zsite, "analyses/0042-reload-crash")
    assert "2 analyses tagged" in page(zsite, "tags/crash")


def test_both_engines_publish_the_same_pages_and_files(zsite: Path, msite: Path) -> None:
    def published(site: Path) -> set[str]:
        return {
            p.relative_to(site).as_posix()
            for p in site.rglob("*")
            if p.suffix == ".html"
            or p.name in ("analyses.json", "trace.txt")
            or "assets/issuekb" in p.as_posix()
        }

    assert published(zsite) == published(msite)
    for name in ("api/analyses.json", "assets/issuekb/issuekb.js", "assets/issuekb/issuekb.css"):
        assert (zsite / name).read_bytes() == (msite / name).read_bytes(), name


def test_the_link_check_passes_on_both_engines(zsite: Path, msite: Path) -> None:
    assert broken_links(zsite, base_path="/widget/") == []
    assert broken_links(msite, base_path="/widget/") == []


def search_entries(site: Path, page_uri: str) -> list[tuple[str, str]]:
    """(location, title + text) of every search index entry of one page, with either engine's index."""
    mkdocs = site / "search" / "search_index.json"
    index = json.loads((mkdocs if mkdocs.exists() else site / "search.json").read_text(encoding="utf-8"))
    entries = index.get("docs") or index["items"]
    return [
        (e["location"], f"{e['title']} {e['text']}")
        for e in entries
        if e["location"].split("#")[0] == page_uri
    ]


def test_links_to_other_issues_stay_out_of_search_on_both_engines(zsite: Path, msite: Path) -> None:
    for site in (zsite, msite):
        canonical = search_entries(site, "analyses/0042-reload-crash/")
        words = " ".join(text for _, text in canonical)
        assert "zebrafinch" in words  # the analysis's own words are found
        # its links (a duplicate, a related issue) are not: a search for their titles finds their pages
        assert "Daemon exits" not in words and "logrotate restarts" not in words, site
        assert not any(
            loc.endswith(("#links-to-other-issues", "#duplicates", "#related")) for loc, _ in canonical
        )
        own = " ".join(text for _, text in search_entries(site, "analyses/0057-reload-crash-again/"))
        assert "Daemon exits after reload" in own


class _EditLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("rel") == "edit":
            self.found.append(values.get("href") or "")


def edit_links(site: Path) -> dict[str, list[str]]:
    """Every page's "Edit this page" links."""
    links = {}
    for html in sorted(site.rglob("*.html")):
        parser = _EditLinks()
        parser.feed(html.read_text(encoding="utf-8"))
        links[html.relative_to(site).as_posix()] = parser.found
    return links


def test_edit_links_open_the_same_files_on_both_engines(zsite: Path, msite: Path) -> None:
    zensical = edit_links(zsite)
    assert zensical == edit_links(msite)
    edit = "https://github.com/acme-fork/widget/edit/main/"
    assert zensical["analyses/0042-reload-crash/index.html"] == [
        f"{edit}analyses/0042-reload-crash/analysis.md"
    ]
    assert zensical["analyses/0042-reload-crash/summary/index.html"] == [
        f"{edit}analyses/0042-reload-crash/summary.md"
    ]
    assert zensical["guide/index.html"] == [f"{edit}docs/guide.md"]
    assert zensical["status/index.html"] == []


def test_the_home_page_has_its_summary_and_the_assets_are_loaded(zsite: Path) -> None:
    home = page(zsite, "")
    assert "Find your crash here." in home and "issuekb-counts" in home
    assert "issuekb:summary" not in home
    loads = {url.removeprefix("./") for _tag, url, _rel in parse_page(zsite / "index.html").loads}
    assert {"assets/issuekb/issuekb.css", "assets/issuekb/issuekb.js"} <= loads


def test_hostile_upstream_text_is_escaped(zsite: Path) -> None:
    text = page(zsite, "analyses/0101-hostile-title")
    assert "&lt;img src=x onerror=" in text
    assert not re.search(r"<img[^>]*onerror", text)
    assert HOSTILE_TITLE not in text


def test_nothing_is_loaded_from_other_hosts(zsite: Path) -> None:
    for html in zsite.rglob("*.html"):
        external = [url for _tag, url, _rel in parse_page(html).loads if re.match(r"(https?:)?//", url)]
        assert external == [], html


def test_nothing_is_generated_inside_docs(kb: Path, zsite: Path) -> None:
    assert sorted(p.name for p in (kb / "docs").iterdir()) == ["guide.md", "index.md"]
    assert "<!-- issuekb:summary -->" in (kb / "docs/index.md").read_text(encoding="utf-8")


def test_composing_is_deterministic(kb: Path, tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(kb, root, ignore=shutil.ignore_patterns("build", "site"))

    def tree() -> dict[str, bytes]:
        assert compose_pages(root).returncode == 0
        out = root / ZENSICAL_BUILD
        return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}

    first = tree()
    assert "docs/analyses/0042-reload-crash/index.md" in first
    assert tree() == first


def test_the_pages_exclude_docs_names_stay_out_of_the_build(kb: Path, tmp_path: Path) -> None:
    # the repository's mkdocs.yml keeps the tool's manual out of the readers' site (`/reference.md`, ...)
    root = tmp_path / "kb"
    shutil.copytree(kb, root, ignore=shutil.ignore_patterns("build", "site"))
    (root / "docs/reference.md").write_text("# The front matter reference\n")
    (root / "docs/guides").mkdir()
    (root / "docs/guides/reference.md").write_text("# A guide of the same name\n")  # anchored: kept
    assert compose_pages(root).returncode == 0
    docs = root / ZENSICAL_BUILD / "docs"
    assert not (docs / "reference.md").exists()
    assert (docs / "guides/reference.md").is_file() and (docs / "guide.md").is_file()


def _broken_copy(kb: Path, tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(kb, root, ignore=shutil.ignore_patterns("site"))
    broken = root / "analyses/0088-log-rotation/analysis.md"
    broken.write_text(broken.read_text().replace("status: investigating", "status: investigatin"))
    (root / "docs/duplicates.md").write_text("# My own duplicates page\n")
    return root


def test_an_error_stops_the_build_names_the_file_and_leaves_the_folder(
    kb: Path, zsite: Path, tmp_path: Path
) -> None:
    root = _broken_copy(kb, tmp_path)
    out = root / ZENSICAL_BUILD
    before = {p.relative_to(out).as_posix() for p in out.rglob("*")}
    proc = compose_pages(root)
    assert proc.returncode == 1
    assert "analyses/0088-log-rotation/analysis.md:" in proc.stderr
    assert "error[field-enum] Unknown status 'investigatin'" in proc.stderr
    assert "docs/duplicates.md:1:1: error[site-page-hidden]" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert {p.relative_to(out).as_posix() for p in out.rglob("*")} == before


def test_a_broken_link_in_a_hand_written_page_stops_zensical_without_a_traceback(
    kb: Path, tmp_path: Path
) -> None:
    root = tmp_path / "kb"
    shutil.copytree(kb, root, ignore=shutil.ignore_patterns("build", "site"))
    guide = root / "docs/guide.md"
    guide.write_text(guide.read_text() + "\nSee [the missing page](missing.md).\n")
    proc = build_zensical(root)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "guide.md" in proc.stdout + proc.stderr and "page does not exist" in proc.stdout + proc.stderr
    assert "paths above are relative to" in proc.stderr and "Traceback" not in proc.stderr


def test_a_folder_it_did_not_write_is_left_alone(kb: Path, tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(kb, root, ignore=shutil.ignore_patterns("build", "site"))
    mine = root / ZENSICAL_BUILD / "notes.txt"
    mine.parent.mkdir(parents=True)
    mine.write_text("mine\n")
    proc = compose_pages(root)
    assert proc.returncode == 2, proc.stderr
    assert "was not written by `issuekb pages`" in proc.stderr and "Traceback" not in proc.stderr
    assert mine.read_text() == "mine\n"
    assert sorted(p.name for p in mine.parent.iterdir()) == ["notes.txt"]


def test_the_derived_configuration(tmp_path: Path) -> None:
    (tmp_path / "overrides").mkdir()
    source = tmp_path / "mkdocs.yml"
    source.write_text(
        "site_name: !ENV [SITE_NAME, 'KB']\n"
        "docs_dir: pages\n"
        "site_dir: public\n"
        "theme: {name: material, custom_dir: overrides}\n"
        "extra_css: [own.css]\n"
        "markdown_extensions:\n"
        "  - pymdownx.superfences:\n"
        "      custom_fences:\n"
        "        - name: mermaid\n"
        "          format: !!python/name:pymdownx.superfences.fence_code_format\n"
        "plugins:\n"
        "  - search\n"
        "  - issuekb: {upstream: acme/widget}\n"
        "  - minify_html: {keep_closing_tags: true}\n",
        encoding="utf-8",
    )
    out = tmp_path / "build/zensical"
    text = derived_config(read_site_config(source), out, extra_css=["a.css"], extra_javascript=["a.js"])
    assert text.startswith("# Derived from ../../mkdocs.yml by `issuekb pages`")
    assert "site_name: !ENV\n- SITE_NAME\n- KB\n" in text
    assert "format: !!python/name:pymdownx.superfences.fence_code_format" in text
    data = yaml.load(text, Loader=yaml.BaseLoader)
    assert (data["docs_dir"], data["site_dir"]) == ("docs", "site")
    assert data["theme"]["custom_dir"] == "overrides"
    assert data["plugins"] == ["search", {"minify": {"minify_html": "true"}}]
    assert (data["extra_css"], data["extra_javascript"]) == (["own.css", "a.css"], ["a.js"])


def test_one_zensical_version_everywhere() -> None:
    pins = {
        "pyproject.toml": re.findall(r'"(zensical==[^"]+)"', (REPO_ROOT / "pyproject.toml").read_text()),
        "constraints.txt": re.findall(
            r"^(zensical==\S+)$", (REPO_ROOT / "constraints.txt").read_text(), re.M
        ),
        "scaffold Makefile": re.findall(
            r"'(zensical==[^']+)'", (REPO_ROOT / "scripts/issuekb/scaffold/Makefile").read_text()
        ),
    }
    assert pins == {name: ["zensical==0.0.73"] for name in pins}
