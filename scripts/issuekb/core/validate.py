"""Validate stage: rules over the whole knowledge base -> diagnostics.

Per-file field rules live in `model`; here are the rules that need more than one file (uniqueness,
duplicate chains and cycles), the body rules, and the optional check of commits against a fork clone.
Each rule is a generator of diagnostics; `validate` runs them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from issuekb.commonmark import differences
from issuekb.core.gitrepo import GitError, check_commits
from issuekb.core.graph import LinkGraph, graph_diagnostics
from issuekb.core.refs import IssueRef
from issuekb.core.schema import PLACEHOLDER_RE, PLACEHOLDERS, TEMPLATE_MARKER
from issuekb.core.scriptlinks import script_links
from issuekb.diagnostics import Diagnostic

if TYPE_CHECKING:
    from issuekb.config import Config
    from issuekb.core.kb import KnowledgeBase
    from issuekb.core.model import Analysis

__all__ = [
    "KB_RULES",
    "RULES",
    "CommitClaims",
    "CommitProblem",
    "canonical_of",
    "commit_claims",
    "commit_diagnostics",
    "commit_problems",
    "file_diagnostics",
    "locate_commits",
    "validate",
]

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


def canonical_of(
    kb: KnowledgeBase, ref: IssueRef, target: IssueRef | None = None
) -> tuple[list[IssueRef], bool]:
    """Follow duplicate_of from `ref`: the chain (ref first) and whether it loops.

    `target` is the first step when known (the duplicate_of of one particular analysis of `ref`, which
    need not be the one `kb.get(ref)` returns when two analyses claim the same issue).
    """
    chain = [ref]
    seen = {ref}
    step = target if target is not None else _target(kb, ref)
    while step is not None:
        chain.append(step)
        if step in seen:
            return chain, True
        seen.add(step)
        step = _target(kb, step)
    return chain, False


def _target(kb: KnowledgeBase, ref: IssueRef) -> IssueRef | None:
    analysis = kb.get(ref)
    return analysis.duplicate_of if analysis is not None else None


def rule_duplicates(kb: KnowledgeBase) -> Iterator[Diagnostic]:
    """duplicate_of must name an issue, not form a cycle, and should point at the canonical issue."""
    for analysis in kb.analyses:
        target = analysis.duplicate_of
        if target is None or target == analysis.ref:
            continue
        chain, loops = canonical_of(kb, analysis.ref, target)
        short = [r.short(kb.config.upstream) for r in chain]
        if loops:
            yield Diagnostic.error(
                "duplicate-cycle",
                analysis.rel,
                analysis.line_of("duplicate_of"),
                "duplicate_of forms a cycle: " + " -> ".join(short),
                "One issue of the cycle is the canonical one: remove its duplicate_of.",
            )
            continue
        if kb.get(target) is None:
            yield Diagnostic.warning(
                "duplicate-unknown",
                analysis.rel,
                analysis.line_of("duplicate_of"),
                f"duplicate_of names {short[1]}, which has no analysis here",
                "Fine if the canonical issue needs none; otherwise add one with `make new`.",
            )
        elif len(chain) > 2:
            yield Diagnostic.warning(
                "duplicate-chain",
                analysis.rel,
                analysis.line_of("duplicate_of"),
                f"duplicate_of goes through a chain ({' -> '.join(short)}); the canonical issue is {short[-1]}",
                f"Write duplicate_of: {chain[-1].number if chain[-1].repo == kb.config.upstream else chain[-1]}.",
            )


def rule_related(kb: KnowledgeBase) -> Iterator[Diagnostic]:
    """related must not name the analysis itself."""
    for analysis in kb.analyses:
        for i, ref in enumerate(analysis.related):
            if ref == analysis.ref:
                yield Diagnostic.warning(
                    "related-self",
                    analysis.rel,
                    analysis.line_of("related", i),
                    "An issue is not related to itself",
                )


def _sections(body: str, body_line: int) -> Iterator[tuple[int, str, str]]:
    """(line number, enclosing heading, text) for every body line."""
    heading = "(before the first heading)"
    fenced = False
    for offset, text in enumerate(body.split("\n")):
        if text.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and (match := _HEADING_RE.match(text)):
            heading = match.group(1)
        yield body_line + offset, heading, text


#: Placeholders written in brackets (`[reporter]`), looked for only where a `[` is; the rest, and the marker.
_BRACKETED = tuple(p for p in PLACEHOLDERS if p.startswith("["))
_UNBRACKETED = (TEMPLATE_MARKER, *(p for p in PLACEHOLDERS if not p.startswith("[")))


def _may_hold_template(body: str) -> bool:
    """False when `body` surely holds no placeholder and no template marker (one search per word that
    does not start with `[`, then a look at each `[`)."""
    if any(word in body for word in _UNBRACKETED):
        return True
    bracket = body.find("[")
    while bracket >= 0:
        if body.startswith(_BRACKETED, bracket):
            return True
        bracket = body.find("[", bracket + 1)
    return False


def _template_left_in_body(rel: str, body: str, body_line: int) -> Iterator[Diagnostic]:
    """Placeholders (errors) and template guidance (one warning per section) left in a page's body."""
    if not _may_hold_template(body):
        return  # the common case, decided without walking the lines
    warned: set[str] = set()
    for line, heading, text in _sections(body, body_line):
        for match in PLACEHOLDER_RE.finditer(text):
            yield Diagnostic.error(
                "placeholder",
                rel,
                line,
                f"Template placeholder {match.group()!r} left in section '{heading}'",
                "Replace it with the real value.",
                match.start() + 1,
            )
        if TEMPLATE_MARKER in text and heading not in warned:
            warned.add(heading)
            yield Diagnostic.warning(
                "template-text",
                rel,
                line,
                f"Section '{heading}' still holds template text",
                f"Write the section, or delete the lines marked {TEMPLATE_MARKER}.",
            )


