"""Safe file I/O: atomic writes, hashes, and OS errors turned into vanban's errors.

Every write goes through a temp file in the same folder and ``os.replace``, so a reader (or a run
that is killed) sees either the old complete file or the new complete file, never half of one.
The base layer under workbook writing and issuing; it imports only ``vanban.errors``.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import re
import secrets
import stat
import zipfile
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from vanban.errors import (
    InputError,
    LinkInOutputError,
    OutputConflictError,
    TransientIOError,
    VanbanError,
    is_retryable,
)

TEMP_PREFIX = ".tmp-"


def user_cache(name: str) -> Path:
    """``$XDG_CACHE_HOME/vanban/<name>`` (else ``~/.cache/vanban/<name>``): what vanban keeps
    between runs on this machine, never in an output folder; deleting it only costs time."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "vanban" / name


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
    errno.ENAMETOOLONG: "tên tệp hoặc đường dẫn quá dài so với giới hạn của hệ điều hành",
    errno.EEXIST: "đã có một tệp hoặc thư mục trùng tên",
    errno.ELOOP: "đường dẫn đi qua liên kết (symlink) vòng lặp hoặc bị từ chối",
    errno.EINVAL: "tên tệp không hợp lệ với hệ điều hành",
}

# Where the OS has it, opening with O_NOFOLLOW makes "is it a link?" and "open it" one step; a
# FIFO planted in place of a file would block a plain open, hence O_NONBLOCK for reading.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_BINARY = getattr(os, "O_BINARY", 0)
# Windows: symbolic links and junctions. Not every reparse point: OneDrive's files on demand are
# reparse points too, and a clerk's Documents folder is often synced.
_LINK_TAGS = frozenset(
    {
        getattr(stat, "IO_REPARSE_TAG_SYMLINK", 0xA000000C),
        getattr(stat, "IO_REPARSE_TAG_MOUNT_POINT", 0xA0000003),
    }
)

# Filesystems that cannot fsync a directory say so with these; the rename itself already happened.
_DIR_FSYNC_UNSUPPORTED = {errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EBADF, errno.EISDIR}


def translate_os_error(
    exc: OSError, path: Path | str, action: str = "ghi", what: str = "tệp"
) -> VanbanError:
    """The VanbanError to raise for ``exc``; transient faults become ``TransientIOError``."""
    reason = reason_of(exc)
    if is_retryable(exc):
        return TransientIOError(
            f"Không {action} được {what} {path}: {reason}. Đây có thể là lỗi tạm thời; "
            "hãy đóng tệp nếu đang mở, giải phóng dung lượng nếu ổ đầy, rồi thử lại."
        )
    if isinstance(exc, (IsADirectoryError, NotADirectoryError, FileExistsError)):
        return OutputConflictError(f"Không {action} được {what} {path}: {reason}.")
    return VanbanError(f"Không {action} được {what} {path}: {reason}.")


def reason_of(exc: OSError) -> str:
    """The Vietnamese reason for ``exc``, or the OS's own text for a fault not listed."""
    return _REASONS.get(exc.errno or 0) or exc.strerror or str(exc)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path, *, follow_links: bool = True) -> str:
    """The file's SHA-256; with ``follow_links=False`` a link is refused, never read through."""
    digest = hashlib.sha256()
    try:
        if follow_links:
            with open(path, "rb") as handle:
                while chunk := handle.read(_CHUNK):
                    digest.update(chunk)
        else:
            fd = open_nofollow(path)
            try:
                while chunk := os.read(fd, _CHUNK):
                    digest.update(chunk)
            finally:
                os.close(fd)
    except OSError as exc:
        raise translate_os_error(exc, path, "đọc") from exc
    return digest.hexdigest()


# --- links inside the output folder -----------------------------------------------------------


def is_link(st: os.stat_result) -> bool:
    """A symbolic link, or on Windows a junction, from ``os.lstat``."""
    return stat.S_ISLNK(st.st_mode) or getattr(st, "st_reparse_tag", 0) in _LINK_TAGS


