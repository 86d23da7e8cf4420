"""One run per output folder at a time.

The lock is a file created with O_CREAT|O_EXCL, which the filesystem grants to exactly one
process. It names its holder so that a waiting user knows who to wait for, and so that a lock left
by a run that died can be recognised and cleared instead of blocking the folder forever.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vanban.errors import OutputLockedError
from vanban.files import open_nofollow, translate_os_error

LOCK_NAME = ".vanban.lock"
# A run creates the lock file empty and then writes its details; younger than this, empty is normal.
STALE_GRACE = 5.0
# Clearing a stale lock is guarded by a short-lived file; one older than this was left by a crash.
BREAKER_STALE = 10.0


@dataclass(frozen=True)
class _Holder:
    info: dict[str, Any] | None  # None when the file is empty or not JSON
    identity: tuple[int, int, int]  # st_dev, st_ino, st_mtime_ns: tells this file from a later one
    age: float


def _read_holder(lock: Path) -> _Holder | None:
    """The current lock file's contents, or None if there is no lock file any more.

    A lock that is a link (or no regular file) is refused, never read through: it was planted.
    """
    try:
        fd = open_nofollow(lock)
        try:
            st = os.fstat(fd)
            raw = os.read(fd, 65536)
        finally:
            os.close(fd)
    except FileNotFoundError:
        return None
    except OSError:
        # Unreadable (another user's file, a share hiccup): judge it by age alone.
        try:
            st = os.lstat(lock)
        except FileNotFoundError:
            return None
        raw = b""
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        value = None
    info = value if isinstance(value, dict) else None
    return _Holder(info, (st.st_dev, st.st_ino, st.st_mtime_ns), time.time() - st.st_mtime)


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        import ctypes

        # os.kill(pid, 0) would terminate the process on Windows, so ask the kernel instead.
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            # ERROR_ACCESS_DENIED: it exists, owned by another user.
            return ctypes.get_last_error() == 5
        code = ctypes.c_ulong()
        try:
            known = kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        finally:
            kernel32.CloseHandle(handle)
        return not known or code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # EPERM: alive under another user
    # A zombie has exited and only waits for its parent to reap it.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    fields = stat.rpartition(")")[2].split()
    return not fields or fields[0] not in ("Z", "X")


def _is_stale(holder: _Holder) -> bool:
    info = holder.info
    if info is None or not isinstance(info.get("pid"), int):
        return holder.age > STALE_GRACE
    if info.get("host") != socket.gethostname():
        return False  # a process on another machine cannot be checked from here
    return not _pid_alive(info["pid"])


def _clear_stale(lock: Path, holder: _Holder) -> bool:
    """Remove ``lock`` if it is still the stale file we saw; True once that file is gone."""
    breaker = lock.with_name(lock.name + ".break")
    try:
        fd = os.open(breaker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        with suppress(OSError):
            if time.time() - os.lstat(breaker).st_mtime > BREAKER_STALE:
                breaker.unlink()
                return True
        return False
    except OSError as exc:
        raise translate_os_error(exc, breaker, "tạo", "tệp khoá") from exc
    os.close(fd)
    try:
        # Only breakers unlink someone else's lock, one at a time, and only the very file judged
        # stale: a fresh lock taken by a live run in the meantime is a different file and stays.
        again = _read_holder(lock)
        if again is None or again.identity != holder.identity:
            return True
        if not _is_stale(again):
            return False
        try:
            lock.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise translate_os_error(exc, lock, "xoá", "tệp khoá cũ") from exc
        return True
    finally:
        with suppress(OSError):
            breaker.unlink()


def _describe(holder: _Holder | None) -> str:
    info = holder.info if holder is not None else None
    if info is None:
        return "không đọc được thông tin của tiến trình giữ khoá"
    started = info.get("started")
    when = str(started)
    if isinstance(started, str):
        with suppress(ValueError):
            when = datetime.fromisoformat(started).astimezone().strftime("%H:%M:%S ngày %d/%m/%Y")
    return f"tiến trình {info.get('pid')} trên máy {info.get('host')}, bắt đầu lúc {when}"


def _payload() -> bytes:
    info = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "argv": list(sys.argv),
    }
    return json.dumps(info, ensure_ascii=False).encode("utf-8")


def _acquire(root: Path, lock: Path, timeout: float, poll: float) -> tuple[int, int]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            holder = _read_holder(lock)
            if holder is None:
                continue  # released between our attempt and our look
            if _is_stale(holder) and _clear_stale(lock, holder):
                continue
            if time.monotonic() >= deadline:
                raise OutputLockedError(
                    f"Thư mục đầu ra {root} đang được một lần chạy khác sử dụng "
                    f"({_describe(holder)}). Đã chờ {timeout:g} giây mà khoá chưa được giải phóng. "
                    "Hãy đợi lần chạy đó kết thúc rồi thử lại; nếu chắc chắn không còn lần chạy "
                    f"nào, hãy xoá tệp {lock}."
                ) from None
            time.sleep(poll)
            continue
        except OSError as exc:
            raise translate_os_error(exc, lock, "tạo", "tệp khoá") from exc
        try:
            data = memoryview(_payload())
            while data:
                data = data[os.write(fd, data) :]
            os.fsync(fd)
            st = os.fstat(fd)
        except BaseException:
            os.close(fd)
            with suppress(OSError):
                lock.unlink()
            raise
        os.close(fd)
        return st.st_dev, st.st_ino


def _release(lock: Path, identity: tuple[int, int]) -> None:
    # Remove only our own file: if it was cleared and retaken meanwhile, the new one is not ours.
    with suppress(OSError):
        st = os.lstat(lock)
        if (st.st_dev, st.st_ino) == identity:
            lock.unlink()


@contextmanager
def folder_lock(root: Path, *, timeout: float = 30.0, poll: float = 0.2) -> Iterator[None]:
    """Hold ``root/.vanban.lock`` for the block; wait up to ``timeout`` seconds for another run."""
    root = Path(root)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise translate_os_error(exc, root, "tạo", "thư mục") from exc
    lock = root / LOCK_NAME
    identity = _acquire(root, lock, timeout, poll)
    try:
        yield
    finally:
        _release(lock, identity)
