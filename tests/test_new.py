"""`issuekb new` and `make new`: the template filled from what is known, and every refusal."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import stat
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conftest import REPO_ROOT, TODAY, write_file
from fakegithub import FakeGitHub
from issuekb.authoring.new import Prefill, check_repo, check_slug, fill_analysis, parse_issue, slugify
from issuekb.cli import cli
from issuekb.config import load_config
from issuekb.core.document import load_document
from issuekb.core.refs import IssueRef
from issuekb.core.schema import PLACEHOLDERS, TEMPLATE_MARKER
from issuekb.diagnostics import Severity
from issuekb.pipeline import load_kb
from issuekb.upstream.state import IssueState, UpstreamState, dump_state

SECTIONS = [
    "Executive summary",
    "Problem",
    "Technical analysis",
    "Proposed solution",
    "Testing",
    "Related work",
]


@pytest.fixture
def root(kb_root: Path) -> Path:
    """A knowledge base (upstream acme/widget) with the project's real templates."""
    shutil.copytree(REPO_ROOT / "templates", kb_root / "templates")
    return kb_root


def run(root: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["new", *args, "--root", str(root), "--today", TODAY.isoformat()], env=env)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def write_state(root: Path, *issues: IssueState, repo: str = "acme/widget") -> None:
    state = UpstreamState()
    for issue in issues:
        state.repo(repo).issues[issue.number] = issue
    write_file(root / "upstream-state.json", dump_state(state))


def check(root: Path) -> list[tuple[str, str, str]]:
    _, diags = load_kb(load_config(root), today=TODAY, git=False)
    return [(d.severity.value, d.code, d.message) for d in diags]


SYNCED = IssueState(
    number=1159,
    title="error: This environment is externally managed",
    author="ricardopretrazy",
    created_at="2025-04-01T00:00:00Z",
    html_url="https://github.com/acme/widget/issues/1159",
)


# -- the happy paths -------------------------------------------------------------------------------------
def test_prefill_from_state_file(root: Path) -> None:
    write_state(root, SYNCED)
    result = run(root, "1159", "--offline")
    assert result.exit_code == 0, result.output
    path = root / "analyses/1159-error-environment-externally-managed/analysis.md"
    assert f"Created {path.relative_to(root).as_posix()}" in result.stdout
    assert "Prefilled from the upstream state file (upstream-state.json)." in result.stdout
    assert "Next steps" in result.stdout
    doc, diags = load_document(path, "analysis.md")
    assert diags == []
    assert doc.meta == {
        "issue": 1159,
        "title": "error: This environment is externally managed",
        "status": "investigating",
        "reporter": "ricardopretrazy",
        "reported": dt.date(2025, 4, 1),
        "analyzed": TODAY,
        "related": [],
        "commits": [],
        "prs": [],
        "tags": [],
    }
    assert "Upstream issue: [acme/widget#1159](https://github.com/acme/widget/issues/1159)" in doc.body
    assert not any(p in path.read_text() for p in PLACEHOLDERS)
    # passes check: no error, one template warning per section, each naming its section
    found = check(root)
    assert [s for s, _, _ in found] == ["warning"] * len(SECTIONS)
    assert [m for _, _, m in found] == [f"Section '{s}' still holds template text" for s in SECTIONS]


def test_nothing_known_leaves_marked_fields(root: Path) -> None:
    result = run(root, "77", "--offline", "--slug", "untitled")
    assert result.exit_code == 0, result.output
    text = (root / "analyses/0077-untitled/analysis.md").read_text()
    front = text.split("---\n")[1]
    assert front == (
        "issue: 77\n"
        'title: "acme/widget#77"  # title unknown - fill in\n'
        "status: investigating\n"
        "# reporter: unknown - fill in\n"
        "# reported: unknown - fill in\n"
        "analyzed: 2026-11-22\n"
        "related: []\n"
        "commits: []\n"
        "prs: []\n"
        "tags: []\n"
    )
    assert "not in the upstream state file and --offline was given" in result.stderr
    assert (
        "Not known, marked 'unknown - fill in' in the front matter: title, reporter, reported."
        in result.stdout
    )
    assert all(severity == "warning" for severity, _, _ in check(root))


