"""`issuekb check` over a deliberately broken knowledge base: the complete diagnostic list is asserted.

tests/golden/broken-kb/ holds one analysis folder per rule, named after the rule's code; the expected text
output is tests/golden/broken-kb.expected.txt (`pytest --update-golden` rewrites it). The fork clone for
the commit check is made by the test (tests/gitfixture.py): its commit SHAs are the same on every machine.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conftest import GOLDEN, MKDOCS_YML, TODAY, write_file
from gitfixture import COMMITS, make_fork_clone
from issuekb.cli import cli
from issuekb.core.rules import RULE_CODES, SCOPES
from issuekb.diagnostics import Severity

BROKEN = GOLDEN / "broken-kb"
EXPECTED = GOLDEN / "broken-kb.expected.txt"
PACKAGE = Path(__file__).resolve().parent.parent / "scripts" / "issuekb"
TEXT_LINE = re.compile(
    r"^(?P<path>[^:\s]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning)\[(?P<code>[a-z0-9-]+)\] "
)
GITHUB_LINE = re.compile(
    r"^::(?P<sev>error|warning) file=(?P<path>[^,]+),line=(?P<line>\d+),col=(?P<col>\d+),title=(?P<code>[a-z0-9-]+)::.+$"
)


@pytest.fixture(scope="module")
def broken_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the broken knowledge base with its fork clone at fork-clone/."""
    root = tmp_path_factory.mktemp("golden") / "kb"
    shutil.copytree(BROKEN, root)
    made = make_fork_clone(root / "fork-clone")
    assert made == COMMITS, (
        "git made other SHAs than tests/gitfixture.py expects: update COMMITS and broken-kb"
    )
    return root


def check(root: Path, *args: str) -> Result:
    return CliRunner().invoke(
        cli,
        [
            "check",
            "--root",
            str(root),
            "--today",
            TODAY.isoformat(),
            "--git",
            str(root / "fork-clone"),
            *args,
        ],
    )


def parse_text(output: str) -> list[tuple[str, int, int, str, str]]:
    return [
        (m["path"], int(m["line"]), int(m["col"]), m["sev"], m["code"])
        for m in map(TEXT_LINE.match, output.splitlines())
        if m
    ]


def test_the_complete_diagnostic_list(broken_kb: Path, update_golden: bool) -> None:
    result = check(broken_kb)
    assert result.exit_code == 1, result.output
    if update_golden:
        EXPECTED.write_text(result.output, encoding="utf-8")
    assert result.output == EXPECTED.read_text(encoding="utf-8")


def test_every_check_rule_has_a_case_and_every_case_its_rule(broken_kb: Path) -> None:
    found = parse_text(EXPECTED.read_text(encoding="utf-8"))
    codes = {code for *_, code in found}
    wanted = {code for code, rule in RULE_CODES.items() if rule.scope == "check"}
    assert wanted - codes == set(), "rules without a case in tests/golden/broken-kb"
    assert codes - wanted == set(), "codes in the golden output that are not check rules"
    for path, *_, severity, code in found:
        assert severity == RULE_CODES[code].severity, (path, code)
    folders = {p.name for p in (BROKEN / "analyses").iterdir()}
    named = {re.sub(r"^\d+-", "", name).removesuffix(".md") for name in folders}
    assert wanted <= named | {"valid"}, "every rule has a folder named after it"
    for path, *_, code in found:
        assert code in path or "cycle" in path or "chain" in path, f"{code} reported in {path}"


def _emitted_codes() -> dict[str, str]:
    """Every string literal passed as the code of a diagnostic anywhere in the package (code -> file)."""
    codes: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            first = node.args[0]
            if (
                name in {"error", "warning", "Diagnostic"}
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and re.fullmatch(r"[a-z]+(?:-[a-z0-9]+)+", first.value)
            ):
                codes.setdefault(first.value, path.name)
    return codes


def test_every_code_in_the_code_base_is_registered() -> None:
    emitted = _emitted_codes()
    assert len(emitted) > 30  # the scan sees the code base
    unregistered = {code: where for code, where in emitted.items() if code not in RULE_CODES}
    assert unregistered == {}, "add these codes to issuekb/core/rules.py (and so to docs/reference.md)"
    assert {rule.scope for rule in RULE_CODES.values()} <= set(SCOPES)


def test_json_output_holds_the_same_diagnostics(broken_kb: Path) -> None:
    result = check(broken_kb, "--format", "json")
    assert result.exit_code == 1
    items = json.loads(result.output)
    assert [(d["path"], d["line"], d["column"], d["severity"], d["code"]) for d in items] == parse_text(
        EXPECTED.read_text(encoding="utf-8")
    )
    assert set(items[0]) == {"code", "severity", "path", "line", "column", "message", "hint"}
    assert all(isinstance(d["message"], str) and d["message"] for d in items)


