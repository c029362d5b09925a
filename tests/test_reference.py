"""docs/reference.md and docs/schema/analysis.schema.json stay in step with the code, and the schema works.

`pytest --update-golden` rewrites the generated tables of the reference page and the schema file.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml_rs
from click.testing import CliRunner

from conftest import REPO_ROOT
from issuekb.cli import cli
from issuekb.config import load_config
from issuekb.core.document import load_document
from issuekb.core.load import discover
from issuekb.core.rules import RULE_CODES, rules_markdown
from issuekb.core.schema import FIELDS, fields_markdown, json_schema

REFERENCE = REPO_ROOT / "docs" / "reference.md"
SCHEMA_FILE = REPO_ROOT / "docs" / "schema" / "analysis.schema.json"
BLOCKS = {"fields": fields_markdown, "rules": rules_markdown}


def block(text: str, name: str) -> re.Match[str]:
    match = re.search(f"<!-- {name}:start -->\n(.*?)<!-- {name}:end -->", text, flags=re.DOTALL)
    assert match, f"docs/reference.md has no <!-- {name}:start --> ... <!-- {name}:end --> block"
    return match


@pytest.mark.parametrize("name", sorted(BLOCKS))
def test_the_reference_tables_are_generated_from_the_code(name: str, update_golden: bool) -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    match = block(text, name)
    wanted = BLOCKS[name]()
    if update_golden and match.group(1) != wanted:
        text = text[: match.start(1)] + wanted + text[match.end(1) :]
        REFERENCE.write_text(text, encoding="utf-8")
        match = block(text, name)
    assert match.group(1) == wanted, "run: pytest tests/test_reference.py --update-golden"


def test_every_field_and_every_code_is_on_the_page() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    for name, spec in FIELDS.items():
        assert f"| `{name}` |" in text
        assert spec.example, f"{name} needs an example"
    for code, rule in RULE_CODES.items():
        assert f"| `{code}` | {rule.severity} |" in text


def test_the_committed_schema_is_current(update_golden: bool) -> None:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    if update_golden:
        SCHEMA_FILE.write_text(result.output, encoding="utf-8")
    assert SCHEMA_FILE.read_text(encoding="utf-8") == result.output
    check = CliRunner().invoke(cli, ["schema", "-o", str(SCHEMA_FILE), "--check"])
    assert check.exit_code == 0


def test_schema_output_is_written_only_when_changed(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "schema.json"
    assert CliRunner().invoke(cli, ["schema", "-o", str(out), "--check"]).exit_code == 1
    assert not out.exists()
    assert CliRunner().invoke(cli, ["schema", "-o", str(out)]).exit_code == 0
    stamp = out.stat().st_mtime_ns
    assert CliRunner().invoke(cli, ["schema", "-o", str(out)]).exit_code == 0
    assert out.stat().st_mtime_ns == stamp
    assert json.loads(out.read_text(encoding="utf-8")) == json_schema()


def as_json(value: Any) -> Any:
    """Front matter as an editor's YAML language server sees it: dates are strings."""
    return json.loads(
        json.dumps(value, default=lambda v: v.isoformat() if isinstance(v, dt.date) else str(v))
    )


def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_the_schema_accepts_a_complete_valid_front_matter() -> None:
    meta = {name: yaml_rs.loads(f"v: {spec.example}\n")["v"] for name, spec in FIELDS.items()}
    meta.update(status="resolved", resolution="duplicate")
    assert list(validator().iter_errors(as_json(meta))) == []


def test_the_schema_accepts_every_real_analysis() -> None:
    config = load_config(REPO_ROOT)
    folders, _ = discover(config)
    for folder, _names in folders:
        path = Path(folder) / "analysis.md"
        doc, diags = load_document(path, config.rel(path))
        assert diags == []
        errors = [e.message for e in validator().iter_errors(as_json(doc.meta))]
        assert errors == [], config.rel(path)


@pytest.mark.parametrize(
    ("front_matter", "complaint"),
    [
        ("title: t\nstatus: paused", "'issue' is a required property"),
        ("issue: '12'\ntitle: t\nstatus: paused", "'12' is not of type 'integer'"),
        ("issue: 12\ntitle: t\nstatus: resolvd", "'resolvd' is not one of"),
        ("issue: 12\ntitle: t\nstatus: resolved", "'resolution' is a required property"),
        (
            "issue: 12\ntitle: t\nstatus: resolved\nresolution: duplicate",
            "'duplicate_of' is a required property",
        ),
        (
            "issue: 12\ntitle: t\nstatus: paused\ncommits: [ABCDEFG]",
            "is not valid under any of the given schemas",
        ),
        ("issue: 12\ntitle: t\nstatus: paused\nreported: '2025-13-45'", "is not a 'date'"),
        ("issue: 12\ntitle: t\nstatus: paused\ncolour: blue", "Additional properties are not allowed"),
        ("issue: 12\ntitle: t\nstatus: paused\nrelated: [{issue: 3, why: x}]", "is not valid under any"),
    ],
)
def test_the_schema_rejects_bad_front_matter(front_matter: str, complaint: str) -> None:
    errors = [e.message for e in validator().iter_errors(as_json(yaml_rs.loads(front_matter + "\n")))]
    assert any(complaint in error for error in errors), errors