def link_message(root: Path, link: Path) -> str:
    try:
        where = link.relative_to(root).as_posix()
    except ValueError:
        where = str(link)
    try:
        target = f" (trỏ tới {os.readlink(link)})"
    except (OSError, ValueError):
        target = ""
    return (
        f"{where} trong thư mục đầu ra {root} là một liên kết (symlink){target}. vanban không đọc "
        "hay ghi qua liên kết, để không chạm vào tệp nào ngoài thư mục đầu ra. Hãy xoá liên kết "
        "hoặc thay bằng thư mục, tệp thật rồi chạy lại."
    )


def links_below(root: Path, path: Path) -> Path | None:
    """The first link among ``path`` and its folders below ``root`` (``root`` itself excluded).

    The output folder itself may be a link the user chose; everything inside it must be real.
    Stops at the first component that does not exist: nothing below it can be a link.
    """
    root, path = Path(root), Path(path)
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        raise InputError(f"Tệp {path} không nằm trong thư mục đầu ra {root}.") from None
    current = root
    for part in parts:
        current = current / part
        try:
            st = os.lstat(current)
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            raise translate_os_error(exc, current, "đọc") from exc
        if is_link(st):
            return current
    return None


def refuse_links(root: Path, paths: Iterable[Path]) -> None:
    """Raise LinkInOutputError naming every link on the way to any of ``paths``."""
    found: list[Path] = []
    for path in paths:
        link = links_below(root, path)
        if link is not None and link not in found:
            found.append(link)
    if found:
        raise LinkInOutputError("\n".join(link_message(Path(root), link) for link in found))


def open_nofollow(path: Path, flags: int = os.O_RDONLY, mode: int = 0o666) -> int:
    """``os.open`` that refuses a link as the last component, with LinkInOutputError.

    The file must be a regular file: a FIFO or device planted there is refused rather than read
    or written (it would block or never end).
    """
    path = Path(path)
    reading = flags & (os.O_WRONLY | os.O_RDWR) == 0
    if not _NOFOLLOW:
        # No O_NOFOLLOW (Windows): look first; the window until the open is the best we can do.
        try:
            if is_link(os.lstat(path)):
                raise LinkInOutputError(link_message(path.parent, path))
        except FileNotFoundError:
            pass
    try:
        fd = os.open(path, flags | _NOFOLLOW | _BINARY | (_NONBLOCK if reading else 0), mode)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK) and os.path.islink(path):
            raise LinkInOutputError(link_message(path.parent, path)) from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OutputConflictError(
                f"Không mở được {path}: đây không phải là tệp thường (có thể là thư mục, ống "
                "dẫn hay thiết bị)."
            )
        if reading and _NONBLOCK:
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_nofollow(path: Path) -> bytes:
    """The bytes of a regular file, refusing a link (LinkInOutputError) rather than reading it."""
    try:
        fd = open_nofollow(path)
        try:
            chunks = []
            while chunk := os.read(fd, _CHUNK):
                chunks.append(chunk)
        finally:
            os.close(fd)
    except OSError as exc:
        raise translate_os_error(exc, path, "đọc") from exc
    return b"".join(chunks)


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


def _lexists(path: Path) -> bool:
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    return True


def _ensure_dir(folder: Path, root: Path | None = None) -> None:
    """Create ``folder`` and its missing parents; below ``root`` none of them may be a link."""
    missing: list[Path] = []
    current = folder
    # lexists, not exists: a dangling link is there, and must not be taken for a missing folder.
    while not _lexists(current):
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    if root is not None:
        refuse_links(root, [folder])
    for created in reversed(missing):
        try:
            created.mkdir()
        except FileExistsError:
            # Someone made it meanwhile: fine if it is a real folder, never if it is a link.
            if root is not None:
                refuse_links(root, [created])
            if not created.is_dir():
                raise
        # The new entry lives in the parent; without this a crash could lose the folder itself.
        _fsync_dir(created.parent)


_OUT_ADVICE = "Hãy chọn thư mục khác với --out."


