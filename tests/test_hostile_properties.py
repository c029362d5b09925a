"""Property test: random bytes and random YAML fed to `check` and `import` never give a traceback, always
an exit code of 0, 1 or 2, and never touch a file outside the knowledge base."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MKDOCS_YML, write_file
from issuekb.cli import cli
from issuekb.core.schema import FIELDS

SETTINGS = settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.dates(),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
_front_matters = st.dictionaries(st.sampled_from([*FIELDS, "extra"]), _values, max_size=8)
#: short numbers, and numbers past the 4,300 digits Python converts (random sizes seldom get there)
_digits = st.text(alphabet="0123456789", min_size=1, max_size=20) | st.integers(4301, 5000).map(
    lambda n: "7" * n
)
_field_lines = st.lists(
    st.tuples(
        st.sampled_from(["Issue", "Status", "Related", "PRs", "Reported", "Fix"]),
        st.text(max_size=40) | _digits,
    ),
    max_size=5,
)


def _yaml_text(meta: dict[str, Any]) -> bytes:
    return ("---\n" + yaml.safe_dump(meta, allow_unicode=True, width=10**9) + "---\n# Body\n").encode()


def _long_number(pair: tuple[str, str]) -> bytes:
    key, digits = pair
    lines = {"issue": "7", "title": "t", "status": "investigating", key: digits}
    return ("---\n" + "".join(f"{k}: {v}\n" for k, v in lines.items()) + "---\n").encode()


def _documents() -> st.SearchStrategy[bytes]:
    """Random bytes, random bytes inside fences, random YAML, and very long numbers."""
    return st.one_of(
        st.binary(max_size=300),
        st.binary(max_size=200).map(lambda raw: b"---\n" + raw + b"\n---\n"),
        _front_matters.map(_yaml_text),
        # up to 5,000 digits: past Python's limit for turning a string into an int
        st.tuples(st.sampled_from(["issue", "related", "prs", "upstream_pr"]), _digits).map(_long_number),
    )


def _legacy_text(lines: list[tuple[str, str]], number: str, tail: bytes) -> bytes:
    fields = "".join(f"**{key}**: {value}\n" for key, value in lines)
    prose = f"## Fix #{number}\n\nSame as #{number}, see https://github.com/o/r/issues/{number}.\n"
    return f"# A legacy analysis\n\n{fields}\n{prose}\n".encode() + tail


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@SETTINGS
@given(
    analysis=_documents(),
    companion=st.binary(max_size=100),
    legacy=st.builds(_legacy_text, _field_lines, _digits, st.binary(max_size=100)),
    legacy_raw=st.binary(max_size=200),
)
def test_check_and_import_survive_random_input(
    analysis: bytes, companion: bytes, legacy: bytes, legacy_raw: bytes
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        outer = Path(scratch)
        root = outer / "kb"
        write_file(root / "mkdocs.yml", MKDOCS_YML)
        folder = root / "analyses" / "0007-random"
        folder.mkdir(parents=True)
        (folder / "analysis.md").write_bytes(analysis)
        (folder / "summary.md").write_bytes(companion)
        (outer / "legacy" / "open" / "0008-random").mkdir(parents=True)
        (outer / "legacy" / "open" / "0008-random" / "analysis.md").write_bytes(legacy)
        (outer / "legacy" / "resolved" / "0009-raw").mkdir(parents=True)
        (outer / "legacy" / "resolved" / "0009-raw" / "analysis.md").write_bytes(legacy_raw)
        (outer / "legacy" / "TRACKING.md").write_bytes(legacy_raw)
        write_file(outer / "sentinel.txt", "untouched\n")
        outside = {k: v for k, v in _files(outer).items() if not k.startswith("kb/")}

        for args in (
            ["check"],
            ["import", str(outer / "legacy"), "--force"],
            ["tracking"],
        ):
            result = CliRunner().invoke(cli, [*args, "--root", str(root)])
            assert result.exit_code in (0, 1, 2), (args, result.output)
            assert result.exception is None or isinstance(result.exception, SystemExit), (
                args,
                result.exception,
            )
            assert "Traceback" not in result.output

        assert {k: v for k, v in _files(outer).items() if not k.startswith("kb/")} == outside
