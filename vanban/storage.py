"""Writing documents into an output folder without ever losing one.

Every write goes through a temp file in the same folder and ``os.replace``, so a reader (or a run
that is killed) sees either the old complete file or the new complete file, never half of one. A
document that someone edited after it was issued is not overwritten unless forced, and every
version that is replaced is first copied into ``.history/``.
"""

from __future__ import annotations

import errno
import hashlib
import os
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from .errors import (
    EditedOutputError,
    InputError,
    OutputConflictError,
    TransientIOError,
    VanbanError,
    is_retryable,
)

TEMP_PREFIX = ".tmp-"
HISTORY_DIR = ".history"

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


Status = Literal["written", "unchanged", "replaced", "forced"]


@dataclass(frozen=True)
class WriteOutcome:
    """What ``write_document`` did; ``history_path`` is where the superseded version now lives."""

    status: Status
    path: Path
    relpath: str
    sha256: str
    previous_sha256: str | None
    history_path: Path | None

    @property
    def message(self) -> str:
        """One Vietnamese line for the user."""
        if self.status == "written":
            return f"Đã tạo {self.relpath}."
        if self.status == "unchanged":
            return f"{self.relpath} không thay đổi, giữ nguyên tệp."
        if self.status == "replaced":
            return f"Đã cập nhật {self.relpath}; bản cũ được lưu tại {self.history_path}."
        return (
            f"Đã ghi đè {self.relpath} dù tệp đã bị sửa tay; bản đã sửa được lưu tại "
            f"{self.history_path}."
        )


def history_name(relpath: str, sha256: str, digits: int = 16) -> str:
    """``03-giay-moi/my-quy.docx`` with hash ``ab12...`` -> ``03-giay-moi__my-quy.ab12....docx``."""
    flat = PurePosixPath(relpath.replace("/", "__"))
    if flat.suffix:
        return f"{flat.stem}.{sha256[:digits]}{flat.suffix}"
    return f"{flat.name}.{sha256[:digits]}"


class OutputFolder:
    """One run's output folder: documents, their history and nothing else."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.history_dir = self.root / HISTORY_DIR

    def relpath(self, path: Path) -> str:
        try:
            return Path(path).relative_to(self.root).as_posix()
        except ValueError:
            raise InputError(f"Tệp {path} không nằm trong thư mục đầu ra {self.root}.") from None

    def _checked(self, relpath: str) -> PurePosixPath:
        pure = PurePosixPath(relpath)
        unsafe = (
            not relpath
            or "\\" in relpath
            or pure.is_absolute()
            or any(part in ("", ".", "..") for part in relpath.split("/"))
            or pure.parts[0] == HISTORY_DIR
            or pure.name.startswith(TEMP_PREFIX)
            or any(unicodedata.category(ch)[0] == "C" for ch in relpath)
        )
        if unsafe:
            raise InputError(f'Đường dẫn văn bản "{relpath}" không hợp lệ trong thư mục đầu ra.')
        return pure

    def write_document(
        self, relpath: str, data: bytes, *, issued_sha256: str | None, force: bool = False
    ) -> WriteOutcome:
        """Write one document; see the module doc for what is kept and what is refused.

        ``issued_sha256`` is the hash the audit log last recorded for ``relpath`` (None if never
        issued).
        """
        self._checked(relpath)
        path = self.root / relpath
        new_sha = sha256_bytes(data)
        if not path.exists() and not path.is_symlink():
            atomic_write(path, data)
            return WriteOutcome("written", path, relpath, new_sha, None, None)
        if not path.is_file():
            raise OutputConflictError(
                f"Không ghi được {relpath}: đường dẫn này là thư mục hoặc không phải tệp thường."
            )
        try:
            old = path.read_bytes()
        except OSError as exc:
            raise translate_os_error(exc, path, "đọc") from exc
        current = sha256_bytes(old)
        if current == new_sha:
            return WriteOutcome("unchanged", path, relpath, new_sha, current, None)
        edited = current != issued_sha256
        if edited and not force:
            raise EditedOutputError(self._edited_message(relpath, current, issued_sha256))
        history_path = self._keep(relpath, old, current)
        # Narrows the window in which an edit saved between our read and our replace would be lost.
        if sha256_file(path) != current:
            raise EditedOutputError(
                f"Tệp {relpath} vừa được sửa trong lúc đang phát hành lại; chưa ghi đè. "
                "Hãy đóng tệp trong trình soạn thảo rồi chạy lại."
            )
        atomic_write(path, data)
        status: Status = "forced" if edited else "replaced"
        return WriteOutcome(status, path, relpath, new_sha, current, history_path)

    def _keep(self, relpath: str, data: bytes, sha256: str) -> Path:
        """Copy a superseded version into history (durably) and return where it went."""
        target = self.history_dir / history_name(relpath, sha256)
        if target.exists():
            if sha256_file(target) == sha256:
                return target
            # A 64-bit prefix clash or a tampered history file: keep it, use the full hash.
            target = self.history_dir / history_name(relpath, sha256, digits=64)
            if target.exists():
                if sha256_file(target) == sha256:
                    return target
                raise OutputConflictError(
                    f"Không lưu được bản cũ của {relpath} vào {self.history_dir}: tệp "
                    f"{target.name} đã có với nội dung khác. Hãy kiểm tra thư mục lịch sử."
                )
        atomic_write(target, data)
        return target

    def _edited_message(self, relpath: str, current: str, issued: str | None) -> str:
        if issued is None:
            what = (
                f"Tệp {relpath} đã có sẵn trong thư mục nhưng không có trong sổ nhật ký phát hành "
                f"(có thể đã được tạo hoặc sửa tay; mã băm hiện tại {current[:12]})"
            )
        else:
            what = (
                f"Tệp {relpath} đã bị sửa sau khi phát hành (mã băm hiện tại {current[:12]}, "
                f"bản đã phát hành {issued[:12]})"
            )
        return (
            f"{what}, nên không ghi đè. Muốn giữ bản đã sửa: đổi tên hoặc chuyển tệp ra khỏi thư "
            f"mục {self.root} rồi chạy lại. Muốn thay bằng bản mới: chạy lại với tùy chọn --force, "
            f"bản đã sửa sẽ được cất vào {self.history_dir}."
        )
