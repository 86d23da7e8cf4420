"""Runs as separate processes: one killed mid-stage, two at once on one folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from docx import Document

from tests.conftest import EXAMPLE
from tools.example_workbook import many_units, write_workbook
from vanban.issuing.verifying import verify

pytestmark = pytest.mark.slow


def big_plan(path: Path, units: int = 40) -> Path:
    return write_workbook(path, many_units(units))


def vanban(*args: str, home: Path) -> subprocess.Popen[str]:
    env = dict(os.environ)
    # Each process gets its own temporary Prefect server and database.
    env["PREFECT_HOME"] = str(home)
    env["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    env.pop("PREFECT_LOGGING_LEVEL", None)  # the CLI's own default, as a user runs it
    return subprocess.Popen(
        [sys.executable, "-m", "vanban", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def kill_leftovers(home: Path) -> None:
    """A killed run cannot stop its temporary Prefect server: find it by its PREFECT_HOME."""
    marker = f"PREFECT_HOME={home}".encode()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if marker in (proc / "environ").read_bytes().split(b"\0"):
                os.kill(int(proc.name), signal.SIGKILL)
        except (OSError, ProcessLookupError):
            continue


def test_a_run_killed_mid_stage_leaves_a_folder_that_recovers(tmp_path: Path) -> None:
    wb = big_plan(tmp_path / "big.xlsx")
    out = tmp_path / "out"
    proc = vanban("run", str(wb), "--out", str(out), home=tmp_path / "p1")
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        done = list((out / "03-giay-moi").glob("*.docx")) if (out / "03-giay-moi").exists() else []
        if len(done) >= 3 or proc.poll() is not None:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    kill_leftovers(tmp_path / "p1")

    for path in out.rglob("*.docx"):
        Document(str(path))  # every file present is a whole document
    again = vanban("run", str(wb), "--out", str(out), home=tmp_path / "p2")
    _, err = again.communicate(timeout=240)
    assert again.returncode == 0, err
    assert "Traceback" not in err
    docs = [p for p in out.rglob("*.docx") if ".history" not in p.parts]
    # The plan, the decision and the annex; 40 invitations, 40 reports; the summary.
    assert len(docs) == 3 + 40 + 40 + 1
    for path in docs:
        Document(str(path))
    report = verify(out)
    assert report.ok, report.problems
    assert not [p for p in out.rglob(".tmp-*")]


def test_two_runs_on_one_folder_end_cleanly(tmp_path: Path) -> None:
    wb = big_plan(tmp_path / "big.xlsx", units=10)
    out = tmp_path / "out"
    first = vanban("run", str(wb), "--out", str(out), home=tmp_path / "p1")
    second = vanban("run", str(wb), "--out", str(out), home=tmp_path / "p2")
    results = [p.communicate(timeout=600) for p in (first, second)]
    codes = sorted(p.returncode for p in (first, second))
    errors = "".join(err for _, err in results)
    assert "Traceback" not in errors
    # Both finish one after the other (0, 0), or the second is refused with the holder named (4).
    assert codes in ([0, 0], [0, 4]), errors
    if codes == [0, 4]:
        assert "pid" in errors or "đang" in errors
    report = verify(out)
    assert report.ok, report.problems


def test_a_held_folder_is_refused_with_the_holder_named(tmp_path: Path) -> None:
    from vanban.issuing.locking import folder_lock

    out = tmp_path / "out"
    # This test process holds the folder: the run must wait, then refuse, naming it.
    with folder_lock(out):
        proc = vanban("run", str(EXAMPLE), "--out", str(out), home=tmp_path / "p")
        stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 4, stdout + stderr
    assert str(os.getpid()) in stderr
    assert "Traceback" not in stderr
    assert not list(out.rglob("*.docx"))
