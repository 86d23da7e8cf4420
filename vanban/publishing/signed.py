"""``vanban signed``: the signed PDFs back, each matched to the PDF it was signed from and checked.

A signing tool signs incrementally: the published PDF's bytes stay the signed file's prefix. Each
file of the folder is therefore matched by that prefix, never by its name, to the PDF
``vanban pdf`` last published for a document, as the hash-chained audit log records it (the
manifest alone, a file anyone may edit, decides nothing). Then every signature must be intact
(pyHanko), nothing but signatures may have been added since publication, each field the
document's kind calls for must be signed (the signer's, then the organisation's; an annex only
the organisation's), and the last signature must cover the whole file.

Every file is judged, and every place a copy would go checked, before anything is recorded: one
problem anywhere and nothing is copied or logged (exit 2, or 4 for a copy in the way, naming each
file). Accepted copies go to ``da-ky/`` under the published PDF's path, and the log and the
manifest record each one. Whether the certificates chain up to the government CA is not checked
(see ``vanban.pdf.signatures``).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vanban.documents.kinds import load_registry
from vanban.errors import EditedOutputError, InputError
from vanban.files import TEMP_PREFIX, read_nofollow, sha256_bytes
from vanban.issuing.audit import AuditLog, audit_entry
from vanban.issuing.locking import folder_lock
from vanban.issuing.storage import OutputFolder, Status
from vanban.outdir import LOG_NAME, PDF_DIR, SIGNED_DIR, pdf_relpath
from vanban.pdf.fields import ORGANISATION_FIELD, SIGNER_FIELD
from vanban.pdf.signatures import SignatureInfo, changes_since, read_signatures
from vanban.publishing.numbers import GivenNumber, given_numbers
from vanban.publishing.office import (
    OfficeFile,
    check_office_files,
    documents_metadata,
    office_files,
    office_logged,
    package_file,
    write_office_files,
)
from vanban.publishing.records import latest_entries, pdf_records, read_manifest, write_pdf_records
from vanban.registering.describe import issued_metadata

__all__ = ["TRUST_NOTE", "SignedCopy", "SignedReport", "collect_signed"]

# Said wherever a signed copy is accepted: what was checked, and what was not.
TRUST_NOTE = (
    "Đã kiểm tra tính toàn vẹn của từng chữ ký và đủ các ô chữ ký; chưa kiểm tra chứng thư số có "
    "do Ban Cơ yếu Chính phủ cấp và còn hiệu lực hay không (việc của phần mềm ký số của cơ quan)."
)
# A signed document is a few MB; anything this large is not one.
MAX_BYTES = 200 * 1024 * 1024
# Where a revision of a PDF ends: a published PDF is one of the signed file's revisions.
_EOF = re.compile(rb"%%EOF[ \t]*(?:\r\n|\r|\n)?")


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
    packages: list[str] = field(default_factory=list)  # the edXML packages written
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Published:
    """A PDF as ``vanban pdf`` last published it, by the log, with what its kind calls for."""

    source: str
    path: str
    size: int
    sha256: str
    fields: tuple[str, ...]


@dataclass
class _Match:
    file: Path
    data: bytes
    published: _Published
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

    With ``workbook``, each copy of a document published without its number is recorded with the
    number and date the records office gave it, as the workbook now says.
    """
    out_dir, folder = Path(out_dir), Path(folder)
    if not out_dir.is_dir():
        raise InputError(f"Không tìm thấy thư mục kết quả: {out_dir}")
    if folder.resolve().is_relative_to(out_dir.resolve()):
        raise InputError(
            f"Thư mục bản đã ký {folder} nằm trong thư mục kết quả {out_dir}: hãy để các tệp đã "
            "ký ở một thư mục riêng."
        )
    files = _pdf_files(folder)
    with folder_lock(out_dir):
        manifest = read_manifest(out_dir)
        records = pdf_records(manifest)
        published = _published(out_dir, manifest, records, templates)
        if not published:
            raise InputError(
                f"Thư mục {out_dir} chưa có PDF nào để ký: hãy xuất PDF (vanban pdf) trước."
            )
        matches, problems = _judge(files, published)
        if problems:
            raise InputError(
                f"Thư mục {folder}: có {len(problems)} tệp không nhận được, chưa ghi nhận tệp "
                "nào:\n" + "\n".join(problems)
            )
        awaiting = {m.published.source for m in matches if records[m.published.source].get(
            "awaiting_number")}  # fmt: skip
        numbers = (
            given_numbers(workbook, awaiting, templates=templates) if workbook is not None else {}
        )
        report = SignedReport(out_dir)
        out = OutputFolder(out_dir)
        # Everything the records office gets is made from the records as they will be once the
        # numbers are recorded, and checked, before the first copy is written. One time for the
        # copies' records and their packages' traces, to the second.
        now = datetime.now(UTC).replace(microsecond=0)
        will_be = _as_numbered(records, numbers)
        office, warnings = office_files(out, manifest, will_be)
        report.warnings.extend(warnings)
        packages = _packages(manifest, records, will_be, matches, report, now=now)
        logged = office_logged(out)
        check_office_files(out, office + packages, force=force, logged=logged)
        _record(out, matches, records, numbers, report, force=force, now=now)
        write_office_files(out, office + packages, force=force, logged=logged)
        report.packages = [p.path for p in packages]
        write_pdf_records(out_dir, records)
    return report


