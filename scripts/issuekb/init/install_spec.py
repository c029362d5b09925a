"""How a repository made by `issuekb init` installs issuekb: its requirements line and dependency pins.

issuekb is not published on a package index, so the new repository's `requirements.txt` names where it
comes from with one PEP 508 line: a git URL (`issuekb @ git+https://github.com/OWNER/REPO@TAG`), a wheel
or sdist URL, or (asked for by name, for tests on one machine) a local folder or file. By default it is
where the running issuekb was installed from (its `direct_url.json`, PEP 610), pinned to the exact
commit for git; an installation from a clone on this machine is named by the clone's address instead
(`repository_url`: its git remote `origin`, else `[project.urls] Repository` of its pyproject.toml)
and its checked-out commit, never by the local folder. With no address at all it is `issuekb==VERSION`.

The new repository's `constraints.txt` pins every runtime dependency of issuekb to the version installed
next to the issuekb that runs `init`: the versions it was tested with here, read from the environment,
never from a hand-kept list.
"""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

__all__ = [
    "PACKAGE",
    "SourceError",
    "default_requirement",
    "dependency_pins",
    "git_output",
    "is_local",
    "repository_url",
    "requirement_for",
    "requirement_from_direct_url",
]

PACKAGE = "issuekb"

#: archive suffixes pip installs from a local file
_ARCHIVES = (".whl", ".tar.gz", ".zip")


class SourceError(ValueError):
    """The install source cannot be turned into a requirements line; the message says why."""


def _checked(line: str) -> str:
    """`line` when it is a valid PEP 508 requirement for issuekb."""
    try:
        req = Requirement(line)
    except InvalidRequirement as exc:
        raise SourceError(f"{line!r} is not a valid requirement: {exc}") from exc
    if canonicalize_name(req.name) != PACKAGE:
        raise SourceError(f"{line!r} names {req.name!r}, not {PACKAGE}")
    return line


def requirement_for(source: str, cwd: Path) -> str:
    """The requirements.txt line for `source`: a requirement for issuekb, a URL, or a local path.

    A relative path is taken from `cwd`; a local folder must hold a pyproject.toml, a local file must be
    a wheel or a source archive.
    """
    source = source.strip()
    if not source:
        raise SourceError("the install source is empty")
    try:
        req = Requirement(source)
    except InvalidRequirement:
        req = None
    if req is not None and (req.url or req.specifier):
        return _checked(source)
    if "://" in source:
        return _checked(f"{PACKAGE} @ {source}")
    path = (cwd / Path(source).expanduser()).resolve()
    if path.is_dir():
        if not (path / "pyproject.toml").is_file():
            raise SourceError(f"{path} has no pyproject.toml: not an issuekb checkout")
    elif path.is_file():
        if not path.name.endswith(_ARCHIVES):
            raise SourceError(f"{path} is neither a wheel nor a source archive")
    else:
        raise SourceError(f"{source!r} is neither a URL, a requirement, nor an existing folder or file")
    return _checked(f"{PACKAGE} @ {path.as_uri()}")


def requirement_from_direct_url(info: object, version: str) -> str:
    """The requirements line for an installation described by `info` (a parsed PEP 610
    `direct_url.json`, or None): the same URL, a git one pinned to the installed commit;
    `issuekb==VERSION` when there is no URL. A clone on this machine (`git+file:`) is named as its
    folder: pip 23 rejects `git+file:` URLs in requirement lines."""
    if not isinstance(info, dict) or not isinstance(info.get("url"), str):
        return f"{PACKAGE}=={version}"
    url: str = info["url"]
    vcs = info.get("vcs_info")
    if isinstance(vcs, dict) and isinstance(vcs.get("commit_id"), str) and not url.startswith("file:"):
        url = f"{vcs.get('vcs', 'git')}+{url}@{vcs['commit_id']}"
    subdirectory = info.get("subdirectory")
    if isinstance(subdirectory, str) and subdirectory:
        url += f"#subdirectory={subdirectory}"
    return _checked(f"{PACKAGE} @ {url}")


