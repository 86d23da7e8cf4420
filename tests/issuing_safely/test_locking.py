from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from vanban.errors import OutputLockedError
from vanban.issuing.locking import LOCK_NAME, folder_lock

OLD = 1_600_000_000

_WAITER = """
import json, sys, time
from pathlib import Path
from vanban.issuing import locking
from vanban.errors import OutputLockedError

sleeps = 0
real_sleep = time.sleep
def counting_sleep(seconds):
    global sleeps
    sleeps += 1
    real_sleep(seconds)
locking.time.sleep = counting_sleep
try:
    with locking.folder_lock(Path(sys.argv[1]), timeout=0.5, poll=0.05):
        result = {"error": None}
except OutputLockedError as exc:
    result = {"error": str(exc)}
result["sleeps"] = sleeps
print(json.dumps(result))
"""

_WORKER = """
import os, sys, time
from pathlib import Path
from vanban.issuing.locking import folder_lock

root, journal = Path(sys.argv[1]), Path(sys.argv[2])
with folder_lock(root, timeout=60, poll=0.02):
    with open(journal, "a") as out:
        out.write(f"start {os.getpid()}\\n")
    time.sleep(0.3)  # widens the window in which an overlap would show
    with open(journal, "a") as out:
        out.write(f"end {os.getpid()}\\n")
"""


def _dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True, text=True, check=True,
    )
    return int(done.stdout)


def _write_lock(root: Path, info: dict[str, object] | None, mtime: float | None = None) -> Path:
    lock = root / LOCK_NAME
    lock.write_text("" if info is None else json.dumps(info))
    if mtime is not None:
        os.utime(lock, (mtime, mtime))
    return lock


def _holder(pid: int, host: str | None = None) -> dict[str, object]:
    return {
        "pid": pid,
        "host": host or socket.gethostname(),
        "started": datetime(2022, 11, 2, 1, 2, 3, tzinfo=UTC).isoformat(),
        "argv": ["vanban", "issue"],
    }


def test_lock_file_names_its_holder_and_goes_away(tmp_path: Path) -> None:
    with folder_lock(tmp_path / "out", timeout=0):
        info = json.loads((tmp_path / "out" / LOCK_NAME).read_text())
        assert info["pid"] == os.getpid()
        assert info["host"] == socket.gethostname()
        assert datetime.fromisoformat(info["started"]).tzinfo is not None
        assert info["argv"] == sys.argv
    assert not (tmp_path / "out" / LOCK_NAME).exists()


def test_lock_is_released_on_exception(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="boom"), folder_lock(tmp_path, timeout=0):
        raise RuntimeError("boom")
    assert not (tmp_path / LOCK_NAME).exists()
    with folder_lock(tmp_path, timeout=0):
        assert (tmp_path / LOCK_NAME).exists()


def test_second_process_waits_then_gets_locked_error_naming_pid(tmp_path: Path) -> None:
    with folder_lock(tmp_path, timeout=0):
        done = subprocess.run(
            [sys.executable, "-c", _WAITER, str(tmp_path)],
            capture_output=True, text=True, check=True,
        )
    result = json.loads(done.stdout)
    assert result["error"] is not None
    assert f"tiến trình {os.getpid()}" in result["error"]
    assert socket.gethostname() in result["error"]
    assert "đang được một lần chạy khác sử dụng" in result["error"]
    assert result["sleeps"] >= 1  # it polled before giving up
    assert not (tmp_path / LOCK_NAME).exists()


