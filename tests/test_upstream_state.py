"""Reading the upstream state file (`issuekb.upstream.state.parse_state`): round trip, and values of a wrong type."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from bench.synth import generate

from issuekb.upstream.state import IssueState, PullState, dump_state, parse_state

REPO = "acme/widget"


def state_text(issues: dict[str, Any], pulls: dict[str, Any] | None = None) -> str:
    repo = {"source": "https://api.github.com", "issues": issues, "pulls": pulls or {}}
    return json.dumps({"format": 1, "repos": {REPO: repo}})


def test_a_synthetic_state_reads_back_to_the_same_bytes(tmp_path: Path) -> None:
    generate(tmp_path, 300)
    text = (tmp_path / "upstream-state.json").read_text(encoding="utf-8")
    state, diags = parse_state(text, "upstream-state.json")
    assert diags == []
    issues = state.repos["bench-org/bench-project"].issues
    assert len(issues) == 300
    assert {i.state for i in issues.values()} == {"open", "closed"}
    assert any(i.deleted for i in issues.values()) and any(i.previous_title for i in issues.values())
    assert dump_state(state) == text


def test_missing_fields_take_their_defaults_and_unknown_ones_are_left_out() -> None:
    text = state_text(
        {"7": {"title": "Seven", "labels": ["bug"], "reactions": 3}}, {"9": {"state": "merged"}}
    )
    state, diags = parse_state(text, "s.json")
    assert diags == []
    assert state.repos[REPO].issues == {7: IssueState(7, title="Seven", labels=["bug"])}
    assert state.repos[REPO].pulls == {9: PullState(9, state="merged")}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", 7),  # str
        ("title", None),
        ("comments", "3"),  # int
        ("comments", True),  # a bool is not a count
        ("locked", 1),  # bool
        ("labels", "bug"),  # list[str]
        ("labels", ["bug", 3]),
        ("closed_at", 20240101),  # str | None
    ],
)
def test_a_value_of_the_wrong_type_drops_its_record_with_a_located_error(field: str, value: object) -> None:
    text = state_text({"7": {"title": "Seven", field: value}, "8": {"title": "Eight"}})
    state, diags = parse_state(text, "upstream-state.json")
    assert [(d.code, d.path, d.message) for d in diags] == [
        ("state-invalid", "upstream-state.json", f"{field} of #7 has the wrong type")
    ]
    assert list(state.repos[REPO].issues) == [8]


def test_a_pull_of_the_wrong_type_is_reported_too() -> None:
    state, diags = parse_state(state_text({}, {"9": {"merged_at": 5}}), "s.json")
    assert [d.message for d in diags] == ["merged_at of #9 has the wrong type"]
    assert state.repos[REPO].pulls == {}
