"""`issuekb init`: the files of a new knowledge base, rendered in memory, then written.

The sources are package data under `issuekb/scaffold/`. Files named `*.tmpl` are rendered with
`string.Template` (`$upstream`, `$fork`, `$kb_repo`, `$site_name`, `$site_description`, `$site_url`);
the others are copied byte for byte. This repository's own templates/, overrides/, workflows,
pre-commit hooks and Material settings are kept identical to the scaffold by tests/test_init.py, so
the two cannot drift apart. `render_jobs` adapts the Makefile, the workflows and the hooks to where the
knowledge base sits and how its jobs run (`issuekb.init.adopt` decides that). Nothing here writes: the
command writes what `issuekb.init.adopt.plan_adoption` chose, after `blocked` found nothing in the way. Three files are generated: requirements.txt and constraints.txt (how the
new repository installs issuekb, see `issuekb.init.install_spec`) and TRACKING.md (the board of the empty
knowledge base, so that a fresh repository passes `issuekb tracking --check`).
"""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass
from importlib.resources import files as package_files
from pathlib import Path
from urllib.parse import urlsplit

from issuekb.config import REPO_RE, Config
from issuekb.init.install_spec import PACKAGE, is_local

__all__ = [
    "SCAFFOLD",
    "Settings",
    "blocked",
    "check_kb_dir",
    "check_repo",
    "default_site_name",
    "default_site_url",
    "render_jobs",
    "render_scaffold",
    "settings_problems",
]

#: (source under issuekb/scaffold/, target in the new repository), in the order they are written
SCAFFOLD: tuple[tuple[str, str], ...] = (
    ("mkdocs.yml.tmpl", "mkdocs.yml"),
    ("docs/index.md.tmpl", "docs/index.md"),
    ("Makefile", "Makefile"),
    ("gitignore", ".gitignore"),
    ("pre-commit-config.yaml", ".pre-commit-config.yaml"),
    ("github/workflows/ci.yml", ".github/workflows/ci.yml"),
    ("github/workflows/pages.yml", ".github/workflows/pages.yml"),
    ("github/workflows/sync.yml", ".github/workflows/sync.yml"),
    ("templates/analysis.md", "templates/analysis.md"),
    ("templates/summary.md", "templates/summary.md"),
    ("templates/implementation.md", "templates/implementation.md"),
    ("templates/testing.md", "templates/testing.md"),
    ("overrides/404.html", "overrides/404.html"),
    ("overrides/partials/source.html", "overrides/partials/source.html"),
)
TEMPLATE_SUFFIX = ".tmpl"
#: keeps the empty analyses/ folder in git (the loader skips dot files)
KEEP_FILE = "analyses/.gitkeep"
#: a --kb-dir: relative, plain names (it is written unquoted into the workflows' YAML)
_KB_DIR_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$")


@dataclass(frozen=True, slots=True)
class Settings:
    """What `issuekb init` asks for; `requirement` is the requirements.txt line that installs issuekb."""

    upstream: str
    fork: str
    kb_repo: str
    site_name: str
    site_url: str
    requirement: str
    pins: tuple[str, ...] = ()

    @property
    def site_description(self) -> str:
        return f"Analyses of upstream {self.upstream} issues, kept by the {self.fork} fork."


def check_repo(option: str, value: str) -> str | None:
    """Why `value` is not a GitHub `owner/name`, or None when it is one."""
    if not REPO_RE.match(value) or value.split("/", 1)[1] in {".", ".."}:
        return f"{option}: {value!r} is not a GitHub repository name (owner/name)"
    return None


def check_kb_dir(value: str) -> str | None:
    """Why `value` cannot be a --kb-dir (a relative folder inside the repository), or None."""
    if value == ".":
        return None
    if not _KB_DIR_RE.match(value) or any(part in {".", ".."} for part in value.split("/")):
        return (
            f"--kb-dir: {value!r} must be a relative folder inside the repository, named with letters, "
            "digits, '.', '_' and '-' (for instance kb or docs/issues)"
        )
    return None


def default_site_name(upstream: str) -> str:
    """The site title when none is given: "<upstream name> issue knowledge base"."""
    return f"{upstream.rpartition('/')[2]} issue knowledge base"


def default_site_url(kb_repo: str) -> str:
    """The GitHub Pages address of `kb_repo` (a user or organisation site for `owner/owner.github.io`)."""
    owner, _, name = kb_repo.partition("/")
    host = f"{owner.lower()}.github.io"
    return f"https://{host}/" if name.lower() == host else f"https://{host}/{name}/"


def settings_problems(settings: Settings) -> list[str]:
    """Every reason the settings cannot be used (empty when they can)."""
    problems = [
        problem
        for option, value in (
            ("--upstream", settings.upstream),
            ("--fork", settings.fork),
            ("--kb-repo", settings.kb_repo),
        )
        if (problem := check_repo(option, value))
    ]
    name = settings.site_name
    if not name.strip() or any(ch < " " or ch in "\x7f\u2028\u2029" for ch in name):
        problems.append(f"--site-name: {name!r} must be one line of text")
    url = urlsplit(settings.site_url)
    if url.scheme not in {"http", "https"} or not url.netloc or any(ch.isspace() for ch in settings.site_url):
        problems.append(f"--site-url: {settings.site_url!r} is not an http(s) address")
    return problems


