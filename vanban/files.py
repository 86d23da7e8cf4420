"""Safe file I/O: atomic writes, hashes, and OS errors turned into vanban's errors.

Every write goes through a temp file in the same folder and ``os.replace``, so a reader (or a run
that is killed) sees either the old complete file or the new complete file, never half of one.
The base layer under workbook writing and issuing; it imports only ``vanban.errors``.
"""

from __future__ import annotations

import errno
import hashlib
import os
import secrets
from pathlib import Path

from vanban.errors import (
    InputError,
    OutputConflictError,
    TransientIOError,
    VanbanError,
    is_retryable,
)

TEMP_PREFIX = ".tmp-"

_CHUNK = 1 << 20

# Plain-language reasons for the faults a clerk is likely to meet; anything else shows the OS text.
_REASONS = {
    errno.ENOSPC: "ổ đĩa đã đầy",
    errno.EDQUOT: "đã vượt hạn mức dung lượng được cấp",
    errno.EACCES: "không có quyền ghi, hoặc tệp đang được mở trong chương trình khác",
    errno.EPERM: "không có quyền ghi, hoặc tệp đang được mở trong chương trình khác",
    errno.EBUSY: "tệp đang bị chương trình khác giữ",
    errno.EAGAIN: "tệp tạm thời chưa sẵn sàng",
    errno.EROFS: "ổ đĩa chỉ cho phép đọc",
    errno.ENOENT: "không tìm thấy đường dẫn",
    errno.EISDIR: "đường dẫn là một thư mục, không phải tệp",
    errno.ENOTDIR: "một phần của đường dẫn không phải thư mục",
    errno.EIO: "lỗi đọc/ghi của thiết bị",
}

# Filesystems that cannot fsync a directory say so with these; the rename itself already happened.
_DIR_FSYNC_UNSUPPORTED = {errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EBADF, errno.EISDIR}


def translate_os_error(
    exc: OSError, path: Path | str, action: str = "ghi", what: str = "tệp"
) -> VanbanError:
    """The VanbanError to raise for ``exc``; transient faults become ``TransientIOError``."""
    reason = _REASONS.get(exc.errno or 0) or exc.strerror or str(exc)
    if is_retryable(exc):
        return TransientIOError(
            f"Không {action} được {what} {path}: {reason}. Đây có thể là lỗi tạm thời; "
            "hãy đóng tệp nếu đang mở, giải phóng dung lượng nếu ổ đầy, rồi thử lại."
        )
    if isinstance(exc, (IsADirectoryError, NotADirectoryError, FileExistsError)):
        return OutputConflictError(f"Không {action} được {what} {path}: {reason}.")
    return VanbanError(f"Không {action} được {what} {path}: {reason}.")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except OSError as exc:
        raise translate_os_error(exc, path, "đọc") from exc
    return digest.hexdigest()


def _fsync_dir(folder: Path) -> None:
    # Windows cannot open a directory; NTFS journals the rename itself.
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in _DIR_FSYNC_UNSUPPORTED:
            raise
    finally:
        os.close(fd)


def _ensure_dir(folder: Path) -> None:
    missing: list[Path] = []
    current = folder
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for created in reversed(missing):
        try:
            created.mkdir()
        except FileExistsError:
            if not created.is_dir():
                raise
        # The new entry lives in the parent; without this a crash could lose the folder itself.
        _fsync_dir(created.parent)


def prepare_folder(folder: Path) -> None:
    """Create the output folder if needed; a path that cannot be one is bad input (exit 2)."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(
            f"Thư mục đầu ra {folder} là một tệp, không phải thư mục: hãy chọn một thư mục "
            "khác với --out."
        )
    try:
        _ensure_dir(folder)
    except OSError as exc:
        reason = _REASONS.get(exc.errno or 0) or exc.strerror or str(exc)
        raise InputError(
            f"Không tạo được thư mục đầu ra {folder}: {reason}. Hãy chọn thư mục khác với --out."
        ) from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(
            f"Không ghi được vào thư mục đầu ra {folder}: không có quyền ghi. Hãy chọn thư mục "
            "khác với --out."
        )


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _temp_name(target: Path) -> str:
    # The target's name helps whoever finds a leftover; capped so long names stay under NAME_MAX.
    return f"{TEMP_PREFIX}{target.name[:80]}.{secrets.token_hex(6)}"


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that no reader ever sees a partial file."""
    path = Path(path)
    folder = path.parent
    temp: Path | None = None
    try:
        _ensure_dir(folder)
        while True:
            temp = folder / _temp_name(path)
            try:
                # 0o666 lets the umask decide, as for any file a clerk saves (mkstemp forces 0o600).
                flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
                fd = os.open(temp, flags, 0o666)
            except FileExistsError:
                continue
            break
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
        temp = None
        _fsync_dir(folder)
    except OSError as exc:
        raise translate_os_error(exc, path) from exc
    finally:
        if temp is not None:
            try:
                os.unlink(temp)
            except FileNotFoundError:
                pass
            except OSError:
                pass  # clean_stray_temps removes it at the next run; the first error matters more


def clean_stray_temps(folder: Path) -> list[Path]:
    """Remove the ``.tmp-*`` files a killed run left under ``folder``; returns what was removed.

    Call it only while holding the folder lock: another run's temp files are still in use.
    Folders named ``.tmp-*`` are left alone: they belong to tools that do not take the lock.
    """
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith(TEMP_PREFIX)]
        for name in filenames:
            if name.startswith(TEMP_PREFIX):
                stray = Path(dirpath) / name
                try:
                    stray.unlink()
                except FileNotFoundError:
                    continue
                except OSError as exc:
                    raise translate_os_error(exc, stray, "xoá") from exc
                removed.append(stray)
    return sorted(removed)
