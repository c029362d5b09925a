"""An analysis body (or companion) as site Markdown: mentions linked, headings fitted under the page title.

- `#N` / `owner/repo#N` mentions become links: to the analysis page when there is one, else to the
  upstream issue; never inside code (the scanner in `issuekb.core.mentions` decides what is a mention).
- Links to `analysis.md` (how analyses link to each other in the repository) point at the analysis page.
- The page has its own `# #N title` heading, so a body that uses level-1 headings is shifted one level
  down (outside code blocks); nothing else is changed.
"""

from __future__ import annotations

import re

from issuekb.core.kb import KnowledgeBase
from issuekb.core.mentions import replace_mentions
from issuekb.core.refs import IssueRef
from issuekb.render.site.paths import analysis_uri, md_link

__all__ = ["site_body"]

_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX_RE = re.compile(r"^(#{1,6})(?=\s|$)")
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


def site_body(text: str, kb: KnowledgeBase, repo: str, from_uri: str) -> str:
    """The body as it appears on the page `from_uri`."""

    def link(ref: IssueRef, original: str) -> str:
        target = kb.get(ref)
        url = md_link(from_uri, analysis_uri(target)) if target is not None else ref.url()
        return f"[{original}]({url})"

    return _fit(replace_mentions(text, repo, link))
