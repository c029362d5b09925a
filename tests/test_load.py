"""The loader: bytes -> front matter + body + line map, and a located diagnostic for every bad input."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import TODAY
from issuekb.core.document import Document, load_document, parse_document
from issuekb.core.model import build_analysis
from issuekb.diagnostics import Diagnostic, Severity

REL = "analyses/0001-x/analysis.md"
PATH = Path(REL)

BILLION_LAUGHS = textwrap.dedent("""\
    ---
    issue: 1
    a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
    f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
    g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
    h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
    i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
    ---
    """)


def parse(data: str | bytes) -> tuple[Document, list[Diagnostic]]:
    return parse_document(data.encode() if isinstance(data, str) else data, PATH, REL)


def one(diags: list[Diagnostic]) -> Diagnostic:
    assert len(diags) == 1, diags
    return diags[0]


def test_a_plain_document_keeps_its_line_numbers() -> None:
    doc, diags = parse("---\nissue: 12\ntitle: A title\nrelated:\n  - 3\n  - 4\n---\n# Body\ntext\n")
    assert diags == []
    assert doc.meta == {"issue": 12, "title": "A title", "related": [3, 4]}
    assert doc.body == "# Body\ntext\n"
    assert doc.body_line == 8
    assert (doc.line_of("issue"), doc.line_of("title"), doc.line_of("related")) == (2, 3, 4)
    assert (doc.line_of("related", 0), doc.line_of("related", 1)) == (5, 6)
    assert doc.line_of("missing") == 1


def test_nested_list_items_do_not_shift_the_item_lines() -> None:
    doc, _ = parse("---\nrelated:\n  - issue: 3\n    note: x\n  - issue: 4\ntags:\n- a\n---\n")
    assert (doc.line_of("related", 0), doc.line_of("related", 1)) == (3, 5)
    assert doc.line_of("tags", 0) == 7


def test_a_bom_is_dropped() -> None:
    doc, diags = parse(b"\xef\xbb\xbf---\nissue: 7\n---\nbody\n")
    assert diags == []
    assert doc.meta == {"issue": 7}
    assert doc.line_of("issue") == 2


def test_crlf_line_ends_read_like_lf() -> None:
    doc, diags = parse(b"\xef\xbb\xbf---\r\nissue: 7\r\ntitle: t\r\n---\r\nline one\r\nline two\r\n")
    assert diags == []
    assert doc.meta == {"issue": 7, "title": "t"}
    assert doc.body == "line one\nline two\n"
    assert doc.body_line == 5
    assert doc.line_of("title") == 3


def test_non_utf8_bytes_are_located() -> None:
    _, diags = parse(b"---\nissue: 7\ntitle: caf\xe9 cr\xe8me\n---\n")
    diag = one(diags)
    assert (diag.code, diag.severity, diag.line, diag.column) == ("load-encoding", Severity.ERROR, 3, 11)
    assert "0xe9" in diag.message


def test_non_utf8_column_counts_characters_not_bytes() -> None:
    _, diags = parse("---\ntitle: ünï".encode() + b"\xff\n---\n")
    assert (one(diags).line, one(diags).column) == (2, 11)


def test_a_missing_closing_fence_is_an_error() -> None:
    doc, diags = parse("---\nissue: 7\ntitle: t\n\n# Body\n")
    assert (one(diags).code, one(diags).line) == ("fm-unclosed", 1)
    assert doc.meta is None


@pytest.mark.parametrize("text", ["", "\n", "   \n\n"])
def test_an_empty_file_is_an_error(text: str) -> None:
    doc, diags = parse(text)
    assert one(diags).code == "fm-missing"
    assert "empty" in one(diags).message
    assert doc.meta is None


def test_a_file_without_front_matter_is_an_error_unless_optional() -> None:
    _, diags = parse("# Just a page\n")
    assert one(diags).code == "fm-missing"
    doc, diags = parse_document(b"# Just a page\n", PATH, REL, require_front_matter=False)
    assert diags == []
    assert doc.body == "# Just a page\n"


def test_an_empty_front_matter_is_an_empty_mapping() -> None:
    doc, diags = parse("---\n---\nbody\n")
    assert diags == []
    assert doc.meta == {}


@pytest.mark.parametrize(
    ("front_matter", "kind"),
    [("- issue: 1\n- title: t", "a list"), ("just some words", "a str"), ("42", "a int")],
)
def test_front_matter_that_is_not_a_mapping(front_matter: str, kind: str) -> None:
    doc, diags = parse(f"---\n{front_matter}\n---\n")
    diag = one(diags)
    assert (diag.code, diag.line) == ("fm-not-mapping", 2)
    assert diag.message.endswith(f"not {kind}")
    assert doc.meta is None


def test_a_duplicate_key_points_at_the_second_one() -> None:
    _, diags = parse("---\nissue: 1\ntitle: t\nstatus: paused\ntitle: again\n---\n")
    diag = one(diags)
    assert (diag.code, diag.line, diag.column) == ("fm-duplicate-key", 5, 1)
    assert "'title'" in diag.message


def test_a_duplicate_key_inside_a_list_item_is_located() -> None:
    text = (
        "---\nissue: 1\nrelated:\n  - issue: 2\n    note: a\n  - issue: 3\n    note: b\n    issue: 4\n---\n"
    )
    diag = one(parse(text)[1])
    assert (diag.code, diag.line, diag.column) == ("fm-duplicate-key", 8, 5)


@pytest.mark.parametrize(
    ("line", "tag", "column"),
    [
        ("title: !!python/object:os.system ls", "!!python/object:os.system", 8),
        ("title: !!python/name:os.system", "!!python/name:os.system", 8),
        ("title: !custom value", "!custom", 8),
        ("tags: [a, !local b]", "!local", 11),
        ("affected: !!set {a, b}", "!!set", 11),
        ("title: !!binary aGVsbG8=", "!!binary", 8),
    ],
)
def test_non_core_tags_are_refused_with_their_location(line: str, tag: str, column: int) -> None:
    doc, diags = parse(f"---\nissue: 1\n{line}\n---\n")
    diag = one(diags)
    assert (diag.code, diag.line, diag.column) == ("fm-tag", 3, column)
    assert repr(tag) in diag.message
    assert doc.meta is None


def test_core_tags_and_exclamation_marks_in_text_are_fine() -> None:
    doc, diags = parse(
        "---\nissue: !!int 5\ntitle: !!str 1984\nreporter: 'x !y'\naffected: [Wow ! yes]\n---\n"
    )
    assert diags == []
    assert doc.meta == {"issue": 5, "title": "1984", "reporter": "x !y", "affected": ["Wow ! yes"]}


def test_tags_are_found_where_pyyamls_scanner_gives_up() -> None:
    """A DEL character is fine for YAML 1.2 (yaml_rs) but stops PyYAML's scanner: the text is read instead."""
    doc, diags = parse("---\nissue: 1\ntitle: !x del\x7f\ntags: [a, !y b]\n---\n")
    assert [(d.code, d.line, d.column) for d in diags] == [("fm-tag", 3, 8), ("fm-tag", 4, 11)]
    assert doc.meta is None
    doc, diags = parse("---\nissue: 1\ntitle: Wow ! what a bug\x7f\n---\n")
    assert diags == []
    assert doc.meta == {"issue": 1, "title": "Wow ! what a bug\x7f"}


