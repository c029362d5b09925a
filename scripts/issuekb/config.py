"""The knowledge base's settings, read from the `issuekb` plugin entry of `mkdocs.yml`.

One place for configuration: the CLI reads the plugin entry; the MkDocs plugin builds the same `Config`
from its validated options.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = ["DEFAULTS", "Config", "ConfigError", "find_root", "inside_root", "load_config"]

REPO_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")

DEFAULTS: dict[str, Any] = {
    "upstream": "",
    "fork": "",
    "analyses_dir": "analyses",
    "templates_dir": "templates",
    "state_file": "upstream-state.json",
    "tracking_file": "TRACKING.md",
    "git": "",
}


class ConfigError(Exception):
    """The configuration cannot be used; the message says what and where."""


@dataclass(frozen=True, slots=True)
class Config:
    """Settings of one knowledge base. Paths are absolute."""

    root: Path
    upstream: str
    fork: str = ""
    analyses_dir: Path = field(default=Path("analyses"))
    templates_dir: Path = field(default=Path("templates"))
    state_file: Path = field(default=Path("upstream-state.json"))
    tracking_file: Path = field(default=Path("TRACKING.md"))
    git: Path | None = None

    @classmethod
    def from_options(cls, root: Path, options: dict[str, Any]) -> Config:
        """Build a Config from plugin options (missing ones take their defaults)."""
        merged = {**DEFAULTS, **{k: v for k, v in options.items() if v is not None}}
        unknown = sorted(set(merged) - set(DEFAULTS))
        if unknown:
            raise ConfigError(f"unknown issuekb option(s): {', '.join(unknown)}")
        for key in ("upstream", "fork"):
            value = merged[key]
            if not isinstance(value, str) or (value and not REPO_RE.match(value)):
                raise ConfigError(f"issuekb option {key!r} must be 'owner/name', got {value!r}")
        if not merged["upstream"]:
            raise ConfigError("issuekb option 'upstream' (owner/name of the upstream repository) is required")
        root = root.resolve()

        def path(key: str) -> Path:
            value = merged[key]
            if not isinstance(value, str) or not value:
                raise ConfigError(f"issuekb option {key!r} must be a non-empty path")
            return inside_root(root, key, value, folder=key.endswith("_dir"))

        git = merged["git"]
        if git is not None and not isinstance(git, str):
            raise ConfigError(f"issuekb option 'git' must be a path, got {git!r}")
        return cls(
            root=root,
            upstream=merged["upstream"],
            fork=merged["fork"],
            analyses_dir=path("analyses_dir"),
            templates_dir=path("templates_dir"),
            state_file=path("state_file"),
            tracking_file=path("tracking_file"),
            git=_resolve("git", root / git) if git else None,
        )

    def rel(self, path: Path) -> str:
        """`path` relative to the root, with forward slashes (how diagnostics and links name files)."""
        if path.is_absolute():
            try:
                return path.relative_to(self.root).as_posix()
            except ValueError:
                pass
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


def _resolve(key: str, path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError) as exc:  # a loop of symbolic links (RuntimeError before Python 3.13)
        raise ConfigError(f"issuekb option {key!r}: cannot resolve {path}: {exc}") from None


def inside_root(root: Path, key: str, value: str, *, folder: bool) -> Path:
    """`value` (option `key`) resolved below the resolved `root`, symbolic links followed; a folder may be
    the root itself, a file may not. Anything else is a `ConfigError` naming the option: every file the
    tools write lies inside the knowledge base."""
    if "\0" in value:
        raise ConfigError(f"issuekb option {key!r} holds a NUL character")
    resolved = _resolve(key, root / value)
    if resolved == root and folder:
        return resolved
    if not resolved.is_relative_to(root) or resolved == root:
        raise ConfigError(
            f"issuekb option {key!r} ({value!r}) points outside the knowledge base {root}; "
            "give a path inside the folder that holds mkdocs.yml (symbolic links are followed)"
        )
    return resolved


class _TolerantLoader(yaml.SafeLoader):
    """mkdocs.yml may hold `!!python/name:` and `!ENV` tags; they are irrelevant to our entry."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    del loader, suffix, node


_TolerantLoader.add_multi_constructor("!", _ignore_tag)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` that holds a mkdocs.yml."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "mkdocs.yml").is_file():
            return folder
    return None


def plugin_options(mkdocs_yml: Path) -> dict[str, Any]:
    """The options of the `issuekb` entry under `plugins:` in a mkdocs.yml."""
    try:
        data = yaml.load(mkdocs_yml.read_text(encoding="utf-8"), Loader=_TolerantLoader)  # noqa: S506
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{mkdocs_yml}: cannot read: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{mkdocs_yml}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{mkdocs_yml}: must be a mapping")
    for entry in data.get("plugins") or []:
        if isinstance(entry, dict) and "issuekb" in entry:
            options = entry["issuekb"] or {}
            if not isinstance(options, dict):
                raise ConfigError(f"{mkdocs_yml}: the issuekb plugin entry must be a mapping of options")
            return options
        if entry == "issuekb":
            return {}
    raise ConfigError(f"{mkdocs_yml}: no 'issuekb' entry under 'plugins:'")


def load_config(root: Path | None = None) -> Config:
    """Find mkdocs.yml (from `root` or the working directory upwards) and read its issuekb entry."""
    found = find_root(root or Path.cwd())
    if found is None:
        raise ConfigError(f"no mkdocs.yml found in {(root or Path.cwd()).resolve()} or any parent folder")
    return Config.from_options(found, plugin_options(found / "mkdocs.yml"))
