"""The fault matrix of `issuekb sync`: every failure gives a clear message and an exit code, and leaves the
state file either as it was or complete and new (what was fetched before the failure)."""

from __future__ import annotations

import fcntl
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fakegithub import FakeGitHub
from issuekb.upstream.github import GitHubClient, MalformedResponseError, ServerError, Token
from issuekb.upstream.state import load_state, parse_state
from issuekb.upstream.syncstate import lock_path
from syncenv import invoke, track

REPO = "acme/widget"
TOKEN = {"GH_TOKEN": "test-token"}
SECRET = "ghp_Zq8SecretTokenValue0123456789abcdef"


@pytest.fixture
def gh() -> Iterator[FakeGitHub]:
    with FakeGitHub() as fake:
        yield fake


@pytest.fixture
def synced(kb_root: Path, gh: FakeGitHub) -> bytes:
    """A knowledge base tracking #1..#20, synced once; returns the state file's bytes."""
    gh.seed(REPO, 30)
    track(kb_root, range(1, 21))
    result = invoke(kb_root, gh.url, env=TOKEN)
    assert result.exit_code == 0, result.output
    gh.clear_log()
    return (kb_root / "upstream-state.json").read_bytes()


def state_bytes(root: Path) -> bytes:
    return (root / "upstream-state.json").read_bytes()


def assert_complete(root: Path) -> None:
    """The state file parses without a single diagnostic."""
    _, diags = parse_state((root / "upstream-state.json").read_text(encoding="utf-8"), "upstream-state.json")
    assert diags == []


def test_5xx_burst_is_retried_then_succeeds(kb_root: Path, gh: FakeGitHub, synced: bytes) -> None:
    gh.change(REPO, [5])
    gh.fail(2, 502)
    result = invoke(kb_root, gh.url, env=TOKEN)
    assert result.exit_code == 0, result.output
    assert [r.status for r in gh.log] == [502, 502, 200, 200]
    assert "4 requests" in result.output
    assert f"{REPO}#5: changed" in result.output


def test_5xx_that_persists_stops_with_the_old_file(kb_root: Path, gh: FakeGitHub, synced: bytes) -> None:
    gh.change(REPO, [5])
    gh.fail(10, 503)
    result = invoke(kb_root, gh.url, env=TOKEN)
    assert result.exit_code == 2
    assert gh.count() == 4  # one attempt and three retries
    assert (
        result.stderr
        == "Error: GitHub answered 503 for GET /repos/acme/widget/issues on 4 attempts; try again later\n"
    )
    assert state_bytes(kb_root) == synced


def test_backoff_doubles_and_is_bounded(gh: FakeGitHub) -> None:
    gh.seed(REPO, 1)
    gh.fail(20, 500)
    pauses: list[float] = []
    with GitHubClient(gh.url, None, retries=6, retry_delay=4.0, sleep=pauses.append) as client:
        with pytest.raises(ServerError):
            client.get_issue(REPO, 1)
        assert client.stats.requests == 7
    assert pauses == [4.0, 8.0, 16.0, 30.0, 30.0, 30.0]


def test_a_timeout_is_retried(kb_root: Path, gh: FakeGitHub, synced: bytes) -> None:
    gh.slow(1.6)
    result = invoke(kb_root, gh.url, "--timeout", "1", env=TOKEN)
    assert result.exit_code == 0, result.output
    assert "2 requests" in result.output


