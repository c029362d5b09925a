"""Zensical, run on a build folder that `issuekb.publish.folder` composed: the one place that imports it.

Zensical is an optional dependency (`pip install 'issuekb[zensical]'`; `make site ENGINE=zensical`
installs it on first use).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["EngineError", "NotInstalledError", "build_with_zensical"]


class NotInstalledError(Exception):
    """Zensical is not installed; the message says how to install it."""


class EngineError(Exception):
    """Zensical stopped: it has printed the problems itself (with paths relative to the docs folder)."""


def build_with_zensical(config_file: Path) -> None:
    """`zensical build --strict --clean -f config_file`: the site goes into the `site_dir` of that
    configuration, and any warning stops the build (`EngineError`). Zensical prints its own report."""
    try:
        from zensical import build
    except ImportError as exc:
        raise NotInstalledError(
            "Zensical is not installed: pip install 'issuekb[zensical]' (make site ENGINE=zensical does it)"
        ) from exc
    try:
        build(str(config_file.resolve()), {"strict": True, "clean": True})
    except RuntimeError as exc:  # Zensical's "Aborted because --strict flag is set"
        raise EngineError(str(exc)) from exc
    except Exception as exc:  # its configuration errors are click exceptions: show their message
        message = getattr(exc, "message", None) or str(exc)
        raise EngineError(f"Zensical could not build the site: {message}") from exc
