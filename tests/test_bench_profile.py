"""`make profile` (`bench.profile`): one scenario of the benchmark under pyinstrument, small N."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import run_bench

pytestmark = pytest.mark.slow


def profile(out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_bench("bench.profile", "--out", str(out), *args, timeout=180)


@pytest.mark.parametrize(
    ("scenario", "expected", "absent"),
    [
        ("fields", ["kb_results", "build_kb_parts"], []),  # the whole pipeline on the cached records
        ("cold", ["kb_results", "load_document"], ["restore_analysis"]),
        ("cached", ["_core"], ["build_kb_parts", "load_document"]),  # the memo answers
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
    ],
)
def test_bad_arguments_are_refused_before_any_work(tmp_path: Path, args: list[str], message: str) -> None:
    done = profile(tmp_path / "out", *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert not (tmp_path / "out").exists()
