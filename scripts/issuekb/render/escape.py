"""The one escaping policy: untrusted text as inert text, one function per output context.

Untrusted is every value that comes from the upstream state file (titles, labels, `state_reason`,
`transferred_to`, pull request states: written by any GitHub user, or by whoever edits the file) and
every value of the front matter (titles, tags, reporters, notes). Each is put into a generated file
through exactly one of these functions, chosen by where it lands; renderers never escape by themselves.

| context                                         | function     |
|-------------------------------------------------|--------------|
| Markdown text (a heading, a list item, a span)  | `md_inline`  |
| a Markdown table cell                           | `md_cell`    |
| Markdown inline code                            | `md_code`    |
| HTML element content (the SVG pictures)         | `html_text`  |
| an HTML attribute value (double-quoted)         | `html_attr`  |
| a link target                                   | `link_url`   |
| the page title handed to the theme              | `page_title` |

Every result is one line: a newline in a value can neither end a Markdown block, start a table row,
nor end the HTML block of a picture. Bodies of analyses are not escaped: they are the maintainers'
Markdown (raw HTML included, as in any MkDocs site); `is_script_url` lets `check` warn about script
links in them.
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import quote

__all__ = [
    "html_attr",
    "html_text",
    "is_script_url",
    "link_url",
    "md_cell",
    "md_code",
    "md_inline",
    "one_line",
    "page_title",
]

#: Markdown's special characters, each to be backslashed.
_MD_SPECIAL_RE = re.compile(r"[\\`*_{}\[\]()#+!~>-]")
_SPACE_RE = re.compile(r"\s+")
#: `|` and the backtick in an attribute of inline HTML inside Markdown: a table row or a code span
#: would otherwise split or swallow the tag.
_ATTR_EXTRA = str.maketrans({"|": "&#124;", "`": "&#96;"})
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
#: Link schemes that become links; a URL without a scheme (relative) is a link too.
LINK_SCHEMES = frozenset({"http", "https"})
#: Schemes that run script or smuggle a document when followed.
SCRIPT_SCHEMES = frozenset({"javascript", "data", "vbscript"})
#: Characters kept as they are in a link target; everything else is percent-encoded (spaces,
#: parentheses, quotes, `<`, `>`, `|`, backslashes, backticks, non-ASCII).
_URL_SAFE = "/:?#[]@!$&'*+,;=%~-._"


def one_line(text: str) -> str:
    """One line of printable text: whitespace runs become one space, control characters go.

    Control characters and lone surrogates are not allowed in XML (the SVG pictures) at all.
    """
    if text.isascii() and text.isprintable():  # the common case: nothing to drop, spaces stay spaces
        return _SPACE_RE.sub(" ", text).strip()
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in {"Cc", "Cs", "Cn"}
    )
    return _SPACE_RE.sub(" ", kept).strip()


def html_text(text: str) -> str:
    """Text for HTML element content, one line."""
    return html.escape(one_line(text), quote=False)


def html_attr(text: str) -> str:
    """Text for a double- or single-quoted HTML attribute value, one line; safe inside a Markdown table
    row or beside a code span too."""
    return html.escape(one_line(text), quote=True).translate(_ATTR_EXTRA)


def md_inline(text: str) -> str:
    """Text as inert inline Markdown: one line, HTML escaped, Markdown syntax backslashed."""
    # Quotes are not markup in Markdown text; escaping them as `&#x27;` would then have its `#` backslashed,
    # and CommonMark (GitHub) would show the reader a literal "&#x27;".
    return _MD_SPECIAL_RE.sub(r"\\\g<0>", html.escape(one_line(text), quote=False))


def md_cell(text: str) -> str:
    """Text for a Markdown table cell (pipes and newlines cannot break the row)."""
    return md_inline(text).replace("|", "\\|")


def md_code(text: str) -> str:
    """Text as one Markdown code span (shown verbatim; not for table cells, where GitHub splits at `|`).

    The fence is one backtick longer than the longest run of backticks in the text.
    """
    value = one_line(text)
    runs = [len(run) for run in re.findall("`+", value)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def _scheme(url: str) -> str | None:
    """The scheme a browser would see: entities decoded, whitespace and control characters dropped."""
    decoded = html.unescape(url)
    if " " in decoded or not decoded.isprintable():  # every other whitespace character is unprintable
        decoded = "".join(ch for ch in decoded if not ch.isspace() and ch.isprintable())
    match = _SCHEME_RE.match(decoded)
    return match.group(1).lower() if match else None


def is_script_url(url: str) -> bool:
    """Whether following `url` would run script (`javascript:`, `data:`, `vbscript:`), however written."""
    return _scheme(url) in SCRIPT_SCHEMES


def link_url(url: str) -> str | None:
    """`url` as a link target (Markdown or an HTML attribute) when it is `http`, `https` or relative;
    None for anything else, which the caller shows as text instead.

    A URL holding control characters or whitespace (browsers drop tabs and newlines, so `java\\tscript:`
    would still run) is refused too. The result is percent-encoded where Markdown or HTML would read a
    character as syntax; pass it through `html_attr` in an attribute.
    """
    value = url.strip()
    # Every whitespace character but the space is unprintable (Unicode's separators and controls).
    if not value or " " in value or not value.isprintable():
        return None
    scheme = _scheme(value)
    if scheme is not None and scheme not in LINK_SCHEMES:
        return None
    return quote(value, safe=_URL_SAFE)


def page_title(text: str) -> str:
    """The page title handed to the theme (the `title` of a generated page's front matter).

    MkDocs and Material insert `page.title` into the header, the `<title>` element, the navigation, the
    search index and social metadata without escaping it (their Jinja templates do not autoescape), so
    the title they get is already HTML: one line, escaped for text and for attribute values alike.
    """
    return html.escape(one_line(text), quote=True)
