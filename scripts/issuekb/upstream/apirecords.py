"""GitHub REST JSON -> plain records (`IssueState`, `PullState`): strict about shape, no I/O.

The live adapter (`issuekb.upstream.github`) and recorded listings (`issuekb sync --from FILE`) read issue objects
through the same functions, so both store the same fields the same way. An object of the wrong shape
raises `MalformedDataError` naming the field; callers turn that into a located message.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from typing import Any

from issuekb.upstream.state import IssueState, PullState

__all__ = [
    "MalformedDataError",
    "http_date",
    "is_pull",
    "iso_time",
    "issue_from_api",
    "pull_from_api",
    "pull_from_listing",
    "repo_of",
]

_API_REPO_RE = re.compile(r"/repos/(?P<repo>[^/\s]+/[^/\s]+?)(?:/|$)")
_HTML_REPO_RE = re.compile(r"^https?://[^/]+/(?P<repo>[^/\s]+/[^/\s]+)/(?:issues|pull)/[0-9]+")


class MalformedDataError(ValueError):
    """An API object does not have the shape GitHub documents; the message names the field."""


def _field(data: dict[str, Any], key: str, kind: type | tuple[type, ...], *, optional: bool = False) -> Any:
    value = data.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        number = data.get("number", "?")
        raise MalformedDataError(f"issue #{number}: field {key!r} is missing or has the wrong type")
    return value


def iso_time(value: object, key: str = "time") -> str | None:
    """'2025-01-19T00:00:00Z' (or another ISO 8601 form) -> the canonical UTC form; None stays None."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise MalformedDataError(f"{key} must be an ISO 8601 time, got {type(value).__name__}")
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise MalformedDataError(f"{key} is not an ISO 8601 time: {value!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def http_date(value: str | None) -> str | None:
    """An HTTP `Date` header -> canonical UTC ISO 8601; None when absent or unreadable."""
    if not value:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def repo_of(data: dict[str, Any]) -> str | None:
    """`owner/name` of an issue object, read from its API or web URLs."""
    for key in ("repository_url", "url"):
        value = data.get(key)
        if isinstance(value, str) and (match := _API_REPO_RE.search(value)):
            return match.group("repo")
    value = data.get("html_url")
    if isinstance(value, str) and (match := _HTML_REPO_RE.match(value)):
        return match.group("repo")
    return None


def is_pull(data: dict[str, Any]) -> bool:
    """Issue listings mix in pull requests; those carry a `pull_request` object."""
    return isinstance(data.get("pull_request"), dict)


def issue_from_api(data: object) -> IssueState:
    """An issue object (`GET /repos/{o}/{r}/issues/{n}` or one listing item) -> `IssueState`."""
    if not isinstance(data, dict):
        raise MalformedDataError(f"an issue must be a JSON object, got {type(data).__name__}")
    number = _field(data, "number", int)
    state = _field(data, "state", str)
    if state not in ("open", "closed"):
        raise MalformedDataError(f"issue #{number}: state must be 'open' or 'closed', got {state!r}")
    labels: list[str] = []
    for label in _field(data, "labels", list, optional=True) or []:
        name = label.get("name") if isinstance(label, dict) else label
        if not isinstance(name, str):
            raise MalformedDataError(f"issue #{number}: a label has no name")
        labels.append(name)
    user = data.get("user")
    if user is not None and not (isinstance(user, dict) and isinstance(user.get("login"), str)):
        raise MalformedDataError(f"issue #{number}: field 'user' has no login")
    comments = _field(data, "comments", int, optional=True) or 0
    locked = _field(data, "locked", bool, optional=True) or False
    return IssueState(
        number=number,
        title=_field(data, "title", str),
        state=state,
        state_reason=_field(data, "state_reason", str, optional=True),
        labels=sorted(set(labels)),
        author=user["login"] if user else None,
        created_at=iso_time(data.get("created_at"), f"issue #{number}: created_at"),
        updated_at=iso_time(data.get("updated_at"), f"issue #{number}: updated_at"),
        closed_at=iso_time(data.get("closed_at"), f"issue #{number}: closed_at"),
        comments=comments,
        locked=locked,
        html_url=_field(data, "html_url", str, optional=True),
    )


def pull_from_api(data: object) -> PullState:
    """A pull request object (`GET /repos/{o}/{r}/pulls/{n}`) -> `PullState` (open, merged or closed)."""
    if not isinstance(data, dict):
        raise MalformedDataError(f"a pull request must be a JSON object, got {type(data).__name__}")
    number = _field(data, "number", int)
    state = _field(data, "state", str)
    if state not in ("open", "closed"):
        raise MalformedDataError(f"pull request #{number}: state must be 'open' or 'closed', got {state!r}")
    merged_at = iso_time(data.get("merged_at"), f"pull request #{number}: merged_at")
    merged = data.get("merged")
    if merged is not None and not isinstance(merged, bool):
        raise MalformedDataError(f"pull request #{number}: field 'merged' must be true or false")
    if merged or merged_at:
        state = "merged"
    return PullState(
        number=number,
        state=state,
        title=_field(data, "title", str),
        html_url=_field(data, "html_url", str, optional=True),
        updated_at=iso_time(data.get("updated_at"), f"pull request #{number}: updated_at"),
        merged_at=merged_at,
    )


def pull_from_listing(data: dict[str, Any]) -> PullState | None:
    """A pull request as an issue listing shows it; None when a closed one does not say if it was merged.

    GitHub adds `pull_request.merged_at` to listing items; older GitHub Enterprise servers do not, and
    then only `GET /pulls/{n}` can tell merged from closed.
    """
    issue = issue_from_api(data)
    pull = data["pull_request"]
    if issue.state == "closed" and "merged_at" not in pull:
        return None
    merged_at = iso_time(pull.get("merged_at"), f"pull request #{issue.number}: merged_at")
    return PullState(
        number=issue.number,
        state="merged" if merged_at else issue.state,
        title=issue.title,
        html_url=issue.html_url,
        updated_at=issue.updated_at,
        merged_at=merged_at,
    )
