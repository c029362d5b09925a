"""`issuekb tracking`: writes, --check, exit codes, hostile upstream text, links, determinism."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from conftest import TODAY, write_file
from issuekb.cli import cli
from issuekb.config import Config, load_config
from issuekb.core.graph import build_graph
from issuekb.pipeline import load_kb
from issuekb.render.links import RepoLinks
from issuekb.render.tracking import GENERATED_MARKER, render_tracking
from issuekb.upstream.state import IssueState, RepoState, UpstreamState, dump_state

AddAnalysis = Callable[..., Path]
HOSTILE = (
    "Crash | when `x` <script>alert(1)</script>\n"
    "<img src=x onerror=alert(2)> [click](javascript:alert(3)) **bold** Don't & <!-- c --> \\| end"
)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["tracking", *args])
    return result.exit_code, result.stdout, result.stderr


def synced(issues: list[IssueState], repo: str = "acme/widget") -> UpstreamState:
    state = UpstreamState()
    state.repos[repo] = RepoState(
        repo,
        source="recorded:test.json",
        synced_at="2025-12-01T00:00:00Z",
        issues={i.number: i for i in issues},
    )
    return state


@pytest.fixture
def small_kb(add_analysis: AddAnalysis, kb_root: Path) -> Path:
    add_analysis(
        "0001-a",
        "issue: 1\ntitle: A fixed one\nstatus: resolved\nresolution: fixed\ncommits: [abcdef0]\nprs: [2]",
    )
    add_analysis(
        "0002-b", "issue: 2\ntitle: Same as A\nstatus: resolved\nresolution: duplicate\nduplicate_of: 1"
    )
    return kb_root


# -- writing -----------------------------------------------------------------------------------------
def test_writes_once_then_leaves_the_file_untouched(small_kb: Path) -> None:
    code, out, _ = run("--root", str(small_kb))
    target = small_kb / "TRACKING.md"
    assert (code, out) == (0, "Wrote TRACKING.md.\n")
    assert target.read_text(encoding="utf-8").startswith("# Issue tracking\n\n" + GENERATED_MARKER)
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    code, out, _ = run("--root", str(small_kb))
    assert (code, out) == (0, "TRACKING.md is up to date.\n")
    assert target.stat().st_mtime_ns == 1_000_000_000
    assert [p.name for p in small_kb.iterdir() if p.name.startswith(".TRACKING")] == []


def test_configured_tracking_file_and_links_relative_to_it(small_kb: Path) -> None:
    mkdocs = small_kb / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text(encoding="utf-8") + "      tracking_file: docs/status/TRACKING.md\n")
    assert run("--root", str(small_kb))[0] == 0
    text = (small_kb / "docs" / "status" / "TRACKING.md").read_text(encoding="utf-8")
    assert "](../../analyses/0001-a/analysis.md)" in text
    assert not (small_kb / "TRACKING.md").exists()


def test_check_reports_a_stale_file_with_a_diff_and_changes_nothing(small_kb: Path) -> None:
    target = small_kb / "TRACKING.md"
    code, out, err = run("--check", "--root", str(small_kb))
    assert code == 1 and "is stale" in err
    assert out.startswith("--- TRACKING.md (on disk)\n+++ TRACKING.md (generated)\n")
    assert not target.exists()

    assert run("--root", str(small_kb))[0] == 0
    good = target.read_text(encoding="utf-8")
    target.write_text(good.replace("A fixed one", "A hand-edited one"), encoding="utf-8")
    code, out, _ = run("--check", "--root", str(small_kb))
    assert code == 1
    assert "\n-| [#1](https://github.com/acme/widget/issues/1) | A hand-edited one |" in out
    assert "\n+| [#1](https://github.com/acme/widget/issues/1) | A fixed one |" in out
    assert "A hand-edited one" in target.read_text(encoding="utf-8")

    target.write_text(good, encoding="utf-8")
    assert run("--check", "--root", str(small_kb)) == (0, "TRACKING.md is up to date.\n", "")
    target.write_bytes(good.replace("\n", "\r\n").encode())  # a checkout with CRLF line ends
    assert run("--check", "--root", str(small_kb)) == (0, "TRACKING.md is up to date.\n", "")
    edited = good.replace("A fixed one", "A hand-edited one").replace("\n", "\r\n")
    target.write_bytes(edited.encode())  # its diff shows the edit alone, not every line ending
    code, out, _ = run("--check", "--root", str(small_kb))
    removed = [line for line in out.splitlines() if line.startswith("-") and not line.startswith("---")]
    assert code == 1 and "\r" not in out and removed and all("A hand-edited one" in r for r in removed)
    assert "\n-| [#1](https://github.com/acme/widget/issues/1) | A hand-edited one |" in out
    target.write_bytes(b"\xff\xfe not UTF-8")
    code, _, err = run("--check", "--root", str(small_kb))
    assert code == 2 and "cannot read TRACKING.md" in err


def test_could_not_run_exits_2_and_writes_nothing(
    tmp_path_factory: pytest.TempPathFactory, small_kb: Path
) -> None:
    code, _, err = run("--root", str(tmp_path_factory.mktemp("no-knowledge-base")))
    assert code == 2 and "no mkdocs.yml" in err

    (small_kb / "upstream-state.json").write_text('{"format": 1, "repos": ', encoding="utf-8")
    code, _, err = run("--root", str(small_kb))
    assert code == 2
    assert "upstream-state.json:1:24: error[state-json]" in err
    assert not (small_kb / "TRACKING.md").exists()

    (small_kb / "upstream-state.json").unlink()
    for folder in sorted((small_kb / "analyses").iterdir()):
        (folder / "analysis.md").unlink()
        folder.rmdir()
    (small_kb / "analyses").rmdir()
    code, _, err = run("--root", str(small_kb))
    assert code == 2 and "error[kb-missing]" in err
    assert not (small_kb / "TRACKING.md").exists()


def test_a_knowledge_base_with_errors_still_renders_and_says_so(
    add_analysis: AddAnalysis, kb_root: Path
) -> None:
    add_analysis("0001-a", "issue: 1\ntitle: Good\nstatus: investigating")
    add_analysis("0002-b", "issue: 2\ntitle: Bad\nstatus: resolved")  # no resolution: an error
    code, out, err = run("--root", str(kb_root))
    assert code == 0 and out == "Wrote TRACKING.md.\n"
    assert "analyses/0002-b/analysis.md:4:1: error[resolution-required]" in err
    assert "rendered from a knowledge base with 1 error(s)" in err
    text = (kb_root / "TRACKING.md").read_text(encoding="utf-8")
    assert "[#2](https://github.com/acme/widget/issues/2) | Bad |" in text


# -- rendering ---------------------------------------------------------------------------------------
def render(config: Config, state: UpstreamState) -> str:
    kb, _ = load_kb(config, today=TODAY, git=False)
    return render_tracking(kb, build_graph(kb), state, RepoLinks(config))


class _Tags(HTMLParser):
    """Every start tag and attribute name, the text, and the text of each table cell by row."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[str] = []
        self.rows: list[list[str]] = []
        self.text: list[str] = []
        self.in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(name for name, _ in attrs)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.rows[-1].append("")
            self.in_cell = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self.in_cell = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self.in_cell:
            self.rows[-1][-1] += data


