"""The home page's pictures as inline SVG: analyses reported/resolved per month, and the status shares.

Pure functions from counts to an HTML block (see `issuekb.render.svg`): same input, same bytes; no
script, no font, nothing loaded from anywhere. They accept `issuekb.render.stats` output directly::

    activity_chart(stats.by_month)
    status_chart(stats.by_status)

or plain data (`[("2024-01", 3, 1), ...]`, `{"resolved": 4, ...}`). The neighbourhood diagram of an
analysis page (HTML, not SVG) lives in `issuekb.render.neighbourhood` and is re-exported here.

Colours come from `issuekb.css`: the activity chart's classes are `ik-grid` and `ik-axis` (one path
each), `ik-rep` and `ik-res` (the bars and their legend keys). The status segments keep an inline
colour each, a CSS variable per status that a site can set.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Protocol

from issuekb.core.schema import Status
from issuekb.render.escape import html_attr, html_text
from issuekb.render.neighbourhood import neighbourhood_html
from issuekb.render.stats import percent
from issuekb.render.svg import clean, document, num, safe_id, text

__all__ = ["STATUS_COLOURS", "activity_chart", "fill_months", "neighbourhood_html", "status_chart"]


class _MonthLike(Protocol):
    @property
    def month(self) -> str: ...
    @property
    def reported(self) -> int: ...
    @property
    def resolved(self) -> int: ...


class _CountLike(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def count(self) -> int: ...


MonthRow = tuple[str, int, int] | _MonthLike

#: Segment colours of the status chart: mid tones that read on a light and a dark page. A site can
#: restyle them with the `--issuekb-status-<status>` CSS variables.
STATUS_COLOURS: dict[str, str] = {
    Status.INVESTIGATING: "#1e88e5",
    Status.IN_PROGRESS: "#f59e0b",
    Status.PAUSED: "#8e99a8",
    Status.RESOLVED: "#2e9d57",
    Status.ARCHIVED: "#8e6cc9",
}
_OTHER_COLOURS = ("#d9534f", "#17a2b8", "#c2185b", "#7c8c2c")
_MONTH_RE = re.compile(r"^(?P<year>[0-9]{4})-(?P<month>0[1-9]|1[0-2])$")

# Activity chart geometry (user units of the viewBox): `_W` wide, `NARROW_W` for a phone's column, where
# a user unit is about a CSS pixel, so the 11 and 12 unit texts stay that size (a re-layout, not a
# scaled-down picture).
_W, _H = 720, 300
NARROW_W = 340
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 12, 40, 250
_MAX_BAR = 28
_LABEL_CHARS_W = 7.0  # approximate width of one character of 11px text
_STRIDES = (1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200)


def _month_index(month: str) -> int:
    match = _MONTH_RE.match(month)
    if match is None:
        raise ValueError(f"not a YYYY-MM month: {month!r}")
    return int(match.group("year")) * 12 + int(match.group("month")) - 1


def _month_name(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def fill_months(months: Iterable[MonthRow]) -> list[tuple[str, int, int]]:
    """Every month from the first to the last given, in order; missing months count zero.

    Rows may come in any order; rows of the same month add up. A month that is not `YYYY-MM` or a
    negative count raises ValueError (a caller's bug, not a user's).
    """
    totals: dict[int, tuple[int, int]] = {}
    for row in months:
        month, reported, resolved = row if isinstance(row, tuple) else (row.month, row.reported, row.resolved)
        if reported < 0 or resolved < 0:
            raise ValueError(f"negative count in month {month}")
        index = _month_index(month)
        before = totals.get(index, (0, 0))
        totals[index] = (before[0] + reported, before[1] + resolved)
    if not totals:
        return []
    first, last = min(totals), max(totals)
    filled: list[tuple[str, int, int]] = []
    for index in range(first, last + 1):
        reported, resolved = totals.get(index, (0, 0))
        filled.append((_month_name(index), reported, resolved))
    return filled


def _nice_top(peak: int) -> tuple[int, int]:
    """The axis maximum and tick step for counts up to `peak`: steps of 1, 2 or 5 times a power of ten."""
    if peak <= 0:
        return 1, 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            candidate = step * factor
            if math.ceil(peak / candidate) <= 5:
                return math.ceil(peak / candidate) * candidate, candidate
        step *= 10


def _stride(group: float, count: int) -> int:
    for stride in _STRIDES:
        chars = 7 if stride < 12 else 4
        if stride * group >= chars * _LABEL_CHARS_W + 8:
            return stride
    return _STRIDES[-1] if count > 1 else 1


def _activity_desc(rows: list[tuple[str, int, int]]) -> str:
    reported = sum(r[1] for r in rows)
    resolved = sum(r[2] for r in rows)
    busiest = max(rows, key=lambda r: (r[1], -_month_index(r[0])))
    span = rows[0][0] if len(rows) == 1 else f"{rows[0][0]} to {rows[-1][0]}"
    desc = f"{span}: {reported} reported, {resolved} resolved."
    if busiest[1]:
        desc += f" Most reported in one month: {busiest[1]} in {busiest[0]}."
    return desc


def activity_chart(
    months: Iterable[MonthRow], *, ident: str = "issuekb-activity", narrow: bool = False
) -> str:
    """A grouped bar chart of analyses reported and resolved per month, as an HTML block.

    `months` holds `(month "YYYY-MM", reported, resolved)` tuples or `stats.MonthCount` records, in
    any order and possibly sparse: the gaps between the first and the last month are drawn as zero
    (`fill_months`). No months gives a small "no dated analyses" picture. `ident` must be unique on
    the page. `narrow` lays the chart out `NARROW_W` units wide instead of 720 (fewer month labels).
    """
    rows = fill_months(months)
    width = NARROW_W if narrow else _W
    title = "Analyses reported and resolved per month"
    if not rows:
        body = [text(width / 2, 30, "No dated analyses yet", anchor="middle")]
        return document(
            ident, width, 48, title, "No analysis has a reported or resolved date.", body, kind="activity"
        )

    top, step = _nice_top(max(max(r[1], r[2]) for r in rows))
    plot_w, plot_h = width - _RIGHT - _LEFT, _BOTTOM - _TOP
    group = plot_w / len(rows)
    bar = min(group * 0.4, _MAX_BAR)

    def y_of(value: int) -> float:
        return _BOTTOM - plot_h * value / top

    grid = "".join(f"M{_LEFT} {num(y_of(t))}H{width - _RIGHT}" for t in range(step, top + 1, step))
    body = [f'<path class="ik-grid" d="{grid}"/>', '<g font-size="11" text-anchor="end">']
    body += [text(_LEFT - 6, y_of(t) + 4, str(t)) for t in range(0, top + 1, step)]
    body.append("</g>")

    bars: dict[int, list[str]] = {1: [], 2: []}
    for i, (month, reported, resolved) in enumerate(rows):
        centre = _LEFT + group * (i + 0.5)
        for column, x, value in ((1, centre - bar, reported), (2, centre, resolved)):
            if value:
                word = "reported" if column == 1 else "resolved"
                bars[column].append(
                    f'<rect x="{num(x)}" y="{num(y_of(value))}" width="{num(bar)}" height="{num(plot_h * value / top)}">'
                    f"<title>{month}: {value} {word}</title></rect>"
                )
    body += ['<g class="ik-rep">', *bars[1], "</g>", '<g class="ik-res">', *bars[2], "</g>"]

    body += _month_axis(rows, group, width)
    body += _activity_labels(width)
    return document(ident, width, _H, title, _activity_desc(rows), body, kind="activity")


def _month_axis(rows: list[tuple[str, int, int]], group: float, width: float) -> list[str]:
    """The activity chart's month axis: a tick and a label every `_stride` months (years when sparse)."""
    first = _month_index(rows[0][0])
    stride = _stride(group, len(rows))
    axis = f"M{_LEFT} {_BOTTOM}H{width - _RIGHT}"
    labels: list[str] = []
    for i in range(len(rows)):
        index = first + i
        if index % stride and len(rows) > 1:
            continue
        centre = _LEFT + group * (i + 0.5)
        axis += f"M{num(centre)} {_BOTTOM}v4"
        label = _month_name(index) if stride < 12 else str(index // 12)
        labels.append(text(centre, _BOTTOM + 17, label))
    return [f'<path class="ik-axis" d="{axis}"/>', '<g font-size="11" text-anchor="middle">', *labels, "</g>"]


def _activity_labels(width: float) -> list[str]:
    """The activity chart's axis titles and legend."""
    legend_x = width - _RIGHT - 190
    return [
        text((_LEFT + width - _RIGHT) / 2, _H - 8, "month", anchor="middle"),
        text(
            0,
            0,
            "analyses",
            anchor="middle",
            extra=f'transform="translate(14 {(_TOP + _BOTTOM) // 2}) rotate(-90)"',
        ),
        f'<rect class="ik-rep" x="{legend_x}" y="12" width="14" height="14"/>',
        text(legend_x + 20, 24, "reported"),
        f'<rect class="ik-res" x="{legend_x + 100}" y="12" width="14" height="14"/>',
        text(legend_x + 120, 24, "resolved"),
    ]


def _status_rows(counts: Mapping[str, int] | Iterable[_CountLike]) -> list[tuple[str, int]]:
    pairs = list(counts.items()) if isinstance(counts, Mapping) else [(c.key, c.count) for c in counts]
    merged: dict[str, int] = {}
    for key, count in pairs:
        if count < 0:
            raise ValueError(f"negative count for status {key!r}")
        merged[str(key)] = merged.get(str(key), 0) + count
    known = [s.value for s in Status if s.value in merged]
    others = sorted(k for k in merged if k not in known)
    return [(k, merged[k]) for k in [*known, *others]]


def _colour(key: str, others: list[str]) -> str:
    fallback = STATUS_COLOURS.get(key) or _OTHER_COLOURS[others.index(key) % len(_OTHER_COLOURS)]
    return html_attr(f"var(--issuekb-status-{safe_id(key)},{fallback})")


def status_chart(
    counts: Mapping[str, int] | Iterable[_CountLike], *, ident: str = "issuekb-status", narrow: bool = False
) -> str:
    """The status shares as a horizontal stacked bar with a legend of counts and percentages.

    `counts` maps a status to its number of analyses (or is `stats.Stats.by_status`). Known statuses
    come in `Status` order, others after them alphabetically; zero counts appear in the legend only.
    No analyses gives a small "no analyses" picture. `ident` must be unique on the page. `narrow` lays
    it out `NARROW_W` units wide, with one legend entry a line.
    """
    rows = _status_rows(counts)
    width = NARROW_W if narrow else _W
    total = sum(count for _, count in rows)
    title = "Analyses by status"
    if not total:
        empty = [text(width / 2, 30, "No analyses yet", anchor="middle")]
        return document(ident, width, 48, title, "There are no analyses.", empty, kind="status")

    others = [k for k, _ in rows if k not in STATUS_COLOURS]
    labels = [f"{key}: {count} ({percent(Fraction(count, total))})" for key, count in rows]
    left, right, bar_top, bar_h = 8, width - 8, 8, 32
    body: list[str] = []
    done = 0
    for (key, count), label in zip(rows, labels, strict=True):
        if not count:
            continue
        x0 = left + (right - left) * done / total
        done += count
        x1 = left + (right - left) * done / total
        body.append(
            f'<rect x="{num(x0)}" y="{bar_top}" width="{num(x1 - x0)}" height="{bar_h}" style="fill:{_colour(key, others)}">'
            f"<title>{html_text(clean(label))}</title></rect>"
        )
    per_row = 1 if narrow else 3
    cell, row_h = (right - left) / per_row, 22
    legend_top = bar_top + bar_h + 14
    for i, ((key, _), label) in enumerate(zip(rows, labels, strict=True)):
        x = left + cell * (i % per_row)
        y = legend_top + row_h * (i // per_row)
        body.append(
            f'<rect x="{num(x)}" y="{y}" width="14" height="14" rx="2" style="fill:{_colour(key, others)}"/>'
        )
        body.append(text(x + 20, y + 12, label))
    height = legend_top + row_h * math.ceil(len(rows) / per_row) + 4
    desc = f"{total} analyses: " + "; ".join(labels) + "."
    return document(ident, width, height, title, desc, body, kind="status")