def test_a_billion_laughs_fails_at_once_with_a_clear_error() -> None:
    doc, diags = parse(BILLION_LAUGHS)
    diag = one(diags)
    assert diag.code == "fm-alias-bomb"
    assert diag.line == 4  # the first line that uses an alias
    assert "alias" in diag.message
    assert doc.meta is None


def test_a_billion_laughs_stays_small_in_a_memory_capped_process(tmp_path: Path) -> None:
    """Expanding 9**9 strings needs gigabytes; under a 300 MB cap the loader must still answer."""
    (tmp_path / "bomb.md").write_text(BILLION_LAUGHS, encoding="utf-8")
    script = textwrap.dedent(f"""\
        import resource, sys
        from pathlib import Path
        cap = 300 * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (cap, cap))
        from issuekb.core.document import load_document
        doc, diags = load_document(Path({str(tmp_path / "bomb.md")!r}), "bomb.md")
        print(",".join(d.code for d in diags))
        """)
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "fm-alias-bomb"


def test_small_honest_aliases_are_allowed() -> None:
    doc, diags = parse("---\nissue: 1\ntags: &t [a, b]\naffected: *t\n---\n")
    assert diags == []
    assert doc.meta == {"issue": 1, "tags": ["a", "b"], "affected": ["a", "b"]}


