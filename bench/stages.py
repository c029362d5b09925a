"""Wall-clock timers around the stages of a load + check + TRACKING.md run (`make profile ARGS="--stages"`).

A profiler shows the call tree but slows small calls far more than large ones, so its seconds are not a
stage's seconds. Here each stage is one function of issuekb, wrapped with a timer in the measuring
process (`bench.measure --stages`) for the duration of the run: the overhead is two clock reads per call,
and the wrapped functions are called a few times per run (`_load_folder` once per folder).

A stage may hold others (`parent`); "everything else" is the run's time outside the top-level stages.
"""

from __future__ import annotations

import functools
import importlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

__all__ = ["OTHER", "STAGES", "Stage", "timed"]

#: the label of the run's time outside every top-level stage
OTHER = "everything else (diagnostics sorted and formatted, ...)"


@dataclass(frozen=True, slots=True)
class Stage:
    """`module.attribute` (a function, or `Class.method`) as the caller of it looks it up."""

    label: str
    module: str
    attribute: str
    #: the label of the stage that calls this one, or None for a top-level stage
    parent: str | None = None


STAGES = (
    Stage("load the analyses", "issuekb.pipeline", "load_analyses"),
    Stage("list the analysis folders", "issuekb.core.load", "discover", "load the analyses"),
    Stage("read, model and check each folder", "issuekb.core.load", "_load_folder", "load the analyses"),
    Stage("build the link graph", "issuekb.pipeline", "build_graph"),
    Stage("knowledge-base rules", "issuekb.pipeline", "validate"),
    Stage("read the upstream state file", "issuekb.pipeline", "load_state"),
    Stage("render TRACKING.md", "issuekb.render.tracking", "render_tracking"),
)


@contextmanager
def timed(stages: tuple[Stage, ...] = STAGES) -> Iterator[dict[str, float]]:
    """Time every stage while the block runs: the dict yielded maps each label to its seconds so far
    (a stage never called stays out). The functions are restored on the way out."""
    seconds: dict[str, float] = {}
    undo: list[Callable[[], None]] = []
    try:
        for stage in stages:
            undo.append(_wrap(stage, seconds))
        yield seconds
    finally:
        for restore in reversed(undo):
            restore()


def _wrap(stage: Stage, seconds: dict[str, float]) -> Callable[[], None]:
    owner: Any = importlib.import_module(stage.module)
    *path, name = stage.attribute.split(".")
    for part in path:
        owner = getattr(owner, part)
    original = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
    if not callable(original):
        raise TypeError(f"{stage.module}.{stage.attribute} is not a function")

    @functools.wraps(original)
    def timer(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            seconds[stage.label] = seconds.get(stage.label, 0.0) + time.perf_counter() - start

    setattr(owner, name, timer)
    return lambda: setattr(owner, name, original)
