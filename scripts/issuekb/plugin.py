"""The MkDocs plugin: adds the knowledge base to the build in memory. A thin adapter over the core.

Once per build it runs the pipeline (`run_pipeline`, as every command does: the knowledge base, its
link graph and the upstream state), logs every diagnostic with its file and line (errors as MkDocs
warnings, so `mkdocs build --strict` fails naming the file), and hands the pages rendered by
`issuekb.render.site` to MkDocs with `File.generated`. Nothing is written into `docs/`.
"""

from __future__ import annotations

import os
from importlib.resources import files as package_files
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel

from issuekb.config import Config, ConfigError
from issuekb.diagnostics import Diagnostic, Severity, sort_key
from issuekb.pipeline import run_pipeline
from issuekb.render.site import SUMMARY_MARKER, render_home, render_site
from issuekb.render.site.paths import HOME_URI

__all__ = ["IssueKBOptions", "IssueKBPlugin"]

log = get_plugin_logger(__name__)

#: The site's own script and style sheet (sortable tables, badges), served from the site itself.
ASSETS = ("issuekb.css", "issuekb.js")
ASSETS_URI = "assets/issuekb"


class IssueKBOptions(base.Config):  # type: ignore[no-untyped-call]
    """The `issuekb` entry under `plugins:` in mkdocs.yml (mirrors `issuekb.config.DEFAULTS`)."""

    upstream = c.Type(str, default="")
    """`owner/name` of the upstream repository; an issue ref `1143` means this repository. Required."""
    fork = c.Type(str, default="")
    """`owner/name` of the fork: fix commits and pull requests link there. Optional."""
    analyses_dir = c.Type(str, default="analyses")
    """Folder of the analyses (`<NNNN>-<slug>/analysis.md`), relative to mkdocs.yml."""
    templates_dir = c.Type(str, default="templates")
    """Folder of the template that `issuekb new` fills in, relative to mkdocs.yml."""
    state_file = c.Type(str, default="upstream-state.json")
    """The upstream state written by `issuekb sync`, relative to mkdocs.yml; missing means "not synced"."""
    tracking_file = c.Type(str, default="TRACKING.md")
    """Where `issuekb tracking` writes TRACKING.md, relative to mkdocs.yml (the site renders its own copy)."""
    git = c.Type(str, default="")
    """A local clone of the fork: when set, every fix commit SHA is checked against it."""


def _log(diags: list[Diagnostic]) -> None:
    for d in sorted(diags, key=sort_key):
        text = f"{d.location}: {d.severity}[{d.code}] {d.message}" + (f" (help: {d.hint})" if d.hint else "")
        (log.warning if d.severity is Severity.ERROR else log.info)(text)


class IssueKBPlugin(BasePlugin[IssueKBOptions]):  # type: ignore[no-untyped-call]
    """Analyses, listing pages, tag pages, duplicate clusters, the status board and the JSON export."""

    kb_config: Config
    summary: str = ""

    def on_config(self, config: Any) -> Any:
        root = Path(config.config_file_path or ".").resolve().parent
        try:
            self.kb_config = Config.from_options(root, dict(self.config))
        except ConfigError as exc:
            raise PluginError(f"issuekb: {exc}") from exc
        config.extra_css.append(f"{ASSETS_URI}/issuekb.css")
        config.extra_javascript.append(f"{ASSETS_URI}/issuekb.js")
        return config

    def on_files(self, files: Files, config: Any) -> Files:
        results = run_pipeline(self.kb_config)
        kb = results.kb
        _log(results.diags + results.state_diags)
        site = render_site(kb, results.graph, results.state, use_directory_urls=config.use_directory_urls)
        self.summary = site.summary
        if files.get_file_from_path(HOME_URI) is None:
            files.append(
                File.generated(config, HOME_URI, content=render_home(config.site_name, site.summary))
            )
        docs_dir = Path(config.docs_dir).resolve()
        for page in site.pages:
            if files.get_file_from_path(page.uri) is not None:
                log.warning(
                    f"{page.uri} in {config.docs_dir} hides the page issuekb generates there; rename it"
                )
                continue
            inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
            file = File.generated(config, page.uri, content=page.content, inclusion=inclusion)
            if page.source is not None:
                file.edit_uri = Path(os.path.relpath(page.source, docs_dir)).as_posix()
            files.append(file)
        for analysis in kb.analyses:  # pictures and other attachments beside an analysis
            for path in sorted(analysis.path.parent.iterdir()):
                if path.suffix != ".md" and not path.name.startswith(".") and path.is_file():
                    uri = f"analyses/{analysis.folder}/{path.name}"
                    files.append(File.generated(config, uri, abs_src_path=str(path)))
        assets = package_files("issuekb") / "assets"
        for name in ASSETS:
            files.append(File.generated(config, f"{ASSETS_URI}/{name}", content=(assets / name).read_bytes()))
        return files

    def on_page_markdown(self, markdown: str, *, page: Any, config: Any, files: Files) -> str:
        """Put the summary (counts and charts) where the hand-written home page asks for it."""
        if page.file.src_uri == HOME_URI and page.file.generated_by is None:
            return markdown.replace(SUMMARY_MARKER, self.summary)
        return markdown

    def on_serve(self, server: Any, /, *, config: Any, builder: Any) -> Any:
        """`mkdocs serve` rebuilds when an analysis or the upstream state changes.

        The state file is replaced atomically (a rename), so its folder is watched, not the file itself.
        """
        if self.kb_config.analyses_dir.is_dir():
            server.watch(str(self.kb_config.analyses_dir))
        if self.kb_config.state_file.parent.is_dir():
            server.watch(str(self.kb_config.state_file.parent), recursive=False)
        return server