def _yaml_string(value: str) -> str:
    """`value` as a double-quoted YAML scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _variables(settings: Settings) -> dict[str, str]:
    return {
        "upstream": settings.upstream,
        "fork": settings.fork,
        "kb_repo": settings.kb_repo,
        "site_name": settings.site_name,
        "site_description": settings.site_description,
        "site_url": settings.site_url,
    }


def _yaml_variables(settings: Settings) -> dict[str, str]:
    quoted = ("site_name", "site_description", "site_url")
    return {k: _yaml_string(v) if k in quoted else v for k, v in _variables(settings).items()}


def _requirements(settings: Settings) -> str:
    lines = [
        "# How `make` installs issuekb into .venv (written by `issuekb init`). One PEP 508 line: a git URL",
        f"# ({PACKAGE} @ git+https://github.com/OWNER/REPO@COMMIT), a version ({PACKAGE}==0.1.0) or a wheel URL.",
    ]
    if is_local(settings.requirement):
        lines.append("# A local folder works on this machine only: GitHub Actions needs a URL here.")
    return "\n".join([*lines, settings.requirement, ""])


def _constraints(settings: Settings) -> str:
    lines = [
        "# The versions of issuekb's dependencies that `make` installs, written by `issuekb init` from the",
        "# environment it ran in. Update them together with the requirements.txt line.",
        *settings.pins,
    ]
    return "\n".join([*lines, ""])


def _tracking(root: Path, settings: Settings) -> str:
    """TRACKING.md of the new, empty knowledge base, rendered by the code `issuekb tracking` runs."""
    from issuekb.core.graph import build_graph
    from issuekb.core.kb import KnowledgeBase
    from issuekb.render.links import RepoLinks
    from issuekb.render.tracking import render_tracking
    from issuekb.upstream.state import UpstreamState

    config = Config.from_options(root, {"upstream": settings.upstream, "fork": settings.fork})
    kb = KnowledgeBase(config)
    return render_tracking(
        kb, build_graph(kb), UpstreamState(), RepoLinks.for_file(config, config.tracking_file)
    )


def render_scaffold(root: Path, settings: Settings) -> dict[str, str]:
    """Every file of the new knowledge base at `root`: relative path -> content, in writing order."""
    scaffold = package_files("issuekb") / "scaffold"
    out: dict[str, str] = {}
    for source, target in SCAFFOLD:
        text = (scaffold / source).read_text(encoding="utf-8")
        if source.endswith(TEMPLATE_SUFFIX):
            variables = _yaml_variables(settings) if target.endswith(".yml") else _variables(settings)
            text = string.Template(text).substitute(variables)
        out[target] = text
    out["requirements.txt"] = _requirements(settings)
    out["constraints.txt"] = _constraints(settings)
    out[KEEP_FILE] = ""
    out["TRACKING.md"] = _tracking(root, settings)
    return out


def _workflow(text: str, kb_rel: str, make: str) -> str:
    """A workflow that runs `make` (as `make`) in `kb_rel`, relative to the git root."""
    text = re.sub(r"(?m)^(\s+run: )make ", lambda m: f"{m.group(1)}{make} ", text)
    if kb_rel == ".":
        return text
    defaults = f"\ndefaults:\n  run:\n    working-directory: {kb_rel}\n"
    text = text.replace(
        "\npermissions:\n  contents: read\n", "\npermissions:\n  contents: read\n" + defaults, 1
    )
    return re.sub(r"(?m)^(\s+path: )site$", lambda m: f"{m.group(1)}{kb_rel}/site", text)


def _pre_commit(text: str, kb_rel: str, make: str) -> str:
    """The hooks, run from the git root, for a knowledge base in `kb_rel` whose jobs run as `make`."""
    folder = "" if kb_rel == "." else f" -C {kb_rel}"
    text = text.replace("make -s venv", f"{make} -s{folder} venv")
    if kb_rel == ".":
        return text
    text = text.replace(".venv/bin/issuekb check", f"{kb_rel}/.venv/bin/issuekb check --root {kb_rel}")
    text = text.replace(
        ".venv/bin/issuekb tracking --check", f"{kb_rel}/.venv/bin/issuekb tracking --root {kb_rel} --check"
    )
    return text.replace("files: ^(", f"files: ^{re.escape(kb_rel)}/(")


def render_jobs(files: dict[str, str], kb_rel: str, names: dict[str, str], make: str) -> dict[str, str]:
    """The scaffold files that name other files or run make, rendered for a knowledge base in `kb_rel`
    (relative to the git root) whose requirement files are called `names[...]` and whose jobs run with
    `make` (`make` or `make -f issuekb.mk`). Paths are relative to the knowledge base, as in `files`."""
    makefile = files["Makefile"]
    for usual, name in names.items():
        makefile = makefile.replace(usual, name)
    out = {"Makefile": makefile}
    out[".pre-commit-config.yaml"] = _pre_commit(files[".pre-commit-config.yaml"], kb_rel, make)
    for rel, text in files.items():
        if rel.startswith(".github/workflows/"):
            out[rel] = _workflow(text, kb_rel, make)
    return out


def blocked(root: Path, targets: list[str]) -> list[str]:
    """Why writing `targets` under `root` is refused: paths in the way that are not folders (a file
    where a folder must go, a folder where a file must go)."""
    problems: list[str] = []
    if root.exists() and not root.is_dir():
        return [f"{root} is not a folder"]
    for rel in targets:
        path = root / rel
        for parent in reversed(path.relative_to(root).parents[:-1]):
            if (root / parent).exists() and not (root / parent).is_dir():
                problems.append(f"{parent.as_posix()} is a file, but {rel} must go inside it")
                break
        else:
            if path.is_dir():
                problems.append(f"{rel} is a folder")
    return problems