def test_options_title_slug_repo_and_companions(root: Path) -> None:
    result = run(
        root,
        "42",
        "--repo",
        "other/gadget",
        "--title",
        'Crash on "reload"',
        "--slug",
        "reload",
        "--with",
        "summary,testing",
    )
    assert result.exit_code == 0, result.output
    folder = root / "analyses/0042-reload"
    assert sorted(p.name for p in folder.iterdir()) == ["analysis.md", "summary.md", "testing.md"]
    doc, _ = load_document(folder / "analysis.md", "analysis.md")
    assert doc.meta is not None
    assert doc.meta["repo"] == "other/gadget"
    assert doc.meta["title"] == 'Crash on "reload"'
    for name in ("summary.md", "testing.md"):
        text = (folder / name).read_text()
        assert "[other/gadget#42](https://github.com/other/gadget/issues/42)" in text
        assert TEMPLATE_MARKER in text
        assert not any(p in text for p in PLACEHOLDERS)
    assert not [d for d in check(root) if d[0] == "error"]


def test_owner_repo_hash_number_is_accepted(root: Path) -> None:
    write_state(
        root, IssueState(number=5, title="Über-long names break the café", author="x"), repo="other/gadget"
    )
    result = run(root, "other/gadget#5", "--offline")
    assert result.exit_code == 0, result.output
    assert (root / "analyses/0005-uber-long-names-break-cafe/analysis.md").is_file()


def test_edit_opens_editor_only_when_asked(root: Path, tmp_path: Path) -> None:
    log = tmp_path / "editor.log"
    editor = write_file(
        tmp_path / "editor.sh", f'#!/bin/sh\necho "$@" >> {log}\necho "Edited by hand." >> "$1"\n'
    )
    editor.chmod(0o755)
    env = {"EDITOR": str(editor), "VISUAL": str(editor)}
    assert run(root, "1", "--offline", "--slug", "untitled", env=env).exit_code == 0
    assert not log.exists()
    result = run(root, "2", "--offline", "--slug", "untitled", "--edit", env=env)
    assert result.exit_code == 0, result.output
    path = root / "analyses/0002-untitled/analysis.md"
    assert log.read_text().strip() == str(path)
    assert path.read_text().endswith("Edited by hand.\n")


def test_template_keys_added_by_the_maintainer_are_filled_or_marked(root: Path) -> None:
    template = root / "templates/analysis.md"
    text = template.read_text().replace("tags: []\n", "tags: []\naffected: ['[owner/repo] users']\n")
    template.write_text(text.replace("## Problem\n", "## Problem\n\nReported by [reporter] on YYYY-MM-DD.\n"))
    assert run(root, "9", "--offline", "--slug", "untitled").exit_code == 0
    written = (root / "analyses/0009-untitled/analysis.md").read_text()
    assert "# affected: unknown - fill in\n" in written
    assert "Reported by unknown on 2026-11-22." in written
    assert not any(p in written for p in PLACEHOLDERS)


def test_offline_without_a_title_asks_for_one(root: Path) -> None:
    message = refused(root, "77", "--offline")
    assert "the title of acme/widget#77 is not known, so its folder cannot be named" in message
    assert 'issuekb new 77 --title "..." (or --slug NAME)' in message
    assert "not in the upstream state file and --offline was given" in message
    assert not list((root / "analyses").iterdir())


# -- refusals: a clear message, exit 2, nothing written ----------------------------------------------------
def refused(root: Path, *args: str) -> str:
    before = snapshot(root)
    result = run(root, *args)
    assert result.exit_code == 2, result.output
    assert snapshot(root) == before
    assert "Traceback" not in result.output
    return result.stderr


def test_refuses_an_issue_that_already_has_an_analysis(root: Path) -> None:
    assert run(root, "1159", "--offline", "--slug", "first").exit_code == 0
    message = refused(root, "1159", "--offline", "--slug", "second")
    assert "acme/widget#1159 already has an analysis: analyses/1159-first/analysis.md" in message
    # the same number in another repository is another issue
    assert run(root, "other/gadget#1159", "--offline", "--slug", "second").exit_code == 0


@pytest.mark.parametrize("issue", ["0", "-3", "abc", "12.5", "1e3", "", "#", "acme/widget#0", "١٢"])
def test_refuses_a_number_that_is_not_a_positive_integer(root: Path, issue: str) -> None:
    assert "ISSUE must be a positive issue number" in refused(root, issue, "--offline")


@pytest.mark.parametrize("slug", ["../escape", "../../etc", "/tmp/abs", "a/b", "..", "a\\b"])
def test_refuses_a_slug_that_escapes(root: Path, slug: str) -> None:
    assert "would put the analysis outside the analyses folder" in refused(
        root, "5", "--offline", "--slug", slug
    )


