"""The site configuration, read whole from mkdocs.yml, and the derived copy a build folder gets.

An engine that takes files only (Zensical) builds from a folder that `issuekb pages` composes: the docs
and the generated pages under `docs/`, and beside them a mkdocs.yml derived from the repository's. The
derived copy keeps every setting, YAML tags (`!ENV`, `!!python/name:`) included, with these changes:
the docs, site and theme folders are the build folder's own (the theme folder holds a copy of
`theme.custom_dir`), the theme's variant is Material's look (`classic`) unless mkdocs.yml names one, the
`issuekb` plugin entry is gone (its pages are in the folder already), `minify_html` (a plugin Zensical
would ignore without a word) becomes Zensical's own `minify`, and the site's script and style sheet are
added to `extra_javascript` and `extra_css`.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import yaml

from issuekb.config import ConfigError

__all__ = ["DERIVED_HEADER", "THEME_DIR", "SiteConfig", "derived_config", "read_site_config"]

#: The theme folder of the build folder: the repository's `theme.custom_dir`, copied, with issuekb's own
#: Zensical templates added (`issuekb.publish.folder`).
THEME_DIR = "overrides"

DERIVED_HEADER = "# Derived from {source} by `issuekb pages`; edit that file, not this one.\n"


@dataclass(frozen=True, slots=True)
class _Tagged:
    """A node with an application tag (`!ENV [NAME, default]`), kept as it was written."""

    tag: str
    value: Any


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


def _construct_tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> _Tagged:
    del suffix
    value: Any
    if isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_scalar(node)  # type: ignore[arg-type]
    return _Tagged(node.tag, value)


def _represent_tagged(dumper: yaml.SafeDumper, data: _Tagged) -> yaml.Node:
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    return dumper.represent_scalar(data.tag, data.value)


_Loader.add_multi_constructor("!", _construct_tagged)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _construct_tagged)
_Dumper.add_representer(_Tagged, _represent_tagged)


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """mkdocs.yml as a mapping, with the settings the page generator needs."""

    path: Path
    data: dict[str, Any]

    @property
    def root(self) -> Path:
        return self.path.parent

    @property
    def docs_dir(self) -> Path:
        return (self.root / str(self.data.get("docs_dir") or "docs")).resolve()

    @property
    def site_name(self) -> str:
        return str(self.data.get("site_name") or "")

    @property
    def custom_dir(self) -> Path | None:
        theme = self.data.get("theme")
        custom = theme.get("custom_dir") if isinstance(theme, dict) else None
        return (self.root / custom).resolve() if isinstance(custom, str) and custom else None

    @property
    def edit_base(self) -> str:
        """The URL an edit link joins a docs-relative path to, as MkDocs builds it; empty without one."""
        repo_url, edit_uri = self.data.get("repo_url"), self.data.get("edit_uri")
        if not (isinstance(repo_url, str) and repo_url and isinstance(edit_uri, str) and edit_uri):
            return ""
        return urljoin(repo_url.rstrip("/") + "/", edit_uri.rstrip("/") + "/")

    @property
    def use_directory_urls(self) -> bool:
        return self.data.get("use_directory_urls", True) is not False


def read_site_config(path: Path) -> SiteConfig:
    """mkdocs.yml read whole; `ConfigError` says what is wrong with it."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: must be a mapping")
    return SiteConfig(path.resolve(), data)


def _plugin_name(entry: Any) -> str:
    if isinstance(entry, dict) and len(entry) == 1:
        return str(next(iter(entry)))
    return str(entry)


def _plugins(plugins: Any) -> Any:
    """The plugin entries for Zensical: `issuekb` dropped, `minify_html` as Zensical's `minify`."""
    if isinstance(plugins, dict):
        plugins = [{name: options} for name, options in plugins.items()]
    if not isinstance(plugins, list):
        return plugins
    kept: list[Any] = []
    for entry in plugins:
        name = _plugin_name(entry)
        if name == "issuekb":
            continue
        kept.append({"minify": {"minify_html": True}} if name == "minify_html" else entry)
    return kept


def derived_config(site: SiteConfig, out: Path, *, extra_css: list[str], extra_javascript: list[str]) -> str:
    """The text of the mkdocs.yml for a build folder `out` holding `docs/` (see the module docstring)."""
    data = copy.deepcopy(site.data)
    data["docs_dir"] = "docs"
    data["site_dir"] = "site"
    theme = data.get("theme")
    theme = dict(theme) if isinstance(theme, dict) else {"name": theme}
    theme["custom_dir"] = THEME_DIR
    theme.setdefault("variant", "classic")  # Material's look and icons; Zensical's default is "modern"
    data["theme"] = theme
    if "plugins" in data:
        data["plugins"] = _plugins(data["plugins"])
    data["extra_css"] = [*(data.get("extra_css") or []), *extra_css]
    data["extra_javascript"] = [*(data.get("extra_javascript") or []), *extra_javascript]
    source = Path(os.path.relpath(site.path, out.resolve())).as_posix()
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)
    return DERIVED_HEADER.format(source=source) + text
