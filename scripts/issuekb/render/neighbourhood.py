"""The neighbourhood diagram of one analysis page, as inline SVG. Pure.

The issue sits in the middle. Issues that point at it (its duplicates, analyses that reference it)
stand on the left with arrows into it; issues it points at (what it duplicates, the canonical issue
of its cluster, its related issues) stand on the right; issues sharing a fix commit fill whichever
side is shorter. Every edge carries the name of the link. A node whose issue has a page (`url_for`
returns a URL) is a link. At most `max_nodes` nodes are drawn; the rest become one "+N more" node,
with the slots shared out across the kinds of link so that one long list cannot hide the others.

The picture sits on every analysis page, so its bytes count: the edges are one `<path>` (two with
dashed edges), the colours come from `issuekb.css` (`.issuekb-chart-links` and the classes `ik-e` for
edges, `ik-d` for dashed strokes, `ik-c` for the centre; a node's box and text are styled by whether
the node is a link), and every text is centred by one `text-anchor` on the `<svg>`.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from issuekb.render.escape import html_attr, html_text
from issuekb.render.svg import clean, document, num, text, wrap

if TYPE_CHECKING:
    from issuekb.core.graph import Neighbourhood
    from issuekb.core.refs import IssueRef

__all__ = ["DEFAULT_MAX_NODES", "neighbourhood_svg"]

DEFAULT_MAX_NODES = 12

_W = 760
_NODE_W, _NODE_H, _PITCH, _PAD = 180, 44, 56, 12
_LEFT_X, _CENTRE_X, _RIGHT_X = 10, (_W - 180) // 2, _W - 10 - 180
_CHARS = 24  # characters of 12px text that fit in a node
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
        ("referenced by", True, hood.referenced_by),
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
    left = [n for n in nodes if n.incoming is True]
    right = [n for n in nodes if n.incoming is False]
    for node in nodes:
        if node.incoming is None:
            (left if len(left) < len(right) else right).append(node)
    while abs(len(left) - len(right)) > 1:
        longer, shorter = (left, right) if len(left) > len(right) else (right, left)
        shorter.append(longer.pop())
    return left, right


def _box_h(lines: list[str]) -> float:
    return max(_NODE_H, 16 * len(lines) + 12)


def _box(x: float, y: float, height: float, lines: list[str]) -> list[str]:
    """A box with `lines` of text centred in it (the `<svg>` centres every text)."""
    out = [f'<rect x="{num(x)}" y="{num(y)}" width="{_NODE_W}" height="{num(height)}"/>']
    top = y + (height - 16 * len(lines)) / 2 + 12
    out += [text(x + _NODE_W / 2, top + 16 * i, line) for i, line in enumerate(lines)]
    return out


def _edge(node: _Node, on_left: bool, y: float) -> tuple[str, str]:
    """The path data of the edge between a node and the centre (with its arrow head), and its label.

    With an arrow, the path starts at the arrow's tip, draws the head (`l`, `v`, `z`: a filled
    triangle) and then the line (`H`) back from the tip, so one subpath move serves both.
    """
    node_x = _LEFT_X + _NODE_W if on_left else _RIGHT_X
    centre_x = _CENTRE_X if on_left else _CENTRE_X + _NODE_W
    if node.incoming is None:
        data = f"M{num(node_x)} {num(y)}H{num(centre_x)}"
    else:
        # The arrow points at the target: the centre for incoming links, the node otherwise.
        tip, tail = (centre_x, node_x) if node.incoming else (node_x, centre_x)
        back = -8 if tip > tail else 8
        data = f"M{num(tip)} {num(y)}l{back}-4v8zH{num(tail)}"
    label = text((node_x + centre_x) / 2, y - 5, node.edge) if node.edge else ""
    return data, label


def _desc(
    center_short: str, groups: list[tuple[str, bool | None, list[IssueRef]]], short: Callable[[IssueRef], str]
) -> str:
    parts = [f"{edge}: {', '.join(short(r) for r in refs)}" for edge, _, refs in groups if refs]
    if not parts:
        return f"{center_short} has no links to other issues."
    return f"Issues linked to {center_short}. " + "; ".join(parts) + "."


def neighbourhood_svg(
    center: IssueRef,
    neighbourhood: Neighbourhood,
    *,
    url_for: Callable[[IssueRef], str | None] | None = None,
    label_for: Callable[[IssueRef], str] | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    ident: str | None = None,
) -> str:
    """The diagram of `center`'s links (`LinkGraph.neighbourhood(analysis)`) as an HTML block.

    `url_for(ref)` gives the URL of the analysis page of `ref`, or None when it has none (that node
    is then drawn without a link); `label_for(ref)` gives its label (default: `#N`), for instance
    `"#N title"` (untrusted text is fine: it is cleaned, wrapped, truncated and escaped here; the full
    label shows as a tooltip). At most `max_nodes` (>= 2) nodes are drawn around the centre.
    `ident` (default from `center`) must be unique on the page.
    """
    if max_nodes < 2:
        raise ValueError("max_nodes must be at least 2")
    label = label_for or (lambda ref: ref.short(center.repo))
    link = url_for or (lambda _ref: None)
    groups = _groups(center, neighbourhood)
    left, right = _columns(_nodes(groups, label, max_nodes))

    rows = max(len(left), len(right), 1)
    centre_lines = wrap(clean(label(center)), _CHARS, 3)
    inner = max(rows * _PITCH - (_PITCH - _NODE_H), _box_h(centre_lines))
    height = inner + 2 * _PAD
    solid, dashed, edge_labels, boxes = _draw_columns(left, right, inner, link)

    short = center.short(center.repo)
    # The centre box spans every row, so each edge is a horizontal line into it.
    body = [
        *([f'<path class="ik-e" d="{solid}"/>'] if solid else []),
        *([f'<path class="ik-e ik-d" d="{dashed}"/>'] if dashed else []),
        *(['<g font-size="10">', *edge_labels, "</g>"] if edge_labels else []),
        '<g class="ik-c" font-weight="bold">',
        f"<title>{html_text(clean(label(center)))}</title>",
        *_box(_CENTRE_X, _PAD, inner, centre_lines),
        "</g>",
        *boxes,
    ]
    title = f"Links of {short}"
    desc = _desc(short, groups, lambda r: r.short(center.repo))
    return document(
        ident or f"ikl{center.number}-{zlib.crc32(center.repo.encode()) & 0xFFFF:x}",
        _W,
        height,
        title,
        desc,
        body,
        kind="links",
        role="group",
        attrs='text-anchor="middle"',
    )


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


def _draw_columns(
    left: list[_Node], right: list[_Node], inner: float, link: Callable[[IssueRef], str | None]
) -> tuple[str, str, list[str], list[str]]:
    """The two columns of nodes beside the centre box: the path data of the edges with an arrow and of
    the dashed ones, the edge labels, and each node's box (a link when it has a page)."""
    solid = dashed = ""  # path data of the edges with an arrow, and of the dashed ones
    edge_labels: list[str] = []
    boxes: list[str] = []
    for column, on_left in ((left, True), (right, False)):
        block = len(column) * _PITCH - (_PITCH - _NODE_H)
        top = _PAD + (inner - block) / 2
        x = _LEFT_X if on_left else _RIGHT_X
        for i, node in enumerate(column):
            y = top + i * _PITCH
            data, edge_label = _edge(node, on_left, y + _NODE_H / 2)
            if node.incoming is None:
                dashed += data
            else:
                solid += data
            if edge_label:
                edge_labels.append(edge_label)
            tooltip = f"<title>{html_text(clean(node.label))}</title>"
            drawn = _box(x, y, _NODE_H, wrap(clean(node.label), _CHARS, 2))
            url = _safe_url(link(node.ref)) if node.ref is not None else None
            # One line per node: a browser keeps the line breaks inside a link as spaces.
            if url:
                boxes.append("".join([f'<a href="{html_attr(url)}">', tooltip, *drawn, "</a>"]))
            else:  # an issue without a page, or the dashed "+N more"
                start = '<g class="ik-d">' if node.ref is None else "<g>"
                boxes.append("".join([start, tooltip, *drawn, "</g>"]))

    return solid, dashed, edge_labels, boxes
