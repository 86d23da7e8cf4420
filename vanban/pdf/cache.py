"""Each Word file converted to PDF once per content: the cache shared by the review page, the desk
and ``vanban pdf``, keyed by the .docx's SHA-256.

It lives in the user's cache folder (``$XDG_CACHE_HOME/vanban/pdf``, else ``~/.cache/vanban/pdf``),
never in an output folder, one ``<sha256>.pdf`` per content, readable by the user alone (the PDFs
hold the documents' names of people). A hit marks the file used; after each
conversion the least recently used files go until the folder is under its bound
(:data:`DEFAULT_LIMIT_MB`, or ``VANBAN_PDF_CACHE_MB``). Deleting the folder is always safe: it
costs one conversion per document. The PDFs are LibreOffice's PDF/A-2 as converted
(``vanban.pdf.libreoffice``); nothing is added to them here.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from vanban.files import sha256_file, user_cache
from vanban.pdf.libreoffice import convert_jobs

__all__ = ["DEFAULT_LIMIT_MB", "Conversions", "cache_dir", "cached_pdfs"]

# A 100-unit plan's documents take about 60 MB as PDFs; this keeps several plans and years.
DEFAULT_LIMIT_MB = 1000
_LIMIT_VARIABLE = "VANBAN_PDF_CACHE_MB"
# The export settings the files were made with: another setting, another folder.
_SETTINGS = "pdfa2"
_WORK_PREFIX = ".converting-"
# A PDF used this recently may be about to be read by another process: never trimmed.
_IN_USE_SECONDS = 600


def cache_dir() -> Path:
    return user_cache("pdf") / _SETTINGS


@dataclass
class Conversions:
    """What :func:`cached_pdfs` found: each content's PDF in the cache, and what failed."""

    pdfs: dict[str, Path] = field(default_factory=dict)  # sha256 -> its PDF in the cache
    failures: dict[str, str] = field(default_factory=dict)  # sha256 -> why it has no PDF
    converted: list[str] = field(default_factory=list)  # the hashes converted by this call


def cached_pdfs(
    sources: Mapping[str, Path], *, timeout: float | None = None, processes: int | None = None
) -> Conversions:
    """The PDF of each ``sha256 -> .docx`` given, converting only the contents not in the cache.

    Each source is copied and the copy hashed before it is converted: a file saved again between
    the caller's hashing and the conversion is not cached under the old content's name, but
    failed ("changed while converting") for the caller to say.
    """
    folder = cache_dir()
    result = Conversions()
    missing: dict[str, Path] = {}
    for sha256, source in sources.items():
        cached = folder / f"{_checked(sha256)}.pdf"
        if _usable(cached):
            _touch(cached)
            result.pdfs[sha256] = cached
        else:
            missing[sha256] = source
    if not missing:
        return result
    # The PDFs hold what the documents hold, names of people included: the user's eyes only.
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.parent.chmod(0o700)
    work = Path(tempfile.mkdtemp(prefix=_WORK_PREFIX, dir=folder))
    try:
        jobs = []
        for sha256, source in missing.items():
            copy = work / f"{sha256}.docx"
            shutil.copyfile(source, copy)
            if sha256_file(copy) != sha256:
                result.failures[sha256] = "tệp vừa thay đổi trong lúc chuyển; hãy chạy lại"
                continue
            jobs.append((copy, work / f"{sha256}.pdf"))
        failures = convert_jobs(jobs, timeout=timeout, processes=processes)
        for copy, pdf in jobs:
            sha256 = copy.stem
            if copy in failures:
                result.failures[sha256] = failures[copy]
                continue
            target = folder / f"{sha256}.pdf"
            os.replace(pdf, target)
            result.pdfs[sha256] = target
            result.converted.append(sha256)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    trim(folder, keep=set(result.pdfs.values()))
    return result


def trim(folder: Path, *, keep: set[Path], limit_mb: int | None = None) -> list[Path]:
    """Remove the least recently used PDFs until the folder is under its bound; never ``keep``,
    nor a file used in the last minutes (another process may be about to read it). Work folders
    a killed conversion left behind go too, once they are an hour old."""
    limit = (limit_mb if limit_mb is not None else _limit_mb()) * 1024 * 1024
    now = time.time()
    for work in folder.glob(_WORK_PREFIX + "*"):
        with contextlib.suppress(OSError):
            if now - work.lstat().st_mtime > 3600:
                shutil.rmtree(work, ignore_errors=True)
    entries = []
    total = 0
    for path in folder.glob("*.pdf"):
        try:
            st = path.lstat()
        except OSError:
            continue
        entries.append((st.st_mtime, st.st_size, path))
        total += st.st_size
    removed = []
    for used, size, path in sorted(entries):
        if total <= limit:
            break
        if path in keep or now - used < _IN_USE_SECONDS:
            continue
        try:
            path.unlink()
        except OSError:
            continue
        total -= size
        removed.append(path)
    return removed


def _limit_mb() -> int:
    value = os.environ.get(_LIMIT_VARIABLE, "")
    return int(value) if value.isdigit() else DEFAULT_LIMIT_MB


def _checked(sha256: str) -> str:
    # The name is built from the hash alone: anything else would be a path taken from data.
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError(f"not a SHA-256 in hex: {sha256!r}")
    return sha256


def _usable(path: Path) -> bool:
    try:
        st = path.lstat()
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and st.st_size > 0


def _touch(path: Path) -> None:
    try:
        os.utime(path)
    except OSError:
        pass  # a read-only cache still serves its files
