"""What the review reads from a run's output folder: manifest.json, audit.jsonl and the documents.

The list of documents comes from ``manifest.json`` when there is one, else from the .docx files in
the folder; each is flagged when the file on disk is not the one last issued.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from vanban.errors import InputError
from vanban.files import links_below
from vanban.issuing.jobs import doc_state
from vanban.metadata import OutgoingMetadata, from_json, shown_rows
from vanban.outdir import (
    LOG_NAME,
    MANIFEST_NAME,
    PACKAGE_SUFFIX,
    PDF_DIR,
    PDFS_KEY,
    REVIEW_DIR,
    SIGNED_DIR,
    beside,
)
from vanban.registering.describe import issued_metadata
from vanban.review.page import DocumentReview, ordered
from vanban.review.previews import relative_path


@dataclass
class ReviewInputs:
    manifest: dict[str, Any] | None
    issued: dict[str, dict[str, Any]]  # relative path -> its last "issued" entry
    documents: list[DocumentReview]  # in the page's order
    notes: list[str]  # for the top of the page: what was missing or unreadable


def read_inputs(out_dir: Path) -> ReviewInputs:
    """The manifest, the audit log and the documents they name, each read once."""
    notes: list[str] = []
    manifest = read_manifest(out_dir)
    if manifest is None:
        notes.append(
            "Không có manifest.json: danh sách văn bản lấy từ các tệp .docx trong thư mục."
        )
    issued, skipped = latest_issued(out_dir / LOG_NAME)
    if skipped:
        notes.append(
            f"audit.jsonl có {skipped} dòng không đọc được, đã bỏ qua khi so sánh với bản trước "
            "(kiểm tra sổ: vanban audit verify)."
        )
    documents = ordered(list_documents(out_dir, manifest, issued))
    return ReviewInputs(manifest, issued, documents, notes)


def read_manifest(out_dir: Path) -> dict[str, Any] | None:
    path = out_dir / MANIFEST_NAME
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"Không đọc được {path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("documents", []), list):
        raise InputError(f"{path} không đúng cấu trúc: cần một đối tượng có danh sách 'documents'.")
    return data


def latest_issued(audit: Path) -> tuple[dict[str, dict[str, Any]], int]:
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
                path = clean_relative(entry.get("path"))
                if path is not None:
                    latest[path] = entry
    return latest, skipped


def list_documents(
    out_dir: Path, manifest: dict[str, Any] | None, issued: dict[str, dict[str, Any]]
) -> list[DocumentReview]:
    if manifest is None:
        return _documents_from_folder(out_dir, issued)
    docs = []
    for entry in manifest.get("documents", []):
        if not isinstance(entry, dict):
            continue
        raw_path = entry.get("path")
        path = clean_relative(raw_path)
        doc = DocumentReview(
            kind=str(entry.get("kind") or ""),
            label=str(entry.get("label") or entry.get("kind") or raw_path or "Văn bản"),
            status=doc_state(entry.get("status")) or "unknown",
            stage=entry["stage"] if isinstance(entry.get("stage"), int) else None,
            stage_label=str(entry.get("stage_label") or ""),
            unit=str_or_none(entry.get("unit")),
            path=path if path is not None else str_or_none(raw_path),
            reason=str_or_none(entry.get("reason")),
        )
        doc.exists = path is not None and (out_dir / path).is_file()
        if raw_path and path is None:
            doc.preview_note = "Đường dẫn trong manifest.json không hợp lệ"
        _edited_warning(doc, out_dir, issued, entry.get("sha256"))
        _signing(doc, out_dir, manifest.get(PDFS_KEY), entry.get("sha256"))
        docs.append(doc)
    _described(docs, out_dir, manifest)
    return docs


def _signing(doc: DocumentReview, out_dir: Path, records: Any, issued_sha256: Any) -> None:
    """What ``vanban pdf`` and ``vanban signed`` recorded of the document, for the page."""
    record = records.get(doc.path) if isinstance(records, dict) and doc.path else None
    if not isinstance(record, dict):
        return
    pdf = clean_relative(record.get("path"))
    if pdf is None or not (out_dir / pdf).is_file():
        return
    doc.signing_pdf = pdf
    notes = []
    if record.get("source_sha256") != issued_sha256:
        notes.append("PDF lập từ bản trước của văn bản: xuất lại (vanban pdf) trước khi ký.")
    elif record.get("awaiting_number"):
        notes.append("Chưa có số: dòng số để trống, văn thư cấp số khi ký số.")
    signed = record.get("signed")
    if isinstance(signed, dict):
        copy = clean_relative(signed.get("path"))
        if copy is not None and (out_dir / copy).is_file():
            doc.signed_pdf = copy
        signers = [
            str(s.get("subject")) for s in signed.get("signers") or [] if isinstance(s, dict)
        ]
        number = f", số {signed['number']}" if signed.get("number") else ""
        notes.append(f"Đã ký số{number}: " + "; ".join(signers))
    doc.signing_note = "\n".join(notes) or None


def _described(docs: list[DocumentReview], out_dir: Path, manifest: dict[str, Any]) -> None:
    """Each document's metadata as issued (its PDF's page count, a number given at signing, an
    annex's plan's number), and the records office's files of it that are on disk."""
    raw = manifest.get(PDFS_KEY)
    records = raw if isinstance(raw, dict) else {}
    metas: dict[str, OutgoingMetadata] = {}
    unreadable: set[str] = set()  # records manifest.json holds that vanban did not write
    for entry in manifest.get("documents", []):
        path = clean_relative(entry.get("path")) if isinstance(entry, dict) else None
        if path is None or entry.get("metadata") is None or path in metas:
            continue
        try:
            metas[path] = replace(from_json(entry["metadata"]), document=path)
        except ValueError:
            unreadable.add(path)
    issued = issued_metadata(metas, records)
    for doc in docs:
        if doc.path in unreadable:
            doc.metadata = [("Dữ liệu đặc tả", "manifest.json ghi sai, không hiển thị")]
        meta = issued.get(doc.path or "")
        if meta is None:
            continue
        doc.metadata = shown_rows(meta)
        doc.issuing_body = meta.organ_name
        record = records.get(doc.path)
        if isinstance(record, dict):
            doc.office_files = [
                (_OFFICE_LABELS[kind], path)
                for kind, path in office_paths(record)
                if plain_file(out_dir, path)
            ]


