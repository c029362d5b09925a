"""Exact request counts of `issuekb sync` against the fake GitHub API (real HTTP, unmodified PyGithub)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from github import Auth, Github

from fakegithub import FakeGitHub
from issuekb.upstream.state import load_state
from syncenv import invoke, track

REPO = "acme/widget"
LISTING = f"/repos/{REPO}/issues"


@pytest.fixture
def gh() -> Iterator[FakeGitHub]:
    with FakeGitHub() as fake:
        yield fake


def sync(root: Path, gh: FakeGitHub, *args: str) -> str:
    gh.clear_log()
    result = invoke(root, gh.url, *args, env={"GH_TOKEN": "test-token"})
    assert result.exit_code == 0, result.output
    return result.output


def listings(gh: FakeGitHub) -> list[tuple[int, dict[str, str], str | None]]:
    return [(r.status, r.query, r.if_none_match) for r in gh.log if r.path == LISTING]


def test_first_sync_checks_each_tracked_issue_once_then_lists_once(kb_root: Path, gh: FakeGitHub) -> None:
    gh.seed(REPO, 40, pulls_every=10)
    track(kb_root, range(1, 31), pulls=[10])
    output = sync(kb_root, gh)
    # 30 issues (one of them, #10, is a pull request named as an issue too) + 1 pull + 1 listing
    assert gh.count() == 32
    assert gh.count(f"/repos/{REPO}/issues/") == 30
    assert gh.count(f"/repos/{REPO}/pulls/10") == 1
    [(status, query, etag)] = listings(gh)
    assert (status, etag) == (200, None)
    assert query == {
        "state": "all",
        "sort": "updated",
        "direction": "desc",
        "per_page": "100",
        "since": "2025-12-31T23:59:00Z",  # the server's clock when the sync began, less a minute
    }
    assert "32 requests" in output
    state, diags = load_state(kb_root / "upstream-state.json")
    assert diags == []
    repo = state.repos[REPO]
    assert sorted(repo.issues) == list(range(1, 31))
    assert all(issue.etag for issue in repo.issues.values())
    assert repo.pulls[10].state == "open"
    assert repo.watermark == "2025-12-31T23:59:00Z"
    assert repo.etag is not None
    assert repo.synced_at == "2026-01-01T00:00:00Z"


def test_nothing_changed_costs_one_conditional_request_and_no_byte(kb_root: Path, gh: FakeGitHub) -> None:
    gh.seed(REPO, 500)
    track(kb_root, range(1, 501))
    sync(kb_root, gh)
    assert gh.count() == 501
    path = kb_root / "upstream-state.json"
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    output = sync(kb_root, gh)
    assert listings(gh) == [(304, listings(gh)[0][1], load_state(path)[0].repos[REPO].etag)]
    assert gh.count() == 1
    assert "upstream-state.json unchanged" in output
    assert "1 answered 304" in output
    assert path.read_bytes() == before
    assert path.stat().st_mtime_ns == mtime


def test_three_of_five_hundred_changed(kb_root: Path, gh: FakeGitHub) -> None:
    gh.seed(REPO, 500)
    track(kb_root, range(1, 501))
    sync(kb_root, gh)
    path = kb_root / "upstream-state.json"
    before = json.loads(path.read_text())["repos"][REPO]
    changed = gh.change(REPO, 3)
    output = sync(kb_root, gh)
    # one listing with the three, one more at the new watermark that shows nothing newer
    assert [status for status, _, _ in listings(gh)] == [200, 200]
    assert gh.count() == 2
    after = json.loads(path.read_text())["repos"][REPO]
    differing = {n for n in after["issues"] if after["issues"][n] != before["issues"][n]}
    assert differing == {str(n) for n in changed}
    for number in changed:
        assert after["issues"][str(number)]["comments"] == before["issues"][str(number)]["comments"] + 1
        assert f"{REPO}#{number}: changed: comments" in output
    assert after["watermark"] == max(after["issues"][str(n)]["updated_at"] for n in changed)
    # and the sync after that is one 304 again
    sync(kb_root, gh)
    assert [status for status, _, _ in listings(gh)] == [304]


def test_a_250_issue_repository_is_listed_in_pages(kb_root: Path, gh: FakeGitHub) -> None:
    gh.seed(REPO, 250)
    track(kb_root, range(1, 251))
    sync(kb_root, gh)
    assert gh.count() == 251
    gh.change(REPO, range(1, 251))
    sync(kb_root, gh)
    pages = [query.get("page", "1") for _, query, _ in listings(gh)]
    assert pages == ["1", "2", "3", "1"]  # three pages through the Link headers, then the confirmation
    assert all(query["per_page"] == "100" for _, query, _ in listings(gh))
    assert gh.count() == 4
    state, _ = load_state(kb_root / "upstream-state.json")
    assert all(issue.comments == (n % 7) + 1 for n, issue in state.repos[REPO].issues.items())


def test_newly_tracked_issue_is_checked_alone(kb_root: Path, gh: FakeGitHub) -> None:
    gh.seed(REPO, 20)
    track(kb_root, range(1, 11))
    sync(kb_root, gh)
    track(kb_root, [15])
    sync(kb_root, gh)
    assert [r.path for r in gh.log] == [f"/repos/{REPO}/issues/15", LISTING]


def test_full_rechecks_with_etags_and_finds_transfers_and_deletions(kb_root: Path, gh: FakeGitHub) -> None:
    gh.seed(REPO, 6)
    track(kb_root, range(1, 7))
    sync(kb_root, gh)
    gh.transfer(REPO, 3, "acme/elsewhere", 41)
    gh.delete(REPO, 4, status=410)
    gh.delete(REPO, 5, status=404)
    output = sync(kb_root, gh, "--full")
    statuses = [(r.status, r.path) for r in gh.log]
    assert statuses == [
        (304, f"/repos/{REPO}/issues/1"),
        (304, f"/repos/{REPO}/issues/2"),
        (301, f"/repos/{REPO}/issues/3"),
        (200, "/repositories/1001/issues/41"),
        (410, f"/repos/{REPO}/issues/4"),
        (404, f"/repos/{REPO}/issues/5"),
        (304, f"/repos/{REPO}/issues/6"),
        (304, LISTING),  # gone issues leave the listing of recent changes as it was
    ]
    assert "8 requests, 4 answered 304" in output
    state, _ = load_state(kb_root / "upstream-state.json")
    issues = state.repos[REPO].issues
    assert issues[3].transferred_to == "acme/elsewhere#41"
    assert issues[3].title == "Issue 3: something is broken"
    assert issues[4].deleted and issues[5].deleted
    assert not issues[4].is_open
    assert f"{REPO}#3: transferred: now acme/elsewhere#41" in output
    assert f"{REPO}#4: deleted: GitHub answers 410" in output


def test_pull_request_merged_seen_in_the_listing(kb_root: Path, gh: FakeGitHub) -> None:
    gh.seed(REPO, 10)
    gh.add(REPO, 11, pull=True, title="Fix the widget")
    gh.add(REPO, 12, pull=True, title="Old server", listing_says_merged=False)
    track(kb_root, [1, 2], pulls=[11])
    track(kb_root, [3], pulls=[12])
    sync(kb_root, gh)
    gh.merge(REPO, 11)
    gh.merge(REPO, 12)
    sync(kb_root, gh)
    # #11's merge is in the listing item; #12's listing item does not say, so it is asked alone
    assert [r.path for r in gh.log] == [LISTING, f"/repos/{REPO}/pulls/12", LISTING]
    state, _ = load_state(kb_root / "upstream-state.json")
    assert state.repos[REPO].pulls[11].state == "merged"
    assert state.repos[REPO].pulls[12].state == "merged"


def test_naive_loop_costs_one_request_per_issue_every_run(kb_root: Path, gh: FakeGitHub) -> None:
    """The baseline the benchmark compares with: PyGithub's get_issue per tracked issue, every run."""
    gh.seed(REPO, 50)
    track(kb_root, range(1, 51))
    client = Github(
        base_url=gh.url, auth=Auth.Token("test-token"), seconds_between_requests=None, retry=None, lazy=True
    )
    try:
        for _ in range(2):
            repo = client.get_repo(REPO)  # lazy: no request of its own
            titles = [repo.get_issue(n).title for n in range(1, 51)]  # reading a field fetches the issue
            assert titles == [f"Issue {n}: something is broken" for n in range(1, 51)]
    finally:
        client.close()
    assert gh.count() == 100
    sync(kb_root, gh)
    sync(kb_root, gh)
    assert gh.count() == 1
