"""The pure parts of sync: API objects -> records, merging, synced_at, tracked references, token lookup."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO_ROOT
from issuekb.config import Config
from issuekb.pipeline import load_kb
from issuekb.upstream.apirecords import (
    MalformedDataError,
    http_date,
    issue_from_api,
    pull_from_api,
    pull_from_listing,
    repo_of,
)
from issuekb.upstream.github import DEFAULT_API_URL, api_url, find_token
from issuekb.upstream.state import IssueState, RepoState, UpstreamState, dump_state
from issuekb.upstream.sync import Tracked, tracked_refs
from issuekb.upstream.syncstate import merge_issue, prune, stamp_synced_at

RECORDED = json.loads((REPO_ROOT / "data" / "tuya-convert-issues.json").read_text(encoding="utf-8"))


def test_issue_from_a_recorded_listing_item() -> None:
    item = RECORDED[1]
    record = issue_from_api(item)
    assert (record.number, record.title, record.comments) == (item["number"], item["title"], item["comments"])
    assert record.author == item["user"]["login"]
    assert record.updated_at == item["updated_at"]
    assert repo_of(item) == "ct-Open-Source/tuya-convert"


def test_issue_fields_are_normalised() -> None:
    record = issue_from_api(
        {
            "number": 7,
            "title": "t",
            "state": "closed",
            "state_reason": "not_planned",
            "labels": [{"name": "wontfix"}, {"name": "bug"}, "bug"],
            "user": None,
            "created_at": "2025-03-01T10:00:00+02:00",
            "closed_at": "2025-03-02T00:00:00Z",
            "html_url": "https://github.com/o/r/issues/7",
        }
    )
    assert record.labels == ["bug", "wontfix"]
    assert record.author is None
    assert record.created_at == "2025-03-01T08:00:00Z"
    assert (record.state, record.state_reason) == ("closed", "not_planned")
    assert repo_of({"html_url": "https://github.com/o/r/issues/7"}) == "o/r"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "an issue must be a JSON object, got list"),
        ({"number": "7", "title": "t", "state": "open"}, "field 'number' is missing or has the wrong type"),
        ({"number": True, "title": "t", "state": "open"}, "field 'number' is missing or has the wrong type"),
        ({"number": 7, "title": "t", "state": "merged"}, "state must be 'open' or 'closed', got 'merged'"),
        ({"number": 7, "title": "t", "state": "open", "user": {"id": 1}}, "field 'user' has no login"),
        ({"number": 7, "title": "t", "state": "open", "comments": "3"}, "field 'comments'"),
    ],
)
def test_malformed_issue_objects(data: object, message: str) -> None:
    with pytest.raises(MalformedDataError, match=message):
        issue_from_api(data)


def test_pull_states() -> None:
    base = {"number": 5, "title": "p", "html_url": "https://github.com/o/r/pull/5"}
    assert pull_from_api(base | {"state": "open", "merged": False}).state == "open"
    assert pull_from_api(base | {"state": "closed", "merged": False}).state == "closed"
    merged = pull_from_api(base | {"state": "closed", "merged": True, "merged_at": "2025-01-01T00:00:00Z"})
    assert (merged.state, merged.merged_at) == ("merged", "2025-01-01T00:00:00Z")
    item = base | {"state": "closed", "pull_request": {"url": "x"}}
    assert pull_from_listing(item) is None  # closed, and the listing does not say whether it was merged
    item["pull_request"] = {"url": "x", "merged_at": None}
    pull = pull_from_listing(item)
    assert pull is not None and pull.state == "closed"


def test_http_date() -> None:
    assert http_date("Thu, 01 Jan 2026 00:00:00 GMT") == "2026-01-01T00:00:00Z"
    assert http_date("yesterday") is None
    assert http_date(None) is None


def test_merge_keeps_duplicate_of_and_reports_only_content_changes() -> None:
    repo = RepoState("o/r")
    repo.issues[1] = IssueState(1, "t", etag='W/"a"', duplicate_of="o/r#2", comments=1)
    assert merge_issue(repo, IssueState(1, "t", etag='W/"b"', comments=1)) is None
    assert repo.issues[1].etag == 'W/"b"'  # only bookkeeping changed
    change = merge_issue(repo, IssueState(1, "t", state="closed", state_reason="completed", comments=2))
    assert change is not None
    assert change.describe() == (
        "o/r#1: changed: state open -> closed, state_reason None -> completed, comments 1 -> 2"
    )
    assert repo.issues[1].duplicate_of == "o/r#2"


def test_merge_records_a_rename_and_keeps_it() -> None:
    repo = RepoState("o/r")
    repo.issues[1] = IssueState(1, "Old title", updated_at="2025-01-01T00:00:00Z")
    change = merge_issue(repo, IssueState(1, "New title", updated_at="2025-02-01T00:00:00Z"))
    assert change is not None
    assert "title," in change.describe()
    record = repo.issues[1]
    assert (record.previous_title, record.title_changed_at) == ("Old title", "2025-02-01T00:00:00Z")
    # A later change that keeps the title keeps the recorded rename.
    merge_issue(repo, IssueState(1, "New title", comments=3, updated_at="2025-03-01T00:00:00Z"))
    assert (repo.issues[1].previous_title, repo.issues[1].title_changed_at) == (
        "Old title",
        "2025-02-01T00:00:00Z",
    )
    # An unchanged record is no change at all.
    assert (
        merge_issue(repo, IssueState(1, "New title", comments=3, updated_at="2025-03-01T00:00:00Z")) is None
    )


def test_prune_drops_untracked_records() -> None:
    repo = RepoState("o/r", issues={1: IssueState(1), 2: IssueState(2)})
    changes = prune(repo, frozenset({1}), frozenset())
    assert [c.describe() for c in changes] == ["o/r#2: dropped: no analysis names it"]
    assert list(repo.issues) == [1]


def test_synced_at_moves_only_when_the_entry_changed() -> None:
    before = UpstreamState(
        {"o/r": RepoState("o/r", synced_at="2025-01-01T00:00:00Z", issues={1: IssueState(1)})}
    )
    same = UpstreamState({"o/r": RepoState("o/r", synced_at=None, issues={1: IssueState(1)})})
    stamp_synced_at(before, same, {"o/r": "2026-01-01T00:00:00Z"})
    assert dump_state(same) == dump_state(before)
    changed = UpstreamState({"o/r": RepoState("o/r", issues={1: IssueState(1, comments=1)})})
    stamp_synced_at(before, changed, {"o/r": "2026-01-01T00:00:00Z"})
    assert changed.repos["o/r"].synced_at == "2026-01-01T00:00:00Z"


def test_tracked_refs(kb_config: Config, add_analysis: Callable[..., Path]) -> None:
    add_analysis(
        "0001-a", "issue: 1\ntitle: A\nstatus: investigating\nrelated: [2, ACME/Widget#3, other/x#4]"
    )
    add_analysis(
        "0005-b",
        "issue: 5\ntitle: B\nstatus: resolved\nresolution: duplicate\nduplicate_of: 1\nupstream_pr: 9",
    )
    kb, _ = load_kb(kb_config, git=False)
    assert tracked_refs(kb.analyses, "acme/widget") == {
        "acme/widget": Tracked(frozenset({1, 2, 3, 5}), frozenset({9})),
        "other/x": Tracked(frozenset({4}), frozenset()),
    }


def test_token_lookup_order(tmp_path: Path) -> None:
    gh = tmp_path / "gh"
    gh.write_text('#!/bin/sh\necho "$@" > "$(dirname "$0")/args"\necho gh-token\n')
    gh.chmod(0o755)
    token = find_token({"GH_TOKEN": "a", "GITHUB_TOKEN": "b"}, str(gh))
    assert token is not None and (token.value, token.origin) == ("a", "GH_TOKEN")
    token = find_token({"GH_TOKEN": "  ", "GITHUB_TOKEN": "b"}, str(gh))
    assert token is not None and (token.value, token.origin) == ("b", "GITHUB_TOKEN")
    token = find_token({}, str(gh))
    assert token is not None and (token.value, token.origin) == ("gh-token", "gh auth token")
    assert (tmp_path / "args").read_text() == "auth token\n"
    find_token({}, str(gh), "https://ghe.example.com/api/v3")
    assert (tmp_path / "args").read_text() == "auth token --hostname ghe.example.com\n"
    assert find_token({}, None) is None
    gh.write_text("#!/bin/sh\nexit 1\n")
    assert find_token({}, str(gh)) is None


def test_api_url() -> None:
    assert api_url({}) == DEFAULT_API_URL
    assert api_url({"GITHUB_API_URL": "https://ghe.example.com/api/v3/"}) == "https://ghe.example.com/api/v3"
