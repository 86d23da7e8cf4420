"""The output folder: writing documents and forms without ever losing one.

A file that someone edited after vanban wrote it is not overwritten unless forced, and every
version that is replaced is first copied into the folder's history (``vanban.outdir``). Writes
are atomic (``vanban.files``). Nothing inside the folder is read or written through a link: a
subfolder, document or history file that is a link is refused (LinkInOutputError, exit 4), so a
planted link cannot make a run touch a file outside the folder.
"""

from __future__ import annotations

import os
import stat
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from vanban.errors import EditedOutputError, InputError, OutputConflictError
from vanban.files import (
    TEMP_PREFIX,
    atomic_write,
    read_nofollow,
    refuse_links,
    sha256_bytes,
    sha256_file,
    translate_os_error,
)
from vanban.outdir import HISTORY_DIR, history_name

Status = Literal["written", "unchanged", "replaced", "forced"]

# Given the bytes now at a path and their hash: why they may not be replaced unless forced (the
# message the user reads), or None when they may.
Refusal = Callable[[bytes, str], str | None]


@dataclass(frozen=True)
class WriteOutcome:
    """What ``write`` (or ``write_document``) did; ``history_path`` is where the superseded version now lives."""

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


class OutputFolder:
    """One run's output folder: the files vanban writes there, and their history."""

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
        issued): any other version there was edited by hand.
        """

        def refusal(_old: bytes, current: str) -> str | None:
            if current == issued_sha256:
                return None
            return self._edited_message(relpath, current, issued_sha256)

        return self.write(relpath, data, refusal=refusal, force=force)

    def write(
        self, relpath: str, data: bytes, *, refusal: Refusal, force: bool = False
    ) -> WriteOutcome:
        """Write one file, keeping the version it replaces in the history.

        When another version is there, ``refusal`` judges it: a reason (EditedOutputError with
        that message, unless ``force``) or None (it may be replaced). The caller decides what
        counts as an edit; how the file is written, kept and guarded from links is decided here.
        """
        path = self.root / relpath
        new_sha = sha256_bytes(data)
        old = self.read(relpath)
        if old is None:
            atomic_write(path, data, root=self.root)
            return WriteOutcome("written", path, relpath, new_sha, None, None)
        current = sha256_bytes(old)
        if current == new_sha:
            return WriteOutcome("unchanged", path, relpath, new_sha, current, None)
        reason = refusal(old, current)
        if reason is not None and not force:
            raise EditedOutputError(reason)
        history_path = self._keep(relpath, old, current)
        # Narrows the window in which an edit saved between our read and our replace would be lost.
        if sha256_file(path, follow_links=False) != current:
            raise EditedOutputError(
                f"Tệp {relpath} vừa được sửa trong lúc đang phát hành lại; chưa ghi đè. "
                "Hãy đóng tệp trong trình soạn thảo rồi chạy lại."
            )
        atomic_write(path, data, root=self.root)
        status: Status = "replaced" if reason is None else "forced"
        return WriteOutcome(status, path, relpath, new_sha, current, history_path)

    def refused(self, relpath: str, data: bytes, *, refusal: Refusal) -> str | None:
        """Why :meth:`write` would refuse to put ``data`` at ``relpath`` unforced, or None: so a
        command writing many files can name every refusal before it writes the first."""
        old = self.read(relpath)
        if old is None:
            return None
        current = sha256_bytes(old)
        return None if current == sha256_bytes(data) else refusal(old, current)

    def read(self, relpath: str) -> bytes | None:
        """The file now at ``relpath``, None if there is none; never read through a link.

        Anything there but a regular file (a folder, say) raises OutputConflictError: nothing
        could be written in its place.
        """
        self._checked(relpath)
        path = self.root / relpath
        refuse_links(self.root, [path])
        try:
            st = os.lstat(path)
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            raise translate_os_error(exc, path, "đọc") from exc
        if not stat.S_ISREG(st.st_mode):
            raise OutputConflictError(
                f"Không ghi được {relpath}: đường dẫn này là thư mục hoặc không phải tệp thường."
            )
        return read_nofollow(path)

    def _keep(self, relpath: str, data: bytes, sha256: str) -> Path:
        """Copy a superseded version into history (durably) and return where it went."""
        target = self.history_dir / history_name(relpath, sha256)
        if self.exists(target):
            if sha256_file(target, follow_links=False) == sha256:
                return target
            # A 64-bit prefix clash or a tampered history file: keep it, use the full hash.
            target = self.history_dir / history_name(relpath, sha256, digits=64)
            if self.exists(target):
                if sha256_file(target, follow_links=False) == sha256:
                    return target
                raise OutputConflictError(
                    f"Không lưu được bản cũ của {relpath} vào {self.history_dir}: tệp "
                    f"{target.name} đã có với nội dung khác. Hãy kiểm tra thư mục lịch sử."
                )
        atomic_write(target, data, root=self.root)
        return target

    def exists(self, path: Path) -> bool:
        """Whether ``path`` (inside the folder) is there; a link on the way is refused."""
        refuse_links(self.root, [path])
        try:
            os.lstat(path)
        except (FileNotFoundError, NotADirectoryError):
            return False
        except OSError as exc:
            raise translate_os_error(exc, path, "đọc") from exc
        return True

    def is_safe(self, relpath: str) -> bool:
        """Whether ``relpath`` (from the log, say) names a place a document may be written."""
        try:
            self._checked(relpath)
        except InputError:
            return False
        return True

    def current_sha256(self, relpath: str) -> str | None:
        """The hash of the document now at ``relpath``, None if there is no regular file there."""
        self._checked(relpath)
        path = self.root / relpath
        if not self.exists(path) or not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        return sha256_file(path, follow_links=False)

    def refuse_links(self, paths: list[Path]) -> None:
        """Before a run writes anything: every link on the way to ``paths``, named at once."""
        refuse_links(self.root, paths)

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
