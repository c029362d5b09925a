"""`SiteLinks`: the `issuekb.render.links.Links` protocol for pages of the site.

An analysis is its page (`analyses/<folder>/index.md`), a companion its sub-page; both as `.md` paths
relative to the page being rendered, which MkDocs checks and rewrites into URLs. Upstream issues, fork
commits and fork pull requests are the same GitHub URLs as everywhere else.
"""

from __future__ import annotations

from issuekb.core.model import Analysis, Companion
from issuekb.render.links import GitHubLinks
from issuekb.render.site.paths import analysis_uri, companion_uri, md_link

__all__ = ["SiteLinks"]


class SiteLinks(GitHubLinks):
    """Links as they work from the generated page `from_uri` (a path as if in `docs/`)."""

    def __init__(self, fork: str, from_uri: str) -> None:
        super().__init__(fork)
        self.from_uri = from_uri

    def analysis(self, analysis: Analysis, companion: Companion | None = None) -> str:
        target = companion_uri(analysis, companion) if companion is not None else analysis_uri(analysis)
        return md_link(self.from_uri, target)
