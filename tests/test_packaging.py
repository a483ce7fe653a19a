"""The wheel is what a steward's laptop gets: built here, installed into a fresh environment outside the checkout, it
must find its checklists and font (resources travel inside the package) and never answer with a traceback."""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv with only the built wheel of Steward; its dependencies come from the test environment through a .pth
    path line (a path line adds the folder, it does not run that folder's .pth files, so the editable install of the
    checkout stays out of sight)."""
    work = tmp_path_factory.mktemp("wheel")
    # The English .qm is built, not committed: compiled first, as `make` does, so resources/ carries it.
    subprocess.run([sys.executable, str(ROOT / "installer" / "translations.py"), "release"], check=True)
    # Built as a PEP 517 front end builds it: the build-backend named in pyproject.toml asked for a wheel, in the
    # checkout (what `pip wheel --no-build-isolation` does, without pip's own second of start-up and resolution).
    backend = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]["build-backend"]
    build = f"import importlib, sys; importlib.import_module({backend!r}).build_wheel(sys.argv[1])"
    subprocess.run([sys.executable, "-c", build, str(work / "dist")], check=True, cwd=ROOT)
    (wheel,) = (work / "dist").glob("steward-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "steward/_resources/fonts/wqy-microhei.ttc" in names
    assert "steward/_resources/checklists/craft.yaml" in names
    assert "steward/_resources/translations/steward_en.qm" in names
    assert "steward/hub/templates/login.html" in names and "steward/hub/static/hub.css" in names
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    subprocess.run(
        # --no-compile: each run below compiles the modules it imports on first use (into the installed package's
        # __pycache__) instead of pip compiling every module of the package, most of which no run here imports.
        [
            *(sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps"),
            *("--no-compile", "--disable-pip-version-check", str(wheel)),
        ],
        check=True,
    )
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], *site.getsitepackages()}
    Path(purelib, "steward_test_deps.pth").write_text("\n".join(sorted(ours)) + "\n")
    return python


def _steward(python: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "STEWARD_DATA_DIR")}
    return subprocess.run(
        [str(python), "-m", "steward.cli.main", "--data-dir", str(cwd / "data"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_installed_wheel_runs_demo_check_and_a_report(installed: Path, tmp_path: Path) -> None:
    where = subprocess.run(
        [str(installed), "-c", "import steward; print(steward.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert ROOT not in Path(where.stdout.strip()).parents, "the test must run the installed copy, not the checkout"

    demo = _steward(installed, tmp_path, "--profile", "demo", "demo", "--enterprises", "4", "--weeks", "3")
    assert demo.returncode == 0, demo.stderr
    check = _steward(installed, tmp_path, "--profile", "demo", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    visits = _steward(installed, tmp_path, "--profile", "demo", "visits", "list", "--status", "finished", "--json")
    assert visits.returncode == 0, visits.stderr
    visit_id = json.loads(visits.stdout)[0]["id"]
    report = _steward(installed, tmp_path, "--profile", "demo", "report", "visit", "--visit", visit_id, "-o", "r.pdf")
    assert report.returncode == 0, report.stderr
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")


def test_a_damaged_installation_says_so_without_a_traceback(installed: Path, tmp_path: Path) -> None:
    package = Path(
        subprocess.run(
            [str(installed), "-c", "import steward, os; print(os.path.dirname(steward.__file__))"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    resources = package / "_resources"
    aside = tmp_path / "aside"
    shutil.move(resources, aside)
    try:
        result = _steward(installed, tmp_path, "--profile", "x", "templates", "list")
    finally:
        shutil.move(aside, resources)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert "重新安装" in result.stderr and "Reinstall Steward" in result.stderr


def test_the_hub_page_renders_from_the_installed_wheel(installed: Path, tmp_path: Path) -> None:
    """Jinja2 finds the hub's templates and stylesheet inside the installed package, not in a checkout."""
    probe = (
        "import pathlib, tempfile; from fastapi.testclient import TestClient; "
        "from steward.hub.app import create_app; "
        "c = TestClient(create_app(pathlib.Path(tempfile.mkdtemp()))); "
        "print(c.get('/login').text); print(c.get('/static/hub.css').status_code)"
    )
    out = subprocess.run(
        [str(installed), "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True, timeout=120
    ).stdout
    assert "<label>用户名" in out and out.rstrip().endswith("200")
