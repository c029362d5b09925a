"""Every file the knowledge base adds to a site, for either site engine: the one page generator.

`site_files` runs the pipeline (`run_pipeline`, as every command does: the knowledge base, its link
graph and the upstream state), renders the pages with `issuekb.render.site`, and lists the attachments beside the
analyses and the site's own assets. The MkDocs plugin hands the result to MkDocs in memory; `issuekb pages`
writes it into a build folder for Zensical (`issuekb.publish.folder`). Both place it with `SiteFiles.place`, so a
hand-written page hides a generated one the same way on both engines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib.resources import files as package_files
from pathlib import Path

from issuekb.config import Config
from issuekb.core.model import Analysis
from issuekb.diagnostics import Diagnostic
from issuekb.pipeline import run_pipeline
from issuekb.render.site import SUMMARY_MARKER, GeneratedPage, render_home, render_site
from issuekb.render.site.paths import HOME_URI

__all__ = ["ASSETS_URI", "EXTRA_CSS", "EXTRA_JAVASCRIPT", "Placement", "SiteFiles", "site_files"]

#: Where the site's own script and style sheet (sortable tables, badges) are served from.
ASSETS_URI = "assets/issuekb"
_ASSETS = ("issuekb.css", "issuekb.js")
#: what the site's configuration gets in `extra_css` and `extra_javascript`
EXTRA_CSS = (f"{ASSETS_URI}/issuekb.css",)
EXTRA_JAVASCRIPT = (f"{ASSETS_URI}/issuekb.js",)


@dataclass(frozen=True, slots=True)
class Placement:
    """What goes into one site: the pages to add and the hand-written pages they would have replaced."""

    pages: list[GeneratedPage]
    #: uris of hand-written pages kept in place of a generated page (the build reports each)
    hidden: list[str]


@dataclass(slots=True)
class SiteFiles:
    """The generated part of a site. Pages and assets are named by `src_uri` (see `render.site.paths`)."""

    pages: list[GeneratedPage] = field(default_factory=list)
    #: the home page summary, replacing `SUMMARY_MARKER` in a hand-written home page
    summary: str = ""
    #: the home page used when the docs folder has none
    home: str = ""
    #: (uri, file) for every non-Markdown file beside an analysis (pictures, logs)
    attachments: list[tuple[str, Path]] = field(default_factory=list)
    #: (uri, bytes) of the site's own script and style sheet
    assets: list[tuple[str, bytes]] = field(default_factory=list)
    #: every diagnostic of the knowledge base and the state file, unsorted
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def place(self, exists: Callable[[str], bool]) -> Placement:
        """The pages to add beside the hand-written ones (`exists(uri)` tells whether the docs folder has
        that page): the generated home page only without a hand-written one, and no generated page where a
        hand-written page already is."""
        pages = [] if exists(HOME_URI) else [GeneratedPage(HOME_URI, self.home)]
        hidden: list[str] = []
        for page in self.pages:
            if exists(page.uri):
                hidden.append(page.uri)
            else:
                pages.append(page)
        return Placement(pages, hidden)

    def fill_home(self, markdown: str) -> str:
        """A hand-written home page with the summary where it says `SUMMARY_MARKER`."""
        return markdown.replace(SUMMARY_MARKER, self.summary)


def _attachments(analyses: Iterable[Analysis]) -> list[tuple[str, Path]]:
    found: list[tuple[str, Path]] = []
    for analysis in analyses:
        for path in sorted(analysis.path.parent.iterdir()):
            if path.suffix != ".md" and not path.name.startswith(".") and path.is_file():
                found.append((f"analyses/{analysis.folder}/{path.name}", path))
    return found


def site_files(config: Config, *, site_name: str, use_directory_urls: bool = True) -> SiteFiles:
    """Every generated page, attachment and asset of the knowledge base under `config`, in a fixed order,
    with every diagnostic found on the way. Reads the analyses and the state file; writes nothing."""
    results = run_pipeline(config)
    kb = results.kb
    site = render_site(kb, results.graph, results.state, use_directory_urls=use_directory_urls)
    assets = package_files("issuekb") / "assets"
    return SiteFiles(
        pages=site.pages,
        summary=site.summary,
        home=render_home(site_name, site.summary),
        attachments=_attachments(kb.analyses),
        assets=[(f"{ASSETS_URI}/{name}", (assets / name).read_bytes()) for name in _ASSETS],
        diagnostics=results.diags + results.state_diags,
    )
