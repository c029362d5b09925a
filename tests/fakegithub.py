"""A fake GitHub REST API over real HTTP, for tests and benchmarks (standard library only).

`FakeGitHub` runs a `ThreadingHTTPServer` on 127.0.0.1 with a random port and a virtual clock, and logs
every request, so a test can assert exactly what a client asked. Unmodified PyGithub talks to it through
`GITHUB_API_URL` (or `base_url`). It serves:

- `GET /repos/{o}/{r}/issues` (state, since, sort, direction, per_page, page; Link headers; pull requests
  mixed in with a `pull_request` key; ETag and 304 on If-None-Match);
- `GET /repos/{o}/{r}/issues/{n}` (ETag and 304; 301 to `/repositories/{id}/issues/{m}` for a
  transferred issue; 404 or 410 for a deleted one), `GET /repositories/{id}/issues/{n}`;
- `GET /repos/{o}/{r}/pulls/{n}` (merged or not), `GET /repos/{o}/{r}`, `GET /rate_limit`;
- rate-limit headers on every answer (304 answers do not use up the limit, as on GitHub), 403 and 429
  when the limit is used up, 401 for a token it does not accept, and scripted faults: 5xx bursts,
  malformed JSON, slow answers.

From Python:

    with FakeGitHub() as gh:
        gh.seed("acme/widget", 500)          # issues #1..#500
        ... sync against gh.url ...
        gh.change("acme/widget", 3)          # three of them change (the clock moves on)
        gh.clear_log()
        ... sync again ...
        assert gh.count() == 2

Standalone: `python tests/fakegithub.py --repo acme/widget --issues 1000` prints its URL and serves until
interrupted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import email.utils
import hashlib
import json
import threading
import urllib.parse
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["FakeGitHub", "FakeIssue", "LoggedRequest"]

START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_iso(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


@dataclass(slots=True)
class FakeIssue:
    """One issue (or pull request, `pull=True`) of a fake repository."""

    number: int
    title: str
    updated_at: dt.datetime
    created_at: dt.datetime
    state: str = "open"
    state_reason: str | None = None
    labels: list[str] = field(default_factory=list)
    author: str | None = "octocat"
    closed_at: dt.datetime | None = None
    comments: int = 0
    locked: bool = False
    pull: bool = False
    merged_at: dt.datetime | None = None
    #: False emulates servers whose issue listings do not say whether a pull request was merged
    listing_says_merged: bool = True


@dataclass(slots=True)
class _Repo:
    name: str
    id: int
    issues: dict[int, FakeIssue] = field(default_factory=dict)
    gone: dict[int, int] = field(default_factory=dict)  # number -> 404 or 410
    moved: dict[int, tuple[str, int]] = field(default_factory=dict)  # number -> (repo, number)


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    """One request as the server saw it."""

    method: str
    path: str
    query: dict[str, str]
    if_none_match: str | None
    token: str | None
    status: int


@dataclass(slots=True)
class _Fault:
    status: int
    body: str
    headers: dict[str, str]
    delay: float = 0.0
    path: str | None = None
    #: seconds between two bytes of the answer (a server that drips its answer)
    drip: float = 0.0


class FakeGitHub:
    """The fake API. Use as a context manager (starts and stops the server); thread-safe."""

    def __init__(self, *, tokens: Iterable[str] | None = None, limit: int | None = None) -> None:
        #: accepted tokens; None accepts any token (and anonymous requests always pass)
        self.tokens = set(tokens) if tokens is not None else None
        self.now = START
        self.log: list[LoggedRequest] = []
        self._repos: dict[str, _Repo] = {}
        self._faults: deque[_Fault] = deque()
        self._limit = limit
        self._used = 0
        self._secondary = False
        #: headers added to (or replacing those of) every answer, e.g. unusable rate-limit values
        self.extra_headers: dict[str, str] = {}
        #: True: every listing page links (rel="next") to itself
        self.self_link = False
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------------
    def start(self, port: int = 0) -> FakeGitHub:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = _Server(("127.0.0.1", port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="fakegithub", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "start the server first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # -- content -----------------------------------------------------------------------------------
    def repo(self, name: str) -> _Repo:
        with self._lock:
            key = name.lower()
            if key not in self._repos:
                self._repos[key] = _Repo(name, 1000 + len(self._repos))
            return self._repos[key]

    def add(self, repo: str, number: int, **fields: Any) -> FakeIssue:
        """Add (or replace) one issue; its times default to one minute before the clock."""
        with self._lock:
            earlier = self.now - dt.timedelta(minutes=1)
            values: dict[str, Any] = {
                "title": f"Issue {number}",
                "created_at": earlier,
                "updated_at": earlier,
            }
            values.update(fields)
            issue = FakeIssue(number=number, **values)
            self.repo(repo).issues[number] = issue
            return issue

    def seed(self, repo: str, count: int, *, start: int = 1, pulls_every: int = 0) -> list[int]:
        """Add `count` issues numbered from `start`, updated one minute apart in the past; every
        `pulls_every`-th one is a pull request."""
        numbers = list(range(start, start + count))
        with self._lock:
            for i, number in enumerate(numbers):
                moment = self.now - dt.timedelta(minutes=2 + count - i)
                self.add(
                    repo,
                    number,
                    title=f"Issue {number}: something is broken",
                    created_at=moment - dt.timedelta(days=1),
                    updated_at=moment,
                    labels=["bug"] if number % 3 == 0 else [],
                    comments=number % 7,
                    pull=bool(pulls_every) and number % pulls_every == 0,
                )
        return numbers

    def tick(self, seconds: int = 60) -> dt.datetime:
        """Move the virtual clock on."""
        with self._lock:
            self.now += dt.timedelta(seconds=seconds)
            return self.now

    def change(self, repo: str, which: int | Iterable[int], **fields: Any) -> list[int]:
        """Change issues (a count, spread evenly, or the given numbers): one more comment, or `fields`.
        The clock moves on a minute, then one second per issue, which becomes that issue's `updated_at`."""
        with self._lock:
            issues = self.repo(repo).issues
            if isinstance(which, int):
                ordered = sorted(issues)
                step = max(len(ordered) // max(which, 1), 1)
                numbers = ordered[::step][:which]
            else:
                numbers = list(which)
            self.tick()
            for number in numbers:
                issue = issues[number]
                for key, value in (fields or {"comments": issue.comments + 1}).items():
                    setattr(issue, key, value)
                issue.updated_at = self.tick(1)
            return numbers

    def close(self, repo: str, number: int, reason: str = "completed") -> None:
        now = self.tick()
        self.change(repo, [number], state="closed", state_reason=reason, closed_at=now)

    def merge(self, repo: str, number: int) -> None:
        now = self.tick()
        self.change(repo, [number], state="closed", closed_at=now, merged_at=now)

    def transfer(self, repo: str, number: int, to_repo: str, to_number: int) -> None:
        """Move an issue to another repository: the old URL answers 301."""
        with self._lock:
            issue = self.repo(repo).issues.pop(number)
            issue.number, issue.updated_at = to_number, self.tick()
            self.repo(to_repo).issues[to_number] = issue
            self.repo(repo).moved[number] = (to_repo, to_number)

    def delete(self, repo: str, number: int, status: int = 410) -> None:
        with self._lock:
            self.repo(repo).issues.pop(number, None)
            self.repo(repo).gone[number] = status

    # -- faults ------------------------------------------------------------------------------------
    def fail(self, times: int = 1, status: int = 502, *, path: str | None = None, delay: float = 0.0) -> None:
        """The next `times` requests (to `path` only, when given) answer `status` (5xx by default)."""
        body = json.dumps({"message": "Server Error"}) if status else ""
        with self._lock:
            self._faults.extend(_Fault(status, body, {}, delay, path) for _ in range(times))

    def malformed(
        self, times: int = 1, *, path: str | None = None, body: str = '[{"number": 1, "title": '
    ) -> None:
        """The next `times` requests answer 200 with `body`, by default one that is not JSON."""
        with self._lock:
            self._faults.extend(_Fault(200, body, {}, 0.0, path) for _ in range(times))

    def slow(self, seconds: float, times: int = 1) -> None:
        """The next `times` requests are answered normally, after `seconds`."""
        with self._lock:
            self._faults.extend(_Fault(0, "", {}, seconds) for _ in range(times))

    def drip(self, seconds_per_byte: float, times: int = 1) -> None:
        """The next `times` requests are answered normally, one byte every `seconds_per_byte`."""
        with self._lock:
            self._faults.extend(_Fault(0, "", {}, drip=seconds_per_byte) for _ in range(times))

    def limit_after(self, requests: int, *, secondary: bool = False) -> None:
        """Allow `requests` more counted requests, then 403 (or 429 with Retry-After when `secondary`)."""
        with self._lock:
            self._limit = self._used + requests
            self._secondary = secondary

    # -- the log -----------------------------------------------------------------------------------
    def clear_log(self) -> None:
        with self._lock:
            self.log.clear()

    def count(self, path: str | None = None, status: int | None = None) -> int:
        """Requests logged (to paths starting with `path`, answered `status`)."""
        with self._lock:
            return sum(
                1
                for r in self.log
                if (path is None or r.path.startswith(path)) and (status is None or r.status == status)
            )

    # -- serving -----------------------------------------------------------------------------------
    def _headers(self, token_ok: bool, counted: bool) -> dict[str, str]:
        limit = self._limit if self._limit is not None else (5000 if token_ok else 60)
        if counted:
            self._used += 1
        reset = int((self.now + dt.timedelta(hours=1)).timestamp())
        return {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(max(limit - self._used, 0)),
            "X-RateLimit-Reset": str(reset),
            "X-RateLimit-Used": str(self._used),
            "X-RateLimit-Resource": "core",
        }

    def _issue_json(self, repo: _Repo, issue: FakeIssue, *, listing: bool) -> dict[str, Any]:
        api = f"{self.url}/repos/{repo.name}"
        kind = "pull" if issue.pull else "issues"
        data: dict[str, Any] = {
            "url": f"{api}/issues/{issue.number}",
            "repository_url": api,
            "html_url": f"https://github.com/{repo.name}/{kind}/{issue.number}",
            "number": issue.number,
            "title": issue.title,
            "state": issue.state,
            "state_reason": issue.state_reason,
            "user": {"login": issue.author} if issue.author else None,
            "labels": [{"name": name} for name in issue.labels],
            "comments": issue.comments,
            "locked": issue.locked,
            "created_at": _iso(issue.created_at),
            "updated_at": _iso(issue.updated_at),
            "closed_at": _iso(issue.closed_at) if issue.closed_at else None,
        }
        if issue.pull:
            pull: dict[str, Any] = {"url": f"{api}/pulls/{issue.number}"}
            if issue.listing_says_merged or not listing:
                pull["merged_at"] = _iso(issue.merged_at) if issue.merged_at else None
            data["pull_request"] = pull
        return data

    def _pull_json(self, repo: _Repo, issue: FakeIssue) -> dict[str, Any]:
        return {
            "url": f"{self.url}/repos/{repo.name}/pulls/{issue.number}",
            "html_url": f"https://github.com/{repo.name}/pull/{issue.number}",
            "number": issue.number,
            "state": issue.state,
            "title": issue.title,
            "merged": issue.merged_at is not None,
            "merged_at": _iso(issue.merged_at) if issue.merged_at else None,
            "updated_at": _iso(issue.updated_at),
            "user": {"login": issue.author},
        }

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        """(status, JSON body or None, extra headers) for a GET; no faults, no rate limit, no log."""
        parts = [urllib.parse.unquote(p) for p in path.strip("/").split("/")]
        with self._lock:
            if parts == ["rate_limit"]:
                return 200, {"resources": {"core": {}}, "rate": {}}, {}
            if len(parts) == 4 and parts[0] == "repositories" and parts[2] == "issues" and parts[3].isdigit():
                found = next((r for r in self._repos.values() if str(r.id) == parts[1]), None)
                if found is None or int(parts[3]) not in found.issues:
                    return 404, {"message": "Not Found"}, {}
                return 200, self._issue_json(found, found.issues[int(parts[3])], listing=False), {}
            key = "/".join(parts[1:3]).lower()
            if len(parts) < 3 or parts[0] != "repos" or key not in self._repos:
                return 404, {"message": "Not Found"}, {}
            repo = self._repos[key]
            rest = parts[3:]
            if not rest:
                return 200, {"id": repo.id, "full_name": repo.name}, {}
            if rest == ["issues"]:
                return self._listing(repo, path, query)
            if len(rest) == 2 and rest[0] in ("issues", "pulls") and rest[1].isdigit():
                number = int(rest[1])
                if rest[0] == "issues" and number in repo.moved:
                    to_repo, to_number = repo.moved[number]
                    location = f"{self.url}/repositories/{self.repo(to_repo).id}/issues/{to_number}"
                    return 301, {"message": "Moved Permanently", "url": location}, {"Location": location}
                if number in repo.gone:
                    status = repo.gone[number]
                    return status, {"message": "This issue was deleted" if status == 410 else "Not Found"}, {}
                issue = repo.issues.get(number)
                if issue is None or (rest[0] == "pulls" and not issue.pull):
                    return 404, {"message": "Not Found"}, {}
                if rest[0] == "pulls":
                    return 200, self._pull_json(repo, issue), {}
                return 200, self._issue_json(repo, issue, listing=False), {}
            return 404, {"message": "Not Found"}, {}

    def _listing(self, repo: _Repo, path: str, query: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        items = list(repo.issues.values())
        state = query.get("state", "open")
        if state != "all":
            items = [i for i in items if i.state == state]
        if "since" in query:
            try:
                since = _parse_iso(query["since"])
            except ValueError:
                return 422, {"message": "Validation Failed"}, {}
            items = [i for i in items if i.updated_at >= since]
        key = "created_at" if query.get("sort") == "created" else "updated_at"
        items.sort(
            key=lambda i: (getattr(i, key), i.number), reverse=query.get("direction", "desc") == "desc"
        )
        per_page = min(max(int(query.get("per_page", "30")), 1), 100)
        page = max(int(query.get("page", "1")), 1)
        last = max((len(items) + per_page - 1) // per_page, 1)
        chosen = items[(page - 1) * per_page : page * per_page]
        links = []
        next_page = page if self.self_link else page + 1
        for rel, target in (("prev", page - 1), ("next", next_page), ("last", last), ("first", 1)):
            if (rel in ("prev", "first") and page > 1) or (
                rel in ("next", "last") and (page < last or self.self_link)
            ):
                url = f"{self.url}{path}?" + urllib.parse.urlencode({**query, "page": str(target)})
                links.append(f'<{url}>; rel="{rel}"')
        headers = {"Link": ", ".join(links)} if links else {}
        return 200, [self._issue_json(repo, i, listing=True) for i in chosen], headers

    def handle(self, handler: _Handler) -> None:
        parsed = urllib.parse.urlparse(handler.path)
        query = {k: v[-1] for k, v in urllib.parse.parse_qs(parsed.query).items()}
        auth = handler.headers.get("Authorization")
        token = auth.split(None, 1)[1] if auth and " " in auth else None
        etag_asked = handler.headers.get("If-None-Match")
        with self._lock:
            fault = next((f for f in self._faults if f.path is None or parsed.path.startswith(f.path)), None)
            if fault is not None:
                self._faults.remove(fault)
        if fault is not None and fault.delay:
            threading.Event().wait(fault.delay)
        with self._lock:
            token_ok = token is None or self.tokens is None or token in self.tokens
            status, extra, text = self._respond(parsed.path, query, token, token_ok, etag_asked, fault)
            self.log.append(LoggedRequest("GET", parsed.path, query, etag_asked, token, status))
        payload = text.encode("utf-8") if status != 304 else b""
        if fault is not None and fault.drip:
            self._drip(handler, status, {**extra, **self.extra_headers}, payload, fault.drip)
            return
        handler.send_response(status)
        for name, value in {**extra, **self.extra_headers}.items():
            handler.send_header(name, value)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    @staticmethod
    def _drip(handler: _Handler, status: int, headers: dict[str, str], payload: bytes, pause: float) -> None:
        """The whole answer, status line and headers included, one byte at a time."""
        lines = [f"HTTP/1.1 {status} OK", *(f"{k}: {v}" for k, v in headers.items())]
        lines += ["Content-Type: application/json; charset=utf-8", f"Content-Length: {len(payload)}"]
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + payload
        try:
            for i in range(len(raw)):
                handler.wfile.write(raw[i : i + 1])
                handler.wfile.flush()
                threading.Event().wait(pause)
        except OSError:  # the client gave up
            handler.close_connection = True

    def _respond(
        self,
        path: str,
        query: dict[str, str],
        token: str | None,
        token_ok: bool,
        etag: str | None,
        fault: _Fault | None,
    ) -> tuple[int, dict[str, str], str]:
        if not token_ok:
            return 401, self._headers(False, False), json.dumps({"message": "Bad credentials"})
        if path == "/rate_limit":
            headers = self._headers(token is not None, False)
            return 200, headers, json.dumps({"rate": {"remaining": int(headers["X-RateLimit-Remaining"])}})
        if fault is not None and fault.status:
            return fault.status, self._headers(token is not None, True), fault.body
        limit = self._limit if self._limit is not None else (5000 if token else 60)
        if self._used >= limit:
            headers = self._headers(token is not None, False)
            if self._secondary:
                headers["Retry-After"] = "60"
                message = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
                return 429, headers, json.dumps({"message": message})
            return 403, headers, json.dumps({"message": "API rate limit exceeded for 127.0.0.1."})
        status, body, extra = self.answer(path, query)
        text = json.dumps(body, sort_keys=True)
        extra = dict(extra)
        if status == 200:
            tag = 'W/"' + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest() + '"'
            extra["ETag"] = tag
            if etag == tag:
                return 304, {**self._headers(token is not None, False), **extra}, ""
        return status, {**self._headers(token is not None, True), **extra}, text


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (a timeout test) closes the socket before the answer: not an error."""


class _Handler(BaseHTTPRequestHandler):
    fake: FakeGitHub
    protocol_version = "HTTP/1.1"
    # one buffered write per answer, no Nagle: otherwise every request waits ~40 ms for a delayed ACK
    wbufsize = -1
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self.fake.handle(self)

    def date_time_string(self, timestamp: float | None = None) -> str:
        return email.utils.format_datetime(self.fake.now, usegmt=True)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
        pass


def _iter_requests(log: Iterable[LoggedRequest]) -> Iterator[str]:
    for r in log:
        yield f"{r.status} GET {r.path}" + (f"?{urllib.parse.urlencode(r.query)}" if r.query else "")


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve a fake GitHub REST API on 127.0.0.1.")
    parser.add_argument("--repo", default="acme/widget")
    parser.add_argument("--issues", type=int, default=100)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    fake = FakeGitHub()
    fake.seed(args.repo, args.issues)
    fake.start(args.port)
    print(f"GITHUB_API_URL={fake.url}  ({args.issues} issues in {args.repo}; Ctrl-C stops)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
        for line in _iter_requests(fake.log):
            print(line)


if __name__ == "__main__":
    main()
