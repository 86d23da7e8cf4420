"""``vanban pdf``: a signing PDF of every issued document, with its empty signature fields.

For each document the last run issued, :func:`publish` writes ``pdf/<its path>.pdf``: the PDF/A-2
that LibreOffice makes of it (through the shared cache, so a document the review converted is not
converted again), with the signer's and the organisation's fields added where the decree puts
them (``vanban.pdf.fields``). Every document is prepared before anything is written: a document
whose signature block cannot be found, or that cannot be converted, is named with the others and
nothing is written. A PDF edited since vanban wrote it is never replaced unless forced, and the
version replaced goes to the history, as for documents. A document whose .docx has not changed
since its PDF was written is left alone, without converting anything.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vanban.documents.kinds import load_registry
from vanban.errors import EditedOutputError, InputError, VanbanError
from vanban.files import sha256_bytes
from vanban.issuing.audit import AuditLog, audit_entry
from vanban.issuing.jobs import WITH_FILE, doc_state
from vanban.issuing.locking import folder_lock
from vanban.issuing.storage import OutputFolder, Status, WriteOutcome
from vanban.outdir import LOG_NAME, PDF_DIR, pdf_relpath
from vanban.pdf.cache import cached_pdfs
from vanban.pdf.fields import Field, add_fields, annex_field, page_count, signature_fields
from vanban.publishing.office import (
    check_office_files,
    office_files,
    office_logged,
    write_office_files,
)
from vanban.publishing.records import latest_entries, pdf_records, read_manifest, write_pdf_records
from vanban.publishing.sources import document_facts_of
from vanban.review.inputs import clean_relative

__all__ = ["Publication", "PublishReport", "publish"]


@dataclass(frozen=True)
class Publication:
    """One signing PDF and what became of it."""

    source: str  # the .docx, relative to the output folder
    path: str  # the PDF, relative to the output folder
    sha256: str
    pages: int
    number: str  # "" while it awaits its number
    fields: tuple[str, ...]
    status: Status  # "written", "unchanged", "replaced", "forced"
    resign: bool = False  # a signed copy of an earlier version exists: it must be signed again
    awaiting_number: bool = False  # published with its number line blank


@dataclass
class PublishReport:
    out_dir: Path
    publications: list[Publication] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    converted: int = 0  # documents LibreOffice converted (the others came from the cache)
    timings: dict[str, float] = field(default_factory=dict)
    office: list[WriteOutcome] = field(default_factory=list)  # metadata files and registers


@dataclass
class _Prepared:
    source: str
    docx: bytes
    sha256: str
    signing: str
    facts: Any = None
    pdf: bytes = b""  # as LibreOffice made it
    published: bytes = b""  # with its fields
    fields: list[Field] = field(default_factory=list)
    pages: int = 0


def publish(
    out_dir: Path,
    *,
    templates: Path | None = None,
    force: bool = False,
    timeout: float | None = None,
    processes: int | None = None,
) -> PublishReport:
    """Write the signing PDF of every issued document of ``out_dir``; see the module doc."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise InputError(f"Không tìm thấy thư mục kết quả: {out_dir}")
    report = PublishReport(out_dir)
    started = time.perf_counter()
    registry = load_registry(templates)
    signing = {kind.key: kind.signing for kind in registry.kinds}
    with folder_lock(out_dir):
        folder = OutputFolder(out_dir)
        manifest = read_manifest(out_dir)
        records = pdf_records(manifest)
        issued = latest_entries(out_dir, "issued")
        published = latest_entries(out_dir, "published")
        todo, kept = _sources(folder, manifest, records, signing, report)
        # A document no longer issued (re-run into "pending", say) keeps its PDF on disk, as
        # the log knows it, but no record: no signed copy is taken back for it.
        current = {item.source for item in todo} | set(kept)
        for stale in set(records) - current:
            del records[stale]
        for source in kept:
            report.publications.append(_kept(source, records[source]))
        mark = time.perf_counter()
        _convert(todo, report, timeout=timeout, processes=processes)
        report.timings["convert"] = time.perf_counter() - mark
        mark = time.perf_counter()
        _place_fields(todo)
        report.timings["fields"] = time.perf_counter() - mark
        report.warnings.extend(_font_warnings(todo))
        for item in todo:
            entry = issued.get(item.source)
            if entry is not None and entry.get("sha256") != item.sha256:
                report.warnings.append(
                    f"{item.source} đã bị sửa tay sau khi phát hành; PDF được lập từ bản đã sửa "
                    "(dữ liệu đặc tả vẫn theo bảng tính: kiểm tra lại nếu phần sửa đổi số, ngày, "
                    "trích yếu, người ký hay nơi nhận)."
                )
        # The records office's files are made from the records as they will be, and checked
        # (an unreadable register, an edited metadata file), before the first PDF is written.
        will_be = _as_published(records, todo)
        office, warnings = office_files(folder, manifest, will_be)
        report.warnings.extend(warnings)
        logged = office_logged(folder)
        check_office_files(folder, office, force=force, logged=logged)
        _write(folder, todo, records, published, report, force=force)
        for source, record in records.items():  # the metadata files each PDF's record lists
            if "metadata" in will_be.get(source, {}):
                record["metadata"] = will_be[source]["metadata"]
        report.office = write_office_files(folder, office, force=force, logged=logged)
        write_pdf_records(out_dir, records)
    report.publications.sort(key=lambda p: p.path)
    report.timings["total"] = time.perf_counter() - started
    return report


