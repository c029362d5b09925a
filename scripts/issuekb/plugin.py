"""The MkDocs plugin: adds the knowledge base to the build in memory. A thin adapter over the core.

Once per build it takes the generated files from `issuekb.publish.files` (the page generator that
`issuekb pages` writes out for Zensical), logs every diagnostic with its file and line (errors as MkDocs
warnings, so `mkdocs build --strict` fails naming the file), and hands the files to MkDocs with
`File.generated`. Nothing is written into `docs/`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel

from issuekb.config import Config, ConfigError
from issuekb.diagnostics import Diagnostic, Severity, sort_key
from issuekb.publish.files import EXTRA_CSS, EXTRA_JAVASCRIPT, SiteFiles, site_files
from issuekb.render.site.paths import HOME_URI

__all__ = ["IssueKBOptions", "IssueKBPlugin"]

log = get_plugin_logger(__name__)


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
    generated: SiteFiles

    def on_config(self, config: Any) -> Any:
        root = Path(config.config_file_path or ".").resolve().parent
        try:
            self.kb_config = Config.from_options(root, dict(self.config))
        except ConfigError as exc:
            raise PluginError(f"issuekb: {exc}") from exc
        config.extra_css.extend(EXTRA_CSS)
        config.extra_javascript.extend(EXTRA_JAVASCRIPT)
        return config

    def on_files(self, files: Files, config: Any) -> Files:
        generated = site_files(
            self.kb_config, site_name=config.site_name, use_directory_urls=config.use_directory_urls
        )
        _log(generated.diagnostics)
        self.generated = generated
        placement = generated.place(lambda uri: files.get_file_from_path(uri) is not None)
        for uri in placement.hidden:
            log.warning(f"{uri} in {config.docs_dir} hides the page issuekb generates there; rename it")
        docs_dir = Path(config.docs_dir).resolve()
        for page in placement.pages:
            inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
            file = File.generated(config, page.uri, content=page.content, inclusion=inclusion)
            if page.source is not None:
                file.edit_uri = Path(os.path.relpath(page.source, docs_dir)).as_posix()
            files.append(file)
        for uri, path in generated.attachments:
            files.append(File.generated(config, uri, abs_src_path=str(path)))
        for uri, content in generated.assets:
            files.append(File.generated(config, uri, content=content))
        return files

    def on_page_markdown(self, markdown: str, *, page: Any, config: Any, files: Files) -> str:
        """Put the summary (counts and charts) where the hand-written home page asks for it."""
        if page.file.src_uri == HOME_URI and page.file.generated_by is None:
            return self.generated.fill_home(markdown)
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