@pytest.mark.parametrize(
    ("data", "line", "column"),
    [
        ("---\nissue: 1\ntitle: a: b\n---\n", 3, 9),
        ("---\nissue: 1\ntags: [a, b\nstatus: paused\n---\n", 4, 7),
        ("---\nissue: 1\n  title: t\n---\n", 3, 8),
        (b"\xef\xbb\xbf---\r\n# comment\r\nissue: 1\r\ntitle: a: b\r\n---\r\n", 4, 9),
    ],
)
def test_yaml_syntax_errors_point_at_the_files_real_line(data: str | bytes, line: int, column: int) -> None:
    doc, diags = parse(data)
    diag = one(diags)
    assert (diag.code, diag.line, diag.column) == ("fm-yaml", line, column)
    assert diag.message.startswith("Front matter is not valid YAML: ")
    assert "|" not in diag.message  # the parser's source excerpt is not repeated
    assert doc.meta is None


def test_an_unterminated_quote_is_located_inside_the_file() -> None:
    diag = one(parse("---\nissue: 1\ntitle: 'open\n---\nbody\n")[1])
    assert diag.code == "fm-yaml"
    assert 3 <= diag.line <= 4


def test_an_unreadable_file_is_a_diagnostic(tmp_path: Path) -> None:
    folder = tmp_path / "analysis.md"
    folder.mkdir()  # reading a folder fails like an unreadable file
    doc, diags = load_document(folder, "analysis.md")
    assert (one(diags).code, one(diags).line) == ("load-unreadable", 1)
    assert doc.meta is None


def test_load_document_reads_real_files(tmp_path: Path) -> None:
    path = tmp_path / "analysis.md"
    path.write_bytes(b"---\r\nissue: 3\r\n---\r\nbody\r\n")
    doc, diags = load_document(path, "analysis.md")
    assert diags == []
    assert (doc.meta, doc.body, doc.path, doc.rel) == ({"issue": 3}, "body\n", path, "analysis.md")


# YAML 1.1 surprises: yaml_rs reads YAML 1.2; the model names what YAML 1.1 tools would have done.


def build(front_matter: str) -> list[Diagnostic]:
    doc, diags = parse_document(
        f"---\n{front_matter}\n---\nbody\n".encode(), Path("a/0012-x/analysis.md"), REL
    )
    assert diags == []
    _, found = build_analysis(doc, "acme/widget", today=TODAY)
    return found


def test_issue_yes_is_a_string_and_a_type_error() -> None:
    diag = one(build("issue: yes\ntitle: t\nstatus: paused"))
    assert (diag.code, diag.line) == ("field-type", 2)
    assert "str 'yes'" in diag.message


def test_an_impossible_date_is_a_date_error() -> None:
    found = build("issue: 12\ntitle: t\nstatus: resolved\nresolution: fixed\nresolved_on: 2025-13-45")
    diag = one(found)
    assert (diag.code, diag.line) == ("date-invalid", 6)
    assert "2025-13-45" in diag.message


def test_a_leading_zero_is_a_warning_and_reads_as_decimal() -> None:
    doc, _ = parse_document(
        b"---\nissue: 0012\ntitle: t\nstatus: paused\n---\nx\n", Path("a/0012-x/a.md"), REL
    )
    analysis, found = build_analysis(doc, "acme/widget", today=TODAY)
    diag = one(found)
    assert (diag.code, diag.severity, diag.line) == ("field-leading-zero", Severity.WARNING, 2)
    assert analysis is not None
    assert analysis.issue == 12


def test_real_dates_become_dates() -> None:
    doc, _ = parse("---\nreported: 2025-04-01\nanalyzed: 2025-11-06T10:00:00\n---\n")
    assert doc.meta is not None
    assert doc.meta["reported"] == dt.date(2025, 4, 1)
