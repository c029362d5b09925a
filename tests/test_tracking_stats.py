"""stats.py: counts and shares per status, resolution and month, from real analysis files."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest

from conftest import TODAY
from issuekb.config import Config
from issuekb.pipeline import load_kb
from issuekb.render.stats import UNKNOWN, compute_stats, percent

AddAnalysis = Callable[..., Path]


def test_counts_and_shares(add_analysis: AddAnalysis, kb_config: Config) -> None:
    add_analysis(
        "0001-a",
        "issue: 1\ntitle: A\nstatus: resolved\nresolution: fixed\nreported: 2025-01-30\nresolved_on: 2025-03-02",
    )
    add_analysis(
        "0002-b",
        "issue: 2\ntitle: B\nstatus: resolved\nresolution: duplicate\nduplicate_of: 1\nreported: 2025-03-01",
    )
    add_analysis("0003-c", "issue: 3\ntitle: C\nstatus: investigating\nreported: 2025-01-02")
    add_analysis("0004-d", "issue: 4\ntitle: D\nstatus: bogus")
    kb, _ = load_kb(kb_config, today=TODAY, git=False)
    stats = compute_stats(kb.by_ref.values())
    assert stats.total == 4
    assert [(c.key, c.count) for c in stats.by_status] == [
        ("investigating", 1),
        ("in-progress", 0),
        ("paused", 0),
        ("resolved", 2),
        ("archived", 0),
        (UNKNOWN, 1),
    ]
    assert stats.status("resolved").share == Fraction(1, 2)
    assert stats.status("paused").share == 0
    assert stats.with_resolution == 2
    assert [(c.key, c.count, c.share) for c in stats.by_resolution if c.count] == [
        ("fixed", 1, Fraction(1, 2)),
        ("duplicate", 1, Fraction(1, 2)),
    ]
    assert [(m.month, m.reported, m.resolved) for m in stats.by_month] == [
        ("2025-01", 2, 0),
        ("2025-02", 0, 0),
        ("2025-03", 1, 1),
    ]
    assert stats.undated == 1
    counts = compute_stats(kb.by_ref.values(), months=False)  # TRACKING.md's summary: no months
    assert (counts.total, counts.by_status, counts.by_resolution) == (4, stats.by_status, stats.by_resolution)
    assert (counts.with_resolution, counts.by_month, counts.undated) == (2, (), 0)


def test_empty_knowledge_base() -> None:
    stats = compute_stats([])
    assert stats.total == 0
    assert all(c.count == 0 and c.share == 0 for c in stats.by_status)
    assert [c.key for c in stats.by_status] == [
        "investigating",
        "in-progress",
        "paused",
        "resolved",
        "archived",
    ]
    assert stats.by_month == ()


def test_months_cross_a_year_boundary(add_analysis: AddAnalysis, kb_config: Config) -> None:
    add_analysis("0001-a", "issue: 1\ntitle: A\nstatus: paused\nreported: 2024-11-05")
    add_analysis("0002-b", "issue: 2\ntitle: B\nstatus: paused\nreported: 2025-02-05")
    kb, _ = load_kb(kb_config, today=TODAY, git=False)
    months = [m.month for m in compute_stats(kb.analyses).by_month]
    assert months == ["2024-11", "2024-12", "2025-01", "2025-02"]


@pytest.mark.parametrize(
    ("share", "text"),
    [
        (Fraction(0), "0%"),
        (Fraction(1), "100%"),
        (Fraction(2, 3), "67%"),
        (Fraction(1, 8), "13%"),
        (Fraction(1, 3), "33%"),
    ],
)
def test_percent_rounds_half_up(share: Fraction, text: str) -> None:
    assert percent(share) == text