def test_github_output_is_one_annotation_per_diagnostic(broken_kb: Path) -> None:
    result = check(broken_kb, "--format", "github")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    matches = [GITHUB_LINE.match(line) for line in lines]
    assert all(matches), [line for line, m in zip(lines, matches, strict=True) if not m]
    assert [
        (m["path"], int(m["line"]), int(m["col"]), m["sev"], m["code"]) for m in matches if m
    ] == parse_text(EXPECTED.read_text(encoding="utf-8"))


def test_paths_limit_the_report_but_not_the_rules(broken_kb: Path) -> None:
    folder = broken_kb / "analyses" / "0033-duplicate-chain"
    result = check(broken_kb, str(folder))
    assert result.exit_code == 0  # a warning only
    assert [code for *_, code in parse_text(result.output)] == ["duplicate-chain"]  # needs #34 and #35 too
    everything = check(broken_kb, str(folder), str(broken_kb / "mkdocs.yml"))
    assert everything.output == EXPECTED.read_text(encoding="utf-8")


def test_a_clean_knowledge_base_exits_0(kb_root: Path) -> None:
    write_file(
        kb_root / "analyses" / "0001-fine" / "analysis.md",
        "---\nissue: 1\ntitle: t\nstatus: paused\n---\nx\n",
    )
    result = CliRunner().invoke(cli, ["check", "--root", str(kb_root)])
    assert (result.exit_code, result.output) == (0, "1 analyses checked: no problems found.\n")
    result = CliRunner().invoke(cli, ["check", "--root", str(kb_root), "--format", "json"])
    assert (result.exit_code, result.output) == (0, "[]\n")
    result = CliRunner().invoke(cli, ["check", "--root", str(kb_root), "--format", "github"])
    assert (result.exit_code, result.output) == (0, "")


def test_warnings_fail_only_with_strict(kb_root: Path) -> None:
    write_file(
        kb_root / "analyses" / "0001-fine" / "analysis.md", "---\nissue: 1\ntitle: t\nstatus: paused\n---\n"
    )
    assert CliRunner().invoke(cli, ["check", "--root", str(kb_root)]).exit_code == 0
    assert CliRunner().invoke(cli, ["check", "--root", str(kb_root), "--strict"]).exit_code == 1


def test_a_missing_analyses_folder_is_an_error(tmp_path: Path) -> None:
    write_file(tmp_path / "mkdocs.yml", MKDOCS_YML)
    result = CliRunner().invoke(cli, ["check", "--root", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.startswith("analyses:1:1: error[kb-missing] The analyses folder does not exist\n")


@pytest.mark.parametrize(
    ("mkdocs_yml", "message"),
    [
        (None, "no mkdocs.yml found"),
        ("site_name: x\nplugins:\n  - search\n", "no 'issuekb' entry"),
        ("plugins:\n  - issuekb:\n      upstream: not a repo\n", "'upstream' must be 'owner/name'"),
        ("plugins:\n  - issuekb:\n      upstream: a/b\n      colour: blue\n", "unknown issuekb option"),
        ("plugins: [issuekb: {upstream: a/b\n", "not valid YAML"),
    ],
)
def test_no_or_bad_configuration_exits_2(tmp_path: Path, mkdocs_yml: str | None, message: str) -> None:
    if mkdocs_yml is not None:
        write_file(tmp_path / "mkdocs.yml", mkdocs_yml)
    result = CliRunner().invoke(cli, ["check", "--root", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_bad_today_is_a_usage_error(kb_root: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--root", str(kb_root), "--today", "2026-13-01"])
    assert result.exit_code == 2
    assert "--today" in result.output


def test_the_installed_command_runs_in_a_real_process(broken_kb: Path, tmp_path: Path) -> None:
    issuekb = Path(sys.executable).with_name("issuekb")
    args = ["check", "--today", TODAY.isoformat(), "--git", "fork-clone"]
    proc = subprocess.run([issuekb, *args], cwd=broken_kb, capture_output=True, text=True, check=False)
    assert (proc.returncode, proc.stderr) == (1, "")
    assert proc.stdout == EXPECTED.read_text(encoding="utf-8")
    proc = subprocess.run([issuekb, "check"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert proc.stderr.startswith("Error: no mkdocs.yml found")
    proc = subprocess.run(
        [sys.executable, "-m", "issuekb", "check", "--root", str(broken_kb / "analyses" / "0043-valid")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1  # found mkdocs.yml upwards: the same knowledge base, without the git check
    assert "error[commit-unknown]" not in proc.stdout
    assert Severity.ERROR in proc.stdout
