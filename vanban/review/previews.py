"""Previews of .docx files: their PDFs (``vanban.pdf.libreoffice``), first-page PNGs from pdftoppm.

Without poppler-utils :func:`first_page_png` raises VanbanError with :data:`INSTALL_POPPLER`,
which says how to install it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from vanban.errors import InputError, TransientIOError, VanbanError
from vanban.pdf.libreoffice import INSTALL_LIBREOFFICE, convert_jobs, find_soffice

__all__ = [
    "INSTALL_LIBREOFFICE",
    "INSTALL_POPPLER",
    "convert_jobs",
    "convert_to_pdf",
    "find_soffice",
    "first_page_png",
    "relative_path",
]

INSTALL_POPPLER = (
    "Không tìm thấy pdftoppm nên không có ảnh trang đầu. "
    "Cài đặt rồi chạy lại: sudo apt-get install poppler-utils."
)


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


def relative_path(path: Path, root: Path) -> Path:
    """``path`` relative to ``root``, or just its name when it lies outside ``root``."""
    try:
        return path.resolve().relative_to(root.resolve())
    except ValueError:
        return Path(path.name)


def _common_folder(files: Sequence[Path]) -> Path:
    return Path(os.path.commonpath([str(f.resolve().parent) for f in files]))
