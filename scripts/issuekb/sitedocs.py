"""A build folder for an engine that takes files only (Zensical): what `issuekb pages OUT` writes.

    OUT/mkdocs.yml      derived from the repository's mkdocs.yml (`issuekb.siteconfig`)
    OUT/docs/           the hand-written pages of the docs folder, the home page with its summary, the
                        generated pages, the attachments beside the analyses and the site's assets
    OUT/.issuekb-pages  marks the folder as one `issuekb pages` may replace

The generated files are the ones the MkDocs plugin hands to MkDocs (`issuekb.sitefiles`), placed the same
way. The folder is composed beside OUT and put in place whole, so OUT holds one complete build or the
previous one; when the knowledge base has errors nothing is written. The repository is only read.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from issuekb.config import Config, ConfigError
from issuekb.diagnostics import Diagnostic, Severity
from issuekb.render.site.paths import HOME_URI
from issuekb.siteconfig import derived_config, read_site_config
from issuekb.sitefiles import EXTRA_CSS, EXTRA_JAVASCRIPT, site_files

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


def _replace(out: Path, staged: Path) -> None:
    if out.exists():
        if not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file()):
            raise ConfigError(f"{out} exists and was not written by `issuekb pages`; choose another folder")
        shutil.rmtree(out)
    staged.rename(out)


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
        for uri, path in hand.items():
            content = path.read_bytes()
            if uri == HOME_URI:
                content = generated.fill_home(content.decode("utf-8")).encode("utf-8")
            _write(staged / "docs", uri, content)
        for page in placement.pages:
            _write(staged / "docs", page.uri, page.content.encode("utf-8"))
        for uri, path in generated.attachments:
            _write(staged / "docs", uri, path.read_bytes())
        for uri, data in generated.assets:
            _write(staged / "docs", uri, data)
        derived = derived_config(
            site, out, extra_css=list(EXTRA_CSS), extra_javascript=list(EXTRA_JAVASCRIPT)
        )
        _write(staged, "mkdocs.yml", derived.encode("utf-8"))
        _write(staged, MARKER, b"")
        staged.chmod(0o755)
        _replace(out, staged)
    finally:
        if staged.exists():
            shutil.rmtree(staged)
    return diags
