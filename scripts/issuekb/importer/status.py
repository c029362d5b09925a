"""Free-text statuses of hand-kept analyses -> `Status`, `Resolution` and the duplicate target.

Hand-written statuses come with emoji, bold, capitals and a reason in parentheses:
`✅ Resolved (Duplicate of #1143)`, `📦 Archived (Hardware Incompatibility)`, `Open, Unaddressed`,
`🔍 Investigating`. `read_status` reads the status word (or the emoji when there is no word), the
resolution from the reason, and the issue a duplicate points at. Status folders (`open/`, `resolved/`,
`archived/`) are read by `folder_status`; `open/` only says "not closed", so it accepts any open status.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from issuekb.core.schema import Resolution, Status

__all__ = [
    "OPEN_STATUSES",
    "StatusReading",
    "describes_upstream",
    "folder_status",
    "read_resolution",
    "read_status",
]

OPEN_STATUSES = frozenset({Status.INVESTIGATING, Status.IN_PROGRESS, Status.PAUSED})

#: Status words, most decisive first. Each pattern is searched in the lower-cased text.
_STATUS_WORDS: tuple[tuple[Status, str], ...] = (
    (Status.ARCHIVED, r"\barchived?\b"),
    (Status.RESOLVED, r"\b(?:resolved|fixed|closed|done|completed?|merged)\b"),
    (Status.IN_PROGRESS, r"\bin[ -]progress\b|\bwip\b|\bimplementing\b|\bworking on\b"),
    (Status.PAUSED, r"\bpaused\b|\bon[ -]hold\b|\bblocked\b|\bwaiting\b|\bstalled\b"),
    (
        Status.INVESTIGATING,
        r"\binvestigat|\bopen\b|\bunaddressed\b|\bnew\b|\btriag|\banaly[sz]|\bunresolved\b",
    ),
)
_STATUS_EMOJI: tuple[tuple[Status, str], ...] = (
    (Status.ARCHIVED, "📦"),
    (Status.RESOLVED, "✅"),
    (Status.RESOLVED, "✔"),
    (Status.IN_PROGRESS, "🚧"),
    (Status.PAUSED, "⏸"),
    (Status.INVESTIGATING, "🔍"),
    (Status.INVESTIGATING, "🔎"),
)
#: Resolution words, most specific first ("duplicate" beats "fixed" in "Duplicate of #42, fixed by ...").
_RESOLUTION_WORDS: tuple[tuple[Resolution, str], ...] = (
    (Resolution.DUPLICATE, r"\bduplicate\b|\bdupe\b"),
    (Resolution.WONT_FIX, r"\bwon'?t[ -]?fix\b|\bwontfix\b|\bwill not fix\b|\bnot planned\b"),
    (Resolution.HARDWARE, r"\bhardware\b"),
    (Resolution.OUT_OF_SCOPE, r"\bout[ -]of[ -]scope\b|\bunsupported\b"),
    (Resolution.USER_ERROR, r"\buser[ -]error\b|\bnot a bug\b|\bmisconfigur"),
    (Resolution.SUPPORT, r"\bsupport\b|\bquestion\b"),
    (Resolution.FIXED, r"\bfixed\b"),
)
#: When the text names a resolution but no status word, the resolution decides the status.
_STATUS_OF_RESOLUTION = {
    Resolution.FIXED: Status.RESOLVED,
    Resolution.DUPLICATE: Status.RESOLVED,
    Resolution.USER_ERROR: Status.RESOLVED,
    Resolution.SUPPORT: Status.RESOLVED,
    Resolution.WONT_FIX: Status.ARCHIVED,
    Resolution.HARDWARE: Status.ARCHIVED,
    Resolution.OUT_OF_SCOPE: Status.ARCHIVED,
}
_DUPLICATE_RE = re.compile(
    r"\bduplicate\s+(?:of\s+)?(?:issue\s+)?(?P<repo>[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+)?#?(?P<num>\d{1,15})\b"
)
_UPSTREAM_WORDS = r"\bopen\b|\bunaddressed\b|\bawaiting\b|\bunanswered\b|\bno response\b"
_ANALYSIS_WORDS = r"\binvestigat|\btriag|\banaly[sz]"
_NEGATED_RE = re.compile(r"\bnot\s+(?:yet\s+)?(?:resolved|fixed|closed|done)\b")
_FOLDERS: dict[str, Status] = {
    "open": Status.INVESTIGATING,
    "opened": Status.INVESTIGATING,
    "active": Status.INVESTIGATING,
    "investigating": Status.INVESTIGATING,
    "in-progress": Status.IN_PROGRESS,
    "in_progress": Status.IN_PROGRESS,
    "wip": Status.IN_PROGRESS,
    "paused": Status.PAUSED,
    "on-hold": Status.PAUSED,
    "resolved": Status.RESOLVED,
    "closed": Status.RESOLVED,
    "fixed": Status.RESOLVED,
    "done": Status.RESOLVED,
    "archived": Status.ARCHIVED,
    "archive": Status.ARCHIVED,
}
_LOOSE_FOLDERS = frozenset({"open", "opened", "active"})


@dataclass(frozen=True, slots=True)
class StatusReading:
    """What one status text says. `accepts` is every status it is compatible with (`open/` accepts three)."""

    status: Status | None
    resolution: Resolution | None = None
    duplicate_of: tuple[str | None, int] | None = None
    accepts: frozenset[Status] = frozenset()
    #: The words of the text that the status, resolution and duplicate do not carry (its reason).
    note: str | None = None
    #: The text describes the upstream issue's state ("Open, Unaddressed"), not this analysis.
    upstream: bool = False

    def agrees_with(self, other: Status) -> bool:
        return other in self.accepts if self.accepts else other == self.status


def describes_upstream(text: str) -> bool:
    """Whether a status text states the upstream issue's state rather than this analysis's.

    Before any reason in parentheses: the word "upstream", or only upstream words (open, unaddressed,
    awaiting, unanswered, no response) and no word about the analysis (investigating, in progress,
    paused, resolved, archived, ...).
    """
    main = re.sub(r"[*_`]+", "", text).lower().split("(", 1)[0]
    if re.search(r"\bupstream\b", main):
        return True
    if any(
        re.search(pattern, main) for status, pattern in _STATUS_WORDS if status is not Status.INVESTIGATING
    ):
        return False
    return bool(re.search(_UPSTREAM_WORDS, main)) and not re.search(_ANALYSIS_WORDS, main)


def _reason(plain: str, found: re.Match[str] | None) -> str | None:
    """What follows the status word (or the whole text when an emoji stated it), unwrapped."""
    rest = re.sub(r"^\w*", "", plain[found.end() :]) if found else re.sub(r"^[^\w(]+", "", plain)
    rest = rest.strip().lstrip("-–—:,; ").strip()
    if rest.startswith("(") and rest.endswith(")") and rest.count("(") == 1:
        rest = rest[1:-1].strip()
    return rest or None


def _carried(reason: str | None) -> bool:
    """A reason that says nothing beyond the resolution (`Duplicate of #42`, `Hardware`)."""
    if reason is None:
        return True
    lower = reason.lower().strip(" .")
    if _DUPLICATE_RE.fullmatch(lower) or any(re.fullmatch(rf"(?:{p})\w*", lower) for _, p in _STATUS_WORDS):
        return True
    return read_resolution(reason) is not None and not re.search(r"\s[-–—]\s|[,;:(]", reason)


def read_status(text: str) -> StatusReading | None:
    """Read a free-text status; None when neither a status nor a resolution can be recognised."""
    plain = re.sub(r"[*_`]+", "", text).strip()
    lower = _NEGATED_RE.sub(lambda m: "open".ljust(len(m.group(0))), plain.lower())
    status = next((s for s, pattern in _STATUS_WORDS if re.search(pattern, lower)), None)
    word = next((m for _, pattern in _STATUS_WORDS if (m := re.search(pattern, lower))), None)
    reason = (
        None if _NEGATED_RE.search(plain.lower()) else _reason(plain, word if status is not None else None)
    )
    note = None if _carried(reason) else reason
    if status is None:
        status = next((s for s, emoji in _STATUS_EMOJI if emoji in plain), None)
    resolution = next((r for r, pattern in _RESOLUTION_WORDS if re.search(pattern, lower)), None)
    duplicate = _DUPLICATE_RE.search(lower)
    duplicate_of = None
    if duplicate:
        repo = duplicate.group("repo")
        if repo:  # keep the repository's case as written
            start = duplicate.start("repo")
            repo = plain[start : start + len(repo)]
        duplicate_of = (repo, int(duplicate.group("num")))
        resolution = Resolution.DUPLICATE
    if status is None and resolution is not None:
        status = _STATUS_OF_RESOLUTION[resolution]
    if status is None:
        plain = re.sub(r"^[^\w(]+", "", plain)
        return StatusReading(None, note=plain, upstream=True) if plain and describes_upstream(text) else None
    if status in OPEN_STATUSES and resolution is not None:
        resolution = None  # "Open (possible duplicate)" is still open; its resolution is not decided
        duplicate_of = None
    upstream = describes_upstream(text)
    if upstream:
        note = re.sub(r"^[^\w(]+", "", plain) or None
    return StatusReading(status, resolution, duplicate_of, frozenset({status}), note, upstream)


def folder_status(name: str) -> StatusReading | None:
    """The status a legacy status folder stands for (`open/`, `resolved/`, `archived/`, ...)."""
    key = name.lower()
    status = _FOLDERS.get(key)
    if status is None:
        return None
    accepts = OPEN_STATUSES if key in _LOOSE_FOLDERS else frozenset({status})
    return StatusReading(status, None, None, accepts)


_RESOLUTION_NAMES: tuple[tuple[Resolution, str], ...] = (
    (Resolution.FIXED, r"fixed|fix"),
    (Resolution.DUPLICATE, r"duplicate(?: of\b.*)?|dupe"),
    (Resolution.WONT_FIX, r"won'?t[ -]?fix|wontfix|will not fix|not planned"),
    (Resolution.USER_ERROR, r"user[ -]error|not a bug"),
    (Resolution.HARDWARE, r"hardware(?: \w+)?"),
    (Resolution.OUT_OF_SCOPE, r"out[ -]of[ -]scope"),
    (Resolution.SUPPORT, r"support(?: question| request)?|question"),
)


def read_resolution(text: str) -> Resolution | None:
    """A `**Resolution**:` value that names a resolution (`Won't fix`, `Duplicate of #42`); prose gives None.

    Only the first clause is read (before a parenthesis, a dash or a comma), and it must consist of a
    resolution's name: `Virtual environment support (commit b8a8291)` is prose, not `support`.
    """
    plain = re.sub(r"[*_`]+", "", text).strip().lower()
    plain = re.sub(r"^[^a-z]+", "", plain)
    first = re.split(r"\s*(?:\(|\s-\s|—|–|,|;|:)\s*", plain, maxsplit=1)[0].strip(" .!")
    for resolution, pattern in _RESOLUTION_NAMES:
        if re.fullmatch(pattern, first):
            return resolution
    return None
