"""`parse_document` as it was before the fast path: split the whole text into lines, join the body back.

`_scan_lines` is the earlier one too; the other helpers are the current ones (unchanged since).
"""

from __future__ import annotations

from pathlib import Path

import yaml_rs

from issuekb.diagnostics import Diagnostic
from issuekb.load import (
    _ALIAS_LIMITS,
    _ITEM_RE,
    _KEY_RE,
    FENCE,
    Document,
    _check_tags,
    _decode,
    _key_text,
    _yaml_error,
)


def parse_document(
    data: bytes | str, path: Path, rel: str, *, require_front_matter: bool = True
) -> tuple[Document, list[Diagnostic]]:
    if isinstance(data, bytes):
        text, diags = _decode(data, rel)
        if diags:
            return Document(path=path, rel=rel), diags
    else:
        text, diags = data.removeprefix("\ufeff"), []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    doc = Document(path=path, rel=rel)
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        doc.body = text
        if require_front_matter:
            empty = not text.strip()
            diags.append(
                Diagnostic.error(
                    "fm-missing",
                    rel,
                    1,
                    "File is empty" if empty else "Must start with a front matter block (a line '---')",
                    "Put the metadata between two '---' lines at the top of the file; see templates/.",
                )
            )
        return doc, diags
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in (FENCE, "...")), None)
    if end is None:
        diags.append(
            Diagnostic.error(
                "fm-unclosed",
                rel,
                1,
                "Front matter is never closed",
                "Add a line '---' after the last metadata line.",
            )
        )
        return doc, diags
    fm_lines = lines[1:end]
    doc.body = "\n".join(lines[end + 1 :])
    doc.body_line = end + 2
    _scan_lines(doc, fm_lines)
    source = "\n".join(fm_lines) + "\n"
    try:
        meta = yaml_rs.loads(
            source,
            parse_datetime=True,
            alias_limits=_ALIAS_LIMITS,
            duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error,
        )
    except yaml_rs.YAMLDecodeError as exc:
        diags.append(_yaml_error(doc, str(exc), fm_lines))
        return doc, diags
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        diags.append(Diagnostic.error("fm-yaml", rel, 2, f"Front matter is not valid YAML: {exc}"))
        return doc, diags
    if "!" in source:
        tag_diags = _check_tags(doc, source, fm_lines)
        if tag_diags:
            diags.extend(tag_diags)
            return doc, diags
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        kind = "a list" if isinstance(meta, list) else f"a {type(meta).__name__}"
        diags.append(
            Diagnostic.error(
                "fm-not-mapping",
                rel,
                2,
                f"Front matter must be a mapping of keys to values, not {kind}",
                "Write one 'key: value' per line.",
            )
        )
        return doc, diags
    doc.meta = meta
    return doc, diags


def _scan_lines(doc: Document, fm_lines: list[str]) -> None:
    """Record the line of every top-level key and of every item of a top-level block list."""
    current: str | None = None
    index = 0
    item_indent = -1
    for offset, line in enumerate(fm_lines):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key_match = _KEY_RE.match(line)
        if key_match:
            current = _key_text(key_match)
            doc.key_lines.setdefault(current, offset + 2)
            doc.raw_values.setdefault(current, line[key_match.end() :].split(" #", 1)[0].strip())
            index, item_indent = 0, -1
        elif current is not None and (item := _ITEM_RE.match(line)):
            if item_indent < 0:
                item_indent = len(item.group(1))
            if len(item.group(1)) == item_indent:  # deeper dashes belong to nested lists
                doc.item_lines[(current, index)] = offset + 2
                index += 1
