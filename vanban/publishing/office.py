"""What the records office (văn thư) registers and sends, written with the PDFs.

- beside each signing PDF, its metadata (Decree 30, annex VI) as JSON and XML, with the PDF's
  page count: ``pdf/01-ke-hoach.metadata.json`` and ``.metadata.xml``;
- one outgoing register per issuing body, ``so-dang-ky/<body>/so-dang-ky-van-ban-di.xlsx``, a row
  per document that body issued (``vanban.registering.register``);
- beside each signed copy, its edXML package, ``da-ky/01-ke-hoach.edxml``.

Every fact comes from the metadata the run recorded in manifest.json for each document (made
from the same context as the document: ``vanban.documents.metadata``), with the number and date
the records office gave at signing when it gave them then. Everything is prepared before the
first write: a register that cannot be read, or a file vanban wrote and someone changed, is
named and nothing is written. A register the office typed into is merged, never refused: vanban
rewrites its own columns and keeps the office's, and the log records each version.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from vanban.errors import EditedOutputError, InputError
from vanban.issuing.audit import AuditLog, audit_entry
from vanban.issuing.jobs import WITH_FILE, doc_state
from vanban.issuing.storage import OutputFolder, WriteOutcome
from vanban.metadata import OutgoingMetadata, from_json
from vanban.outdir import LOG_NAME, METADATA_SUFFIXES, PACKAGE_SUFFIX, beside
from vanban.publishing.records import latest_of
from vanban.registering.describe import issued_metadata, metadata_json, metadata_xml
from vanban.registering.edxml import build_package
from vanban.registering.register import register_path, register_xlsx, row_of
from vanban.review.inputs import clean_relative

__all__ = [
    "OfficeFile",
    "check_office_files",
    "office_files",
    "office_logged",
    "documents_metadata",
    "metadata_files",
    "package_file",
    "register_files",
    "write_office_files",
]


@dataclass(frozen=True)
class OfficeFile:
    """One file the records office gets, ready to write."""

    path: str
    data: bytes
    event: str  # its audit event: "described", "registered", "packed"
    source: str | None  # what it is about: the PDF or the signed copy (a register: None)
    merged: bool = False  # a register: the office may have typed into it, which is no conflict


def documents_metadata(manifest: dict[str, Any]) -> tuple[dict[str, OutgoingMetadata], list[str]]:
    """Each issued document's metadata, by its path, and a warning for each record that is not
    one vanban writes (manifest.json is a file anyone may have edited). Each record is the
    document's whose path the manifest gives, whatever the record says of itself."""
    found: dict[str, OutgoingMetadata] = {}
    warnings: list[str] = []
    missing = 0
    for entry in manifest.get("documents") or []:
        if not isinstance(entry, dict) or doc_state(entry.get("status")) not in WITH_FILE:
            continue
        source = clean_relative(entry.get("path"))
        if source is None or source in found:
            continue
        if entry.get("metadata") is None:
            missing += 1
            continue
        try:
            found[source] = replace(from_json(entry["metadata"]), document=source)
        except ValueError as exc:
            warnings.append(f"manifest.json: dữ liệu đặc tả của {source} không hợp lệ ({exc}).")
    if missing:
        warnings.append(
            f"{missing} văn bản chưa có dữ liệu đặc tả (phát hành bởi phiên bản vanban cũ): hãy "
            "chạy lại vanban run để ghi nhận rồi xuất PDF lại."
        )
    return found, warnings


def metadata_files(
    issued: dict[str, OutgoingMetadata], records: dict[str, dict[str, Any]]
) -> list[OfficeFile]:
    """The JSON and the XML beside each published PDF (``issued``: :func:`issued_metadata`),
    listed in its record."""
    files: list[OfficeFile] = []
    for source, record in sorted(records.items()):
        meta = issued.get(source)
        if meta is None:
            continue
        pdf = str(record["path"])
        json_path, xml_path = (beside(pdf, suffix) for suffix in METADATA_SUFFIXES)
        files.append(OfficeFile(json_path, metadata_json(meta), "described", pdf))
        files.append(OfficeFile(xml_path, metadata_xml(meta), "described", pdf))
        # manifest.json lists them with the PDF they describe.
        record["metadata"] = [json_path, xml_path]
    return files