def test_rate_limit_mid_sync_keeps_what_was_fetched(kb_root: Path, gh: FakeGitHub) -> None:
    gh.seed(REPO, 30)
    track(kb_root, range(1, 21))
    gh.limit_after(8)
    result = invoke(kb_root, gh.url, env=TOKEN)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "Error: GitHub's rate limit is used up (8 requests an hour); run the sync again after 2026-01-01 01:00:00 UTC"
    )
    assert "wrote upstream-state.json: 8 changes fetched before the stop" in result.stdout
    assert_complete(kb_root)
    state, _ = load_state(kb_root / "upstream-state.json")
    assert sorted(state.repos[REPO].issues) == list(range(1, 9))
    assert state.repos[REPO].watermark is None  # the listing was not reached: next time is a first sync again
    # once the limit resets, the next sync finishes; the 8 already fetched cost only free 304s
    gh.limit_after(1000)
    gh.clear_log()
    result = invoke(kb_root, gh.url, env=TOKEN)
    assert result.exit_code == 0, result.output
    assert [r.status for r in gh.log].count(304) == 8
    assert gh.count() == 21
    state, _ = load_state(kb_root / "upstream-state.json")
    assert sorted(state.repos[REPO].issues) == list(range(1, 21))


def test_rate_limit_during_listing_pages_keeps_the_watermark(kb_root: Path, gh: FakeGitHub) -> None:
    gh.seed(REPO, 250)
    track(kb_root, range(1, 251))
    assert invoke(kb_root, gh.url, env=TOKEN).exit_code == 0
    old = load_state(kb_root / "upstream-state.json")[0].repos[REPO]
    gh.change(REPO, range(1, 251))
    gh.limit_after(2)
    result = invoke(kb_root, gh.url, env=TOKEN)
    assert result.exit_code == 2
    assert_complete(kb_root)
    new = load_state(kb_root / "upstream-state.json")[0].repos[REPO]
    assert (new.watermark, new.etag) == (old.watermark, old.etag)
    changed = [n for n in new.issues if new.issues[n].comments != old.issues[n].comments]
    assert len(changed) == 200  # the two pages read before the limit
    gh.limit_after(1000)
    assert invoke(kb_root, gh.url, env=TOKEN).exit_code == 0
    final = load_state(kb_root / "upstream-state.json")[0].repos[REPO]
    assert all(final.issues[n].comments == old.issues[n].comments + 1 for n in final.issues)


def test_secondary_rate_limit_429_says_when_to_resume(kb_root: Path, gh: FakeGitHub, synced: bytes) -> None:
    gh.limit_after(0, secondary=True)
    result = invoke(kb_root, gh.url, env=TOKEN)
    assert result.exit_code == 2
    assert "run the sync again after 2026-01-01 00:01:00 UTC" in result.stderr
    assert state_bytes(kb_root) == synced


def test_invalid_token_is_named_by_its_source_never_shown(kb_root: Path) -> None:
    track(kb_root, range(1, 4))
    with FakeGitHub(tokens={"the-good-token"}) as gh:
        gh.seed(REPO, 5)
        result = invoke(kb_root, gh.url, env={"GITHUB_TOKEN": SECRET})
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "Error: GitHub rejected the token from GITHUB_TOKEN (401 Bad credentials): it is invalid, expired or revoked"
    )
    assert SECRET not in result.output
    assert not (kb_root / "upstream-state.json").exists()


def test_token_never_appears_in_output_or_files(kb_root: Path) -> None:
    track(kb_root, range(1, 4))
    with FakeGitHub(tokens={SECRET}) as gh:
        gh.seed(REPO, 5)
        first = invoke(kb_root, gh.url, env={"GH_TOKEN": SECRET})
        gh.fail(10, 500)
        failed = invoke(kb_root, gh.url, env={"GH_TOKEN": SECRET})
        assert {r.token for r in gh.log} == {SECRET}  # it was sent
    assert first.exit_code == 0 and failed.exit_code == 2
    for text in (first.output, failed.output):
        assert SECRET not in text
    for path in kb_root.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


