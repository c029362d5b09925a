"""`parse_document` as it was before the fast path: split the whole text into lines, join the body back.

The helpers it calls are the current ones (unchanged by the fast path); only the splitting differs.
"""

from __future__ import annotations

from pathlib import Path

import yaml_rs

from issuekb.diagnostics import Diagnostic
from issuekb.load import _ALIAS_LIMITS, FENCE, Document, _check_tags, _decode, _scan_lines, _yaml_error


def parse_document(
    data: bytes | str, path: Path, rel: str, *, require_front_matter: bool = True
) -> tuple[Document, list[Diagnostic]]:
    if isinstance(data, bytes):
        text, diags = _decode(data, rel)
        if diags:
            return Document(path=path, rel=rel, text=text), diags
    else:
        text, diags = data.removeprefix("\ufeff"), []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    doc = Document(path=path, rel=rel, text=text)
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
