"""Small building blocks for the inline SVG pictures of the site (the home page's `charts`). Pure.

Every picture is returned as one HTML block: a `<div class="issuekb-chart">` holding one `<svg>`.
Python-Markdown treats `<svg>` as inline HTML (it would wrap it in a paragraph and run Markdown over
the text inside), but passes a `<div>` block through untouched. The block has an element or a small
group per line, no indentation and no blank line, so it survives being pasted into a Markdown page.

The pictures carry geometry and structure only. Their colours, stroke styles and font live in the
site's stylesheet (`issuekb/assets/issuekb.css`, which the plugin adds to every page), as rules on
`.issuekb-chart` and on a few short classes (`ik-...`) set once on a group: an analysis page does not
repeat the same long `style` in every element. The rules use Material's CSS variables (with fallbacks)
and `currentColor`, so the same bytes read well in the light and the dark scheme. Presentation that is
layout (`text-anchor`, `font-size` of a group) stays an attribute, so the layout holds without the
stylesheet. Text that may come from upstream (titles, labels) goes through `escape.html_text` /
`escape.html_attr`; `clean` (the escaping module's `one_line`) gives the line that is measured.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from issuekb.render.escape import html_attr, html_text
from issuekb.render.escape import one_line as clean

__all__ = [
    "clean",
    "document",
    "fitted",
    "num",
    "safe_id",
    "text",
]

_ID_RE = re.compile(r"[^A-Za-z0-9_-]+")


def num(value: float) -> str:
    """A coordinate with at most one decimal and no trailing zeros: deterministic and short."""
    rounded = round(value, 1)
    if rounded == 0:
        return "0"
    return f"{rounded:.1f}".rstrip("0").rstrip(".")


def safe_id(*parts: object) -> str:
    """An HTML id from `parts` (letters, digits, `-` and `_` only)."""
    return _ID_RE.sub("-", "-".join(str(p) for p in parts)).strip("-")


def text(x: float, y: float, content: str, *, anchor: str | None = None, extra: str = "") -> str:
    """A `<text>` element; `content` is cleaned and escaped here.

    `anchor` (`start`, `middle`, `end`) becomes a `text-anchor` attribute; None leaves it to the
    enclosing element (SVG's default is `start`).
    """
    attrs = f' x="{num(x)}" y="{num(y)}"'
    if anchor is not None:
        attrs += f' text-anchor="{anchor}"'
    if extra:
        attrs += f" {extra}"
    return f"<text{attrs}>{html_text(clean(content))}</text>"


def document(
    ident: str,
    width: float,
    height: float,
    title: str,
    desc: str,
    body: Iterable[str],
    *,
    kind: str,
) -> str:
    """The HTML block: a `<div>` around an accessible, width-scaling `<svg>` with `body` inside.

    `ident` must be unique on the page: the title and description ids derive from it. The picture is
    an `img` to assistive technology, named by its title and described by its description. Material's
    search skips the block (`data-search-exclude`): axis labels are no words to find a page by. Size,
    font and text colour come from the stylesheet (`.issuekb-chart > svg`).
    """
    title_id = f"{ident}-t"
    desc_id = f"{ident}-d"
    lines = [
        f'<div class="issuekb-chart issuekb-chart-{html_attr(kind)}" data-search-exclude="">',
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{html_attr(ident)}" role="img"'
        f' aria-labelledby="{html_attr(title_id)} {html_attr(desc_id)}"'
        f' viewBox="0 0 {num(width)} {num(height)}" width="100%">',
        f'<title id="{html_attr(title_id)}">{html_text(clean(title))}</title>',
        f'<desc id="{html_attr(desc_id)}">{html_text(clean(desc))}</desc>',
        *body,
        "</svg>",
        "</div>",
    ]
    return "\n".join(lines) + "\n"


def fitted(wide: str, narrow: str) -> str:
    """Two layouts of one picture (`document` blocks) in one block: the stylesheet shows the `wide` one
    in a column wide enough for its text to keep its size, the `narrow` one otherwise (a container
    query on `.issuekb-fit`); the hidden one is `display: none`, so neither assistive technology nor
    search reads it twice."""
    return f'<div class="issuekb-fit">\n{wide}{narrow}</div>\n'
