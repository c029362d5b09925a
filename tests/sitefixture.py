"""A small knowledge base with a site around it, built by the real `mkdocs build --strict`.

The mkdocs.yml is the repository's own (theme, features, extensions, search settings), with the nav,
docs folder and issuekb options swapped for the fixture's, so the tests exercise the real configuration.
Shared by the site build tests and the browser tests.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent

__all__ = [
    "HOSTILE_TITLE",
    "SITE_URL",
    "ZENSICAL_BUILD",
    "build_site",
    "build_zensical",
    "compose_pages",
    "make_site_kb",
    "write_mkdocs_yml",
]

SITE_URL = "https://kb.example.invalid/widget/"
#: A fixed build time (2025-11-30T00:00:00Z): MkDocs dates the sitemap with it instead of the clock.
SOURCE_DATE_EPOCH = "1764460800"

#: An upstream title that would run script if it were ever inserted as HTML.
HOSTILE_TITLE = '<img src=x onerror="window.__pwned=1"> crash & <b>burn</b>'

ANALYSES: dict[str, str] = {
    "0042-reload-crash": """\
---
issue: 42
title: "widgetd crashes on SIGHUP when the config file has a BOM"
status: resolved
resolution: fixed
related:
  - issue: 88
    note: log rotation sends the SIGHUP that triggers it
commits: [4f1c2ab]
prs: [3]
reporter: lenaviolet
reported: 2024-05-14
analyzed: 2024-05-20
resolved_on: 2024-06-01
priority: high
tags: [crash, config]
affected: [widgetd 2.x]
---
# Issue 42: the reload crash

