from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from vanban.errors import OutputConflictError, OutputLockedError
from vanban.issuing.locking import folder_lock
from vanban.outdir import HOLDER_NAME, LOCK_NAME

_WAITER = """
import json, sys, time
from pathlib import Path
from vanban.issuing import locking
from vanban.errors import OutputLockedError

started = time.monotonic()
try:
    with locking.folder_lock(Path(sys.argv[1]), timeout=0.5, poll=0.05):
        result = {"error": None}
except OutputLockedError as exc:
    result = {"error": str(exc)}
result["waited"] = time.monotonic() - started
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


def _holding(root: Path) -> subprocess.Popen[str]:
    """A process that holds the folder's lock until its stdin closes (or it is killed)."""
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys\nfrom pathlib import Path\nfrom vanban.issuing.locking import folder_lock\n"
         "with folder_lock(Path(sys.argv[1])):\n"
         "    print('locked', flush=True)\n"
         "    sys.stdin.readline()\n",
         str(root)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def test_the_holder_is_named_beside_the_lock_and_the_note_goes_away(tmp_path: Path) -> None:
    with folder_lock(tmp_path / "out", timeout=0):
        info = json.loads((tmp_path / "out" / HOLDER_NAME).read_text())
        assert info["pid"] == os.getpid()
        assert info["host"] == socket.gethostname()
        assert datetime.fromisoformat(info["started"]).tzinfo is not None
        assert info["argv"] == sys.argv
    assert not (tmp_path / "out" / HOLDER_NAME).exists()


def test_lock_is_released_on_exception(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="boom"), folder_lock(tmp_path, timeout=0):
        raise RuntimeError("boom")
    with folder_lock(tmp_path, timeout=0):
        assert (tmp_path / HOLDER_NAME).exists()


def test_second_process_waits_then_gets_locked_error_naming_pid(tmp_path: Path) -> None:
    with folder_lock(tmp_path, timeout=0):
        done = subprocess.run(
            [sys.executable, "-c", _WAITER, str(tmp_path)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    result = json.loads(done.stdout)
    assert result["error"] is not None
    assert f"tiến trình {os.getpid()}" in result["error"]
    assert socket.gethostname() in result["error"]
    assert "đang được một lần chạy khác sử dụng" in result["error"]
    assert result["waited"] >= 0.5  # it waited its whole timeout before giving up


def test_waiting_process_gets_the_lock_once_released(tmp_path: Path) -> None:
    holder = _holding(tmp_path)
    assert holder.stdin is not None and holder.stdout is not None
    try:
        with pytest.raises(OutputLockedError, match=f"tiến trình {holder.pid} "):
            with folder_lock(tmp_path, timeout=0.2, poll=0.05):
                pass
        holder.stdin.write("\n")
        holder.stdin.flush()
        with folder_lock(tmp_path, timeout=30, poll=0.02):
            info = json.loads((tmp_path / HOLDER_NAME).read_text())
            assert info["pid"] == os.getpid()
    finally:
        holder.stdin.close()
        holder.stdout.close()
        holder.wait()
    assert holder.returncode == 0


def test_a_holder_killed_outright_leaves_no_lock_behind(tmp_path: Path) -> None:
    """The kernel releases the lock of a dead process: nothing to recognise or clear by hand."""
    holder = _holding(tmp_path)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert holder.stdin is not None and holder.stdout is not None
    holder.stdin.close()
    holder.stdout.close()
    # Its note is still there, naming a dead process; the lock is free all the same.
    assert json.loads((tmp_path / HOLDER_NAME).read_text())["pid"] == holder.pid
    with folder_lock(tmp_path, timeout=0):
        assert json.loads((tmp_path / HOLDER_NAME).read_text())["pid"] == os.getpid()


def test_a_note_without_a_lock_does_not_block(tmp_path: Path) -> None:
    (tmp_path / HOLDER_NAME).write_text(json.dumps({"pid": 1, "host": "elsewhere"}))
    with folder_lock(tmp_path, timeout=0):
        assert json.loads((tmp_path / HOLDER_NAME).read_text())["pid"] == os.getpid()


def test_an_unreadable_note_still_gives_a_clear_refusal(tmp_path: Path) -> None:
    holder = _holding(tmp_path)
    assert holder.stdin is not None and holder.stdout is not None
    try:
        (tmp_path / HOLDER_NAME).write_bytes(b"\xff not json")
        with pytest.raises(OutputLockedError, match="không đọc được thông tin"):
            with folder_lock(tmp_path, timeout=0.1, poll=0.05):
                pass
    finally:
        holder.stdin.close()
        holder.stdout.close()
        holder.wait()


def test_a_lock_file_planted_as_a_link_is_refused_and_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "out"
    root.mkdir()
    (root / LOCK_NAME).symlink_to(outside / "victim")
    with pytest.raises(OutputConflictError, match="liên kết"):
        with folder_lock(root, timeout=0):
            pass
    assert list(outside.iterdir()) == []


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
    assert not (root / HOLDER_NAME).exists()
