"""What a server's exit means: its output and exit code in, one fault and its Vietnamese line out.

Pure functions: the caller reads the server's log and raises ``fault.error()``.
"""

from __future__ import annotations

import errno
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from vanban.errors import PrefectUnavailableError, TransientIOError, VanbanError

FaultKind = Literal[
    "port-taken",
    "corrupt-database",
    "newer-database",
    "home-full",
    "database-locked",
    "home-not-writable",
    "killed",
    "exited",
]


@dataclass(frozen=True)
class ServerPlace:
    """What a fault's message names: the server, its home, database, log and port."""

    name: str  # "Máy chủ tạm của Prefect", "Máy chủ Prefect cục bộ": the message's subject
    kind: Literal["temporary", "local"]
    home: Path
    database: str
    log_path: Path
    port: int


@dataclass(frozen=True)
class ServerFault:
    """Why a server could not start: which fault, its one Vietnamese line, whether it may clear."""

    kind: FaultKind
    message: str
    may_clear: bool

    def error(self) -> VanbanError:
        # A fault that may clear is a passing one (exit 75); the others wait for a person (69).
        return (TransientIOError if self.may_clear else PrefectUnavailableError)(self.message)


_PORT_TAKEN = (
    "address already in use",  # uvicorn's bind, Linux and macOS
    "only one usage of each socket address",  # the same on Windows
    "is already in use",  # `prefect server start`'s own probe
)
_CORRUPT = (
    "database disk image is malformed",
    "file is not a database",
    "malformed database schema",
    "file is encrypted or is not a database",
)
# Alembic finds a revision in the database that this Prefect does not know: a newer one wrote it.
_NEWER_DATABASE = ("can't locate revision identified by",)
_FULL = ("database or disk is full", "no space left on device", "disk quota exceeded")
_LOCKED = ("database is locked",)
_OS_ERROR = re.compile(r"\[Errno (\d+)\] [^\n]*?(?:: '([^'\n]*)')?$", re.MULTILINE)
_UNWRITABLE_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}
_FULL_ERRNOS = {errno.ENOSPC} | ({errno.EDQUOT} if hasattr(errno, "EDQUOT") else set())


def diagnose(output: str, returncode: int, place: ServerPlace) -> ServerFault:
    """Which fault made a server exit with ``returncode`` while starting, read from its output.

    Pure: the caller reads the output (the server's log since it was started) and raises
    ``fault.error()``. The first fault that the output names wins, the port before the rest:
    a server that could not bind also logs the shutdown errors that follow.
    """
    text = output.lower()
    who, db = place.name, place.database
    failed = f"{who} không khởi động được"
    os_errors = [(int(m.group(1)), m.group(2) or "") for m in _OS_ERROR.finditer(output)]
    if any(phrase in text for phrase in _PORT_TAKEN):
        if place.kind == "local":
            return ServerFault("port-taken", port_taken_message(place.port), may_clear=False)
        return ServerFault(
            "port-taken",
            f"{failed}: chương trình khác vừa chiếm cổng {place.port} của nó. Chạy lại lệnh này.",
            may_clear=True,
        )
    if any(phrase in text for phrase in _CORRUPT):
        return ServerFault(
            "corrupt-database",
            f"{failed}: cơ sở dữ liệu {db} bị hỏng. Chuyển tệp đó (cùng các tệp -wal, -shm bên "
            "cạnh nếu có) ra chỗ khác để Prefect tạo cơ sở dữ liệu mới, rồi chạy lại lệnh này; "
            "văn bản và sổ nhật ký phát hành không bị ảnh hưởng, chỉ mất lịch sử các lần chạy "
            "trong giao diện Prefect.",
            may_clear=False,
        )
    if any(phrase in text for phrase in _NEWER_DATABASE):
        return ServerFault(
            "newer-database",
            f"{failed}: cơ sở dữ liệu {db} do một phiên bản Prefect mới hơn tạo ra. Cài lại "
            "phiên bản vanban đã dùng nó, hoặc đặt PREFECT_HOME là một thư mục mới.",
            may_clear=False,
        )
    if any(phrase in text for phrase in _FULL) or any(c in _FULL_ERRNOS for c, _ in os_errors):
        return ServerFault("home-full", _full_message(failed, place.home), may_clear=True)
    if any(phrase in text for phrase in _LOCKED):
        return ServerFault(
            "database-locked",
            f"{failed}: cơ sở dữ liệu {db} đang bị chương trình khác khóa (một máy chủ Prefect "
            "hay một lần chạy khác dùng cùng thư mục Prefect?). Đợi nó xong rồi chạy lại lệnh "
            "này.",
            may_clear=True,
        )
    reason = _unwritable_reason(text, os_errors, db)
    if reason:
        return ServerFault(
            "home-not-writable", _unwritable_message(failed, place.home, reason), may_clear=False
        )
    if returncode < 0:  # a signal, from outside: the machine ran out of memory, or a person
        return ServerFault(
            "killed",
            f"{who} bị dừng đột ngột khi đang khởi động (tín hiệu {-returncode}; máy thiếu bộ "
            "nhớ?). Chạy lại lệnh này.",
            may_clear=True,
        )
    return ServerFault(
        "exited",
        f"{who} dừng ngay khi khởi động (mã thoát {returncode}): {cause_line(output)}. Xem nhật "
        f"ký {place.log_path}; chạy lại cũng không được cho đến khi lỗi đó được sửa.",
        may_clear=False,
    )


