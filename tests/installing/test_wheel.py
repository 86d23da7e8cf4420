"""A wheel built from the checkout, installed (not editable) in a fresh venv, issues the full set
from any working folder: the templates and the registry are package data, the flows ship as
``vanban_flows``, and nothing claims a generic top-level name such as ``flows``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.command_line.running import free_port
from tests.conftest import EXAMPLE, EXAMPLE_ISSUED, ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Built from a copy, so the checkout gains no build/ or egg-info of the build.
    src = tmp_path_factory.mktemp("src")
    for name in ("vanban", "flows", "templates", "pyproject.toml", "README.md"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, src / name)
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(src)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    [built] = dist.glob("vanban-*.whl")
    return built


def test_the_wheel_carries_templates_registry_and_flows_under_their_own_names(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {n for n in names if n.startswith("vanban/templates/")}
    expected = {f"vanban/templates/{p.name}" for p in (ROOT / "templates" / "docx").iterdir()}
    assert expected <= shipped and "vanban/templates/kinds.toml" in shipped
    assert "vanban_flows/issue.py" in names
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"vanban", "vanban_flows"}, tops


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
         "--disable-pip-version-check", str(wheel)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return venv


def test_an_installed_vanban_issues_the_full_set_from_another_folder(
    installed: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "somewhere"
    elsewhere.mkdir()
    shutil.copy(EXAMPLE, elsewhere / "ke-hoach.xlsx")
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))
    }
    env |= {
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    }
    vanban = str(installed / "bin" / "vanban")
    run = subprocess.run(
        [vanban, "run", "ke-hoach.xlsx", "--out", "ra"],
        cwd=elsewhere, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    docs = sorted((elsewhere / "ra").rglob("*.docx"))
    assert len(docs) == EXAMPLE_ISSUED
    # The installed code runs from site-packages, not from this checkout.
    where = subprocess.run(
        [str(installed / "bin" / "python"), "-c",
         "import vanban, vanban_flows; print(vanban.__file__); print(vanban_flows.__file__)"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert str(ROOT) not in where.stdout and "site-packages" in where.stdout
    check = subprocess.run(
        [vanban, "review", "--check", "ra"], cwd=elsewhere, env=env, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    # The signing PDFs, with what they need (pyHanko, pypdfium2) installed by the wheel's own
    # dependencies.
    pdf = subprocess.run(
        [vanban, "pdf", "ra"], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=600
    )
    assert pdf.returncode == 0, pdf.stdout + pdf.stderr
    assert len(list((elsewhere / "ra" / "pdf").rglob("*.pdf"))) == EXAMPLE_ISSUED
    # The desk's pages and script come with the wheel.
    port = free_port()
    desk = subprocess.Popen(
        [vanban, "ui", "--no-browser", "--port", str(port), "--workspace", "ban-lam-viec"],
        cwd=elsewhere, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        page = _get_when_up(f"http://127.0.0.1:{port}/")
        assert "Các kế hoạch" in page and "/static/desk.js" in page
        script = _get_when_up(f"http://127.0.0.1:{port}/static/desk.js")
        assert "X-Vanban-Token" in script
    finally:
        desk.terminate()
        desk.wait(timeout=60)
    # Stopped as a service manager stops it (SIGTERM), the desk stops the Prefect server it
    # started for itself: nothing of this venv's is left running.
    deadline = time.monotonic() + 60
    while _running_from(installed) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _running_from(installed) == []
    # --templates still overrides the shipped templates.
    lint = subprocess.run(
        [vanban, "templates", "check", str(ROOT / "templates" / "docx")],
        cwd=elsewhere, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert lint.returncode == 0, lint.stdout + lint.stderr


def _get_when_up(url: str, seconds: float = 120) -> str:
    """The page at ``url`` once the server answers."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:
                return str(answer.read().decode("utf-8"))
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def _running_from(venv: Path) -> list[str]:
    """The command lines of the processes running this venv's Python (Linux's /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if str(venv) in command and "prefect" in command:
            found.append(command)
    return found
