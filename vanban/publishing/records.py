"""What an output folder says of its PDFs: manifest.json's ``pdfs`` and the audit log's entries.

``manifest.json`` keeps, under :data:`vanban.outdir.PDFS_KEY`, one record per document that has a
signing PDF, keyed by the document's path::

    "03-giay-moi/xa-my-quy.docx": {
        "path": "pdf/03-giay-moi/xa-my-quy.pdf", "sha256": "…", "pages": 1,
        "source_sha256": "…", "number": "15/GM-UBND" | null, "awaiting_number": false,
        "fields": ["ChuKyNguoiKy", "ChuKyCoQuan"], "published_at": "…",
        "signed": null | {"path": "da-ky/…", "sha256": "…", "time": "…", "signers": [...]}
    }

The audit log records each PDF written ("published") and each signed copy collected ("signed")
with hashes, counts and certificate fingerprints only; the signers' names are in the manifest.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from vanban.errors import InputError
from vanban.files import atomic_write, json_bytes, read_nofollow
from vanban.issuing.audit import AuditLog
from vanban.outdir import LOG_NAME, MANIFEST_NAME, PDF_DIR, PDFS_KEY

__all__ = ["latest_entries", "latest_of", "pdf_records", "read_manifest", "write_pdf_records"]


def read_manifest(out_dir: Path) -> dict[str, Any]:
    """The folder's manifest.json, which ``vanban run`` writes; InputError when there is none."""
    path = Path(out_dir) / MANIFEST_NAME
    if not os.path.lexists(path):
        raise InputError(
            f"Thư mục {out_dir} chưa có {MANIFEST_NAME}: hãy phát hành văn bản (vanban run) "
            "trước khi xuất PDF."
        )
    try:
        data = json.loads(read_nofollow(path).decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"Không đọc được {path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise InputError(f"{path} không đúng cấu trúc: cần một đối tượng có danh sách 'documents'.")
    return data


def pdf_records(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The manifest's PDF records that have the shape vanban writes; anything else is dropped.

    The manifest is a file in the folder like any other: a record naming a path outside the PDF
    folder ("../x", "/etc/x"), or with a field of the wrong type, is not one vanban wrote.
    """
    records = manifest.get(PDFS_KEY)
    if not isinstance(records, dict):
        return {}
    return {k: v for k, v in records.items() if isinstance(k, str) and _well_formed(v)}


def _well_formed(record: Any) -> bool:
    if not isinstance(record, dict) or not _in_pdf_folder(record.get("path")):
        return False
    sha256, fields = record.get("sha256"), record.get("fields")
    return (
        isinstance(sha256, str)
        and len(sha256) == 64
        and all(isinstance(record.get(k), int) for k in ("size", "pages"))
        and isinstance(fields, list)
        and all(isinstance(f, str) for f in fields)
        and isinstance(record.get("signed"), (dict, type(None)))
    )


def _in_pdf_folder(path: Any) -> bool:
    if not isinstance(path, str) or not path.startswith(PDF_DIR + "/") or "\\" in path:
        return False
    return all(part not in ("", ".", "..") for part in path.split("/"))


def write_pdf_records(out_dir: Path, records: dict[str, dict[str, Any]]) -> None:
    """Put ``records`` in the manifest, the rest of it as the last run wrote it."""
    manifest = read_manifest(out_dir)
    manifest[PDFS_KEY] = dict(sorted(records.items()))
    data = json_bytes(manifest)
    atomic_write(Path(out_dir) / MANIFEST_NAME, data, root=Path(out_dir))


def latest_entries(out_dir: Path, event: str) -> dict[str, dict[str, Any]]:
    """The last audit entry of ``event`` for each path."""
    return latest_of(out_dir, (event,))[event]


def latest_of(out_dir: Path, events: tuple[str, ...]) -> dict[str, dict[str, dict[str, Any]]]:
    """The last audit entry of each of ``events`` for each path, the log read once."""
    latest: dict[str, dict[str, dict[str, Any]]] = {event: {} for event in events}
    for entry in AuditLog(Path(out_dir) / LOG_NAME).entries():
        event, path = entry.get("event"), entry.get("path")
        if event in latest and isinstance(path, str):
            latest[event][path] = entry
    return latest
