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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from issuekb.render.escape import html_attr, html_text
from issuekb.render.svg import clean, document, num, text, wrap

if TYPE_CHECKING:
    from issuekb.core.graph import Neighbourhood
    from issuekb.core.refs import IssueRef

__all__ = ["DEFAULT_MAX_NODES", "neighbourhood_svg"]

DEFAULT_MAX_NODES = 12

_W = 720
NARROW_W = 340  # a phone's column: one node a row, text at its own size (a re-layout, not a scaled picture)
_NODE_W, _NODE_H, _PITCH, _PAD = 180, 44, 56, 12
_LEFT_X, _CENTRE_X, _RIGHT_X = 10, (_W - 180) // 2, _W - 10 - 180
_CHARS = 24  # characters of 12px text that fit in a node
_NARROW_CHARS = 44  # characters of 12px text across the narrow layout's centre box
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


def _box(
    x: float, y: float, height: float, lines: list[str], width: float = _NODE_W, caption: str = ""
) -> list[str]:
    """A box with `lines` of text centred in it (the `<svg>` centres every text), under a smaller
    `caption` line when one is given."""
    out = [f'<rect x="{num(x)}" y="{num(y)}" width="{num(width)}" height="{num(height)}"/>']
    shown = [caption, *lines] if caption else lines
    top = y + (height - 16 * len(shown)) / 2 + 12
    for i, line in enumerate(shown):
        extra = 'font-size="11" font-style="italic"' if caption and i == 0 else ""
        out.append(text(x + width / 2, top + 16 * i, line, extra=extra))
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


@dataclass(slots=True)
class _Drawing:
    """A laid-out diagram: edge path data (with arrows, dashed), edge labels, the centre box and the nodes."""

    width: float
    height: float = 0
    solid: str = ""
    dashed: str = ""
    labels: list[str] = field(default_factory=list)
    centre: list[str] = field(default_factory=list)
    boxes: list[str] = field(default_factory=list)

    def edge(self, node: _Node, data: str) -> None:
        if node.incoming is None:
            self.dashed += data
        else:
            self.solid += data

    def node(self, node: _Node, drawn: list[str], link: Callable[[IssueRef], str | None]) -> None:
        tooltip = f"<title>{html_text(clean(node.label))}</title>"
        url = _safe_url(link(node.ref)) if node.ref is not None else None
        # One line per node: a browser keeps the line breaks inside a link as spaces.
        if url:
            self.boxes.append("".join([f'<a href="{html_attr(url)}">', tooltip, *drawn, "</a>"]))
        else:  # an issue without a page, or the dashed "+N more"
            start = '<g class="ik-d">' if node.ref is None else "<g>"
            self.boxes.append("".join([start, tooltip, *drawn, "</g>"]))


def _wide(nodes: list[_Node], centre_label: str, link: Callable[[IssueRef], str | None]) -> _Drawing:
    """Incoming links in a column on the left, outgoing on the right, the centre box spanning every row
    (so each edge is a horizontal line into it), each edge named above it."""
    left, right = _columns(nodes)
    rows = max(len(left), len(right), 1)
    centre_lines = wrap(centre_label, _CHARS, 3)
    inner = max(rows * _PITCH - (_PITCH - _NODE_H), _box_h(centre_lines))
    drawing = _Drawing(_W, inner + 2 * _PAD, centre=_box(_CENTRE_X, _PAD, inner, centre_lines))
    for column, on_left in ((left, True), (right, False)):
        block = len(column) * _PITCH - (_PITCH - _NODE_H)
        top = _PAD + (inner - block) / 2
        x = _LEFT_X if on_left else _RIGHT_X
        for i, node in enumerate(column):
            y = top + i * _PITCH
            data, edge_label = _edge(node, on_left, y + _NODE_H / 2)
            drawing.edge(node, data)
            if edge_label:
                drawing.labels.append(edge_label)
            drawing.node(node, _box(x, y, _NODE_H, wrap(clean(node.label), _CHARS, 2)), link)
    return drawing


