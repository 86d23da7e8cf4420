"""Everything a signer needs to look at before signing, in ``<output>/review/``.

:func:`review_folder` reads the run's ``manifest.json`` and ``audit.jsonl`` (see
:mod:`vanban.review.inputs`), converts every document that exists to PDF with one LibreOffice
process, renders the first page of each as a PNG (see :mod:`vanban.review.previews`), checks the
format, diffs each document against its previous issue and writes ``review/index.html``
(see :mod:`vanban.review.page`). The folder is rebuilt whole each time, so it never holds previews
of documents that are gone.

Without LibreOffice the page is still written, without previews, and says how to install it.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from vanban.errors import InputError, VanbanError
from vanban.files import TEMP_PREFIX, sha256_file
from vanban.outdir import HISTORY_DIR, REVIEW_DIR
from vanban.pdf.cache import cached_pdfs
from vanban.registering.register import registers_of
from vanban.review.checkstate import cached_findings, remember_findings
from vanban.review.inputs import clean_relative, plain_file, read_inputs, str_or_none
from vanban.review.page import (
    FIRST_ISSUE,
    DocumentReview,
    ReviewPage,
    render_page,
)
from vanban.review.previews import (
    INSTALL_LIBREOFFICE,
    INSTALL_POPPLER,
    convert_to_pdf,
    find_soffice,
    first_page_png,
    relative_path,
)
from vanban.review.textdiff import diff_documents

__all__ = [
    "INSTALL_LIBREOFFICE",
    "INSTALL_POPPLER",
    "Checker",
    "ReviewResult",
    "convert_to_pdf",
    "find_soffice",
    "first_page_png",
    "review_folder",
]

Checker = Callable[[Path], Sequence[Any]]

# The page itself, in the review folder beside the PDFs and PNGs.
INDEX_NAME = "index.html"


@dataclass
class ReviewResult:
    """What :func:`review_folder` wrote.

    ``pdfs`` and ``pngs`` are absolute paths in the review folder.
    """

    index: Path
    pdfs: list[Path]
    pngs: list[Path]
    libreoffice: bool
    message: str | None
    documents: list[DocumentReview] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase


def review_folder(
    out_dir: Path,
    *,
    check: Checker | None = None,
    timeout: float | None = None,
    width: int = 300,
    processes: int | None = None,
) -> ReviewResult:
    """Write ``out_dir/review/`` (PDFs, first-page PNGs, index.html) and say what was done.

    Only documents that changed since the last review are converted again, in ``processes``
    LibreOffice processes at once (default: one per core); the others keep their previews.

    ``check`` is the format checker (path -> findings with ``.rule``, ``.message``, ``.where``);
    by default ``vanban.decree30.checker.check_document`` when that module exists.
    """
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise InputError(f"Không tìm thấy thư mục kết quả: {out_dir}")
    timings: dict[str, float] = {}
    started = time.perf_counter()
    inputs = read_inputs(out_dir)
    docs, notes = inputs.documents, inputs.notes
    staging = _staging_dir(out_dir)
    try:
        libreoffice = _check_and_preview(
            docs,
            out_dir,
            staging,
            check,
            notes,
            timings,
            timeout=timeout,
            width=width,
            processes=processes,
        )
        _diff_all(docs, out_dir, inputs.issued, timings)
        _write_page(staging / INDEX_NAME, out_dir, inputs.manifest, docs, notes)
        review_dir = _replace_dir(staging, out_dir / REVIEW_DIR)
    finally:
        shutil.rmtree(staging, ignore_errors=True)

    timings["total"] = time.perf_counter() - started
    return ReviewResult(
        index=review_dir / INDEX_NAME,
        pdfs=[review_dir / doc.pdf for doc in docs if doc.pdf],
        pngs=[review_dir / doc.png for doc in docs if doc.png],
        libreoffice=libreoffice,
        message="\n".join(notes) or None,
        documents=docs,
        timings=timings,
    )


# --- the steps of a review ----------------------------------------------------------------------


def _staging_dir(out_dir: Path) -> Path:
    """A new folder where the page is built, put in place of the review folder once complete."""
    # The temporary prefix makes the run's own tools (audit verify, storage) ignore it.
    staging = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{REVIEW_DIR}-", dir=out_dir))
    staging.chmod(0o755)  # mkdtemp makes it private; the page is meant to be shared
    return staging


def _check_and_preview(
    docs: list[DocumentReview],
    out_dir: Path,
    staging: Path,
    check: Checker | None,
    notes: list[str],
    timings: dict[str, float],
    *,
    timeout: float | None,
    width: int,
    processes: int | None,
) -> bool:
    """Check every document's format and make its previews; whether LibreOffice was found.

    The format checks run while LibreOffice converts: they are Python in this process, the
    conversion waits on soffice processes, so the two overlap. Each sets fields of its own on the
    documents (findings; previews).
    """
    # Each file is read once for its hash: the previews and the checks both go by it.
    hashes = {
        out_dir / doc.path: sha256_file(out_dir / doc.path)
        for doc in docs
        if doc.exists and doc.path
    }
    with ThreadPoolExecutor(max_workers=1) as pool:
        checking = pool.submit(_timed_checks, docs, out_dir, check, hashes, timings)
        soffice = find_soffice()
        if soffice is None:
            notes.append(INSTALL_LIBREOFFICE)
            for doc in docs:
                if doc.exists:
                    doc.preview_note = "Chưa có bản xem trước (thiếu LibreOffice)"
        elif any(doc.exists for doc in docs):
            _previews(
                docs,
                out_dir,
                staging,
                notes,
                timings,
                hashes,
                timeout=timeout,
                width=width,
                processes=processes,
            )
        checking.result()
    return soffice is not None


def _write_page(
    index: Path,
    out_dir: Path,
    manifest: dict[str, Any] | None,
    docs: list[DocumentReview],
    notes: list[str],
) -> None:
    plan = (manifest or {}).get("plan") or {}
    page = ReviewPage(
        title=str(plan.get("title") or plan.get("symbol") or out_dir.name),
        symbol=str_or_none(plan.get("symbol")),
        generated_at=str_or_none((manifest or {}).get("generated_at")),
        reviewed_at=datetime.now(UTC).isoformat(timespec="seconds"),
        message="\n".join(notes) or None,
        documents=docs,
        registers=_registers(out_dir, docs),
    )
    index.write_text(render_page(page), encoding="utf-8")


def _registers(out_dir: Path, docs: list[DocumentReview]) -> list[tuple[str, str]]:
    """The outgoing register of each body that issued a document (``vanban pdf`` writes them),
    where it is on disk, never through a link."""
    registers = registers_of(doc.issuing_body for doc in docs)
    return [(body, path) for path, body in registers.items() if plain_file(out_dir, path)]



# --- previews -----------------------------------------------------------------------------------


def _previews(
    docs: list[DocumentReview],
    out_dir: Path,
    staging: Path,
    notes: list[str],
    timings: dict[str, float],
    hashes: dict[Path, str],
    *,
    timeout: float | None,
    width: int,
    processes: int | None,
) -> None:
    present = [doc for doc in docs if doc.exists and doc.path]
    jobs = [(out_dir / doc.path, staging / _pdf_name(doc.path)) for doc in present if doc.path]
    previous = _previous_previews(out_dir / REVIEW_DIR)
    kept = _keep_unchanged(jobs, hashes, previous, out_dir / REVIEW_DIR, staging, width)
    mark = time.perf_counter()
    try:
        failures = _convert(jobs, kept, hashes, timeout=timeout, processes=processes)
    except VanbanError as exc:
        notes.append(exc.message)
        for doc in present:
            doc.preview_note = "Không chuyển được sang PDF"
        return
    finally:
        timings["convert"] = time.perf_counter() - mark
    mark = time.perf_counter()
    has_pdftoppm = shutil.which("pdftoppm") is not None
    if not has_pdftoppm:
        notes.append(INSTALL_POPPLER)
    state: dict[str, dict[str, Any]] = {}
    for doc, (source, target) in zip(present, jobs, strict=True):
        if source in failures:
            doc.preview_note = f"Không chuyển được sang PDF: {failures[source]}"
            continue
        assert doc.path is not None
        doc.pdf = relative_path(target, staging).as_posix()
        png = target.with_suffix(".png")
        if source not in kept or not png.is_file():
            if not has_pdftoppm:
                continue
            try:
                first_page_png(target, png, width=width)
            except VanbanError as exc:
                doc.preview_note = exc.message
                continue
        doc.png = relative_path(png, staging).as_posix()
        state[doc.path] = {"sha256": hashes[source], "width": width}
    (staging / PREVIEWS_STATE).write_text(json.dumps(state, indent=1), encoding="utf-8")
    timings["render"] = time.perf_counter() - mark


def _convert(
    jobs: list[tuple[Path, Path]],
    kept: set[Path],
    hashes: dict[Path, str],
    *,
    timeout: float | None,
    processes: int | None,
) -> dict[Path, str]:
    """Put each PDF not kept at its target, from the shared cache (``vanban.pdf.cache``): a
    document ``vanban pdf`` or an earlier review converted is not converted again."""
    wanted = {hashes[source]: source for source, _ in jobs if source not in kept}
    done = cached_pdfs(wanted, timeout=timeout, processes=processes)
    failures: dict[Path, str] = {}
    for source, target in jobs:
        if source in kept:
            continue
        cached = done.pdfs.get(hashes[source])
        if cached is None:
            failures[source] = done.failures.get(hashes[source], "không có PDF")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, target)
    return failures


# What the last review converted: each document's hash, so a re-review converts what changed.
PREVIEWS_STATE = "previews.json"


def _previous_previews(review_dir: Path) -> dict[str, dict[str, Any]]:
    try:
        if review_dir.is_symlink() or not review_dir.is_dir():
            return {}
        value = json.loads((review_dir / PREVIEWS_STATE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _keep_unchanged(
    jobs: list[tuple[Path, Path]],
    hashes: dict[Path, str],
    previous: dict[str, dict[str, Any]],
    review_dir: Path,
    staging: Path,
    width: int,
) -> set[Path]:
    """Copy the previews of documents unchanged since the last review; return their sources."""
    kept: set[Path] = set()
    for source, target in jobs:
        relative = target.relative_to(staging)
        before = previous.get(relative.with_suffix(".docx").as_posix())
        old_pdf, old_png = review_dir / relative, (review_dir / relative).with_suffix(".png")
        if not isinstance(before, dict) or before.get("sha256") != hashes[source]:
            continue
        if before.get("width") != width or old_pdf.is_symlink() or not old_pdf.is_file():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(old_pdf, target)
        if old_png.is_file() and not old_png.is_symlink():
            shutil.copyfile(old_png, target.with_suffix(".png"))
        kept.add(source)
    return kept


def _pdf_name(relative: str) -> str:
    return PurePosixPath(relative).with_suffix(".pdf").as_posix()


# --- format checks and diffs --------------------------------------------------------------------


def _timed_checks(
    docs: list[DocumentReview],
    out_dir: Path,
    check: Checker | None,
    hashes: dict[Path, str],
    timings: dict[str, float],
) -> None:
    mark = time.perf_counter()
    _check_all(docs, out_dir, check, hashes)
    timings["check"] = time.perf_counter() - mark


def _check_all(
    docs: list[DocumentReview], out_dir: Path, check: Checker | None, hashes: dict[Path, str]
) -> None:
    """Check each document's format; with the default checker, only the documents whose bytes
    it has not checked before (``checkstate``): the others keep their findings."""
    checker, note = (check, None) if check is not None else _default_checker()
    remember = check is None and checker is not None
    for doc in docs:
        if not doc.exists or not doc.path:
            continue
        if checker is None:
            doc.check_note = note
            continue
        sha256 = hashes.get(out_dir / doc.path, "")
        kept = cached_findings(sha256) if remember and sha256 else None
        if kept is not None:
            doc.findings = list(kept)
            continue
        try:
            doc.findings = list(checker(out_dir / doc.path))
        except Exception as exc:  # a checker bug must not hide the rest of the page
            doc.check_note = f"Lỗi khi kiểm tra thể thức: {exc}"
            continue
        if remember and sha256:
            remember_findings(sha256, doc.findings)


def _default_checker() -> tuple[Checker | None, str]:
    try:
        module = importlib.import_module("vanban.decree30.checker")
    except ModuleNotFoundError as exc:
        if exc.name == "vanban.decree30.checker":
            return None, "Chưa kiểm tra thể thức: chưa có bộ kiểm tra (vanban.decree30.checker)."
        return None, f"Chưa kiểm tra thể thức: không nạp được vanban.decree30.checker ({exc})."
    except ImportError as exc:
        return None, f"Chưa kiểm tra thể thức: không nạp được vanban.decree30.checker ({exc})."
    function = getattr(module, "check_document", None)
    if not callable(function):
        return None, "Chưa kiểm tra thể thức: vanban.decree30.checker không có check_document."
    checker: Checker = function
    return checker, ""


def _diff_all(
    docs: list[DocumentReview],
    out_dir: Path,
    issued: dict[str, dict[str, Any]],
    timings: dict[str, float],
) -> None:
    mark = time.perf_counter()
    for doc in docs:
        _diff(doc, out_dir, issued)
    timings["diff"] = time.perf_counter() - mark


def _diff(doc: DocumentReview, out_dir: Path, issued: dict[str, dict[str, Any]]) -> None:
    if not doc.exists or not doc.path:
        return
    entry = issued.get(doc.path)
    if entry is None:
        doc.diff_note = "Không có trong nhật ký phát hành (audit.jsonl): không so sánh được."
        return
    history = clean_relative(entry.get("history"))
    if history is None:
        doc.diff_note = FIRST_ISSUE
        return
    previous = _history_file(out_dir, history)
    doc.previous = relative_path(previous, out_dir).as_posix()
    if not previous.is_file():
        doc.diff_note = f"Không tìm thấy bản phát hành trước: {doc.previous}"
        return
    try:
        doc.diff = diff_documents(previous, out_dir / doc.path)
    except VanbanError as exc:
        doc.diff_note = f"Không so sánh được: {exc.message}"


def _history_file(out_dir: Path, history: str) -> Path:
    """``history`` is in the history folder; accept it written with or without that prefix."""
    relative = PurePosixPath(history)
    if relative.parts[0] == HISTORY_DIR:
        return out_dir / relative
    inside = out_dir / HISTORY_DIR / relative
    return inside if inside.exists() or not (out_dir / relative).exists() else out_dir / relative


def _replace_dir(new: Path, target: Path) -> Path:
    """Put ``new`` in place of ``target``; the old folder is removed only once the new one is in."""
    old: Path | None = None
    if target.exists():
        old = target.with_name(
            f"{TEMP_PREFIX}{target.name}-old-{os.getpid()}-{time.monotonic_ns()}"
        )
        target.rename(old)
    new.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target
