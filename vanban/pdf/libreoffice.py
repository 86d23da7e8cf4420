"""Word files to PDF/A-2 with LibreOffice: one process per core at most, each with its own profile.

The profile each process starts with sets the PDF export to PDF/A-2 (``SelectPdfVersion`` 2), which
every LibreOffice version reads, unlike the JSON filter options of ``--convert-to`` (7.4 and
later): the same files therefore serve the review's previews and the signing PDFs of
``vanban pdf``. PDF/A embeds every font; Times New Roman is replaced by its metric twin Liberation
Serif where it is missing (version 2 has every Vietnamese letter; Debian's fonts-liberation2).

Without LibreOffice the functions here raise VanbanError with :data:`INSTALL_LIBREOFFICE`.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from vanban.errors import TransientIOError, VanbanError

__all__ = [
    "INSTALL_LIBREOFFICE",
    "PROFILE_SETTINGS",
    "conversion_processes",
    "convert_jobs",
    "find_soffice",
]

INSTALL_LIBREOFFICE = (
    "Không tìm thấy LibreOffice (lệnh soffice) nên trang không có bản xem trước PDF. "
    "Cài đặt rồi chạy lại: sudo apt-get install libreoffice-writer "
    "(trên Windows/macOS: cài LibreOffice từ trang chủ và thêm soffice vào PATH)."
)
# The export settings a fresh profile starts with: PDF/A-2b ("2"); everything else as shipped.
PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" \
xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Filter/PDF/Export">\
<prop oor:name="SelectPdfVersion" oor:op="fuse"><value>2</value></prop></item>
</oor:items>
"""


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def conversion_processes(jobs: int) -> int:
    """How many LibreOffice processes to convert ``jobs`` files with: one per core, at most."""
    return max(1, min(jobs, os.cpu_count() or 1))


def convert_jobs(
    jobs: list[tuple[Path, Path]], *, timeout: float | None, processes: int | None = None
) -> dict[Path, str]:
    """Convert (source, target PDF) pairs; return the failures with their reasons.

    The files are shared out among ``processes`` LibreOffice processes (default: one per core),
    each with a profile of its own (two soffice processes cannot share one), balanced by size.
    """
    if not jobs:
        return {}
    count = processes if processes is not None else conversion_processes(len(jobs))
    count = max(1, min(count, len(jobs)))
    groups: list[list[tuple[Path, Path]]] = [[] for _ in range(count)]
    loads = [0] * count
    # Largest first, each to the lightest group: a 1,000-page file gets a process to itself.
    for job in sorted(jobs, key=lambda j: _size(j[0]), reverse=True):
        k = loads.index(min(loads))
        groups[k].append(job)
        loads[k] += _size(job[0]) or 1
    if count == 1:
        return _convert_group(groups[0], timeout=timeout)
    failures: dict[Path, str] = {}
    with ThreadPoolExecutor(max_workers=count) as pool:
        for result in pool.map(lambda g: _convert_group(g, timeout=timeout), groups):
            failures.update(result)
    return failures


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _convert_group(jobs: list[tuple[Path, Path]], *, timeout: float | None) -> dict[Path, str]:
    """Convert (source, target PDF) pairs in one soffice run; return the failures with reasons.

    Sources are staged under unique names first because soffice names each PDF after its input's
    base name, and two inputs in different folders may share one.
    """
    soffice = find_soffice()
    if soffice is None:
        raise VanbanError(INSTALL_LIBREOFFICE)
    work = Path(tempfile.mkdtemp(prefix="vanban-soffice-"))
    try:
        staged_in, staged_out = work / "in", work / "out"
        staged_in.mkdir()
        staged_out.mkdir()
        staged: list[Path] = []
        for k, (source, _) in enumerate(jobs):
            copy = staged_in / f"{k:04d}.docx"
            shutil.copyfile(source, copy)
            staged.append(copy)
        profile = work / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(PROFILE_SETTINGS, "utf-8")
        command = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless", "--norestore", "--nolockcheck", "--nodefault", "--nologo",
            "--convert-to", "pdf", "--outdir", str(staged_out),
            *(str(p) for p in staged),
        ]  # fmt: skip
        limit = timeout if timeout is not None else 60.0 + 10.0 * len(jobs)
        returncode, output = _run_group(command, limit)
        failures: dict[Path, str] = {}
        for (source, target), copy in zip(jobs, staged, strict=True):
            pdf = staged_out / (copy.stem + ".pdf")
            if pdf.exists() and pdf.stat().st_size > 0:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(str(pdf), str(target))
            else:
                failures[source] = _why(output, copy.name, returncode)
        return failures
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run_group(command: list[str], timeout: float) -> tuple[int, str]:
    """Run a command in its own process group, so a timeout can end soffice.bin as well."""
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    except OSError as exc:
        raise VanbanError(f"Không chạy được LibreOffice ({command[0]}): {exc}") from exc
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.communicate()
        raise TransientIOError(
            f"LibreOffice không chuyển xong sang PDF sau {timeout:.0f} giây; đã dừng nó."
        ) from exc
    return process.returncode, out.decode("utf-8", "replace")


def _why(output: str, staged_name: str, returncode: int) -> str:
    """A reason for one missing PDF. soffice does not name the file it could not load, but it
    prints "convert <file> -> ..." for each file it did load."""
    loaded = any(
        staged_name in line and line.startswith("convert ") for line in output.splitlines()
    )
    if not loaded and "could not be loaded" in output:
        return "LibreOffice không mở được tệp (tệp hỏng hoặc không phải .docx)"
    errors = [line.strip() for line in output.splitlines() if "rror" in line]
    detail = f": {'; '.join(errors[-3:])}" if errors else ""
    return f"LibreOffice không tạo ra PDF (mã thoát {returncode}){detail}"