def _narrow(nodes: list[_Node], centre_label: str, link: Callable[[IssueRef], str | None]) -> _Drawing:
    """One column `NARROW_W` wide: the centre box on top, then a trunk line down the left with one node a
    row, each named by its link in a smaller first line; the arrow of an incoming link points back at
    the trunk (towards the centre), the arrow of an outgoing one at the node."""
    trunk, node_x, right = 22, 44, NARROW_W - 10
    centre_lines = wrap(centre_label, _NARROW_CHARS, 3)
    centre_h = _box_h(centre_lines)
    drawing = _Drawing(NARROW_W, centre=_box(10, _PAD, centre_h, centre_lines, right - 10))
    y = _PAD + centre_h + 14
    last = _PAD + centre_h
    for node in nodes:
        lines = wrap(clean(node.label), _NARROW_CHARS - 4, 2)
        height = 16 * (len(lines) + 1) + 12
        mid = y + height / 2
        if node.incoming is None:
            drawing.edge(node, f"M{trunk} {num(mid)}H{node_x}")
        elif node.incoming:
            drawing.edge(node, f"M{trunk} {num(mid)}l8-4v8zH{node_x}")
        else:
            drawing.edge(node, f"M{node_x} {num(mid)}l-8-4v8zH{trunk}")
        drawing.node(node, _box(node_x, y, height, lines, right - node_x, caption=node.edge), link)
        last = mid
        y += height + 12
    if nodes:
        drawing.solid = f"M{trunk} {_PAD + centre_h}V{num(last)}" + drawing.solid
    drawing.height = y - 12 + _PAD if nodes else centre_h + 2 * _PAD
    return drawing


def neighbourhood_svg(
    center: IssueRef,
    neighbourhood: Neighbourhood,
    *,
    url_for: Callable[[IssueRef], str | None] | None = None,
    label_for: Callable[[IssueRef], str] | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    ident: str | None = None,
    narrow: bool = False,
) -> str:
    """The diagram of `center`'s links (`LinkGraph.neighbourhood(analysis)`) as an HTML block.

    `url_for(ref)` gives the URL of the analysis page of `ref`, or None when it has none (that node
    is then drawn without a link); `label_for(ref)` gives its label (default: `#N`), for instance
    `"#N title"` (untrusted text is fine: it is cleaned, wrapped, truncated and escaped here; the full
    label shows as a tooltip). At most `max_nodes` (>= 2) nodes are drawn around the centre.
    `ident` (default from `center`) must be unique on the page. `narrow` lays the diagram out in one
    column `NARROW_W` units wide instead of three columns 720 wide.
    """
    if max_nodes < 2:
        raise ValueError("max_nodes must be at least 2")
    label = label_for or (lambda ref: ref.short(center.repo))
    link = url_for or (lambda _ref: None)
    groups = _groups(center, neighbourhood)
    drawing = (_narrow if narrow else _wide)(_nodes(groups, label, max_nodes), clean(label(center)), link)
    body = [
        *([f'<path class="ik-e" d="{drawing.solid}"/>'] if drawing.solid else []),
        *([f'<path class="ik-e ik-d" d="{drawing.dashed}"/>'] if drawing.dashed else []),
        *(['<g font-size="11">', *drawing.labels, "</g>"] if drawing.labels else []),
        '<g class="ik-c" font-weight="bold">',
        f"<title>{html_text(clean(label(center)))}</title>",
        *drawing.centre,
        "</g>",
        *drawing.boxes,
    ]
    short = center.short(center.repo)
    title = f"Links of {short}"
    desc = _desc(short, groups, lambda r: r.short(center.repo))
    default_ident = f"ikl{center.number}-{zlib.crc32(center.repo.encode()) & 0xFFFF:x}" + (
        "n" if narrow else ""
    )
    return document(
        ident or default_ident,
        drawing.width,
        drawing.height,
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
