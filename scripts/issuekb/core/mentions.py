"""`#N` and `owner/repo#N` mentions in Markdown, outside code spans, code blocks, links and URLs.

`find_mentions` feeds the link graph; `replace_mentions` lets a renderer turn each mention into a link.
Both use the same scanner, so what counts as a reference is what gets linked. A bare `#N` right after
"PR", "pull request", "fork PR" or "upstream PR" names a pull request: `replace_mentions` can hand those to
a callback of their own (`pull`), which decides whose pull request it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

from issuekb.core.refs import IssueRef

__all__ = ["Mention", "find_mentions", "pull_side", "replace_mentions"]

_MENTION_RE = re.compile(
    r"(?<![\w/&#\[\\])(?:(?P<repo>[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]*[A-Za-z0-9_])#|#)(?P<num>[1-9][0-9]{0,6})\b(?!\])"
)
#: The words before a bare `#N` that make it a pull request; `side` says whose when the text does.
_PULL_BEFORE_RE = re.compile(
    r"(?:\b(?P<side>fork|upstream)(?:'s)?\s+)?\b(?:PR|pull\s+request)\s*$", re.IGNORECASE
)
#: Regions where a `#N` is not a mention: inline code, Markdown links and images, autolinks, bare URLs,
#: HTML tags and comments.
_MASK_RE = re.compile(
    r"(?P<code>(?P<ticks>`+).+?(?P=ticks))"
    r"|!?\[[^\]\n]*\]\([^)\n]*\)"
    r"|!?\[[^\]\n]*\]\[[^\]\n]*\]"
    r"|<https?://[^>\s]+>"
    r"|https?://[^\s)>\]]+"
    r"|<!--.*?-->"
    r"|</?[A-Za-z][^>\n]*>"
)
_FENCE_RE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")
#: A line that opens a fence or an indented code block starts with one of these.
_BLOCK_STARTS = frozenset(" \t`~")
#: Where a mention's `#` can be: right before its number, which starts with 1-9.
_CANDIDATE_RE = re.compile(r"#[1-9]")
#: Characters an `owner/name` before a `#` may hold (a superset of what `_MENTION_RE` accepts there).
_REPO_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-/._")


class Mention(NamedTuple):
    """A reference found in a body: 0-based line offset within the text, 1-based column, the ref."""

    line: int
    column: int
    ref: IssueRef
    text: str


def _segments(line: str) -> Iterator[tuple[int, str, bool]]:
    """Split a line into (start, text, scannable) pieces."""
    pos = 0
    for match in _MASK_RE.finditer(line):
        if match.start() > pos:
            yield pos, line[pos : match.start()], True
        yield match.start(), match.group(0), False
        pos = match.end()
    if pos < len(line):
        yield pos, line[pos:], True


def _lines(text: str) -> Iterator[tuple[int, str, bool]]:
    """(offset, line, in_code_block) for every line; indented code blocks count as code."""
    fence: str | None = None
    previous_blank = True
    for offset, line in enumerate(text.split("\n")):
        if fence is None and line[:1] not in _BLOCK_STARTS:
            # The common line: no fence, no indentation (an empty line is blank).
            previous_blank = not line.strip()
            yield offset, line, False
            continue
        # A fence starts within the first four characters: skip the regex for every other line.
        head = line[:4]
        match = _FENCE_RE.match(line) if "`" in head or "~" in head else None
        if fence is not None:
            closing = match is not None and not line[match.end() :].strip()  # a closing fence has no info
            if (
                match
                and closing
                and match.group("fence")[0] == fence[0]
                and len(match.group("fence")) >= len(fence)
            ):
                fence = None
                previous_blank = True
            yield offset, line, True
            continue
        if match:
            fence = match.group("fence")
            yield offset, line, True
            continue
        indented = line.startswith(("    ", "\t")) and previous_blank and bool(line.strip())
        if not indented:
            previous_blank = not line.strip()
        yield offset, line, indented


def _finditer(piece: str) -> Iterator[re.Match[str]]:
    """`_MENTION_RE.finditer(piece)`, trying the pattern only next to a `#`.

    Every mention holds exactly one `#`, followed by a digit from 1 to 9 and preceded only by the
    characters of an `owner/name` part, so the leftmost match that uses a given `#` starts in the run of
    such characters just before it. Trying those few positions in order finds the same matches as
    scanning every position of the piece.
    """
    end = 0
    candidate = _CANDIDATE_RE.search(piece)
    while candidate is not None:
        hash_at = start = candidate.start()
        while start > end and piece[start - 1] in _REPO_CHARS:
            start -= 1
        for position in range(start, hash_at + 1):
            match = _MENTION_RE.match(piece, position)
            if match is not None:
                yield match
                end = match.end()
                break
        candidate = _CANDIDATE_RE.search(piece, max(hash_at + 1, end))


def _pieces(line: str) -> Iterator[tuple[int, str, bool]]:
    """`_segments(line)`, without the masking regex when no masked region can start in the line."""
    if "`" in line or "[" in line or "<" in line or "http" in line:
        yield from _segments(line)
    else:
        yield 0, line, True


def find_mentions(text: str, default_repo: str, skip_pulls: frozenset[str] = frozenset()) -> list[Mention]:
    """Every mention outside code, in order, but the bare `#N` of pull requests whose `pull_side` is in
    `skip_pulls` ("fork" and "" leave out "fork PR #9" and "PR #9")."""
    found: list[Mention] = []
    if _CANDIDATE_RE.search(text) is None:  # fast path: most texts hold no candidate at all
        return found
    for offset, line, code in _lines(text):
        if code or "#" not in line or next(_finditer(line), None) is None:
            continue  # (a line without a mention of its own is skipped whole, as before masking)
        for start, piece, scannable in _pieces(line):
            if not scannable:
                continue
            for match in _finditer(piece):
                if (
                    skip_pulls
                    and match.group("repo") is None
                    and pull_side(piece[: match.start()]) in skip_pulls
                ):
                    continue
                ref = IssueRef(match.group("repo") or default_repo, int(match.group("num")))
                found.append(Mention(offset, start + match.start() + 1, ref, match.group(0)))
    return found


def pull_side(before: str) -> str | None:
    """Whose pull request a bare `#N` preceded by `before` (the line's text up to it) names.

    "fork" after "fork PR", "upstream" after "upstream PR", "" after a bare "PR" or "pull request",
    None when `before` does not end with such words (the `#N` is an issue).
    """
    match = _PULL_BEFORE_RE.search(before)
    if match is None:
        return None
    return (match.group("side") or "").lower()


def replace_mentions(
    text: str,
    default_repo: str,
    replace: Callable[[IssueRef, str], str | None],
    pull: Callable[[IssueRef, str, str], str | None] | None = None,
) -> str:
    """Rewrite every mention with `replace(ref, original_text)`; None keeps the original text.

    With `pull`, a bare `#N` that `pull_side` calls a pull request goes to `pull(ref, side, original_text)`
    instead (`ref` in `default_repo`); its None also keeps the text.
    """
    if _CANDIDATE_RE.search(text) is None:
        return text
    out: list[str] = []
    for _offset, line, code in _lines(text):
        if code or "#" not in line or next(_finditer(line), None) is None:
            out.append(line)
            continue
        pieces: list[str] = []
        for _start, piece, scannable in _pieces(line):
            if not scannable:
                pieces.append(piece)
                continue
            done = 0
            for match in _finditer(piece):
                ref = IssueRef(match.group("repo") or default_repo, int(match.group("num")))
                side = None
                if pull is not None and match.group("repo") is None:
                    side = pull_side(piece[: match.start()])
                if side is not None and pull is not None:
                    result = pull(ref, side, match.group(0))
                else:
                    result = replace(ref, match.group(0))
                pieces += [piece[done : match.start()], match.group(0) if result is None else result]
                done = match.end()
            pieces.append(piece[done:])
        out.append("".join(pieces))
    return "\n".join(out)