def test_token_from_gh_cli_and_anonymous_note(kb_root: Path, tmp_path: Path) -> None:
    track(kb_root, range(1, 3))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text("#!/bin/sh\n[ \"$1 $2\" = 'auth token' ] && echo from-gh-cli\n")
    (bin_dir / "gh").chmod(0o755)
    with FakeGitHub() as gh:
        gh.seed(REPO, 3)
        anonymous = invoke(kb_root, gh.url)
        assert {r.token for r in gh.log} == {None}
        gh.clear_log()
        with_gh = invoke(kb_root, gh.url, "--full", env={"PATH": str(bin_dir)})
        assert {r.token for r in gh.log} == {"from-gh-cli"}
    assert anonymous.exit_code == 0 and with_gh.exit_code == 0
    assert anonymous.stderr.count("anonymous access allows 60 requests an hour") == 1
    assert "anonymous" not in with_gh.stderr


def test_no_network_is_one_line(kb_root: Path) -> None:
    track(kb_root, range(1, 3))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = invoke(kb_root, f"http://127.0.0.1:{port}", env=TOKEN)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"Error: cannot reach http://127.0.0.1:{port} (connection refused)\n"
    assert not (kb_root / "upstream-state.json").exists()


def test_malformed_json_stops_with_a_complete_file(kb_root: Path, gh: FakeGitHub) -> None:
    gh.seed(REPO, 5)
    track(kb_root, range(1, 6))
    gh.malformed(path=f"/repos/{REPO}/issues/3")
    result = invoke(kb_root, gh.url, env=TOKEN)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "Error: the answer to GET /repos/acme/widget/issues/3 is not valid JSON "
        "(Expecting value at line 1 column 25)"
    )
    assert "Traceback" not in result.output
    assert_complete(kb_root)
    assert sorted(load_state(kb_root / "upstream-state.json")[0].repos[REPO].issues) == [1, 2]


def test_malformed_issue_object_is_an_error_not_a_traceback(kb_root: Path, gh: FakeGitHub) -> None:
    gh.seed(REPO, 3)
    gh.add(REPO, 2, state="weird")
    track(kb_root, range(1, 4))
    result = invoke(kb_root, gh.url, env=TOKEN)
    assert result.exit_code == 2
    assert "is not an issue: issue #2: state must be 'open' or 'closed', got 'weird'" in result.stderr


def test_unknown_repository_is_reported_and_others_still_sync(kb_root: Path, gh: FakeGitHub) -> None:
    gh.seed(REPO, 3)
    track(kb_root, range(1, 4))
    track(kb_root, [7], repo="acme/vanished")
    result = invoke(kb_root, gh.url, env=TOKEN)
    assert result.exit_code == 1
    assert "problem: acme/vanished: repository not found, or not visible to this token (404)" in result.output
    state, _ = load_state(kb_root / "upstream-state.json")
    assert sorted(state.repos) == [REPO]  # the per-issue 404s of a missing repository are not "deleted"


def test_a_second_sync_waits_for_none_and_writes_nothing(
    kb_root: Path, gh: FakeGitHub, synced: bytes
) -> None:
    gh.change(REPO, 3)
    lock = lock_path(kb_root / "upstream-state.json")
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = invoke(kb_root, gh.url, env=TOKEN)
    assert result.exit_code == 2
    assert "another sync is running" in result.stderr
    assert gh.count() == 0
    assert state_bytes(kb_root) == synced
    assert invoke(kb_root, gh.url, env=TOKEN).exit_code == 0  # released: the next one runs
    assert state_bytes(kb_root) != synced


def test_dry_run_shows_changes_and_writes_nothing(kb_root: Path, gh: FakeGitHub, synced: bytes) -> None:
    changed = gh.change(REPO, [2, 5, 9])
    result = invoke(kb_root, gh.url, "--dry-run", env=TOKEN)
    assert result.exit_code == 0, result.output
    for number in changed:
        assert f"{REPO}#{number}: changed: comments" in result.output
    assert "dry run: upstream-state.json would change; nothing written" in result.output
    assert state_bytes(kb_root) == synced


