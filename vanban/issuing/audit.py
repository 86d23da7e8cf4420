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
import stat
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from vanban.errors import InputError, VanbanError
from vanban.files import (
    TEMP_PREFIX,
    is_link,
    links_below,
    open_nofollow,
    reason_of,
    sha256_bytes,
    sha256_file,
    translate_os_error,
)
from vanban.issuing.storage import HISTORY_DIR
from vanban.text.names import match_key

LOG_NAME = "audit.jsonl"
GENESIS = "0" * 64

# The fields an entry may carry. Anything else must be a count, flag or identifier (_check_extra),
# so that no free text, and with it no person's name, reaches the log.
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
    }
)
_IDENTIFIER = re.compile(r"[A-Za-z0-9._:/+-]{0,64}")
_ERROR_MAX = 500
_IGNORED_DIRS = {HISTORY_DIR, "review"}

# Within one process, tasks may append from several threads; the chain needs one writer at a time.
_guard = threading.Lock()
_path_locks: dict[str, threading.Lock] = {}


def _lock_for(path: Path) -> threading.Lock:
    key = os.path.abspath(path)
    with _guard:
        return _path_locks.setdefault(key, threading.Lock())


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
            entry = _parse(raw)
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


def _parse(raw: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


@dataclass
class VerifyReport:
    problems: list[str] = field(default_factory=list)
    checked_entries: int = 0
    checked_files: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _safe_relpath(value: Any) -> bool:
    if not isinstance(value, str) or not value or "\\" in value:
        return False
    if any(unicodedata.category(ch)[0] == "C" for ch in value):
        return False  # control characters, NUL included: no file vanban writes has them
    pure = PurePosixPath(value)
    return not pure.is_absolute() and all(p not in ("", ".", "..") for p in value.split("/"))


def _shown(value: Any, limit: int = 120) -> str:
    """A log value as the terminal may show it: no control characters, not a screenful."""
    text = value if isinstance(value, str) else repr(value)
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else f"\\x{ord(ch):02x}" for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _documents(root: Path, log_name: str) -> tuple[list[str], list[str]]:
    """Relative paths of the .docx files a run could have issued (not history, review, temps),
    and of every link met on the way (neither followed nor read)."""
    found: list[str] = []
    links: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        if here == root:
            dirnames[:] = [d for d in dirnames if d not in _IGNORED_DIRS]
        dirnames[:] = [d for d in dirnames if not d.startswith(TEMP_PREFIX)]
        # os.walk lists a link to a folder among the folders and does not enter it; say so.
        for name in list(dirnames):
            if os.path.islink(here / name):
                links.append((here / name).relative_to(root).as_posix())
                dirnames.remove(name)
        for name in filenames:
            if name == log_name or not name.lower().endswith(".docx"):
                continue
            if name.startswith((TEMP_PREFIX, "~$", ".~lock")):
                continue
            rel = (here / name).relative_to(root).as_posix()
            (links if os.path.islink(here / name) else found).append(rel)
    return sorted(found), sorted(links)


def _link_problem(relpath: str) -> str:
    return (
        f"{_shown(relpath)} là một liên kết (symlink) trong thư mục đầu ra; không kiểm tra "
        "theo liên kết. Hãy xoá liên kết hoặc thay bằng tệp thật."
    )


def _check_file(root: Path, relpath: str, number: int, entry: dict[str, Any]) -> str | None:
    """The problem with one logged document, or None when it matches its last entry."""
    shown = _shown(relpath)
    path = root / relpath
    try:
        link = links_below(root, path)
        if link is not None:
            return _link_problem(link.relative_to(root).as_posix())
        try:
            st = os.lstat(path)
        except (FileNotFoundError, NotADirectoryError):
            st = None
        if st is None or not stat.S_ISREG(st.st_mode) or is_link(st):
            return f"Tệp {shown} có trong sổ nhật ký (dòng {number}) nhưng không còn trong thư mục."
        if sha256_file(path, follow_links=False) != entry.get("sha256"):
            return (
                f"Tệp {shown} đã bị sửa sau khi phát hành: nội dung không khớp bản ghi "
                f"ở dòng {number}."
            )
    except OSError as exc:
        return f"Không kiểm tra được tệp {shown} (dòng {number}): {reason_of(exc)}."
    except (VanbanError, ValueError) as exc:
        return f"Không kiểm tra được tệp {shown} (dòng {number}): {_shown(str(exc), 300)}"
    return None


def verify(root: Path, log_name: str = LOG_NAME) -> VerifyReport:
    """Check the log's chain and that every document matches what was last issued.

    Whatever the log or the folder holds, this reports problems and never raises: a log that is
    a link, an entry naming an impossible path, a document that is a link are each one problem.
    """
    root = Path(root)
    report = VerifyReport()
    log = AuditLog(root / log_name)
    try:
        raw_lines = log._raw_lines()
    except VanbanError as exc:
        report.problems.append(_shown(str(exc), 600))
        raw_lines = []
    expected = GENESIS
    latest: dict[str, tuple[int, dict[str, Any]]] = {}
    for number, raw in enumerate(raw_lines, start=1):
        report.checked_entries += 1
        entry = _parse(raw)
        if entry is None:
            report.problems.append(f"{log_name} dòng {number}: không phải bản ghi JSON hợp lệ.")
        elif entry.get("prev") != expected:
            where = f"dòng {number - 1}" if number > 1 else "phần đầu sổ"
            report.problems.append(
                f"{log_name} dòng {number}: chuỗi liên kết bị đứt (mã prev không khớp {where}); "
                "một dòng trước nó đã bị sửa hoặc bị xoá."
            )
        expected = sha256_bytes(raw)
        if entry is not None and entry.get("event") == "issued":
            if isinstance(entry.get("path"), str):
                latest[entry["path"]] = (number, entry)
            else:
                report.problems.append(
                    f"{log_name} dòng {number}: bản ghi phát hành thiếu đường dẫn tệp."
                )

    try:
        documents, links = _documents(root, log_name)
    except OSError as exc:
        report.problems.append(f"Không đọc được thư mục {root}: {reason_of(exc)}.")
        documents, links = [], []
    on_disk = set(documents)
    for relpath, (number, entry) in sorted(latest.items()):
        report.checked_files += 1
        if not _safe_relpath(relpath):
            report.problems.append(
                f"{log_name} dòng {number}: đường dẫn tệp không hợp lệ ({_shown(relpath)})."
            )
            continue
        on_disk.discard(relpath)
        if relpath in links:
            continue  # reported once, below
        problem = _check_file(root, relpath, number, entry)
        if problem is not None:
            report.problems.append(problem)
    for relpath in links:
        report.problems.append(_link_problem(relpath))
    for relpath in sorted(on_disk):
        report.checked_files += 1
        report.problems.append(f"Tệp {_shown(relpath)} không có trong sổ nhật ký phát hành.")
    return report


def _matches_unit(value: Any, unit: str) -> bool:
    """ "Mỹ Quý" or "xã Mỹ Quý" finds the log's "Xã Mỹ Quý", as --unit does for a run."""
    if not isinstance(value, str):
        return False
    logged, wanted = match_key(value), match_key(unit)
    return logged == wanted or logged.endswith(" " + wanted)


def history_rows(root: Path, unit: str | None = None) -> list[dict[str, Any]]:
    """Rows for ``vanban audit show``, in log order; ``unit`` keeps only that unit's entries."""
    rows = []
    for entry in AuditLog(Path(root) / LOG_NAME).entries():
        if unit is not None and not _matches_unit(entry.get("unit"), unit):
            continue
        sha = entry.get("sha256")
        rows.append(
            {
                "time": entry.get("time"),
                "event": entry.get("event"),
                "kind": entry.get("kind"),
                "unit": entry.get("unit"),
                "path": entry.get("path"),
                "hash": sha[:12] if isinstance(sha, str) else None,
                "status": entry.get("status"),
                "attempts": entry.get("attempts"),
            }
        )
    return rows