def test_waiting_process_gets_the_lock_once_released(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys\nfrom pathlib import Path\nfrom vanban.issuing.locking import folder_lock\n"
         "with folder_lock(Path(sys.argv[1])):\n"
         "    print('locked', flush=True)\n"
         "    sys.stdin.readline()\n",
         str(tmp_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdin is not None and holder.stdout is not None
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(OutputLockedError, match=f"tiến trình {holder.pid} "):
            with folder_lock(tmp_path, timeout=0.2, poll=0.05):
                pass
        holder.stdin.write("\n")
        holder.stdin.flush()
        with folder_lock(tmp_path, timeout=30, poll=0.02):
            info = json.loads((tmp_path / LOCK_NAME).read_text())
            assert info["pid"] == os.getpid()
    finally:
        holder.stdin.close()
        holder.stdout.close()
        holder.wait()
    assert holder.returncode == 0


def test_stale_lock_of_a_dead_pid_is_taken_over(tmp_path: Path) -> None:
    dead = _dead_pid()
    _write_lock(tmp_path, _holder(dead))
    with folder_lock(tmp_path, timeout=0):
        assert json.loads((tmp_path / LOCK_NAME).read_text())["pid"] == os.getpid()
    assert not (tmp_path / LOCK_NAME).exists()


@pytest.mark.skipif(sys.platform != "linux", reason="zombies are read from /proc")
def test_stale_lock_of_an_unreaped_process_is_taken_over(tmp_path: Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        while Path(f"/proc/{child.pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z":
            os.sched_yield()
        _write_lock(tmp_path, _holder(child.pid))
        with folder_lock(tmp_path, timeout=0):
            assert json.loads((tmp_path / LOCK_NAME).read_text())["pid"] == os.getpid()
    finally:
        child.wait()


def test_old_empty_lock_is_stale(tmp_path: Path) -> None:
    _write_lock(tmp_path, None, mtime=OLD)
    with folder_lock(tmp_path, timeout=0):
        assert json.loads((tmp_path / LOCK_NAME).read_text())["pid"] == os.getpid()


def test_fresh_empty_lock_is_respected(tmp_path: Path) -> None:
    lock = _write_lock(tmp_path, None)  # a run that has just created it and not yet written it
    with pytest.raises(OutputLockedError, match="không đọc được thông tin"):
        with folder_lock(tmp_path, timeout=0.1, poll=0.02):
            pass
    assert lock.exists() and lock.read_text() == ""


def test_lock_of_a_live_pid_is_respected(tmp_path: Path) -> None:
    lock = _write_lock(tmp_path, _holder(os.getppid()), mtime=OLD)
    with pytest.raises(OutputLockedError, match=f"tiến trình {os.getppid()} "):
        with folder_lock(tmp_path, timeout=0):
            pass
    assert json.loads(lock.read_text())["pid"] == os.getppid()


def test_lock_from_another_host_is_respected(tmp_path: Path) -> None:
    _write_lock(tmp_path, _holder(_dead_pid(), host="may-khac"), mtime=OLD)
    with pytest.raises(OutputLockedError, match="trên máy may-khac"):
        with folder_lock(tmp_path, timeout=0):
            pass
    assert (tmp_path / LOCK_NAME).exists()


def test_breaker_left_by_a_crash_does_not_block_forever(tmp_path: Path) -> None:
    _write_lock(tmp_path, _holder(_dead_pid()))
    breaker = tmp_path / (LOCK_NAME + ".break")
    breaker.write_text("")
    os.utime(breaker, (OLD, OLD))
    with folder_lock(tmp_path, timeout=5, poll=0.01):
        assert json.loads((tmp_path / LOCK_NAME).read_text())["pid"] == os.getpid()
    assert not breaker.exists()


def test_contending_processes_run_one_after_the_other(tmp_path: Path) -> None:
    root, journal = tmp_path / "out", tmp_path / "journal.txt"
    workers = [
        subprocess.Popen([sys.executable, "-c", _WORKER, str(root), str(journal)])
        for _ in range(3)
    ]
    for worker in workers:
        assert worker.wait(timeout=120) == 0
    lines = journal.read_text().splitlines()
    assert len(lines) == 6
    for start, end in zip(lines[::2], lines[1::2], strict=True):
        assert start.startswith("start ") and end == "end " + start.removeprefix("start ")
    assert {line.split()[1] for line in lines} == {str(w.pid) for w in workers}
    assert not (root / LOCK_NAME).exists()
