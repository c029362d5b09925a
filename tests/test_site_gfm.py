"""Markdown written for GitHub reads the same on the built site.

For every analysis of the repository (and its companion pages) and for the GitHub-style fixtures in
tests/gfm/, the lists that a CommonMark parser (markdown-it-py, reading the file as GitHub does) finds in
the body are the lists on the page that a real `mkdocs build --strict` writes: same kind, same number of
items, same first number, same depth, in the same order. So no list item is lost and no numbered list is
split. The build uses the repository's mkdocs.yml (its Markdown extensions included).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from gfmlists import github_lists, page_lists
from sitefixture import DOCS, REPO_ROOT, STATE, ZENSICAL_BUILD, build_site, build_zensical, write_mkdocs_yml

pytestmark = [pytest.mark.site, pytest.mark.xdist_group("zensical")]

TESTS = Path(__file__).resolve().parent
GFM = TESTS / "gfm"
#: The fixtures, as analyses of the fixture knowledge base: folder -> front matter.
FIXTURES = {
    "9001-github-style": (
        "gfm/github-style.md",
        'issue: 9001\ntitle: "Written for GitHub"\nstatus: investigating',
    ),
    "9002-hand-kept": (
        "gfm/hand-kept.md",
        'issue: 9002\ntitle: "The daemon refuses to start after an upgrade"\nstatus: resolved\n'
        "resolution: duplicate\nduplicate_of: 9001",
    ),
    # the hand-kept analysis this project started from, as tests/fixtures/seed-1159 rewrites it
    "9003-seed-1159": (
        "fixtures/seed-1159/analysis.md",
        'issue: 9003\ntitle: "error: This environment is externally managed"\nstatus: investigating',
    ),
}


def _body(path: Path) -> str:
    """The file after its front matter (a companion page has none)."""
    text = path.read_text(encoding="utf-8")
    return text.split("\n---\n", 1)[1] if text.startswith("---\n") else text


@pytest.fixture(scope="module")
def gfm_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's analyses and the fixtures, built into a site with the repository's mkdocs.yml."""
    root = tmp_path_factory.mktemp("gfm-kb")
    shutil.copytree(REPO_ROOT / "analyses", root / "analyses")
    for folder, (name, front) in FIXTURES.items():
        target = root / "analyses" / folder / "analysis.md"
        target.parent.mkdir(parents=True)
        target.write_text(
            f"---\n{front}\n---\n" + (TESTS / name).read_text(encoding="utf-8"), encoding="utf-8"
        )
    for rel, text in DOCS.items():
        (root / "docs").mkdir(exist_ok=True)
        (root / "docs" / rel).write_text(text, encoding="utf-8")
    (root / "upstream-state.json").write_text(json.dumps(STATE), encoding="utf-8")
    write_mkdocs_yml(root)
    proc = build_site(root)
    assert proc.returncode == 0, proc.stderr
    return root


@pytest.fixture(scope="module")
def gfm_zensical(gfm_site: Path) -> Path:
    """The same knowledge base built with Zensical (`make site ENGINE=zensical`)."""
    proc = build_zensical(gfm_site)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return gfm_site / ZENSICAL_BUILD / "site"


def _pages(root: Path, site: Path) -> list[tuple[Path, Path]]:
    """(Markdown file, built page) for every analysis and companion of the fixture knowledge base."""
    pairs = []
    for source in sorted((root / "analyses").glob("*/*.md")):
        folder = source.parent.name
        built = site / "analyses" / folder
        page = built / "index.html" if source.name == "analysis.md" else built / source.stem / "index.html"
        pairs.append((source, page))
    return pairs


def test_every_page_keeps_githubs_lists(gfm_site: Path) -> None:
    _assert_githubs_lists(gfm_site, gfm_site / "site")


def test_every_page_keeps_githubs_lists_with_zensical(gfm_site: Path, gfm_zensical: Path) -> None:
    _assert_githubs_lists(gfm_site, gfm_zensical)


def _assert_githubs_lists(gfm_site: Path, site: Path) -> None:
    pages = _pages(gfm_site, site)
    assert len(pages) >= len(list((REPO_ROOT / "analyses").glob("*/analysis.md"))) + len(FIXTURES)
    lost = split = 0
    report = []
    for source, page in pages:
        expected = github_lists(_body(source))
        found = page_lists(page.read_text(encoding="utf-8"))
        lost += sum(n for _, n, _, _ in expected) - sum(n for _, n, _, _ in found)
        split += sum(1 for k, *_ in found if k == "ol") - sum(1 for k, *_ in expected if k == "ol")
        if found != expected:
            report.append(f"{source.relative_to(gfm_site)}:\n  GitHub {expected}\n  site   {found}")
    assert (lost, split) == (0, 0), "\n".join(report)
    assert report == [], "\n".join(report)


def test_the_fixtures_hold_what_python_markdown_reads_otherwise() -> None:
    """The fixtures are a real test: lists after paragraphs, 2-space nesting, code in numbered steps."""
    text = (GFM / "github-style.md").read_text(encoding="utf-8") + (GFM / "hand-kept.md").read_text(
        encoding="utf-8"
    )
    assert (
        ":\n- " in text and "\n  - " in text and "\n   ```" in text and "- [ ] " in text and "|---|" in text
    )
    shapes = github_lists(text)
    assert any(depth == 3 for *_, depth in shapes)
    assert any(kind == "ol" and start > 1 for kind, _, start, _ in shapes)


def test_a_task_list_and_strikethrough_render_as_on_github(gfm_site: Path) -> None:
    html = (gfm_site / "site" / "analyses" / "9001-github-style" / "index.html").read_text(encoding="utf-8")
    assert len(re.findall(r"<li class=task-list-item><label class=task-list-control><input", html)) == 4
    assert "<del>struck</del>" in html
    assert "<a href=https://example.org/issue>" in html
    assert "backslash<br>" in html


def test_pull_request_mentions_lead_to_the_forks_pull_requests(gfm_site: Path) -> None:
    html = (gfm_site / "site" / "analyses" / "9002-hand-kept" / "index.html").read_text(encoding="utf-8")
    assert html.count("<a href=https://github.com/acme-fork/widget/pull/4>#4</a>") == 3
    assert "pull request <a href=https://github.com/acme-fork/widget/pull/5>#5</a>" in html
    assert "widget/issues/4" not in html and "widget/issues/5" not in html


def test_a_heading_repeating_the_title_is_not_shown_twice(gfm_site: Path) -> None:
    html = (gfm_site / "site" / "analyses" / "9002-hand-kept" / "index.html").read_text(encoding="utf-8")
    assert len(re.findall(r"<h[1-6][ >]", html.split("<h2 id=summary")[0])) == 1
    assert "Issue #9002" not in html