def test_unreadable_state_file_is_not_overwritten(kb_root: Path, gh: FakeGitHub) -> None:
    gh.seed(REPO, 2)
    track(kb_root, [1, 2])
    (kb_root / "upstream-state.json").write_text('{"format": 1, "repos": {', encoding="utf-8")
    result = invoke(kb_root, gh.url, env=TOKEN)
    assert result.exit_code == 2
    assert "upstream-state.json:1:" in result.stderr
    assert "upstream-state.json cannot be read; fix it or delete it" in result.stderr
    assert gh.count() == 0
    assert (kb_root / "upstream-state.json").read_text() == '{"format": 1, "repos": {'


def test_repo_option_limits_the_sync(kb_root: Path, gh: FakeGitHub) -> None:
    gh.seed(REPO, 3)
    gh.seed("acme/other", 3)
    track(kb_root, [1, 2])
    track(kb_root, [3], repo="acme/other")
    result = invoke(kb_root, gh.url, "--repo", "acme/other", env=TOKEN)
    assert result.exit_code == 0, result.output
    assert {r.path.split("/")[3] for r in gh.log} == {"other"}
    assert sorted(load_state(kb_root / "upstream-state.json")[0].repos) == ["acme/other"]
    unknown = invoke(kb_root, gh.url, "--repo", "acme/nothing", env=TOKEN)
    assert unknown.exit_code == 2
    assert "no analysis names an issue of acme/nothing (tracked repositories: acme/other, acme/widget)" in (
        unknown.stderr
    )


def test_token_repr_hides_the_value() -> None:
    assert SECRET not in repr(Token(SECRET, "GH_TOKEN"))


def test_a_bad_api_url_is_one_line(kb_root: Path) -> None:
    track(kb_root, [1])
    result = invoke(kb_root, "ftp://example.invalid", env=TOKEN)
    assert result.exit_code == 2
    assert (
        result.stderr
        == "Error: the GitHub API URL must be an http or https URL, got 'ftp://example.invalid'\n"
    )


def test_no_network_leaves_an_existing_file_as_it_was(kb_root: Path, synced: bytes) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = invoke(kb_root, f"http://127.0.0.1:{port}", env=TOKEN)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert state_bytes(kb_root) == synced  # not even `source` moved to the unreachable URL


# -- misbehaving servers and hostile settings ------------------------------------------------------------
def test_a_link_to_the_same_page_stops_at_once(kb_root: Path, gh: FakeGitHub, synced: bytes) -> None:
    gh.change(REPO, [5])
    gh.self_link = True
    result = invoke(kb_root, gh.url, env=TOKEN)
    assert result.exit_code == 2
    assert 'links (rel="next") to a page already read' in result.stderr
    assert gh.count() == 1
    # the page itself was good: as after every stop, what was fetched before it is kept, whole
    assert "wrote upstream-state.json: 1 change fetched before the stop" in result.stdout
    assert_complete(kb_root)


def test_a_listing_longer_than_the_page_limit_stops(gh: FakeGitHub) -> None:
    gh.seed(REPO, 250)
    with GitHubClient(gh.url, None, max_pages=2) as client:
        pages = client.iter_listing(REPO, "2000-01-01T00:00:00Z")
        assert len(next(pages).issues) == 100
        assert len(next(pages).issues) == 100
        with pytest.raises(MalformedResponseError, match="goes on past 2 pages"):
            next(pages)
    with GitHubClient(gh.url, None, max_pages=3) as client:
        assert sum(len(p.issues) for p in client.iter_listing(REPO, "2000-01-01T00:00:00Z")) == 250