def check_out_folder(folder: Path) -> None:
    """Without writing anything: bad input (exit 2) when ``folder``, or the nearest of its
    parents that exists, is not a folder (a file named by ``--out``, or a file on its way)."""
    current = Path(folder)
    while not os.path.lexists(current) and current.parent != current:
        current = current.parent
    if os.path.isdir(current):
        return
    if current == Path(folder) and os.path.isfile(current):
        raise InputError(
            f"Thư mục đầu ra {folder} là một tệp, không phải thư mục: hãy chọn một thư mục "
            "khác với --out."
        )
    # A link to nowhere, a device, or a file on the way.
    on_the_way = "" if current == Path(folder) else f" ({current} không phải thư mục)"
    raise InputError(f"Thư mục đầu ra {folder} không phải là thư mục{on_the_way}. {_OUT_ADVICE}")


def prepare_folder(folder: Path) -> None:
    """Create the output folder if needed; a path that cannot be one is bad input (exit 2)."""
    folder = Path(folder)
    advice = _OUT_ADVICE
    try:
        check_out_folder(folder)
        _ensure_dir(folder)
        if not folder.is_dir():
            raise InputError(f"Thư mục đầu ra {folder} không phải là thư mục. {advice}")
    except OSError as exc:
        raise InputError(
            f"Không tạo được thư mục đầu ra {folder}: {reason_of(exc)}. {advice}"
        ) from exc
    except ValueError:  # a NUL byte in the path
        raise InputError(f"Thư mục đầu ra {folder!r} không phải tên hợp lệ. {advice}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(
            f"Không ghi được vào thư mục đầu ra {folder}: không có quyền ghi. {advice}"
        )
    # os.access trusts permission bits; a read-only mount, a share or an ACL only shows on a write.
    probe = folder / f"{TEMP_PREFIX}probe.{secrets.token_hex(6)}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise InputError(
            f"Không ghi được vào thư mục đầu ra {folder}: {reason_of(exc)}. {advice}"
        ) from exc


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _temp_name(target: Path) -> str:
    # The target's name helps whoever finds a leftover; capped so long names stay under NAME_MAX.
    return f"{TEMP_PREFIX}{target.name[:80]}.{secrets.token_hex(6)}"


def atomic_write(path: Path, data: bytes, *, root: Path | None = None) -> None:
    """Replace ``path`` with ``data`` so that no reader ever sees a partial file.

    With ``root`` (the output folder), no folder or file on the way from ``root`` to ``path`` may
    be a link: LinkInOutputError names it, and nothing is written.
    """
    path = Path(path)
    folder = path.parent
    temp: Path | None = None
    try:
        _ensure_dir(folder, root)
        if root is not None:
            refuse_links(root, [path])
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
        # The rename, durable before this returns, once per file: not deferred to one sync of
        # each folder per batch. A document's "issued" entry is appended to the log unsynced and
        # reaches the disk with the log's next fsync, which is the next document's "prepare"
        # entry: by then its name must be on disk, or the log could claim a document that a
        # power cut took back. (Deferring it would mean holding the entries back until then.)
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


_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_MODIFIED = re.compile(rb"<dcterms:modified([^>]*)>[^<]*</dcterms:modified>")


def stable_package(data: bytes, stamp: datetime) -> bytes:
    """An Office package (.xlsx) as openpyxl saved it, with fixed zip entry dates and its
    "modified" property set to ``stamp``: openpyxl writes the clock, and the same inputs must
    give the same bytes."""
    out = io.BytesIO()
    fixed = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _MODIFIED.sub(rb"<dcterms:modified\1>" + fixed + rb"</dcterms:modified>", body)
            entry = zipfile.ZipInfo(info.filename, _ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, body)
    return out.getvalue()


def json_bytes(data: object) -> bytes:
    """``data`` as indented UTF-8 JSON; as ASCII escapes when it holds text UTF-8 cannot carry
    (a lone surrogate read back from a file someone edited), so that writing never fails."""
    try:
        return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(data, ensure_ascii=True, indent=2).encode("ascii")
