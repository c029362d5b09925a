"""`make profile` (`bench.profile`): one scenario of the benchmark under pyinstrument, or its stages timed; small N."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from bench.stages import OTHER, STAGES, Stage, timed

import issuekb.core.load
from conftest import run_bench

TOP_LEVEL = {stage.label for stage in STAGES if stage.parent is None}
_SLEEP = time.sleep

pytestmark = pytest.mark.slow


def profile(out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_bench("bench.profile", "--out", str(out), *args, timeout=180)


@pytest.mark.parametrize(
    ("scenario", "expected", "absent"),
    [
        ("cold", ["run_pipeline", "load_document", "render_tracking"], ["mkdocs"]),
        ("baseline", ["_baseline", "frontmatter"], ["run_pipeline"]),
    ],
)
def test_the_call_tree_of_a_scenario_is_printed_and_written(
    tmp_path: Path, scenario: str, expected: list[str], absent: list[str]
) -> None:
    done = profile(tmp_path, "--scenario", scenario, "--n", "300")
    assert done.returncode == 0, done.stderr[-3000:]
    text = (tmp_path / f"profile-{scenario}-300.txt").read_text(encoding="utf-8")
    assert text.strip() and text in done.stdout
    for name in expected:
        assert name in text
    for name in absent:
        assert name not in text
    html = (tmp_path / f"profile-{scenario}-300.html").read_text(encoding="utf-8")
    assert "pyinstrument" in html.lower()
    assert f"call tree in {tmp_path}/profile-{scenario}-300.txt" in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scenario", "everything"], "invalid choice: 'everything'"),
        (["--n", "0"], "--n must be at least 1, not 0"),
        (
            ["--stages", "--scenario", "site"],
            "--stages times the load + check + TRACKING.md scenarios, not site",
        ),
        (["--stages", "--rounds", "0"], "--rounds must be at least 1, not 0"),
    ],
)
def test_bad_arguments_are_refused_before_any_work(tmp_path: Path, args: list[str], message: str) -> None:
    done = profile(tmp_path / "out", *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert not (tmp_path / "out").exists()


def test_timed_wraps_the_stages_while_the_block_runs_and_restores_them() -> None:
    discover = issuekb.core.load.discover
    stages = (Stage("sleep", "time", "sleep"), Stage("discover", "issuekb.core.load", "discover"))
    with timed(stages) as seconds:
        assert issuekb.core.load.discover is not discover
        time.sleep(0.02)
        time.sleep(0.01)
    assert time.sleep is _SLEEP and issuekb.core.load.discover is discover
    assert seconds.keys() == {"sleep"} and 0.03 <= seconds["sleep"] < 1


def stage_run(tmp_path: Path, scenario: str) -> tuple[str, list[dict[str, Any]]]:
    done = profile(tmp_path, "--stages", "--rounds", "2", "--scenario", scenario, "--n", "300")
    assert done.returncode == 0, done.stderr[-3000:]
    table = (tmp_path / f"stages-{scenario}-300.md").read_text(encoding="utf-8")
    assert table in done.stdout
    rounds: list[dict[str, Any]] = json.loads((tmp_path / f"stages-{scenario}-300.json").read_text())
    assert len(rounds) == 2
    return table, rounds


def test_the_stages_of_a_run_are_timed_in_each_round(tmp_path: Path) -> None:
    table, rounds = stage_run(tmp_path, "cold")
    load, folders = "load the analyses", "read, model and check each folder"
    for found in rounds:
        stages = found["stages"]
        assert {load, folders, "read the upstream state file", "render TRACKING.md"} <= stages.keys()
        assert sum(v for k, v in stages.items() if k in TOP_LEVEL) <= found["seconds"]
        assert stages[folders] <= stages[load]
    assert f"| {load} |" in table and f"| - {folders} |" in table and f"| {OTHER} |" in table