def _as_numbered(
    records: dict[str, dict[str, Any]], numbers: dict[str, GivenNumber]
) -> dict[str, dict[str, Any]]:
    """A copy of ``records`` as :func:`_record` will leave them, in what the records office's
    files read of them: the number and date given at signing."""
    will_be = {source: dict(record) for source, record in records.items()}
    for source, given in numbers.items():
        if source in will_be and given.number:
            when = given.date.isoformat() if given.date else None
            will_be[source].update(number=given.number, signed={"date": when})
    return will_be


def _packages(
    manifest: dict[str, Any],
    records: dict[str, dict[str, Any]],
    will_be: dict[str, dict[str, Any]],
    matches: list[_Match],
    report: SignedReport,
    *,
    now: datetime,
) -> list[OfficeFile]:
    """The edXML package of each signed copy, from its metadata as it will be recorded; a copy
    whose document has no number yet gets none, and the report says why. A copy taken back again
    unchanged keeps its package as it was: the trace's time is when the copy was first taken."""
    metas, _ = documents_metadata(manifest)
    issued = issued_metadata(metas, will_be)
    packages: list[OfficeFile] = []
    uncoded: list[str] = []
    for match in matches:
        source = match.published.source
        meta = issued.get(source)
        if meta is None:
            continue
        try:
            packages.append(
                package_file(
                    meta,
                    _signed_path(match.published.path),
                    match.data,
                    sent_at=_first_taken(records[source], sha256_bytes(match.data)) or now,
                )
            )
        except InputError as exc:
            report.warnings.append(f"Không lập gói edXML cho {source}: {exc.message}")
            continue
        if not meta.organ_id:
            uncoded.append(source)
    if uncoded:
        report.warnings.append(
            f"{len(uncoded)} gói edXML chưa có mã định danh của cơ quan ban hành (From/OrganId "
            "để trống), trục liên thông không chuyển được: ghi mã định danh vào bảng tính, phát "
            "hành và xuất PDF lại."
        )
    return packages


def _first_taken(record: dict[str, Any], sha256: str) -> datetime | None:
    """When this very copy was first taken back (:func:`_kept_time`), as a time."""
    try:
        taken = datetime.fromisoformat(_kept_time(record, sha256) or "")
    except ValueError:
        return None
    return taken if taken.tzinfo is not None else None


