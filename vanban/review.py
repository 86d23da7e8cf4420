"""Everything a signer needs to look at before signing, in ``<output>/review/``.

:func:`review` reads the run's ``manifest.json`` and ``audit.jsonl``, converts every document that
exists to PDF with one LibreOffice process, renders the first page of each as a PNG, checks the
format, diffs each document against its previous issue and writes ``review/index.html``
(see :mod:`vanban.review_page`). The folder is rebuilt whole each time, so it never holds previews
of documents that are gone.

Without LibreOffice the page is still written, without previews, and says how to install it.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from vanban.errors import InputError, TransientIOError, VanbanError
from vanban.review_page import (
    FIRST_ISSUE,
    DocumentReview,
    ReviewPage,
    ordered,
    render_page,
)
from vanban.storage import TEMP_PREFIX
from vanban.textdiff import diff_documents

Checker = Callable[[Path], Sequence[Any]]

REVIEW_DIR = "review"
INSTALL_LIBREOFFICE = (
    "Không tìm thấy LibreOffice (lệnh soffice) nên trang không có bản xem trước PDF. "
    "Cài đặt rồi chạy lại: sudo apt-get install libreoffice-writer "
    "(trên Windows/macOS: cài LibreOffice từ trang chủ và thêm soffice vào PATH)."
)
INSTALL_POPPLER = (
    "Không tìm thấy pdftoppm nên không có ảnh trang đầu. "
    "Cài đặt rồi chạy lại: sudo apt-get install poppler-utils."
)


@dataclass
class ReviewResult:
    """What :func:`review` wrote. ``pdfs`` and ``pngs`` are absolute paths under ``review/``."""

    index: Path
    pdfs: list[Path]
    pngs: list[Path]
    libreoffice: bool
    message: str | None
    documents: list[DocumentReview] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase


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
    targets = [Path(out_dir) / _relative(f, root).with_suffix(".pdf") for f in files]
    if len(set(targets)) != len(targets):
        raise InputError("Có tệp trùng nhau trong danh sách cần chuyển sang PDF.")
    failures = _convert(list(zip(files, targets, strict=True)), timeout=timeout)
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


def review(
    out_dir: Path,
    *,
    check: Checker | None = None,
    timeout: float | None = None,
    width: int = 300,
) -> ReviewResult:
    """Write ``out_dir/review/`` (PDFs, first-page PNGs, index.html) and say what was done.

    ``check`` is the format checker (path -> findings with ``.rule``, ``.message``, ``.where``);
    by default ``vanban.checker.check_document`` when that module exists.
    """
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise InputError(f"Không tìm thấy thư mục kết quả: {out_dir}")
    timings: dict[str, float] = {}
    started = time.perf_counter()
    notes: list[str] = []
    manifest = _read_manifest(out_dir)
    if manifest is None:
        notes.append(
            "Không có manifest.json: danh sách văn bản lấy từ các tệp .docx trong thư mục."
        )
    issued, skipped = _latest_issued(out_dir / "audit.jsonl")
    if skipped:
        notes.append(
            f"audit.jsonl có {skipped} dòng không đọc được, đã bỏ qua khi so sánh với bản trước "
            "(kiểm tra sổ: vanban audit verify)."
        )
    docs = ordered(_documents(out_dir, manifest, issued))
    any_file = any(doc.exists for doc in docs)

    # The temporary prefix makes the run's own tools (audit verify, storage) ignore it.
    staging = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}review-", dir=out_dir))
    staging.chmod(0o755)  # mkdtemp makes it private; the page is meant to be shared
    try:
        soffice = find_soffice()
        if soffice is None:
            notes.append(INSTALL_LIBREOFFICE)
            for doc in docs:
                if doc.exists:
                    doc.preview_note = "Chưa có bản xem trước (thiếu LibreOffice)"
        elif any_file:
            _previews(docs, out_dir, staging, notes, timings, timeout=timeout, width=width)

        mark = time.perf_counter()
        _check_all(docs, out_dir, check)
        timings["check"] = time.perf_counter() - mark
        mark = time.perf_counter()
        for doc in docs:
            _diff(doc, out_dir, issued)
        timings["diff"] = time.perf_counter() - mark

        plan = (manifest or {}).get("plan") or {}
        page = ReviewPage(
            title=str(plan.get("title") or plan.get("symbol") or out_dir.name),
            symbol=_str_or_none(plan.get("symbol")),
            generated_at=_str_or_none((manifest or {}).get("generated_at")),
            reviewed_at=datetime.now(UTC).isoformat(timespec="seconds"),
            message="\n".join(notes) or None,
            documents=docs,
        )
        (staging / "index.html").write_text(render_page(page), encoding="utf-8")
        review_dir = _replace_dir(staging, out_dir / REVIEW_DIR)
    finally:
        shutil.rmtree(staging, ignore_errors=True)

    timings["total"] = time.perf_counter() - started
    return ReviewResult(
        index=review_dir / "index.html",
        pdfs=[review_dir / doc.pdf for doc in docs if doc.pdf],
        pngs=[review_dir / doc.png for doc in docs if doc.png],
        libreoffice=soffice is not None,
        message="\n".join(notes) or None,
        documents=docs,
        timings=timings,
    )


# --- conversion ---------------------------------------------------------------------------------


def _convert(jobs: list[tuple[Path, Path]], *, timeout: float | None) -> dict[Path, str]:
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


def _previews(
    docs: list[DocumentReview],
    out_dir: Path,
    staging: Path,
    notes: list[str],
    timings: dict[str, float],
    *,
    timeout: float | None,
    width: int,
) -> None:
    present = [doc for doc in docs if doc.exists and doc.path]
    jobs = [(out_dir / doc.path, staging / _pdf_name(doc.path)) for doc in present if doc.path]
    mark = time.perf_counter()
    try:
        failures = _convert(jobs, timeout=timeout)
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
    for doc, (source, target) in zip(present, jobs, strict=True):
        if source in failures:
            doc.preview_note = f"Không chuyển được sang PDF: {failures[source]}"
            continue
        doc.pdf = _relative(target, staging).as_posix()
        if not has_pdftoppm:
            continue
        png = target.with_suffix(".png")
        try:
            first_page_png(target, png, width=width)
        except VanbanError as exc:
            doc.preview_note = exc.message
            continue
        doc.png = _relative(png, staging).as_posix()
    timings["render"] = time.perf_counter() - mark


def _pdf_name(relative: str) -> str:
    return PurePosixPath(relative).with_suffix(".pdf").as_posix()


# --- reading the run ----------------------------------------------------------------------------


def _read_manifest(out_dir: Path) -> dict[str, Any] | None:
    path = out_dir / "manifest.json"
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"Không đọc được {path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("documents", []), list):
        raise InputError(f"{path} không đúng cấu trúc: cần một đối tượng có danh sách 'documents'.")
    return data


def _latest_issued(audit: Path) -> tuple[dict[str, dict[str, Any]], int]:
    """The latest ``issued`` entry of each path, and how many lines were not JSON objects.

    Unlike the audit module's strict reader, a bad line (a torn write, a hand edit) is skipped: the
    review page should still show everything else and say that the log needs checking.
    """
    latest: dict[str, dict[str, Any]] = {}
    skipped = 0
    if not audit.exists():
        return latest, skipped
    with audit.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                entry = None
            if not isinstance(entry, dict):
                skipped += 1
                continue
            if entry.get("event") == "issued":
                path = _clean_relative(entry.get("path"))
                if path is not None:
                    latest[path] = entry
    return latest, skipped


def _documents(
    out_dir: Path, manifest: dict[str, Any] | None, issued: dict[str, dict[str, Any]]
) -> list[DocumentReview]:
    if manifest is None:
        return _documents_from_folder(out_dir, issued)
    docs = []
    for entry in manifest.get("documents", []):
        if not isinstance(entry, dict):
            continue
        raw_path = entry.get("path")
        path = _clean_relative(raw_path)
        doc = DocumentReview(
            kind=str(entry.get("kind") or ""),
            label=str(entry.get("label") or entry.get("kind") or raw_path or "Văn bản"),
            status=str(entry.get("status") or "unknown"),
            stage=entry["stage"] if isinstance(entry.get("stage"), int) else None,
            stage_label=str(entry.get("stage_label") or ""),
            unit=_str_or_none(entry.get("unit")),
            path=path if path is not None else _str_or_none(raw_path),
            reason=_str_or_none(entry.get("reason")),
        )
        doc.exists = path is not None and (out_dir / path).is_file()
        if raw_path and path is None:
            doc.preview_note = "Đường dẫn trong manifest.json không hợp lệ"
        _edited_warning(doc, out_dir, issued, entry.get("sha256"))
        docs.append(doc)
    return docs


def _documents_from_folder(
    out_dir: Path, issued: dict[str, dict[str, Any]]
) -> list[DocumentReview]:
    docs = []
    for file in sorted(out_dir.rglob("*.docx")):
        relative = _relative(file, out_dir)
        if any(part.startswith(".") or part == REVIEW_DIR for part in relative.parts):
            continue
        path = relative.as_posix()
        top = relative.parts[0]
        prefix = top.split("-", 1)[0]
        stage = int(prefix) if prefix.isdigit() else None
        doc = DocumentReview(
            kind="",
            label=relative.stem if len(relative.parts) == 1 else top,
            unit=relative.stem if len(relative.parts) > 1 else None,
            status="issued" if path in issued else "unknown",
            stage=stage,
            path=path,
            exists=True,
        )
        _edited_warning(doc, out_dir, issued, None)
        docs.append(doc)
    return docs


def _edited_warning(
    doc: DocumentReview, out_dir: Path, issued: dict[str, dict[str, Any]], expected: Any
) -> None:
    """Say so when the file on disk is not the one last issued: someone edited it by hand."""
    if not doc.exists or not doc.path:
        return
    recorded = (issued.get(doc.path) or {}).get("sha256") or expected
    if not isinstance(recorded, str) or not recorded:
        return
    actual = hashlib.sha256((out_dir / doc.path).read_bytes()).hexdigest()
    if actual != recorded.lower():
        warning = "Tệp trên đĩa khác với bản đã phát hành (có thể đã bị sửa tay)."
        doc.reason = f"{doc.reason}\n{warning}" if doc.reason else warning


def _check_all(docs: list[DocumentReview], out_dir: Path, check: Checker | None) -> None:
    checker, note = (check, None) if check is not None else _default_checker()
    for doc in docs:
        if not doc.exists or not doc.path:
            continue
        if checker is None:
            doc.check_note = note
            continue
        try:
            doc.findings = list(checker(out_dir / doc.path))
        except Exception as exc:  # a checker bug must not hide the rest of the page
            doc.check_note = f"Lỗi khi kiểm tra thể thức: {exc}"


def _default_checker() -> tuple[Checker | None, str]:
    try:
        module = importlib.import_module("vanban.checker")
    except ModuleNotFoundError as exc:
        if exc.name == "vanban.checker":
            return None, "Chưa kiểm tra thể thức: chưa có bộ kiểm tra (vanban.checker)."
        return None, f"Chưa kiểm tra thể thức: không nạp được vanban.checker ({exc})."
    except ImportError as exc:
        return None, f"Chưa kiểm tra thể thức: không nạp được vanban.checker ({exc})."
    function = getattr(module, "check_document", None)
    if not callable(function):
        return None, "Chưa kiểm tra thể thức: vanban.checker không có check_document."
    checker: Checker = function
    return checker, ""


def _diff(doc: DocumentReview, out_dir: Path, issued: dict[str, dict[str, Any]]) -> None:
    if not doc.exists or not doc.path:
        return
    entry = issued.get(doc.path)
    if entry is None:
        doc.diff_note = "Không có trong nhật ký phát hành (audit.jsonl): không so sánh được."
        return
    history = _clean_relative(entry.get("history"))
    if history is None:
        doc.diff_note = FIRST_ISSUE
        return
    previous = _history_file(out_dir, history)
    doc.previous = _relative(previous, out_dir).as_posix()
    if not previous.is_file():
        doc.diff_note = f"Không tìm thấy bản phát hành trước: {doc.previous}"
        return
    try:
        doc.diff = diff_documents(previous, out_dir / doc.path)
    except VanbanError as exc:
        doc.diff_note = f"Không so sánh được: {exc.message}"


def _history_file(out_dir: Path, history: str) -> Path:
    """``history`` is under ``.history/``; accept it written with or without that prefix."""
    relative = PurePosixPath(history)
    if relative.parts[0] == ".history":
        return out_dir / relative
    inside = out_dir / ".history" / relative
    return inside if inside.exists() or not (out_dir / relative).exists() else out_dir / relative


# --- small helpers ------------------------------------------------------------------------------


def _clean_relative(value: Any) -> str | None:
    """A POSIX path relative to the output folder, or None if absent or pointing outside it."""
    if not isinstance(value, str) or not value.strip():
        return None
    path = PurePosixPath(value.strip().replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts:
        return None
    return path.as_posix()


def _relative(path: Path, root: Path) -> Path:
    try:
        return path.resolve().relative_to(root.resolve())
    except ValueError:
        return Path(path.name)


def _common_folder(files: Sequence[Path]) -> Path:
    return Path(os.path.commonpath([str(f.resolve().parent) for f in files]))


def _str_or_none(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


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
