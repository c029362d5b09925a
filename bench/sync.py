"""Sync request counts against the fake GitHub API (tests/fakegithub.py, real HTTP on 127.0.0.1).

For `n` tracked issues: `issuekb sync` on the first run, on a run where nothing changed upstream and on
a run where 10 issues changed, against the naive loop a user would write with PyGithub (one `get_issue`
per tracked issue, every run). Request counts are exact; the times are those of a local server and show
only the client's own cost.
"""

from __future__ import annotations

import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.synth import UPSTREAM

TESTS = Path(__file__).resolve().parent.parent / "tests"
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from fakegithub import FakeGitHub  # noqa: E402 - tests/ is on the path only from here on
from syncenv import invoke, track  # noqa: E402

__all__ = ["SyncRow", "measure_sync"]

#: (scenario, how many issues change upstream before the run; None: the first run)
SCENARIOS = (("first sync", None), ("nothing changed", 0), ("10 changed", 10))
_MKDOCS = f"site_name: sync bench\nplugins:\n  - issuekb:\n      upstream: {UPSTREAM}\n"


@dataclass(frozen=True, slots=True)
class SyncRow:
    """One scenario: requests and seconds of `issuekb sync` and of the naive loop."""

    scenario: str
    issues: int
    sync_requests: int
    sync_seconds: float
    naive_requests: int
    naive_seconds: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _naive(url: str, issues: list[int]) -> None:
    """What a user would write: fetch every tracked issue, one request each, on every run.

    PyGithub waits 0.25 s between requests by default (250 s for 1,000 issues); the benchmark counts
    requests, so it turns the wait off.
    """
    from github import Auth, Github

    client = Github(base_url=url, auth=Auth.Token("bench-token"), per_page=100, seconds_between_requests=None)
    repo = client.get_repo(UPSTREAM, lazy=True)
    for number in issues:
        issue = repo.get_issue(number)
        _ = (issue.state, issue.title, issue.updated_at)
    client.close()


def measure_sync(workdir: Path, n: int = 1000) -> list[SyncRow]:
    """Run the three scenarios for `n` tracked issues; the knowledge base lives in `workdir`."""
    root = workdir / "sync-kb"
    root.mkdir(parents=True)
    (root / "mkdocs.yml").write_text(_MKDOCS, encoding="utf-8")
    issues = list(range(1, n + 1))
    track(root, issues)
    rows: list[SyncRow] = []
    with FakeGitHub() as gh:
        gh.seed(UPSTREAM, n + n // 10)  # upstream has more issues than the knowledge base tracks
        for scenario, changes in SCENARIOS:
            if changes:
                gh.change(UPSTREAM, changes)
            gh.clear_log()
            start = time.perf_counter()
            result = invoke(root, gh.url, env={"GH_TOKEN": "bench-token"})
            sync_seconds = time.perf_counter() - start
            if result.exit_code != 0:
                raise RuntimeError(f"issuekb sync failed ({scenario}): {result.output}")
            sync_requests = gh.count()
            gh.clear_log()
            start = time.perf_counter()
            _naive(gh.url, issues)
            naive_seconds = time.perf_counter() - start
            rows.append(SyncRow(scenario, n, sync_requests, sync_seconds, gh.count(), naive_seconds))
    return rows
