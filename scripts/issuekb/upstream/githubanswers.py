"""What GitHub's answers mean to sync: plain records, or `GitHubError` values with one-line messages.

`issuekb.upstream.github` sends the requests and hands what comes back to these functions: a JSON body
to read, an issue, a pull request or a listing page to turn into records, a Link header to follow, an
answer sync cannot use (401, a rate limit, any other status) or a failure to reach the server. Each
returns its value or raises (or returns) a `GitHubError`; no I/O, no PyGithub.

Messages name an endpoint by its path only (`endpoint`: no scheme, host or credentials) and quote
nothing of an answer but GitHub's own `message`, on one line of at most 200 characters.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests

from issuekb.upstream.apirecords import (
    MalformedDataError,
    http_date,
    is_pull,
    issue_from_api,
    pull_from_api,
    pull_from_listing,
    repo_of,
)
from issuekb.upstream.githubtypes import (
    AuthError,
    GitHubError,
    MalformedResponseError,
    RateLimitedError,
    RequestStats,
)
from issuekb.upstream.httpguard import rate_value
from issuekb.upstream.state import IssueState, PullState

__all__ = [
    "Response",
    "answer_error",
    "endpoint",
    "issue_record",
    "listing_records",
    "network_reason",
    "next_link",
    "pull_record",
    "rate_limited",
    "read_json",
    "repo_in",
]

_LINK_RE = re.compile(r'<(?P<url>[^>]+)>\s*;\s*rel="?(?P<rel>[a-z]+)"?')


@dataclass(frozen=True, slots=True)
class Response:
    """One HTTP answer: its status, its headers (names in lower case) and its body as text."""

    status: int
    headers: Mapping[str, str]
    body: str


def endpoint(url: str) -> str:
    """A URL without scheme and host (messages name the endpoint, never credentials)."""
    parts = urllib.parse.urlparse(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# -- answers sync can use -------------------------------------------------------------------------------
def read_json(response: Response, url: str) -> Any:
    """The body of the answer to GET `url` as JSON; `MalformedResponseError` when it cannot be read."""
    try:
        return json.loads(response.body)
    except json.JSONDecodeError as exc:
        raise MalformedResponseError(
            f"the answer to GET {endpoint(url)} is not valid JSON ({exc.msg} at line {exc.lineno} "
            f"column {exc.colno})"
        ) from None
    except (ValueError, RecursionError):  # a number of more than 4,300 digits, or absurd nesting
        raise MalformedResponseError(
            f"the answer to GET {endpoint(url)} holds a number too long or nesting too deep to read"
        ) from None


def issue_record(data: Any, url: str) -> IssueState:
    """The issue that GET `url` (a path) answered; `MalformedResponseError` when `data` is not one."""
    try:
        return issue_from_api(data)
    except MalformedDataError as exc:
        raise MalformedResponseError(f"the answer to GET {url} is not an issue: {exc}") from None


def repo_in(data: object) -> str | None:
    """`owner/name` of the repository an issue object says it is in; None when it does not say."""
    return repo_of(data) if isinstance(data, dict) else None


def pull_record(data: Any, url: str) -> PullState:
    """The pull request that GET `url` (a path) answered; `MalformedResponseError` when `data` is not one."""
    try:
        return pull_from_api(data)
    except MalformedDataError as exc:
        raise MalformedResponseError(f"the answer to GET {url} is not a pull request: {exc}") from None


def listing_records(data: Any, url: str) -> tuple[list[IssueState], dict[int, PullState | None]]:
    """One page of an issue listing (the answer to GET `url`): every item as an issue record, in order,
    and the pull requests among them by number. `MalformedResponseError` when `data` is not a list of
    issues, naming the first malformed item's problem."""
    if not isinstance(data, list):
        raise MalformedResponseError(f"the answer to GET {endpoint(url)} is not a JSON list of issues")
    issues: list[IssueState] = []
    pulls: dict[int, PullState | None] = {}
    try:
        for item in data:
            issues.append(issue_from_api(item))
            if is_pull(item):
                pulls[issues[-1].number] = pull_from_listing(item)
    except MalformedDataError as exc:
        raise MalformedResponseError(
            f"the answer to GET {endpoint(url)} holds a malformed issue: {exc}"
        ) from None
    return issues, pulls