_OFFICE_LABELS = {"JSON": "Đặc tả (JSON)", "XML": "Đặc tả (XML)", "edXML": "Gói edXML"}


def office_paths(record: dict[str, Any]) -> list[tuple[str, str]]:
    """The records office's files of a PDF's record (manifest.json ``pdfs``), as (format, path):
    its metadata as JSON and XML, and its signed copy's edXML package; each path checked to stay
    in its folder."""
    found: list[tuple[str, str]] = []
    listed = record.get("metadata")
    for path in listed if isinstance(listed, list) else []:
        clean = clean_relative(path)
        if clean is not None and clean.startswith(PDF_DIR + "/"):
            found.append(("JSON" if clean.endswith(".json") else "XML", clean))
    signed = record.get("signed")
    copy = clean_relative(signed.get("path")) if isinstance(signed, dict) else None
    if copy is not None and copy.startswith(SIGNED_DIR + "/") and copy.endswith(".pdf"):
        found.append(("edXML", beside(copy, PACKAGE_SUFFIX)))
    return found


def plain_file(root: Path, relpath: str) -> bool:
    """Whether ``relpath`` is a regular file under ``root`` reached through no link (nor a
    Windows junction)."""
    path = root / relpath
    try:
        return links_below(root, path) is None and path.is_file() and not path.is_symlink()
    except (InputError, OSError):
        return False


def _documents_from_folder(
    out_dir: Path, issued: dict[str, dict[str, Any]]
) -> list[DocumentReview]:
    docs = []
    for file in sorted(out_dir.rglob("*.docx")):
        relative = relative_path(file, out_dir)
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


def clean_relative(value: Any) -> str | None:
    """A POSIX path relative to the output folder, or None if absent or pointing outside it."""
    if not isinstance(value, str) or not value.strip():
        return None
    path = PurePosixPath(value.strip().replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts:
        return None
    return path.as_posix()


def str_or_none(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)
