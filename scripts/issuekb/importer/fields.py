"""Bold field lines of hand-written analyses: `**Key**: value`, `**Key:** value`, `- **Key**: value`.

`scan_fields` finds every field line outside code fences, maps its key to a front-matter target (or to
nothing), and marks the header block: the first run of field lines before any `##` heading, which is
what the importer removes once every line of it was carried over. The value readers turn the free text
of a value into dates, issue references, SHAs and PR numbers; each returns None (or nothing) when it
cannot read the value, never raises.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass, field, replace

from issuekb.importer.scope import line_scopes, other_issue

__all__ = [
    "FieldLine",
    "ScannedText",
    "canonical_key",
    "is_empty_value",
    "read_date",
    "read_issue",
    "read_prs",
    "read_related",
    "read_reporter",
    "read_shas",
    "scan_fields",
    "split_items",
]

_FIELD_RE = re.compile(
    r"^\s{0,3}(?:[-*+]\s+)?\*\*(?P<key>[^*\n]{1,40}?)(?::\*\*|\*\*\s*:)[ \t]*(?P<value>.*?)\s*$"
)
_ITEM_RE = re.compile(r"^(?P<indent>\s*)[-*+]\s+(?P<text>.+?)\s*$")
_FENCE_RE = re.compile(r"^\s*(```|~~~)")
_HEADING_RE = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")

#: Normalised key -> the front-matter field it feeds (or a pseudo-target: `fix` feeds commits and prs).
KEYS: dict[str, str] = {
    "title": "title",
    "issue title": "title",
    "issue": "issue",
    "issue number": "issue",
    "issue url": "issue",
    "issue link": "issue",
    "github issue": "issue",
    "original issue": "issue",
    "upstream": "issue",
    "upstream issue": "issue",
    "upstream url": "issue",
    "status": "status",
    "state": "status",
    "current status": "status",
    "upstream status": "upstream_status",
    "upstream state": "upstream_status",
    "resolution": "resolution",
    "duplicate of": "duplicate_of",
    "duplicates": "duplicate_of",
    "related issues": "related",
    "related issue": "related",
    "related": "related",
    "see also": "related",
    "fix": "fix",
    "fixed in": "fix",
    "fixed by": "fix",
    "pr": "prs",
    "prs": "prs",
    "fix pr": "prs",
    "fork pr": "prs",
    "pull request": "prs",
    "pull requests": "prs",
    "upstream pr": "upstream_pr",
    "upstream pull request": "upstream_pr",
    "reporter": "reporter",
    "reported by": "reporter",
    "opened by": "reporter",
    "date posted": "reported",
    "date reported": "reported",
    "reported": "reported",
    "reported on": "reported",
    "posted": "reported",
    "opened": "reported",
    "created": "reported",
    "date": "reported",
    "analysis date": "analyzed",
    "date analyzed": "analyzed",
    "analyzed": "analyzed",
    "analysed": "analyzed",
    "analyzed on": "analyzed",
    "resolved": "resolved_on",
    "resolved on": "resolved_on",
    "date resolved": "resolved_on",
    "resolution date": "resolved_on",
    "fixed on": "resolved_on",
    "closed on": "resolved_on",
    "priority": "priority",
    "tags": "tags",
    "labels": "tags",
    "affected": "affected",
    "affected systems": "affected",
    "affected platforms": "affected",
    "affected versions": "affected",
    "affected distributions": "affected",
    "platforms": "affected",
}
#: Keys too vague to trust outside the header block (`**Date**: ...` under "Implementation" is a commit date).
HEADER_ONLY = frozenset({"date"})
#: Targets whose value may be a Markdown list on the lines after an empty `**Key**:`.
LIST_TARGETS = frozenset({"related", "commits", "prs", "tags", "affected", "fix"})
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


@dataclass(frozen=True, slots=True)
class FieldLine:
    """One bold field line: where it is, its key as written, the target it feeds, its value."""

    line: int
    key: str
    target: str | None
    value: str
    items: tuple[str, ...] = ()
    in_header: bool = False
    end_line: int = 0
    #: Why this line is not about the analysis's own issue (see `scope`); None when it is.
    elsewhere: str | None = None
    #: Lines nested under its list items (a related issue's own details), not part of its value.
    nested: tuple[int, ...] = ()

    @property
    def lines(self) -> range:
        """Every line this field occupies (its own and the list items that continue it)."""
        return range(self.line, max(self.line, self.end_line) + 1)


@dataclass(slots=True)
class ScannedText:
    """The field lines of one file, its first heading and the span of its header block."""

    fields: list[FieldLine] = field(default_factory=list)
    heading: tuple[int, str] | None = None
    header: range | None = None


def canonical_key(key: str) -> str:
    """`Fix Commit(s)` -> `fix commit`: lower case, single spaces, no `(s)`, no trailing colon."""
    text = re.sub(r"\(s\)", "", key.lower())
    return re.sub(r"\s+", " ", text).strip(" :")


def _target(key: str) -> str | None:
    if key in KEYS:
        return KEYS[key]
    if "commit" in key and "related" not in key:
        return "commits"
    return None


def scan_fields(text: str, own: Collection[int] = ()) -> ScannedText:
    """Every field line of `text` (1-based line numbers), outside fenced code, with its header flag.

    `own` are the analysis's own issue numbers; a field line that is not about them (see `scope`, and:
    a run of field lines whose issue line names another issue, a commit line naming another issue)
    carries the reason in `elsewhere`.
    """
    out = ScannedText()
    lines = text.split("\n")
    scopes = line_scopes(text, own)
    fenced = False
    seen_subheading = False
    header_start: int | None = None
    header_end: int | None = None
    header_closed = False
    i = 0
    while i < len(lines):
        raw = lines[i]
        lineno = i + 1
        if _FENCE_RE.match(raw):
            fenced = not fenced
            i += 1
            continue
        if fenced:
            i += 1
            continue
        heading = _HEADING_RE.match(raw)
        if heading:
            if len(heading.group("hashes")) == 1 and out.heading is None and not seen_subheading:
                out.heading = (lineno, heading.group("text"))
            else:
                seen_subheading = True
            if header_start is not None:
                header_closed = True
            i += 1
            continue
        match = _FIELD_RE.match(raw)
        if match is None:
            if raw.strip() and header_start is not None:
                header_closed = True
            i += 1
            continue
        key = canonical_key(match.group("key"))
        target = _target(key)
        value = match.group("value").strip()
        items, nested, end = _list_items(lines, i, target) if not value else ([], [], i)
        in_header = False
        if not seen_subheading and not header_closed:
            if header_start is None:
                header_start = lineno
            header_end = end + 1
            in_header = True
        if key in HEADER_ONLY and not in_header:
            target = None
        number = other_issue(value, own) if target in ("commits", "fix") else None
        elsewhere = scopes[i] or (f"names #{number}" if number is not None else None)
        key_text = match.group("key").strip()
        out.fields.append(
            FieldLine(
                lineno, key_text, target, value, tuple(items), in_header, end + 1, elsewhere, tuple(nested)
            )
        )
        i = end + 1
    if header_start is not None and header_end is not None:
        out.header = range(header_start, header_end + 1)
    out.fields = _mark_foreign_runs(out.fields, own)
    return out


def _list_items(lines: list[str], i: int, target: str | None) -> tuple[list[str], list[int], int]:
    """The list below an empty list field on line index `i`: its items, the line numbers nested under
    them (kept apart only for related issues, whose sub-bullets are about those issues), and the index
    of the list's last line."""
    items: list[str] = []
    nested: list[int] = []
    end = i
    if target not in LIST_TARGETS:
        return items, nested, end
    top: int | None = None
    for j in range(i + 1, len(lines)):
        item = _ITEM_RE.match(lines[j])
        if item is None:
            break
        indent = len(item.group("indent").expandtabs(4))
        top = indent if top is None else top
        if indent > top and target == "related":
            nested.append(j + 1)
        elif _FIELD_RE.match(lines[j]):
            break
        else:
            items.append(item.group("text"))
        end = j
    return items, nested, end


def _mark_foreign_runs(fields: list[FieldLine], own: Collection[int]) -> list[FieldLine]:
    """Outside the header block, a run of adjacent field lines whose issue line names another issue
    (a quoted `**Issue**: #1143` / `**Title**: ...` pair) is about that issue: every line of it."""
    runs: list[list[FieldLine]] = []
    for f in fields:
        if runs and not f.in_header and not runs[-1][-1].in_header and f.line == runs[-1][-1].end_line + 1:
            runs[-1].append(f)
        else:
            runs.append([f])
    out: list[FieldLine] = []
    for run in runs:
        numbers = [other_issue(f.value, own) for f in run if f.target == "issue" and not f.in_header]
        number = next((n for n in numbers if n is not None), None)
        reason = f"in a block of fields about #{number}" if number is not None else None
        out.extend(replace(f, elsewhere=f.elsewhere or reason) for f in run)
    return out


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