def _sources(
    folder: OutputFolder,
    manifest: dict[str, Any],
    records: dict[str, dict[str, Any]],
    signing: dict[str, str],
    report: PublishReport,
) -> tuple[list[_Prepared], list[str]]:
    """The documents to publish, read once, and those whose PDF is current (kept as it is)."""
    todo: list[_Prepared] = []
    kept: list[str] = []
    for entry in manifest["documents"]:
        if not isinstance(entry, dict) or doc_state(entry.get("status")) not in WITH_FILE:
            continue
        source = clean_relative(entry.get("path"))
        if source is None or not folder.is_safe(source):
            report.warnings.append(f"manifest.json có đường dẫn không hợp lệ: {entry.get('path')}")
            continue
        data = folder.read(source)
        if data is None:
            report.warnings.append(f"{source} không còn trong thư mục; không lập PDF.")
            continue
        sha256 = sha256_bytes(data)
        record = records.get(source)
        if record is not None and _current(folder, record, sha256):
            kept.append(source)
            continue
        todo.append(
            _Prepared(source, data, sha256, signing.get(str(entry.get("kind")), "document"))
        )
    return todo, kept


def _current(folder: OutputFolder, record: dict[str, Any], sha256: str) -> bool:
    """Whether the PDF on record was made from these bytes and is on disk as written."""
    path = record.get("path")
    if record.get("source_sha256") != sha256 or not isinstance(path, str):
        return False
    return folder.is_safe(path) and folder.current_sha256(path) == record.get("sha256")


def _kept(source: str, record: dict[str, Any]) -> Publication:
    return Publication(
        source=source,
        path=str(record["path"]),
        sha256=str(record["sha256"]),
        pages=int(record.get("pages") or 0),
        number=str(record.get("number") or ""),
        fields=tuple(str(f) for f in record.get("fields") or ()),
        status="unchanged",
        awaiting_number=bool(record.get("awaiting_number")),
    )


