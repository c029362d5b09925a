"""The GitHub adapter's plain values: errors, answers, the token lookup. No PyGithub here.

`issuekb.upstream.github` (the only module that imports PyGithub) returns and raises these, and re-exports them;
code that only needs to name them (sync's orchestration, messages) imports them from here.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from issuekb.upstream.state import IssueState, PullState

__all__ = [
    "DEFAULT_API_URL",
    "AuthError",
    "GitHubError",
    "IssueFetch",
    "ListingPage",
    "MalformedResponseError",
    "NetworkError",
    "PullFetch",
    "RateLimitedError",
    "RepoNotFoundError",
    "RequestStats",
    "ServerError",
    "Token",
    "TokenError",
    "api_url",
    "find_token",
    "public_url",
]

DEFAULT_API_URL = "https://api.github.com"


# -- errors --------------------------------------------------------------------------------------------
class GitHubError(Exception):
    """Sync cannot go on; `str(error)` is one line for the user."""


class NetworkError(GitHubError):
    """The API cannot be reached (no network, wrong GITHUB_API_URL, timeouts on every attempt)."""


class AuthError(GitHubError):
    """GitHub answered 401: the token is invalid, expired or revoked."""


class ServerError(GitHubError):
    """GitHub kept answering 5xx after every retry."""


class MalformedResponseError(GitHubError):
    """An answer is not the JSON GitHub documents."""


class RepoNotFoundError(GitHubError):
    """The repository does not exist or is not visible to this token (404 on its issue listing)."""


class TokenError(GitHubError):
    """The token cannot be sent in an HTTP header (a space, a line break, a character beyond ASCII)."""


class RateLimitedError(GitHubError):
    """GitHub's rate limit is used up (403 with X-RateLimit-Remaining: 0, or 429)."""

    def __init__(self, message: str, resume_at: dt.datetime | None) -> None:
        super().__init__(message)
        self.resume_at = resume_at


# -- plain records ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Token:
    """A GitHub token and where it came from; the value never shows in a repr."""

    value: str = field(repr=False)
    origin: str


@dataclass(slots=True)
class RequestStats:
    """Every HTTP request this client sent (retries and followed redirects included)."""

    requests: int = 0
    not_modified: int = 0
    retries: int = 0
    remaining: int | None = None
    limit: int | None = None
    reset: int | None = None  # epoch seconds, as GitHub sends it


@dataclass(frozen=True, slots=True)
class IssueFetch:
    """The answer to a conditional `GET /repos/{o}/{r}/issues/{n}`."""

    kind: Literal["ok", "not_modified", "transferred", "deleted"]
    record: IssueState | None = None
    etag: str | None = None
    status: int = 200
    moved_to: str | None = None  # "owner/name#N" for a transfer


@dataclass(frozen=True, slots=True)
class PullFetch:
    """The answer to a conditional `GET /repos/{o}/{r}/pulls/{n}`."""

    kind: Literal["ok", "not_modified", "deleted"]
    record: PullState | None = None
    etag: str | None = None
    status: int = 200


@dataclass(frozen=True, slots=True)
class ListingPage:
    """One page of a `since` listing. Every item is an issue record; pull requests are also in `pulls`
    (None where a closed one does not say whether it was merged)."""

    not_modified: bool
    issues: tuple[IssueState, ...] = ()
    pulls: Mapping[int, PullState | None] = field(default_factory=dict)
    etag: str | None = None


# -- configuration from the environment -------------------------------------------------------------------
def api_url(env: Mapping[str, str]) -> str:
    """`GITHUB_API_URL` (GitHub Enterprise and Actions set it), else the public API."""
    return (env.get("GITHUB_API_URL") or "").strip().rstrip("/") or DEFAULT_API_URL


def public_url(url: str) -> str:
    """`url` without a user name and password (`http://user:pw@host` -> `http://host`): what may be
    shown and stored. The API is never asked with them (the token goes in a header)."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return url.rpartition("@")[2]
    if "@" not in parts.netloc:
        return url
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _check_token(value: str, origin: str) -> Token:
    """A token that can be sent as it is: printable ASCII, no spaces; else a `TokenError` naming where
    it came from (never the value)."""
    bad = next((c for c in value if not ("!" <= c <= "~")), None)
    if bad is not None:
        what = "a space or line break" if bad.isspace() else f"the character U+{ord(bad):04X}"
        raise TokenError(
            f"the token in {origin} holds {what}; a GitHub token is printable ASCII without spaces "
            f"(copy it again, or unset {origin})"
        )
    return Token(value, origin)


def find_token(env: Mapping[str, str], gh: str | None, base_url: str = DEFAULT_API_URL) -> Token | None:
    """`GH_TOKEN`, then `GITHUB_TOKEN`, then `gh auth token` when the `gh` CLI (path `gh`) exists.

    Raises `TokenError` when the token found cannot be sent in a header."""
    for name in ("GH_TOKEN", "GITHUB_TOKEN"):
        value = (env.get(name) or "").strip()
        if value:
            return _check_token(value, name)
    if not gh:
        return None
    command = [gh, "auth", "token"]
    try:
        host = urllib.parse.urlparse(base_url).hostname or ""
    except ValueError:
        host = ""
    if host and host != "api.github.com":
        command += ["--hostname", host]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=15, check=False, env=dict(env))
    except (OSError, subprocess.SubprocessError):
        return None
    value = done.stdout.strip()
    if done.returncode != 0 or not value:
        return None
    return _check_token(value, "gh auth token")
