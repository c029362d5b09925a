"""A real install path: `make dist` builds a wheel and a source archive that install and run; what init
writes names issuekb by a git URL or a version, never by a folder on this machine."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from conftest import REPO_ROOT
from gitfixture import git
from issuekb.init.install_help import install_commands
from issuekb.init.install_spec import is_local, repository_url, requirement_from_checkout


def clone_like(tmp_path: Path, remote: str | None, urls: str = "") -> Path:
    folder = tmp_path / "issuekb-src"
    folder.mkdir()
    (folder / "pyproject.toml").write_text(f"[project]\nname = 'issuekb'\n{urls}", encoding="utf-8")
    git(folder, "init", "-q")
    git(folder, "commit", "-q", "--allow-empty", "-m", "first")
    if remote is not None:
        git(folder, "remote", "add", "origin", remote)
    return folder


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        ("https://github.com/acme-tools/issuekb.git", "https://github.com/acme-tools/issuekb.git"),
        ("git@github.com:acme-tools/issuekb.git", "https://github.com/acme-tools/issuekb.git"),
        ("ssh://git@github.com/acme-tools/issuekb", "https://github.com/acme-tools/issuekb"),
        ("/srv/git/issuekb.git", None),
    ],
)
def test_the_repository_address_comes_from_the_git_remote(
    tmp_path: Path, remote: str, expected: str | None
) -> None:
    assert repository_url(clone_like(tmp_path, remote)) == expected


def test_else_from_pyproject_and_the_line_pins_the_commit(tmp_path: Path) -> None:
    urls = '[project.urls]\nRepository = "https://github.com/acme-tools/issuekb"\n'
    folder = clone_like(tmp_path, None, urls)
    assert repository_url(folder) == "https://github.com/acme-tools/issuekb"
    head = git(folder, "rev-parse", "HEAD").strip()
    line = requirement_from_checkout(folder, "0.1.0")
    assert line == f"issuekb @ git+https://github.com/acme-tools/issuekb@{head}"
    assert not is_local(line)


def test_without_an_address_the_version_is_named_never_the_folder(tmp_path: Path) -> None:
    folder = clone_like(tmp_path, None)
    assert repository_url(folder) is None
    assert requirement_from_checkout(folder, "0.1.0") == "issuekb==0.1.0"


def test_install_commands_name_the_wheel_the_clone_and_the_git_url(tmp_path: Path) -> None:
    folder = clone_like(tmp_path, "git@github.com:acme-tools/issuekb.git")
    dist = folder / "dist"
    dist.mkdir()
    (dist / "issuekb-0.1.0-py3-none-any.whl").write_bytes(b"")
    head = git(folder, "rev-parse", "HEAD").strip()
    text = "\n".join(install_commands(folder, dist))
    assert f"pipx install {dist.resolve()}/issuekb-0.1.0-py3-none-any.whl" in text
    assert f"pipx install {folder.resolve()}\n" in text
    assert f"pipx install git+https://github.com/acme-tools/issuekb.git@{head}" in text


@pytest.mark.slow
def test_make_dist_builds_a_wheel_and_sdist_that_install_and_run(tmp_path: Path) -> None:
    """`make dist` in a copy of this checkout (its own .venv is reused through VENV), then a fresh venv
    installs the wheel with pip, offline, beside the project's pinned dependencies already installed."""
    checkout = tmp_path / "issuekb"
    checkout.mkdir()
    for name in ("pyproject.toml", "README.md", "Makefile", "constraints.txt"):
        shutil.copy2(REPO_ROOT / name, checkout / name)
    shutil.copytree(
        REPO_ROOT / "scripts",
        checkout / "scripts",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
    )
    venv = Path(sys.prefix)
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH", "MAKEFLAGS"}}
    proc = subprocess.run(  # -o: the venv counts as installed, make leaves it alone
        ["make", "-o", f"{venv}/.installed-stamp", "dist", f"VENV={venv}"],
        cwd=checkout, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    wheels = sorted((checkout / "dist").glob("issuekb-*.whl"))
    sdists = sorted((checkout / "dist").glob("issuekb-*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1
    assert "pipx install" in proc.stdout and str(wheels[0]) in proc.stdout
    with zipfile.ZipFile(wheels[0]) as wheel:
        names = set(wheel.namelist())
    assert "issuekb/scaffold/Makefile" in names and "issuekb/py.typed" in names
    assert "issuekb/scaffold/github/workflows/ci.yml" in names
    with tarfile.open(sdists[0]) as sdist:
        assert any(n.endswith("/pyproject.toml") for n in sdist.getnames())

    target = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(target)], check=True, timeout=300)
    # the dependencies are those of this venv (on its path through a .pth file): pip stays offline
    site = next((target / "lib").glob("python3.*/site-packages"))
    ours = next(p for p in sys.path if p.startswith(str(venv)) and p.endswith("site-packages"))
    (site / "deps.pth").write_text(ours + "\n", encoding="utf-8")
    pip = subprocess.run(
        [str(target / "bin" / "python"), "-m", "pip", "install", "--no-index", "--no-deps", "--quiet",
         "--disable-pip-version-check", str(wheels[0])],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert pip.returncode == 0, pip.stderr
    kb = tmp_path / "kb"
    ran = subprocess.run(
        [str(target / "bin" / "issuekb"), "init", str(kb), "--upstream", "a/b", "--fork", "c/d"],
        capture_output=True, text=True, timeout=120, check=False, env=env,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    line = (kb / "requirements.txt").read_text(encoding="utf-8").splitlines()[-1]
    assert line.startswith("issuekb") and not is_local(line), line