def register_files(
    folder: OutputFolder, issued: dict[str, OutgoingMetadata], order: Iterable[str]
) -> list[OfficeFile]:
    """One register per issuing body, its rows in ``order`` (the manifest's), merged with the
    register on disk; InputError naming every register that cannot be read.

    Bodies are told apart by their register's path, so one body written two ways ("Hòa",
    "Hoà") keeps one register, named as first written.
    """
    bodies: dict[str, tuple[str, list[OutgoingMetadata]]] = {}
    for source in dict.fromkeys(order):
        if source in issued:
            meta = issued[source]
            path = register_path(meta.organ_name)
            bodies.setdefault(path, (meta.organ_name, []))[1].append(meta)
    files: list[OfficeFile] = []
    problems: list[str] = []
    for path, (body, documents) in bodies.items():
        existing = folder.read(path)
        try:
            data = register_xlsx(body, [row_of(m) for m in documents], existing)
        except InputError as exc:
            problems.append(f"- {path}: {exc.message}")
            continue
        files.append(OfficeFile(path, data, "registered", None, merged=True))
    if problems:
        raise InputError(
            "Không đọc được sổ đăng ký văn bản đi, chưa ghi tệp nào:\n"
            + "\n".join(problems)
            + "\nSửa hoặc chuyển sổ đó ra khỏi thư mục (vanban lập lại sổ mới) rồi chạy lại."
        )
    return files


def package_file(
    meta: OutgoingMetadata, signed_path: str, data: bytes, *, sent_at: datetime
) -> OfficeFile:
    """The edXML package of the signed copy at ``signed_path``; InputError when the metadata
    cannot make one (no number yet, a field too long)."""
    name = signed_path.rsplit("/", 1)[-1]
    package = build_package(meta, data, name, sent_at=sent_at)
    return OfficeFile(beside(signed_path, PACKAGE_SUFFIX), package, "packed", signed_path)


def office_files(
    folder: OutputFolder, manifest: dict[str, Any], records: dict[str, dict[str, Any]]
) -> tuple[list[OfficeFile], list[str]]:
    """The metadata files and the registers of the folder as ``records`` describe its PDFs, and
    the warnings about documents without metadata; InputError for an unreadable register."""
    metas, warnings = documents_metadata(manifest)
    issued = issued_metadata(metas, records)
    files = metadata_files(issued, records) + register_files(folder, issued, metas)
    return files, warnings


# The records office's files that vanban alone writes (refused when edited), and the register.
_EVENTS = ("described", "packed", "registered")


def office_logged(folder: OutputFolder) -> dict[str, dict[str, dict[str, Any]]]:
    """What the log last says of each of the office's files: read once per command."""
    return latest_of(folder.root, _EVENTS)


def _refusals(
    files: list[OfficeFile], logged: dict[str, dict[str, dict[str, Any]]]
) -> dict[str, Callable[[bytes, str], str | None]]:
    return {
        f.path: _merge if f.merged else _refusal(f.path, logged.get(f.event, {})) for f in files
    }


def check_office_files(
    folder: OutputFolder,
    files: list[OfficeFile],
    *,
    force: bool,
    logged: dict[str, dict[str, dict[str, Any]]] | None = None,
) -> None:
    """Refuse, all named at once, every link on the way to ``files`` and, unless ``force``, every
    metadata file or package changed since vanban wrote it: called before the first write."""
    folder.refuse_links([folder.root / f.path for f in files])
    if force:
        return
    refusals = _refusals(files, logged if logged is not None else office_logged(folder))
    found = [why for f in files if (why := folder.refused(f.path, f.data, refusal=refusals[f.path]))]
    if found:
        raise EditedOutputError("\n".join(found))


def write_office_files(
    folder: OutputFolder,
    files: list[OfficeFile],
    *,
    force: bool,
    logged: dict[str, dict[str, dict[str, Any]]],
) -> list[WriteOutcome]:
    """Write ``files``, which the caller checked before its first write
    (:func:`check_office_files`, with the same ``logged``); log each version written."""
    refusals = _refusals(files, logged)
    audit = AuditLog(folder.root / LOG_NAME)
    outcomes = []
    for f in files:
        outcome = folder.write(f.path, f.data, refusal=refusals[f.path], force=force)
        outcomes.append(outcome)
        before = logged.get(f.event, {}).get(f.path, {}).get("sha256")
        if outcome.status != "unchanged" or before != outcome.sha256:
            audit.append(
                audit_entry(
                    f.event,
                    path=f.path,
                    sha256=outcome.sha256,
                    source=f.source,
                    size=len(f.data),
                    status=outcome.status,
                    history=folder.relpath(outcome.history_path) if outcome.history_path else None,
                )
            )
    return outcomes


def _merge(_old: bytes, _current: str) -> str | None:
    return None  # the office's columns were merged in: replacing the file loses nothing


def _refusal(path: str, logged: dict[str, dict[str, Any]]) -> Callable[[bytes, str], str | None]:
    recorded = (logged.get(path) or {}).get("sha256")

    def refusal(_old: bytes, current: str) -> str | None:
        if current == recorded:
            return None
        what = (
            f"{path} đã có sẵn nhưng không do vanban ghi (không có trong sổ nhật ký)"
            if recorded is None
            else f"{path} đã bị sửa sau khi vanban ghi (mã băm hiện tại {current[:12]})"
        )
        return (
            f"{what}, nên không ghi đè. Chuyển tệp đó ra khỏi thư mục rồi chạy lại, hoặc chạy "
            "lại với --force (bản cũ được cất vào lịch sử)."
        )

    return refusal
