"""The tamper-evident log ``audit.jsonl`` of an output folder.

One JSON object per line, in a canonical form (UTF-8, keys sorted, no spaces) so that a line's
bytes, and so its hash, never depend on who wrote it. Each entry's ``prev`` is the SHA-256 of the
previous line's bytes, so editing or removing a line breaks the chain at the line after it. The log
holds counts and hashes only, never names of people.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vanban.errors import InputError
from vanban.files import (
    open_nofollow,
    sha256_bytes,
    translate_os_error,
)

GENESIS = "0" * 64

# The fields an entry may carry; vanban builds every entry from them (``audit_entry``). Anything
# else appended must be a count, flag or identifier (_check_extra), so that no free text, and with
# it no person's name, reaches the log.
FIELDS = frozenset(
    {
        "time",
        "flow_run_id",
        "event",
        "prev",
        "kind",
        "unit",
        "path",
        "sha256",
        "template",
        "template_sha256",
        "workbook_sha256",
        "attempts",
        "status",
        "error",
        "history",
        "form",  # the path of the returned result form a report was built from
        "form_sha256",  # and its hash
        "invitees",  # how many people a document's roster lists, never who
        "source",  # a PDF's .docx, or a signed copy's published PDF (vanban.publishing)
        "source_sha256",  # and its hash
        "pages",  # a PDF's page count
        "size",  # a published PDF's length in bytes: the prefix its signed copies begin with
        "awaiting_number",  # a PDF published before the records office gave its number
        "certificates",  # a signed copy's signers' certificates, by SHA-256, never by name
    }
)
# What each event and each write status of the log means, as a person reads the history.
EVENT_LABELS = {
    "prepare": "chuẩn bị ghi",
    "issued": "phát hành",
    "failed": "lỗi",
    "form_written": "lập phiếu kết quả",
    "published": "xuất PDF để ký",
    "signed": "nhận bản đã ký",
    "described": "ghi dữ liệu đặc tả",
    "registered": "ghi sổ đăng ký văn bản đi",
    "packed": "đóng gói edXML",
}
STATUS_LABELS = {
    "written": "tệp mới",
    "replaced": "thay bản cũ (bản cũ vào lịch sử)",
    "forced": "ghi đè bản sửa tay (bản sửa vào lịch sử)",
    "unchanged": "không đổi",
    "recovered": "khôi phục sau lần chạy dở",
    "failed": "lỗi",
}
_IDENTIFIER = re.compile(r"[A-Za-z0-9._:/+-]{0,64}")
_ERROR_MAX = 500

# Within one process, tasks may append from several threads; the chain needs one writer at a time.
_guard = threading.Lock()
_path_locks: dict[str, threading.Lock] = {}


def _lock_for(path: Path) -> threading.Lock:
    key = os.path.abspath(path)
    with _guard:
        return _path_locks.setdefault(key, threading.Lock())


def audit_entry(event: str, **fields: Any) -> dict[str, Any]:
    """One entry of ``event`` with ``fields`` as given, None included; ``AuditLog.append`` adds
    ``time`` and ``prev``.

    A field not declared in FIELDS raises ValueError: a mistake in vanban, not in its input, so
    that what the log may hold is read in one place.
    """
    undeclared = sorted(set(fields) - FIELDS)
    if undeclared:
        raise ValueError(f"undeclared audit fields: {', '.join(undeclared)}")
    return {"event": event, **fields}


def canonical_line(entry: Mapping[str, Any]) -> bytes:
    text = json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8")


def _check_extra(key: str, value: Any) -> None:
    if value is None or isinstance(value, (bool, int, float)):
        return
    if isinstance(value, str) and _IDENTIFIER.fullmatch(value):
        return
    raise ValueError(
        f"audit field {key!r} must be a count, flag or short identifier, not free text: {value!r}"
    )


def _split_lines(data: bytes) -> list[bytes]:
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()  # the terminator of the last line, not a line
    return lines


def _read_tail(fd: int) -> tuple[bytes | None, bool]:
    """The last line of the open log (None if empty) and whether the file ends with a newline."""
    size = os.fstat(fd).st_size
    if size == 0:
        return None, True
    os.lseek(fd, size - 1, os.SEEK_SET)
    terminated = os.read(fd, 1) == b"\n"
    end = size - 1 if terminated else size
    pieces: list[bytes] = []
    pos = end
    while pos > 0:
        start = max(0, pos - 65536)
        os.lseek(fd, start, os.SEEK_SET)
        chunk = b""
        while len(chunk) < pos - start:
            more = os.read(fd, pos - start - len(chunk))
            if not more:
                break
            chunk += more
        cut = chunk.rfind(b"\n")
        if cut >= 0:
            pieces.append(chunk[cut + 1 :])
            break
        pieces.append(chunk)
        pos = start
    return b"".join(reversed(pieces)), terminated


def _lock_file(fd: int, *, shared: bool = False) -> None:
    # Other processes (a process-pool task runner) may append too; the folder lock covers runs only.
    if os.name != "nt":
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def append(self, entry: Mapping[str, Any], *, durable: bool = True) -> dict[str, Any]:
        """Append one entry (adding ``time`` if absent and ``prev``); returns it in full.

        The entry is on disk when this returns, unless ``durable`` is False: then it gets there
        with the next durable entry or :meth:`sync`, whichever comes first (an fsync writes the
        whole file). Only an entry the log can do without until then may wait: a document's
        "issued" entry, appended once its file is durably in place, whose "prepare" entry and
        file let the next run recover it.
        """
        full = dict(entry)
        if not isinstance(full.get("event"), str) or not full["event"]:
            raise ValueError("an audit entry needs an 'event'")
        full.setdefault("flow_run_id", None)
        full.setdefault("time", datetime.now(UTC).isoformat(timespec="milliseconds"))
        if isinstance(full.get("error"), str) and len(full["error"]) > _ERROR_MAX:
            full["error"] = full["error"][: _ERROR_MAX - 1] + "…"
        for key, value in full.items():
            if key not in FIELDS:
                _check_extra(key, value)
        with _lock_for(self.path):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                # Never through a link: a planted audit.jsonl link would append outside the folder.
                fd = open_nofollow(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o666)
                try:
                    _lock_file(fd)
                    last, terminated = _read_tail(fd)
                    full["prev"] = GENESIS if last is None else sha256_bytes(last)
                    line = canonical_line(full) + b"\n"
                    if not terminated:
                        line = b"\n" + line  # keep a torn or hand-written last line on its own
                    view = memoryview(line)
                    while view:
                        view = view[os.write(fd, view) :]
                    if durable:
                        os.fsync(fd)
                finally:
                    os.close(fd)  # also releases the flock
            except OSError as exc:
                raise translate_os_error(exc, self.path) from exc
        return full

    def sync(self) -> None:
        """Put every entry appended so far on disk."""
        with _lock_for(self.path):
            try:
                # For writing: Windows flushes a file only through a handle that may write it.
                fd = open_nofollow(self.path, os.O_WRONLY | os.O_APPEND)
            except FileNotFoundError:
                return
            except OSError as exc:
                raise translate_os_error(exc, self.path) from exc
            try:
                os.fsync(fd)
            except OSError as exc:
                raise translate_os_error(exc, self.path) from exc
            finally:
                os.close(fd)

    def _raw_lines(self) -> list[bytes]:
        # Read under the same locks as ``append``: a task reading while another appends would
        # otherwise see a line half written and take it for a broken log.
        with _lock_for(self.path):
            try:
                fd = open_nofollow(self.path)
            except FileNotFoundError:
                return []
            except OSError as exc:
                raise translate_os_error(exc, self.path, "đọc") from exc
            try:
                _lock_file(fd, shared=True)
                chunks = []
                while chunk := os.read(fd, 1 << 20):
                    chunks.append(chunk)
            except OSError as exc:
                raise translate_os_error(exc, self.path, "đọc") from exc
            finally:
                os.close(fd)
        return _split_lines(b"".join(chunks))

    def entries(self) -> list[dict[str, Any]]:
        """Every entry in order; a line that is not a JSON object raises InputError naming it."""
        result = []
        for number, raw in enumerate(self._raw_lines(), start=1):
            entry = parse_line(raw)
            if entry is None:
                raise InputError(
                    f"Sổ nhật ký {self.path}, dòng {number}: không phải một bản ghi JSON hợp lệ. "
                    "Sổ có thể đã bị sửa tay; chạy kiểm tra sổ nhật ký (vanban audit verify) "
                    "để xem chi tiết."
                )
            result.append(entry)
        return result

    def latest_issued(self) -> dict[str, dict[str, Any]]:
        """Relative path -> the last "issued" entry for it."""
        latest: dict[str, dict[str, Any]] = {}
        for entry in self.entries():
            if entry.get("event") == "issued" and isinstance(entry.get("path"), str):
                latest[entry["path"]] = entry
        return latest


def parse_line(raw: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) else None
