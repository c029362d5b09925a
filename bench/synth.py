"""Deterministic synthetic knowledge bases: N analyses with realistic bodies, tags, links and chains,
and the upstream state a sync would have written for them.

Same (n, seed), same bytes. Written into a folder the caller owns (a temporary one); never committed.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

from issuekb.upstream.state import IssueState, RepoState, UpstreamState, dump_state

__all__ = ["MKDOCS_YML", "generate"]

UPSTREAM = "bench-org/bench-project"
FORK = "bench-fork/bench-project"
MKDOCS_YML = f"""\
site_name: issuekb benchmark
plugins:
  - search
  - issuekb:
      upstream: {UPSTREAM}
      fork: {FORK}
"""

_WORDS = [
    "install",
    "script",
    "python",
    "virtual",
    "environment",
    "pip",
    "package",
    "distribution",
    "error",
    "build",
    "docker",
    "container",
    "firmware",
    "flash",
    "device",
    "network",
    "timeout",
    "certificate",
    "handshake",
    "kernel",
    "module",
    "driver",
    "regression",
    "patch",
    "upstream",
    "fork",
    "release",
    "configuration",
    "dependency",
    "version",
    "compatibility",
    "warning",
    "permission",
    "sudo",
    "path",
]
_TAGS = ("install", "venv", "pep668", "python-3-12", "network", "tls", "docker", "arm64", "docs", "flash")
_STATUSES = ("investigating", "in-progress", "paused", "resolved", "resolved", "resolved", "archived")
_RESOLUTIONS = ("fixed", "fixed", "wont-fix", "user-error", "hardware", "out-of-scope", "support")
_SYSTEMS = (
    "Debian 12 (bookworm) and later",
    "Debian 11 (bullseye)",
    "Ubuntu 23.04 and later, including 24.04 LTS",
    "Ubuntu 22.04 LTS",
    "Raspberry Pi OS (bookworm)",
    "Fedora 39 and later",
    "Arch Linux",
    "Gentoo",
    "Alpine Linux 3.19",
)
_LABELS = ("bug", "enhancement", "question", "help wanted", "install", "docs")
#: when the synthetic sync ran
SYNCED_AT = "2026-11-01T00:00:00Z"
_FIELDS_RE = re.compile(
    r"^title: (?P<title>[^\n]*)$.*^reported: (?P<reported>\S+)$", re.MULTILINE | re.DOTALL
)


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 18))]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, n: int, mention: int | None) -> str:
    text = " ".join(_sentence(rng) for _ in range(rng.randint(3, 6)))
    if mention is not None and mention != n:
        text += f" See also #{mention}."
    return text


def _body(rng: random.Random, n: int, total: int) -> str:
    sections = (
        "Executive summary",
        "Problem",
        "Technical analysis",
        "Proposed solution",
        "Testing",
        "Related work",
    )
    parts = [f"# Issue #{n}\n"]
    for title in sections:
        parts.append(f"## {title}\n")
        for _ in range(rng.randint(1, 2)):
            parts.append(_paragraph(rng, n, rng.randint(1, total) if rng.random() < 0.3 else None) + "\n")
        if title == "Technical analysis":
            step = rng.randint(1, 9)
            parts.append(f"```sh\n$ ./install.sh\nerror: something failed at step {step}\n```\n")
    return "\n".join(parts)


def _front_matter(rng: random.Random, n: int, total: int, duplicate_of: int | None) -> str:
    """A front matter shaped like the seeds' (17-28 lines, 360-860 bytes): related issues with notes,
    block lists of affected systems, a quoted title now and then."""
    reported = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 1800))
    analyzed = reported + dt.timedelta(days=rng.randint(0, 60))
    title = f"Synthetic issue {n} - {' '.join(rng.sample(_WORDS, 4))}"
    if rng.random() < 0.3:  # an error message as the title: a colon, so quoted
        title = f'"error: {title}"'
    lines = [f"issue: {n}", f"title: {title}"]
    if duplicate_of is not None:
        lines += ["status: resolved", "resolution: duplicate", f"duplicate_of: {duplicate_of}"]
        resolved = True
    else:
        status = rng.choice(_STATUSES)
        lines.append(f"status: {status}")
        resolved = status in ("resolved", "archived")
        if resolved:
            lines.append(f"resolution: {rng.choice(_RESOLUTIONS)}")
    related = sorted({rng.randint(1, total) for _ in range(rng.randint(0, 3))} - {n, duplicate_of or 0})
    if related:
        lines.append("related:")
        for r in related:  # about half with a note, as the seeds write them
            if rng.random() < 0.5:
                lines += [f"  - issue: {r}", f"    note: {_sentence(rng)[:-1].lower()}"]
            else:
                lines.append(f"  - {r}")
    if resolved and duplicate_of is None and rng.random() < 0.6:
        lines.append("commits:")
        lines += [f"  - '{rng.getrandbits(28):07x}'" for _ in range(rng.randint(1, 2))]
        lines.append(f"prs: [{rng.randint(1, 500)}]")
    lines += [
        f"reporter: user{rng.randint(1, 900)}",
        f"reported: {reported.isoformat()}",
        f"analyzed: {analyzed.isoformat()}",
    ]
    if resolved:
        lines.append(f"resolved_on: {(analyzed + dt.timedelta(days=rng.randint(0, 30))).isoformat()}")
    lines.append(f"priority: {rng.choice(('critical', 'high', 'medium', 'low'))}")
    lines.append(f"tags: [{', '.join(sorted(set(rng.sample(_TAGS, rng.randint(1, 5)))))}]")
    lines.append("affected:")
    lines += [f"  - {system}" for system in rng.sample(_SYSTEMS, rng.randint(1, 4))]
    return "\n".join(lines)


def generate(root: Path, n: int, seed: int = 668) -> list[int]:
    """Write a knowledge base of `n` analyses under `root`; return the issue numbers."""
    rng = random.Random(seed * 1_000_003 + n)
    (root / "analyses").mkdir(parents=True, exist_ok=True)
    (root / "docs").mkdir(exist_ok=True)
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Benchmark\n\nA synthetic knowledge base.\n", encoding="utf-8")
    numbers = list(range(1, n + 1))
    state = RepoState(UPSTREAM, source="https://api.github.com", synced_at=SYNCED_AT, watermark=SYNCED_AT)
    for number in numbers:
        # Every tenth issue is a duplicate; every hundredth starts a three-deep chain.
        duplicate_of = None
        if number > 3 and number % 10 == 0:
            duplicate_of = number - 1 if number % 100 == 0 else rng.randint(1, number - 1)
            if number % 100 == 0:
                duplicate_of = number - 10  # chains through the previous tenth
        folder = root / "analyses" / f"{number:04d}-synthetic-issue-{number}"
        folder.mkdir()
        front_matter = _front_matter(rng, number, n, duplicate_of)
        text = f"---\n{front_matter}\n---\n{_body(rng, number, n)}"
        (folder / "analysis.md").write_text(text, encoding="utf-8")
        found = _FIELDS_RE.search(front_matter)
        assert found is not None
        upstream = random.Random(f"{seed}/{n}/{number}")  # apart: the analyses do not depend on it
        state.issues[number] = _issue(
            upstream, number, found["title"].strip('"'), dt.date.fromisoformat(found["reported"])
        )
        if number % 7 == 0:
            (folder / "summary.md").write_text(f"# Summary of #{number}\n\n{_paragraph(rng, number, None)}\n")
    (root / "upstream-state.json").write_text(dump_state(UpstreamState({UPSTREAM: state})), encoding="utf-8")
    return numbers


def _time(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _issue(rng: random.Random, number: int, title: str, reported: dt.date) -> IssueState:
    """What GitHub would show for the issue: two in three open; the others closed as completed, not
    planned or a duplicate, a few deleted or transferred; one in fifty renamed since the analysis, and
    about one in five updated upstream after its analysis (TRACKING.md calls it stale)."""
    updated = reported + dt.timedelta(
        days=rng.randint(0, 7) + (rng.randint(60, 900) if rng.random() < 0.2 else 0)
    )
    issue = IssueState(
        number,
        title=title,
        labels=sorted(rng.sample(_LABELS, rng.randint(0, 2))),
        author=f"user{rng.randint(1, 900)}",
        created_at=_time(reported),
        updated_at=_time(updated),
        comments=rng.randint(0, 40),
        html_url=f"https://github.com/{UPSTREAM}/issues/{number}",
    )
    draw = rng.random()
    if draw >= 0.65:
        issue.state, issue.closed_at = "closed", _time(updated)
        issue.state_reason = "completed" if draw < 0.85 else "not_planned" if draw < 0.93 else "duplicate"
    if draw >= 0.97:
        issue.state, issue.closed_at, issue.state_reason = "open", None, None
        if draw < 0.98:
            issue.deleted = True
        elif draw < 0.99:
            issue.transferred_to = f"bench-org/other-project#{number}"
        else:
            issue.locked = True
    if rng.random() < 0.02:
        issue.previous_title, issue.title = title, f"{title} (upstream wording)"
        issue.title_changed_at = _time(updated)
    return issue