def test_a_server_that_drips_its_answer_meets_the_total_deadline(
    kb_root: Path, gh: FakeGitHub, synced: bytes
) -> None:
    gh.drip(0.2, times=4)  # a few hundred bytes at five a second: a minute per answer
    started = time.monotonic()
    result = invoke(kb_root, gh.url, "--timeout", "1", env=TOKEN)
    elapsed = time.monotonic() - started
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: GitHub timed out for GET /repos/acme/widget/issues on 4 attempts; try again later\n"
    )
    assert elapsed < 12  # four attempts of one second, not four minutes
    assert state_bytes(kb_root) == synced


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("X-RateLimit-Reset", "soon"),
        ("X-RateLimit-Reset", "9" * 40),
        ("X-RateLimit-Remaining", "1e999"),
        ("X-RateLimit-Limit", "-5"),
    ],
)
def test_unusable_rate_limit_headers_are_unknown_with_a_warning(
    kb_root: Path, gh: FakeGitHub, synced: bytes, name: str, value: str
) -> None:
    gh.change(REPO, [5])
    gh.extra_headers = {name: value}
    result = invoke(kb_root, gh.url, env=TOKEN)
    assert result.exit_code == 0, result.output
    assert f"warning: the server sent an unusable {name} header" in result.stderr
    assert "rate limit is taken as unknown" in result.stderr
    assert f"{REPO}#5: changed" in result.stdout
    assert_complete(kb_root)


def test_an_absurd_retry_after_still_says_when_in_words(kb_root: Path, gh: FakeGitHub, synced: bytes) -> None:
    gh.change(REPO, [5])
    gh.limit_after(0, secondary=True)
    gh.extra_headers = {"Retry-After": "9" * 5000, "X-RateLimit-Reset": "9" * 5000}
    result = invoke(kb_root, gh.url, env=TOKEN)
    assert result.exit_code == 2
    assert "rate limit is used up" in result.stderr
    assert "run the sync again later" in result.stderr
    assert "Traceback" not in result.output
    assert state_bytes(kb_root) == synced


@pytest.mark.parametrize(
    ("value", "what"),
    [("ghp_abc\ndef", "a space or line break"), ("ghp_täst", "the character U+00E4"), ("a b", "a space")],
)
def test_a_token_that_cannot_be_sent_is_refused_naming_its_variable(
    kb_root: Path, gh: FakeGitHub, synced: bytes, value: str, what: str
) -> None:
    result = invoke(kb_root, gh.url, env={"GITHUB_TOKEN": value})
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: the token in GITHUB_TOKEN holds {what}")
    assert "printable ASCII without spaces" in result.stderr
    assert value not in result.output
    assert gh.count() == 0
    assert state_bytes(kb_root) == synced


def test_a_number_too_long_for_python_is_a_malformed_answer(
    kb_root: Path, gh: FakeGitHub, synced: bytes
) -> None:
    gh.change(REPO, [5])
    gh.malformed(body='[{"number": ' + "9" * 5000 + "}]")
    result = invoke(kb_root, gh.url, env=TOKEN)
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: the answer to GET /repos/acme/widget/issues holds a number too long or nesting too deep to read\n"
    )
    assert state_bytes(kb_root) == synced


def test_user_info_in_the_api_url_is_neither_shown_nor_stored(kb_root: Path, gh: FakeGitHub) -> None:
    gh.seed(REPO, 3)
    track(kb_root, [1, 2])
    with_password = gh.url.replace("http://", "http://alice:Pa55word@")
    result = invoke(kb_root, with_password, env=TOKEN)
    assert result.exit_code == 0, result.output
    assert "GITHUB_API_URL holds a user name or password" in result.stderr
    assert "Pa55word" not in result.output
    assert "alice" not in result.output
    state = state_bytes(kb_root).decode()
    assert "Pa55word" not in state and "alice" not in state
    assert f'"source": "{gh.url}"' in state
    gh.stop()  # now unreachable: the error names the URL without the password
    failed = invoke(kb_root, with_password, "--full", env=TOKEN)
    assert failed.exit_code == 2
    assert "cannot reach http://127.0.0.1:" in failed.stderr
    assert "Pa55word" not in failed.output


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999", "http://127.0.0.1:port"])
def test_a_port_out_of_range_is_one_line(kb_root: Path, url: str) -> None:
    track(kb_root, [1])
    result = invoke(kb_root, url)
    assert result.exit_code == 2
    assert "Error: the GitHub API URL " in result.stderr
    assert "port" in result.stderr
    assert "Traceback" not in result.output
    assert not (kb_root / "upstream-state.json").exists()
