"""Checking an output folder against its audit log, and reading the log's history.

:func:`verify` walks the log's hash chain and every document the folder holds: a file edited,
missing or not in the log is a problem, and a link is named, never followed.
:func:`history_rows` is the log as a table, for ``vanban audit show``.
"""

from __future__ import annotations

import os
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from vanban.errors import VanbanError
from vanban.files import TEMP_PREFIX, is_link, links_below, reason_of, sha256_bytes, sha256_file
from vanban.issuing.audit import GENESIS, AuditLog, parse_line
from vanban.outdir import (
    HISTORY_DIR,
    LOG_NAME,
    METADATA_SUFFIXES,
    PACKAGE_SUFFIX,
    PDF_DIR,
    REVIEW_DIR,
    SIGNED_DIR,
)
from vanban.text.names import match_key

# What verify never walks into: the history keeps replaced versions, the review its previews.
_IGNORED_DIRS = {HISTORY_DIR, REVIEW_DIR}
# Where the PDFs vanban writes live (``vanban pdf``, ``vanban signed``): checked like documents.
_PDF_DIRS = {PDF_DIR, SIGNED_DIR}
# What else vanban writes there: each PDF's metadata, each signed copy's edXML package.
_PDF_FOLDER_FILES = (".pdf", *METADATA_SUFFIXES, PACKAGE_SUFFIX)
# The entries that record a file's bytes: a document issued, a PDF published, a copy signed,
# metadata described, a package packed. (A register is the office's to fill in: never checked.)
_WRITTEN = ("issued", "published", "signed", "described", "packed")

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
    """Relative paths of the .docx files a run could have issued (not history, review, temps) and
    of the PDFs in the PDF folders, and of every link met on the way (neither followed nor read)."""
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
        in_pdf_folders = here != root and here.relative_to(root).parts[0] in _PDF_DIRS
        for name in filenames:
            wanted = name.lower().endswith(_PDF_FOLDER_FILES if in_pdf_folders else ".docx")
            if name == log_name or not wanted:
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
        entry = parse_line(raw)
        if entry is None:
            report.problems.append(f"{log_name} dòng {number}: không phải bản ghi JSON hợp lệ.")
        elif entry.get("prev") != expected:
            where = f"dòng {number - 1}" if number > 1 else "phần đầu sổ"
            report.problems.append(
                f"{log_name} dòng {number}: chuỗi liên kết bị đứt (mã prev không khớp {where}); "
                "một dòng trước nó đã bị sửa hoặc bị xoá."
            )
        expected = sha256_bytes(raw)
        if entry is not None and entry.get("event") in _WRITTEN:
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