def git_output(folder: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, text=True, check=False, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode != 0:
        return None
    return proc.stdout.strip() or None


def _https(remote: str) -> str | None:
    """A git remote as an https address pip can clone without keys; None for a remote on this machine."""
    scp = re.fullmatch(r"[\w.-]+@([\w.-]+):(?!/)(.+)", remote)
    if scp:
        return f"https://{scp.group(1)}/{scp.group(2)}"
    ssh = re.fullmatch(r"(?:ssh|git)://(?:[\w.-]+@)?([\w.-]+)(?::\d+)?/(.+)", remote)
    if ssh:
        return f"https://{ssh.group(1)}/{ssh.group(2)}"
    return remote if remote.startswith(("https://", "http://")) else None


def repository_url(checkout: Path) -> str | None:
    """The public address of the issuekb repository `checkout` is a clone of: its git remote `origin`
    (an ssh address turned into https), else `[project.urls]` Repository (or Source) of its
    pyproject.toml; None when neither names one."""
    remote = git_output(checkout, "remote", "get-url", "origin")
    if remote and (url := _https(remote)):
        return url
    try:
        project = tomllib.loads((checkout / "pyproject.toml").read_text(encoding="utf-8")).get("project", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    urls = {str(k).lower(): v for k, v in (project.get("urls") or {}).items()}
    url = urls.get("repository") or urls.get("source")
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) else None


def requirement_from_checkout(checkout: Path, version: str) -> str:
    """The requirements line for issuekb installed from the local clone `checkout`: its address pinned to
    the checked-out commit (or to the tag `vVERSION` outside git); `issuekb==VERSION` with no address."""
    url = repository_url(checkout)
    if url is None:
        return f"{PACKAGE}=={version}"
    commit = git_output(checkout, "rev-parse", "HEAD")
    return _checked(f"{PACKAGE} @ git+{url}@{commit or f'v{version}'}")


def default_requirement() -> str:
    """Where the running issuekb came from, as a requirements line that installs on another machine."""
    try:
        dist = distribution(PACKAGE)
    except PackageNotFoundError as exc:
        raise SourceError(f"{PACKAGE} is not installed as a distribution; name a source") from exc
    try:
        info = json.loads(dist.read_text("direct_url.json") or "null")
    except json.JSONDecodeError:
        info = None
    line = requirement_from_direct_url(info, dist.version)
    if is_local(line):
        folder = Path(url2pathname(urlsplit(Requirement(line).url or "").path))
        if (folder / "pyproject.toml").is_file():
            return requirement_from_checkout(folder, dist.version)
        return f"{PACKAGE}=={dist.version}"  # a wheel or archive on this machine
    return line


def is_local(line: str) -> bool:
    """True when `line` installs from this machine's file system (GitHub Actions cannot reach it)."""
    return "file:" in line.split("@", 1)[-1]


def dependency_pins(package: str = PACKAGE) -> list[str]:
    """`Name==version` of every installed runtime dependency of `package`, transitively, sorted.

    Optional dependencies (extras) count only where a requirement asks for them; requirements whose
    environment marker does not hold here, or that are not installed, are left out.
    """
    pins: dict[str, str] = {}
    seen: set[tuple[str, frozenset[str]]] = set()
    queue: list[tuple[str, frozenset[str]]] = [(package, frozenset())]
    root = canonicalize_name(package)
    while queue:
        name, extras = queue.pop()
        key = canonicalize_name(name)
        if (key, extras) in seen:
            continue
        seen.add((key, extras))
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            continue
        if key != root:
            pins[key] = f"{dist.metadata['Name']}=={dist.version}"
        for text in dist.requires or []:
            req = Requirement(text)
            wanted = {"", *extras}
            if req.marker is not None and not any(req.marker.evaluate({"extra": e}) for e in wanted):
                continue
            queue.append((req.name, frozenset(canonicalize_name(e) for e in req.extras)))
    return [pins[key] for key in sorted(pins)]