def test_refuses_a_slug_that_is_not_kebab_case(root: Path) -> None:
    assert "must be lower-case kebab-case" in refused(root, "5", "--offline", "--slug", "Has Spaces")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["5", "--repo", "../etc"], "--repo: the repository '../etc' is a path"),
        (["5", "--repo", "/etc/passwd"], "--repo: the repository '/etc/passwd' is a path"),
        (["5", "--repo", "acme/.."], "--repo: the repository 'acme/..' is a path"),
        (["../../x#5"], "ISSUE: the repository '../../x' is a path"),
        (["5", "--repo", "no-slash"], "must be 'owner/name'"),
        (["a/b#5", "--repo", "c/d"], "ISSUE names a/b but --repo says c/d"),
    ],
)
def test_refuses_a_repo_that_escapes_or_is_not_a_repo(root: Path, args: list[str], expected: str) -> None:
    assert expected in refused(root, *args, "--offline")


def test_refuses_when_the_analyses_folder_is_not_a_folder(root: Path) -> None:
    shutil.rmtree(root / "analyses")
    write_file(root / "analyses", "not a folder\n")
    assert "cannot write analyses/0005-untitled" in refused(root, "5", "--offline", "--slug", "untitled")


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make `folder` unwritable: chmod for ordinary users; root ignores modes, so `chattr +i` for root."""
    if os.geteuid() != 0:
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False).returncode != 0:
        pytest.skip("running as root where chattr +i is not available: cannot make a folder unwritable")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_refuses_an_unwritable_analyses_folder(root: Path) -> None:
    with read_only(root / "analyses"):
        message = refused(root, "5", "--offline", "--slug", "untitled")
    assert "cannot write analyses/0005-untitled" in message


def test_refuses_unknown_companions_and_a_missing_template(root: Path) -> None:
    assert "--with: unknown companion 'notes'" in refused(root, "5", "--offline", "--with", "summary,notes")
    (root / "templates/testing.md").unlink()
    assert "cannot read the template templates/testing.md" in refused(
        root, "5", "--offline", "--title", "T", "--with", "testing"
    )


def test_refuses_a_template_that_would_not_pass_check(root: Path) -> None:
    template = root / "templates/analysis.md"
    template.write_text(
        template.read_text().replace("status: investigating\n", "status: investigating\nprs: [x]\n")
    )
    message = refused(root, "5", "--offline", "--title", "T")
    assert "does not pass `issuekb check`" in message


def test_make_new_without_issue_says_what_to_do() -> None:
    proc = subprocess.run(["make", "-s", "new"], cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert "make new needs the upstream issue number: make new ISSUE=1234" in proc.stderr


# -- the pure parts ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("error: This environment is externally managed", "error-environment-externally-managed"),
        ("Python 3.12 removed ssl.wrap_socket()", "python-3-12-removed-ssl"),
        ("Größe der Datei: café crème", "grosse-der-datei-cafe-creme"),
        ("The", "the"),
        ("!!!", ""),
        ("a" * 80, "a" * 48),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug
    assert slug == "" or check_slug(slug) is None


def test_parse_issue() -> None:
    assert parse_issue("1234", None, "acme/widget") == IssueRef("acme/widget", 1234)
    assert parse_issue("#0042", None, "acme/widget") == IssueRef("acme/widget", 42)
    assert parse_issue("x/y#7", None, "acme/widget") == IssueRef("x/y", 7)
    assert parse_issue("7", "x/y", "acme/widget") == IssueRef("x/y", 7)
    assert check_repo("x/y") is None


def test_fill_keeps_reported_out_when_it_is_after_today() -> None:
    template = (REPO_ROOT / "templates/analysis.md").read_text()
    prefill = Prefill(title="t", reporter="r", reported=TODAY + dt.timedelta(days=1))
    text = fill_analysis(template, IssueRef("acme/widget", 3), prefill, today=TODAY, upstream="acme/widget")
    assert "# reported: unknown - fill in\n" in text
    assert 'reporter: "r"\n' in text


def test_the_real_template_passes_check_when_filled(tmp_path: Path) -> None:
    """Guards the committed template itself: filled, it has no error, and every section is marked."""
    from issuekb.authoring.onefile import check_text

    config = load_config(REPO_ROOT)
    text = fill_analysis(
        (REPO_ROOT / "templates/analysis.md").read_text(),
        IssueRef(config.upstream, 99999),
        Prefill(title="A title", reporter="someone", reported=TODAY),
        today=TODAY,
        upstream=config.upstream,
    )
    diags = check_text(config, config.analyses_dir / "99999-a-title/analysis.md", text.encode(), today=TODAY)
    assert [d for d in diags if d.severity is Severity.ERROR] == []
    assert sorted(d.message for d in diags) == sorted(
        f"Section '{s}' still holds template text" for s in SECTIONS
    )


# -- prefill from GitHub (the sync's fake server, over real HTTP) -------------------------------------------
TOKEN = "ghp_fake-token-that-must-not-leak"


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub(tokens=[TOKEN]) as fake:
        fake.add(
            "acme/widget",
            1187,
            title="Flashing stops at 'waiting for the device' on Ubuntu 24.04",
            author="gadgeteer",
            created_at=dt.datetime(2026, 3, 9, 17, 30, tzinfo=dt.UTC),
        )
        yield fake


def online(root: Path, github: FakeGitHub, *args: str, token: str = TOKEN) -> Result:
    env = {"GITHUB_API_URL": github.url, "GH_TOKEN": token, "GITHUB_TOKEN": None, "PATH": "/usr/bin:/bin"}
    return run(root, *args, env=env)


def test_prefill_from_github_when_not_synced(root: Path, github: FakeGitHub) -> None:
    result = online(root, github, "1187")
    assert result.exit_code == 0, result.output
    assert [(r.method, r.path, r.token is not None) for r in github.log] == [
        ("GET", "/repos/acme/widget/issues/1187", True)
    ]
    assert "Prefilled from GitHub." in result.stdout
    assert TOKEN not in result.output
    path = root / "analyses/1187-flashing-stops-waiting-device-ubuntu/analysis.md"
    doc, _ = load_document(path, "analysis.md")
    assert doc.meta is not None
    assert (doc.meta["title"], doc.meta["reporter"], doc.meta["reported"]) == (
        "Flashing stops at 'waiting for the device' on Ubuntu 24.04",
        "gadgeteer",
        dt.date(2026, 3, 9),
    )
    assert TOKEN not in path.read_text()
    assert not [d for d in check(root) if d[0] == "error"]


def test_state_file_comes_first_and_offline_asks_nobody(root: Path, github: FakeGitHub) -> None:
    write_state(root, SYNCED)
    assert online(root, github, "1159").exit_code == 0
    assert online(root, github, "1187", "--offline", "--title", "Flash stops").exit_code == 0
    assert github.log == []
    assert (root / "analyses/1187-flash-stops/analysis.md").is_file()


@pytest.mark.parametrize(
    ("setup", "token", "expected"),
    [
        (lambda gh: gh.delete("acme/widget", 1187, 404), TOKEN, "GitHub answered 404: no such issue"),
        (lambda gh: None, "ghp_wrong", "GitHub rejected the token from GH_TOKEN (401"),
        (lambda gh: None, "ghp_two\nlines", "the token in GH_TOKEN holds a space or line break"),
        (
            lambda gh: gh.malformed(),
            TOKEN,
            "the answer to GET /repos/acme/widget/issues/1187 is not valid JSON",
        ),
    ],
)
def test_github_problems_leave_marked_fields(
    root: Path, github: FakeGitHub, setup: Callable[[FakeGitHub], None], token: str, expected: str
) -> None:
    setup(github)
    result = online(root, github, "1187", "--slug", "untitled", token=token)
    assert result.exit_code == 0, result.output
    assert (
        f"acme/widget#1187 is not in the upstream state file and could not be fetched: {expected}"
        in result.stderr
    )
    assert (
        "Not known, marked 'unknown - fill in' in the front matter: title, reporter, reported."
        in result.stdout
    )
    assert "ghp_" not in result.output
    assert (root / "analyses/1187-untitled/analysis.md").is_file()


def test_transferred_issue_is_prefilled_and_said(root: Path, github: FakeGitHub) -> None:
    github.transfer("acme/widget", 1187, "acme/flasher", 12)
    result = online(root, github, "1187")
    assert result.exit_code == 0, result.output
    assert "note: upstream says this issue was transferred to acme/flasher#12" in result.stderr
    assert (root / "analyses/1187-flashing-stops-waiting-device-ubuntu/analysis.md").is_file()
