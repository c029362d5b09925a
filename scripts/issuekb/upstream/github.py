"""The GitHub adapter: the only module that imports PyGithub. It speaks REST and returns plain records.

PyGithub provides the connection, authentication, user agent and redirect following (`Github.requester`,
`Requester.requestJson`). On top of it this module adds what sync needs, without patching PyGithub:

- conditional requests (`If-None-Match` with a stored ETag) and their 304 answers;
- `since` listings, followed page by page through `Link` headers;
- a total deadline per request (`--timeout` bounds each socket read too, but a server that drips its
  answer a byte at a time would otherwise hold a request for ever), a page limit and a visited set for
  `Link` pagination, and rate-limit headers read defensively (an unusable value is unknown, with a
  warning in `GitHubClient.warnings`);
- its own bounded retry of 5xx answers and timeouts. PyGithub's retry is switched off (`retry=None`) so
  that every HTTP request is counted here, and so that a rate limit stops the sync instead of sleeping
  until the limit resets; PyGithub's pause between requests is switched off too;
- failures as `GitHubError` values with one-line messages (`issuekb.upstream.githubanswers` reads the
  answers and words the errors). The token is held by PyGithub's `Auth.Token` and never appears in a
  message, a record or a log line of ours.
"""

from __future__ import annotations

import logging
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from types import TracebackType

import github
import requests
from github import Auth, Github
from github.Requester import HTTPRequestsConnectionClass, HTTPSRequestsConnectionClass, RequestsResponse

from issuekb.upstream.apirecords import http_date
from issuekb.upstream.githubanswers import (
    Response,
    answer_error,
    endpoint,
    issue_record,
    listing_records,
    network_reason,
    next_link,
    pull_record,
    read_json,
    repo_in,
)
from issuekb.upstream.githubtypes import (
    DEFAULT_API_URL,
    AuthError,
    GitHubError,
    IssueFetch,
    ListingPage,
    MalformedResponseError,
    NetworkError,
    PullFetch,
    RateLimitedError,
    RepoNotFoundError,
    RequestStats,
    ServerError,
    Token,
    TokenError,
    api_url,
    find_token,
    public_url,
)
from issuekb.upstream.httpguard import DeadlineExceeded, deadline, page_key, rate_value

__all__ = [
    "DEFAULT_API_URL",
    "AuthError",
    "GitHubClient",
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
    "quiet_library_logs",
]

USER_AGENT = "issuekb-sync"
#: the longest pause between two attempts of a failed request, in seconds
MAX_DELAY = 30.0
#: the most pages one listing may take (100 issues a page): past it the server is not GitHub's
MAX_PAGES = 1000
#: the headers PyGithub or sync read as numbers, as GitHub spells them
_NUMBER_HEADERS = (
    "X-RateLimit-Remaining",
    "X-RateLimit-Limit",
    "X-RateLimit-Reset",
    "X-RateLimit-Used",
    "Retry-After",
)


def _checked_response(response: RequestsResponse, warnings: list[str]) -> RequestsResponse:
    """`response` with every unusable rate-limit header removed (noted in `warnings`): PyGithub parses
    them with `int(float(...))`, which raises on a word and overflows on a huge number."""
    for name in _NUMBER_HEADERS:
        value = response.headers.get(name)
        if value is not None and rate_value(name, value, warnings) is None:
            del response.headers[name]
    return response


class _Connection(HTTPRequestsConnectionClass):
    """PyGithub's connection over `requests`, whose answers pass `_checked_response`."""

    warnings: list[str]

    def getresponse(self) -> RequestsResponse:
        return _checked_response(super().getresponse(), self.warnings)


class _SecureConnection(HTTPSRequestsConnectionClass):
    """`_Connection` over https."""

    warnings: list[str]

    def getresponse(self) -> RequestsResponse:
        return _checked_response(super().getresponse(), self.warnings)


