"""`issuekb.childpath.child_path`: the same path as `Path.joinpath`, whichever way it is built."""

from __future__ import annotations

from pathlib import Path

import pytest

from issuekb import childpath
from issuekb.childpath import child_path


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize(
    ("folder", "names"),
    [
        ("/work/kb/analyses", ("0001-a", "analysis.md")),
        ("relative/analyses", ("0042-two words", "summary.md")),
        ("/", ("top",)),
        (".", ("0001-a",)),
        ("/work/kb/analyses", ("déjà-vu ✓",)),
    ],
)
def test_child_path_is_joinpath(
    monkeypatch: pytest.MonkeyPatch, fast: bool, folder: str, names: tuple[str, ...]
) -> None:
    monkeypatch.setattr(childpath, "_FROM_PARTS", fast and childpath._FROM_PARTS)
    base = Path(folder)
    built, expected = child_path(base, *names), base.joinpath(*names)
    assert type(built) is type(expected)
    assert built == expected and str(built) == str(expected) and hash(built) == hash(expected)
    assert built.parts == expected.parts and built.name == expected.name and built.parent == expected.parent
    assert built.relative_to(base) == Path(*names)
