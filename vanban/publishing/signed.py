"""``vanban signed``: the signed PDFs back, each matched to the PDF it was signed from and checked.

A signing tool signs incrementally: the published PDF's bytes stay the signed file's prefix. Each
file of the folder is therefore matched by that prefix, never by its name, to the PDF
``vanban pdf`` last published for a document. Then every signature must be intact (pyHanko), each
field the document calls for signed (the signer's, then the organisation's; an annex only the
organisation's), and the last signature must cover the whole file. Every file is judged before
anything is recorded: one problem anywhere and nothing is copied or logged (InputError, exit 2,
naming each file). Accepted copies go to ``da-ky/`` with the published PDF's path, and the log
and the manifest record each one. Whether the certificates chain up to the government CA is not
checked (see ``vanban.pdf.signatures``).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vanban.errors import InputError
from vanban.files import TEMP_PREFIX, read_nofollow, sha256_bytes
from vanban.issuing.audit import AuditLog, audit_entry
from vanban.issuing.locking import folder_lock
from vanban.issuing.storage import OutputFolder, Status
from vanban.outdir import LOG_NAME, PDF_DIR, SIGNED_DIR, pdf_relpath
from vanban.pdf.fields import ORGANISATION_FIELD, SIGNER_FIELD
from vanban.pdf.signatures import SignatureInfo, read_signatures
from vanban.publishing.numbers import GivenNumber, given_numbers
from vanban.publishing.records import latest_entries, pdf_records, read_manifest, write_pdf_records

__all__ = ["TRUST_NOTE", "SignedCopy", "SignedReport", "collect_signed"]

# Said wherever a signed copy is accepted: what was checked, and what was not.
TRUST_NOTE = (
    "Đã kiểm tra tính toàn vẹn của từng chữ ký và đủ các ô chữ ký; chưa kiểm tra chứng thư số có "
    "do Ban Cơ yếu Chính phủ cấp và còn hiệu lực hay không (việc của phần mềm ký số của cơ quan)."
)
# A signed document is a few MB; anything this large is not one.
MAX_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class SignedCopy:
    file: Path  # as it was found in the folder
    source: str  # the document (.docx) it is the signed copy of
    path: str  # where it was copied, relative to the output folder
    sha256: str
    signers: tuple[str, ...]  # the certificates' subjects
    status: Status
    number: str = ""  # the number the workbook gives it (``--workbook``), "" if none


@dataclass
class SignedReport:
    out_dir: Path
    copies: list[SignedCopy] = field(default_factory=list)


@dataclass
class _Match:
    file: Path
    data: bytes
    source: str
    record: dict[str, Any]
    signatures: list[SignatureInfo]


def collect_signed(
    out_dir: Path,
    folder: Path,
    *,
    force: bool = False,
    workbook: Path | None = None,
    templates: Path | None = None,
) -> SignedReport:
    """Check every signed PDF in ``folder`` and record them in ``out_dir``; see the module doc.

    With ``workbook``, each copy is recorded with the number and date the records office gave
    its document, as the workbook now says (``vanban.publishing.numbers``).
    """
    out_dir, folder = Path(out_dir), Path(folder)
    if not out_dir.is_dir():
        raise InputError(f"Không tìm thấy thư mục kết quả: {out_dir}")
    files = _pdf_files(folder)
    with folder_lock(out_dir):
        records = pdf_records(read_manifest(out_dir))
        if not records:
            raise InputError(
                f"Thư mục {out_dir} chưa có PDF nào để ký: hãy xuất PDF (vanban pdf) trước."
            )
        matches, problems = _judge(files, records)
        if problems:
            raise InputError(
                f"Thư mục {folder}: có {len(problems)} tệp không nhận được, chưa ghi nhận tệp "
                "nào:\n" + "\n".join(problems)
            )
        numbers = (
            given_numbers(workbook, {m.source for m in matches}, templates=templates)
            if workbook is not None
            else {}
        )
        report = SignedReport(out_dir)
        _record(OutputFolder(out_dir), matches, records, numbers, report, force=force)
        write_pdf_records(out_dir, records)
    return report


def _pdf_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise InputError(f"Không tìm thấy thư mục bản đã ký: {folder}")
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not os.path.islink(Path(dirpath) / d))
        for name in sorted(filenames):
            if name.lower().endswith(".pdf") and not name.startswith((TEMP_PREFIX, ".~lock")):
                found.append(Path(dirpath) / name)
    if not found:
        raise InputError(f"Thư mục {folder} không có tệp PDF nào.")
    return found


def _judge(files: list[Path], records: dict[str, dict[str, Any]]) -> tuple[list[_Match], list[str]]:
    """Each file matched and checked; the problems, one line per file."""
    matches: list[_Match] = []
    problems: list[str] = []
    taken: dict[str, Path] = {}
    for file in files:
        try:
            data = _read(file)
            match = _match(file, data, records)
            _check(match)
        except InputError as exc:
            problems.append(f"- {file.name}: {exc.message}")
            continue
        if match.source in taken:
            problems.append(
                f"- {file.name}: cùng là bản ký của {match.source} với {taken[match.source].name}; "
                "chỉ nộp một bản."
            )
            continue
        taken[match.source] = file
        matches.append(match)
    return matches, problems


def _read(file: Path) -> bytes:
    try:
        st = os.lstat(file)
    except OSError as exc:
        raise InputError(f"không đọc được tệp ({exc.strerror})") from exc
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISREG(st.st_mode):
        raise InputError("không phải tệp thường (liên kết hoặc thư mục); không đọc theo liên kết")
    if st.st_size > MAX_BYTES:
        raise InputError(
            f"tệp quá lớn ({st.st_size // (1024 * 1024)} MB), không phải văn bản đã ký"
        )
    return read_nofollow(file)


def _match(file: Path, data: bytes, records: dict[str, dict[str, Any]]) -> _Match:
    """The published PDF ``data`` begins with; its signatures read (InputError if broken)."""
    if not data.startswith(b"%PDF-"):
        raise InputError("không phải tệp PDF")
    signatures = read_signatures(data)
    # The signatures' own faults first: a byte changed after signing also breaks the match
    # below, and "changed after signing" is what the clerk needs to hear.
    if signatures and not max(signatures, key=lambda s: s.covered).whole_file:
        raise InputError(
            "có nội dung được thêm vào sau chữ ký cuối cùng (chữ ký chỉ phủ một phiên bản trước)"
        )
    for info in signatures:
        if info.problem is not None:
            raise InputError(f"chữ ký ở ô {info.field or '(không tên)'}: {info.problem}")
    for source, record in records.items():
        size, sha256 = _published_size(record), record.get("sha256")
        if size and len(data) > size and sha256_bytes(data[:size]) == sha256:
            return _Match(file, data, source, record, signatures)
    raise InputError(
        "không khớp PDF nào đã xuất bằng vanban pdf (tệp ký phải được ký thêm vào đúng tệp đã "
        "xuất, không lưu lại hay chuyển đổi; hoặc văn bản đã được xuất lại sau khi gửi ký)"
    )


def _published_size(record: dict[str, Any]) -> int:
    size = record.get("size")
    return size if isinstance(size, int) and size > 0 else 0


def _check(match: _Match) -> None:
    signatures = match.signatures
    if not signatures:
        raise InputError("chưa có chữ ký số nào")
    size = _published_size(match.record)
    early = [s.field for s in signatures if s.covered <= size]
    if early:
        raise InputError(f"chữ ký ở ô {', '.join(early)} không phủ tệp đã xuất")
    wanted = [str(f) for f in match.record.get("fields") or [SIGNER_FIELD, ORGANISATION_FIELD]]
    signed = [s.field for s in sorted(signatures, key=lambda s: s.covered)]
    missing = [name for name in wanted if name not in signed]
    if missing:
        raise InputError(
            f"ô chữ ký {', '.join(_field_name(m) for m in missing)} chưa được ký "
            f"(văn bản {match.source})"
        )
    if SIGNER_FIELD in wanted and signed.index(ORGANISATION_FIELD) < signed.index(SIGNER_FIELD):
        raise InputError("cơ quan đã ký trước người ký; người có thẩm quyền phải ký trước")


def _field_name(name: str) -> str:
    shown = {SIGNER_FIELD: "người ký", ORGANISATION_FIELD: "cơ quan"}.get(name, name)
    return f"{name} ({shown})"


def _record(
    folder: OutputFolder,
    matches: list[_Match],
    records: dict[str, dict[str, Any]],
    numbers: dict[str, GivenNumber],
    report: SignedReport,
    *,
    force: bool,
) -> None:
    audit = AuditLog(folder.root / LOG_NAME)
    previous = latest_entries(folder.root, "signed")
    targets = [_signed_path(m.record) for m in matches]
    folder.refuse_links([folder.root / SIGNED_DIR, *(folder.root / t for t in targets)])
    now = datetime.now(UTC).isoformat(timespec="seconds")
    for match, path in zip(matches, targets, strict=True):
        outcome = folder.write(path, match.data, refusal=_refusal(path, previous), force=force)
        ordered = sorted(match.signatures, key=lambda s: s.covered)
        given = numbers.get(match.source)
        number = given.number if given is not None else ""
        match.record["signed"] = {
            "path": path,
            "sha256": outcome.sha256,
            "time": now,
            "signers": [{"field": s.field, "subject": s.subject} for s in ordered],
            "number": number or None,
            "date": given.date.isoformat() if given is not None and given.date else None,
        }
        if number:
            match.record["number"], match.record["awaiting_number"] = number, False
        audit.append(
            audit_entry(
                "signed",
                path=path,
                sha256=outcome.sha256,
                source=str(match.record.get("path")),
                source_sha256=str(match.record.get("sha256")),
                certificates=[s.fingerprint for s in ordered],
                status=outcome.status,
                history=folder.relpath(outcome.history_path) if outcome.history_path else None,
            )
        )
        report.copies.append(
            SignedCopy(
                file=match.file,
                source=match.source,
                path=path,
                sha256=outcome.sha256,
                signers=tuple(s.subject for s in ordered),
                status=outcome.status,
                number=number,
            )
        )


def _signed_path(record: dict[str, Any]) -> str:
    """``pdf/03-giay-moi/x.pdf`` -> ``da-ky/03-giay-moi/x.pdf``."""
    published = str(record.get("path") or "")
    inner = published.split("/", 1)[1] if published.startswith(PDF_DIR + "/") else published
    return pdf_relpath(inner, SIGNED_DIR)


def _refusal(path: str, previous: dict[str, dict[str, Any]]) -> Callable[[bytes, str], str | None]:
    recorded = (previous.get(path) or {}).get("sha256")

    def refusal(_old: bytes, current: str) -> str | None:
        if current == recorded:
            return None
        return (
            f"{path} đã có một bản khác không do vanban ghi nhận (mã băm {current[:12]}), nên "
            "không ghi đè. Chuyển tệp đó ra khỏi thư mục rồi chạy lại, hoặc chạy lại với --force."
        )

    return refusal
