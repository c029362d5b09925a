"""The package's layout: no import cycle between its modules, and few modules flat at its top.

Every `import issuekb...` and `from issuekb... import ...` counts, wherever it is written (at the top,
inside a function, under `if TYPE_CHECKING:`): a cycle that only type checking or a late import hides is
still two modules that cannot be understood one without the other.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO_ROOT

PACKAGE = REPO_ROOT / "scripts" / "issuekb"
#: at most this many modules directly inside the package (`__init__` and `__main__` included)
MAX_TOP_LEVEL = 12


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """The package's modules that `path` imports (a name imported from a package counts as its module
    when it is one)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "issuekb")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] != "issuekb":
                continue
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in known else node.module)
    return {name for name in found if name in known}


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(path, known) - {name} for name, path in known.items()}


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle of `edges` as the modules along it (first one repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)) is not None:
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)) is not None:
            return cycle
    return None


def test_the_cycle_finder_finds_a_cycle_and_accepts_a_tree() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_every_kind_of_import_is_an_edge(tmp_path: Path) -> None:
    source = tmp_path / "mod.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "import issuekb.a\n"
        "from issuekb.pkg import b, not_a_module\n"
        "if TYPE_CHECKING:\n"
        "    from issuekb.c import Thing\n"
        "def late():\n"
        "    from issuekb.d import run\n"
        "import os\n",
        encoding="utf-8",
    )
    known = dict.fromkeys(("issuekb.a", "issuekb.pkg", "issuekb.pkg.b", "issuekb.c", "issuekb.d"), source)
    assert imports(source, known) == {"issuekb.a", "issuekb.pkg", "issuekb.pkg.b", "issuekb.c", "issuekb.d"}


def test_the_real_graph_has_edges() -> None:
    edges = graph()
    assert edges.get("issuekb.pipeline")


def test_the_package_has_no_import_cycle() -> None:
    cycle = find_cycle(graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_few_modules_sit_flat_at_the_top_of_the_package() -> None:
    flat = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert len(flat) <= MAX_TOP_LEVEL, flat
