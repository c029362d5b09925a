"""The site's URL layout, in one place, and relative links between generated pages.

Pages are named by their `src_uri` (a path as if the page were a file in `docs/`):

    analyses/<folder>/index.md          one analysis          -> /analyses/<folder>/
    analyses/<folder>/<companion>.md    its companion pages   -> /analyses/<folder>/summary/
    analyses/index.md                   every analysis, a sortable table
    status/index.md                     TRACKING.md, rendered with site links
    status/<status>.md                  one listing page per status
    tags/index.md, tags/<tag>.md        the tags and one page per tag
    commits/<sha>.md                    one page per fix commit: the analyses it fixes
    duplicates.md                       duplicate clusters
    api/analyses.json                   every record as plain JSON

Markdown links between pages are relative `.md` paths (MkDocs checks and rewrites them); raw HTML (the
SVG diagrams) needs final URLs, computed by `url_between`.
"""

from __future__ import annotations

import posixpath

from issuekb.core.model import Analysis, Companion
from issuekb.core.schema import Status, tag_suggestion

__all__ = [
    "ALL_URI",
    "API_URI",
    "BOARD_URI",
    "DUPLICATES_URI",
    "HOME_URI",
    "TAGS_URI",
    "analysis_uri",
    "commit_slug",
    "commit_uri",
    "companion_uri",
    "md_link",
    "page_url",
    "status_uri",
    "tag_slug",
    "tag_uri",
    "url_between",
]

HOME_URI = "index.md"
ALL_URI = "analyses/index.md"
BOARD_URI = "status/index.md"
TAGS_URI = "tags/index.md"
DUPLICATES_URI = "duplicates.md"
API_URI = "api/analyses.json"


def analysis_uri(analysis: Analysis) -> str:
    return f"analyses/{analysis.folder}/index.md"


def companion_uri(analysis: Analysis, companion: Companion) -> str:
    return f"analyses/{analysis.folder}/{companion.name}"


def status_uri(status: Status) -> str:
    return f"status/{status.value}.md"


def tag_slug(tag: str) -> str:
    """A file name for a tag: the tag itself when it is a slug (as `check` requires), else its suggestion."""
    return tag_suggestion(tag)


def tag_uri(tag: str) -> str:
    return f"tags/{tag_slug(tag)}.md"


def commit_slug(sha: str) -> str:
    """A file name for a fix commit (as `tag_slug`: a SHA is letters and digits already)."""
    return tag_slug(sha)


def commit_uri(sha: str) -> str:
    return f"commits/{commit_slug(sha)}.md"


def relative(path: str, start: str) -> str:
    """`posixpath.relpath(path, start)` for two paths relative to the same root ("" or "." is the root),
    worked out from their segments without asking the file system for the working directory."""
    to = [part for part in path.split("/") if part not in ("", ".")]
    here = [part for part in start.split("/") if part not in ("", ".")]
    if ".." in to or ".." in here:
        return posixpath.relpath(path or ".", start or ".")
    common = 0
    for mine, theirs in zip(here, to, strict=False):
        if mine != theirs:
            break
        common += 1
    return "/".join([".."] * (len(here) - common) + to[common:]) or "."


def md_link(from_uri: str, to_uri: str) -> str:
    """The relative `.md` path from one page to another (for Markdown links; MkDocs rewrites them)."""
    return relative(to_uri, posixpath.dirname(from_uri))


def page_url(src_uri: str, use_directory_urls: bool = True) -> str:
    """The URL (relative to the site root) MkDocs gives the page `src_uri`."""
    stem, ext = posixpath.splitext(src_uri)
    if ext != ".md":
        return src_uri
    if not use_directory_urls:
        return stem + ".html"
    if posixpath.basename(stem) in ("index", "README"):
        parent = posixpath.dirname(stem)
        return f"{parent}/" if parent else ""
    return f"{stem}/"


def url_between(from_uri: str, to_uri: str, use_directory_urls: bool = True) -> str:
    """The relative URL from page `from_uri` to page `to_uri` (for raw HTML, which MkDocs leaves alone)."""
    here = page_url(from_uri, use_directory_urls)
    there = page_url(to_uri, use_directory_urls)
    base = here.rsplit("/", 1)[0] if "/" in here else ""
    rel = relative(there, base)
    if there.endswith("/") or not there:
        rel = "./" if rel == "." else rel.rstrip("/") + "/"
    return rel
