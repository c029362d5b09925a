"""Escaping untrusted text (upstream titles, labels, logins) for Markdown and HTML.

Anything that came from the internet goes through one of these before it is put in a generated file:
a hostile title must render as text, never as markup or script.
"""

from __future__ import annotations

import html
import re

__all__ = ["html_attr", "html_text", "md_cell", "md_inline"]

#: Markdown's special characters, each to be backslashed (a table for `str.translate`).
_MD_SPECIAL = str.maketrans({char: "\\" + char for char in "\\`*_{}[]()#+!~>-"})
_SPACE_RE = re.compile(r"\s+")


def html_text(text: str) -> str:
    """Escape for HTML element content."""
    return html.escape(text, quote=False)


def html_attr(text: str) -> str:
    """Escape for a double- or single-quoted HTML attribute value."""
    return html.escape(text, quote=True)


def md_inline(text: str) -> str:
    """Untrusted text as inert inline Markdown: one line, HTML escaped, Markdown syntax backslashed."""
    one_line = _SPACE_RE.sub(" ", text).strip()
    # Quotes are not markup in Markdown text; escaping them as `&#x27;` would then have its `#` backslashed,
    # and CommonMark (GitHub) would show the reader a literal "&#x27;".
    return html.escape(one_line, quote=False).translate(_MD_SPECIAL)


def md_cell(text: str) -> str:
    """Untrusted text for a Markdown table cell (pipes and newlines cannot break the row)."""
    return md_inline(text).replace("|", "\\|")