def _convert(
    todo: list[_Prepared], report: PublishReport, *, timeout: float | None, processes: int | None
) -> None:
    """Each document's PDF from the cache, converting those it lacks; every failure named."""
    if not todo:
        return
    staging = Path(tempfile.mkdtemp(prefix="vanban-pdf-"))
    try:
        # The bytes hashed are the bytes converted: a copy, not the file someone may be saving.
        sources = {}
        for k, item in enumerate(todo):
            copy = staging / f"{k:05d}.docx"
            copy.write_bytes(item.docx)
            sources[item.sha256] = copy
        done = cached_pdfs(sources, timeout=timeout, processes=processes)
        report.converted = len(done.converted)
        problems = []
        for item in todo:
            cached = done.pdfs.get(item.sha256)
            if cached is None:
                why = done.failures.get(item.sha256, "LibreOffice không tạo ra PDF")
                problems.append(f"- {item.source}: {why}")
                continue
            item.pdf = cached.read_bytes()
        if problems:
            raise VanbanError(
                "Không chuyển được sang PDF, chưa ghi tệp nào:\n" + "\n".join(problems)
            )
    finally:
        shutil.rmtree(staging, ignore_errors=True)


# The fonts a signing PDF may embed: Times New Roman, or its metric twin.
_TIMES = re.compile(rb"/BaseFont\s*/(?:[A-Z]{6}\+)?([A-Za-z0-9-]+)")
_SERIF = (b"LiberationSerif", b"TimesNewRoman")


def _font_warnings(todo: list[_Prepared]) -> list[str]:
    """The documents whose PDF embeds a font other than Times New Roman or Liberation Serif:
    LibreOffice stood in another where a letter was missing (Liberation Serif 1.x lacks some
    Vietnamese letters)."""
    odd = sorted(
        {
            font.decode("ascii", "replace")
            for item in todo
            for font in _TIMES.findall(item.pdf)
            if not font.startswith(_SERIF)
        }
    )
    if not odd:
        return []
    return [
        f"PDF có phông thay thế ({', '.join(odd)}) thay cho Times New Roman: cài Times New Roman "
        "hoặc Liberation Serif bản 2 (sudo apt-get install fonts-liberation2), xoá bộ nhớ đệm "
        "PDF (~/.cache/vanban/pdf) rồi chạy lại."
    ]


def _place_fields(todo: list[_Prepared]) -> None:
    """Every document's fields, found and added, or one error naming every document they cannot
    be placed in."""
    problems = []
    for item in todo:
        if b"pdfaid:part" not in item.pdf:
            problems.append(f"- {item.source}: LibreOffice không xuất PDF/A (cần LibreOffice 6.4+)")
            continue
        try:
            item.facts = document_facts_of(item.docx)
            item.pages = page_count(item.pdf)
            if item.signing == "annex":
                item.fields = [annex_field(item.pdf)]
            elif item.facts.block is None:
                raise InputError(
                    "không có khối chữ ký (các dòng chức vụ in hoa và họ tên người ký) trong .docx"
                )
            else:
                item.fields = signature_fields(item.pdf, item.facts.block)
            item.published = add_fields(item.pdf, item.fields, salt=item.source)
        except InputError as exc:
            problems.append(f"- {item.source}: {exc.message}")
    if problems:
        raise InputError(
            "Không đặt được ô chữ ký số, chưa ghi PDF nào:\n"
            + "\n".join(problems)
            + "\nKiểm tra khối chữ ký của văn bản (mẫu Word) rồi chạy lại."
        )


