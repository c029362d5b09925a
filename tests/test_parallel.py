"""Forked workers for the per-folder work: the same results, in the same order, as one process."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import issuekb.parallel
from conftest import GOLDEN, TODAY
from issuekb.config import load_config
from issuekb.kb import load_kb
from issuekb.parallel import default_jobs, map_in_order
from issuekb.results import kb_results


def square_and_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def fail_on_seven(n: int) -> int:
    if n == 7:
        raise ValueError("seven")
    return n


@pytest.fixture
def small_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers for as few as two items each (the real threshold is a thousand)."""
    monkeypatch.setattr(issuekb.parallel, "MIN_PER_JOB", 2)


@pytest.mark.usefixtures("small_runs")
def test_workers_give_the_results_in_order() -> None:
    items = list(range(25))
    results = map_in_order(square_and_pid, items, 3)
    assert [r for r, _ in results] == [n * n for n in items]
    pids = [pid for _, pid in results]
    assert pids[0] == os.getpid()  # this process takes the first run itself
    assert len(set(pids)) >= 2  # and workers the others (a quick worker may take two runs)
    assert pids == sorted(pids, key=pids.index)  # each process's items are contiguous


@pytest.mark.usefixtures("small_runs")
def test_an_error_in_a_worker_is_raised_here() -> None:
    with pytest.raises(ValueError, match="seven"):
        map_in_order(fail_on_seven, list(range(20)), 2)


def test_few_items_stay_in_this_process() -> None:
    results = map_in_order(square_and_pid, list(range(50)), 4)  # 50 items: under the threshold
    assert {pid for _, pid in results} == {os.getpid()}
    assert 1 <= default_jobs() <= issuekb.parallel.MAX_JOBS


@pytest.mark.usefixtures("small_runs")
def test_a_knowledge_base_read_by_workers_is_the_same(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(GOLDEN / "broken-kb", root)
    config = load_config(root)
    alone = kb_results(config, today=TODAY, cache=False, tracking=config.tracking_file, jobs=1)
    shared = kb_results(config, today=TODAY, cache=False, tracking=config.tracking_file, jobs=3)
    assert shared == alone
    _, diags = load_kb(config, today=TODAY)
    assert shared.diags == diags
    assert shared.analyses > 30 and shared.tracking
