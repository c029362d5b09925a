"""Script links in a Markdown body: links, images, reference definitions and autolinks whose target is
a `javascript:`, `data:` or `vbscript:` URL (`escape.is_script_url`), outside code.

Bodies keep Markdown's raw HTML (they are the maintainers' pages); a script link in Markdown syntax is
still worth a warning, since it is easy to paste from an issue without noticing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from issuekb.render.escape import is_script_url

__all__ = ["ScriptLink", "script_links"]

#: `[text](target` and `![alt](target`: the target up to a space or an unbalanced `)`.
_INLINE_RE = re.compile(r"!?\[[^\]\n]*\]\(\s*<?(?P<url>(?:[^()\s>]|\([^()\s>]*\))+)")
#: `[label]: target`
_DEFINITION_RE = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*<?(?P<url>[^\s>]+)")
#: `<scheme:...>`
_AUTOLINK_RE = re.compile(r"<(?P<url>[A-Za-z][A-Za-z0-9+.-]*:[^>\s]*)>")
_CODE_SPAN_RE = re.compile(r"(`+).+?\1")
_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


class ScriptLink(NamedTuple):
    """A script link: 0-based line offset within the text, 1-based column, the target as written."""

    line: int
    column: int
    url: str


def script_links(text: str) -> Iterator[ScriptLink]:
    """Every script link outside fenced code and code spans, in order."""
    fence: str | None = None
    for offset, line in enumerate(text.split("\n")):
        match = _FENCE_RE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            continue
        if match:
            fence = match.group(1)
            continue
        if ":" not in line:
            continue
        plain = _CODE_SPAN_RE.sub(lambda m: " " * len(m.group(0)), line)
        found = [m for pattern in (_INLINE_RE, _DEFINITION_RE, _AUTOLINK_RE) for m in pattern.finditer(plain)]
        for m in sorted(found, key=lambda m: m.start("url")):
            if is_script_url(m.group("url")):
                yield ScriptLink(offset, m.start("url") + 1, m.group("url"))
