"""Start an analysis from the template: the slug, the prefilled facts, the filled files, the write.

Everything here but `write_analysis_folder` is pure: the command (`issuekb.commands.new`) decides where
the facts come from (the upstream state file, GitHub, or nowhere) and hands them in as a `Prefill`.

Filling the template:
- front matter keys are set with `FrontMatterEditor` (their quoting and comments kept): `issue`, `repo`
  (removed when it is the configured upstream), `title`, `status: investigating`, `reporter`, `reported`,
  `analyzed` (today). A key whose value is unknown becomes the comment `# key: unknown - fill in`; an
  unknown title is replaced by the issue's reference with a trailing `# unknown - fill in` comment,
  because a title is required.
- in the body, `XXXX` is the issue number, `[owner/repo]` the repository, `[Issue Title]` and
  `[reporter]` the (escaped) title and reporter, `YYYY-MM-DD` today. Lines marked `<!-- template -->`
  stay: they are the guidance the maintainer replaces, and `issuekb check` warns about each section that
  still holds one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from issuekb.authoring.frontmatter_edit import FrontMatterEditor
from issuekb.config import REPO_RE
from issuekb.core.refs import IssueRef
from issuekb.core.schema import COMPANIONS, PLACEHOLDERS, Status
from issuekb.render.escape import md_inline
from issuekb.upstream.state import IssueState
from issuekb.writes import TMP_SUFFIX, atomic_write

__all__ = [
    "UNKNOWN",
    "Prefill",
    "check_repo",
    "check_slug",
    "fill_analysis",
    "fill_companion",
    "folder_name",
    "parse_companions",
    "parse_issue",
    "prefill_from_issue",
    "slugify",
    "write_analysis_folder",
]

#: How a field that `new` could not fill is marked (as a YAML comment, so it is no placeholder error).
UNKNOWN = "unknown - fill in"
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_SLUG_WORDS = 5
_SLUG_MAX = 48
#: the longest slug `--slug` accepts (a folder name ends at 255 bytes; paths get long on Windows too)
SLUG_LIMIT = 100
_STOP_WORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "in",
        "is",
        "are",
        "it",
        "of",
        "on",
        "the",
        "this",
        "that",
        "to",
        "with",
    }
)
#: Letters that NFKD does not decompose into ASCII.
_TRANSLITERATE = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "đ": "d", "ł": "l", "Ł": "L"}
)
_BODY_RE = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS))


@dataclass(frozen=True, slots=True)
class Prefill:
    """What is known about the upstream issue before the analysis is written."""

    title: str | None = None
    reporter: str | None = None
    reported: dt.date | None = None
    url: str | None = None
    #: where the facts came from, for the user ("the upstream state file", "GitHub"); "" when nowhere
    source: str = ""
    #: things worth telling the user (the issue was transferred or deleted upstream)
    notes: tuple[str, ...] = field(default=())

    @property
    def missing(self) -> list[str]:
        """The front matter fields that stay unknown."""
        return [name for name in ("title", "reporter", "reported") if getattr(self, name) is None]


def prefill_from_issue(issue: IssueState, source: str) -> Prefill:
    """The facts an `IssueState` (from the state file or from GitHub) gives a new analysis."""
    reported = None
    if issue.created_at:
        with contextlib.suppress(ValueError):
            reported = dt.date.fromisoformat(issue.created_at[:10])
    notes: list[str] = []
    if issue.transferred_to:
        notes.append(f"upstream says this issue was transferred to {issue.transferred_to}")
    if issue.deleted:
        notes.append("upstream says this issue was deleted (404/410)")
    return Prefill(
        title=issue.title.strip() or None,
        reporter=(issue.author or "").strip() or None,
        reported=reported,
        url=issue.html_url,
        source=source,
        notes=tuple(notes),
    )


def slugify(title: str) -> str:
    """A folder slug from a title: ASCII, lower-case kebab-case, its first few meaningful words."""
    ascii_text = (
        unicodedata.normalize("NFKD", title.translate(_TRANSLITERATE))
        .encode("ascii", "ignore")
        .decode("ascii")
        .lower()
    )
    words = re.findall(r"[a-z0-9]+", ascii_text)
    meaningful = [w for w in words if w not in _STOP_WORDS] or words
    slug = ""
    for word in meaningful[:_SLUG_WORDS]:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > _SLUG_MAX:
            break
        slug = candidate
    return slug or (meaningful[0][:_SLUG_MAX] if meaningful else "")


def check_slug(slug: str) -> str | None:
    """Why `slug` cannot name an analysis folder, or None when it can."""
    if not slug:
        return "the slug is empty"
    if "/" in slug or "\\" in slug or ".." in slug or Path(slug).is_absolute():
        return f"the slug {slug!r} would put the analysis outside the analyses folder"
    if len(slug) > SLUG_LIMIT:
        return f"the slug is {len(slug)} characters long; give one of at most {SLUG_LIMIT}"
    if not SLUG_RE.match(slug):
        return f"the slug {slug!r} must be lower-case kebab-case (a-z, 0-9 and '-'), e.g. 'reload-crash'"
    return None


def check_repo(repo: str) -> str | None:
    """Why `repo` is not an `owner/name` of GitHub, or None when it is."""
    parts = repo.split("/")
    if repo.startswith("/") or ".." in parts or "." in parts or "\\" in repo:
        return f"the repository {repo!r} is a path, not 'owner/name'"
    if not REPO_RE.match(repo):
        return f"the repository {repo!r} must be 'owner/name'"
    return None


def parse_issue(text: str, repo: str | None, upstream: str) -> IssueRef:
    """`1234`, `#1234` or `owner/name#1234` (and an optional `--repo`) -> the upstream issue.

    Raises ValueError, saying what is wrong, for anything else: a number that is not a positive integer,
    a repository that is a path, or two different repositories.
    """
    if repo is not None and (problem := check_repo(repo)):
        raise ValueError(f"--repo: {problem}")
    named, sep, number = text.strip().rpartition("#")
    if sep and named:
        if problem := check_repo(named):
            raise ValueError(f"ISSUE: {problem}")
        if repo is not None and named != repo:
            raise ValueError(f"ISSUE names {named} but --repo says {repo}; give one of them")
        repo = named
    if not re.fullmatch(r"[0-9]{1,15}", number) or int(number) <= 0:
        shown = text if len(text) <= 60 else f"{text[:57]}..."
        raise ValueError(f"ISSUE must be a positive issue number (1234) or owner/name#1234, not {shown!r}")
    return IssueRef(repo or upstream, int(number))


def parse_companions(value: str) -> list[str]:
    """`summary,testing` -> ['summary.md', 'testing.md']; ValueError names an unknown one."""
    names: list[str] = []
    for raw in value.split(","):
        name = raw.strip().lower()
        if not name:
            continue
        file = name if name.endswith(".md") else f"{name}.md"
        if file not in COMPANIONS:
            known = ", ".join(c.removesuffix(".md") for c in COMPANIONS)
            raise ValueError(f"--with: unknown companion {raw.strip()!r} (known: {known})")
        if file not in names:
            names.append(file)
    return names


def folder_name(ref: IssueRef, slug: str) -> str:
    return f"{ref.number:04d}-{slug}"


def _fill_body(text: str, ref: IssueRef, prefill: Prefill, today: dt.date) -> str:
    values = {
        "XXXX": str(ref.number),
        "[owner/repo]": ref.repo,
        "[Issue Title]": md_inline(prefill.title) if prefill.title else f"{ref.repo}#{ref.number}",
        "[reporter]": md_inline(prefill.reporter) if prefill.reporter else "unknown",
        "YYYY-MM-DD": today.isoformat(),
    }
    return _BODY_RE.sub(lambda m: values[m.group(0)], text)


def fill_analysis(template: str, ref: IssueRef, prefill: Prefill, *, today: dt.date, upstream: str) -> str:
    """The text of a new `analysis.md`: the template with every placeholder filled or marked unknown.

    Raises `issuekb.authoring.frontmatter_edit.EditError` when the template's front matter cannot be edited.
    """
    editor = FrontMatterEditor(template)
    editor.set("issue", ref.number)
    if ref.repo == upstream:
        editor.remove("repo")
    else:
        editor.set("repo", ref.repo)
    if prefill.title:
        editor.set("title", prefill.title)
    else:
        editor.set("title", f"{ref.repo}#{ref.number}", comment=f"title {UNKNOWN}")
    editor.set("status", Status.INVESTIGATING.value)
    for key in ("reporter", "reported"):
        value = getattr(prefill, key)
        if value is not None and (key != "reported" or value <= today):
            editor.set(key, value)
        elif editor.line_of(key) is not None:
            editor.comment_out(key, UNKNOWN)
    editor.set("analyzed", today)
    for key in editor.field_names():  # keys the maintainer added to the template with a placeholder
        line = editor.line_of(key) or ""
        if any(p in line for p in PLACEHOLDERS):
            editor.comment_out(key, UNKNOWN)
    front, body = editor.split()
    return front + _fill_body(body, ref, prefill, today)


def fill_companion(template: str, ref: IssueRef, prefill: Prefill, *, today: dt.date) -> str:
    """The text of a new companion page (summary.md, implementation.md, testing.md)."""
    return _fill_body(template, ref, prefill, today)


def write_analysis_folder(folder: Path, files: dict[str, str]) -> None:
    """Create `folder` holding `files`, all or nothing: staged in a hidden sibling folder (named as the
    temporary files of `issuekb.writes` are, so a killed run's is removed by the next), then renamed.

    Raises FileExistsError when `folder` exists, OSError when the parent is not writable.
    """
    parent = folder.parent
    if folder.exists():
        raise FileExistsError(f"{folder} already exists")
    if not parent.is_dir():
        parent.mkdir(parents=True)  # raises FileExistsError when the parent is a file
    prefix = f".{folder.name[:64]}.{os.getpid()}-"
    staging = Path(tempfile.mkdtemp(prefix=prefix, suffix=TMP_SUFFIX, dir=parent))
    try:
        staging.chmod(0o755)  # mkdtemp made it 0o700; an analysis folder is as readable as the rest
        for name, text in files.items():
            atomic_write(staging / name, text)
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
