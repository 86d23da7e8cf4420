"""Previews of .docx files: PDFs from one LibreOffice process, first-page PNGs from pdftoppm.

Without LibreOffice or poppler-utils the functions here raise VanbanError with the message
(:data:`INSTALL_LIBREOFFICE`, :data:`INSTALL_POPPLER`) that says how to install them.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from vanban.errors import InputError, TransientIOError, VanbanError

INSTALL_LIBREOFFICE = (
    "Không tìm thấy LibreOffice (lệnh soffice) nên trang không có bản xem trước PDF. "
    "Cài đặt rồi chạy lại: sudo apt-get install libreoffice-writer "
    "(trên Windows/macOS: cài LibreOffice từ trang chủ và thêm soffice vào PATH)."
)
INSTALL_POPPLER = (
    "Không tìm thấy pdftoppm nên không có ảnh trang đầu. "
    "Cài đặt rồi chạy lại: sudo apt-get install poppler-utils."
)


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(
    docx_files: Sequence[Path],
    out_dir: Path,
    *,
    base: Path | None = None,
    timeout: float | None = None,
) -> list[Path]:
    """Convert every file with one LibreOffice process; return the PDFs in the input's order.

    Each PDF mirrors its source's path relative to ``base`` (default: the inputs' common folder)
    under ``out_dir``, so ``03-giay-moi/a.docx`` and ``04-bao-cao-ket-qua/a.docx`` do not collide.
    Raises VanbanError naming every file that could not be converted.
    """
    files = [Path(f) for f in docx_files]
    if not files:
        return []
    root = Path(base) if base is not None else _common_folder(files)
    targets = [Path(out_dir) / relative_path(f, root).with_suffix(".pdf") for f in files]
    if len(set(targets)) != len(targets):
        raise InputError("Có tệp trùng nhau trong danh sách cần chuyển sang PDF.")
    failures = convert_jobs(list(zip(files, targets, strict=True)), timeout=timeout)
    if failures:
        lines = [f"- {source}: {why}" for source, why in failures.items()]
        raise VanbanError("Không chuyển được sang PDF:\n" + "\n".join(lines))
    return targets


def first_page_png(pdf: Path, png: Path, *, width: int = 300) -> Path:
    """Render page 1 of ``pdf`` to ``png``, ``width`` pixels wide, height in proportion."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise VanbanError(INSTALL_POPPLER)
    png = Path(png)
    png.parent.mkdir(parents=True, exist_ok=True)
    prefix = png.with_suffix("")
    command = [exe, "-png", "-f", "1", "-l", "1", "-singlefile", "-scale-to-x", str(width),
               "-scale-to-y", "-1", str(pdf), str(prefix)]  # fmt: skip
    try:
        done = subprocess.run(
            command, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120
        )
    except subprocess.TimeoutExpired as exc:
        raise TransientIOError(f"pdftoppm quá thời gian khi đọc {pdf}") from exc
    written = prefix.with_name(prefix.name + ".png")
    if done.returncode != 0 or not written.exists():
        raise VanbanError(f"Không tạo được ảnh trang đầu của {pdf}: {done.stderr.strip()}")
    if written != png:
        written.replace(png)
    return png


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
        command = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
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


def relative_path(path: Path, root: Path) -> Path:
    """``path`` relative to ``root``, or just its name when it lies outside ``root``."""
    try:
        return path.resolve().relative_to(root.resolve())
    except ValueError:
        return Path(path.name)


def _common_folder(files: Sequence[Path]) -> Path:
    return Path(os.path.commonpath([str(f.resolve().parent) for f in files]))