def quiet_library_logs() -> None:
    """PyGithub logs at INFO to stderr (e.g. every redirect it follows); a CLI wants warnings only."""
    github.set_log_level(logging.WARNING)


# -- the client ----------------------------------------------------------------------------------------
class GitHubClient:
    """A counted, retrying, conditional REST client over PyGithub's requester. Use it as a context manager."""

    def __init__(
        self,
        base_url: str,
        token: Token | None,
        *,
        timeout: int = 30,
        retries: int = 3,
        retry_delay: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        max_pages: int = MAX_PAGES,
    ) -> None:
        self.base_url = public_url(base_url.strip()).rstrip("/")
        base = urllib.parse.urlparse(self.base_url)
        if base.scheme not in ("http", "https") or not base.hostname:
            raise GitHubError(f"the GitHub API URL must be an http or https URL, got {self.base_url!r}")
        try:
            port = base.port
        except ValueError:
            raise GitHubError(
                f"the GitHub API URL {self.base_url!r} names a port outside 1-65535; check GITHUB_API_URL"
            ) from None
        self.timeout = timeout
        self.max_pages = max_pages
        #: what was odd in the answers but did not stop the sync (e.g. an unusable rate-limit header)
        self.warnings: list[str] = []
        connection = _SecureConnection if base.scheme == "https" else _Connection
        self._cnx = connection(base.hostname, port, timeout=timeout, retry=None)
        self._cnx.warnings = self.warnings
        self.token_origin = token.origin if token else None
        self.retries = retries
        self.retry_delay = retry_delay
        self.stats = RequestStats()
        #: the server's `Date` of the newest answer, as canonical ISO 8601 (the sync's notion of "now")
        self.last_date: str | None = None
        self._sleep = sleep
        self._github = Github(
            base_url=self.base_url,
            auth=Auth.Token(token.value) if token else None,
            timeout=timeout,
            user_agent=USER_AGENT,
            per_page=100,
            retry=None,
            seconds_between_requests=None,
            seconds_between_writes=None,
            lazy=True,
        )

    def __enter__(self) -> GitHubClient:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._cnx.close()
        self._github.close()

    # -- requests ----------------------------------------------------------------------------------
    def _get(self, url: str, params: dict[str, str] | None = None, etag: str | None = None) -> Response:
        """One GET, retried on 5xx and timeouts with exponential backoff (bounded by `MAX_DELAY`)."""
        headers = {"Accept": "application/vnd.github+json"}
        if etag:
            headers["If-None-Match"] = etag
        failure = ""
        for attempt in range(self.retries + 1):
            if attempt:
                self.stats.retries += 1
                self._sleep(min(self.retry_delay * 2 ** (attempt - 1), MAX_DELAY))
            self.stats.requests += 1
            try:
                with deadline(self.timeout):
                    status, raw_headers, body = self._github.requester.requestJson(
                        "GET", url, parameters=dict(params or {}), headers=dict(headers), cnx=self._cnx
                    )
            except (requests.Timeout, DeadlineExceeded):
                failure = "timed out"
                continue
            except requests.RequestException as exc:
                raise NetworkError(f"cannot reach {self.base_url} ({network_reason(exc)})") from None
            except (RuntimeError, AssertionError) as exc:  # PyGithub refuses redirects to another host
                raise MalformedResponseError(f"{endpoint(url)}: refused redirect ({exc})") from None
            except (
                UnicodeError,
                ValueError,
                OverflowError,
            ) as exc:  # never the values: they may hold secrets
                raise MalformedResponseError(
                    f"GET {endpoint(url)} on {self.base_url} could not be sent or its answer not read "
                    f"({type(exc).__name__})"
                ) from None
            response = Response(status, {k.lower(): str(v) for k, v in raw_headers.items()}, body)
            self._note(response.headers)
            if status >= 500:
                failure = f"answered {status}"
                continue
            return response
        raise (NetworkError if failure == "timed out" else ServerError)(
            f"GitHub {failure} for GET {endpoint(url)} on {self.retries + 1} attempts; try again later"
        )

    def _note(self, headers: Mapping[str, str]) -> None:
        self.last_date = http_date(headers.get("date")) or self.last_date
        for key in ("remaining", "limit", "reset"):
            value = rate_value(f"X-RateLimit-{key.title()}", headers.get(f"x-ratelimit-{key}"), self.warnings)
            if value is not None:
                setattr(self.stats, key, value)

    def _fail(self, response: Response, what: str) -> GitHubError:
        """The error for an answer to `what` that sync cannot use (see `answer_error`)."""
        return answer_error(response, what, self.token_origin, self.stats)

    # -- endpoints ---------------------------------------------------------------------------------
    def get_issue(self, repo: str, number: int, etag: str | None = None) -> IssueFetch:
        """Conditional GET of one issue; 301 (followed by PyGithub) is a transfer, 404 and 410 a deletion."""
        url = f"/repos/{repo}/issues/{number}"
        response = self._get(url, etag=etag)
        if response.status == 304:
            self.stats.not_modified += 1
            return IssueFetch("not_modified", etag=etag, status=304)
        if response.status in (404, 410):
            return IssueFetch("deleted", status=response.status)
        if response.status != 200:
            raise self._fail(response, f"GET {url}")
        data = read_json(response, url)
        record = issue_record(data, url)
        where = repo_in(data) or repo
        if where.lower() != repo.lower() or record.number != number:
            self.stats.requests += 1  # the 301 that PyGithub followed to the new location
            return IssueFetch("transferred", record, status=301, moved_to=f"{where}#{record.number}")
        return IssueFetch("ok", record, etag=response.headers.get("etag"))

    def get_pull(self, repo: str, number: int, etag: str | None = None) -> PullFetch:
        """Conditional GET of one pull request: open, merged or closed."""
        url = f"/repos/{repo}/pulls/{number}"
        response = self._get(url, etag=etag)
        if response.status == 304:
            self.stats.not_modified += 1
            return PullFetch("not_modified", etag=etag, status=304)
        if response.status in (404, 410):
            return PullFetch("deleted", status=response.status)
        if response.status != 200:
            raise self._fail(response, f"GET {url}")
        record = pull_record(read_json(response, url), url)
        return PullFetch("ok", record, etag=response.headers.get("etag"))

    def iter_listing(self, repo: str, since: str | None, etag: str | None = None) -> Iterator[ListingPage]:
        """`GET /repos/{repo}/issues?state=all&since=...&sort=updated&direction=desc&per_page=100`, page by
        page (Link headers). The first request is conditional; a 304 yields one `not_modified` page."""
        url = f"/repos/{repo}/issues"
        query = {"state": "all", "sort": "updated", "direction": "desc", "per_page": "100"}
        if since:
            query["since"] = since
        params: dict[str, str] | None = query
        first = True
        visited: set[str] = set()
        while url:
            if len(visited) >= self.max_pages:
                raise MalformedResponseError(
                    f"the listing of {repo} goes on past {self.max_pages} pages; the server is not behaving "
                    "as GitHub does (check GITHUB_API_URL)"
                )
            visited.add(page_key(url, params))
            response = self._get(url, params, etag if first else None)
            if response.status == 304 and first:
                self.stats.not_modified += 1
                yield ListingPage(not_modified=True, etag=etag)
                return
            if response.status == 404:
                raise RepoNotFoundError(f"{repo}: repository not found, or not visible to this token (404)")
            if response.status != 200:
                raise self._fail(response, f"GET {endpoint(url)}")
            issues, pulls = listing_records(read_json(response, url), url)
            yield ListingPage(False, tuple(issues), pulls, response.headers.get("etag") if first else None)
            url = next_link(response.headers.get("link"), url, self.base_url)
            if url and page_key(url, None) in visited:
                raise MalformedResponseError(
                    f'the answer to GET {endpoint(url)} links (rel="next") to a page already read'
                )
            params = None
            first = False
