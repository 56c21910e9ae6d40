"""The package builds into a wheel that installs and works outside the checkout.

The slow test copies what the build reads into a temporary folder (so the
checkout gets no ``build/``), builds the wheel there, installs it into a fresh
virtual environment, and runs ``outcomes`` from another folder. The runtime
dependencies are not downloaded: a ``.pth`` file lets the fresh environment
import them from the project's own environment, whose editable ``toolkit``
stays out of reach (its ``__editable__*.pth`` hook is only run for the
project's environment itself), which the test checks.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
import tomllib
import zipfile
from pathlib import Path

import pytest

from toolkit.instruments import default_registry

ROOT = Path(__file__).resolve().parents[1]
BUILD_INPUTS = ("pyproject.toml", "README.md", "toolkit", "instruments", "reports")
"""What the build reads: the configuration, the readme (the long description) and the package folders."""

SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")
DATA_FOLDERS = (
    "toolkit/web/templates/",
    "toolkit/web/static/",
    "toolkit/web/translations/",
    "toolkit/store/migrations/versions/",
    "toolkit/store/data/",
    "toolkit/shipped/instruments/",
    "toolkit/shipped/reports/fonts/",
    "toolkit/shipped/reports/partials/",
)
NOT_SHIPPED = {"toolkit/web/babel.cfg"}
"""Files of the tree that only development uses (``make translations``), left out of the wheel."""
CLEARED_ENV = (
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONSTARTUP",
    "VIRTUAL_ENV",
    "OUTCOMES_INSTRUMENTS",
    "OUTCOMES_OVERLAYS",
    "DATABASE_URL",
)


def _setuptools_config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def _has_files(folder: Path) -> bool:
    return any(p.is_file() and "__pycache__" not in p.parts for p in folder.rglob("*"))


def _folders_as_packages(package: str, folder: Path) -> set[str]:
    """``package`` and every folder under ``folder`` that holds files, as dotted package names."""
    names = {package}
    for sub in folder.rglob("*"):
        rel = sub.relative_to(folder).parts
        if sub.is_dir() and not any(p == "__pycache__" or p.startswith(".") for p in rel) and _has_files(sub):
            names.add(".".join((package, *rel)))
    return names


def test_the_packages_listed_in_pyproject_are_the_folders_of_the_tree():
    config = _setuptools_config()
    mapped = config["package-dir"]
    assert mapped == {"toolkit.shipped.instruments": "instruments", "toolkit.shipped.reports": "reports"}
    expected = _folders_as_packages("toolkit", ROOT / "toolkit")
    for package, folder in mapped.items():
        expected |= _folders_as_packages(package, ROOT / folder)
    listed = set(config["packages"])
    assert not expected - listed, "pyproject.toml: add to [tool.setuptools] packages"
    assert not listed - expected, "pyproject.toml: remove from [tool.setuptools] packages"


def _run(args: list, *, timeout: float, cwd: Path | None = None, env: dict | None = None) -> str:
    """Run a command; its standard output, or a failure showing both of its outputs."""
    proc = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert proc.returncode == 0, f"{args[0]} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def _build_wheel(tmp_path: Path) -> Path:
    """Build the wheel from a copy of the build inputs; its path.

    With setuptools 69 or later in this environment the build runs offline in
    it; otherwise pip sets up an isolated build with the setuptools that
    ``[build-system]`` asks for, from the configured package index.
    """
    src = tmp_path / "src"
    src.mkdir()
    for name in BUILD_INPUTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, src / name, ignore=SKIPPED)
        else:
            shutil.copy2(source, src / name)
    isolation = []
    try:
        if int(importlib.metadata.version("setuptools").split(".")[0]) >= 69:
            isolation = ["--no-build-isolation"]
    except importlib.metadata.PackageNotFoundError:
        pass
    dist = tmp_path / "dist"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-input",
            "--quiet",
            *isolation,
            "--wheel-dir",
            dist,
            src,
        ],
        timeout=300,
    )
    (wheel,) = dist.glob("peer_outcomes-*.whl")
    return wheel


def _check_wheel_contents(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for prefix in DATA_FOLDERS:
        assert any(n.startswith(prefix) for n in names), f"{wheel.name}: nothing under {prefix}"
    expected = {
        f"toolkit/{p.relative_to(ROOT / 'toolkit').as_posix()}"
        for p in (ROOT / "toolkit").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith(".")
    }
    expected |= {f"toolkit/shipped/instruments/{p.name}" for p in (ROOT / "instruments").glob("*.y*ml")}
    expected |= {
        f"toolkit/shipped/reports/{p.relative_to(ROOT / 'reports').as_posix()}"
        for p in (ROOT / "reports").rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }
    missing = sorted(expected - names - NOT_SHIPPED)
    assert not missing, f"{wheel.name}: missing {missing}; check [tool.setuptools.package-data] in pyproject.toml"


@pytest.mark.slow
def test_the_wheel_installs_and_runs_outside_the_checkout(tmp_path):
    started = time.monotonic()
    wheel = _build_wheel(tmp_path)
    _check_wheel_contents(wheel)
    built = time.monotonic()

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], timeout=60)
    python = venv / "bin" / "python"
    # The wheel goes in before the .pth below, so pip does not see the project's own install.
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            python,
            "install",
            "--no-deps",
            "--no-index",
            "--no-compile",
            "--quiet",
            wheel,
        ],
        timeout=120,
    )
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], timeout=60).strip())
    project_site = sysconfig.get_path("purelib")
    (site / "project_dependencies.pth").write_text(project_site + "\n", encoding="utf-8")
    installed = time.monotonic()

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in CLEARED_ENV}
    probe = (
        "import json, sys, toolkit\n"
        "from toolkit.shipped import shipped_dir\n"
        "finders = [f if isinstance(f, type) else type(f) for f in sys.meta_path]\n"
        "print(json.dumps({'toolkit': toolkit.__file__, 'instruments': str(shipped_dir('instruments')),"
        " 'reports': str(shipped_dir('reports')), 'finders': [f.__module__ for f in finders],"
        " 'path': sys.path}))\n"
    )
    seen = json.loads(_run([python, "-c", probe], cwd=elsewhere, env=env, timeout=60))
    for key in ("toolkit", "instruments", "reports"):
        assert Path(seen[key]).resolve().is_relative_to(site.resolve()), seen
    assert not [f for f in seen["finders"] if "editable" in f], seen["finders"]
    checkout = [
        p
        for p in seen["path"]
        if p  # "" is the probe's folder, elsewhere
        and Path(p).resolve().is_relative_to(ROOT)
        and not Path(p).resolve().is_relative_to(Path(sys.prefix).resolve())
    ]
    assert not checkout, seen["path"]
    assert project_site in seen["path"], seen["path"]

    listing = _run([venv / "bin" / "outcomes", "instruments", "list"], cwd=elsewhere, env=env, timeout=120)
    listed = {line.split()[0] for line in listing.splitlines()[1:] if line.strip()}
    assert listed == {inst.id for inst in default_registry()}

    out = tmp_path / "demo"
    printed = _run(
        [venv / "bin" / "outcomes", "demo", "--out", out, "--participants", "120"], cwd=elsewhere, env=env, timeout=300
    )
    pdf = out / "report.pdf"
    lines = printed.splitlines()
    assert lines[0] == str(pdf.resolve())
    assert any("/followups" in line for line in lines)  # how to open the demo's follow-up worklist
    assert pdf.read_bytes().startswith(b"%PDF-")
    done = time.monotonic()
    print(
        f"wheel: build {built - started:.1f}s, install {installed - built:.1f}s,"
        f" run {done - installed:.1f}s, total {done - started:.1f}s"
    )
