"""The record cache's stored form of an analysis (`issuekb.stored`): plain values, and back unchanged."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from bench.synth import generate

from conftest import GOLDEN, TODAY
from issuekb.config import load_config
from issuekb.kb import load_kb
from issuekb.model import Analysis
from issuekb.stored import restore_analysis, store_analysis

REPO = Path(__file__).resolve().parent.parent


def plain(value: object) -> bool:
    """Whether `value` is made of Python's own types only (no class that unpickling must look up)."""
    if isinstance(value, tuple):
        return type(value) is tuple and all(plain(item) for item in value)
    if isinstance(value, dict):
        return type(value) is dict and all(plain(k) and plain(v) for k, v in value.items())
    return value is None or type(value) in (str, int, bool)


def without_bodies(analysis: Analysis) -> Analysis:
    companions = tuple(dataclasses.replace(c, body="") for c in analysis.companions)
    return dataclasses.replace(analysis, body="", companions=companions)


@pytest.mark.parametrize("source", ["broken-kb", "this-repository", "synthetic"])
def test_every_analysis_is_stored_as_plain_values_and_restored_unchanged(tmp_path: Path, source: str) -> None:
    root = tmp_path / "kb"
    if source == "broken-kb":
        shutil.copytree(GOLDEN / "broken-kb", root)
    elif source == "this-repository":
        root = REPO
    else:
        generate(root, 200)
    kb, _ = load_kb(load_config(root), today=TODAY, git=False)
    assert len(kb.analyses) >= 5
    kinds = set()
    for analysis in kb.analyses:
        stored = store_analysis(analysis)
        assert stored is not None
        assert plain(stored), analysis.folder
        restored = restore_analysis(analysis.path, stored)
        assert restored == without_bodies(analysis)
        assert restored.doc is not None and analysis.doc is not None
        assert (restored.doc.key_lines, restored.doc.item_lines) == (
            analysis.doc.key_lines,
            analysis.doc.item_lines,
        )
        kinds.update(
            name
            for name in (
                "duplicate_of",
                "related",
                "related_notes",
                "upstream_pr",
                "resolution",
                "reported",
                "companions",
            )
            if getattr(analysis, name)
        )
    assert {"duplicate_of", "related", "resolution", "reported"} <= kinds
    if source == "broken-kb":
        assert {"related_notes", "companions"} <= kinds


def test_an_analysis_not_made_by_the_model_is_not_stored(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(GOLDEN / "broken-kb", root)
    kb, _ = load_kb(load_config(root), today=TODAY, git=False)
    analysis = kb.analyses[0]
    assert store_analysis(dataclasses.replace(analysis, body=analysis.body + "edited")) is None
    assert store_analysis(dataclasses.replace(analysis, doc=None)) is None