def _script_links(rel: str, body: str, body_line: int) -> Iterator[Diagnostic]:
    """A warning for every `javascript:`, `data:` or `vbscript:` link in a page's body."""
    for link in script_links(body):
        yield Diagnostic.warning(
            "body-script-link",
            rel,
            body_line + link.line,
            f"Link to {link.url!r} runs script when followed",
            "Link to an http, https or relative address; show code as `inline code`.",
            link.column,
        )


def _markdown_differences(rel: str, body: str, body_line: int) -> Iterator[Diagnostic]:
    """Constructs of a page's body that the site renders differently from GitHub."""
    for found in differences(body):
        yield Diagnostic.warning(
            "markdown-differs",
            rel,
            body_line + found.line,
            found.message,
            "Rewrite it in a form both read alike (docs/writing.md lists them), or accept the difference.",
        )


def file_diagnostics(analysis: Analysis) -> Iterator[Diagnostic]:
    """The body rules of one analysis and its companions: placeholders, template text, Markdown the site
    renders differently from GitHub, script links, an empty body.

    They depend on that folder's files only (`load_kb` runs them per folder).
    """
    pages = [(analysis.rel, analysis.body, analysis.body_line)]
    pages += [(c.rel, c.body, c.body_line) for c in analysis.companions]
    for rel, body, body_line in pages:
        yield from _template_left_in_body(rel, body, body_line)
        yield from _markdown_differences(rel, body, body_line)
        yield from _script_links(rel, body, body_line)
    if not analysis.body.strip():
        yield Diagnostic.warning(
            "body-empty",
            analysis.rel,
            analysis.body_line,
            "Analysis has no body",
            "Write at least the problem and the root cause; `make new` starts from the template.",
        )


def rule_files(kb: KnowledgeBase) -> Iterator[Diagnostic]:
    """The body rules (`file_diagnostics`) of every analysis."""
    for analysis in kb.analyses:
        yield from file_diagnostics(analysis)


#: Per analysis with fix commits: its path and its SHAs, in the order of its `commits`.
CommitClaims = tuple[tuple[str, tuple[str, ...]], ...]
#: A fix commit git does not know as one commit: (path, index in `commits`, SHA, git's answer).
CommitProblem = tuple[str, int, str, str]


def commit_claims(kb: KnowledgeBase) -> CommitClaims:
    """The fix commits of every analysis: all that `commit_problems` reads."""
    return tuple((a.rel, a.commits) for a in kb.analyses if a.commits)


def rule_commits_exist(kb: KnowledgeBase) -> Iterator[Diagnostic]:
    """With a local clone of the fork, every fix commit must exist there and be unambiguous."""
    problems, diags = commit_problems(kb.config, commit_claims(kb))
    yield from diags
    yield from commit_diagnostics(kb.config, problems, locate_commits(kb))


def commit_problems(config: Config, claims: CommitClaims) -> tuple[list[CommitProblem], list[Diagnostic]]:
    """The claimed commits the fork clone does not hold as one commit (none without a clone), and a
    diagnostic when git cannot answer. Where each is written is looked up only for these
    (`commit_diagnostics`)."""
    repo = config.git
    if repo is None:
        return [], []
    shas = {sha for _, commits in claims for sha in commits}
    try:
        answers = check_commits(repo, shas)
    except GitError as exc:
        return [], [Diagnostic.error("git-unavailable", config.rel(repo), 1, f"Cannot check commits: {exc}")]
    return [
        (rel, index, sha, answers[sha])
        for rel, commits in claims
        for index, sha in enumerate(commits)
        if answers.get(sha, "ok") != "ok"
    ], []


def locate_commits(kb: KnowledgeBase) -> Callable[[str, int], int]:
    """(path, index) -> the line of that item of the analysis's `commits`."""
    by_rel = {a.rel: a for a in kb.analyses if a.commits}
    return lambda rel, index: by_rel[rel].line_of("commits", index)


def commit_diagnostics(
    config: Config, problems: list[CommitProblem], line_of: Callable[[str, int], int]
) -> list[Diagnostic]:
    """`commit_problems` as diagnostics, each at the line `line_of(path, index)` names."""
    repo = config.rel(config.git) if config.git is not None else "?"
    diags = []
    for rel, index, sha, answer in problems:
        message = {
            "missing": f"Commit {sha} does not exist in the fork clone {repo}",
            "ambiguous": f"Commit {sha} is ambiguous in the fork clone; write more hex digits",
            "not-a-commit": f"{sha} names an object that is not a commit",
        }[answer]
        diags.append(Diagnostic.error("commit-unknown", rel, line_of(rel, index), message))
    return diags


#: Rules that need more than one file; `validate(per_file=False)` runs only these.
KB_RULES = (rule_unique, rule_duplicates, rule_related)
RULES = (*KB_RULES, rule_files)


def validate(
    kb: KnowledgeBase, graph: LinkGraph, *, git: bool = True, per_file: bool = True
) -> list[Diagnostic]:
    """Every knowledge-base rule's diagnostics, the link graph's (`graph_diagnostics`), and with `git`
    the check of fix commits against the configured fork clone; unsorted.

    `per_file=False` leaves out the body rules (`file_diagnostics`), which `load_analyses` runs per folder.
    """
    diags = [d for rule in (RULES if per_file else KB_RULES) for d in rule(kb)]
    diags.extend(graph_diagnostics(kb, graph))
    if git:
        diags.extend(rule_commits_exist(kb))
    return diags
