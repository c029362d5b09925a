"""Random sequences of edits: after each, a run with the record cache gives what a fresh run gives.

The other cache tests check one invalidation each. Here hypothesis draws sequences of the changes a
knowledge base sees (fields, texts, companions, folders added and removed, the upstream state file
rewritten or touched), each followed by a run that renders TRACKING.md or one that does not
(`check`), on the golden broken knowledge base with a synced state, and each cached run (the memo, the journal, the kept rows, the state
file's remembered digest) is compared with a run without the cache: the diagnostics as JSON, the number
of analyses and TRACKING.md. The journal is folded into the base file after a few folders here, so
that sequences cross that boundary too.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import issuekb.cache
from conftest import GOLDEN, LONG_AGO, TODAY, age, write_file
from issuekb.config import load_config
from issuekb.diagnostics import format_diagnostics
from issuekb.results import kb_results
from issuekb.schema import Status

INDEX = st.integers(0, 99)
OPS = st.one_of(
    st.tuples(st.just("title"), INDEX),
    st.tuples(st.just("status"), INDEX, st.sampled_from([s.value for s in Status])),
    st.tuples(st.just("duplicate"), INDEX, st.integers(30, 44)),
    st.tuples(st.just("text"), INDEX),
    st.tuples(st.just("same"), INDEX),  # a new time stamp, the same bytes
    st.tuples(st.just("companion"), INDEX),
    st.tuples(st.just("remove"), INDEX),
    st.tuples(st.just("copy"), INDEX),
    st.tuples(st.just("state"), st.sampled_from(["open", "closed", "duplicate"]), st.integers(30, 44)),
    st.tuples(st.just("touch-state")),
)
#: a change, and whether the run after it renders TRACKING.md (`tracking`) or not (`check`)
STEPS = st.tuples(OPS, st.booleans())


def state_text(kind: str, number: int) -> str:
    issue: dict[str, object] = {
        "title": f"Case {number}",
        "state": "open",
        "updated_at": "2026-01-01T00:00:00Z",
    }
    if kind != "open":
        issue.update(state="closed", state_reason="completed", closed_at="2026-02-01T00:00:00Z")
    if kind == "duplicate":
        issue.update(state_reason="duplicate", duplicate_of="35")
    issues = {str(number): issue, "43": {"title": "Case 43", "state": "open", "labels": ["bug"]}}
    repo = {"synced_at": "2026-11-01T00:00:00Z", "issues": issues}
    return json.dumps({"format": 1, "repos": {"acme/widget": repo}}, indent=1) + "\n"


def outputs(root: Path, *, cache: bool, tracking: bool) -> tuple[str, int, str | None]:
    config = load_config(root)
    target = config.tracking_file if tracking else None
    result = kb_results(config, today=TODAY, git=False, cache=cache, tracking=target)
    return format_diagnostics(result.diags, "json"), result.analyses, result.tracking


class Sequence:
    """A copy of the golden broken knowledge base and the changes made to it, each dated after the last."""

    def __init__(self, root: Path) -> None:
        self.root = root
        shutil.copytree(GOLDEN / "broken-kb", root)
        write_file(root / "upstream-state.json", state_text("open", 41))
        age(root)
        self.tick = LONG_AGO
        self.copies = 0

    def folders(self) -> list[Path]:
        return sorted(p for p in (self.root / "analyses").iterdir() if (p / "analysis.md").is_file())

    def dated(self, *paths: Path) -> None:
        """Date `paths` after every earlier change, older than the cache's racy window."""
        self.tick += 10
        for path in paths:
            os.utime(path, (self.tick, self.tick))

    def edit(self, index: int, change: object) -> None:
        folder = self.folders()[index % len(self.folders())]
        target = folder / "analysis.md"
        text = target.read_bytes().decode("utf-8", "replace")
        if isinstance(change, tuple) and change[0] == "sub":
            text = re.sub(change[1], change[2], text, count=1, flags=re.MULTILINE)
        elif change == "text":
            text += f"\nMore words, {self.tick}.\n"
        target.write_bytes(text.encode())
        self.dated(target)

    def apply(self, op: tuple[object, ...]) -> None:
        """Make the change."""
        kind, *args = op
        if kind == "title":
            self.edit(int(str(args[0])), ("sub", r"^title: ", f"title: T{self.tick} "))
        elif kind == "status":
            self.edit(int(str(args[0])), ("sub", r"^status: .*$", f"status: {args[1]}"))
        elif kind == "duplicate":
            self.edit(int(str(args[0])), ("sub", r"^(issue: .*)$", rf"\1\nduplicate_of: {args[1]}"))
        elif kind in ("text", "same"):
            self.edit(int(str(args[0])), kind)
        elif kind in ("companion", "remove", "copy"):
            folders = self.folders()
            folder = folders[int(str(args[0])) % len(folders)]
            if kind == "companion":
                summary = folder / "summary.md"
                if summary.exists():
                    summary.unlink()
                else:
                    write_file(summary, "# Summary\n\nIn short.\n")
                    self.dated(summary)
                self.dated(folder)
            elif kind == "remove" and len(folders) > 3:
                shutil.rmtree(folder)
            elif kind == "copy":
                self.copies += 1
                copy = folder.parent / f"{900 + self.copies:04d}-copy"
                shutil.copytree(folder, copy)
                self.dated(*copy.iterdir(), copy)
        elif kind == "state":
            state = self.root / "upstream-state.json"
            write_file(state, state_text(str(args[0]), int(str(args[1]))))
            self.dated(state)
        elif kind == "touch-state":
            self.dated(self.root / "upstream-state.json")


@pytest.fixture
def small_journal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A journal folded into the base file past 3 folders, so that sequences cross that boundary."""
    monkeypatch.setattr(issuekb.cache, "_JOURNAL_MIN", 3)


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(STEPS, min_size=1, max_size=10))
@pytest.mark.usefixtures("small_journal")
def test_every_cached_run_of_a_sequence_is_a_fresh_run(steps: list[tuple[tuple[object, ...], bool]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        kb = Sequence(Path(tmp) / "kb")
        assert outputs(kb.root, cache=True, tracking=True) == outputs(kb.root, cache=False, tracking=True)
        for op, tracking in steps:
            kb.apply(op)
            cached = outputs(kb.root, cache=True, tracking=tracking)
            assert cached == outputs(kb.root, cache=False, tracking=tracking), op