def _published(
    out_dir: Path,
    manifest: dict[str, Any],
    records: dict[str, dict[str, Any]],
    templates: Path | None,
) -> list[_Published]:
    """Each document's PDF as the log last records it; the fields from the document's kind."""
    logged = latest_entries(out_dir, "published")
    signing = {kind.key: kind.signing for kind in load_registry(templates).kinds}
    kinds = {
        str(d.get("path")): str(d.get("kind"))
        for d in manifest.get("documents", [])
        if isinstance(d, dict)
    }
    found = []
    for source, record in records.items():
        entry = logged.get(record["path"]) or {}
        size, sha256 = entry.get("size"), entry.get("sha256")
        if not isinstance(size, int) or sha256 != record["sha256"]:
            continue  # the manifest says what the log does not: not a PDF vanban published
        annex = signing.get(kinds.get(source, ""), "document") == "annex"
        fields = (ORGANISATION_FIELD,) if annex else (SIGNER_FIELD, ORGANISATION_FIELD)
        found.append(_Published(source, record["path"], size, sha256, fields))
    return found


def _pdf_files(folder: Path) -> list[Path]:
    """Every .pdf under ``folder``; a link met on the way is a problem, never followed."""
    if not folder.is_dir():
        raise InputError(f"Không tìm thấy thư mục bản đã ký: {folder}")
    found, links = [], []
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        links += [here / d for d in dirnames if os.path.islink(here / d)]
        dirnames[:] = sorted(d for d in dirnames if not os.path.islink(here / d))
        for name in sorted(filenames):
            if name.lower().endswith(".pdf") and not name.startswith((TEMP_PREFIX, ".~lock")):
                found.append(here / name)
    if links:
        names = ", ".join(str(link.relative_to(folder)) for link in links)
        raise InputError(
            f"Thư mục {folder} có liên kết (symlink) tới thư mục khác: {names}. Không đọc theo "
            "liên kết; hãy chép tệp vào thư mục rồi chạy lại."
        )
    if not found:
        raise InputError(f"Thư mục {folder} không có tệp PDF nào.")
    return found


def _judge(files: list[Path], published: list[_Published]) -> tuple[list[_Match], list[str]]:
    """Each file matched and checked; the problems, one line per file."""
    index: dict[tuple[int, str], list[_Published]] = {}
    for pub in published:
        index.setdefault((pub.size, pub.sha256), []).append(pub)
    matches: list[_Match] = []
    problems: list[str] = []
    taken: dict[str, Path] = {}
    for file in files:
        try:
            match = _match(file, _read(file), index)
            _check(match)
        except InputError as exc:
            problems.append(f"- {file.name}: {exc.message}")
            continue
        source = match.published.source
        if source in taken:
            problems.append(
                f"- {file.name}: cùng là bản ký của {source} với {taken[source].name}; "
                "chỉ nộp một bản."
            )
            continue
        taken[source] = file
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
        raise InputError(f"tệp quá lớn ({st.st_size // (1024 * 1024)} MB), không phải văn bản đã ký")
    return read_nofollow(file)


def _match(
    file: Path, data: bytes, index: dict[tuple[int, str], list[_Published]]
) -> _Match:
    """The published PDF ``data`` begins with; its signatures read (InputError if broken)."""
    if not data.startswith(b"%PDF-"):
        raise InputError("không phải tệp PDF")
    signatures = read_signatures(data)
    # The signatures' own faults first: a byte changed after signing also breaks the match
    # below, and "changed after signing" is what the clerk needs to hear.
    if signatures and not signatures[-1].whole_file:
        raise InputError(
            "có nội dung được thêm vào sau chữ ký cuối cùng (chữ ký chỉ phủ một phiên bản trước)"
        )
    for info in signatures:
        if info.problem is not None:
            raise InputError(f"chữ ký ở ô {info.field or '(không tên)'}: {info.problem}")
    # Only where a revision ends can the published PDF end: a few hashes, not one per record.
    candidates: list[_Published] = []
    ends = {end for m in _EOF.finditer(data) for end in (m.start() + 5, m.end())}
    for end in sorted(ends):
        candidates += index.get((end, sha256_bytes(data[:end])), [])
    if not candidates:
        raise InputError(
            "không khớp PDF nào đã xuất bằng vanban pdf (tệp ký phải được ký thêm vào đúng tệp đã "
            "xuất, không lưu lại hay chuyển đổi; hoặc văn bản đã được xuất lại sau khi gửi ký)"
        )
    if len({c.source for c in candidates}) > 1:
        raise InputError(
            "khớp với nhiều văn bản cùng lúc ("
            + ", ".join(sorted(c.source for c in candidates))
            + "); hãy xuất lại PDF (vanban pdf) rồi ký lại"
        )
    return _Match(file, data, candidates[-1], signatures)