def port_taken_message(port: int) -> str:
    return (
        f"Cổng {port} đang có chương trình khác dùng: chọn cổng khác với --port, hoặc dừng "
        "chương trình đó."
    )


def home_fault(exc: OSError, home: Path) -> VanbanError:
    """The error for an OS refusal to write in the Prefect home (a log, a folder, the record)."""
    subject = "Không ghi được vào thư mục Prefect"
    if exc.errno in _FULL_ERRNOS:
        return TransientIOError(_full_message(subject, home))
    path = str(exc.filename or home)
    reason = _errno_reason(exc.errno or 0, path) or f"{path} ({exc.strerror or exc})"
    return PrefectUnavailableError(_unwritable_message(subject, home, reason))


def _full_message(subject: str, home: Path) -> str:
    return (
        f"{subject}: ổ đĩa chứa thư mục Prefect {home} đã đầy. Giải phóng chỗ trống rồi chạy lại "
        "lệnh này."
    )


def _unwritable_message(subject: str, home: Path, reason: str) -> str:
    return (
        f"{subject}: {reason}. Cấp quyền ghi cho thư mục Prefect {home} hoặc đặt PREFECT_HOME là "
        "một thư mục ghi được, rồi chạy lại lệnh này."
    )


def _errno_reason(code: int, path: str) -> str | None:
    if code == errno.EROFS:
        return f"{path} nằm trên ổ đĩa chỉ cho đọc"
    if code in (errno.EACCES, errno.EPERM):
        return f"không có quyền ghi vào {path}"
    if code in (errno.ENOTDIR, errno.EEXIST):
        return f"{path} (hay một thư mục chứa nó) là tệp, không phải thư mục"
    if code == errno.EISDIR:
        return f"{path} là thư mục, không phải tệp"
    return None


def _unwritable_reason(text: str, os_errors: list[tuple[int, str]], db: str) -> str | None:
    if "attempt to write a readonly database" in text:
        return f"cơ sở dữ liệu {db} chỉ cho đọc"
    if "unable to open database file" in text:
        return f"không mở hay tạo được cơ sở dữ liệu {db}"
    for code, path in os_errors:
        if code in _UNWRITABLE_ERRNOS:
            return _errno_reason(code, path or "thư mục Prefect")
    return None


# Prefect's log prefix and uvicorn's, before the text of a line.
_LOG_PREFIX = re.compile(r"^(?:\d\d:\d\d:\d\d\.\d+ \| \w+\s*\| [\w.]+ - |[A-Z]+:\s+)")
# The last line of a Python traceback: "package.module.SomeError: what happened".
_EXCEPTION_LINE = re.compile(r"^(?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:Error|Exception|Exit)\b(?::.*)?$")
_NOISE = ("Application startup failed. Exiting.", "Server stopped!", "Traceback")


def cause_line(output: str) -> str:
    """The line of a server's output that says why it stopped, shortened to one line."""
    lines = [_LOG_PREFIX.sub("", line).strip() for line in output.splitlines()]
    exceptions = [line for line in lines if _EXCEPTION_LINE.match(line)]
    if exceptions:
        return _one_line(exceptions[-1])
    said = [
        line
        for line in lines
        if line and not line.startswith("---") and not line.startswith(_NOISE)
    ]
    return _one_line(said[-1]) if said else "máy chủ không ghi lại nguyên nhân"


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
