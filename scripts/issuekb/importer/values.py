"""The value readers of bold field lines: a value's free text as dates, issue references, SHAs, PR
numbers and logins.

Each reader takes the value as written (Markdown marks, links and trailing notes included) and returns
what it could read; None, or an empty list, when it could not read anything. None of them raises.
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = [
    "is_empty_value",
    "read_date",
    "read_issue",
    "read_prs",
    "read_related",
    "read_reporter",
    "read_shas",
    "split_items",
]

_EMPTY = frozenset({"", "none", "n/a", "na", "-", "—", "–", "nil", "tbd", "(none)", "unknown"})

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_ISO_DATE_RE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_MDY_RE = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_DMY_RE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")
_URL_REF_RE = re.compile(
    r"https?://github\.com/(?P<repo>[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+?)/(?:issues|pull)/(?P<num>\d{1,15})(?!\d)"
)
_REPO_REF_RE = re.compile(
    r"(?<![\w/.-])(?P<repo>[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+)#(?P<num>\d{1,15})\b"
)
_HASH_REF_RE = re.compile(r"(?<![\w/&])#(?P<num>\d{1,15})\b")
_BARE_NUM_RE = re.compile(r"^\s*(?P<num>\d{1,15})\s*$")
_MD_LINK_RE = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]*)\)")
_SHA_RE = re.compile(r"(?<![0-9A-Za-z#/])([0-9a-f]{7,40})(?![0-9A-Za-z])")
_COMMIT_URL_RE = re.compile(r"/commit/([0-9a-f]{7,40})\b")
_PULL_URL_RE = re.compile(r"https?://github\.com/[^\s/]+/[^\s/]+/pull/(\d{1,15})(?!\d)")
_PR_AFTER_WORD_RE = re.compile(
    r"\b(?:PRs?|pull requests?)\s*:?\s*((?:#\d{1,15}\b(?:\s*(?:,|and|&)\s*)?)+)", re.IGNORECASE
)


def is_empty_value(value: str) -> bool:
    """`None`, `N/A`, `-` and friends: the author wrote that there is nothing."""
    return _plain(value).lower().strip(" .") in _EMPTY


def _plain(value: str) -> str:
    """Drop Markdown bold marks and code marks."""
    return re.sub(r"\*\*|__|`", "", value).strip()


def read_date(value: str) -> dt.date | None:
    """The first date in `value`: `2025-04-01`, `March 3, 2025`, `3 March 2025`; None if none is real."""
    text = _plain(value)
    candidates: list[tuple[int, int, int, int]] = []
    if m := _ISO_DATE_RE.search(text):
        candidates.append((m.start(), int(m.group(1)), int(m.group(2)), int(m.group(3))))
    if (m := _MDY_RE.search(text)) and m.group(1).lower() in _MONTHS:
        candidates.append((m.start(), int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2))))
    if (m := _DMY_RE.search(text)) and m.group(2).lower() in _MONTHS:
        candidates.append((m.start(), int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1))))
    for _, year, month, day in sorted(candidates):
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    return None


def read_issue(value: str) -> tuple[str | None, int, str] | None:
    """(repo or None, number, leftover text) from a URL, a Markdown link, `owner/repo#N`, `#N` or `N`."""
    text = value.strip()
    links = list(_MD_LINK_RE.finditer(text))
    for pattern in (_URL_REF_RE, _REPO_REF_RE):
        if m := pattern.search(text):
            rest = text
            for link in links:
                if pattern.search(link.group(0)):
                    rest = rest.replace(link.group(0), " ")
            rest = rest.replace(m.group(0), " ")
            return m.group("repo"), int(m.group("num")), _leftover(rest)
    if m := _HASH_REF_RE.search(text):
        return None, int(m.group("num")), _leftover(text[: m.start()] + " " + text[m.end() :])
    if m := _BARE_NUM_RE.match(text):
        return None, int(m.group("num")), ""
    return None


def _leftover(text: str) -> str:
    """What is left of a value once its reference is taken out: `- "Title"` -> `Title`."""
    text = re.sub(r"\s+", " ", text.replace("**", "")).strip(" -–—:|")
    for left, right in ("()", "[]", '""', "''", "“”", "‘’"):
        if len(text) >= 2 and text[0] == left and text[-1] == right:
            text = text[1:-1].strip(" -–—:|")
    return text


def split_items(value: str) -> list[str]:
    """Split a list value on commas and semicolons that are not inside parentheses or brackets."""
    items: list[str] = []
    depth = 0
    current: list[str] = []
    for char in value:
        if char in "([":
            depth += 1
        elif char in ")]" and depth:
            depth -= 1
        if char in ",;" and depth == 0:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return [item.strip() for item in items if item.strip() and not is_empty_value(item)]


def read_related(items: list[str]) -> list[tuple[str | None, int, str]]:
    """Related issues with their notes: `#57 (same crash)` -> (None, 57, 'same crash')."""
    out: list[tuple[str | None, int, str]] = []
    for item in items:
        ref = read_issue(item)
        if ref is not None:
            out.append(ref)
    return out


def read_shas(value: str) -> list[str]:
    """Commit SHAs in a value: 7 to 40 lower-case hex digits with at least one digit, in order, once each."""
    text = _plain(value)
    found = _COMMIT_URL_RE.findall(text)
    found += _SHA_RE.findall(re.sub(r"https?://\S+", " ", text))
    return list(dict.fromkeys(sha for sha in found if any(c.isdigit() for c in sha)))


def read_prs(value: str, *, bare: bool) -> list[int]:
    """Fork PR numbers: every `#N` (or `/pull/N`) when the value is about PRs (`bare`), else only `PR #N`."""
    text = _plain(value)
    numbers = [int(n) for n in _PULL_URL_RE.findall(text)] if bare else []
    text = _MD_LINK_RE.sub(r"\g<text>", text)
    if bare:
        numbers += [int(n) for n in re.findall(r"(?<![\w/&])#(\d{1,15})\b", text)]
        if not numbers and (m := _BARE_NUM_RE.match(text)):
            numbers.append(int(m.group("num")))
    else:
        numbers = [
            int(n) for group in _PR_AFTER_WORD_RE.findall(text) for n in re.findall(r"#(\d{1,15})\b", group)
        ]
    return [n for n in dict.fromkeys(numbers) if n > 0]


def read_reporter(value: str) -> str | None:
    """A GitHub login from `@name`, `[name](url)`, `` `name` `` or a plain word; None when unreadable."""
    text = value.strip()
    if link := _MD_LINK_RE.search(text):
        text = link.group("text")
    text = _plain(text).lstrip("@").strip()
    if m := re.match(r"^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))(?:\s|$|\()", text):
        return m.group(1)
    return None