def _write(
    folder: OutputFolder,
    todo: list[_Prepared],
    records: dict[str, dict[str, Any]],
    published: dict[str, dict[str, Any]],
    report: PublishReport,
    *,
    force: bool,
) -> None:
    audit = AuditLog(folder.root / LOG_NAME)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    # The last signed copy taken back of each published PDF, by the PDF's path.
    signed_copies = {
        str(e.get("source")): e for e in latest_entries(folder.root, "signed").values()
    }
    # Every path is checked for links, and every PDF for an edit, before the first write: a
    # refusal names them all, and nothing is half written.
    folder.refuse_links(
        [folder.root / PDF_DIR, *(folder.root / pdf_relpath(i.source) for i in todo)]
    )
    if not force:
        refusals = [
            why
            for item in todo
            if (why := folder.refused(pdf_relpath(item.source), item.published,
                                      refusal=_refusal(pdf_relpath(item.source), published)))
        ]  # fmt: skip
        if refusals:
            raise EditedOutputError("\n".join(refusals))
    for item in todo:
        path = pdf_relpath(item.source)
        data = item.published
        outcome = folder.write(path, data, refusal=_refusal(path, published), force=force)
        before = records.get(item.source) or {}
        # A signed copy of the same bytes stays signed; of other bytes, it must be signed again.
        # The log says so too, for a manifest that lost its record.
        logged = signed_copies.get(path)
        same = before.get("sha256") == outcome.sha256 or (
            logged is not None and logged.get("source_sha256") == outcome.sha256
        )
        kept_signed = before.get("signed") or _signed_from_log(logged)
        resign = not same and bool(before.get("signed") or logged)
        # An annex carries the number of the document it belongs to, not one of its own.
        number = item.facts.number
        awaiting = not number and item.signing != "annex"
        records[item.source] = {
            "path": path,
            "sha256": outcome.sha256,
            "size": len(data),
            "pages": item.pages,
            "source_sha256": item.sha256,
            "number": number or None,
            "awaiting_number": awaiting,
            "title": item.facts.title,
            "fields": [f.name for f in item.fields],
            "published_at": before.get("published_at", now) if same else now,
            "signed": kept_signed if same else None,
        }
        if outcome.status != "unchanged" or published.get(path, {}).get("sha256") != outcome.sha256:
            audit.append(
                audit_entry(
                    "published",
                    path=path,
                    sha256=outcome.sha256,
                    source=item.source,
                    source_sha256=item.sha256,
                    pages=item.pages,
                    size=len(data),
                    awaiting_number=awaiting,
                    history=folder.relpath(outcome.history_path) if outcome.history_path else None,
                    status=outcome.status,
                )
            )
        report.publications.append(
            Publication(
                source=item.source,
                path=path,
                sha256=outcome.sha256,
                pages=item.pages,
                number=number,
                fields=tuple(f.name for f in item.fields),
                status=outcome.status,
                resign=resign,
                awaiting_number=awaiting,
            )
        )


def _as_published(
    records: dict[str, dict[str, Any]], todo: list[_Prepared]
) -> dict[str, dict[str, Any]]:
    """A copy of ``records`` as :func:`_write` will leave them once ``todo`` is published, in
    what the records office's files read of them: path, pages, the number the PDF prints, and
    the signed copy, kept only for the same bytes."""
    predicted = {source: dict(record) for source, record in records.items()}
    for item in todo:
        record = predicted.setdefault(item.source, {})
        same = record.get("sha256") == sha256_bytes(item.published)
        record.update(path=pdf_relpath(item.source), pages=item.pages,
                      number=item.facts.number or None)  # fmt: skip
        if not same:
            record["signed"] = None
    return predicted


def _signed_from_log(entry: dict[str, Any] | None) -> dict[str, Any] | None:
    """A signed copy's record rebuilt from its log entry: the signers by certificate hash only,
    since the log holds no names."""
    if entry is None:
        return None
    return {
        "path": entry.get("path"),
        "sha256": entry.get("sha256"),
        "time": entry.get("time"),
        "signers": [{"field": "", "subject": f"SHA-256 {c}"} for c in entry.get("certificates") or []],
        "number": None,
        "date": None,
    }


def _refusal(path: str, published: dict[str, dict[str, Any]]) -> Callable[[bytes, str], str | None]:
    recorded = (published.get(path) or {}).get("sha256")

    def refusal(_old: bytes, current: str) -> str | None:
        if current == recorded:
            return None
        if recorded is None:
            what = f"{path} đã có sẵn nhưng không do vanban xuất (không có trong sổ nhật ký)"
        else:
            what = f"{path} đã bị sửa sau khi xuất (mã băm hiện tại {current[:12]})"
        return (
            f"{what}, nên không ghi đè. Muốn giữ tệp đó: chuyển nó ra khỏi thư mục rồi chạy lại; "
            f"muốn thay bằng bản mới: chạy lại với --force (bản cũ được cất vào lịch sử)."
        )

    return refusal
