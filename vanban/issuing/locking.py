"""One run per output folder at a time.

The lock is an OS lock (``flock`` on Unix, a byte-range lock on Windows) taken through the
filelock library on the folder's LOCK_NAME (``vanban.outdir``): the kernel releases it when its
holder exits, killed or not, so there is no stale lock to recognise or clear. Who holds it is
written beside it, in HOLDER_NAME, only so that a waiting clerk is told which run to wait for.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import filelock

from vanban.errors import OutputLockedError, VanbanError
from vanban.files import (
    atomic_write,
    prepare_folder,
    read_nofollow,
    refuse_links,
    translate_os_error,
)
from vanban.outdir import HOLDER_NAME, LOCK_NAME


def _holder_info(root: Path) -> dict[str, Any] | None:
    """What the current holder wrote of itself, or None (not written yet, unreadable, a link)."""
    try:
        value = json.loads(read_nofollow(root / HOLDER_NAME)[:65536].decode("utf-8"))
    except (VanbanError, OSError, UnicodeDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _describe(info: dict[str, Any] | None) -> str:
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


@contextmanager
def folder_lock(root: Path, *, timeout: float = 30.0, poll: float = 0.2) -> Iterator[None]:
    """Hold the folder's lock for the block; wait up to ``timeout`` seconds for another run."""
    root = Path(root)
    prepare_folder(root)
    path = root / LOCK_NAME
    # A planted link would put the lock or its holder's note outside the folder.
    refuse_links(root, [path, root / HOLDER_NAME])
    lock = filelock.FileLock(str(path))
    try:
        lock.acquire(timeout=timeout, poll_interval=poll)
    except filelock.Timeout:
        raise OutputLockedError(
            f"Thư mục đầu ra {root} đang được một lần chạy khác sử dụng "
            f"({_describe(_holder_info(root))}). Đã chờ {timeout:g} giây mà khoá chưa được giải "
            "phóng. Hãy đợi lần chạy đó kết thúc rồi thử lại."
        ) from None
    except OSError as exc:
        raise translate_os_error(exc, path, "tạo", "tệp khoá") from exc
    try:
        atomic_write(root / HOLDER_NAME, _payload())
        yield
    finally:
        with suppress(OSError):
            (root / HOLDER_NAME).unlink()
        lock.release()
