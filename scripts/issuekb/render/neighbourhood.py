"""The neighbourhood diagram of one analysis page, as an HTML block. Pure.

The issue sits in the middle. Issues that point at it (its duplicates, analyses that reference it)
stand on the left with arrows into it; issues it points at (what it duplicates, the canonical issue
of its cluster, its related issues) stand on the right; issues sharing a fix commit fill whichever
side is shorter. Every edge carries the name of the link. A node whose issue has a page (`url_for`
returns a URL) is a link. At most `max_nodes` nodes are drawn; the rest become one "+N more" node,
with the slots shared out across the kinds of link so that one long list cannot hide the others.

The diagram is text, links and a list; the site's stylesheet (`issuekb.css`, `.issuekb-links`) draws the
boxes and the arrows and lays it out by the width it gets (a container query): from 600 px, three columns,
the centre box spanning every row and each edge a named horizontal arrow; below, the centre on top and
one node a row hanging off a line down the left, each named by its link in a small first line. The
text keeps its size in both (a re-layout, not a scaled picture) and wraps, so titles are shown whole.
The markup, one element or list item a line::

    <div class="issuekb-links" data-search-exclude="">
    <div role="group" aria-label="Links of #1143">
    <div class="ik-c">#1143 title</div>
    <ul>
    <li class="ik-l ik-i"><a href="../1159-slug/"><i>duplicate</i> #1159 title</a></li>
    <li><span><i>related</i> #1200 title</span></li>
    <li class="ik-x"><span>+4 more</span></li>
    </ul>
    </div>
    </div>

A node's classes: `ik-l` stands it in the left column (the right one otherwise); `ik-i` points its
arrow at the centre, `ik-x` draws a dashed edge without an arrow (the "+N more" node, a shared fix), and
no class points the arrow at the node. The caption (`<i>`) is part of the link, so a screen reader
reads "duplicate #1159 title"; the group's name says whose links these are.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from issuekb.render.escape import html_attr, html_text
from issuekb.render.escape import one_line as clean

if TYPE_CHECKING:
    from issuekb.core.graph import Neighbourhood
    from issuekb.core.refs import IssueRef

__all__ = ["DEFAULT_MAX_NODES", "neighbourhood_html"]

DEFAULT_MAX_NODES = 12

_SCHEME_RE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.-]*):")


@dataclass(frozen=True, slots=True)
class _Node:
    ref: IssueRef | None  # None: the "+N more" node
    edge: str  # the link's name, drawn on the edge
    incoming: bool | None  # True: it points at the centre; False: the centre points at it; None: no arrow
    label: str


def _safe_url(url: str | None) -> str | None:
    """Only relative, http and https URLs become links (never `javascript:` and friends)."""
    if not url:
        return None
    scheme = _SCHEME_RE.match(url)
    if scheme and scheme.group(1).lower() not in {"http", "https"}:
        return None
    return url


def _groups(center: IssueRef, hood: Neighbourhood) -> list[tuple[str, bool | None, list[IssueRef]]]:
    """The kinds of link in priority order, each ref once (the first kind that names it wins)."""
    canonical = (hood.canonical,) if hood.canonical not in (None, hood.duplicate_of) else ()
    kinds: list[tuple[str, bool | None, tuple[IssueRef | None, ...]]] = [
        ("duplicate of", False, (hood.duplicate_of,)),
        ("canonical", False, canonical),
        ("duplicate", True, hood.duplicates),
        ("related", False, hood.related),
        ("references", True, hood.referenced_by),  # read along the arrow: the node mentions the centre
        ("shares a fix", None, hood.shares_commits_with),
    ]
    seen = {center}
    groups: list[tuple[str, bool | None, list[IssueRef]]] = []
    for edge, incoming, refs in kinds:
        fresh: list[IssueRef] = []
        for ref in refs:
            if ref is not None and ref not in seen:
                seen.add(ref)
                fresh.append(ref)
        groups.append((edge, incoming, fresh))
    return groups


def _share_slots(sizes: list[int], slots: int) -> list[int]:
    """Round robin: each kind of link gets one slot per round while it has refs left."""
    taken = [0] * len(sizes)
    while slots > 0 and any(t < s for t, s in zip(taken, sizes, strict=True)):
        for i, size in enumerate(sizes):
            if slots and taken[i] < size:
                taken[i] += 1
                slots -= 1
    return taken


def _columns(nodes: list[_Node]) -> tuple[list[_Node], list[_Node]]:
    """The wide layout's left and right columns: incoming links left, outgoing right, the rest on the
    shorter side, then balanced so that neither column is more than one node longer."""
    left = [n for n in nodes if n.incoming is True]
    right = [n for n in nodes if n.incoming is False]
    for node in nodes:
        if node.incoming is None:
            (left if len(left) < len(right) else right).append(node)
    while abs(len(left) - len(right)) > 1:
        longer, shorter = (left, right) if len(left) > len(right) else (right, left)
        shorter.append(longer.pop())
    return left, right


def _nodes(
    groups: list[tuple[str, bool | None, list[IssueRef]]], label: Callable[[IssueRef], str], max_nodes: int
) -> list[_Node]:
    """The nodes drawn around the centre: at most `max_nodes - 1` shared out among the groups, and a
    "+N more" node for the rest when there are more than `max_nodes`."""
    sizes = [len(refs) for _, _, refs in groups]
    total = sum(sizes)
    slots = _share_slots(sizes, total if total <= max_nodes else max_nodes - 1)
    nodes = [
        _Node(r, edge, inc, label(r))
        for (edge, inc, refs), n in zip(groups, slots, strict=True)
        for r in refs[:n]
    ]
    if total > len(nodes):
        nodes.append(_Node(None, "", None, f"+{total - len(nodes)} more"))
    return nodes


def _item(node: _Node, on_left: bool, link: Callable[[IssueRef], str | None]) -> str:
    """One node as a list item on one line (a browser keeps line breaks inside a link as spaces)."""
    classes = ["ik-l"] if on_left else []
    if node.incoming is True:
        classes.append("ik-i")
    elif node.incoming is None:
        classes.append("ik-x")
    start = f'<li class="{" ".join(classes)}">' if classes else "<li>"
    caption = f"<i>{html_text(clean(node.edge))}</i> " if node.edge else ""
    content = caption + html_text(clean(node.label))
    url = _safe_url(link(node.ref)) if node.ref is not None else None
    if url:  # otherwise an issue without a page, or the "+N more" node
        return f'{start}<a href="{html_attr(url)}">{content}</a></li>'
    return f"{start}<span>{content}</span></li>"


def neighbourhood_html(
    center: IssueRef,
    neighbourhood: Neighbourhood,
    *,
    url_for: Callable[[IssueRef], str | None] | None = None,
    label_for: Callable[[IssueRef], str] | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
) -> str:
    """The diagram of `center`'s links (`LinkGraph.neighbourhood(analysis)`) as an HTML block.

    `url_for(ref)` gives the URL of the analysis page of `ref`, or None when it has none (that node is
    then drawn without a link; so is a URL that is neither relative nor http(s)); `label_for(ref)` gives
    its label (default: `#N`), for instance `"#N title"` (untrusted text is fine: it is put on one line
    and escaped here). At most `max_nodes` (>= 2) nodes are drawn around the centre. The block is a
    `<div>` with one element a line, no indentation and no blank line, so Python-Markdown passes it
    through untouched; Material's and Zensical's search skip it (`data-search-exclude`). Same input,
    same bytes.
    """
    if max_nodes < 2:
        raise ValueError("max_nodes must be at least 2")
    label = label_for or (lambda ref: ref.short(center.repo))
    link = url_for or (lambda _ref: None)
    nodes = _nodes(_groups(center, neighbourhood), label, max_nodes)
    left, _ = _columns(nodes)
    on_left = {id(node) for node in left}
    short = clean(center.short(center.repo))
    name = f"Links of {short}" if nodes else f"{short} has no links to other issues"
    lines = [
        '<div class="issuekb-links" data-search-exclude="">',
        f'<div role="group" aria-label="{html_attr(name)}">',
        f'<div class="ik-c">{html_text(clean(label(center)))}</div>',
    ]
    if nodes:  # in priority order (the reading order); the stylesheet stands them in their columns
        lines += ["<ul>", *(_item(node, id(node) in on_left, link) for node in nodes), "</ul>"]
    lines += ["</div>", "</div>"]
    return "\n".join(lines) + "\n"
