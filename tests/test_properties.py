"""Property-based tests: random and mutated front matter never raises; it gives diagnostics or a record.

Every example goes through the whole per-file pipeline (`parse_document`, `build_analysis`) and the
knowledge-base rules (`validate`, without git). Every diagnostic must carry a registered code and a
location inside the file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml_rs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TODAY
from issuekb.config import Config
from issuekb.core.document import Document, parse_document
from issuekb.core.graph import build_graph
from issuekb.core.kb import KnowledgeBase
from issuekb.core.model import Analysis, build_analysis
from issuekb.core.rules import RULE_CODES
from issuekb.core.schema import FIELDS, PLACEHOLDERS, Resolution, Status
from issuekb.core.validate import validate
from issuekb.diagnostics import Diagnostic

SETTINGS = settings(
    max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
CONFIG = Config.from_options(Path("/nonexistent-kb"), {"upstream": "acme/widget"})

VALID = """\
issue: 1159
title: "error: externally managed"
status: resolved
resolution: duplicate
duplicate_of: 1143
related:
  - 1167
  - issue: acme/other#3
    note: same cause
commits: [b8a8291, '1234567']
prs: [12]
reporter: someone
reported: 2025-04-01
analyzed: 2025-11-06
resolved_on: 2025-11-06
priority: high
tags: [pep668, venv]
affected: [Debian 12]
"""
YAML_NOISE = [*":-[]{}!&*'\"#|>%@`,? \t\n\r\ufeff\x00\x85", "---", "...", "*a", "&a", "!!", "0x", "yes"]


def run_pipeline(
    data: bytes | str, folder: str = "0001-x"
) -> tuple[list[Analysis], list[Diagnostic], Document]:
    """Load, model and validate one file as the only analysis of a knowledge base."""
    path = CONFIG.analyses_dir / folder / "analysis.md"
    rel = f"analyses/{folder}/analysis.md"
    doc, diags = parse_document(data, path, rel)
    analysis, found = build_analysis(doc, CONFIG.upstream, today=TODAY)
    diags += found
    analyses = [analysis] if analysis is not None else []
    kb = kb_of(analyses)
    diags += validate(kb, build_graph(kb), git=False)
    return analyses, diags, doc


def kb_of(analyses: list[Analysis]) -> KnowledgeBase:
    kb = KnowledgeBase(CONFIG)
    kb.analyses = sorted(analyses, key=lambda a: (a.repo, a.issue, a.folder))
    for analysis in kb.analyses:
        kb.by_ref.setdefault(analysis.ref, analysis)
    return kb


def line_count(data: bytes | str) -> int:
    """The lines of a file as the loader counts them (CR, CRLF and LF end a line)."""
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    return text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1


def assert_well_formed(diags: list[Diagnostic], data: bytes | str) -> None:
    lines = line_count(data) + 1
    for diag in diags:
        assert diag.code in RULE_CODES, diag
        assert diag.severity == RULE_CODES[diag.code].severity, diag
        assert 1 <= diag.line <= lines, (diag, lines)
        assert diag.column >= 1, diag
        assert diag.message, diag


def assert_record_or_diagnostic(
    analyses: list[Analysis], diags: list[Diagnostic], doc: Document, data: bytes | str
) -> None:
    assert analyses or diags, "neither a record nor a diagnostic"
    if doc.meta is None:
        assert analyses == []
        assert any(d.code.startswith(("fm-", "load-")) for d in diags)
    assert_well_formed(diags, data)


@SETTINGS
@given(st.binary(max_size=400))
def test_random_bytes(data: bytes) -> None:
    analyses, diags, doc = run_pipeline(b"---\n" + data)
    assert_record_or_diagnostic(analyses, diags, doc, b"---\n" + data)


@SETTINGS
@given(st.lists(st.sampled_from(YAML_NOISE) | st.characters(), max_size=150).map("".join))
def test_random_front_matter_text(text: str) -> None:
    data = f"---\n{text}\n---\nbody\n"
    analyses, diags, doc = run_pipeline(data)
    assert_record_or_diagnostic(analyses, diags, doc, data)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """The valid front matter with a few random edits: deletions, insertions, swapped or doubled lines."""
    text = VALID
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete", "insert", "swap", "double"]))
        lines = text.split("\n")
        if kind == "delete" and text:
            start = draw(st.integers(0, len(text) - 1))
            text = text[:start] + text[start + draw(st.integers(1, 12)) :]
        elif kind == "insert":
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.sampled_from(YAML_NOISE)) + text[at:]
        elif kind == "swap" and len(lines) > 1:
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        elif kind == "double" and lines:
            i = draw(st.integers(0, len(lines) - 1))
            text = "\n".join([*lines[: i + 1], lines[i], *lines[i + 1 :]])
    return text


@SETTINGS
@given(mutated())
def test_mutated_front_matter(text: str) -> None:
    data = f"---\n{text}---\n# Body\n"
    analyses, diags, doc = run_pipeline(data, folder="1159-x")
    assert_record_or_diagnostic(analyses, diags, doc, data)


def test_the_unmutated_front_matter_is_clean() -> None:
    analyses, diags, _ = run_pipeline(f"---\n{VALID}---\n# Body\n", folder="1159-x")
    assert [d.code for d in diags] == ["duplicate-unknown"]  # 1143 has no analysis in this one-file KB
    assert len(analyses) == 1


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=True)
    | st.text(max_size=20)
    | st.sampled_from(PLACEHOLDERS)
    | st.dates()
    | st.sampled_from([*(s.value for s in Status), *(r.value for r in Resolution), "0012", "acme/x#5", "#7"])
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
)
KEYS = st.sampled_from(list(FIELDS)) | st.text(min_size=1, max_size=10)


@SETTINGS
@given(st.dictionaries(KEYS, VALUES, max_size=12))
def test_random_yaml_values(meta: dict[str, Any]) -> None:
    try:
        text = yaml_rs.dumps(meta)
    except (yaml_rs.YAMLEncodeError, ValueError, TypeError):
        return  # not every Python value has a YAML spelling
    data = f"{text}\n---\nbody\n"
    _, diags, _ = run_pipeline(data)
    assert_well_formed(diags, data)


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    """Mostly well-typed records over a handful of issue numbers, so that duplicates, chains, cycles and
    shared commits between them are frequent."""
    number = st.integers(1, 5)
    meta: dict[str, Any] = {
        "issue": draw(number),
        "title": "t",
        "status": draw(st.sampled_from(list(Status))),
    }
    if draw(st.booleans()):
        meta["resolution"] = draw(st.sampled_from(list(Resolution)))
    if draw(st.booleans()):
        meta["duplicate_of"] = draw(number | st.just("other/repo#2"))
    meta["related"] = draw(st.lists(number, max_size=3))
    meta["commits"] = draw(st.lists(st.sampled_from(["aaaaaaa", "bbbbbbb", "aaaaaaab"]), max_size=2))
    dates = draw(st.lists(st.dates(dt.date(2024, 1, 1), dt.date(2027, 1, 1)), max_size=3))
    meta.update(zip(["reported", "analyzed", "resolved_on"], dates, strict=False))
    return meta


@SETTINGS
@given(st.lists(records(), min_size=1, max_size=6))
def test_knowledge_base_rules_over_related_records(metas: list[dict[str, Any]]) -> None:
    analyses: list[Analysis] = []
    diags: list[Diagnostic] = []
    for i, meta in enumerate(metas):
        folder = f"{meta['issue']:04d}-case-{i}"
        text = f"{yaml_rs.dumps(meta)}\n---\nbody\n"
        doc, found = parse_document(
            text, CONFIG.analyses_dir / folder / "analysis.md", f"a/{folder}/analysis.md"
        )
        assert found == []
        analysis, found = build_analysis(doc, CONFIG.upstream, today=TODAY)
        assert analysis is not None
        analyses.append(analysis)
        diags += found
    kb = kb_of(analyses)
    diags += validate(kb, build_graph(kb), git=False)
    for diag in diags:
        assert diag.code in RULE_CODES, diag
    issues = [a.ref for a in analyses]
    assert any(d.code == "kb-duplicate-issue" for d in diags) == (len(set(issues)) < len(issues))