def _html_of(text: str, renderer: str) -> _Tags:
    if renderer == "commonmark":  # what GitHub follows (with tables and raw HTML allowed)
        html = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    else:  # what the MkDocs site uses
        html = markdown.markdown(text, extensions=["tables"])
    parser = _Tags()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("renderer", ["commonmark", "python-markdown"])
def test_hostile_upstream_text_renders_as_text(
    renderer: str, add_analysis: AddAnalysis, kb_config: Config
) -> None:
    add_analysis(
        "0001-a", "issue: 1\ntitle: 'Ours | has a pipe'\nstatus: investigating\nanalyzed: 2025-01-01"
    )
    issue = IssueState(
        1,
        HOSTILE,
        "closed",
        "<b>x</b>",
        labels=["<img src=y onerror=alert(4)>", "a|b"],
        updated_at="2025-02-01`<i>",
        previous_title="Ours | has a pipe",
        title_changed_at="2025-02-01T00:00:00Z",
    )
    text = render(kb_config, synced([issue]))
    parsed = _html_of(text, renderer)
    assert not {"script", "img", "b", "i", "strong"} & set(parsed.tags)
    assert "onerror" not in parsed.attrs and "src" not in parsed.attrs
    assert not any(href.startswith("javascript") for href in re.findall(r'href="([^"]*)"', text))
    upstream = [row[3] for row in parsed.rows if len(row) == 8 and row[0] == "#1"]
    assert upstream == ["closed (<b>x</b>) · <img src=y onerror=alert(4)>, a|b"]
    shown = re.sub(r"\s+", " ", "".join(parsed.text))
    assert re.sub(r"\s+", " ", HOSTILE) in shown
    assert "<img src=y onerror=alert(4)>, a|b" in shown
    assert "Ours | has a pipe" in shown


def test_main_table_rows_keep_their_columns(add_analysis: AddAnalysis, kb_config: Config) -> None:
    add_analysis("0001-a", "issue: 1\ntitle: 'a | b | c'\nstatus: investigating")
    text = render(kb_config, synced([IssueState(1, "x|y\n|z", labels=["p|q"])]))
    parsed = _html_of(text.split("## Issues of acme/widget", 1)[1].split("\n## ", 1)[0], "commonmark")
    assert parsed.rows == [
        ["Issue", "Title", "Status", "Upstream", "Resolution", "Fix commits", "Fork PRs", "Analysis"],
        ["#1", "a | b | c", "🔍 investigating", "open · p|q", "—", "—", "—", "0001-a"],
    ]


def test_same_inputs_same_bytes(small_kb: Path, kb_config: Config) -> None:
    state = synced([IssueState(1, "A fixed one", updated_at="2025-03-01T00:00:00Z")])
    first = render(kb_config, state)
    # the same knowledge base written in another order, and the state file round-tripped
    other = small_kb.parent / "other"
    write_file(other / "mkdocs.yml", (small_kb / "mkdocs.yml").read_text(encoding="utf-8"))
    for folder in ("0002-b", "0001-a"):
        write_file(
            other / "analyses" / folder / "analysis.md",
            (small_kb / "analyses" / folder / "analysis.md").read_text(encoding="utf-8"),
        )
    write_file(other / "upstream-state.json", dump_state(state))
    assert run("--root", str(other))[0] == 0
    assert (other / "TRACKING.md").read_text(encoding="utf-8") == first
    assert "2025-12-01T00:00:00Z" in first


def test_links_without_a_fork_show_plain_shas(add_analysis: AddAnalysis, kb_root: Path) -> None:
    (kb_root / "mkdocs.yml").write_text(
        "site_name: x\nplugins:\n  - issuekb:\n      upstream: acme/widget\n", encoding="utf-8"
    )
    add_analysis(
        "0001-a", "issue: 1\ntitle: A\nstatus: resolved\nresolution: fixed\ncommits: [abcdef0]\nprs: [5]"
    )
    text = render(load_config(kb_root), UpstreamState())
    assert "| `abcdef0` | #5 |" in text
    assert "/commit/" not in text and "/pull/" not in text