Upstream report, in short: a SIGHUP makes widgetd exit. See #57 for the same crash reported again,
and the [duplicate's own page](../0057-reload-crash-again/analysis.md).

## Root cause

The zebrafinch decoder reads the byte order mark as part of the first key. Inline code such as
`#99` is not a mention, and neither is this block:

```text
error at #99: KeyError 'port'
```

[The trace](trace.txt) is attached.
""",
    "0057-reload-crash-again": """\
---
issue: 57
title: "Daemon exits after reload"
status: resolved
resolution: duplicate
duplicate_of: 42
reporter: someone-else
reported: 2024-07-02
analyzed: 2024-07-03
resolved_on: 2024-07-03
tags: [crash]
---
## Problem

The same crash as #42, on another machine.
""",
    "0088-log-rotation": """\
---
issue: 88
title: "logrotate restarts widgetd every night"
status: investigating
reported: 2024-08-10
analyzed: 2024-08-11
tags: [logging]
related: [42]
---
## Problem

Every night at 03:00 widgetd reloads; related to #42 and to #4242, which has no analysis here.
""",
    "0101-hostile-title": """\
---
issue: 101
title: "Upstream renamed this issue"
status: in-progress
reported: 2024-09-01
analyzed: 2024-09-02
tags: [security]
---
## Problem

The upstream title of this issue is hostile markup; the site must show it as text. Mentions #88.
""",
}

COMPANIONS = {
    "0042-reload-crash/summary.md": "Decode the file with `utf-8-sig`; the fix also guards the reload (#42).\n",
    "0042-reload-crash/trace.txt": "KeyError: 'port'\n",
}

STATE: dict[str, Any] = {
    "format": 1,
    "repos": {
        "acme/widget": {
            "source": "https://api.github.com",
            "synced_at": "2025-11-30T08:00:00Z",
            "watermark": "2025-11-30T00:00:00Z",
            "etag": None,
            "issues": {
                "42": {
                    "title": "widgetd crashes on SIGHUP",
                    "state": "closed",
                    "state_reason": "completed",
                    "labels": ["bug"],
                    "author": "lenaviolet",
                    "created_at": "2024-05-14T10:00:00Z",
                    "updated_at": "2024-06-02T10:00:00Z",
                    "closed_at": "2024-06-02T10:00:00Z",
                },
                "57": {"title": "Daemon exits after reload", "state": "open", "labels": []},
                "101": {"title": HOSTILE_TITLE, "state": "open", "labels": ["<script>alert(1)</script>"]},
                "4242": {"title": "An issue nobody analysed", "state": "open"},
            },
            "pulls": {},
        }
    },
}

DOCS = {
    "index.md": "# Widget knowledge base\n\nFind your crash here.\n\n<!-- issuekb:summary -->\n",
    "guide.md": """\
---
tags: [crash]
---
# Surviving a reload

A hand-written guide about crashes.

## Reload with [the handler](https://example.invalid/handler) in place

```python
import os  # the handler's module
@staticmethod
def reload(path: str = "/etc/widgetd.conf") -> int:
    print(len(os.environ), 42, None, True)
    return 0x1F
```

```yaml
widgetd:
  port: 8080  # default
  names: ["a", 'b', true]
```

```html
<a href="#top" class="x">&amp; top</a>
```

```sh
$ widgetd --reload && echo "$HOME" | grep -c x > /dev/null
```
""",
}


def write_mkdocs_yml(root: Path, site_url: str = SITE_URL) -> Path:
    """The repository's mkdocs.yml with the fixture's site address, nav, docs and issuekb options."""
    config = yaml.safe_load((REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config.update(
        site_name="Widget knowledge base",
        site_url=site_url,
        repo_url="https://github.com/acme-fork/widget",
        repo_name="acme-fork/widget",
        edit_uri="edit/main/docs/",
        docs_dir="docs",
    )
    config["theme"]["custom_dir"] = str(REPO_ROOT / "overrides")
    nav: list[Any] = []
    for entry in config["nav"]:
        ((title, _value),) = entry.items()
        if title == "Home":
            nav.append(entry)
        elif title == "Analyses":
            nav.append(entry)  # generated pages: the same for every knowledge base
    nav.append({"Guide": "guide.md"})
    config["nav"] = nav
    for i, plugin in enumerate(config["plugins"]):
        if isinstance(plugin, dict) and "issuekb" in plugin:
            config["plugins"][i] = {"issuekb": {"upstream": "acme/widget", "fork": "acme-fork/widget"}}
    path = root / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def make_site_kb(root: Path, site_url: str = SITE_URL) -> Path:
    """Write the fixture knowledge base (analyses, companions, state, docs, mkdocs.yml) into `root`."""
    for folder, text in ANALYSES.items():
        path = root / "analyses" / folder / "analysis.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for rel, text in COMPANIONS.items():
        (root / "analyses" / rel).write_text(text, encoding="utf-8")
    for rel, text in DOCS.items():
        path = root / "docs" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "upstream-state.json").write_text(json.dumps(STATE, indent=2), encoding="utf-8")
    write_mkdocs_yml(root, site_url)
    return root


def build_site(root: Path, *extra: str, strict: bool = True) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` (or without `--strict`) in `root` (site into root/site); returns the
    finished process."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1", "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", *(["--strict"] if strict else []), *extra],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


#: Where `make site ENGINE=zensical` composes the Zensical build folder, relative to the root.
ZENSICAL_BUILD = "build/zensical"


def _run(root: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, *argv], cwd=root, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def compose_pages(root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """`issuekb pages build/zensical` in `root`: the build folder Zensical reads."""
    return _run(root, "-m", "issuekb", "pages", *extra, ZENSICAL_BUILD)


def build_zensical(root: Path) -> subprocess.CompletedProcess[str]:
    """What `make site ENGINE=zensical` runs in `root`: `issuekb pages --build` (site into
    root/build/zensical/site)."""
    if shutil.which("zensical", path=str(Path(sys.executable).parent)) is None:
        raise RuntimeError("zensical is not installed in this environment: `make test` installs it")
    return compose_pages(root, "--build")
