"""Stage 3, validate: rules over the whole knowledge base -> diagnostics.

Per-file field rules live in `model`; here are the rules that need more than one file (uniqueness,
duplicate chains and cycles), the body rules, and the optional check of commits against a fork clone.
Each rule is a generator of diagnostics; `validate` runs them all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from issuekb.diagnostics import Diagnostic
from issuekb.gitrepo import GitError, check_commits
from issuekb.refs import IssueRef
from issuekb.schema import PLACEHOLDERS, TEMPLATE_MARKER

if TYPE_CHECKING:
    from issuekb.kb import KnowledgeBase
    from issuekb.model import Analysis

__all__ = ["RULES", "canonical_of", "validate"]

_HEADING_RE = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")


def rule_unique(kb: KnowledgeBase) -> Iterator[Diagnostic]:
    """Must have one analysis per (repo, issue)."""
    for analysis in kb.analyses:
        first = kb.by_ref[analysis.ref]
        if first is not analysis:
            yield Diagnostic.error(
                "kb-duplicate-issue",
                analysis.rel,
                analysis.line_of("issue"),
                f"Issue {analysis.ref} already has an analysis: {first.rel}",
                "Merge the two analyses into one folder.",
            )


def canonical_of(kb: KnowledgeBase, ref: IssueRef) -> tuple[list[IssueRef], bool]:
    """Follow duplicate_of from `ref`: the chain (ref first) and whether it loops."""
    chain = [ref]
    seen = {ref}
    while (current := kb.get(chain[-1])) is not None and current.duplicate_of is not None:
        target = current.duplicate_of
        if target in seen:
            chain.append(target)
            return chain, True
        chain.append(target)
        seen.add(target)
    return chain, False


def rule_duplicates(kb: KnowledgeBase) -> Iterator[Diagnostic]:
    """duplicate_of must name an issue, not form a cycle, and should point at the canonical issue."""
    for analysis in kb.analyses:
        target = analysis.duplicate_of
        if target is None or target == analysis.ref:
            continue
        line = analysis.line_of("duplicate_of")
        chain, loops = canonical_of(kb, analysis.ref)
        short = [r.short(kb.config.upstream) for r in chain]
        if loops:
            yield Diagnostic.error(
                "duplicate-cycle",
                analysis.rel,
                line,
                "duplicate_of forms a cycle: " + " -> ".join(short),
                "One issue of the cycle is the canonical one: remove its duplicate_of.",
            )
            continue
        if kb.get(target) is None:
            yield Diagnostic.warning(
                "duplicate-unknown",
                analysis.rel,
                line,
                f"duplicate_of names {short[1]}, which has no analysis here",
                "Fine if the canonical issue needs none; otherwise add one with `make new`.",
            )
        elif len(chain) > 2:
            yield Diagnostic.warning(
                "duplicate-chain",
                analysis.rel,
                line,
                f"duplicate_of goes through a chain ({' -> '.join(short)}); the canonical issue is {short[-1]}",
                f"Write duplicate_of: {chain[-1].number if chain[-1].repo == kb.config.upstream else chain[-1]}.",
            )


def rule_related(kb: KnowledgeBase) -> Iterator[Diagnostic]:
    """related must not name the analysis itself."""
    for analysis in kb.analyses:
        for i, ref in enumerate(analysis.related):
            if ref == analysis.ref:
                yield Diagnostic.warning(
                    "related-self", analysis.rel, analysis.line_of("related", i), "An issue is not related to itself"
                )


def _sections(analysis: Analysis) -> Iterator[tuple[int, str, str]]:
    """(line number, enclosing heading, text) for every body line."""
    heading = "(before the first heading)"
    fenced = False
    for offset, text in enumerate(analysis.body.split("\n")):
        if text.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and (match := _HEADING_RE.match(text)):
            heading = match.group(1)
        yield analysis.body_line + offset, heading, text


def rule_template_left(kb: KnowledgeBase) -> Iterator[Diagnostic]:
    """Template placeholders must be replaced; template guidance left in a section is a warning."""
    for analysis in kb.analyses:
        doc = analysis.doc
        if doc is not None:
            for key, raw in doc.raw_values.items():
                for placeholder in PLACEHOLDERS:
                    if placeholder in raw:
                        yield Diagnostic.error(
                            "placeholder",
                            analysis.rel,
                            doc.line_of(key),
                            f"Template placeholder {placeholder!r} left in field '{key}'",
                            "Replace it with the real value, or remove the field.",
                        )
        warned: set[str] = set()
        for line, heading, text in _sections(analysis):
            for placeholder in PLACEHOLDERS:
                if placeholder in text:
                    yield Diagnostic.error(
                        "placeholder",
                        analysis.rel,
                        line,
                        f"Template placeholder {placeholder!r} left in section '{heading}'",
                        "Replace it with the real value.",
                        text.index(placeholder) + 1,
                    )
            if TEMPLATE_MARKER in text and heading not in warned:
                warned.add(heading)
                yield Diagnostic.warning(
                    "template-text",
                    analysis.rel,
                    line,
                    f"Section '{heading}' still holds template text",
                    f"Write the section, or delete the lines marked {TEMPLATE_MARKER}.",
                )


def rule_body(kb: KnowledgeBase) -> Iterator[Diagnostic]:
    """An analysis should have a body."""
    for analysis in kb.analyses:
        if not analysis.body.strip():
            yield Diagnostic.warning(
                "body-empty",
                analysis.rel,
                analysis.body_line,
                "Analysis has no body",
                "Write at least the problem and the root cause; `make new` starts from the template.",
            )


def rule_commits_exist(kb: KnowledgeBase) -> Iterator[Diagnostic]:
    """With a local clone of the fork, every fix commit must exist there and be unambiguous."""
    repo = kb.config.git
    if repo is None:
        return
    shas = {sha for a in kb.analyses for sha in a.commits}
    try:
        answers = check_commits(repo, shas)
    except GitError as exc:
        yield Diagnostic.error("git-unavailable", kb.config.rel(repo), 1, f"Cannot check commits: {exc}")
        return
    for analysis in kb.analyses:
        for i, sha in enumerate(analysis.commits):
            answer = answers.get(sha, "ok")
            if answer == "ok":
                continue
            message = {
                "missing": f"Commit {sha} does not exist in the fork clone {kb.config.rel(repo)}",
                "ambiguous": f"Commit {sha} is ambiguous in the fork clone; write more hex digits",
                "not-a-commit": f"{sha} names an object that is not a commit",
            }[answer]
            yield Diagnostic.error("commit-unknown", analysis.rel, analysis.line_of("commits", i), message)


RULES = (rule_unique, rule_duplicates, rule_related, rule_template_left, rule_body)


def validate(kb: KnowledgeBase, *, git: bool = True) -> list[Diagnostic]:
    """Run every knowledge-base rule (and the git check when asked and configured)."""
    diags = [d for rule in RULES for d in rule(kb)]
    if git:
        diags.extend(rule_commits_exist(kb))
    return diags