def next_link(header: str | None, url: str, base_url: str) -> str:
    """The `rel="next"` URL of a Link header ('' at the last page). It must point into the API at
    `base_url` (same scheme, host and port), else `MalformedResponseError`."""
    base = urllib.parse.urlparse(base_url)
    for match in _LINK_RE.finditer(header or ""):
        if match.group("rel") != "next":
            continue
        link = urllib.parse.urlparse(match.group("url"))
        if (link.scheme, link.hostname, link.port) != (base.scheme, base.hostname, base.port):
            raise MalformedResponseError(f"the answer to GET {endpoint(url)} links outside {base_url}")
        return match.group("url")
    return ""


# -- answers and failures that stop the sync ----------------------------------------------------------
def answer_error(response: Response, what: str, token_origin: str | None, stats: RequestStats) -> GitHubError:
    """The error for an answer to `what` (e.g. `GET /repos/o/r/issues/1`) that sync cannot use: 401 is
    an `AuthError` naming where the token came from (`token_origin`, None for no token), a used-up rate
    limit a `RateLimitedError` (see `rate_limited`), anything else a `GitHubError` with the status."""
    message = _message(response.body)
    status = response.status
    headers = response.headers
    if status == 401:
        source = f"the token from {token_origin}" if token_origin else "the anonymous request"
        return AuthError(
            f"GitHub rejected {source} (401 {message or 'Unauthorized'}): it is invalid, expired or revoked"
        )
    limited = status == 429 or (
        status == 403 and (headers.get("x-ratelimit-remaining") == "0" or "rate limit" in message.lower())
    )
    if limited:
        return rate_limited(headers, stats)
    return GitHubError(f"GitHub answered {status} to {what}" + (f": {message}" if message else ""))


def _message(body: str) -> str:
    """GitHub's `message` of an error answer, on one short line."""
    try:
        data = json.loads(body) if body else None
    except (ValueError, RecursionError):
        return ""
    message = data.get("message") if isinstance(data, dict) else None
    return " ".join(str(message).split())[:200] if message else ""


def network_reason(exc: requests.RequestException) -> str:
    """Why the server could not be reached, in a few words: a known cause, else the exception's class
    name (never the exception's text)."""
    text = str(exc)
    for needle, reason in (
        ("Connection refused", "connection refused"),
        ("Name or service not known", "host name not found"),
        ("Temporary failure in name resolution", "host name not found"),
        ("Network is unreachable", "network unreachable"),
        ("No route to host", "no route to host"),
        ("CERTIFICATE_VERIFY_FAILED", "TLS certificate not trusted"),
    ):
        if needle in text:
            return reason
    return type(exc).__name__


def rate_limited(headers: Mapping[str, str], stats: RequestStats) -> RateLimitedError:
    """The error for a used-up rate limit, with when to try again: the answer's `Date` plus its
    `Retry-After`, else the limit's reset time in `stats`, else unknown ("later")."""
    now = http_date(headers.get("date"))
    resume: dt.datetime | None = None
    retry_after = rate_value("Retry-After", headers.get("retry-after"), [])
    with contextlib.suppress(ValueError, OverflowError, OSError):  # past the year 9999: unknown
        if retry_after is not None and now:
            resume = dt.datetime.fromisoformat(now.replace("Z", "+00:00")) + dt.timedelta(seconds=retry_after)
        elif stats.reset is not None:
            resume = dt.datetime.fromtimestamp(stats.reset, dt.UTC)
    when = f"after {resume.strftime('%Y-%m-%d %H:%M:%S UTC')}" if resume else "later"
    used = f" ({stats.limit} requests an hour)" if stats.limit else ""
    return RateLimitedError(f"GitHub's rate limit is used up{used}; run the sync again {when}", resume)