def _check(match: _Match) -> None:
    signatures, pub = match.signatures, match.published
    if not signatures:
        raise InputError("chưa có chữ ký số nào")
    early = [s.field for s in signatures if s.covered <= pub.size]
    if early:
        raise InputError(f"chữ ký ở ô {', '.join(early)} không phủ tệp đã xuất")
    changed = changes_since(match.data, pub.size)
    if changed is not None:
        raise InputError(changed)
    signed = [s.field for s in signatures]
    missing = [name for name in pub.fields if name not in signed]
    if missing:
        raise InputError(
            f"ô chữ ký {', '.join(_field_name(m) for m in missing)} chưa được ký "
            f"(văn bản {pub.source})"
        )
    if SIGNER_FIELD in pub.fields and signed.index(ORGANISATION_FIELD) < signed.index(
        SIGNER_FIELD
    ):
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
    now: datetime,
) -> None:
    audit = AuditLog(folder.root / LOG_NAME)
    previous = latest_entries(folder.root, "signed")
    targets = [_signed_path(m.published.path) for m in matches]
    folder.refuse_links([folder.root / SIGNED_DIR, *(folder.root / t for t in targets)])
    if not force:
        refusals = [
            why
            for match, path in zip(matches, targets, strict=True)
            if (why := folder.refused(path, match.data, refusal=_refusal(path, previous)))
        ]
        if refusals:
            raise EditedOutputError("\n".join(refusals))
    taken = now.isoformat(timespec="seconds")
    for match, path in zip(matches, targets, strict=True):
        outcome = folder.write(path, match.data, refusal=_refusal(path, previous), force=force)
        record = records[match.published.source]
        given = numbers.get(match.published.source)
        number = given.number if given is not None else ""
        record["signed"] = {
            "path": path,
            "sha256": outcome.sha256,
            "time": _kept_time(record, outcome.sha256) or taken,
            "signers": [{"field": s.field, "subject": s.subject} for s in match.signatures],
            "number": number or None,
            "date": given.date.isoformat() if given is not None and given.date else None,
        }
        if number:
            record["number"], record["awaiting_number"] = number, False
        audit.append(
            audit_entry(
                "signed",
                path=path,
                sha256=outcome.sha256,
                source=match.published.path,
                source_sha256=match.published.sha256,
                certificates=[s.fingerprint for s in match.signatures],
                status=outcome.status,
                history=folder.relpath(outcome.history_path) if outcome.history_path else None,
            )
        )
        report.copies.append(
            SignedCopy(
                file=match.file,
                source=match.published.source,
                path=path,
                sha256=outcome.sha256,
                signers=tuple(s.subject for s in match.signatures),
                status=outcome.status,
                number=number,
            )
        )


def _kept_time(record: dict[str, Any], sha256: str) -> str | None:
    """The time a copy with these bytes was first recorded, kept when it is taken back again."""
    signed = record.get("signed")
    if isinstance(signed, dict) and signed.get("sha256") == sha256:
        time = signed.get("time")
        return time if isinstance(time, str) else None
    return None


def _signed_path(published: str) -> str:
    """``pdf/03-giay-moi/x.pdf`` -> ``da-ky/03-giay-moi/x.pdf``."""
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
