"""`make dist`'s closing lines: the commands that install the issuekb just built, with real paths and
the repository's real address (`issuekb.init.install_spec.repository_url`).

Run as `python -m issuekb.init.install_help DIST [CHECKOUT]`; prints, writes nothing.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from issuekb.init.install_spec import git_output, repository_url

__all__ = ["install_commands", "main"]


def install_commands(checkout: Path, dist: Path) -> list[str]:
    """The install commands for the wheel and source archive in `dist` and for the clone `checkout`:
    pipx and pip, from the wheel, from the clone, and from the git address at the checked-out commit."""
    wheels = sorted(dist.glob("issuekb-*.whl"))
    lines = ["Install issuekb with pipx (or pip inside a virtual environment) from:"]
    for wheel in wheels:
        lines.append(f"  the wheel:      pipx install {shlex.quote(str(wheel.resolve()))}")
    lines.append(f"  this clone:     pipx install {shlex.quote(str(checkout.resolve()))}")
    url = repository_url(checkout)
    if url is None:
        lines.append(
            "  its repository: unknown (no git remote 'origin', no [project.urls] Repository in "
            "pyproject.toml)"
        )
    else:
        commit = git_output(checkout, "rev-parse", "HEAD") or "main"
        spec = shlex.quote(f"git+{url}@{commit}")
        lines.append(f"  its repository: pipx install {spec}")
        lines.append(
            f"  (pip:           python3 -m venv ~/.local/share/issuekb && "
            f"~/.local/share/issuekb/bin/pip install {spec})"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: python -m issuekb.init.install_help DIST [CHECKOUT]", file=sys.stderr)
        return 2
    dist = Path(args[0])
    checkout = Path(args[1]) if len(args) > 1 else Path.cwd()
    built = sorted(p.name for p in dist.glob("issuekb-*") if p.is_file())
    print(f"Built in {dist}/: {', '.join(built) or 'nothing'}")
    print("\n".join(install_commands(checkout, dist)))
    return 0 if built else 1


if __name__ == "__main__":
    raise SystemExit(main())
