"""The site benchmark's two folders: the knowledge base with the plugin, and the same pages as plain files.

`prepare(workdir, n, seed)` writes `workdir/plugin/` (a synthetic knowledge base, built by `mkdocs build`
with the issuekb plugin) and `workdir/floor/` (every page the plugin would generate, written as a Markdown
file into `docs/`, built by a bare `mkdocs build`). Both use the same theme, extensions and navigation
(the home page and the listing pages, never every analysis) and the same HTML minifier (`minify_html`, as
the repository's mkdocs.yml has it), so the ratio of their build times is what the plugin adds to MkDocs
itself.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bench.synth import FORK, UPSTREAM, generate

__all__ = ["SiteCase", "prepare", "site_bytes"]

_CONFIG = """\
site_name: issuekb benchmark
site_dir: site
theme:
  name: material
  font: false
  features:
    - navigation.sections
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc:
      permalink: true
  - pymdownx.highlight
  - pymdownx.superfences
nav:
{nav}
plugins:
  - search
{plugin}{minify}"""
#: The HTML minifier of the repository's mkdocs.yml, in both builds: the floor is the same pages built the
#: same way, less the issuekb plugin.
_MINIFY = """\
  - minify_html:
      keep_closing_tags: true
      keep_html_and_head_opening_tags: true
      minify_css: false
      minify_js: false
"""
_PLUGIN = f"""\
  - issuekb:
      upstream: {UPSTREAM}
      fork: {FORK}
"""


@dataclass(frozen=True, slots=True)
class SiteCase:
    """The two folders of one size: built with the plugin, and the plain-Markdown floor."""

    n: int
    plugin: Path
    floor: Path


def _nav(uris: list[str]) -> str:
    return "\n".join(f"  - {uri}" for uri in uris)


def prepare(workdir: Path, n: int, seed: int = 668) -> SiteCase:
    """Generate both folders for `n` analyses (deterministic from `seed`)."""
    from issuekb.config import load_config
    from issuekb.core.graph import build_graph
    from issuekb.pipeline import load_kb
    from issuekb.render.site import render_home, render_site
    from issuekb.upstream.state import load_state

    plugin, floor = workdir / "plugin", workdir / "floor"
    generate(plugin, n, seed)
    config = load_config(plugin)
    kb, _ = load_kb(config, git=False)
    state, _ = load_state(config.state_file)
    site = render_site(kb, build_graph(kb), state)
    home = render_home("issuekb benchmark", site.summary)
    in_nav = ["index.md", *(p.uri for p in site.pages if p.in_nav and p.uri.endswith(".md"))]
    (plugin / "docs" / "index.md").unlink()  # the plugin generates the home page, as the floor has it
    (plugin / "mkdocs.yml").write_text(
        _CONFIG.format(nav=_nav(in_nav), plugin=_PLUGIN, minify=_MINIFY), encoding="utf-8"
    )
    docs = floor / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text(home, encoding="utf-8")
    for page in site.pages:
        target = docs / page.uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.content, encoding="utf-8")
    (floor / "mkdocs.yml").write_text(
        _CONFIG.format(nav=_nav(in_nav), plugin="", minify=_MINIFY), encoding="utf-8"
    )
    return SiteCase(n, plugin, floor)


def site_bytes(root: Path) -> int:
    """Bytes of every file of the built site (ROOT/site)."""
    total = 0
    for folder, _, names in os.walk(root / "site"):
        total += sum((Path(folder) / name).stat().st_size for name in names)
    return total
