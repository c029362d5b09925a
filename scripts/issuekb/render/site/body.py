"""An analysis body (or companion) as site Markdown: mentions linked, headings fitted under the page title.

- `#N` / `owner/repo#N` mentions become links: to the analysis page when there is one, else to the
  upstream issue; never inside code (the scanner in `issuekb.core.mentions` decides what is a mention).
  "PR #N" and "pull request #N" link to the fork's pull request when a fork is configured, "fork PR #N"
  only then (else it stays text), "upstream PR #N" to the upstream pull request.
- Links to `analysis.md` (how analyses link to each other in the repository) point at the analysis page.
- The page has its own `# #N title` heading: a body that opens with a level-1 heading repeating the
  title (`# Issue #12: title`, in any case and emphasis) loses that heading, and a body that still uses
  level-1 headings is shifted one level down (outside code blocks).
- After the mentions are linked and before the headings are fitted, the Markdown GitHub reads is
  rewritten for Python-Markdown (`issuekb.commonmark`), so the page shows the lists, code blocks and
  tables GitHub shows (and an underlined level-1 heading is shifted down too).
"""

from __future__ import annotations

import re

from issuekb.commonmark import for_python_markdown
from issuekb.core.kb import KnowledgeBase
from issuekb.core.mentions import replace_mentions
from issuekb.core.refs import IssueRef
from issuekb.render.links import GITHUB
from issuekb.render.site.paths import analysis_uri, md_link

__all__ = ["site_body"]

_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX_RE = re.compile(r"^(#{1,6})(?=\s|$)")
_TITLE_PREFIX_RE = re.compile(r"^(?:issue\s*)?(?:[\w.-]+/[\w.-]+)?#\d+\s*[:\-–—]?\s*", re.IGNORECASE)
_ANALYSIS_LINK_RE = re.compile(r"(\]\((?![a-z][a-z0-9+.-]*:)(?:[^()\s]*/)?)analysis\.md((?:#[^()\s]*)?\))")


def _outside_code(lines: list[str]) -> list[bool]:
    flags: list[bool] = []
    fence: str | None = None
    for line in lines:
        match = _FENCE_RE.match(line)
        if fence is not None:
            flags.append(False)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            continue
        if match:
            fence = match.group(1)
            flags.append(False)
            continue
        flags.append(True)
    return flags


def _comparable(title: str) -> str:
    """A heading or title without its `Issue #N:` prefix, emphasis, case and spacing."""
    plain = re.sub(r"[*_`]", "", title).strip()
    plain = _TITLE_PREFIX_RE.sub("", plain)
    return " ".join(plain.casefold().split()).rstrip(".:")


def _drop_title(text: str, titles: tuple[str, ...]) -> str:
    """`text` without a first level-1 heading that repeats one of `titles` (and the blank lines after)."""
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or not (match := re.match(r"^ {0,3}# +(.*?)(?: +#+)? *$", lines[first])):
        return text
    if _comparable(match.group(1)) not in {_comparable(title) for title in titles}:
        return text
    rest = first + 1
    while rest < len(lines) and not lines[rest].strip():
        rest += 1
    return "\n".join(lines[:first] + lines[rest:])


def _fit(text: str) -> str:
    """Rewrite `analysis.md` links and shift headings down when the body has a level-1 heading."""
    lines = text.split("\n")
    outside = _outside_code(lines)
    demote = any(
        ok and (line.startswith("# ") or line == "#") for ok, line in zip(outside, lines, strict=True)
    )
    out = []
    for ok, line in zip(outside, lines, strict=True):
        fitted = line
        if ok:
            fitted = _ANALYSIS_LINK_RE.sub(r"\1index.md\2", fitted)
            if demote and (match := _ATX_RE.match(fitted)) and len(match.group(1)) < 6:
                fitted = "#" + fitted
        out.append(fitted)
    return "\n".join(out)


def site_body(text: str, kb: KnowledgeBase, repo: str, from_uri: str, titles: tuple[str, ...] = ()) -> str:
    """The body as it appears on the page `from_uri`, whose own heading shows one of `titles`."""

    def link(ref: IssueRef, original: str) -> str:
        target = kb.get(ref)
        url = md_link(from_uri, analysis_uri(target)) if target is not None else ref.url()
        return f"[{original}]({url})"

    def pull(ref: IssueRef, side: str, original: str) -> str | None:
        fork = kb.config.fork
        if side == "upstream" or (side == "" and not fork):
            return f"[{original}]({GITHUB}/{ref.repo}/pull/{ref.number})"
        return f"[{original}]({GITHUB}/{fork}/pull/{ref.number})" if fork else None

    return _fit(for_python_markdown(replace_mentions(_drop_title(text, titles), repo, link, pull)))
