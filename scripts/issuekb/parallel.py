"""The per-folder work of a large run on several cores: this process and forked workers share the folders.

Loading, modelling and checking one analysis folder depends on that folder's files alone
(`kb._load_folder`), so the folders a run must read can be split into contiguous runs and worked on at
once. This process takes the first run itself while each forked worker takes one of the others, and
then reads their results back, in order: the results are the same objects, in the same order, as one
process would make. A run with few folders to read does all of them here (forking and sending the
results back costs more than it saves), and so does a system without `fork`.

Only the commands ask for workers (`issuekb check`, `issuekb tracking`, through `issuekb.results`):
they are short-lived processes without threads. The MkDocs plugin, which runs inside `mkdocs serve`
with its threads, never forks.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import TypeVar

__all__ = ["MIN_PER_JOB", "default_jobs", "map_in_order"]

T = TypeVar("T")
R = TypeVar("R")

#: Fewer items per process than this are worked on here: the fork and the results' trip cost more.
MIN_PER_JOB = 1000
#: More processes than this gain little: the results' trip back to this process is not shared.
MAX_JOBS = 4


def default_jobs() -> int:
    """The processes a run may use: the cores this process may run on, at most `MAX_JOBS`."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on every system
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_JOBS))


def map_in_order(work: Callable[[T], R], items: Sequence[T], jobs: int) -> list[R]:
    """`[work(item) for item in items]`, shared with up to `jobs - 1` forked workers when it pays.

    `work` must be a module-level function (workers receive it by name) and its results picklable. An
    exception in a worker is raised here, as it would be without workers.
    """
    jobs = min(jobs, len(items) // MIN_PER_JOB)
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [work(item) for item in items]
    size = -(-len(items) // jobs)  # ceiling: `jobs` contiguous runs, the last one maybe shorter
    runs = [items[i : i + size] for i in range(0, len(items), size)]
    context = multiprocessing.get_context("fork")
    with context.Pool(len(runs) - 1) as pool:
        pending = [pool.apply_async(_work_on, (work, run)) for run in runs[1:]]
        results = [work(item) for item in runs[0]]
        for done in pending:
            results.extend(done.get())
    return results


def _work_on(work: Callable[[T], R], items: Sequence[T]) -> list[R]:
    return [work(item) for item in items]
