"""A build folder for an engine that takes files only (Zensical): what `issuekb pages OUT` writes.

    OUT/mkdocs.yml      derived from the repository's mkdocs.yml (`issuekb.publish.config`)
    OUT/docs/           the hand-written pages of the docs folder, the home page with its summary, the
                        generated pages, the attachments beside the analyses and the site's assets
    OUT/overrides/      the theme folder: a copy of `theme.custom_dir` and issuekb's `partials/actions.html`,
                        which takes a generated page's edit link from its front matter (`edit_url`)
    OUT/.issuekb-pages  marks the folder as one `issuekb pages` may replace

The generated files are the ones the MkDocs plugin hands to MkDocs (`issuekb.publish.files`), placed the same
way. The folder is composed beside OUT and put in place whole, so OUT holds one complete build or the
previous one; when the knowledge base has errors nothing is written. The repository is only read.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from importlib.resources import files as package_files
from pathlib import Path
from urllib.parse import urljoin

from issuekb.config import Config, ConfigError
from issuekb.diagnostics import Diagnostic, Severity
from issuekb.publish.config import THEME_DIR, SiteConfig, derived_config, read_site_config
from issuekb.publish.files import EXTRA_CSS, EXTRA_JAVASCRIPT, SiteFiles, site_files
from issuekb.render.site import GeneratedPage
from issuekb.render.site.paths import HOME_URI

__all__ = ["MARKER", "compose_pages"]

MARKER = ".issuekb-pages"


def _hand_written(docs: Path) -> dict[str, Path]:
    """Every file of the docs folder by its uri; dot files and dot folders are left out, as MkDocs does."""
    found: dict[str, Path] = {}
    for path in sorted(docs.rglob("*")):
        rel = path.relative_to(docs)
        if path.is_file() and not any(part.startswith(".") for part in rel.parts):
            found[rel.as_posix()] = path
    return found


def _write(folder: Path, uri: str, content: bytes) -> None:
    target = folder / uri
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)


def _edit_url(site: SiteConfig, page: GeneratedPage) -> str:
    """Where "Edit this page" leads, as the MkDocs plugin sets it: the page's own source file (relative to
    the docs folder, so `../analyses/...`), or nowhere for a page made from several files."""
    if page.source is None or not site.edit_base:
        return ""
    return urljoin(site.edit_base, Path(os.path.relpath(page.source, site.docs_dir)).as_posix())


def _with_edit_url(markdown: str, url: str) -> str:
    """The page with `edit_url` in its front matter (read by the theme's `partials/actions.html`)."""
    line = f"edit_url: {json.dumps(url, ensure_ascii=False)}\n"
    if markdown.startswith("---\n"):
        return "---\n" + line + markdown[4:]
    return f"---\n{line}---\n\n{markdown}"


def _theme(site: SiteConfig, folder: Path) -> None:
    """The theme folder: the repository's `theme.custom_dir`, and issuekb's Zensical templates where that
    folder has none of the same name."""
    custom = site.custom_dir
    if custom is not None and custom.is_dir():
        shutil.copytree(custom, folder)
    ours = package_files("issuekb") / "assets" / "zensical" / "partials"
    for name in ("actions.html",):
        target = folder / "partials" / name
        if not target.exists():
            _write(folder, f"partials/{name}", (ours / name).read_bytes())


def _replace(out: Path, staged: Path) -> None:
    if out.exists():
        if not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file()):
            raise ConfigError(f"{out} exists and was not written by `issuekb pages`; choose another folder")
        shutil.rmtree(out)
    staged.rename(out)


def _stage(
    site: SiteConfig,
    generated: SiteFiles,
    hand: dict[str, Path],
    pages: list[GeneratedPage],
    staged: Path,
    out: Path,
) -> None:
    """Write the whole build folder into `staged` (it is moved to `out` once complete)."""
    docs = staged / "docs"
    for uri, path in hand.items():
        content = path.read_bytes()
        if uri == HOME_URI:
            content = generated.fill_home(content.decode("utf-8")).encode("utf-8")
        _write(docs, uri, content)
    for page in pages:
        text = page.content
        if page.uri.endswith(".md"):
            text = _with_edit_url(text, _edit_url(site, page))
        _write(docs, page.uri, text.encode("utf-8"))
    for uri, path in generated.attachments:
        _write(docs, uri, path.read_bytes())
    for uri, data in generated.assets:
        _write(docs, uri, data)
    _theme(site, staged / THEME_DIR)
    derived = derived_config(site, out, extra_css=list(EXTRA_CSS), extra_javascript=list(EXTRA_JAVASCRIPT))
    _write(staged, "mkdocs.yml", derived.encode("utf-8"))
    _write(staged, MARKER, b"")
    staged.chmod(0o755)


def compose_pages(config: Config, out: Path) -> list[Diagnostic]:
    """Write the build folder `out` for the knowledge base under `config` (see the module docstring).

    Returns every diagnostic; with an error among them nothing is written. `ConfigError` when mkdocs.yml
    cannot be read, the docs folder is missing, or `out` is a folder that `issuekb pages` did not write.
    """
    site = read_site_config(config.root / "mkdocs.yml")
    docs = site.docs_dir
    if not docs.is_dir():
        raise ConfigError(f"the docs folder {config.rel(docs)} does not exist")
    out = out.resolve()
    if out.is_relative_to(docs):
        raise ConfigError(f"{out} is inside the docs folder; nothing is generated there")
    if docs.is_relative_to(out):
        raise ConfigError(f"{out} holds the docs folder; choose a folder of its own, such as build/zensical")
    generated = site_files(config, site_name=site.site_name, use_directory_urls=site.use_directory_urls)
    hand = _hand_written(docs)
    placement = generated.place(lambda uri: uri in hand)
    diags = list(generated.diagnostics)
    for uri in placement.hidden:
        diags.append(
            Diagnostic.error(
                "site-page-hidden",
                config.rel(hand[uri]),
                1,
                "this page hides the page issuekb generates at the same address",
                "rename it",
            )
        )
    if any(d.severity is Severity.ERROR for d in diags):
        return diags
    out.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        _stage(site, generated, hand, placement.pages, staged, out)
        _replace(out, staged)
    finally:
        if staged.exists():
            shutil.rmtree(staged)
    return diags
