"""`issuekb init`: the scaffolded repository works (check, tracking, new, a strict site build, `make`),
refusals write nothing, and the scaffold cannot drift from this repository's own files."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from conftest import REPO_ROOT, TODAY
from issuekb.cli import cli
from issuekb.config import load_config
from issuekb.init.install_spec import (
    SourceError,
    default_requirement,
    dependency_pins,
    is_local,
    requirement_for,
    requirement_from_direct_url,
)
from issuekb.init.scaffold import SCAFFOLD, default_site_url
from linkcheck import broken_links

SCAFFOLD_DIR = REPO_ROOT / "scripts" / "issuekb" / "scaffold"
GIT_SOURCE = "git+https://github.com/acme-fork/issuekb@v0.1.0"
EXPECTED = {target for _source, target in SCAFFOLD} | {
    "requirements.txt",
    "constraints.txt",
    "analyses/.gitkeep",
    "TRACKING.md",
}


def init(path: Path, *args: str) -> Result:
    return CliRunner().invoke(
        cli, ["init", str(path), "--upstream", "acme/widget", "--fork", "acme-fork/widget", *args]
    )


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def mkdocs_yml(root: Path) -> dict[str, Any]:
    data = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture
def scaffold(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    result = init(root, "--source", GIT_SOURCE)
    assert result.exit_code == 0, result.output
    return root


# --- the scaffolded repository works ---------------------------------------------------------------


def test_init_writes_the_whole_layout(scaffold: Path) -> None:
    assert set(snapshot(scaffold)) == EXPECTED
    assert (scaffold / "requirements.txt").read_text(encoding="utf-8").splitlines()[-1] == (
        f"issuekb @ {GIT_SOURCE}"
    )
    config = load_config(scaffold)
    assert (config.upstream, config.fork) == ("acme/widget", "acme-fork/widget")
    assert config.analyses_dir == scaffold / "analyses"
    assert config.templates_dir == scaffold / "templates"


def test_scaffold_passes_check_and_tracking_check(scaffold: Path) -> None:
    checked = run("check", "--root", str(scaffold), "--strict")
    assert checked.exit_code == 0, checked.output
    assert "0 analyses checked: no problems found." in checked.output
    tracked = run("tracking", "--root", str(scaffold), "--check")
    assert tracked.exit_code == 0, tracked.output


def test_a_new_analysis_from_the_scaffolded_templates_passes_check(scaffold: Path) -> None:
    made = run(
        "new", "7", "--root", str(scaffold), "--offline", "--title", "Widget explodes on Tuesdays",
        "--with", "summary,implementation,testing", "--today", TODAY.isoformat(),
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    folder = scaffold / "analyses" / "0007-widget-explodes-tuesdays"
    assert sorted(p.name for p in folder.iterdir()) == [
        "analysis.md", "implementation.md", "summary.md", "testing.md",
    ]  # fmt: skip
    assert "<!-- template -->" in (folder / "analysis.md").read_text(encoding="utf-8")
    checked = run("check", "--root", str(scaffold), "--today", TODAY.isoformat(), "--format", "json")
    assert checked.exit_code == 0, checked.output
    found = json.loads(checked.output)
    assert found, "the template's guidance lines are reported"
    assert {d["severity"] for d in found} == {"warning"}
    assert {d["code"] for d in found} == {"template-text"}
    stale = run("tracking", "--root", str(scaffold), "--check")
    assert stale.exit_code == 1
    assert run("tracking", "--root", str(scaffold)).exit_code == 0
    assert run("tracking", "--root", str(scaffold), "--check").exit_code == 0


@pytest.mark.site
def test_scaffolded_site_builds_strict(scaffold: Path) -> None:
    made = run("new", "7", "--root", str(scaffold), "--offline", "--title", "Widget explodes")
    assert made.exit_code == 0, made.output
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1", "SOURCE_DATE_EPOCH": "1764460800"}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=scaffold,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    site = scaffold / "site"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "widget issue knowledge base" in home
    assert "https://github.com/acme/widget" in home
    assert (site / "analyses" / "0007-widget-explodes" / "index.html").is_file()
    assert (site / "status" / "index.html").is_file()
    assert (site / "404.html").read_text(encoding="utf-8").count("Page not found") >= 1
    assert broken_links(site, base_path="/widget/") == []


def test_settings_reach_mkdocs_yml(tmp_path: Path) -> None:
    name = 'Widget: "KB" # one\u00e9'
    result = init(
        tmp_path,
        "--site-name", name,
        "--kb-repo", "acme-docs/widget-kb",
        "--source", GIT_SOURCE,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = mkdocs_yml(tmp_path)
    assert data["site_name"] == name
    assert data["repo_url"] == "https://github.com/acme-docs/widget-kb"
    assert data["repo_name"] == "acme-docs/widget-kb"
    assert data["site_url"] == "https://acme-docs.github.io/widget-kb/"
    assert (
        data["site_description"]
        == "Analyses of upstream acme/widget issues, kept by the acme-fork/widget fork."
    )
    assert f"# {name}\n" in (tmp_path / "docs" / "index.md").read_text(encoding="utf-8")


def test_site_url_option_and_pages_addresses(tmp_path: Path) -> None:
    result = init(tmp_path, "--site-url", "https://kb.example.org/", "--source", GIT_SOURCE)
    assert result.exit_code == 0, result.output
    assert mkdocs_yml(tmp_path)["site_url"] == "https://kb.example.org/"
    assert default_site_url("Acme/widget") == "https://acme.github.io/widget/"
    assert default_site_url("Acme/acme.github.io") == "https://acme.github.io/"


def test_output_is_deterministic(tmp_path: Path) -> None:
    for name in ("one", "two"):
        assert init(tmp_path / name, "--source", GIT_SOURCE).exit_code == 0
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


# --- refusals write nothing -----------------------------------------------------------------------


def test_existing_files_are_skipped_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "Makefile").write_text("all:\n\techo mine\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("# mine\n", encoding="utf-8")
    before = snapshot(tmp_path)
    result = init(tmp_path, "--source", GIT_SOURCE)
    assert result.exit_code == 0, result.output
    assert "skipped Makefile: exists; the jobs are in issuekb.mk" in result.output
    assert {k: v for k, v in snapshot(tmp_path).items() if k in before} == before
    assert set(snapshot(tmp_path)) == EXPECTED | {"issuekb.mk", "README.md"}
    assert (SCAFFOLD_DIR / "Makefile").read_bytes() == (tmp_path / "issuekb.mk").read_bytes()
    ci = (tmp_path / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    assert "run: make -f issuekb.mk venv" in ci
    again = init(tmp_path, "--source", GIT_SOURCE)
    assert again.exit_code == 0
    assert "wrote" not in again.output, "identical files are left alone"


@pytest.mark.parametrize(
    ("args", "messages"),
    [
        (["--upstream", "widget"], ["--upstream: 'widget' is not a GitHub repository name"]),
        (["--fork", "a/b/c", "--upstream", "-x/y"], ["--upstream: '-x/y'", "--fork: 'a/b/c'"]),
        (["--kb-repo", "acme/.."], ["--kb-repo: 'acme/..'"]),
        (["--site-name", "two\nlines"], ["--site-name"]),
        (["--site-name", " "], ["--site-name"]),
        (["--site-url", "kb.example.org"], ["--site-url"]),
        (["--source", "/nonexistent/issuekb"], ["--source: '/nonexistent/issuekb' is neither"]),
        (["--source", "numpy==2.0"], ["--source"]),
    ],
)
def test_bad_settings_are_refused(tmp_path: Path, args: list[str], messages: list[str]) -> None:
    target = tmp_path / "kb"
    result = CliRunner().invoke(
        cli, ["init", str(target), "--upstream", "acme/widget", "--fork", "acme-fork/widget", *args]
    )
    assert result.exit_code == 2, result.output
    for message in messages:
        assert message in result.output
    assert "Nothing was written." in result.output
    assert not target.exists()


def test_paths_in_the_way_are_refused(tmp_path: Path) -> None:
    (tmp_path / "docs").write_text("not a folder\n", encoding="utf-8")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "analysis.md").mkdir()
    before = snapshot(tmp_path)
    result = init(tmp_path, "--source", GIT_SOURCE)
    assert result.exit_code == 2
    assert "docs is a file, but docs/index.md must go inside it" in result.output
    assert "Nothing was written." in result.output
    assert snapshot(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs", "templates"]

    a_file = tmp_path / "file"
    a_file.write_text("x", encoding="utf-8")
    assert init(a_file, "--source", GIT_SOURCE).exit_code == 2


def test_a_failed_write_is_reported_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from issuekb.init import service

    real = service.write_if_changed
    calls: list[Path] = []

    def failing(path: Path, data: str | bytes) -> bool:
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(service, "write_if_changed", failing)
    result = init(tmp_path, "--source", GIT_SOURCE)
    assert result.exit_code == 2
    assert "cannot write" in result.output and "Makefile: No space left on device" in result.output
    assert "Written before: mkdocs.yml, docs/index.md." in result.output
    assert not isinstance(result.exception, OSError)


# --- how the new repository installs issuekb ------------------------------------------------------


def test_install_sources(tmp_path: Path) -> None:
    assert requirement_for(GIT_SOURCE, tmp_path) == f"issuekb @ {GIT_SOURCE}"
    assert requirement_for("issuekb==0.1.0", tmp_path) == "issuekb==0.1.0"
    assert requirement_for(f"issuekb @ {GIT_SOURCE}", tmp_path) == f"issuekb @ {GIT_SOURCE}"
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    with pytest.raises(SourceError, match=r"no pyproject\.toml"):
        requirement_for("checkout", tmp_path)
    (checkout / "pyproject.toml").write_text("[project]\nname = 'issuekb'\n", encoding="utf-8")
    line = requirement_for("checkout", tmp_path)
    assert line == f"issuekb @ {checkout.as_uri()}"
    assert is_local(line)
    assert not is_local(f"issuekb @ {GIT_SOURCE}")
    wheel = tmp_path / "issuekb-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"")
    assert requirement_for(str(wheel), Path("/")) == f"issuekb @ {wheel.as_uri()}"
    (tmp_path / "notes.txt").write_text("", encoding="utf-8")
    with pytest.raises(SourceError, match="neither a wheel"):
        requirement_for("notes.txt", tmp_path)
    with pytest.raises(SourceError, match="names 'numpy'"):
        requirement_for("numpy @ https://example.org/numpy.whl", tmp_path)


def test_default_source_is_where_issuekb_came_from() -> None:
    git = {"url": "https://github.com/acme/issuekb", "vcs_info": {"vcs": "git", "commit_id": "a" * 40}}
    assert (
        requirement_from_direct_url(git, "0.1.0")
        == f"issuekb @ git+https://github.com/acme/issuekb@{'a' * 40}"
    )
    sub = {**git, "subdirectory": "tools"}
    assert requirement_from_direct_url(sub, "0.1.0").endswith("#subdirectory=tools")
    clone = {"url": "file:///src/issuekb", "vcs_info": {"vcs": "git", "commit_id": "b" * 40}}
    assert requirement_from_direct_url(clone, "0.1.0") == "issuekb @ file:///src/issuekb"
    local = {"url": "file:///src/issuekb", "dir_info": {"editable": True}}
    assert requirement_from_direct_url(local, "0.1.0") == "issuekb @ file:///src/issuekb"
    assert requirement_from_direct_url(None, "0.3.1") == "issuekb==0.3.1"


def test_without_source_the_running_installation_is_named(tmp_path: Path) -> None:
    result = init(tmp_path)
    assert result.exit_code == 0, result.output
    line = (tmp_path / "requirements.txt").read_text(encoding="utf-8").splitlines()[-1]
    assert line == default_requirement()
    assert line.startswith("issuekb")


def test_local_source_warns(tmp_path: Path) -> None:
    result = init(tmp_path / "kb", "--source", str(REPO_ROOT))
    assert result.exit_code == 0, result.output
    assert "GitHub Actions cannot install from it" in result.output
    text = (tmp_path / "kb" / "requirements.txt").read_text(encoding="utf-8")
    assert f"issuekb @ {REPO_ROOT.as_uri()}\n" in text
    assert "GitHub Actions needs a URL here" in text


def test_constraints_pin_the_runtime_dependencies_as_installed() -> None:
    pins = dependency_pins()
    names = {pin.split("==")[0].lower() for pin in pins}
    assert {"mkdocs", "mkdocs-material", "pygithub", "click", "yaml-rs", "markdown", "jinja2"} <= names
    assert not names & {"issuekb", "pytest", "ruff", "mypy", "hypothesis"}, "dev tools are not pinned"
    assert f"mkdocs=={version('mkdocs')}" in pins
    assert pins == sorted(pins, key=lambda p: re.sub(r"[-_.]+", "-", p.split("==")[0]).lower())
    ours = (REPO_ROOT / "constraints.txt").read_text(encoding="utf-8").lower().replace("_", "-").split()
    assert {p.lower().replace("_", "-") for p in pins} <= set(ours), "the venv matches constraints.txt"


# --- one source of truth: the scaffold and this repository's own files ----------------------------


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


HINT = "the scaffold (scripts/issuekb/scaffold/) and this repository's copy differ: change both"


@pytest.mark.parametrize("folder", ["templates", "overrides"])
def test_repository_folders_are_the_scaffolds(folder: str) -> None:
    assert _tree(REPO_ROOT / folder) == _tree(SCAFFOLD_DIR / folder), HINT


def test_repository_workflows_are_the_scaffolds() -> None:
    ours = _tree(REPO_ROOT / ".github" / "workflows")
    scaffold = _tree(SCAFFOLD_DIR / "github" / "workflows")
    assert set(scaffold) == {"ci.yml", "pages.yml", "sync.yml"}
    assert set(ours) - set(scaffold) == {"tests.yml"}, "tests.yml (issuekb's own tests) is the only extra"
    for name, data in scaffold.items():
        assert ours[name] == data, f"{name}: {HINT}"


def test_repository_pre_commit_hooks_extend_the_scaffolds() -> None:
    ours = (REPO_ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    scaffold = (SCAFFOLD_DIR / "pre-commit-config.yaml").read_text(encoding="utf-8")
    assert ours.startswith(scaffold), HINT
    ids = [h["id"] for repo in yaml.safe_load(scaffold)["repos"] for h in repo["hooks"]]
    assert ids == ["issuekb-check", "issuekb-tracking"]


def test_scaffold_mkdocs_settings_are_the_repositorys(tmp_path: Path) -> None:
    assert init(tmp_path, "--source", GIT_SOURCE).exit_code == 0
    ours, theirs = mkdocs_yml(REPO_ROOT), mkdocs_yml(tmp_path)
    for key in ("theme", "markdown_extensions", "edit_uri"):
        assert theirs[key] == ours[key], f"{key}: {HINT}"
    assert theirs["nav"][0] == ours["nav"][0] == {"Home": "index.md"}
    assert theirs["nav"][1] == next(e for e in ours["nav"] if "Analyses" in e), f"Analyses nav: {HINT}"
    assert theirs["plugins"][:2] == ours["plugins"][:2], f"search and tags: {HINT}"
    minify = [p for p in ours["plugins"] if isinstance(p, dict) and "minify_html" in p]
    assert minify and theirs["plugins"][-1] == ours["plugins"][-1] == minify[0], f"minify_html, last: {HINT}"
    (ours_kb,) = (p["issuekb"] for p in ours["plugins"] if isinstance(p, dict) and "issuekb" in p)
    (theirs_kb,) = (p["issuekb"] for p in theirs["plugins"] if isinstance(p, dict) and "issuekb" in p)
    assert set(theirs_kb) == set(ours_kb)


def _targets(makefile: Path) -> dict[str, list[str]]:
    """target -> its rule line (with the `## help`) and recipe lines."""
    rules: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in makefile.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([a-z][a-z-]*):", line)
        if match:
            current = rules.setdefault(match.group(1), [line])
        elif line.startswith("\t") and current is not None:
            current.append(line)
        else:
            current = None
    return rules


def test_scaffold_makefile_jobs_are_the_repositorys() -> None:
    ours = _targets(REPO_ROOT / "Makefile")
    theirs = _targets(SCAFFOLD_DIR / "Makefile")
    shared = [
        "help",
        "venv",
        "check",
        "tracking",
        "sync",
        "new",
        "new-needs-issue",
        "site",
        "serve",
        "distclean",
    ]
    assert set(shared) <= set(theirs)
    for target in shared:
        assert theirs[target] == ours[target], f"make {target}: {HINT}"
    assert _variables(SCAFFOLD_DIR / "Makefile") == _variables(REPO_ROOT / "Makefile"), HINT


def _variables(makefile: Path) -> list[str]:
    """The variable assignments (`NAME := value`, `NAME ?= value`)."""
    text = makefile.read_text(encoding="utf-8")
    return [line for line in text.splitlines() if re.match(r"^[A-Z_]+ *[:?]?= ", line)]


def test_every_scaffold_file_is_used() -> None:
    used = {source for source, _target in SCAFFOLD}
    assert set(_tree(SCAFFOLD_DIR)) == used


# --- a real install of the scaffolded repository --------------------------------------------------


@pytest.mark.slow
@pytest.mark.site
def test_make_installs_issuekb_from_a_local_checkout_and_runs(tmp_path: Path) -> None:
    """`make` creates .venv and installs issuekb from requirements.txt (here a copy of this checkout);
    the jobs run, and the installed issuekb carries its scaffold (package data) for another init."""
    checkout = tmp_path / "issuekb-src"
    checkout.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO_ROOT / name, checkout / name)
    shutil.copytree(
        REPO_ROOT / "scripts",
        checkout / "scripts",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
    )
    kb = tmp_path / "kb"
    assert init(kb, "--source", str(checkout)).exit_code == 0
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH", "MAKEFLAGS"}}

    def make(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["make", *args], cwd=kb, env=env, capture_output=True, text=True, timeout=600, check=False
        )

    venv = make("venv")
    assert venv.returncode == 0, venv.stdout + venv.stderr
    assert (kb / ".venv" / "bin" / "issuekb").is_file()
    assert make("check").returncode == 0
    made = make("new", "ISSUE=3", "ARGS=--offline --title 'Widget hangs'")
    assert made.returncode == 0, made.stdout + made.stderr
    site = make("site")
    assert site.returncode == 0, site.stdout + site.stderr
    assert (kb / "site" / "analyses" / "0003-widget-hangs" / "index.html").is_file()
    assert "0003-widget-hangs" in (kb / "TRACKING.md").read_text(encoding="utf-8")
    other = subprocess.run(
        [str(kb / ".venv" / "bin" / "issuekb"), "init", str(tmp_path / "other"), "--upstream", "a/b", "--fork", "c/d"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert other.returncode == 0, other.stderr
    assert _tree(tmp_path / "other" / "templates") == _tree(SCAFFOLD_DIR / "templates")
    # installed from a folder without a git remote or [project.urls]: the version, never the folder
    line = (tmp_path / "other" / "requirements.txt").read_text(encoding="utf-8").splitlines()[-1]
    assert line == f"issuekb=={version('issuekb')}"
